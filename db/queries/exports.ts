/** Rows for the owner's CSV exports, read in pages by keyset (time, id) so a large range never loads at once. */
import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';
import type { SaleRow } from './sales';

export interface SaleExportRow
  extends Pick<SaleRow, 'id' | 'receipt_no' | 'status' | 'subtotal' | 'discount_total' | 'total' | 'rounding' | 'tax_total' | 'change_given' | 'void_reason'> {
  closed_at: string;
  cashier: string | null;
  lines: number;
  tenders: string | null;
  refunded: number;
}

export function saleExportPage(db: Database, w: { terminalId: string; from: string; to: string }, after: { at: string; id: string }, limit: number): SaleExportRow[] {
  return stmt(
    db,
    `SELECT s.id, s.closed_at, s.receipt_no, s.status, u.name AS cashier,
            (SELECT count(*) FROM sale_line l WHERE l.sale_id = s.id) AS lines,
            s.subtotal, s.discount_total, s.total, s.rounding, s.tax_total, s.change_given,
            (SELECT group_concat(t.kind || ':' || t.amount, ';') FROM sale_tender t WHERE t.sale_id = s.id) AS tenders,
            (SELECT coalesce(sum(r.amount), 0) FROM refund r WHERE r.sale_id = s.id AND r.status = 'refunded') AS refunded,
            s.void_reason
       FROM sale s LEFT JOIN user u ON u.id = s.closed_by
      WHERE s.terminal_id = ? AND s.closed_at > ? AND s.closed_at <= ? AND s.status IN ('completed', 'voided')
        AND (s.closed_at, s.id) > (?, ?)
      ORDER BY s.closed_at, s.id LIMIT ?`,
  ).all(w.terminalId, w.from, w.to, after.at, after.id, limit) as SaleExportRow[];
}

export interface PaymentExportRow {
  id: string;
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
}

export function paymentExportPage(db: Database, w: { terminalId: string; from: string; to: string }, after: { at: string; id: string }, limit: number): PaymentExportRow[] {
  return stmt(
    db,
    `SELECT p.id, p.created_at, p.client_sn, p.kind, p.wallet, p.amount, p.status, p.acquirer_sn, p.finished_at, p.failure_code, s.receipt_no,
            (SELECT coalesce(sum(r.wallet_amount), 0) FROM refund r WHERE r.payment_id = p.id AND r.status = 'refunded') AS refunded
       FROM payment p JOIN sale s ON s.id = p.sale_id
      WHERE s.terminal_id = ? AND p.created_at > ? AND p.created_at <= ? AND (p.created_at, p.id) > (?, ?)
      ORDER BY p.created_at, p.id LIMIT ?`,
  ).all(w.terminalId, w.from, w.to, after.at, after.id, limit) as PaymentExportRow[];
}
