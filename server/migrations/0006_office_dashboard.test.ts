import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { connect, freshDatabase } from '../testing/postgres';

describe('0006_office_dashboard', () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = await connect(await freshDatabase());
    await migrate(db, migrations.slice(0, 5));
    expect(await migrate(db, migrations.slice(0, 6))).toEqual([6]);
    await db.query(
      `INSERT INTO z_report (store_id, terminal_id, z_no, business_date, currency, sales_count, gross, discounts, refunds, net, tax, report)
       SELECT 'S' || (i % 50), 'T' || (i % 150), i, date '2026-01-01' + (i % 300), 'CNY', 10, 1000, 0, 0, 1000, 115, '{}' FROM generate_series(1, 30000) i`,
    );
    await db.query(
      `INSERT INTO fact (store_id, fact_id, terminal_id, stream, seq, kind, recorded_at, payload)
       SELECT 'S' || (i % 50), 'f' || i, 'T' || (i % 150), 's' || (i % 150), i, CASE WHEN i % 100 = 0 THEN 'shift_close' ELSE 'sale' END,
              timestamptz '2026-01-01' + i * interval '1 minute', '{}' FROM generate_series(1, 30000) i`,
    );
    await db.query('VACUUM ANALYZE z_report, fact');
  });
  afterAll(() => db.end());

  const plan = async (sql: string) => ((await db.query(`EXPLAIN ${sql}`)).rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');

  it('finds the stores’ Z reports of a range and their shifts’ closes by index', async () => {
    expect(await plan(`SELECT net FROM z_report WHERE store_id = ANY(ARRAY['S1','S2']) AND business_date BETWEEN '2026-03-01' AND '2026-03-07'`)).toMatch(/z_report_by_date/);
    expect(
      await plan(`SELECT payload FROM fact WHERE store_id = ANY(ARRAY['S1']) AND kind = 'shift_close' AND recorded_at >= '2026-01-05' AND recorded_at < '2026-01-06'`),
    ).toMatch(/fact_shift_close/);
  });
});
