import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase } from '../../db/open';
import { attemptsOfJobs, findJob } from '../../db/queries/jobs';
import { systemClock } from '../../src-main/clock';
import { createJobRunner } from '../../src-main/jobs/runner';
import { bundleForNode } from '../helpers/bundle';
import { tempDir } from '../helpers/host';

/**
 * Fault injection on the job runner: a process claims a job and is killed (SIGKILL) while its handler runs.
 * The job stays claimed until its lease runs out; then another runner takes it again and finishes it, and
 * the history shows the run that was cut short.
 */
describe('a job whose runner is killed mid-run', () => {
  it('is taken again once its lease expires, never before, and finished once', async () => {
    const child = await bundleForNode('test/helpers/job-child.ts');
    const dbPath = join(tempDir('pos-jobs-crash-'), 'pos.sqlite');
    const db = openDatabase(dbPath);
    const leaseMs = 1_500;
    const ran: { at: number; attempt: number }[] = [];
    const survivor = createJobRunner({ db, clock: systemClock, log: pino({ level: 'silent' }), owner: 'survivor' });
    survivor.register({
      kind: 'test.hang',
      payload: z.object({ label: z.string() }),
      concurrency: 1,
      backoff: () => 1_000,
      leaseMs,
      handler: async (job) => {
        ran.push({ at: Date.now(), attempt: job.attempt });
      },
    });
    const id = survivor.enqueue('test.hang', 'print:receipt', { label: 'receipt 42' });

    const proc = spawn(process.execPath, [child, dbPath, String(leaseMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: proc.stdout! }).once('line', resolve);
      proc.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
    });
    expect(JSON.parse(line)).toEqual({ running: id, attempt: 1 });
    const held = findJob(db, id)!;
    expect(held).toMatchObject({ status: 'running', lease_owner: `child-${proc.pid}`, attempts: 1 });
    proc.kill('SIGKILL');
    await new Promise((resolve) => proc.once('exit', resolve));

    survivor.start();
    await expect.poll(() => findJob(db, id)!.status, { timeout: 15_000, interval: 50 }).toBe('done');
    survivor.stop();

    expect(ran).toHaveLength(1);
    expect(ran[0]!.attempt).toBe(2);
    expect(ran[0]!.at).toBeGreaterThanOrEqual(held.lease_until!);
    expect(findJob(db, id)).toMatchObject({ status: 'done', attempts: 2, lease_owner: null });
    expect(attemptsOfJobs(db, [id]).map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'lease_expired'],
      [2, 'done'],
    ]);
    db.close();
  }, 60_000);
});
