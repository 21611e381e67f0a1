import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';

export interface PendingPrintJob {
  id: string;
  kind: string;
  bytes: Buffer;
}

export function insertPrintJob(db: Database, job: { id: string; kind: string; bytes: Uint8Array; createdAt: string }): void {
  stmt(db, 'INSERT INTO print_job (id, kind, bytes, created_at) VALUES (?, ?, ?, ?)').run(job.id, job.kind, Buffer.from(job.bytes), job.createdAt);
}

export function markPrintJobPrinted(db: Database, id: string, at: string): void {
  stmt(db, 'UPDATE print_job SET printed_at = ?, attempts = attempts + 1 WHERE id = ?').run(at, id);
}

export function markPrintJobFailed(db: Database, id: string, error: string): void {
  stmt(db, 'UPDATE print_job SET attempts = attempts + 1, last_error = ? WHERE id = ?').run(error.slice(0, 500), id);
}

/** Oldest first (insertion order: two ULIDs of one millisecond need not sort in order). */
export function pendingPrintJobs(db: Database): PendingPrintJob[] {
  return stmt(db, 'SELECT id, kind, bytes FROM print_job WHERE printed_at IS NULL ORDER BY rowid').all() as PendingPrintJob[];
}

export function countPendingPrintJobs(db: Database): number {
  return stmt(db, 'SELECT count(*) FROM print_job WHERE printed_at IS NULL').pluck().get() as number;
}

/** Keeps the newest `keep` printed jobs (for a look back), drops older ones. */
export function prunePrintedJobs(db: Database, keep: number): void {
  stmt(
    db,
    'DELETE FROM print_job WHERE printed_at IS NOT NULL AND id NOT IN (SELECT id FROM print_job WHERE printed_at IS NOT NULL ORDER BY id DESC LIMIT ?)',
  ).run(keep);
}

/**
 * Drops every job not printed yet; returns how many. print_job has no "cancelled" state (a job is pending or
 * printed): a restored database's unprinted jobs are deleted so old receipts are never printed again.
 */
export function deletePendingPrintJobs(db: Database): number {
  return stmt(db, 'DELETE FROM print_job WHERE printed_at IS NULL').run().changes;
}
