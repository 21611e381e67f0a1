import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';

/** A wallet payment as reconciliation sees it, with its sale's receipt number. */
export interface LocalPaymentRow {
  id: string;
  sale_id: string;
  client_sn: string;
  wallet: string | null;
  amount: number;
  status: string;
  acquirer_sn: string | null;
  finished_at: string | null;
  receipt_no: number | null;
}

/** A wallet refund (or void) as reconciliation sees it. */
export interface LocalRefundRow {
  id: string;
  sale_id: string;
  payment_id: string;
  client_sn: string;
  refund_request_no: string;
  tender_kind: string;
  wallet_amount: number;
  status: string;
  is_void: 0 | 1;
  finished_at: string | null;
  receipt_no: number | null;
}

const PAYMENT_COLUMNS = `p.id, p.sale_id, p.client_sn, p.wallet, p.amount, p.status, p.acquirer_sn, p.finished_at, s.receipt_no`;
const REFUND_COLUMNS = `r.id, r.sale_id, r.payment_id, p.client_sn, r.refund_request_no, r.tender_kind, r.wallet_amount, r.status, r.is_void, r.finished_at, s.receipt_no`;

/** Paid payments finished in [from, to) (ISO instants). */
export function paidPaymentsBetween(db: Database, from: string, to: string): LocalPaymentRow[] {
  return stmt(
    db,
    `SELECT ${PAYMENT_COLUMNS} FROM payment p JOIN sale s ON s.id = p.sale_id
      WHERE p.finished_at IS NOT NULL AND p.finished_at >= ? AND p.finished_at < ? AND p.status = 'paid' ORDER BY p.finished_at, p.id`,
  ).all(from, to) as LocalPaymentRow[];
}

/** Wallet refunds and voids that went through (refunded), finished in [from, to). */
export function refundedWalletRefundsBetween(db: Database, from: string, to: string): LocalRefundRow[] {
  return stmt(
    db,
    `SELECT ${REFUND_COLUMNS} FROM refund r JOIN payment p ON p.id = r.payment_id JOIN sale s ON s.id = r.sale_id
      WHERE r.kind = 'wallet' AND r.finished_at IS NOT NULL AND r.finished_at >= ? AND r.finished_at < ? AND r.status = 'refunded'
      ORDER BY r.finished_at, r.id`,
  ).all(from, to) as LocalRefundRow[];
}

export function paymentByClientSn(db: Database, clientSn: string): LocalPaymentRow | undefined {
  return stmt(db, `SELECT ${PAYMENT_COLUMNS} FROM payment p JOIN sale s ON s.id = p.sale_id WHERE p.client_sn = ?`).get(clientSn) as LocalPaymentRow | undefined;
}

export function refundByRequestNo(db: Database, refundRequestNo: string): LocalRefundRow | undefined {
  return stmt(
    db,
    `SELECT ${REFUND_COLUMNS} FROM refund r JOIN payment p ON p.id = r.payment_id JOIN sale s ON s.id = r.sale_id
      WHERE r.refund_request_no = ? AND r.kind = 'wallet'`,
  ).get(refundRequestNo) as LocalRefundRow | undefined;
}

/** The void (whole-sale reversal) made against a payment, if any. */
export function voidOfPayment(db: Database, paymentId: string): LocalRefundRow | undefined {
  return stmt(
    db,
    `SELECT ${REFUND_COLUMNS} FROM refund r JOIN payment p ON p.id = r.payment_id JOIN sale s ON s.id = r.sale_id
      WHERE r.payment_id = ? AND r.is_void = 1`,
  ).get(paymentId) as LocalRefundRow | undefined;
}

/** Another day's downloaded statement that lists this movement (the two sides can fall either side of midnight). */
export function statementDateOfPay(db: Database, clientSn: string, type: 'pay' | 'cancel', exceptDate: string): string | undefined {
  return stmt(
    db,
    'SELECT business_date FROM acquirer_statement_row WHERE client_sn = ? AND type = ? AND business_date <> ? ORDER BY business_date LIMIT 1',
  )
    .pluck()
    .get(clientSn, type, exceptDate) as string | undefined;
}

export function statementDateOfRefund(db: Database, refundRequestNo: string, exceptDate: string): string | undefined {
  return stmt(
    db,
    "SELECT business_date FROM acquirer_statement_row WHERE refund_request_no = ? AND type = 'refund' AND business_date <> ? ORDER BY business_date LIMIT 1",
  )
    .pluck()
    .get(refundRequestNo, exceptDate) as string | undefined;
}

export interface ResolutionRow {
  id: number;
  business_date: string;
  item_key: string;
  difference: string;
  statement_amount: number | null;
  local_amount: number | null;
  note: string;
  resolved_by: string;
  resolved_by_name: string | null;
  resolved_at: string;
}

/** The latest resolution of each item of the day. */
export function latestResolutions(db: Database, date: string): Map<string, ResolutionRow> {
  const rows = stmt(
    db,
    `SELECT r.*, u.name AS resolved_by_name FROM reconciliation_resolution r LEFT JOIN user u ON u.id = r.resolved_by
      WHERE r.business_date = ? ORDER BY r.item_key, r.id`,
  ).all(date) as ResolutionRow[];
  return new Map(rows.map((r) => [r.item_key, r]));
}

export function insertResolution(
  db: Database,
  r: { date: string; key: string; difference: string; statementAmount: number | null; localAmount: number | null; note: string; userId: string; at: string },
): number {
  return Number(
    stmt(
      db,
      `INSERT INTO reconciliation_resolution (business_date, item_key, difference, statement_amount, local_amount, note, resolved_by, resolved_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(r.date, r.key, r.difference, r.statementAmount, r.localAmount, r.note, r.userId, r.at).lastInsertRowid,
  );
}
