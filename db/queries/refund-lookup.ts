import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';

/** What the till's refund dialog narrows one business day's sales by; every filter is optional and they combine with AND. */
export interface DaySalesLookup {
  terminalId: string;
  businessDate: string;
  /** Exact total in minor units. */
  total?: number | undefined;
  receiptNo?: number | undefined;
  /** The last four characters of a wallet payment's acquirer order number (what the customer's wallet shows as the merchant's order). */
  referenceTail?: string | undefined;
  /** ISO instants, closed_at >= from and < to. */
  closedFrom?: string | undefined;
  closedTo?: string | undefined;
  limit: number;
}

export interface DaySaleRow {
  id: string;
  receipt_no: number;
  closed_at: string;
  total: number;
  currency: string;
  /** JSON array of {kind, amount, tail}: each tender in order, with the last four of its payment's acquirer order number (null for cash). */
  tenders: string;
  refunded: number;
  refunds_pending: number;
}

/**
 * One terminal's completed sales of one business date, newest first. The terminal and date pick a range of the
 * partial index sale_closed_by_business_date (migration 0017), whose (closed_at, id) order is the list's and whose
 * closed_at bounds the time filter, so nothing is sorted; total is in that index too. The repeated status term is
 * the index's own condition, without which SQLite cannot use a partial index for `status = 'completed'`.
 */
export function daySalesStatement(q: DaySalesLookup): { sql: string; params: Record<string, unknown> } {
  const where = ['s.terminal_id = @terminalId', 's.business_date = @businessDate', "s.status IN ('completed', 'voided')", "s.status = 'completed'"];
  const params: Record<string, unknown> = { terminalId: q.terminalId, businessDate: q.businessDate, limit: q.limit };
  if (q.total !== undefined) {
    where.push('s.total = @total');
    params.total = q.total;
  }
  if (q.receiptNo !== undefined) {
    where.push('s.receipt_no = @receiptNo');
    params.receiptNo = q.receiptNo;
  }
  if (q.closedFrom !== undefined) {
    where.push('s.closed_at >= @closedFrom');
    params.closedFrom = q.closedFrom;
  }
  if (q.closedTo !== undefined) {
    where.push('s.closed_at < @closedTo');
    params.closedTo = q.closedTo;
  }
  if (q.referenceTail !== undefined) {
    where.push(
      "EXISTS (SELECT 1 FROM sale_tender t JOIN payment p ON p.id = t.payment_id WHERE t.sale_id = s.id AND p.status = 'paid' AND substr(p.acquirer_sn, -4) = @referenceTail)",
    );
    params.referenceTail = q.referenceTail;
  }
  return {
    sql: `SELECT s.id, s.receipt_no, s.closed_at, s.total, s.currency,
       (SELECT json_group_array(json_object('kind', kind, 'amount', amount, 'tail', tail)) FROM (
          SELECT t.kind, t.amount, CASE WHEN p.acquirer_sn IS NULL THEN NULL ELSE substr(p.acquirer_sn, -4) END AS tail
            FROM sale_tender t LEFT JOIN payment p ON p.id = t.payment_id WHERE t.sale_id = s.id ORDER BY t.seq)) AS tenders,
       (SELECT coalesce(sum(amount), 0) FROM refund WHERE sale_id = s.id AND status = 'refunded') AS refunded,
       (SELECT count(*) FROM refund WHERE sale_id = s.id AND status IN ('submitted', 'in_progress', 'unknown', 'needs_attention')) AS refunds_pending
     FROM sale s
     WHERE ${where.join(' AND ')}
     ORDER BY s.closed_at DESC, s.id DESC
     LIMIT @limit`,
    params,
  };
}

export function daySales(db: Database, q: DaySalesLookup): DaySaleRow[] {
  const { sql, params } = daySalesStatement(q);
  return stmt(db, sql).all(params) as DaySaleRow[];
}
