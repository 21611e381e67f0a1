import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Surface } from '../../src-common/surface';
import { stmt } from '../statements';

export type SaleStatus = 'open' | 'suspended' | 'completed' | 'voided';
export type SaleEventType =
  | 'opened'
  | 'line_added'
  | 'quantity_set'
  | 'line_removed'
  | 'line_discount_set'
  | 'order_discount_set'
  | 'suspended'
  | 'resumed'
  | 'voided'
  | 'completed'
  | 'member_set'
  | 'points_redeemed';

export interface SaleRow {
  id: string;
  terminal_id: string;
  surface: Surface;
  status: SaleStatus;
  currency: string;
  opened_at: string;
  opened_by: string | null;
  closed_at: string | null;
  closed_by: string | null;
  receipt_no: number | null;
  business_date: string | null;
  subtotal: number | null;
  discount_total: number | null;
  total: number | null;
  rounding: number | null;
  tax_total: number | null;
  change_given: number | null;
  void_reason: string | null;
  /** The e-receipt's token (0030); null for sales before it. */
  receipt_token: string | null;
}

export interface SaleEventRow {
  id: number;
  type: SaleEventType;
  at: string;
  user_id: string | null;
  data: string;
}

export function insertSale(db: Database, sale: { id: string; terminalId: string; surface: Surface; currency: string; at: string; userId: string | null }): void {
  stmt(db, "INSERT INTO sale (id, terminal_id, surface, status, currency, opened_at, opened_by) VALUES (?, ?, ?, 'open', ?, ?, ?)").run(
    sale.id,
    sale.terminalId,
    sale.surface,
    sale.currency,
    sale.at,
    sale.userId,
  );
}

export function appendSaleEvent(db: Database, saleId: string, type: SaleEventType, data: unknown, at: string, userId: string | null): void {
  stmt(db, 'INSERT INTO sale_event (sale_id, at, user_id, type, data) VALUES (?, ?, ?, ?, ?)').run(saleId, at, userId, type, JSON.stringify(data));
}

export function saleEvents(db: Database, saleId: string): SaleEventRow[] {
  return stmt(db, 'SELECT id, type, at, user_id, data FROM sale_event WHERE sale_id = ? ORDER BY id').all(saleId) as SaleEventRow[];
}

/** The sale's events after event `afterId` (an event's id is larger than every earlier event's: a rowid, never deleted). */
export function saleEventsAfter(db: Database, saleId: string, afterId: number): Pick<SaleEventRow, 'id' | 'type' | 'data'>[] {
  return stmt(db, 'SELECT id, type, data FROM sale_event WHERE sale_id = ? AND id > ? ORDER BY id').all(saleId, afterId) as Pick<SaleEventRow, 'id' | 'type' | 'data'>[];
}

export function findSale(db: Database, id: string): SaleRow | undefined {
  return stmt(db, 'SELECT * FROM sale WHERE id = ?').get(id) as SaleRow | undefined;
}

/** The open sale of one selling surface of the terminal (at most one: a unique index). */
export function findOpenSale(db: Database, terminalId: string, surface: Surface): SaleRow | undefined {
  return stmt(db, "SELECT * FROM sale WHERE status = 'open' AND terminal_id = ? AND surface = ?").get(terminalId, surface) as SaleRow | undefined;
}

export function listSuspendedSales(db: Database, terminalId: string, surface: Surface): SaleRow[] {
  return stmt(db, "SELECT * FROM sale WHERE status = 'suspended' AND terminal_id = ? AND surface = ? ORDER BY opened_at").all(terminalId, surface) as SaleRow[];
}

export function setSaleStatus(db: Database, id: string, status: SaleStatus): void {
  stmt(db, 'UPDATE sale SET status = ? WHERE id = ?').run(status, id);
}

export function markVoided(db: Database, id: string, at: string, userId: string | null, reason: string, businessDate: string): void {
  stmt(db, "UPDATE sale SET status = 'voided', closed_at = ?, closed_by = ?, void_reason = ?, business_date = ? WHERE id = ?").run(
    at,
    userId,
    reason,
    businessDate,
    id,
  );
  stmt(db, 'INSERT INTO daily_total (business_date, voids_count) VALUES (?, 1) ON CONFLICT (business_date) DO UPDATE SET voids_count = voids_count + 1').run(
    businessDate,
  );
}

/** The next receipt number of this terminal; call inside the completing transaction so it is gap-free. */
export function takeReceiptNumber(db: Database, terminalId: string): number {
  stmt(db, 'INSERT INTO receipt_counter (terminal_id, last_no) VALUES (?, 0) ON CONFLICT DO NOTHING').run(terminalId);
  return stmt(db, 'UPDATE receipt_counter SET last_no = last_no + 1 WHERE terminal_id = ? RETURNING last_no').pluck().get(terminalId) as number;
}

export interface CompletedSaleWrite {
  id: string;
  at: string;
  userId: string | null;
  receiptNo: number;
  businessDate: string;
  subtotal: number;
  discountTotal: number;
  total: number;
  rounding: number;
  taxTotal: number;
  change: number;
  lines: {
    lineId: string;
    productId: string;
    sku: string;
    name: string;
    unit: 'each' | 'kg';
    quantityMilli: number;
    unitPrice: number;
    gross: number;
    lineDiscount: number;
    orderDiscount: number;
    net: number;
    taxRateBp: number;
  }[];
  taxes: { rateBp: number; taxable: number; tax: number }[];
  tenders: { id: string; kind: string; amount: number; tendered: number; reference: string | null; paymentId: string | null }[];
}

/** The e-receipt's token (src-common/e-receipt.ts): 128 random bits, drawn once as the sale completes. */
export function newReceiptToken(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Gives a completed sale its e-receipt token (in the completing transaction, after writeCompletedSale). Its own
 * statement so that the sale writer stays usable on databases older than the token's column (migration tests).
 */
export function giveReceiptToken(db: Database, saleId: string): void {
  stmt(db, `UPDATE sale SET receipt_token = ? WHERE id = ? AND receipt_token IS NULL`).run(newReceiptToken(), saleId);
}

/** Writes the completed sale and adds it to the day's totals; the caller holds the transaction. */
export function writeCompletedSale(db: Database, sale: CompletedSaleWrite): void {
  stmt(db, 
    `UPDATE sale SET status = 'completed', closed_at = ?, closed_by = ?, receipt_no = ?, business_date = ?,
       subtotal = ?, discount_total = ?, total = ?, rounding = ?, tax_total = ?, change_given = ?
     WHERE id = ? AND status = 'open'`,
  ).run(sale.at, sale.userId, sale.receiptNo, sale.businessDate, sale.subtotal, sale.discountTotal, sale.total, sale.rounding, sale.taxTotal, sale.change, sale.id);

  const line = stmt(db, 
    `INSERT INTO sale_line (sale_id, line_no, line_id, product_id, sku, name, unit, quantity_milli, unit_price, gross,
       line_discount, order_discount, net, tax_rate_bp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  sale.lines.forEach((l, i) =>
    line.run(sale.id, i + 1, l.lineId, l.productId, l.sku, l.name, l.unit, l.quantityMilli, l.unitPrice, l.gross, l.lineDiscount, l.orderDiscount, l.net, l.taxRateBp),
  );
  const tax = stmt(db, 'INSERT INTO sale_tax (sale_id, rate_bp, taxable, tax) VALUES (?, ?, ?, ?)');
  for (const t of sale.taxes) tax.run(sale.id, t.rateBp, t.taxable, t.tax);
  const tender = stmt(db, 
    'INSERT INTO sale_tender (id, sale_id, seq, kind, amount, tendered, reference, payment_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  sale.tenders.forEach((t, i) => tender.run(t.id, sale.id, i + 1, t.kind, t.amount, t.tendered, t.reference, t.paymentId, sale.at));

  stmt(db, 
    `INSERT INTO daily_total (business_date, sales_count, gross, discounts, net, rounding, tax) VALUES (?, 1, ?, ?, ?, ?, ?)
     ON CONFLICT (business_date) DO UPDATE SET sales_count = sales_count + 1, gross = gross + excluded.gross,
       discounts = discounts + excluded.discounts, net = net + excluded.net, rounding = rounding + excluded.rounding, tax = tax + excluded.tax`,
  ).run(sale.businessDate, sale.subtotal, sale.discountTotal, sale.total, sale.rounding, sale.taxTotal);
  const dayTender = stmt(db, 
    `INSERT INTO daily_tender_total (business_date, kind, count, amount) VALUES (?, ?, 1, ?)
     ON CONFLICT (business_date, kind) DO UPDATE SET count = count + 1, amount = amount + excluded.amount`,
  );
  for (const t of sale.tenders) dayTender.run(sale.businessDate, t.kind, t.amount);
  const dayTax = stmt(db, 
    `INSERT INTO daily_tax_total (business_date, rate_bp, taxable, tax) VALUES (?, ?, ?, ?)
     ON CONFLICT (business_date, rate_bp) DO UPDATE SET taxable = taxable + excluded.taxable, tax = tax + excluded.tax`,
  );
  for (const t of sale.taxes) dayTax.run(sale.businessDate, t.rateBp, t.taxable, t.tax);
}

export function completedSaleLines(db: Database, saleId: string): CompletedSaleWrite['lines'] {
  return db
    .prepare(
      `SELECT line_id AS lineId, product_id AS productId, sku, name, unit, quantity_milli AS quantityMilli, unit_price AS unitPrice,
         gross, line_discount AS lineDiscount, order_discount AS orderDiscount, net, tax_rate_bp AS taxRateBp
       FROM sale_line WHERE sale_id = ? ORDER BY line_no`,
    )
    .all(saleId) as CompletedSaleWrite['lines'];
}

export function completedSaleTaxes(db: Database, saleId: string): CompletedSaleWrite['taxes'] {
  return stmt(db, 'SELECT rate_bp AS rateBp, taxable, tax FROM sale_tax WHERE sale_id = ? ORDER BY rate_bp DESC').all(saleId) as CompletedSaleWrite['taxes'];
}

export function completedSaleTenders(db: Database, saleId: string): CompletedSaleWrite['tenders'] {
  return db
    .prepare('SELECT id, kind, amount, tendered, reference, payment_id AS paymentId FROM sale_tender WHERE sale_id = ? ORDER BY seq')
    .all(saleId) as CompletedSaleWrite['tenders'];
}

export function findCompletedSaleByReceiptToken(db: Database, token: string): SaleRow | undefined {
  return stmt(db, "SELECT * FROM sale WHERE receipt_token = ? AND status = 'completed'").get(token) as SaleRow | undefined;
}

export function findCompletedSaleByReceiptNo(db: Database, terminalId: string, receiptNo: number): SaleRow | undefined {
  return stmt(db, "SELECT * FROM sale WHERE terminal_id = ? AND receipt_no = ? AND status = 'completed'").get(terminalId, receiptNo) as SaleRow | undefined;
}
