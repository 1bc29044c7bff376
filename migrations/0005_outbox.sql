-- Notifications, exactly once and durably: an event is written to `outbox` in the transaction of the transition
-- that causes it (its id is derived from its cause, so a cause is written once), and one `outbox_deliveries` row
-- per registered receiver in that same transaction. A sender claims due rows (claimed_by/claimed_until, judged by
-- the store's clock), posts them with the event id as the delivery id, and marks them sent; a crash between post
-- and mark leaves the row claimed until the claim expires, then it is posted again with the same id. Receivers are
-- known by an id (a hash of their URL): the URL carries a token and never reaches the database.
CREATE TABLE outbox (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  migration_id TEXT NOT NULL REFERENCES migrations (id),
  org_id       TEXT NOT NULL,
  type         TEXT NOT NULL,
  at           TEXT NOT NULL,
  data         TEXT NOT NULL CHECK (json_valid(data))
) STRICT;

CREATE TABLE notify_receivers (
  id            TEXT PRIMARY KEY,
  registered_at TEXT NOT NULL
) STRICT;

CREATE TABLE outbox_deliveries (
  event_seq       INTEGER NOT NULL REFERENCES outbox (seq),
  receiver_id     TEXT NOT NULL REFERENCES notify_receivers (id),
  migration_id    TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  claimed_by      TEXT,
  claimed_until   TEXT,
  sent_at         TEXT,
  last_error      TEXT,
  PRIMARY KEY (event_seq, receiver_id)
) STRICT;
CREATE INDEX outbox_deliveries_unsent ON outbox_deliveries (receiver_id, migration_id, event_seq) WHERE sent_at IS NULL;
