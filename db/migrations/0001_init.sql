-- The terminal's identity: exactly one row, made on first start.
CREATE TABLE terminal (
  singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
  terminal_id TEXT NOT NULL,
  created_at  TEXT NOT NULL
) STRICT;

-- Every start of the application, appended (what a technician reads when a terminal restarts by itself).
CREATE TABLE terminal_start (
  id          INTEGER PRIMARY KEY,
  started_at  TEXT NOT NULL,
  app_version TEXT NOT NULL
) STRICT;

-- Terminal settings as JSON values, validated by zod in main on every read and write.
CREATE TABLE setting (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL CHECK (json_valid(value)),
  updated_at TEXT NOT NULL
) STRICT;
