import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';

/**
 * The durable job table (migration 0014). Every statement here touches one row or a small batch through
 * an index, so it can run on the core's event loop. The runner (src-main/jobs) owns claiming and finishing;
 * services use `setSubjectJob` / `finishSubjectJob` inside their own transactions.
 */
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'dead';
export type AttemptOutcome = 'done' | 'rescheduled' | 'retry' | 'failed' | 'dead' | 'lease_expired';

export interface JobRow {
  seq: number;
  id: string;
  kind: string;
  subject: string;
  payload: string;
  status: JobStatus;
  run_at: number;
  attempts: number;
  last_error: string | null;
  lease_owner: string | null;
  lease_until: number | null;
  started_at: string | null;
  deadline_at: number | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface JobAttemptRow {
  job_id: string;
  attempt: number;
  started_at: string;
  ended_at: string;
  outcome: AttemptOutcome;
  error: string | null;
}

const ERROR_MAX = 500;
const clip = (error: string | null) => (error === null ? null : error.slice(0, ERROR_MAX));

export interface NewJob {
  id: string;
  kind: string;
  subject: string;
  payload: unknown;
  runAt: number;
  deadlineAt: number | null;
  at: string;
}

export function insertJob(db: Database, job: NewJob): void {
  stmt(
    db,
    `INSERT INTO job (id, kind, subject, payload, status, run_at, deadline_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
  ).run(job.id, job.kind, job.subject, JSON.stringify(job.payload), job.runAt, job.deadlineAt, job.at, job.at);
}

/** The subject's oldest unfinished job (queued or running), if any. */
export function openJobOfSubject(db: Database, subject: string): JobRow | undefined {
  return stmt(db, "SELECT * FROM job WHERE subject = ? AND status IN ('queued', 'running') ORDER BY seq LIMIT 1").get(subject) as JobRow | undefined;
}

/**
 * For subjects with one job at a time (a payment's next query or cancel, a refund's next send): moves the
 * open job to its new kind and time in place, keeping its attempts and last error, and releasing a lease the
 * caller's own run holds; a new job when there is none. Returns the job's id.
 */
export function setSubjectJob(db: Database, job: NewJob & { lastError?: string }): string {
  const moved = stmt(
    db,
    `UPDATE job SET kind = ?, payload = ?, run_at = ?, status = 'queued', lease_owner = NULL, lease_until = NULL, last_error = coalesce(?, last_error), updated_at = ?
     WHERE id = (SELECT id FROM job WHERE subject = ? AND status IN ('queued', 'running') ORDER BY seq LIMIT 1) RETURNING id`,
  ).get(job.kind, JSON.stringify(job.payload), job.runAt, clip(job.lastError ?? null), job.at, job.subject) as { id: string } | undefined;
  if (moved) return moved.id;
  insertJob(db, job);
  if (job.lastError) noteJobError(db, job.id, job.lastError, job.at);
  return job.id;
}

/** Retires the subject's open jobs (the thing they were for is settled). */
export function finishSubjectJobs(db: Database, subject: string, at: string): number {
  return stmt(
    db,
    `UPDATE job SET status = 'done', lease_owner = NULL, lease_until = NULL, finished_at = ?, updated_at = ?
     WHERE subject = ? AND status IN ('queued', 'running')`,
  ).run(at, at, subject).changes;
}

/**
 * Claims up to `limit` due jobs of a kind in one statement: each is the head of its subject (no older open
 * job of that subject), queued or running on a lease that has run out, and its subject is not in `busy`
 * (subjects this runner has in hand). Attempts are counted here, so a run cut short by a crash still counts.
 */
export function claimDueJobs(
  db: Database,
  q: { kind: string; now: number; owner: string; leaseUntil: number; limit: number; busy: readonly string[]; at: string },
): (JobRow & { previous_status: JobStatus; previous_started_at: string | null })[] {
  return db.transaction(() => {
    const due = stmt(
      db,
      `SELECT j.id, j.status AS previous_status, j.started_at AS previous_started_at FROM job j
       WHERE j.kind = ? AND j.status IN ('queued', 'running') AND j.run_at <= ?
         AND (j.status = 'queued' OR j.lease_until <= ?)
         AND j.subject NOT IN (SELECT value FROM json_each(?))
         AND NOT EXISTS (SELECT 1 FROM job o WHERE o.subject = j.subject AND o.status IN ('queued', 'running') AND o.seq < j.seq)
       ORDER BY j.run_at, j.seq LIMIT ?`,
    ).all(q.kind, q.now, q.now, JSON.stringify(q.busy), q.limit) as { id: string; previous_status: JobStatus; previous_started_at: string | null }[];
    const claim = stmt(
      db,
      `UPDATE job SET status = 'running', lease_owner = ?, lease_until = ?, attempts = attempts + 1, started_at = ?, updated_at = ?
       WHERE id = ? RETURNING *`,
    );
    // Only a subject's oldest open job is a candidate, so a batch never holds two jobs of one subject.
    return due.map((d) => ({ ...(claim.get(q.owner, q.leaseUntil, q.at, q.at, d.id) as JobRow), previous_status: d.previous_status, previous_started_at: d.previous_started_at }));
  })();
}

export function appendJobAttempt(db: Database, a: JobAttemptRow): void {
  stmt(db, 'INSERT OR IGNORE INTO job_attempt (job_id, attempt, started_at, ended_at, outcome, error) VALUES (?, ?, ?, ?, ?, ?)').run(
    a.job_id,
    a.attempt,
    a.started_at,
    a.ended_at,
    a.outcome,
    clip(a.error),
  );
}

/** The job as it stands, if this runner still holds its lease (a handler may have moved or retired it). */
export function heldJob(db: Database, id: string, owner: string): JobRow | undefined {
  return stmt(db, "SELECT * FROM job WHERE id = ? AND status = 'running' AND lease_owner = ?").get(id, owner) as JobRow | undefined;
}

export function findJob(db: Database, id: string): JobRow | undefined {
  return stmt(db, 'SELECT * FROM job WHERE id = ?').get(id) as JobRow | undefined;
}

/** Ends a held job: done, failed or dead. No-op (false) when the lease is no longer this runner's. */
export function endHeldJob(db: Database, e: { id: string; owner: string; status: 'done' | 'failed' | 'dead'; error: string | null; at: string }): boolean {
  return (
    stmt(
      db,
      `UPDATE job SET status = ?, last_error = coalesce(?, last_error), lease_owner = NULL, lease_until = NULL, finished_at = ?, updated_at = ?
       WHERE id = ? AND status = 'running' AND lease_owner = ?`,
    ).run(e.status, clip(e.error), e.at, e.at, e.id, e.owner).changes === 1
  );
}

/** Puts a held job back in the queue for a later run, attempts kept, with the error that made it wait. */
export function retryHeldJob(db: Database, r: { id: string; owner: string; runAt: number; error: string | null; at: string }): boolean {
  return (
    stmt(
      db,
      `UPDATE job SET status = 'queued', run_at = ?, last_error = coalesce(?, last_error), lease_owner = NULL, lease_until = NULL, updated_at = ?
       WHERE id = ? AND status = 'running' AND lease_owner = ?`,
    ).run(r.runAt, clip(r.error), r.at, r.id, r.owner).changes === 1
  );
}

/** Records an error on a job (whoever holds it), e.g. one a handler met before it rescheduled itself. */
export function noteJobError(db: Database, id: string, error: string, at: string): void {
  stmt(db, 'UPDATE job SET last_error = ?, updated_at = ? WHERE id = ?').run(clip(error), at, id);
}

export function extendLeases(db: Database, ids: readonly string[], owner: string, leaseUntil: number): void {
  stmt(db, "UPDATE job SET lease_until = ? WHERE id IN (SELECT value FROM json_each(?)) AND status = 'running' AND lease_owner = ?").run(
    leaseUntil,
    JSON.stringify(ids),
    owner,
  );
}

/** When the runner must look again: the soonest future run_at of a queued job, or lease expiry of a running one. */
export function nextWakeAt(db: Database, now: number): number | null {
  const queued = stmt(db, "SELECT min(run_at) FROM job WHERE status = 'queued' AND run_at > ?").pluck().get(now) as number | null;
  const lease = stmt(db, "SELECT min(lease_until) FROM job WHERE status = 'running' AND lease_until > ?").pluck().get(now) as number | null;
  if (queued === null) return lease;
  if (lease === null) return queued;
  return Math.min(queued, lease);
}

export function openJobCounts(db: Database): { kind: string; count: number }[] {
  return stmt(db, "SELECT kind, count(*) AS count FROM job WHERE status IN ('queued', 'running') GROUP BY kind ORDER BY kind").all() as {
    kind: string;
    count: number;
  }[];
}

export function openJobCount(db: Database, kinds?: readonly string[]): number {
  if (!kinds) return stmt(db, "SELECT count(*) FROM job WHERE status IN ('queued', 'running')").pluck().get() as number;
  return stmt(db, "SELECT count(*) FROM job WHERE status IN ('queued', 'running') AND kind IN (SELECT value FROM json_each(?))")
    .pluck()
    .get(JSON.stringify(kinds)) as number;
}

/** The technician's list: open jobs first (soonest due), then the most recently finished. */
export function listJobs(db: Database, limit: number): JobRow[] {
  const open = stmt(db, "SELECT * FROM job WHERE status IN ('queued', 'running') ORDER BY run_at, seq LIMIT ?").all(limit) as JobRow[];
  if (open.length >= limit) return open;
  const finished = stmt(db, "SELECT * FROM job WHERE status IN ('done', 'failed', 'dead') ORDER BY updated_at DESC, seq DESC LIMIT ?").all(limit - open.length) as JobRow[];
  return [...open, ...finished];
}

export function attemptsOfJobs(db: Database, ids: readonly string[]): JobAttemptRow[] {
  return stmt(db, 'SELECT * FROM job_attempt WHERE job_id IN (SELECT value FROM json_each(?)) ORDER BY job_id, attempt').all(JSON.stringify(ids)) as JobAttemptRow[];
}

/**
 * Removes up to `limit` of the jobs that finished before `before` (ISO), oldest first, with their attempts and
 * any print bytes left: one short transaction. Returns how many went.
 */
export function pruneFinishedJobs(db: Database, before: string, limit: number): number {
  return db.transaction(() => {
    const ids = stmt(db, "SELECT id FROM job WHERE status IN ('done', 'failed', 'dead') AND finished_at < ? ORDER BY finished_at LIMIT ?")
      .pluck()
      .all(before, limit) as string[];
    if (ids.length === 0) return 0;
    const list = JSON.stringify(ids);
    stmt(db, 'DELETE FROM print_bytes WHERE job_id IN (SELECT value FROM json_each(?))').run(list);
    stmt(db, 'DELETE FROM job_attempt WHERE job_id IN (SELECT value FROM json_each(?))').run(list);
    stmt(db, 'DELETE FROM job WHERE id IN (SELECT value FROM json_each(?))').run(list);
    return ids.length;
  })();
}
