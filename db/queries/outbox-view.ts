import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';

/** Read-only views of the outbox for the technician console (the payment engine owns its writes). */
export interface OutboxViewRow {
  id: string;
  kind: string;
  subject: string | null;
  attempts: number;
  last_error: string | null;
  due_at: number;
  created_at: string;
}

export function outboxCountsByKind(db: Database): { kind: string; count: number }[] {
  return stmt(db, 'SELECT kind, count(*) AS count FROM outbox GROUP BY kind ORDER BY kind').all() as { kind: string; count: number }[];
}

/** Soonest due first; the subject is what the job is about (a payment, a refund, a statement day). */
export function listOutboxJobs(db: Database, limit: number): OutboxViewRow[] {
  return stmt(
    db,
    'SELECT id, kind, coalesce(payment_id, refund_id, business_date) AS subject, attempts, last_error, due_at, created_at FROM outbox ORDER BY due_at, id LIMIT ?',
  ).all(limit) as OutboxViewRow[];
}
