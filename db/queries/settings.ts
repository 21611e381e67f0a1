import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';

/** Raw stored settings (JSON text per key); the service validates them with zod. */
export function readSettingValues(db: Database): Map<string, unknown> {
  const rows = stmt(db, 'SELECT key, value FROM setting').all() as { key: string; value: string }[];
  return new Map(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
}

export function writeSettingValue(db: Database, key: string, value: unknown, now: string): void {
  stmt(db, 
    'INSERT INTO setting (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  ).run(key, JSON.stringify(value), now);
}
