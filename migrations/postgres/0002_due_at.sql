-- When each migration is next due (core/due.ts), as in migrations/0006_due_at.sql: the deadline a sleeping or
-- retrying migration waits for, as instant text like the other time columns; NULL is due at once. Every watch
-- worker reads it from a light listing and claims what is due with FOR NO KEY UPDATE SKIP LOCKED
-- (adapters/postgres/claims.ts). Runs with search_path = cutover.
ALTER TABLE migrations ADD COLUMN due_at text;

UPDATE migrations SET due_at = iso(to_timestamp((snapshot->'context'->>'waitUntil')::float8 / 1000))
  WHERE (state LIKE '%.sleeping' OR state = 'retrying')
    AND json_typeof(snapshot->'context'->'waitUntil') = 'number';

-- The watched migrations a light listing reads, without the table's snapshots.
CREATE INDEX migrations_watched ON migrations (org_id) WHERE status IN ('active', 'waiting');

-- commit_transition of 0001_init.sql, writing due_at from p_cols too (the runner computes it with core/due.ts).
-- Same signature: a runner of the previous version passes no due_at, which reads as due at once.
CREATE OR REPLACE FUNCTION commit_transition(
  p_id text, p_fence text, p_now text, p_snapshot json, p_last_error json, p_cols json,
  p_marks json, p_journal json, p_intents json, p_settles json, p_outbox json
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_at text := p_cols->>'updated_at';
BEGIN
  PERFORM cutover.require_migration(p_id);
  PERFORM cutover.require_holder(p_id, p_fence, p_now);
  UPDATE cutover.migrations SET snapshot = p_snapshot, machine_version = p_cols->>'machine_version',
    xstate_version = p_cols->>'xstate_version', state = p_cols->>'state', status = p_cols->>'status',
    attempts = (p_cols->>'attempts')::integer, last_error = p_last_error, ticket_key = p_cols->>'ticket_key',
    updated_at = v_at, progress_at = CASE WHEN (p_cols->>'progressed')::boolean THEN v_at ELSE progress_at END,
    due_at = p_cols->>'due_at'
  WHERE id = p_id;
  PERFORM cutover.upsert_marks(p_id, p_marks, v_at);
  PERFORM cutover.append_journal(p_id, p_journal);
  PERFORM cutover.upsert_intents(p_intents);
  UPDATE cutover.operator_inbox i SET settled_at = s.at, outcome = s.outcome::json
  FROM json_to_recordset(p_settles) AS s(seq integer, at text, outcome text)
  WHERE i.migration_id = p_id AND i.seq = s.seq AND i.settled_at IS NULL;
  PERFORM cutover.insert_outbox(p_outbox, p_now);
END $$;
