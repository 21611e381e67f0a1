/** The database's health for the technician: a check that reads every page, so it runs in the SQL worker. */
import { existsSync, statSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { latestSchemaVersion } from '../../db/migrations';
import type { DatabaseHealth } from '../../src-common/calls/admin';

const sizeOf = (path: string) => (existsSync(path) ? statSync(path).size : 0);

/** `quick_check` by default (fast, while selling); `integrity_check` when asked (reads every page). */
export function databaseHealth(db: Database, path: string, options: { full?: boolean } = {}): DatabaseHealth {
  const full = options.full ?? false;
  const rows = db.pragma(full ? 'integrity_check(100)' : 'quick_check(100)', { simple: false }) as Record<string, string>[];
  const results = rows.map((r) => Object.values(r)[0] ?? '');
  const ok = results.length === 1 && results[0] === 'ok';
  return {
    check: full ? 'full' : 'quick',
    ok,
    problems: ok ? [] : results.slice(0, 100),
    fileBytes: sizeOf(path),
    walBytes: sizeOf(`${path}-wal`),
    pageSize: db.pragma('page_size', { simple: true }) as number,
    pageCount: db.pragma('page_count', { simple: true }) as number,
    freelistCount: db.pragma('freelist_count', { simple: true }) as number,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    latestSchemaVersion,
    journalMode: db.pragma('journal_mode', { simple: true }) as string,
    sqliteVersion: db.prepare('SELECT sqlite_version()').pluck().get() as string,
    path,
  };
}
