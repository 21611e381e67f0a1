/**
 * Downloads the acquirer's daily statement through the durable outbox: a request survives restarts and
 * network loss, and is retried with exponential backoff and jitter until it lands.
 */
import type { Database } from 'better-sqlite3';
import { newId } from '../../db/ids';
import { nextStatementJob, postponeStatementJob, queueStatementJob, readStatement, statementJob, storeStatement, type StatementRowInput } from '../../db/queries/statements';
import { PosError } from '../../src-common/errors';
import type { AcquirerPort, TerminalCredentials } from '../acquirer/port';
import type { Clock } from '../clock';
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

export function createStatementsService(deps: {
  db: Database;
  clock: Clock;
  log: Logger;
  acquirer: AcquirerPort;
  credentials: () => Promise<TerminalCredentials>;
  retry: StatementRetry;
  random?: () => number;
}): StatementsService {
  const { db, clock, log, acquirer, credentials, retry } = deps;
  const random = deps.random ?? Math.random;
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let stopped = false;

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

  async function run(job: NonNullable<ReturnType<typeof nextStatementJob>>) {
    try {
      const rows = await acquirer.statement(await credentials(), job.business_date);
      storeStatement(db, job.business_date, rows, clock.now().toISOString(), job.id);
      log.info({ date: job.business_date, rows: rows.length }, 'acquirer statement downloaded');
    } catch (error) {
      const message = (error as Error).message;
      postponeStatementJob(db, job.id, clock.now().getTime() + backoff(job.attempts + 1), message);
      log.warn({ date: job.business_date, attempts: job.attempts + 1, error: message }, 'statement download failed; will retry');
    }
  }

  function wake() {
    if (stopped || running) return;
    if (timer) clearTimeout(timer);
    timer = null;
    const job = nextStatementJob(db);
    if (!job) return;
    const delay = job.due_at - clock.now().getTime();
    if (delay > 0) {
      timer = setTimeout(wake, Math.min(delay, 2_147_000_000));
      return;
    }
    running = true;
    void run(job).finally(() => {
      running = false;
      wake();
    });
  }

  return {
    download(date) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
        throw new PosError('validation_failed', 'A date is YYYY-MM-DD', { date });
      }
      queueStatementJob(db, { id: newId(), date, dueAt: clock.now().getTime(), createdAt: clock.now().toISOString() });
      wake();
      return view(date);
    },
    get: view,
    recover: wake,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
