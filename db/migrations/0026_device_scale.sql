-- A shop scale is a device (issue 16): the role check of the device table takes 'scale'. SQLite cannot change a
-- CHECK in place, so the table is copied into a new one (no index, trigger or foreign key refers to it).
CREATE TABLE device_new (
  id         TEXT PRIMARY KEY,
  role       TEXT NOT NULL CHECK (role IN ('scanner', 'printer', 'display', 'drawer', 'scale')),
  position   INTEGER NOT NULL,
  config     TEXT NOT NULL CHECK (json_valid(config)),
  updated_at TEXT NOT NULL
) STRICT;
INSERT INTO device_new (id, role, position, config, updated_at) SELECT id, role, position, config, updated_at FROM device;
DROP TABLE device;
ALTER TABLE device_new RENAME TO device;
