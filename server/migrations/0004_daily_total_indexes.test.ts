import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { connect, freshDatabase } from '../testing/postgres';

describe('0004_daily_total_indexes', () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = await connect(await freshDatabase());
    expect(await migrate(db, migrations.slice(0, 4))).toEqual([1, 2, 3, 4]);
    await db.query(
      `INSERT INTO sale (store_id, sale_id, terminal_id, receipt_no, business_date, opened_at, closed_at, currency, subtotal, discount_total, total, rounding, tax_total, change_given)
       SELECT 'S' || (i % 50), 'sale' || i, 'T' || (i % 150), i, date '2026-11-01' + (i % 30), now(), now(), 'CNY', 1000, 0, 1000, 0, 115, 0 FROM generate_series(1, 30000) i`,
    );
    await db.query(
      `INSERT INTO sale_tender (store_id, tender_id, sale_id, terminal_id, business_date, seq, kind, amount, tendered, merchant_discount)
       SELECT 'S' || (i % 50), 'tender' || i, 'sale' || i, 'T' || (i % 150), date '2026-11-01' + (i % 30), 1, 'cash', 1000, 1000, 0 FROM generate_series(1, 30000) i`,
    );
    await db.query('VACUUM ANALYZE sale, sale_tender');
  });
  afterAll(() => db.end());

  it('answers a store’s day from the indexes alone (index-only scans), the totals query as the admin API runs it', async () => {
    const plan = async (sql: string) => ((await db.query(`EXPLAIN ${sql}`)).rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
    expect(await plan(`SELECT terminal_id, count(*), sum(subtotal), sum(total), sum(tax_total) FROM sale WHERE store_id = 'S7' AND business_date = '2026-11-08' AND voided_at IS NULL GROUP BY terminal_id`)).toMatch(
      /Index Only Scan using sale_daily_total/,
    );
    expect(await plan(`SELECT terminal_id, kind, sum(amount) FROM sale_tender WHERE store_id = 'S7' AND business_date = '2026-11-08' AND NOT voided GROUP BY terminal_id, kind`)).toMatch(
      /Index Only Scan using sale_tender_daily_total/,
    );
  });
});
