// The team store's statements. Tables are named with their schema (cutover.*), so the store shares a database
// with anything else. `$clock` parameters are the store's clock: null in production, so the server's now()
// judges every lease; the contract tests pass a fixed instant instead.

export const NOW = (n: number) => `COALESCE($${n}::text, cutover.iso(now()))`;

export const INSERT_MIGRATION = `INSERT INTO cutover.migrations (id, org_id, plan, snapshot, machine_version,
    xstate_version, state, status, created_at, updated_at, progress_at, attempts, last_error, ticket_key, due_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
  ON CONFLICT (id) DO NOTHING RETURNING id`;

const FILTER = '($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR org_id = $2)';

export const LIST = `SELECT * FROM cutover.migrations WHERE ${FILTER} ORDER BY updated_at DESC, id`;

export const MARKS_OF = `SELECT migration_id, name, at, source, override_by, override_reason FROM cutover.marks
  WHERE migration_id = ANY($1::text[]) ORDER BY migration_id, name`;

// The plan's service level when it is a JSON integer, and its zone when a string (the SQLite listing's rules).
const PLAN_SLA = `CASE WHEN json_typeof(plan->'ticketSlaBusinessDays') = 'number'
    AND plan->>'ticketSlaBusinessDays' ~ '^-?[0-9]{1,9}$' THEN (plan->>'ticketSlaBusinessDays')::integer END`;
const PLAN_ZONE = `CASE WHEN json_typeof(plan->'sla'->'timeZone') = 'string' THEN plan->'sla'->>'timeZone' END`;

export const SUMMARIES = `SELECT id, org_id, machine_version, xstate_version, state, status, created_at, updated_at,
    progress_at, attempts, last_error, ticket_key, ${PLAN_SLA} AS plan_sla, ${PLAN_ZONE} AS plan_zone
  FROM cutover.migrations WHERE ${FILTER} ORDER BY updated_at DESC, id LIMIT $3`;

export const COUNT = `SELECT count(*)::integer AS n FROM cutover.migrations WHERE ${FILTER}`;

export const COMMIT_TRANSITION = 'SELECT cutover.commit_transition($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)';

export const SELECT_EFFECTS = `SELECT key, migration_id, step, fingerprint, intent_at, attempts, outcome_at, status,
    remote_id FROM cutover.effects WHERE migration_id = $1 ORDER BY ord`;

/** Granted when there is no lease, it has expired by the store's clock, or it is already this nonce's. */
export const ACQUIRE = `WITH c AS (SELECT COALESCE($4::timestamptz, now()) AS t)
  INSERT INTO cutover.leases AS l (migration_id, nonce, holder, acquired_at, heartbeat_at, expires_at)
  SELECT $1, $2, $3, cutover.iso(c.t), cutover.iso(c.t), cutover.iso(c.t + $5::float8 * interval '1 millisecond') FROM c
  ON CONFLICT (migration_id) DO UPDATE SET nonce = excluded.nonce, holder = excluded.holder,
    acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at
  WHERE l.nonce = excluded.nonce OR l.expires_at <= excluded.acquired_at
  RETURNING *`;

export const HEARTBEAT = `WITH c AS (SELECT COALESCE($3::timestamptz, now()) AS t)
  UPDATE cutover.leases SET heartbeat_at = cutover.iso(c.t),
    expires_at = cutover.iso(c.t + $4::float8 * interval '1 millisecond')
  FROM c WHERE migration_id = $1 AND nonce = $2 AND expires_at > cutover.iso(c.t)`;

export const TAKE_OVER = `WITH c AS (SELECT COALESCE($5::timestamptz, now()) AS t)
  UPDATE cutover.leases SET nonce = $3, holder = $4, acquired_at = cutover.iso(c.t), heartbeat_at = cutover.iso(c.t),
    expires_at = cutover.iso(c.t + $6::float8 * interval '1 millisecond')
  FROM c WHERE migration_id = $1 AND nonce = $2`;

export const REQUIRE_HOLDER = `SELECT cutover.require_holder($1, $2, ${NOW(3)})`;

export const POST_EVENT = `INSERT INTO cutover.operator_inbox (migration_id, event, posted_at, posted_by, expires_at)
  SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM cutover.migrations WHERE id = $1) RETURNING seq`;

export const PENDING_EVENTS = `SELECT * FROM cutover.operator_inbox WHERE migration_id = $1 AND settled_at IS NULL
  AND claimed_at IS NULL AND expires_at > $2 ORDER BY seq`;

export const CLAIM_EVENT = `UPDATE cutover.operator_inbox SET claimed_at = $3, claimed_by = $4
  WHERE migration_id = $1 AND seq = $2 AND claimed_at IS NULL AND settled_at IS NULL AND expires_at > $3`;

export const SETTLE_EVENT = `UPDATE cutover.operator_inbox SET settled_at = $3, outcome = $4
  WHERE migration_id = $1 AND seq = $2 AND settled_at IS NULL`;

export const WITHDRAW_EVENT = `UPDATE cutover.operator_inbox SET settled_at = $3, outcome = $4
  WHERE migration_id = $1 AND seq = $2 AND claimed_at IS NULL AND settled_at IS NULL`;
