import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';
import { finishSubjectJobs, openJobCount, setSubjectJob } from './jobs';

export type RefundStatus = 'submitted' | 'in_progress' | 'unknown' | 'refunded' | 'failed' | 'needs_attention';
/** Still reserving its amount and waiting for the acquirer (their jobs retry them). */
export const UNFINISHED_REFUND_STATUSES: readonly RefundStatus[] = ['submitted', 'in_progress', 'unknown'];

export interface RefundRow {
  id: string;
  sale_id: string;
  payment_id: string | null;
  refund_request_no: string;
  kind: 'wallet' | 'cash';
  tender_kind: string;
  amount: number;
  wallet_amount: number;
  cash_amount: number;
  status: RefundStatus;
  reason: string;
  approved_by: string;
  user_id: string | null;
  attempts: number;
  deadline_at: number;
  receipt_no: number | null;
  business_date: string | null;
  failure_code: string | null;
  failure_message: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  /** 1: a same-day void of the whole sale (the wallet part reversed by the acquirer's cancel, not refunded). */
  is_void: 0 | 1;
  /** Cross-border: what the customer gets back in their wallet's currency, when the refund's reply said (migration 0035). */
  payer_currency: string | null;
  payer_amount: number | null;
  /**
   * The refund this row is a leg of (the id of its leg 1; migration 0036): a refund of a split sale going back to
   * several wallet payments is a row per payment, sent leg after leg. NULL only on a till that has not migrated.
   */
  refund_group: string | null;
  leg_no: number | null;
}

export interface RefundLineRow {
  refund_id: string;
  line_no: number;
  quantity_milli: number;
  amount: number;
  product_id: string;
  name: string;
  unit: 'each' | 'kg';
  unit_price: number;
  gross: number;
  sold_quantity_milli: number;
  tax_rate_bp: number;
}

/** A completed sale's line as refunds see it. */
export interface SaleLineRow {
  line_no: number;
  product_id: string;
  sku: string;
  name: string;
  unit: 'each' | 'kg';
  quantity_milli: number;
  unit_price: number;
  gross: number;
  line_discount: number;
  order_discount: number;
  net: number;
  tax_rate_bp: number;
}

export interface SaleTenderRow {
  id: string;
  seq: number;
  kind: string;
  amount: number;
  reference: string | null;
  payment_id: string | null;
  client_sn: string | null;
}

export function insertRefund(
  db: Database,
  r: Omit<
    RefundRow,
    'attempts' | 'receipt_no' | 'business_date' | 'failure_code' | 'failure_message' | 'updated_at' | 'finished_at' | 'is_void' | 'payer_currency' | 'payer_amount' | 'refund_group' | 'leg_no'
  > & { is_void?: 0 | 1; refund_group?: string; leg_no?: number },
): void {
  stmt(
    db,
    `INSERT INTO refund (id, sale_id, payment_id, refund_request_no, kind, tender_kind, amount, wallet_amount, cash_amount, status, reason,
       approved_by, user_id, deadline_at, created_at, updated_at, is_void, refund_group, leg_no)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.id,
    r.sale_id,
    r.payment_id,
    r.refund_request_no,
    r.kind,
    r.tender_kind,
    r.amount,
    r.wallet_amount,
    r.cash_amount,
    r.status,
    r.reason,
    r.approved_by,
    r.user_id,
    r.deadline_at,
    r.created_at,
    r.created_at,
    r.is_void ?? 0,
    r.refund_group ?? r.id,
    r.leg_no ?? 1,
  );
}

/** The legs of the refund `row` is part of, leg 1 first (a refund of one leg: itself). */
export function legsOfRefund(db: Database, row: Pick<RefundRow, 'id' | 'refund_group'>): RefundRow[] {
  if (row.refund_group === null) return [findRefund(db, row.id)!];
  return stmt(db, 'SELECT * FROM refund WHERE refund_group = ? ORDER BY leg_no').all(row.refund_group) as RefundRow[];
}

export function insertRefundLines(db: Database, refundId: string, saleId: string, lines: readonly { lineNo: number; quantityMilli: number; amount: number }[]): void {
  const insert = stmt(db, 'INSERT INTO refund_line (refund_id, sale_id, line_no, quantity_milli, amount) VALUES (?, ?, ?, ?, ?)');
  for (const l of lines) insert.run(refundId, saleId, l.lineNo, l.quantityMilli, l.amount);
}

export function findRefund(db: Database, id: string): RefundRow | undefined {
  return stmt(db, 'SELECT * FROM refund WHERE id = ?').get(id) as RefundRow | undefined;
}

export function refundsOfSale(db: Database, saleId: string): RefundRow[] {
  return stmt(db, 'SELECT * FROM refund WHERE sale_id = ? ORDER BY created_at, rowid').all(saleId) as RefundRow[];
}

/** The sale's void (at most one, whatever its status): its first leg. */
export function voidOfSale(db: Database, saleId: string): RefundRow | undefined {
  return stmt(db, 'SELECT * FROM refund WHERE sale_id = ? AND is_void = 1 ORDER BY leg_no LIMIT 1').get(saleId) as RefundRow | undefined;
}

/** A refund's lines with what the sale said about them (name, product, sold quantity, prices). */
export function refundLines(db: Database, refundId: string): RefundLineRow[] {
  return stmt(
    db,
    `SELECT l.refund_id, l.line_no, l.quantity_milli, l.amount, s.product_id, s.name, s.unit, s.unit_price, s.gross,
            s.quantity_milli AS sold_quantity_milli, s.tax_rate_bp
       FROM refund_line l JOIN sale_line s ON s.sale_id = l.sale_id AND s.line_no = l.line_no
      WHERE l.refund_id = ? ORDER BY l.line_no`,
  ).all(refundId) as RefundLineRow[];
}

export function unfinishedRefunds(db: Database): RefundRow[] {
  return stmt(db, "SELECT * FROM refund WHERE status IN ('submitted', 'in_progress', 'unknown') ORDER BY created_at").all() as RefundRow[];
}

/** Per line of the sale: what refunds that did not fail have taken (the refunded and those still under way). */
export function reservedByLine(db: Database, saleId: string, exceptRefundId: string | null = null): Map<number, { quantityMilli: number; amount: number }> {
  const rows = stmt(
    db,
    `SELECT l.line_no AS lineNo, sum(l.quantity_milli) AS quantityMilli, sum(l.amount) AS amount
       FROM refund_line l JOIN refund r ON r.id = l.refund_id
      WHERE l.sale_id = ? AND r.status <> 'failed' AND r.id IS NOT ?
      GROUP BY l.line_no`,
  ).all(saleId, exceptRefundId) as { lineNo: number; quantityMilli: number; amount: number }[];
  return new Map(rows.map((r) => [r.lineNo, { quantityMilli: r.quantityMilli, amount: r.amount }]));
}

/** Money taken by the sale's refunds that did not fail: per wallet payment, and in cash. */
export function reservedMoney(
  db: Database,
  saleId: string,
  exceptRefundId: string | null = null,
): { byPayment: Map<string, number>; cash: number; refunded: number; pending: number } {
  const rows = stmt(
    db,
    `SELECT payment_id AS paymentId, status, sum(wallet_amount) AS wallet, sum(cash_amount) AS cash, sum(amount) AS amount
       FROM refund WHERE sale_id = ? AND status <> 'failed' AND id IS NOT ?
      GROUP BY payment_id, status`,
  ).all(saleId, exceptRefundId) as { paymentId: string | null; status: RefundStatus; wallet: number; cash: number; amount: number }[];
  const byPayment = new Map<string, number>();
  let cash = 0;
  let refunded = 0;
  let pending = 0;
  for (const r of rows) {
    if (r.paymentId) byPayment.set(r.paymentId, (byPayment.get(r.paymentId) ?? 0) + r.wallet);
    cash += r.cash;
    if (r.status === 'refunded') refunded += r.amount;
    else pending += r.amount;
  }
  return { byPayment, cash, refunded, pending };
}

export function saleLinesForRefund(db: Database, saleId: string): SaleLineRow[] {
  return stmt(
    db,
    `SELECT line_no, product_id, sku, name, unit, quantity_milli, unit_price, gross, line_discount, order_discount, net, tax_rate_bp
       FROM sale_line WHERE sale_id = ? ORDER BY line_no`,
  ).all(saleId) as SaleLineRow[];
}

export function saleTendersForRefund(db: Database, saleId: string): SaleTenderRow[] {
  return stmt(
    db,
    `SELECT t.id, t.seq, t.kind, t.amount, t.reference, t.payment_id, p.client_sn
       FROM sale_tender t LEFT JOIN payment p ON p.id = t.payment_id
      WHERE t.sale_id = ? ORDER BY t.seq`,
  ).all(saleId) as SaleTenderRow[];
}

export function appendRefundEvent(db: Database, refundId: string, type: string, data: unknown, at: string): void {
  stmt(db, 'INSERT INTO refund_event (refund_id, at, type, data) VALUES (?, ?, ?, ?)').run(refundId, at, type, JSON.stringify(data));
}

export function refundEvents(db: Database, refundId: string): { type: string; at: string; data: unknown }[] {
  return (stmt(db, 'SELECT type, at, data FROM refund_event WHERE refund_id = ? ORDER BY id').all(refundId) as { type: string; at: string; data: string }[]).map(
    (e) => ({ ...e, data: JSON.parse(e.data) as unknown }),
  );
}

/** Moves a refund that is not yet refunded to another unfinished or failed state; false if it was refunded meanwhile. */
export function setRefundStatus(
  db: Database,
  id: string,
  fields: { status: Exclude<RefundStatus, 'refunded'>; failureCode: string | null; failureMessage: string | null; finishedAt: string | null; at: string },
): boolean {
  return (
    stmt(
      db,
      `UPDATE refund SET status = ?, failure_code = ?, failure_message = ?, finished_at = ?, updated_at = ?
        WHERE id = ? AND status <> 'refunded'`,
    ).run(fields.status, fields.failureCode, fields.failureMessage, fields.finishedAt, fields.at, id).changes === 1
  );
}

export function countRefundAttempt(db: Database, id: string, at: string): void {
  stmt(db, 'UPDATE refund SET attempts = attempts + 1, updated_at = ? WHERE id = ?').run(at, id);
}

export function setRefundDeadline(db: Database, id: string, deadlineAt: number, at: string): void {
  stmt(db, 'UPDATE refund SET deadline_at = ?, updated_at = ? WHERE id = ?').run(deadlineAt, at, id);
}

/**
 * Marks the refund refunded with the next refund receipt number; false (and nothing written) when it was
 * refunded already, so the day's totals and the stock are counted once. The caller holds the transaction.
 */
export function markRefunded(db: Database, id: string, at: string, businessDate: string): boolean {
  const next = stmt(db, 'SELECT coalesce(max(receipt_no), 0) + 1 FROM refund').pluck().get() as number;
  return (
    stmt(
      db,
      `UPDATE refund SET status = 'refunded', receipt_no = ?, business_date = ?, finished_at = ?, updated_at = ?, failure_code = NULL, failure_message = NULL
        WHERE id = ? AND status <> 'refunded'`,
    ).run(next, businessDate, at, at, id).changes === 1
  );
}

export function addDailyRefundTotal(db: Database, businessDate: string, kind: string, amount: number): void {
  stmt(
    db,
    `INSERT INTO daily_refund_total (business_date, kind, count, amount) VALUES (?, ?, 1, ?)
     ON CONFLICT (business_date, kind) DO UPDATE SET count = count + 1, amount = amount + excluded.amount`,
  ).run(businessDate, kind, amount);
}

export function dailyRefundTotals(db: Database, businessDate: string): { kind: string; count: number; amount: number }[] {
  return stmt(db, 'SELECT kind, count, amount FROM daily_refund_total WHERE business_date = ? ORDER BY kind').all(businessDate) as {
    kind: string;
    count: number;
    amount: number;
  }[];
}

// --- refund jobs on the job table: one open 'refund.send' job per refund (subject `refund:<id>`) ---

export const REFUND_JOB_KIND = 'refund.send';
export const refundJobSubject = (refundId: string) => `refund:${refundId}`;

/** The refund's one open job moves to `dueAt` (attempts and last error kept), or is made. The caller holds the transaction. */
export function setRefundJob(db: Database, job: { id: string; refundId: string; dueAt: number; createdAt: string; lastError?: string }): void {
  setSubjectJob(db, {
    ...(job.lastError ? { lastError: job.lastError } : {}),
    id: job.id,
    kind: REFUND_JOB_KIND,
    subject: refundJobSubject(job.refundId),
    payload: { refundId: job.refundId },
    runAt: job.dueAt,
    deadlineAt: null,
    at: job.createdAt,
  });
}

export function clearRefundJob(db: Database, refundId: string, at: string): void {
  finishSubjectJobs(db, refundJobSubject(refundId), at);
}

export function pendingRefundJobs(db: Database): number {
  return openJobCount(db, [REFUND_JOB_KIND]);
}

/** A cross-border refund's customer side, as the refund's reply gave it (migration 0035). */
export function setRefundPayer(db: Database, id: string, payer: { currency: string; amount: number }): void {
  stmt(db, 'UPDATE refund SET payer_currency = ?, payer_amount = ? WHERE id = ?').run(payer.currency, payer.amount, id);
}
