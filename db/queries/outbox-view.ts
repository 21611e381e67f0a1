import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';
import { openJobCounts } from './jobs';

/**
 * The open jobs of the job table (migration 0014 replaced the outbox) in the shape the technician's first
 * console reads; the full list with each job's attempts is db/queries/jobs.ts `listJobs`.
 */
export interface OutboxViewRow {
  id: string;
  kind: string;
  subject: string | null;
  attempts: number;
  last_error: string | null;
  due_at: number;
  created_at: string;
}

export const outboxCountsByKind = openJobCounts;

/** Soonest due first; the subject is what the job is about (`payment:<id>`, `refund:<id>`, `statement:<day>`). */
export function listOutboxJobs(db: Database, limit: number): OutboxViewRow[] {
  return stmt(
    db,
    "SELECT id, kind, subject, attempts, last_error, run_at AS due_at, created_at FROM job WHERE status IN ('queued', 'running') ORDER BY run_at, seq LIMIT ?",
  ).all(limit) as OutboxViewRow[];
}
