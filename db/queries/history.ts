import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';
import type { PaymentRow } from './payments';

/** What the owner searches completed sales by; every field is optional and they combine with AND. */
export interface SaleSearch {
  terminalId: string;
  receiptNo?: number | undefined;
  totalExact?: number | undefined;
  totalMin?: number | undefined;
  totalMax?: number | undefined;
  /** Tender kinds of which the sale has at least one ('cash'; 'wechat'; every wallet kind for "any wallet"). */
  tenderKinds?: readonly string[] | undefined;
  closedBy?: string | undefined;
  /** Business dates (YYYY-MM-DD, both ends included): the days the Z reports counted the sales in. */
  businessDateFrom?: string | undefined;
  businessDateTo?: string | undefined;
  /**
   * ISO instants, closed_at >= from and < to: a window that holds every sale of those business dates (the caller
   * widens it by a day each side), so the (closed_at, id) index serves the search; the dates decide.
   */
  closedFrom?: string | undefined;
  closedTo?: string | undefined;
  /** Keyset: rows strictly older than this (closed_at, id). */
  before?: { closedAt: string; id: string } | undefined;
  limit: number;
}

export interface SaleListRow {
  id: string;
  receipt_no: number;
  closed_at: string;
  business_date: string;
  total: number;
  currency: string;
  closed_by: string | null;
  cashier_name: string | null;
  /** JSON array of the sale's tender kinds, in order. */
  tender_kinds: string;
  refunded: number;
  refunds_pending: number;
}

/**
 * Completed sales newest first, one page (limit rows). The WHERE clause holds only the filters given, so
 * SQLite can pick the index that serves them in (closed_at, id) order (migration 0012); the fragments are
 * fixed text and every value is bound, so the statement cache holds at most one entry per combination.
 */
export function searchSales(db: Database, q: SaleSearch): SaleListRow[] {
  const { sql, params } = saleSearchStatement(q);
  return stmt(db, sql).all(params) as SaleListRow[];
}

/** The SQL text and bound values of a search (exported for the query-plan test of migration 0012). */
export function saleSearchStatement(q: SaleSearch): { sql: string; params: Record<string, unknown> } {
  const where = ["s.status = 'completed'"];
  const params: Record<string, unknown> = { limit: q.limit };
  if (q.receiptNo !== undefined) {
    where.push('s.terminal_id = @terminalId', 's.receipt_no = @receiptNo');
    params.terminalId = q.terminalId;
    params.receiptNo = q.receiptNo;
  }
  if (q.totalExact !== undefined) {
    where.push('s.total = @totalExact');
    params.totalExact = q.totalExact;
  }
  if (q.totalMin !== undefined) {
    where.push('s.total >= @totalMin');
    params.totalMin = q.totalMin;
  }
  if (q.totalMax !== undefined) {
    where.push('s.total <= @totalMax');
    params.totalMax = q.totalMax;
  }
  if (q.closedBy !== undefined) {
    where.push('s.closed_by = @closedBy');
    params.closedBy = q.closedBy;
  }
  if (q.closedFrom !== undefined) {
    where.push('s.closed_at >= @closedFrom');
    params.closedFrom = q.closedFrom;
  }
  if (q.closedTo !== undefined) {
    where.push('s.closed_at < @closedTo');
    params.closedTo = q.closedTo;
  }
  if (q.businessDateFrom !== undefined) {
    where.push('s.business_date >= @businessDateFrom');
    params.businessDateFrom = q.businessDateFrom;
  }
  if (q.businessDateTo !== undefined) {
    where.push('s.business_date <= @businessDateTo');
    params.businessDateTo = q.businessDateTo;
  }
  if (q.tenderKinds !== undefined) {
    // json_each keeps the SQL text the same whatever the number of kinds.
    where.push('EXISTS (SELECT 1 FROM sale_tender t WHERE t.sale_id = s.id AND t.kind IN (SELECT value FROM json_each(@tenderKinds)))');
    params.tenderKinds = JSON.stringify(q.tenderKinds);
  }
  if (q.before !== undefined) {
    where.push('(s.closed_at, s.id) < (@beforeAt, @beforeId)');
    params.beforeAt = q.before.closedAt;
    params.beforeId = q.before.id;
  }
  return {
    sql: `SELECT s.id, s.receipt_no, s.closed_at, s.business_date, s.total, s.currency, s.closed_by, u.name AS cashier_name,
       (SELECT json_group_array(kind) FROM (SELECT kind FROM sale_tender WHERE sale_id = s.id ORDER BY seq)) AS tender_kinds,
       (SELECT coalesce(sum(amount), 0) FROM refund WHERE sale_id = s.id AND status = 'refunded') AS refunded,
       (SELECT count(*) FROM refund WHERE sale_id = s.id AND status IN ('submitted', 'in_progress', 'unknown', 'needs_attention')) AS refunds_pending
     FROM sale s LEFT JOIN user u ON u.id = s.closed_by
     WHERE ${where.join(' AND ')}
     ORDER BY s.closed_at DESC, s.id DESC
     LIMIT @limit`,
    params,
  };
}

export type SalePaymentRow = Pick<
  PaymentRow,
  'id' | 'client_sn' | 'kind' | 'wallet' | 'masked_code' | 'amount' | 'status' | 'acquirer_sn' | 'failure_message' | 'created_at' | 'finished_at'
>;

/** Every payment attempt of a sale (declined and reversed ones too), oldest first. */
export function paymentsOfSale(db: Database, saleId: string): SalePaymentRow[] {
  return stmt(
    db,
    `SELECT id, client_sn, kind, wallet, masked_code, amount, status, acquirer_sn, failure_message, created_at, finished_at
       FROM payment WHERE sale_id = ? ORDER BY created_at, rowid`,
  ).all(saleId) as SalePaymentRow[];
}
