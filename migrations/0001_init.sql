-- cutover schema, version 1. Forward-only: never edit this file once released; add 0002_*.sql instead.
-- Instants are UTC ISO-8601 TEXT in one canonical form (Date#toISOString), so they sort correctly as text.
-- JSON columns hold JSON text written by the store; SQLite only checks that it is valid.

CREATE TABLE migrations (
  id              TEXT PRIMARY KEY,
  org_id          TEXT NOT NULL,
  plan            TEXT NOT NULL CHECK (json_valid(plan)),
  snapshot        TEXT CHECK (snapshot IS NULL OR json_valid(snapshot)),
  machine_version TEXT NOT NULL,
  xstate_version  TEXT NOT NULL,
  state           TEXT NOT NULL,
  status          TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  progress_at     TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT CHECK (last_error IS NULL OR json_valid(last_error)),
  ticket_key      TEXT
) STRICT;
CREATE INDEX migrations_status ON migrations (status);
CREATE INDEX migrations_org_id ON migrations (org_id);
CREATE INDEX migrations_updated_at ON migrations (updated_at);

-- The audit trail: rows are only ever appended.
CREATE TABLE journal (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  migration_id TEXT NOT NULL REFERENCES migrations (id),
  kind         TEXT NOT NULL,
  at           TEXT NOT NULL,
  name         TEXT NOT NULL,
  actor        TEXT,
  reason       TEXT,
  data         TEXT CHECK (data IS NULL OR json_valid(data))
) STRICT;
CREATE INDEX journal_migration ON journal (migration_id, seq);
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN
  SELECT RAISE(ABORT, 'journal is append-only');
END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN
  SELECT RAISE(ABORT, 'journal is append-only');
END;

-- One row per idempotency key: the intent is written before the remote call, the outcome after it.
CREATE TABLE effects (
  key          TEXT PRIMARY KEY,
  migration_id TEXT NOT NULL REFERENCES migrations (id),
  step         TEXT NOT NULL,
  fingerprint  TEXT NOT NULL,
  intent_at    TEXT NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 1,
  outcome_at   TEXT,
  status       TEXT,
  remote_id    TEXT,
  error        TEXT CHECK (error IS NULL OR json_valid(error))
) STRICT;
CREATE INDEX effects_migration ON effects (migration_id);

-- One runner per migration. nonce is the lock id an operator passes to `unlock --lock-id`.
CREATE TABLE leases (
  migration_id TEXT PRIMARY KEY REFERENCES migrations (id),
  nonce        TEXT NOT NULL,
  holder       TEXT NOT NULL,
  acquired_at  TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  expires_at   TEXT NOT NULL
) STRICT;

-- The downtime marks (DESIGN §3), each with its source of truth; an operator override must carry a reason.
CREATE TABLE marks (
  migration_id    TEXT NOT NULL REFERENCES migrations (id),
  name            TEXT NOT NULL,
  at              TEXT NOT NULL,
  source          TEXT NOT NULL,
  override_by     TEXT,
  override_reason TEXT,
  recorded_at     TEXT NOT NULL,
  PRIMARY KEY (migration_id, name),
  CHECK ((override_by IS NULL) = (override_reason IS NULL)),
  CHECK (override_reason IS NULL OR length(trim(override_reason)) > 0)
) STRICT;
