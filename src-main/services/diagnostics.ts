/** What a technician reads when a terminal misbehaves: the outbox backlog (the database's health: worker/database-health.ts). */
import type { Database } from 'better-sqlite3';
import { listOutboxJobs, outboxCountsByKind } from '../../db/queries/outbox-view';

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
