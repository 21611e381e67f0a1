import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { connect, freshDatabase } from '../testing/postgres';

describe('0011_office_dashboard', () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = await connect(await freshDatabase());
    await migrate(db, migrations.slice(0, 10));
    expect(await migrate(db, migrations.slice(0, 11))).toEqual([11]);
    await db.query(
      `INSERT INTO z_report (store_id, terminal_id, z_no, business_date, currency, sales_count, gross, discounts, refunds, net, tax, report)
       SELECT 'S' || (i % 50), 'T' || (i % 150), i, date '2026-01-01' + (i % 300), 'CNY', 10, 1000, 0, 0, 1000, 115, '{}' FROM generate_series(1, 30000) i`,
    );
    await db.query(
      `INSERT INTO fact (store_id, fact_id, terminal_id, stream, seq, kind, recorded_at, payload)
       SELECT 'S' || (i % 50), 'f' || i, 'T' || (i % 150), 's' || (i % 150), i, CASE WHEN i % 100 = 0 THEN 'shift_close' ELSE 'sale' END,
              timestamptz '2026-01-01' + i * interval '1 minute', '{}' FROM generate_series(1, 30000) i`,
    );
    await db.query(
      `INSERT INTO sale (store_id, sale_id, terminal_id, receipt_no, business_date, opened_at, closed_at, currency, subtotal, discount_total, total, rounding, tax_total, change_given)
       SELECT 'S' || (i % 50), 'sale' || i, 'T' || (i % 150), i, date '2026-11-01' + (i % 30), now(), now(), 'CNY', 1000, 0, 1000, 0, 115, 0 FROM generate_series(1, 30000) i`,
    );
    await db.query(
      `INSERT INTO sale_line (store_id, sale_id, line_no, product_id, sku, name, unit, quantity_milli, unit_price, gross, line_discount, order_discount, net, tax_rate_bp, business_date)
       SELECT 'S' || (i % 50), 'sale' || i, 1, 'P' || (i % 300), 'P', 'p', 'each', 1000, 1000, 1000, 0, 0, 1000, 1300, date '2026-11-01' + (i % 30) FROM generate_series(1, 30000) i`,
    );
    await db.query('VACUUM ANALYZE z_report, fact, sale, sale_line');
  });
  afterAll(() => db.end());

  const plan = async (sql: string) => ((await db.query(`EXPLAIN ${sql}`)).rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');

  it('gives lines stored before it their sale’s business date', async () => {
    const fresh = await connect(await freshDatabase());
    try {
      await migrate(fresh, migrations.slice(0, 10));
      await fresh.query(`INSERT INTO sale (store_id, sale_id, terminal_id, receipt_no, business_date, opened_at, closed_at, currency, subtotal, discount_total, total, rounding, tax_total, change_given)
                         VALUES ('S1', 'A', 'T1', 1, '2026-11-05', now(), now(), 'CNY', 100, 0, 100, 0, 12, 0)`);
      await fresh.query(`INSERT INTO sale_line (store_id, sale_id, line_no, product_id, sku, name, unit, quantity_milli, unit_price, gross, line_discount, order_discount, net, tax_rate_bp)
                         VALUES ('S1', 'A', 1, 'P1', 'P1', 'p', 'each', 1000, 100, 100, 0, 0, 100, 1300)`);
      await migrate(fresh, migrations.slice(0, 11));
      expect((await fresh.query(`SELECT business_date::text AS d FROM sale_line`)).rows).toEqual([{ d: '2026-11-05' }]);
    } finally {
      await fresh.end();
    }
  });

  it('reads a range’s sales by hour and its lines from indexes alone (the dashboard’s queries)', async () => {
    expect(
      await plan(`SELECT extract(hour FROM closed_at AT TIME ZONE 'Asia/Shanghai')::int, count(*), sum(total + rounding) FROM sale
                   WHERE store_id = ANY(ARRAY['S1','S2']) AND business_date BETWEEN '2026-11-03' AND '2026-11-09' AND voided_at IS NULL GROUP BY 1`),
    ).toMatch(/Index Only Scan using sale_daily_total/);
    expect(
      await plan(`SELECT product_id, sum(quantity_milli), sum(net) FROM sale_line WHERE store_id = ANY(ARRAY['S1','S2']) AND business_date BETWEEN '2026-11-03' AND '2026-11-09' GROUP BY product_id`),
    ).toMatch(/Index Only Scan using sale_line_by_date/);
  });

  it('finds the stores’ Z reports of a range and their shifts’ closes by index', async () => {
    expect(await plan(`SELECT net FROM z_report WHERE store_id = ANY(ARRAY['S1','S2']) AND business_date BETWEEN '2026-03-01' AND '2026-03-07'`)).toMatch(/z_report_by_date/);
    expect(
      await plan(`SELECT payload FROM fact WHERE store_id = ANY(ARRAY['S1']) AND kind = 'shift_close' AND recorded_at >= '2026-01-05' AND recorded_at < '2026-01-06'`),
    ).toMatch(/fact_shift_close/);
  });
});
