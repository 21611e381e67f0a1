-- Device configuration: one row per device, its zod-validated configuration as JSON (src-common/calls/devices.ts
-- DeviceConfig). SQLite is the source of truth; config.json's `devices` only seeds it on a terminal that never
-- had a device configuration (device_setup holds the one row that says it had).
CREATE TABLE device (
  id         TEXT PRIMARY KEY,
  role       TEXT NOT NULL CHECK (role IN ('scanner', 'printer', 'display', 'drawer')),
  position   INTEGER NOT NULL,
  config     TEXT NOT NULL CHECK (json_valid(config)),
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE device_setup (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  source     TEXT NOT NULL CHECK (source IN ('config.json', 'technician')),
  at         TEXT NOT NULL
) STRICT;

-- The durable print queue: a job is written here before it is sent and marked printed once the printer took it.
CREATE TABLE print_job (
  id         TEXT PRIMARY KEY,
  kind       TEXT NOT NULL,
  bytes      BLOB NOT NULL,
  created_at TEXT NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  printed_at TEXT
) STRICT;
-- Printed jobs are pruned to the last 200 (db/queries/print-jobs.ts), so reading the queue in rowid order stays small.
CREATE INDEX print_job_pending ON print_job (id) WHERE printed_at IS NULL;
