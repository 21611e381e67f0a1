import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';

export interface DeviceRow {
  id: string;
  role: string;
  position: number;
  /** JSON; the service validates it. */
  config: string;
  updated_at: string;
}

export function listDeviceRows(db: Database): DeviceRow[] {
  return stmt(db, 'SELECT * FROM device ORDER BY position, id').all() as DeviceRow[];
}

export function upsertDeviceRow(db: Database, row: Omit<DeviceRow, 'position'>): void {
  stmt(
    db,
    `INSERT INTO device (id, role, position, config, updated_at)
     VALUES (@id, @role, (SELECT coalesce(max(position), 0) + 1 FROM device), @config, @updated_at)
     ON CONFLICT (id) DO UPDATE SET role = excluded.role, config = excluded.config, updated_at = excluded.updated_at`,
  ).run(row);
}

export function deleteDeviceRow(db: Database, id: string): boolean {
  return stmt(db, 'DELETE FROM device WHERE id = ?').run(id).changes > 0;
}

/** Has this terminal ever had a device configuration (seeded or set by a technician)? */
export function deviceSetupDone(db: Database): boolean {
  return stmt(db, 'SELECT 1 FROM device_setup WHERE id = 1').get() !== undefined;
}

export function markDeviceSetup(db: Database, source: 'config.json' | 'technician', at: string): void {
  stmt(db, 'INSERT OR IGNORE INTO device_setup (id, source, at) VALUES (1, ?, ?)').run(source, at);
}
