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
}

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
export function storeStatement(db: Database, date: string, rows: readonly StatementRowInput[], at: string): void {
  db.transaction(() => {
    stmt(db, 'DELETE FROM acquirer_statement_row WHERE business_date = ?').run(date);
    stmt(
      db,
      'INSERT INTO acquirer_statement (business_date, downloaded_at, row_count) VALUES (?, ?, ?) ON CONFLICT (business_date) DO UPDATE SET downloaded_at = excluded.downloaded_at, row_count = excluded.row_count',
    ).run(date, at, rows.length);
    const insert = stmt(
      db,
      `INSERT INTO acquirer_statement_row (business_date, line_no, client_sn, acquirer_sn, type, wallet, amount, status, finished_at, refund_request_no)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    rows.forEach((r, i) => insert.run(date, i + 1, r.clientSn, r.acquirerSn, r.type, r.wallet, r.amount, r.status, r.finishedAt, r.refundRequestNo));
    finishSubjectJobs(db, statementJobSubject(date), at);
  })();
}

export function readStatement(db: Database, date: string): { downloadedAt: string; rows: StatementRowInput[] } | undefined {
  const head = stmt(db, 'SELECT downloaded_at FROM acquirer_statement WHERE business_date = ?').get(date) as { downloaded_at: string } | undefined;
  if (!head) return undefined;
  const rows = stmt(
    db,
    `SELECT client_sn AS clientSn, acquirer_sn AS acquirerSn, type, wallet, amount, status, finished_at AS finishedAt, refund_request_no AS refundRequestNo
     FROM acquirer_statement_row WHERE business_date = ? ORDER BY line_no`,
  ).all(date) as StatementRowInput[];
  return { downloadedAt: head.downloaded_at, rows };
}
