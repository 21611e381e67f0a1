/**
 * The one-time step of migration 0013: recompute the stored business dates (sales, refunds) under the
 * terminal's business-day rule, and rebuild the day totals keyed by them. Runs in one transaction, once:
 * the `one_time_step` row is marked done in the same transaction, so a crash leaves it due and a later
 * start runs it again from the stored instants (closed_at, finished_at), which it never changes.
 * Z reports are not touched: they are immutable and keep the dates they were taken with.
 */
import type { Database } from 'better-sqlite3';
import { businessDateOf, type BusinessDayRule } from '../src-common/business-day';

export const RECOMPUTE_BUSINESS_DATES = 'recompute_business_dates';

export interface RecomputeResult {
  sales: number;
  refunds: number;
}

/** Runs the step when it is due; null when it already ran (or the database predates migration 0013). */
export function recomputeBusinessDatesOnce(db: Database, rule: BusinessDayRule, at: Date): RecomputeResult | null {
  return db
    .transaction((): RecomputeResult | null => {
      const due = db.prepare('SELECT 1 FROM one_time_step WHERE name = ? AND done_at IS NULL').get(RECOMPUTE_BUSINESS_DATES);
      if (!due) return null;
      const result = recomputeBusinessDates(db, rule);
      db.prepare('UPDATE one_time_step SET done_at = ? WHERE name = ?').run(at.toISOString(), RECOMPUTE_BUSINESS_DATES);
      return result;
    })
    .immediate();
}

function recomputeBusinessDates(db: Database, rule: BusinessDayRule): RecomputeResult {
  // Zone offsets are whole quarter-hours and turns happen on the hour, so every instant of a UTC quarter
  // has the same business date: one Intl conversion per quarter instead of one per sale.
  const byQuarter = new Map<string, string>();
  db.function('business_date_of', { deterministic: true }, (iso: unknown) => {
    if (typeof iso !== 'string') return null;
    const quarter = `${iso.slice(0, 14)}${String(Math.floor(Number(iso.slice(14, 16)) / 15) * 15).padStart(2, '0')}`;
    let date = byQuarter.get(quarter);
    if (date === undefined) {
      date = businessDateOf(new Date(iso), rule);
      byQuarter.set(quarter, date);
    }
    return date;
  });
  const sales = db
    .prepare("UPDATE sale SET business_date = business_date_of(closed_at) WHERE closed_at IS NOT NULL AND status IN ('completed', 'voided') AND business_date IS NOT business_date_of(closed_at)")
    .run().changes;
  const refunds = db
    .prepare("UPDATE refund SET business_date = business_date_of(finished_at) WHERE status = 'refunded' AND business_date IS NOT business_date_of(finished_at)")
    .run().changes;

  // The day totals, rebuilt from the facts as the sales and refunds services add them up.
  db.exec(`
    DELETE FROM daily_total;
    INSERT INTO daily_total (business_date, sales_count, gross, discounts, net, rounding, tax, voids_count)
      SELECT business_date,
             sum(status = 'completed'),
             coalesce(sum(CASE WHEN status = 'completed' THEN subtotal END), 0),
             coalesce(sum(CASE WHEN status = 'completed' THEN discount_total END), 0),
             coalesce(sum(CASE WHEN status = 'completed' THEN total END), 0),
             coalesce(sum(CASE WHEN status = 'completed' THEN rounding END), 0),
             coalesce(sum(CASE WHEN status = 'completed' THEN tax_total END), 0),
             sum(status = 'voided')
        FROM sale WHERE business_date IS NOT NULL AND status IN ('completed', 'voided') GROUP BY business_date;
    DELETE FROM daily_tender_total;
    INSERT INTO daily_tender_total (business_date, kind, count, amount)
      SELECT s.business_date, t.kind, count(*), sum(t.amount)
        FROM sale_tender t JOIN sale s ON s.id = t.sale_id
       WHERE s.status = 'completed' AND s.business_date IS NOT NULL GROUP BY s.business_date, t.kind;
    DELETE FROM daily_tax_total;
    INSERT INTO daily_tax_total (business_date, rate_bp, taxable, tax)
      SELECT s.business_date, x.rate_bp, sum(x.taxable), sum(x.tax)
        FROM sale_tax x JOIN sale s ON s.id = x.sale_id
       WHERE s.status = 'completed' AND s.business_date IS NOT NULL GROUP BY s.business_date, x.rate_bp;
    DELETE FROM daily_refund_total;
    INSERT INTO daily_refund_total (business_date, kind, count, amount)
      SELECT business_date, kind, count(*), sum(amount) FROM (
        SELECT business_date, tender_kind AS kind, wallet_amount AS amount FROM refund WHERE status = 'refunded' AND wallet_amount > 0
        UNION ALL
        SELECT business_date, 'cash', cash_amount FROM refund WHERE status = 'refunded' AND cash_amount > 0
      ) GROUP BY business_date, kind;
  `);
  return { sales, refunds };
}
