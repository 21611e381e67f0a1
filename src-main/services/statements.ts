/**
 * Downloads the acquirer's daily statement as a durable job (kind 'statement.download', one open job per
 * day): a request survives restarts and network loss, and is retried with exponential backoff and jitter
 * until it lands.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { openJobOfSubject } from '../../db/queries/jobs';
import { readStatement, STATEMENT_JOB_KIND, statementJob, statementJobSubject, storeStatement, type StatementRowInput } from '../../db/queries/statements';
import { PosError } from '../../src-common/errors';
import type { AcquirerPort, TerminalCredentials } from '../acquirer/port';
import type { Clock } from '../clock';
import type { JobResult, JobRunner } from '../jobs/runner';
import type { Logger } from '../log';

export interface StatementView {
  date: string;
  status: 'queued' | 'downloaded';
  downloadedAt: string | null;
  attempts: number;
  lastError: string | null;
  rows: StatementRowInput[];
}

export interface StatementsService {
  download(date: string): StatementView;
  get(date: string): StatementView;
  recover(): void;
  stop(): void;
}

export interface StatementRetry {
  firstMs: number;
  maxMs: number;
}

/** Statements of different days may download side by side; one day's downloads go one at a time. */
const STATEMENT_JOB_CONCURRENCY = 2;
const statementJobPayload = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });

export function createStatementsService(deps: {
  db: Database;
  clock: Clock;
  log: Logger;
  acquirer: AcquirerPort;
  credentials: () => Promise<TerminalCredentials>;
  retry: StatementRetry;
  jobs: JobRunner;
  random?: () => number;
}): StatementsService {
  const { db, clock, log, acquirer, credentials, retry, jobs } = deps;
  const random = deps.random ?? Math.random;

  const view = (date: string): StatementView => {
    const job = statementJob(db, date);
    const stored = readStatement(db, date);
    return {
      date,
      status: job ? 'queued' : stored ? 'downloaded' : 'queued',
      downloadedAt: stored?.downloadedAt ?? null,
      attempts: job?.attempts ?? 0,
      lastError: job?.last_error ?? null,
      rows: stored?.rows ?? [],
    };
  };

  /** Exponential backoff with full jitter, so terminals that lost the network together do not return together. */
  const backoff = (attempts: number) => Math.round(random() * Math.min(retry.maxMs, retry.firstMs * 2 ** attempts));

  async function run(date: string, attempt: number): Promise<JobResult> {
    try {
      const rows = await acquirer.statement(await credentials(), date);
      storeStatement(db, date, rows, clock.now().toISOString());
      log.info({ date, rows: rows.length }, 'acquirer statement downloaded');
    } catch (error) {
      const message = (error as Error).message;
      log.warn({ date, attempts: attempt, error: message }, 'statement download failed; will retry');
      return { outcome: 'retry', error: message };
    }
  }

  jobs.register({
    kind: STATEMENT_JOB_KIND,
    payload: statementJobPayload,
    concurrency: STATEMENT_JOB_CONCURRENCY,
    backoff,
    handler: (job) => run(job.payload.date, job.attempt),
  });

  return {
    download(date) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
        throw new PosError('validation_failed', 'A date is YYYY-MM-DD', { date });
      }
      // Asking again while one is queued changes nothing.
      db.transaction(() => {
        if (!openJobOfSubject(db, statementJobSubject(date))) jobs.enqueue(STATEMENT_JOB_KIND, statementJobSubject(date), { date });
      })();
      jobs.wake();
      return view(date);
    },
    get: view,
    recover: () => jobs.wake(),
    stop() {
      // The job runner is stopped by its owner.
    },
  };
}
