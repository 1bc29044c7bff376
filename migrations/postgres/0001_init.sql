-- cutover's PostgreSQL schema, version 1 (the SQLite schema of migrations/0001-0004 in one file). Forward-only:
-- never edit this file once released; add 0002_*.sql instead. Runs with search_path = cutover.
-- Instants are UTC ISO-8601 TEXT in Date#toISOString's one canonical form, as in SQLite: text order is time
-- order, and both stores hand back byte-identical values (reports and exports compare equal). JSON columns are
-- `json`, not `jsonb`: the server checks the text and keeps it as written (key order included).

-- The server's clock in the stored form: leases are judged by it, never by a runner's clock.
CREATE FUNCTION iso(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

CREATE TABLE migrations (
  id              text PRIMARY KEY,
  org_id          text NOT NULL,
  plan            json NOT NULL,
  snapshot        json,
  machine_version text NOT NULL,
  xstate_version  text NOT NULL,
  state           text NOT NULL,
  status          text NOT NULL,
  created_at      text NOT NULL,
  updated_at      text NOT NULL,
  progress_at     text NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  last_error      json,
  ticket_key      text
);
CREATE INDEX migrations_status ON migrations (status);
CREATE INDEX migrations_org_id ON migrations (org_id);
CREATE INDEX migrations_listing ON migrations (updated_at DESC, id);
CREATE INDEX migrations_created ON migrations (created_at, id);

-- The audit trail: rows are only ever appended.
CREATE TABLE journal (
  seq          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  migration_id text NOT NULL REFERENCES migrations (id),
  kind         text NOT NULL,
  at           text NOT NULL,
  name         text NOT NULL,
  actor        text,
  reason       text,
  data         json
);
CREATE INDEX journal_migration ON journal (migration_id, seq);
CREATE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'journal is append-only';
END $$;
CREATE TRIGGER journal_no_change BEFORE UPDATE OR DELETE ON journal
  FOR EACH ROW EXECUTE FUNCTION journal_append_only();

-- One row per idempotency key: the intent is written before the remote call, the outcome after it. `ord` keeps
-- the order intents were first recorded in (SQLite's rowid).
CREATE TABLE effects (
  key          text PRIMARY KEY,
  ord          integer GENERATED ALWAYS AS IDENTITY,
  migration_id text NOT NULL REFERENCES migrations (id),
  step         text NOT NULL,
  fingerprint  text NOT NULL,
  intent_at    text NOT NULL,
  attempts     integer NOT NULL DEFAULT 1,
  outcome_at   text,
  status       text,
  remote_id    text,
  error        json
);
CREATE INDEX effects_migration ON effects (migration_id, ord);

-- One runner per migration. nonce is the lock id an operator passes to `unlock --lock-id`.
CREATE TABLE leases (
  migration_id text PRIMARY KEY REFERENCES migrations (id),
  nonce        text NOT NULL,
  holder       text NOT NULL,
  acquired_at  text NOT NULL,
  heartbeat_at text NOT NULL,
  expires_at   text NOT NULL
);

-- The downtime marks (DESIGN §3), each with its source of truth; an operator override must carry a reason.
CREATE TABLE marks (
  migration_id    text NOT NULL REFERENCES migrations (id),
  name            text NOT NULL,
  at              text NOT NULL,
  source          text NOT NULL,
  override_by     text,
  override_reason text,
  recorded_at     text NOT NULL,
  PRIMARY KEY (migration_id, name),
  CHECK ((override_by IS NULL) = (override_reason IS NULL)),
  CHECK (override_reason IS NULL OR length(trim(override_reason)) > 0)
);

-- Operator events posted while another runner holds the migration's lease (see migrations/0003_operator_inbox).
CREATE TABLE operator_inbox (
  seq          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  migration_id text NOT NULL REFERENCES migrations (id),
  event        json NOT NULL,
  posted_at    text NOT NULL,
  posted_by    text NOT NULL,
  expires_at   text NOT NULL,
  claimed_at   text,
  claimed_by   text,
  settled_at   text,
  outcome      json,
  CHECK ((settled_at IS NULL) = (outcome IS NULL))
);
CREATE INDEX operator_inbox_pending ON operator_inbox (migration_id, seq) WHERE settled_at IS NULL;

-- Notifications, exactly once and durably (migrations/0005_outbox.sql says how): an event written in the
-- transaction of the transition that causes it (its id is its cause), one delivery row per registered receiver
-- in that same transaction, claimed by a sender (FOR UPDATE SKIP LOCKED, so several workers never claim one
-- row) until it is marked sent. Receivers are known by an id (a hash of their URL), never by the URL.
CREATE TABLE outbox (
  seq          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id           text NOT NULL UNIQUE,
  migration_id text NOT NULL REFERENCES migrations (id),
  org_id       text NOT NULL,
  type         text NOT NULL,
  at           text NOT NULL,
  data         json NOT NULL
);

CREATE TABLE notify_receivers (
  id            text PRIMARY KEY,
  registered_at text NOT NULL
);

CREATE TABLE outbox_deliveries (
  event_seq       integer NOT NULL REFERENCES outbox (seq),
  receiver_id     text NOT NULL REFERENCES notify_receivers (id),
  migration_id    text NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at text NOT NULL,
  claimed_by      text,
  claimed_until   text,
  sent_at         text,
  last_error      text,
  PRIMARY KEY (event_seq, receiver_id)
);
CREATE INDEX outbox_deliveries_unsent ON outbox_deliveries (receiver_id, migration_id, event_seq)
  WHERE sent_at IS NULL;

-- Outbox events: a JSON array of {id, migration_id, org_id, type, at, data}; an id already there is its cause
-- written before, and adds nothing.
CREATE FUNCTION insert_outbox(p_rows json, p_now text) RETURNS void LANGUAGE sql AS $$
  WITH ins AS (
    INSERT INTO cutover.outbox (id, migration_id, org_id, type, at, data)
    SELECT r->>'id', r->>'migration_id', r->>'org_id', r->>'type', r->>'at', r->'data'
    FROM json_array_elements(p_rows) WITH ORDINALITY AS e(r, n) ORDER BY e.n
    ON CONFLICT (id) DO NOTHING
    RETURNING seq, migration_id
  )
  INSERT INTO cutover.outbox_deliveries (event_seq, receiver_id, migration_id, next_attempt_at)
  SELECT ins.seq, nr.id, ins.migration_id, COALESCE(p_now, cutover.iso(now()))
  FROM ins CROSS JOIN cutover.notify_receivers nr
  ON CONFLICT DO NOTHING
$$;

-- The store's writes that a runner makes at every step, as functions: one statement, one round trip and one
-- commit each, however many rows they touch (docs/benchmarks.md, the durable step on PostgreSQL). A failure
-- raises a cutover SQLSTATE the adapter maps: CTN01 no such migration (DETAIL: the id), CTF01 fenced (DETAIL:
-- the live holder as JSON, or empty), CTE01 no intent for an outcome (DETAIL: the key).

-- Inside the caller's transaction: refuses, unless the lease is p_nonce's and live at p_now (null: the server's
-- now(), which is what production passes; the contract tests pass their clock's instant). FOR SHARE makes a
-- concurrent takeover wait for this transaction, so a write is either before the takeover or refused after it.
CREATE FUNCTION require_holder(p_id text, p_nonce text, p_now text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  l cutover.leases;
  live boolean;
BEGIN
  IF p_nonce IS NULL THEN RETURN; END IF;
  SELECT * INTO l FROM cutover.leases WHERE migration_id = p_id FOR SHARE;
  live := FOUND AND l.expires_at > COALESCE(p_now, cutover.iso(now()));
  IF live AND l.nonce = p_nonce THEN RETURN; END IF;
  RAISE EXCEPTION USING ERRCODE = 'CTF01', MESSAGE = 'lease lost',
    DETAIL = CASE WHEN live THEN json_build_object('holder', l.holder, 'nonce', l.nonce)::text ELSE '' END;
END $$;

CREATE FUNCTION require_migration(p_id text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM cutover.migrations WHERE id = p_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'CTN01', MESSAGE = 'no such migration', DETAIL = p_id;
  END IF;
END $$;

-- Journal rows: a JSON array of {kind, at, name, actor, reason, data} with data as JSON text (or null).
CREATE FUNCTION append_journal(p_id text, p_rows json) RETURNS void LANGUAGE sql AS $$
  INSERT INTO cutover.journal (migration_id, kind, at, name, actor, reason, data)
  SELECT p_id, r->>'kind', r->>'at', r->>'name', r->>'actor', r->>'reason', (r->>'data')::json
  FROM json_array_elements(p_rows) WITH ORDINALITY AS e(r, n)
  ORDER BY e.n
$$;

-- Effect intents: a JSON array of {key, migration_id, step, fingerprint, intent_at}. A retried effect is one
-- more attempt, and the previous attempt's outcome no longer describes the row.
CREATE FUNCTION upsert_intents(p_rows json) RETURNS void LANGUAGE sql AS $$
  INSERT INTO cutover.effects AS e (key, migration_id, step, fingerprint, intent_at, attempts)
  SELECT r->>'key', r->>'migration_id', r->>'step', r->>'fingerprint', r->>'intent_at', 1
  FROM json_array_elements(p_rows) WITH ORDINALITY AS e(r, n)
  ORDER BY e.n
  ON CONFLICT (key) DO UPDATE SET attempts = e.attempts + 1, fingerprint = excluded.fingerprint,
    intent_at = excluded.intent_at, outcome_at = NULL, status = NULL, remote_id = NULL, error = NULL
$$;

-- Marks: a JSON array of {name, at, source, override_by, override_reason}. recorded_at moves only when the mark
-- itself changed, not on every transition that carries it.
CREATE FUNCTION upsert_marks(p_id text, p_rows json, p_recorded_at text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO cutover.marks AS k (migration_id, name, at, source, override_by, override_reason, recorded_at)
  SELECT p_id, r.name, r.at, r.source, r.override_by, r.override_reason, p_recorded_at
  FROM json_to_recordset(p_rows) AS r(name text, at text, source text, override_by text, override_reason text)
  ON CONFLICT (migration_id, name) DO UPDATE SET at = excluded.at, source = excluded.source,
    override_by = excluded.override_by, override_reason = excluded.override_reason, recorded_at = excluded.recorded_at
  WHERE k.at IS DISTINCT FROM excluded.at OR k.source IS DISTINCT FROM excluded.source
    OR k.override_by IS DISTINCT FROM excluded.override_by OR k.override_reason IS DISTINCT FROM excluded.override_reason
$$;

-- One transition: summary columns and snapshot, marks, journal rows, effect intents, inbox settlements (a JSON
-- array of {seq, at, outcome} with outcome as JSON text) and outbox events, fenced, all in one statement.
CREATE FUNCTION commit_transition(
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
    updated_at = v_at, progress_at = CASE WHEN (p_cols->>'progressed')::boolean THEN v_at ELSE progress_at END
  WHERE id = p_id;
  PERFORM cutover.upsert_marks(p_id, p_marks, v_at);
  PERFORM cutover.append_journal(p_id, p_journal);
  PERFORM cutover.upsert_intents(p_intents);
  UPDATE cutover.operator_inbox i SET settled_at = s.at, outcome = s.outcome::json
  FROM json_to_recordset(p_settles) AS s(seq integer, at text, outcome text)
  WHERE i.migration_id = p_id AND i.seq = s.seq AND i.settled_at IS NULL;
  PERFORM cutover.insert_outbox(p_outbox, p_now);
END $$;

CREATE FUNCTION record_outcome(
  p_key text, p_fence text, p_now text, p_at text, p_status text, p_remote_id text, p_error json
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_migration text;
BEGIN
  SELECT migration_id INTO v_migration FROM cutover.effects WHERE key = p_key;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'CTE01', MESSAGE = 'no intent', DETAIL = p_key;
  END IF;
  PERFORM cutover.require_holder(v_migration, p_fence, p_now);
  UPDATE cutover.effects SET outcome_at = p_at, status = p_status, remote_id = p_remote_id, error = p_error
  WHERE key = p_key;
END $$;

CREATE FUNCTION fenced_journal(p_id text, p_fence text, p_now text, p_rows json) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM cutover.require_migration(p_id);
  PERFORM cutover.require_holder(p_id, p_fence, p_now);
  PERFORM cutover.append_journal(p_id, p_rows);
END $$;

CREATE FUNCTION fenced_intent(p_id text, p_fence text, p_now text, p_rows json) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM cutover.require_migration(p_id);
  PERFORM cutover.require_holder(p_id, p_fence, p_now);
  PERFORM cutover.upsert_intents(p_rows);
END $$;
