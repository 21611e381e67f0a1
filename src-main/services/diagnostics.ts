/** What a technician reads when a terminal misbehaves: the outbox backlog and the database's health. */
import { existsSync, statSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { latestSchemaVersion } from '../../db/migrations';
import { listOutboxJobs, outboxCountsByKind } from '../../db/queries/outbox-view';
import type { DatabaseHealth } from '../../src-common/calls/admin';

const MAX_JOBS = 200;
const clip = (text: string | null, max: number) => (text && text.length > max ? `${text.slice(0, max)}…` : text);

export function outboxView(db: Database) {
  const byKind = outboxCountsByKind(db);
  return {
    byKind,
    total: byKind.reduce((sum, k) => sum + k.count, 0),
    jobs: listOutboxJobs(db, MAX_JOBS).map((j) => ({
      id: j.id,
      kind: j.kind,
      subject: j.subject,
      attempts: j.attempts,
      lastError: clip(j.last_error, 500),
      dueAt: j.due_at,
      createdAt: j.created_at,
    })),
  };
}

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
