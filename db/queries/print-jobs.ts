/**
 * Print jobs are jobs of the one runner (kind `print.receipt`, db/queries/jobs.ts); their ESC/POS bytes live
 * beside the job in `print_bytes` (binary, and pruned once printed while the job row stays in the history).
 */
import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';

export const PRINT_JOB_KIND = 'print.receipt';

export function insertPrintBytes(db: Database, jobId: string, bytes: Uint8Array): void {
  stmt(db, 'INSERT INTO print_bytes (job_id, bytes) VALUES (?, ?)').run(jobId, Buffer.from(bytes));
}

export function printBytesOf(db: Database, jobId: string): Uint8Array | null {
  const bytes = stmt(db, 'SELECT bytes FROM print_bytes WHERE job_id = ?').pluck().get(jobId) as Buffer | undefined;
  return bytes ? new Uint8Array(bytes) : null;
}

/** Print jobs queued or printing (the queue figure of devices.status). */
export function countOpenPrintJobs(db: Database): number {
  return stmt(db, "SELECT count(*) FROM job WHERE kind = ? AND status IN ('queued', 'running')").pluck().get(PRINT_JOB_KIND) as number;
}

/** Keeps the bytes of the newest `keep` finished print jobs (for a look back), drops older ones. */
export function pruneFinishedPrintBytes(db: Database, keep: number): void {
  stmt(
    db,
    `DELETE FROM print_bytes WHERE job_id IN (
       SELECT id FROM job WHERE kind = ? AND status IN ('done', 'failed', 'dead') ORDER BY seq DESC LIMIT -1 OFFSET ?)`,
  ).run(PRINT_JOB_KIND, keep);
}

/**
 * Print jobs waiting out a backoff become due now (the printer just came back: no reason to wait longer).
 * Returns how many moved.
 */
export function releasePrintJobs(db: Database, now: number, at: string): number {
  return stmt(db, "UPDATE job SET run_at = ?, updated_at = ? WHERE kind = ? AND status = 'queued' AND run_at > ?").run(now, at, PRINT_JOB_KIND, now).changes;
}

/**
 * Ends every print job not printed yet (queued, or cut short while printing) as dead, and drops its bytes;
 * returns how many. A restored database's old receipts must never print again; the jobs stay in the history.
 */
export function dropOpenPrintJobs(db: Database, reason: string, at: string): number {
  const ids = stmt(db, "SELECT id FROM job WHERE kind = ? AND status IN ('queued', 'running')").pluck().all(PRINT_JOB_KIND) as string[];
  const end = stmt(
    db,
    "UPDATE job SET status = 'dead', last_error = ?, lease_owner = NULL, lease_until = NULL, finished_at = ?, updated_at = ? WHERE id = ?",
  );
  const forget = stmt(db, 'DELETE FROM print_bytes WHERE job_id = ?');
  for (const id of ids) {
    end.run(reason, at, at, id);
    forget.run(id);
  }
  return ids.length;
}
