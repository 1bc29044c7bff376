-- When each migration is next due (core/due.ts): the deadline a sleeping or retrying migration waits for, as
-- instant text like the other time columns; NULL is due at once. Written with every transition, so that a
-- watch worker finds what is due from a light listing (no snapshot read) and claims it (engine/claims.ts).
ALTER TABLE migrations ADD COLUMN due_at TEXT;

-- The rule of core/due.ts over the stored snapshots: waitUntil (epoch ms) of a sleeping or retrying state.
UPDATE migrations SET due_at = strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(snapshot, '$.context.waitUntil') / 1000.0,
    'unixepoch')
  WHERE (state LIKE '%.sleeping' OR state = 'retrying')
    AND json_type(snapshot, '$.context.waitUntil') IN ('integer', 'real');
