-- A stall verdict counts the ticket's business days on the dates of the plan's sla.timeZone (UTC when the
-- plan names none), so `cutover list` needs the zone as it needs the service level: from the listing index
-- alone, without reading any plan. The index of 0002 is rebuilt with the zone as one more expression (plans are
-- written once, so it never goes stale); summaries.ts selects both expressions word for word.
DROP INDEX migrations_listing;
CREATE INDEX migrations_listing ON migrations (
  updated_at DESC, id, org_id, state, status, created_at, progress_at, attempts, last_error, ticket_key,
  machine_version, xstate_version,
  (CASE json_type(plan, '$.ticketSlaBusinessDays') WHEN 'integer' THEN json_extract(plan, '$.ticketSlaBusinessDays') END),
  (CASE json_type(plan, '$.sla.timeZone') WHEN 'text' THEN json_extract(plan, '$.sla.timeZone') END)
);
