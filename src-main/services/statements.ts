/**
 * Downloads the acquirer's daily statement as a durable job (kind 'statement.download', one open job per
 * day): a request survives restarts and network loss, and is retried with exponential backoff and jitter
 * until it lands. Its source is the terminal's mode's: the sandbox's statement file, or against the live API (which
 * has no statement endpoint) a query of each of the day's orders (statement-by-query.ts). The view names it.
 */
import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { openJobOfSubject } from '../../db/queries/jobs';
import { readStatement, STATEMENT_JOB_KIND, statementJob, statementJobSubject, storeStatement, type StatementRowInput, type StatementSource } from '../../db/queries/statements';
import { PosError } from '../../src-common/errors';
import type { PaymentProvider } from '../acquirer/gateway';
import type { AcquirerPort, TerminalCredentials } from '../acquirer/port';
import type { Clock } from '../clock';
import type { JobResult, JobRunner } from '../jobs/runner';
import type { Logger } from '../log';
import { statementByQuery } from './statement-by-query';

export interface StatementView {
  date: string;
  status: 'queued' | 'downloaded';
  source: StatementSource;
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

/** The live Shouqianba API has no statement endpoint (`/sandbox/statement` is the sandbox's own): live reconciles by query. */
export const statementSourceOf = (mode: 'sandbox' | 'live'): StatementSource => (mode === 'live' ? 'order_query' : 'statement_file');

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
  /** Where this terminal's statements come from (its acquirer mode's: statementSourceOf); the statement file by default. */
  source?: StatementSource;
  /** The direct providers set up on this terminal whose own statements (WeChat's trade bill) join the aggregator's. */
  directProviders?: () => PaymentProvider[];
  random?: () => number;
}): StatementsService {
  const { db, clock, log, acquirer, credentials, retry, jobs } = deps;
  const source = deps.source ?? 'statement_file';
  const random = deps.random ?? Math.random;

  const view = (date: string): StatementView => {
    const job = statementJob(db, date);
    const stored = readStatement(db, date);
    return {
      date,
      status: job ? 'queued' : stored ? 'downloaded' : 'queued',
      source: stored?.source ?? source,
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
      const creds = await credentials();
      const rows = source === 'order_query' ? await statementByQuery(db, date, (clientSn) => acquirer.query(creds, clientSn)) : await acquirer.statement(creds, date);
      // By query, every order is asked of its own provider already (the acquirer port given routes by order).
      if (source === 'statement_file') {
        for (const provider of deps.directProviders?.() ?? []) {
          if (!provider.capabilities.has('statement')) continue;
          const own = await (await provider.connect()).statement(date);
          rows.push(...own.map((row) => ({ ...row, provider: provider.id })));
        }
      }
      storeStatement(db, date, rows, clock.now().toISOString(), source);
      log.info({ date, rows: rows.length, source }, 'acquirer statement downloaded');
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
