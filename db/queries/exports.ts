/**
 * Rows for the owner's CSV exports, selected by stored business date (the date of the Z that closes them)
 * and read in pages by keyset (business_date, closed_at, id) so a large range never loads at once.
 */
import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';
import type { SaleRow } from './sales';

/** Business dates `from`..`to` (both included) of one terminal. */
export interface DateRange {
  terminalId: string;
  from: string;
  to: string;
}

/** Where the previous page ended: the last sale's (business_date, closed_at, id); FIRST_SALE_KEY for the first page. */
export interface SaleKey {
  date: string;
  at: string;
  id: string;
}

export const FIRST_SALE_KEY: SaleKey = { date: '', at: '', id: '' };

/**
 * The keyset start as one row value (the index is searched from it, so page n does not rescan pages
 * 1..n-1): the first page starts before the first sale of `from`.
 */
function start(r: DateRange, after: SaleKey): [string, string, string] {
  return after.date === '' ? [r.from, '', ''] : [after.date, after.at, after.id];
}

export interface SaleExportRow
  extends Pick<SaleRow, 'id' | 'receipt_no' | 'status' | 'subtotal' | 'discount_total' | 'total' | 'rounding' | 'tax_total' | 'change_given' | 'void_reason'> {
  business_date: string;
  closed_at: string;
  cashier: string | null;
  lines: number;
  currency: string;
  tenders: string | null;
  refunded: number;
}

export function saleExportPage(db: Database, r: DateRange, after: SaleKey, limit: number): SaleExportRow[] {
  return stmt(
    db,
    `SELECT s.id, s.business_date, s.closed_at, s.receipt_no, s.status, u.name AS cashier, s.currency,
            (SELECT count(*) FROM sale_line l WHERE l.sale_id = s.id) AS lines,
            s.subtotal, s.discount_total, s.total, s.rounding, s.tax_total, s.change_given,
            (SELECT group_concat(t.kind || ':' || t.amount, ';') FROM sale_tender t WHERE t.sale_id = s.id) AS tenders,
            (SELECT coalesce(sum(r.amount), 0) FROM refund r WHERE r.sale_id = s.id AND r.status = 'refunded') AS refunded,
            s.void_reason
       FROM sale s LEFT JOIN user u ON u.id = s.closed_by
      WHERE s.terminal_id = ? AND (s.business_date, s.closed_at, s.id) > (?, ?, ?) AND s.business_date <= ? AND s.status IN ('completed', 'voided')
      ORDER BY s.business_date, s.closed_at, s.id LIMIT ?`,
  ).all(r.terminalId, ...start(r, after), r.to, limit) as SaleExportRow[];
}

export interface PaymentExportRow {
  id: string;
  /** The business date of the payment's sale (a payment counts to its sale's day, as in the Z). */
  business_date: string;
  sale_id: string;
  sale_closed_at: string;
  created_at: string;
  client_sn: string;
  kind: string;
  wallet: string | null;
  amount: number;
  status: string;
  acquirer_sn: string | null;
  finished_at: string | null;
  failure_code: string | null;
  receipt_no: number | null;
  refunded: number;
  /** Cross-border: what the customer's wallet charged and the rate, as its reply said (migration 0035); NULL otherwise. */
  payer_currency: string | null;
  payer_amount: number | null;
  payer_rate: string | null;
  payer_rate_scale: number | null;
  currency: string;
  /** What the refunds' replies said went back to the customer in the payer's currency (those that said). */
  payer_refunded: number;
  /** Refunds of it whose reply gave no payer amount. */
  payer_refunds_missing: number;
}

/** Where the previous page ended: its last payment's sale key and payment id. */
export interface PaymentKey extends SaleKey {
  paymentId: string;
}

export const FIRST_PAYMENT_KEY: PaymentKey = { ...FIRST_SALE_KEY, paymentId: '' };

/**
 * Payments of the closed (completed or voided) sales of business dates from..to, sale by sale in the
 * sales' order. A payment belongs to its sale's business date; payments of a sale still open are listed
 * once the sale is closed.
 */
export function paymentExportPage(db: Database, r: DateRange, after: PaymentKey, limit: number): PaymentExportRow[] {
  return stmt(
    db,
    `SELECT p.id, s.business_date, s.id AS sale_id, s.closed_at AS sale_closed_at, p.created_at, p.client_sn, p.kind, p.wallet, p.amount, p.status,
            p.acquirer_sn, p.finished_at, p.failure_code, s.receipt_no, p.payer_currency, p.payer_amount, p.payer_rate, p.payer_rate_scale,
            (SELECT coalesce(sum(r.wallet_amount), 0) FROM refund r WHERE r.payment_id = p.id AND r.status = 'refunded') AS refunded, p.currency,
            (SELECT coalesce(sum(r.payer_amount), 0) FROM refund r WHERE r.payment_id = p.id AND r.status = 'refunded') AS payer_refunded,
            (SELECT count(*) FROM refund r WHERE r.payment_id = p.id AND r.status = 'refunded' AND r.payer_amount IS NULL) AS payer_refunds_missing
       FROM sale s JOIN payment p ON p.sale_id = s.id
      WHERE s.terminal_id = ? AND (s.business_date, s.closed_at, s.id) >= (?, ?, ?) AND s.business_date <= ? AND s.status IN ('completed', 'voided')
        AND (s.id <> ? OR p.id > ?)
      ORDER BY s.business_date, s.closed_at, s.id, p.id LIMIT ?`,
  ).all(r.terminalId, ...start(r, after), r.to, after.id, after.paymentId, limit) as PaymentExportRow[];
}
