import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { attemptsOfJobs, findJob, setSubjectJob } from '../../db/queries/jobs';
import { openDatabase } from '../../db/open';
import { createJobRunner, type JobKind, type JobRunner } from './runner';

/** A clock the test moves by hand; the runner's timer still fires on real time, so moves are followed by `wake`. */
function manualClock(start = Date.parse('2026-12-04T10:00:00Z')) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
}

const log = pino({ level: 'silent' });
const payload = z.object({ n: z.number().int() });
const opened: { db: Database; runners: JobRunner[] }[] = [];

function rig(clock = manualClock()) {
  const path = join(mkdtempSync(join(tmpdir(), 'pos-jobs-')), 'pos.sqlite');
  const db = openDatabase(path);
  const entry = { db, runners: [] as JobRunner[] };
  opened.push(entry);
  const runner = (owner?: string) => {
    const r = createJobRunner({ db, clock, log, owner });
    entry.runners.push(r);
    return r;
  };
  return { db, path, clock, runner };
}

afterEach(() => {
  for (const { db, runners } of opened.splice(0)) {
    runners.forEach((r) => r.stop());
    db.close();
  }
});

const until = async (probe: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

function kind(overrides: Partial<JobKind<{ n: number }>> & Pick<JobKind<{ n: number }>, 'handler'>): JobKind<{ n: number }> {
  return { kind: 'test.work', payload, concurrency: 1, backoff: () => 1_000, ...overrides };
}

describe('the durable job runner', () => {
  it('on stop, takes no more jobs and waits for the run under way to end and be recorded', async () => {
    const { db, runner } = rig();
    let release!: () => void;
    const started: number[] = [];
    const r = runner('A');
    r.register(kind({ handler: async (job) => {
      started.push(job.payload.n);
      await new Promise<void>((resolve) => (release = resolve));
    } }));
    r.start();
    const first = r.enqueue('test.work', 's1', { n: 1 });
    r.enqueue('test.work', 's2', { n: 2 });
    r.wake();
    await until(() => started.length === 1);
    let stopped = false;
    const stopping = r.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(findJob(db, first)).toMatchObject({ status: 'done' });
    expect(started).toEqual([1]);
  });

  it('keeps attempts and the last error across reschedules and a restart, and records every attempt', async () => {
    const { db, clock, runner } = rig();
    const failing = kind({
      handler: async (job) => ({ outcome: 'retry', error: `acquirer down (run ${job.attempt})` }),
    });
    const first = runner('A');
    first.register(failing);
    first.start();
    const id = first.enqueue('test.work', 'payment:P1', { n: 1 });
    await first.idle();
    expect(findJob(db, id)).toMatchObject({ status: 'queued', attempts: 1, last_error: 'acquirer down (run 1)', run_at: clock.now().getTime() + 1_000 });
    clock.advance(1_000);
    first.wake();
    await until(() => findJob(db, id)!.attempts === 2 && findJob(db, id)!.status === 'queued');
    first.stop();

    // A new runner (the terminal restarted) carries on from the stored count and error.
    const second = runner('B');
    let seen: { attempt: number; lastError: string | null } | undefined;
    second.register(
      kind({
        handler: async (job) => {
          seen = { attempt: job.attempt, lastError: job.lastError };
          return { outcome: 'done' };
        },
      }),
    );
    clock.advance(1_000);
    second.start();
    await until(() => findJob(db, id)!.status === 'done');
    expect(seen).toEqual({ attempt: 3, lastError: 'acquirer down (run 2)' });
    expect(findJob(db, id)).toMatchObject({ status: 'done', attempts: 3, last_error: 'acquirer down (run 2)' });
    expect(attemptsOfJobs(db, [id]).map((a) => [a.attempt, a.outcome, a.error])).toEqual([
      [1, 'retry', 'acquirer down (run 1)'],
      [2, 'retry', 'acquirer down (run 2)'],
      [3, 'done', null],
    ]);
  });

  it('moves a job in place when its service reschedules it (attempts and error kept, no new row)', async () => {
    const { db, clock, runner } = rig();
    const r = runner();
    r.register(
      kind({
        handler: async (job) => {
          // What the payment engine does: in its own transaction, the next query goes on the same job.
          db.transaction(() =>
            setSubjectJob(db, { id: 'unused', kind: 'test.work', subject: job.subject, payload: { n: job.payload.n + 1 }, runAt: clock.now().getTime() + 3_000, deadlineAt: null, at: clock.now().toISOString() }),
          )();
          throw new Error('reply lost');
        },
      }),
    );
    r.start();
    const id = r.enqueue('test.work', 'payment:P2', { n: 1 });
    await r.idle();
    expect(db.prepare('SELECT count(*) FROM job').pluck().get()).toBe(1);
    expect(findJob(db, id)).toMatchObject({ status: 'queued', attempts: 1, last_error: 'reply lost', payload: '{"n":2}' });
    expect(attemptsOfJobs(db, [id]).map((a) => a.outcome)).toEqual(['rescheduled']);
  });

  it('runs the jobs of one subject strictly in order, one at a time, while other subjects run beside them', async () => {
    const { db, runner } = rig();
    const r = runner();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const perSubject = new Map<string, number>();
    r.register(
      kind({
        concurrency: 4,
        handler: async (job) => {
          const s = perSubject.get(job.subject) ?? 0;
          expect(s).toBe(0);
          perSubject.set(job.subject, s + 1);
          running += 1;
          most = Math.max(most, running);
          await new Promise((res) => setTimeout(res, 5 + (job.payload.n % 3)));
          log.push(`${job.subject}#${job.payload.n}`);
          running -= 1;
          perSubject.set(job.subject, 0);
        },
      }),
    );
    db.transaction(() => {
      for (let n = 0; n < 10; n++) for (const s of ['a', 'b', 'c', 'd', 'e']) r.enqueue('test.work', `sale:${s}`, { n });
    })();
    r.start();
    await until(() => log.length === 50);
    for (const s of ['a', 'b', 'c', 'd', 'e']) {
      expect(log.filter((l) => l.startsWith(`sale:${s}#`))).toEqual(Array.from({ length: 10 }, (_, n) => `sale:${s}#${n}`));
    }
    expect(most).toBe(4);
  });

  it("holds each kind to its own concurrency limit", async () => {
    const { runner } = rig();
    const r = runner();
    const running = { slow: 0, fast: 0 };
    const most = { slow: 0, fast: 0 };
    const done = { slow: 0, fast: 0 };
    for (const [name, limit] of [['slow', 2], ['fast', 5]] as const) {
      r.register(
        kind({
          kind: `test.${name}`,
          concurrency: limit,
          handler: async () => {
            running[name] += 1;
            most[name] = Math.max(most[name], running[name]);
            await new Promise((res) => setTimeout(res, 10));
            running[name] -= 1;
            done[name] += 1;
          },
        }),
      );
    }
    for (let n = 0; n < 20; n++) {
      r.enqueue('test.slow', `s:${n}`, { n });
      r.enqueue('test.fast', `f:${n}`, { n });
    }
    r.start();
    await until(() => done.slow === 20 && done.fast === 20);
    expect(most).toEqual({ slow: 2, fast: 5 });
  });

  it('waits for a job that is not yet due with one timer, then runs it', async () => {
    const { db, runner } = rig({ now: () => new Date() } as ReturnType<typeof manualClock>);
    const r = runner();
    r.register(kind({ handler: async () => undefined }));
    r.start();
    const id = r.enqueue('test.work', 'x', { n: 1 }, { runAt: Date.now() + 150 });
    await r.idle();
    expect(findJob(db, id)!.status).toBe('queued');
    await until(() => findJob(db, id)!.status === 'done', 3_000);
  });

  it("turns a passed deadline into the kind's give-up outcome instead of another run", async () => {
    const { db, clock, runner } = rig();
    const r = runner();
    const gaveUp: string[] = [];
    let runs = 0;
    r.register(
      kind({
        deadlineMs: 10_000,
        onDeadline: (job) => gaveUp.push(job.subject),
        handler: async () => {
          runs += 1;
          return { outcome: 'retry', error: 'still in progress', at: clock.now().getTime() + 6_000 };
        },
      }),
    );
    r.start();
    const id = r.enqueue('test.work', 'refund:R1', { n: 1 });
    await r.idle();
    clock.advance(6_000);
    r.wake();
    await until(() => runs === 2 && findJob(db, id)!.status === 'queued');
    clock.advance(6_000);
    r.wake();
    await until(() => findJob(db, id)!.status === 'dead');
    expect(runs).toBe(2);
    expect(gaveUp).toEqual(['refund:R1']);
    expect(findJob(db, id)).toMatchObject({ status: 'dead', last_error: 'still in progress' });
  });

  it('fails a job for good when its handler says so, and a thrown error is retried with the backoff', async () => {
    const { db, clock, runner } = rig();
    const r = runner();
    r.register(
      kind({
        backoff: (attempts) => attempts * 500,
        handler: async (job) => {
          if (job.attempt === 1) throw new Error('socket hang up');
          return { outcome: 'failed', error: 'order not found' };
        },
      }),
    );
    r.start();
    const id = r.enqueue('test.work', 's', { n: 1 });
    await r.idle();
    expect(findJob(db, id)).toMatchObject({ status: 'queued', last_error: 'socket hang up', run_at: clock.now().getTime() + 500 });
    clock.advance(500);
    r.wake();
    await until(() => findJob(db, id)!.status === 'failed');
    expect(findJob(db, id)).toMatchObject({ attempts: 2, last_error: 'order not found' });
  });

  it('holds the jobs of a kind that is not ready without claiming them, and runs them in order once woken', async () => {
    const { db, runner } = rig();
    const r = runner();
    let ready = false;
    const ran: number[] = [];
    r.register(
      kind({
        ready: () => ready,
        handler: async (job) => {
          ran.push(job.payload.n);
        },
      }),
    );
    const first = r.enqueue('test.work', 'print:p', { n: 1 });
    r.enqueue('test.work', 'print:p', { n: 2 });
    r.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ran).toEqual([]);
    // Held, not failed: no attempt counted, nothing recorded.
    expect(findJob(db, first)).toMatchObject({ status: 'queued', attempts: 0, last_error: null });
    expect(attemptsOfJobs(db, [first])).toEqual([]);
    ready = true;
    r.wake();
    await until(() => ran.length === 2);
    expect(ran).toEqual([1, 2]);
  });

  it('refuses an unknown kind and a payload its kind does not accept', () => {
    const { runner } = rig();
    const r = runner();
    r.register(kind({ handler: async () => undefined }));
    expect(() => r.enqueue('test.other', 's', { n: 1 })).toThrow(/Unknown job kind/);
    expect(() => r.enqueue('test.work', 's', { n: 'one' })).toThrow();
    expect(() => r.register(kind({ handler: async () => undefined }))).toThrow(/registered twice/);
  });

  it('drains 10,000 queued jobs, each exactly once', async () => {
    const { db, runner } = rig({ now: () => new Date() } as ReturnType<typeof manualClock>);
    const r = runner();
    const seen = new Uint8Array(10_000);
    r.register(
      kind({
        concurrency: 16,
        handler: async (job) => {
          seen[job.payload.n]! += 1;
        },
      }),
    );
    db.transaction(() => {
      for (let n = 0; n < 10_000; n++) r.enqueue('test.work', `print:${n % 50}`, { n });
    })();
    r.start();
    await until(() => db.prepare("SELECT count(*) FROM job WHERE status = 'done'").pluck().get() === 10_000, 120_000);
    expect(seen.every((c) => c === 1)).toBe(true);
    expect(db.prepare("SELECT count(*) FROM job WHERE status <> 'done'").pluck().get()).toBe(0);
  }, 180_000);
});
