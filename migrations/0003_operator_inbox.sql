-- Operator events (confirm, skip, retry, set-resolution, cancel) posted while another runner holds the
-- migration's lease. The runner claims a pending row, sends the event to its actor, and settles the row in the
-- transaction of the transition the event caused. A row is applied at most once: a runner claims only an
-- unclaimed, unsettled row before its expires_at, and the poster withdraws an unclaimed row it stops waiting
-- for, so an event nobody took is never applied later by surprise.
CREATE TABLE operator_inbox (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  migration_id TEXT NOT NULL REFERENCES migrations (id),
  event        TEXT NOT NULL CHECK (json_valid(event)),
  posted_at    TEXT NOT NULL,
  posted_by    TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  claimed_at   TEXT,
  claimed_by   TEXT,
  settled_at   TEXT,
  outcome      TEXT CHECK (outcome IS NULL OR json_valid(outcome)),
  CHECK ((settled_at IS NULL) = (outcome IS NULL))
) STRICT;
CREATE INDEX operator_inbox_pending ON operator_inbox (migration_id, seq) WHERE settled_at IS NULL;
