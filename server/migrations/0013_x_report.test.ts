import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { connect, freshDatabase } from '../testing/postgres';

const VERSION = 13;

describe('0013_x_report', () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = await connect(await freshDatabase());
    await migrate(db, migrations.slice(0, VERSION - 1));
    expect(await migrate(db, migrations.slice(0, VERSION))).toEqual([VERSION]);
  });
  afterAll(() => db.end());

  it('keeps an X report once per store and id, and finds a store’s dates by its index', async () => {
    const insert = (store: string, id: string) =>
      db.query(
        `INSERT INTO x_report (store_id, terminal_id, x_id, business_date, from_at, taken_at, taken_by, currency, sales_count, gross, discounts, refunds, net, tax, report)
         VALUES ($1, 'T1', $2, '2026-12-01', NULL, '2026-12-01T07:30:00Z', 'U1', 'CNY', 3, 12000, 500, 0, 11500, 1323, '{"kind":"x"}')`,
        [store, id],
      );
    await insert('S1', 'X1');
    await expect(insert('S1', 'X1')).rejects.toThrow(/unique|duplicate/);
    await insert('S2', 'X1');
    await db.query('SET enable_seqscan = off');
    const plan = (await db.query(`EXPLAIN SELECT * FROM x_report WHERE store_id = 'S1' AND business_date BETWEEN '2026-12-01' AND '2026-12-02'`)).rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/x_report_by_date|x_report_pkey/);
  });
});
