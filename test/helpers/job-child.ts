/**
 * A terminal's job runner in a process of its own, for crash tests: it opens the database, registers a
 * kind whose handler says on stdout that it runs and then never finishes, and waits to be killed.
 * Arguments: the database path and the lease in milliseconds.
 */
import pino from 'pino';
import { z } from 'zod';
import { openDatabase } from '../../db/open';
import { systemClock } from '../../src-main/clock';
import { createJobRunner } from '../../src-main/jobs/runner';

const [dbPath, leaseMs] = process.argv.slice(2);
const db = openDatabase(dbPath!);
const runner = createJobRunner({ db, clock: systemClock, log: pino({ level: 'silent' }), owner: `child-${process.pid}` });
runner.register({
  kind: 'test.hang',
  payload: z.object({ label: z.string() }),
  concurrency: 1,
  backoff: () => 1_000,
  leaseMs: Number(leaseMs),
  handler: (job) => {
    process.stdout.write(`${JSON.stringify({ running: job.id, attempt: job.attempt })}\n`);
    return new Promise(() => undefined);
  },
});
runner.start();
