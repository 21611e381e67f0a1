/** The technician's view of the job table: open jobs first, then the latest finished, each with its attempts. */
import type { Database } from 'better-sqlite3';
import { attemptsOfJobs, listJobs, openJobCounts, type JobAttemptRow } from '../../db/queries/jobs';
import type { CallOutput } from '../../src-common/contract';

const DEFAULT_LIMIT = 200;

export function jobsView(db: Database, limit = DEFAULT_LIMIT): CallOutput<'diagnostics.jobs'> {
  const open = openJobCounts(db);
  const jobs = listJobs(db, limit);
  const history = new Map<string, JobAttemptRow[]>();
  for (const a of attemptsOfJobs(db, jobs.map((j) => j.id))) history.set(a.job_id, [...(history.get(a.job_id) ?? []), a]);
  return {
    open,
    totalOpen: open.reduce((sum, k) => sum + k.count, 0),
    jobs: jobs.map((j) => ({
      id: j.id,
      kind: j.kind,
      subject: j.subject,
      status: j.status,
      attempts: j.attempts,
      lastError: j.last_error,
      runAt: j.run_at,
      leaseUntil: j.lease_until,
      deadlineAt: j.deadline_at,
      createdAt: j.created_at,
      updatedAt: j.updated_at,
      finishedAt: j.finished_at,
      history: (history.get(j.id) ?? []).map((a) => ({ attempt: a.attempt, startedAt: a.started_at, endedAt: a.ended_at, outcome: a.outcome, error: a.error })),
    })),
  };
}
