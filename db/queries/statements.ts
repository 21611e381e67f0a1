import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';

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

/** Queues a download of the day's statement; asking again while one is queued changes nothing. */
export function queueStatementJob(db: Database, job: { id: string; date: string; dueAt: number; createdAt: string }): void {
  stmt(db, "INSERT INTO outbox (id, kind, business_date, due_at, created_at) VALUES (?, 'statement', ?, ?, ?) ON CONFLICT DO NOTHING").run(
    job.id,
    job.date,
    job.dueAt,
    job.createdAt,
  );
}

export function nextStatementJob(db: Database): StatementJobRow | undefined {
  return stmt(db, "SELECT id, business_date, due_at, attempts, last_error FROM outbox WHERE kind = 'statement' ORDER BY due_at LIMIT 1").get() as
    | StatementJobRow
    | undefined;
}

export function statementJob(db: Database, date: string): StatementJobRow | undefined {
  return stmt(db, "SELECT id, business_date, due_at, attempts, last_error FROM outbox WHERE kind = 'statement' AND business_date = ?").get(date) as
    | StatementJobRow
    | undefined;
}

export function postponeStatementJob(db: Database, id: string, dueAt: number, error: string): void {
  stmt(db, 'UPDATE outbox SET attempts = attempts + 1, due_at = ?, last_error = ? WHERE id = ?').run(dueAt, error.slice(0, 500), id);
}

/** Replaces the day's stored statement with the one just downloaded and retires the job, in one transaction. */
export function storeStatement(db: Database, date: string, rows: readonly StatementRowInput[], at: string, jobId: string): void {
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
    stmt(db, 'DELETE FROM outbox WHERE id = ?').run(jobId);
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
