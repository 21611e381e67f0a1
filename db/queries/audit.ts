import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';

export interface AuditRow {
  seq: number;
  at: string;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  subject: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export function lastAuditRow(db: Database): Pick<AuditRow, 'seq' | 'hash'> | undefined {
  return stmt(db, 'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as Pick<AuditRow, 'seq' | 'hash'> | undefined;
}

export function insertAuditRow(db: Database, row: AuditRow): void {
  stmt(
    db,
    'INSERT INTO audit_log (seq, at, actor_id, actor_role, action, subject, details, prev_hash, hash) VALUES (@seq, @at, @actor_id, @actor_role, @action, @subject, @details, @prev_hash, @hash)',
  ).run(row);
}

/** Newest first; `beforeSeq` pages back. */
export function listAuditRows(db: Database, filter: { action?: string; beforeSeq?: number; limit: number }): AuditRow[] {
  const before = filter.beforeSeq ?? Number.MAX_SAFE_INTEGER;
  return (
    filter.action
      ? stmt(db, 'SELECT * FROM audit_log WHERE action = ? AND seq < ? ORDER BY seq DESC LIMIT ?').all(filter.action, before, filter.limit)
      : stmt(db, 'SELECT * FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT ?').all(before, filter.limit)
  ) as AuditRow[];
}

export function* iterateAuditRows(db: Database): IterableIterator<AuditRow> {
  yield* db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditRow>;
}
