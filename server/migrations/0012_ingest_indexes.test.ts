import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { connect, freshDatabase } from '../testing/postgres';

describe('0012_ingest_indexes', () => {
  let db: pg.Client;
  const indexes = async (table: string) =>
    (await db.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY indexname', [table])).rows.map((r) => r.indexname);

  beforeAll(async () => {
    db = await connect(await freshDatabase());
    await migrate(db, migrations.slice(0, 11));
  });
  afterAll(() => db.end());

  it('drops the two indexes no query reads; the daily total still reads its covering index alone', async () => {
    const [factBefore, saleBefore] = [await indexes('fact'), await indexes('sale')];
    expect(factBefore).toContain('fact_by_terminal_seq');
    expect(saleBefore).toContain('sale_by_date');
    expect(await migrate(db, migrations.slice(0, 12))).toEqual([12]);
    expect(await indexes('fact')).toEqual(factBefore.filter((i) => i !== 'fact_by_terminal_seq'));
    expect(await indexes('sale')).toEqual(saleBefore.filter((i) => i !== 'sale_by_date'));

    await db.query(
      `INSERT INTO sale (store_id, sale_id, terminal_id, receipt_no, business_date, opened_at, closed_at, currency, subtotal, discount_total, total, rounding, tax_total, change_given)
       SELECT 'S' || (i % 50), 'sale' || i, 'T' || (i % 150), i, date '2026-11-01' + (i % 30), now(), now(), 'CNY', 1000, 0, 1000, 0, 115, 0 FROM generate_series(1, 30000) i`,
    );
    await db.query('VACUUM ANALYZE sale');
    const plan = ((await db.query(`EXPLAIN SELECT terminal_id, count(*), sum(total) FROM sale WHERE store_id = 'S7' AND business_date = '2026-11-08' AND voided_at IS NULL GROUP BY terminal_id`)).rows as { 'QUERY PLAN': string }[])
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(plan).toMatch(/Index Only Scan using sale_daily_total/);
    // A stream's facts in seq order come from stream_seq's primary key.
    const streamPlan = ((await db.query(`EXPLAIN SELECT f.* FROM stream_seq s JOIN fact f ON f.store_id = s.store_id AND f.fact_id = s.fact_id WHERE s.store_id = 'S1' AND s.stream = 'x' ORDER BY s.seq`)).rows as { 'QUERY PLAN': string }[])
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(streamPlan).toMatch(/stream_seq_pkey/);
  });
});
