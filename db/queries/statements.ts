import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';
import { finishSubjectJobs, openJobOfSubject } from './jobs';

export interface StatementRowInput {
  clientSn: string;
  acquirerSn: string;
  type: 'pay' | 'refund' | 'cancel';
  wallet: string | null;
  amount: number;
  status: string;
  finishedAt: string;
  refundRequestNo: string | null;
  /** The provider whose statement lists it; when not given, the provider of the payment with that client_sn (else the aggregator). */
  provider?: string;
}

/** Where a day's statement came from (migration 0018): the acquirer's statement file, or a query of each order. */
export type StatementSource = 'statement_file' | 'order_query';

export interface StatementJobRow {
  id: string;
  business_date: string;
  due_at: number;
  attempts: number;
  last_error: string | null;
}

export const STATEMENT_JOB_KIND = 'statement.download';
export const statementJobSubject = (date: string) => `statement:${date}`;

/** The day's open download job, if one is queued or running. */
export function statementJob(db: Database, date: string): StatementJobRow | undefined {
  const job = openJobOfSubject(db, statementJobSubject(date));
  return job && { id: job.id, business_date: date, due_at: job.run_at, attempts: job.attempts, last_error: job.last_error };
}

/** Replaces the day's stored statement with the one just downloaded and retires its job, in one transaction. */
export function storeStatement(db: Database, date: string, rows: readonly StatementRowInput[], at: string, source: StatementSource = 'statement_file'): void {
  db.transaction(() => {
    stmt(db, 'DELETE FROM acquirer_statement_row WHERE business_date = ?').run(date);
    stmt(
      db,
      `INSERT INTO acquirer_statement (business_date, downloaded_at, row_count, source) VALUES (?, ?, ?, ?)
       ON CONFLICT (business_date) DO UPDATE SET downloaded_at = excluded.downloaded_at, row_count = excluded.row_count, source = excluded.source`,
    ).run(date, at, rows.length, source);
    const insert = stmt(
      db,
      `INSERT INTO acquirer_statement_row (business_date, line_no, client_sn, acquirer_sn, type, wallet, amount, status, finished_at, refund_request_no, provider, currency)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(?, (SELECT provider FROM payment WHERE client_sn = ?), 'aggregator'), coalesce((SELECT currency FROM payment WHERE client_sn = ?), 'CNY'))`,
    );
    rows.forEach((r, i) =>
      insert.run(date, i + 1, r.clientSn, r.acquirerSn, r.type, r.wallet, r.amount, r.status, r.finishedAt, r.refundRequestNo, r.provider ?? null, r.clientSn, r.clientSn),
    );
    finishSubjectJobs(db, statementJobSubject(date), at);
  })();
}

export function readStatement(db: Database, date: string): { downloadedAt: string; source: StatementSource; rows: StatementRowInput[] } | undefined {
  const head = stmt(db, 'SELECT downloaded_at, source FROM acquirer_statement WHERE business_date = ?').get(date) as { downloaded_at: string; source: StatementSource } | undefined;
  if (!head) return undefined;
  const rows = stmt(
    db,
    `SELECT client_sn AS clientSn, acquirer_sn AS acquirerSn, type, wallet, amount, status, finished_at AS finishedAt, refund_request_no AS refundRequestNo
     FROM acquirer_statement_row WHERE business_date = ? ORDER BY line_no`,
  ).all(date) as StatementRowInput[];
  return { downloadedAt: head.downloaded_at, source: head.source, rows };
}

/** A wallet payment whose order the terminal asks the acquirer about when it reconciles by query. */
export interface OrderToQuery {
  id: string;
  client_sn: string;
  wallet: string | null;
  amount: number;
  status: string;
  acquirer_sn: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface RefundOfOrder {
  refund_request_no: string;
  wallet_amount: number;
  status: string;
  is_void: 0 | 1;
  finished_at: string | null;
}

/**
 * The terminal's wallet orders that may have moved money in [from, to): made or finished then, or with a wallet
 * refund finished then (a refund today of yesterday's sale), oldest first. Each condition reads an index.
 */
export function ordersOfAcquirerDay(db: Database, from: string, to: string): OrderToQuery[] {
  return stmt(
    db,
    `SELECT id, client_sn, wallet, amount, status, acquirer_sn, created_at, finished_at FROM payment
      WHERE (created_at >= ? AND created_at < ?) OR (finished_at >= ? AND finished_at < ?)
         OR id IN (SELECT payment_id FROM refund WHERE kind = 'wallet' AND finished_at IS NOT NULL AND finished_at >= ? AND finished_at < ?)
      ORDER BY created_at, id`,
  ).all(from, to, from, to, from, to) as OrderToQuery[];
}

/** The wallet refunds and voids of a payment, oldest first. */
export function refundsOfOrder(db: Database, paymentId: string): RefundOfOrder[] {
  return stmt(
    db,
    `SELECT refund_request_no, wallet_amount, status, is_void, finished_at FROM refund
      WHERE payment_id = ? AND kind = 'wallet' AND wallet_amount > 0 ORDER BY created_at, id`,
  ).all(paymentId) as RefundOfOrder[];
}
