-- The audit log: who did what, append-only. Each row carries the hash of the row before it, so editing or
-- deleting a row by hand breaks the chain from that row on (verification names the first broken row).
CREATE TABLE audit_log (
  seq        INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,
  actor_id   TEXT,
  actor_role TEXT,
  action     TEXT NOT NULL,
  subject    TEXT,
  details    TEXT NOT NULL DEFAULT '{}',
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_by_action ON audit_log (action, seq);

-- Append-only for the application; a hand edit has to drop these first, and the hash chain still shows it.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
