/**
 * How much of each product sold lately, from the day totals of migration 0021: the kiosk shows the best
 * sellers first. Reads the last `tradingDays` business days that had a sale (a shop shut on Sundays still
 * looks back 30 trading days), one index range of daily_product_total.
 */
import type { Database } from 'better-sqlite3';
import { stmt } from '../statements';

export const POPULARITY_TRADING_DAYS = 30;

/** Thousandths sold (pieces × 1000, or grams) by product id, over the last `tradingDays` trading days. */
export function quantitySoldByProduct(db: Database, tradingDays = POPULARITY_TRADING_DAYS): Map<string, number> {
  const since = stmt(
    db,
    'SELECT min(business_date) FROM (SELECT business_date FROM daily_total WHERE sales_count > 0 ORDER BY business_date DESC LIMIT ?)',
  )
    .pluck()
    .get(tradingDays) as string | null;
  if (since === null) return new Map();
  const rows = stmt(db, 'SELECT product_id, sum(quantity_milli) AS sold FROM daily_product_total WHERE business_date >= ? GROUP BY product_id')
    .raw()
    .all(since) as [string, number][];
  return new Map(rows);
}
