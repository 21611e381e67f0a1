/**
 * What the owner's today page reads (src-main/services/today.ts): one business date's figures from the day
 * totals kept with every sale and refund (daily_total, daily_tender_total, daily_refund_total), and the rest
 * as ranges of indexes over that date's rows only (migration 0017's sale_closed_by_business_date, 0011's
 * refund_by_finished), so the cost follows the size of a day, not of the database.
 */
import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';

export interface DayTotalsRow {
  salesCount: number;
  /** The sales' totals (after discounts), before cash rounding. */
  total: number;
  rounding: number;
}

export function dayTotals(db: Database, businessDate: string): DayTotalsRow {
  return (stmt(db, 'SELECT sales_count AS salesCount, net AS total, rounding FROM daily_total WHERE business_date = ?').get(businessDate) as DayTotalsRow | undefined) ?? {
    salesCount: 0,
    total: 0,
    rounding: 0,
  };
}

export function dayTenderTotals(db: Database, businessDate: string): { kind: string; count: number; amount: number }[] {
  return stmt(db, 'SELECT kind, count, amount FROM daily_tender_total WHERE business_date = ? ORDER BY kind').all(businessDate) as { kind: string; count: number; amount: number }[];
}

/** Refund parts by tender kind (a mixed refund counts once in its wallet's row and once in cash). */
export function dayRefundTotals(db: Database, businessDate: string): { kind: string; count: number; amount: number }[] {
  return stmt(db, 'SELECT kind, count, amount FROM daily_refund_total WHERE business_date = ? ORDER BY kind').all(businessDate) as { kind: string; count: number; amount: number }[];
}

/**
 * Refunds of this terminal's sales that became final with this business date, each counted once. CROSS JOIN
 * keeps SQLite from starting at the terminal's sales (all of them) instead of the window's refunds. `finishedFrom`
 * and `finishedTo` bound the index range: any window holding every instant that can carry the date (a refund
 * after an early Z carries the next date).
 */
export function refundsOfDate(db: Database, terminalId: string, businessDate: string, finishedFrom: string, finishedTo: string): { count: number; amount: number } {
  return stmt(
    db,
    `SELECT count(*) AS count, coalesce(sum(r.amount), 0) AS amount
       FROM refund r CROSS JOIN sale s ON s.id = r.sale_id
      WHERE r.status = 'refunded' AND r.finished_at >= ? AND r.finished_at < ? AND r.business_date = ? AND s.terminal_id = ?`,
  ).get(finishedFrom, finishedTo, businessDate, terminalId) as { count: number; amount: number };
}

/**
 * Completed sales of a business date closed in (after, upTo]: count and what the tenders took (total + rounding).
 * The index is partial (completed and voided sales): its own condition must be in the query for SQLite to use it.
 */
export function takingsBetween(db: Database, terminalId: string, businessDate: string, after: string, upTo: string): { count: number; amount: number } {
  return stmt(
    db,
    `SELECT count(*) AS count, coalesce(sum(total + rounding), 0) AS amount
       FROM sale INDEXED BY sale_closed_by_business_date
      WHERE terminal_id = ? AND business_date = ? AND closed_at > ? AND closed_at <= ? AND status IN ('completed', 'voided') AND status = 'completed'`,
  ).get(terminalId, businessDate, after, upTo) as { count: number; amount: number };
}

export interface TopSellerRow {
  productId: string;
  sku: string;
  name: string;
  nameEn: string | null;
  unit: 'each' | 'kg';
  quantityMilli: number;
  amount: number;
}

/** The products that took the most in a business date's completed sales (line amounts after discounts), with the quantity sold. */
export function topSellersOfDate(db: Database, terminalId: string, businessDate: string, limit: number): TopSellerRow[] {
  return stmt(
    db,
    `SELECT p.id AS productId, p.sku, p.name, p.name_en AS nameEn, p.unit, t.quantityMilli, t.amount
       FROM (SELECT l.product_id, sum(l.quantity_milli) AS quantityMilli, sum(l.net) AS amount
               FROM sale s INDEXED BY sale_closed_by_business_date JOIN sale_line l ON l.sale_id = s.id
              WHERE s.terminal_id = ? AND s.business_date = ? AND s.status IN ('completed', 'voided') AND s.status = 'completed'
              GROUP BY l.product_id
              ORDER BY amount DESC, quantityMilli DESC, l.product_id
              LIMIT ?) t
       JOIN product p ON p.id = t.product_id
      ORDER BY t.amount DESC, t.quantityMilli DESC, p.sku`,
  ).all(terminalId, businessDate, limit) as TopSellerRow[];
}

export interface LowStockRow {
  productId: string;
  sku: string;
  name: string;
  nameEn: string | null;
  unit: 'each' | 'kg';
  stockMilli: number;
}

/** Active products whose stock is below `belowMilli`, lowest first; and how many there are in all. */
export function lowStock(db: Database, belowMilli: number, limit: number): { count: number; items: LowStockRow[] } {
  const count = stmt(db, 'SELECT count(*) FROM product WHERE active = 1 AND stock_milli < ?').pluck().get(belowMilli) as number;
  const items = stmt(
    db,
    `SELECT id AS productId, sku, name, name_en AS nameEn, unit, stock_milli AS stockMilli
       FROM product WHERE active = 1 AND stock_milli < ? ORDER BY stock_milli, sku LIMIT ?`,
  ).all(belowMilli, limit) as LowStockRow[];
  return { count, items };
}
