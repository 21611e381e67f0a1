/**
 * Finished jobs are kept `keepDays` (the technician's job list, the attempts of a failure), then removed, so the
 * job tables do not grow for as long as the till lives (a busy till queues tens of thousands of jobs a month).
 * Runs on the core in batches of one short transaction each, with a turn of the event loop between them.
 */
import { pruneFinishedJobs } from '../../db/queries/jobs';
import type { Database } from 'better-sqlite3';
import type { Clock } from '../clock';
import type { Logger } from '../log';

export const JOB_RETENTION_DAYS = 90;
const DAY_MS = 86_400_000;

export interface JobRetentionOptions {
  db: Database;
  clock: Clock;
  log: Logger;
  keepDays?: number;
  /** Between rounds; the first round runs one minute after start (not during the start-up rush). */
  everyMs?: number;
  /** Jobs per transaction (a few ms). */
  batch?: number;
}

export interface JobRetention {
  /** One round: prunes until nothing old is left; resolves with how many jobs went. */
  prune(): Promise<number>;
  stop(): void;
}

export function startJobRetention(options: JobRetentionOptions): JobRetention {
  const { db, clock, log } = options;
  const keepMs = (options.keepDays ?? JOB_RETENTION_DAYS) * DAY_MS;
  const batch = options.batch ?? 200;
  let stopped = false;
  let running: Promise<number> | null = null;

  async function round(): Promise<number> {
    const before = new Date(clock.now().getTime() - keepMs).toISOString();
    let total = 0;
    for (;;) {
      if (stopped || !db.open) return total;
      const removed = pruneFinishedJobs(db, before, batch);
      total += removed;
      if (removed < batch) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (total > 0) log.info({ jobs: total, before }, 'removed finished jobs past their retention');
    return total;
  }

  function prune(): Promise<number> {
    running ??= round()
      .catch((error: unknown) => {
        log.error({ err: error }, 'could not remove old jobs');
        return 0;
      })
      .finally(() => (running = null));
    return running;
  }

  const first = setTimeout(() => void prune(), 60_000);
  const every = setInterval(() => void prune(), options.everyMs ?? 6 * 3_600_000);
  first.unref();
  every.unref();
  return {
    prune,
    stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
