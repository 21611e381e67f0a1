/**
 * The one durable job runner. Kinds register a handler, a concurrency limit, a backoff policy and an optional
 * deadline; jobs live in the `job` table (db/queries/jobs.ts), are claimed with a lease, and run strictly in
 * order within a subject while different subjects run side by side up to each kind's limit. One timer waits
 * for the next due job or expiring lease; nothing polls.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { z } from 'zod';
import { newId } from '../../db/ids';
import {
  appendJobAttempt,
  claimDueJobs,
  endHeldJob,
  extendLeases,
  findJob,
  heldJob,
  insertJob,
  nextWakeAt,
  noteJobError,
  retryHeldJob,
  type AttemptOutcome,
  type JobRow,
} from '../../db/queries/jobs';
import type { Clock } from '../clock';
import type { Logger } from '../log';

/** What a handler says about its run. Returning nothing means done (unless it moved or retired its job itself). */
export type JobResult =
  | void
  | { outcome: 'done' }
  /** Run again later, attempts kept: at `at` (epoch ms), or after the kind's backoff. */
  | { outcome: 'retry'; error?: string; at?: number }
  /** Give up for good; the error stays on the job. */
  | { outcome: 'failed'; error: string };

export interface RunningJob<P> {
  id: string;
  kind: string;
  subject: string;
  payload: P;
  /** This run's number, 1 for the first (runs cut short by a crash count). */
  attempt: number;
  lastError: string | null;
  createdAt: string;
}

export interface JobKind<P> {
  kind: string;
  payload: z.ZodType<P>;
  /** How many jobs of this kind may run at once (each on its own subject). */
  concurrency: number;
  /** Delay before the next run after a run that threw or asked to retry without a time, by attempts so far. */
  backoff: (attempts: number) => number;
  /** Give up this long after the job was queued: `onDeadline` runs instead of the handler and the job is dead. */
  deadlineMs?: number;
  onDeadline?: (job: RunningJob<P>) => void;
  /** How long a claim holds before another runner may take the job (renewed while the handler runs). */
  leaseMs?: number;
  /**
   * Whether the kind's jobs can run now (e.g. the printer is there and has paper). While not, its due jobs stay
   * queued: not claimed, no attempt counted, no timer spinning; call `wake` once it is ready again.
   */
  ready?: () => boolean;
  handler: (job: RunningJob<P>) => Promise<JobResult>;
}

export interface EnqueueOptions {
  /** Epoch ms; now by default. */
  runAt?: number;
  id?: string;
}

export interface JobRunner {
  register<P>(kind: JobKind<P>): void;
  /** Queues a job behind the subject's open jobs. The caller may hold a transaction; call `wake` after it commits. */
  enqueue<P>(kind: string, subject: string, payload: P, options?: EnqueueOptions): string;
  /** Look for due jobs now (after a service queued or moved one). */
  wake(): void;
  start(): void;
  /**
   * Takes no more jobs; resolves when the runs under way have ended and been recorded, or after `graceMs`
   * (a run still waiting then, e.g. on an acquirer that does not answer, is taken again after its lease).
   */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when no job is running or due (tests and the bench). */
  idle(): Promise<void>;
  readonly owner: string;
}

export interface JobRunnerDeps {
  db: Database;
  clock: Clock;
  log: Logger;
  /** Distinguishes this runner's leases from another process's; random by default. */
  owner?: string;
  defaultLeaseMs?: number;
  /**
   * How long the end of a run may wait for others to end, so their records share one durable commit
   * (each commit is one more WAL flush for the durability barrier; runs of one subject follow each other this much later).
   */
  groupCommitMs?: number;
  /** Awaited (when it returns a promise) before each look, so the look never waits for the SQL worker's write on the thread. */
  writeTurn?: () => Promise<void> | null;
}

type Dead = { outcome: 'dead'; error: string };
type Thrown = { outcome: 'retry'; error: string; thrown: true };

const MAX_TIMER_MS = 2_147_000_000;

export function createJobRunner(deps: JobRunnerDeps): JobRunner {
  const { db, clock, log } = deps;
  const owner = deps.owner ?? `runner-${randomUUID()}`;
  const defaultLeaseMs = deps.defaultLeaseMs ?? 60_000;
  const groupCommitMs = deps.groupCommitMs ?? 2;
  const kinds = new Map<string, JobKind<unknown>>();
  const inFlight = new Map<string, { subject: string; kind: string }>();
  const perKind = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;
  let timerAt: number | null = null;
  let leaseTimer: NodeJS.Timeout | null = null;
  let commitTimer: NodeJS.Timeout | null = null;
  let scheduled = false;
  let started = false;
  let stopped = false;
  let idleWaiters: (() => void)[] = [];
  const drainWaiters: (() => void)[] = [];
  let finished: { kind: JobKind<unknown>; row: JobRow; startedAt: string; result: JobResult | Dead | Thrown }[] = [];

  const leaseOf = (kind: JobKind<unknown>) => kind.leaseMs ?? defaultLeaseMs;

  function register<P>(kind: JobKind<P>) {
    if (kinds.has(kind.kind)) throw new Error(`Job kind ${kind.kind} is registered twice`);
    if (!(kind.concurrency >= 1)) throw new Error(`Job kind ${kind.kind} needs a concurrency of at least 1`);
    kinds.set(kind.kind, kind as JobKind<unknown>);
    perKind.set(kind.kind, 0);
  }

  function enqueue<P>(kindName: string, subject: string, payload: P, options: EnqueueOptions = {}): string {
    const kind = kinds.get(kindName);
    if (!kind) throw new Error(`Unknown job kind ${kindName}`);
    const valid = kind.payload.parse(payload);
    const now = clock.now();
    const id = options.id ?? newId(now.getTime());
    insertJob(db, {
      id,
      kind: kindName,
      subject,
      payload: valid,
      runAt: options.runAt ?? now.getTime(),
      deadlineAt: kind.deadlineMs === undefined ? null : now.getTime() + kind.deadlineMs,
      at: now.toISOString(),
    });
    return id;
  }

  /** Coalesces many wake requests in one turn of the loop into one look at the table. */
  function wake() {
    if (stopped || !started || scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      tick();
    });
  }

  /** Wakes after `groupCommitMs`, at once when every slot has ended, so ends that come together commit together. */
  function wakeForCommit() {
    if (finished.length >= inFlight.size || groupCommitMs <= 0) {
      wake();
      return;
    }
    if (commitTimer) return;
    commitTimer = setTimeout(() => {
      commitTimer = null;
      wake();
    }, groupCommitMs);
  }

  /** A look at the table that could not be committed (a full disk) is tried again this much later. */
  const FAILED_LOOK_RETRY_MS = 1000;

  function tick() {
    const turn = deps.writeTurn?.();
    if (turn) void turn.then(tickNow);
    else tickNow();
  }

  function tickNow() {
    try {
      look();
    } catch (error) {
      // Nothing was claimed or recorded (the transaction rolled back): look again soon rather than end the process.
      log.error({ err: error }, 'job runner could not look at its jobs; trying again');
      if (stopped) return;
      if (timer) clearTimeout(timer);
      timerAt = null;
      timer = setTimeout(() => {
        timer = null;
        tick();
      }, FAILED_LOOK_RETRY_MS);
    }
  }

  function look() {
    if (stopped) return;
    if (commitTimer) clearTimeout(commitTimer);
    commitTimer = null;
    // One commit per look: the ends of the runs that finished, and the claims of the next ones.
    const now = clock.now();
    const toRun = db.transaction(() => {
      settleFinished();
      return claimAll(now);
    })();
    for (const { kind, row } of toRun) run(kind, row);
    armTimer(now.getTime());
    if (inFlight.size === 0 && idleWaiters.length) {
      const waiters = idleWaiters;
      idleWaiters = [];
      waiters.forEach((w) => w());
    }
  }

  function claimAll(now: Date): { kind: JobKind<unknown>; row: JobRow }[] {
    const busy = [...new Set([...inFlight.values()].map((j) => j.subject))];
    const toRun: { kind: JobKind<unknown>; row: JobRow }[] = [];
    for (const kind of kinds.values()) {
      const free = kind.concurrency - perKind.get(kind.kind)! - toRun.filter((t) => t.kind === kind).length;
      if (free <= 0 || (kind.ready && !kind.ready())) continue;
      let claimed: ReturnType<typeof claimDueJobs>;
      try {
        claimed = claimDueJobs(db, {
          kind: kind.kind,
          now: now.getTime(),
          owner,
          leaseUntil: now.getTime() + leaseOf(kind),
          limit: free,
          busy,
          at: now.toISOString(),
        });
      } catch (error) {
        log.error({ err: error, kind: kind.kind }, 'could not claim jobs');
        continue;
      }
      for (const row of claimed) {
        busy.push(row.subject);
        if (row.previous_status === 'running') {
          // A run that never finished (its runner died): note it, then run again.
          appendJobAttempt(db, {
            job_id: row.id,
            attempt: row.attempts - 1,
            started_at: row.previous_started_at ?? row.updated_at,
            ended_at: now.toISOString(),
            outcome: 'lease_expired',
            error: 'the runner holding it stopped before the job finished',
          });
          log.warn({ jobId: row.id, kind: row.kind, subject: row.subject }, 'job taken over after its lease expired');
        }
        toRun.push({ kind, row });
      }
    }
    return toRun;
  }

  /**
   * Sleeps until the soonest job due after `lookedAt` (the time of the last claim). Jobs due by then that were
   * not claimed are waiting for a slot or for an earlier job of their subject: a finishing run wakes the runner.
   */
  function armTimer(lookedAt: number) {
    const now = clock.now().getTime();
    const next = nextWakeAt(db, lookedAt);
    if (next === timerAt && timer) return;
    if (timer) clearTimeout(timer);
    timer = null;
    timerAt = next;
    if (next === null || stopped) return;
    timer = setTimeout(
      () => {
        timer = null;
        timerAt = null;
        tick();
      },
      Math.min(Math.max(0, next - now), MAX_TIMER_MS),
    );
  }

  /** Renews the leases of long handlers, so another runner does not take a job that is still in hand. */
  function armLeaseRenewal() {
    if (leaseTimer || stopped) return;
    const every = Math.max(50, Math.floor(Math.min(...[...kinds.values()].map(leaseOf)) / 3));
    leaseTimer = setInterval(() => {
      if (inFlight.size === 0) {
        clearInterval(leaseTimer!);
        leaseTimer = null;
        return;
      }
      const now = clock.now().getTime();
      for (const [kindName, kind] of kinds) {
        const ids = [...inFlight].filter(([, j]) => j.kind === kindName).map(([id]) => id);
        try {
          if (ids.length) extendLeases(db, ids, owner, now + leaseOf(kind));
        } catch (error) {
          // A full disk: the next renewal tries again (a lease that runs out only means the job may run once more).
          log.error({ err: error, kind: kindName }, 'could not renew job leases');
        }
      }
    }, every);
    leaseTimer.unref();
  }

  function run(kind: JobKind<unknown>, row: JobRow) {
    inFlight.set(row.id, { subject: row.subject, kind: kind.kind });
    perKind.set(kind.kind, perKind.get(kind.kind)! + 1);
    armLeaseRenewal();
    const startedAt = row.started_at ?? clock.now().toISOString();
    void execute(kind, row)
      .catch((error: unknown): Thrown => ({ outcome: 'retry', error: errorText(error), thrown: true }))
      .then((result) => {
        finished.push({ kind, row, startedAt, result });
        // A stopped runner still records runs that were under way, so their jobs do not wait out a lease.
        if (stopped) {
          if (db.open) settleFinished();
          if (inFlight.size === 0) drainWaiters.splice(0).forEach((w) => w());
        } else wakeForCommit();
      });
  }

  /** Records every run that ended since the last look in one transaction (one commit for many jobs). */
  function settleFinished() {
    if (finished.length === 0) return;
    const batch = finished;
    finished = [];
    try {
      db.transaction(() => batch.forEach((f) => settle(f.kind, f.row, f.startedAt, f.result)))();
    } catch (error) {
      // The jobs stay 'running' on this runner's lease: they run again once it expires.
      log.error({ err: error, jobs: batch.length }, 'could not record the end of jobs');
    }
    for (const f of batch) {
      inFlight.delete(f.row.id);
      perKind.set(f.kind.kind, perKind.get(f.kind.kind)! - 1);
      if (f.result && 'thrown' in f.result) log.error({ jobId: f.row.id, kind: f.row.kind, subject: f.row.subject, error: f.result.error }, 'job failed; will retry');
    }
  }

  async function execute(kind: JobKind<unknown>, row: JobRow): Promise<JobResult | Dead> {
    const parsed = kind.payload.safeParse(JSON.parse(row.payload));
    if (!parsed.success) return { outcome: 'failed', error: `Bad payload: ${parsed.error.message}` };
    const job: RunningJob<unknown> = {
      id: row.id,
      kind: row.kind,
      subject: row.subject,
      payload: parsed.data,
      attempt: row.attempts,
      lastError: row.last_error,
      createdAt: row.created_at,
    };
    if (row.deadline_at !== null && clock.now().getTime() >= row.deadline_at) {
      kind.onDeadline?.(job);
      return { outcome: 'dead', error: row.last_error ?? 'deadline passed' };
    }
    return kind.handler(job);
  }

  /** The caller holds the transaction. */
  function settle(kind: JobKind<unknown>, row: JobRow, startedAt: string, result: JobResult | Dead | Thrown) {
    const now = clock.now();
    const at = now.toISOString();
    const r = result ?? { outcome: 'done' as const };
    {
      let outcome: AttemptOutcome;
      let error: string | null = null;
      if (!heldJob(db, row.id, owner)) {
        // The handler moved its job (rescheduled itself) or retired it in its own transaction.
        outcome = findJob(db, row.id)?.status === 'done' ? 'done' : 'rescheduled';
        if ('thrown' in r) {
          error = r.error;
          noteJobError(db, row.id, error, at);
        }
      } else if (r.outcome === 'done') {
        endHeldJob(db, { id: row.id, owner, status: 'done', error: null, at });
        outcome = 'done';
      } else if (r.outcome === 'failed' || r.outcome === 'dead') {
        error = r.error;
        endHeldJob(db, { id: row.id, owner, status: r.outcome, error, at });
        outcome = r.outcome;
      } else {
        error = r.error ?? null;
        retryHeldJob(db, { id: row.id, owner, runAt: ('at' in r ? r.at : undefined) ?? now.getTime() + kind.backoff(row.attempts), error, at });
        outcome = 'retry';
      }
      appendJobAttempt(db, { job_id: row.id, attempt: row.attempts, started_at: startedAt, ended_at: at, outcome, error });
    }
  }

  return {
    owner,
    register,
    enqueue,
    wake,
    start() {
      started = true;
      stopped = false;
      wake();
    },
    async stop(graceMs = 3000) {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (leaseTimer) clearInterval(leaseTimer);
      if (commitTimer) clearTimeout(commitTimer);
      commitTimer = null;
      timer = null;
      leaseTimer = null;
      timerAt = null;
      idleWaiters.forEach((w) => w());
      idleWaiters = [];
      if (inFlight.size === 0) return;
      await new Promise<void>((resolve) => {
        const timeout = setTimeout(resolve, graceMs);
        drainWaiters.push(() => {
          clearTimeout(timeout);
          resolve();
        });
      });
    },
    idle() {
      if (stopped || !started) return Promise.resolve();
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        wake();
      });
    },
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
