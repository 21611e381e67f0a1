import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { z } from 'zod';
import { openDatabase } from '../db/open';
import { openDurabilityBarrier } from '../db/durability';
import type { AcquirerPort, TerminalCredentials } from '../src-main/acquirer/port';
import { SANDBOX_APP_ID, SANDBOX_VENDOR_KEY, SANDBOX_VENDOR_SN, startSandboxAcquirer } from '../src-main/acquirer/sandbox/server';
import { sandboxPaymentCode } from '../src-main/acquirer/sandbox/test-codes';
import { awaitingDurability } from '../src-main/acquirer/durable-port';
import { createShouqianbaAdapter } from '../src-main/acquirer/shouqianba';
import { systemClock } from '../src-main/clock';
import { createJobRunner } from '../src-main/jobs/runner';
import { loggerOptions } from '../src-main/log';
import { sandboxCredentials } from '../src-main/services/sandbox-credentials';

/** Paid orders at the sandbox that the query jobs ask about (spread so requests are not all for one row). */
const ORDERS = 50;
const round1 = (x: number) => Number(x.toFixed(1));

/**
 * The durable job runner draining `count` payment query jobs against the sandbox acquirer: each job sends a
 * signed Shouqianba `query` over real HTTP on loopback to the embedded sandbox (same process, its own
 * ledger), and is claimed, leased, finished and recorded in its attempt history on a real SQLite file
 * (WAL, synchronous=NORMAL as the core's: its queries need no flush first, db/durability.ts). Each job has its own subject (as one job per payment), `concurrency` at once.
 * Goal: ≥ 2,000 jobs/s and RSS growth < 50 MB during the drain.
 *
 * The baseline, in the same run: the same number of the same queries sent straight from a pool of the same
 * width, without the runner or SQLite (the most the acquirer side allows), and one at a time.
 */
export async function jobRunnerDrain(count = 10_000, concurrency = 64) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pos-bench-jobs-'));
  const log = pino(loggerOptions('warn'), pino.destination({ fd: 2, sync: true }));
  const sandbox = await startSandboxAcquirer({ dbPath: join(dataDir, 'sandbox-acquirer.sqlite'), port: 0, log: log.child({ module: 'sandbox-acquirer' }) });
  const db = openDatabase(join(dataDir, 'pos.sqlite'), { immediateTransactions: true, asyncDurability: true });
  const barrier = await openDurabilityBarrier(db, { onError: (error) => log.error({ err: error }, 'flush failed') });
  try {
    // As the core wraps it: requests that move money wait for a WAL flush, queries do not.
    const acquirer = awaitingDurability(
      createShouqianbaAdapter({
        baseUrl: sandbox.url,
        vendorSn: SANDBOX_VENDOR_SN,
        vendorKey: SANDBOX_VENDOR_KEY,
        appId: SANDBOX_APP_ID,
        timeouts: { payMs: 5_000, queryMs: 5_000, otherMs: 5_000 },
        log,
        clock: systemClock,
      }),
      barrier.durable,
    );
    const creds = await sandboxCredentials({ acquirer, clock: systemClock, deviceId: 'BENCH' })();
    const clientSns = await paidOrders(acquirer, creds);

    const query = async (i: number) => {
      const outcome = await acquirer.query(creds, clientSns[i % clientSns.length]!);
      if (outcome.kind !== 'paid') throw new Error(`query ${i}: ${outcome.kind}`);
    };
    const pooled = await timed(() => pool(count, concurrency, query));
    const sequential = await timed(() => pool(Math.min(count, 2_000), 1, query));

    const runner = createJobRunner({ db, clock: systemClock, log });
    let failures = 0;
    runner.register({
      kind: 'payment.query',
      payload: z.object({ i: z.number().int() }),
      concurrency,
      backoff: () => 1_000,
      handler: async (job) => {
        try {
          await query(job.payload.i);
        } catch (error) {
          failures += 1;
          throw error;
        }
      },
    });
    db.transaction(() => {
      for (let i = 0; i < count; i++) runner.enqueue('payment.query', `payment:bench-${i}`, { i });
    })();

    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
    const drain = await timed(async () => {
      runner.start();
      while ((db.prepare("SELECT count(*) FROM job WHERE status <> 'done'").pluck().get() as number) > 0) {
        if (failures > 0) throw new Error(`${failures} jobs failed`);
        await runner.idle();
      }
    });
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    runner.stop();
    const attempts = db.prepare('SELECT count(*) FROM job_attempt').pluck().get() as number;
    if (attempts !== count) throw new Error(`expected ${count} recorded attempts, found ${attempts}`);

    const jobsPerSecond = round1(count / (drain / 1000));
    const pooledPerSecond = round1(count / (pooled / 1000));
    return {
      jobs: count,
      concurrency,
      /** The goal: ≥ 2,000 jobs/s. */
      jobsPerSecond,
      drainMs: round1(drain),
      /** The same queries from a plain pool of the same width, no runner, no SQLite. */
      baselinePooledQueriesPerSecond: pooledPerSecond,
      baselineSequentialQueriesPerSecond: round1(Math.min(count, 2_000) / (sequential / 1000)),
      jobsOverPooledQueries: Number((jobsPerSecond / pooledPerSecond).toFixed(3)),
      /** WAL flushes waited for: none, as query jobs move no money. */
      walFlushes: barrier.flushes,
      /** The goal: < 50 MB. */
      rssGrowthMb: round1((rssPeak - rssBefore) / 1024 / 1024),
    };
  } finally {
    await barrier.close();
    db.close();
    await sandbox.close();
    log.flush();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function paidOrders(acquirer: AcquirerPort, creds: TerminalCredentials): Promise<string[]> {
  const clientSns: string[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const clientSn = `BENCHJOB${String(i).padStart(6, '0')}`;
    const outcome = await acquirer.pay(creds, { clientSn, amount: 100 + i, authCode: sandboxPaymentCode('wechat', '0000'), subject: 'bench', operator: 'bench' });
    if (outcome.kind !== 'paid') throw new Error(`bench order ${clientSn}: ${outcome.kind}`);
    clientSns.push(clientSn);
  }
  return clientSns;
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function pool(count: number, width: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await work(next++);
    }),
  );
}
