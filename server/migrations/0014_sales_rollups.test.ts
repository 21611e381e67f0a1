import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool, type Db } from '../database';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { salesByHour, salesByHourFromSales, topSellersFromLines, topSellersOf } from '../office/areas/dashboard';
import { factCells, factCellsFromSales } from '../office/figures';
import { connect, freshDatabase } from '../testing/postgres';

/** Cells with their tender maps made plain, in key order. */
const plain = (cells: Awaited<ReturnType<typeof factCells>>) =>
  cells
    .map((c) => ({ ...c, tenders: Object.fromEntries([...c.tenders].sort(([a], [b]) => a.localeCompare(b))) }))
    .sort((a, b) => `${a.storeId}/${a.businessDate}/${a.terminalId}`.localeCompare(`${b.storeId}/${b.businessDate}/${b.terminalId}`));

/** Its place in the list, found by name (a merge may renumber it). */
const AT = migrations.findIndex((m) => m.name === 'sales_rollups');

describe('sales_rollups migration', () => {
  let url: string;
  let db: Db;
  const stores = Array.from({ length: 7 }, (_, i) => `S${i}`);

  beforeAll(async () => {
    url = await freshDatabase();
    const c = await connect(url);
    try {
      await migrate(c, migrations.slice(0, AT));
      // Facts stored before the migration: 20,000 sales over 7 stores, 21 tills and 12 dates with one or two lines
      // (40 products) and a tender each (the kinds in turn), closing at every minute of the day (UTC); refunds of
      // 1 in 37 (some on another date than the sale); 1 in 101 voided.
      await c.query(
        `INSERT INTO sale (store_id, sale_id, terminal_id, receipt_no, business_date, opened_at, closed_at, currency, subtotal, discount_total, total, rounding, tax_total, change_given)
         SELECT 'S' || (i % 7), 'sale' || i, 'T' || (i % 21), i, date '2026-11-01' + (i % 12), now(), timestamptz '2026-11-01' + (i % 12) * interval '1 day' + (i % 1440) * interval '1 minute',
                'CNY', 1000 + i % 997, i % 13, 1000 + i % 997 - i % 13, -(i % 7), (1000 + i % 997) * 13 / 113, 0
           FROM generate_series(1, 20000) i`,
      );
      await c.query(
        `INSERT INTO sale_tender (store_id, tender_id, sale_id, terminal_id, business_date, seq, kind, amount, tendered, payment_id, merchant_discount)
         SELECT 'S' || (i % 7), 'tender' || i, 'sale' || i, 'T' || (i % 21), date '2026-11-01' + (i % 12), 1,
                (ARRAY['cash','wechat','alipay','unionpay','ecny'])[1 + i % 5], 1000 + i % 997 - i % 13 - i % 7, 1000 + i % 997, NULL, 0
           FROM generate_series(1, 20000) i`,
      );
      await c.query(
        `INSERT INTO sale_line (store_id, sale_id, line_no, product_id, sku, name, unit, quantity_milli, unit_price, gross, line_discount, order_discount, net, tax_rate_bp, business_date)
         SELECT 'S' || (i % 7), 'sale' || i, n, 'P' || ((i + n) % 40), 'P', 'product ' || ((i + n) % 40), 'each', 1000 * n, 500, 500 * n, 0, 0, 500 * n - i % 3, 1300,
                date '2026-11-01' + (i % 12)
           FROM generate_series(1, 20000) i CROSS JOIN generate_series(1, 1 + i % 2) n`,
      );
      await c.query(
        `INSERT INTO refund (store_id, refund_id, sale_id, terminal_id, business_date, kind, tender_kind, amount, wallet_amount, cash_amount, finished_at)
         SELECT 'S' || (i % 7), 'refund' || i, 'sale' || i, 'T' || (i % 21), date '2026-11-01' + ((i + i % 2) % 12),
                'cash', (ARRAY['cash','wechat','alipay','unionpay','ecny'])[1 + i % 5], 100 + i % 400, 0, 100 + i % 400, now()
           FROM generate_series(1, 20000) i WHERE i % 37 = 0`,
      );
      await c.query(
        `INSERT INTO sale_void (store_id, sale_id, terminal_id, voided_at, voided_by, reason)
         SELECT 'S' || (i % 7), 'sale' || i, 'T' || (i % 21), now(), NULL, 'restored' FROM generate_series(1, 20000) i WHERE i % 101 = 0`,
      );
      await c.query(`UPDATE sale s SET voided_at = v.voided_at FROM sale_void v WHERE v.store_id = s.store_id AND v.sale_id = s.sale_id`);
      await c.query(`UPDATE sale_tender t SET voided = true FROM sale_void v WHERE v.store_id = t.store_id AND v.sale_id = t.sale_id`);
      expect(await migrate(c, migrations.slice(0, AT + 1))).toEqual([AT + 1]);
      await c.query('VACUUM ANALYZE');
    } finally {
      await c.end();
    }
    db = openPool(url);
  });
  afterAll(() => db?.end());

  it('fills the rollups from the facts already stored, equal to them to the fen', async () => {
    const fromRollups = plain(await factCells(db, stores, '2026-11-01', '2026-11-12'));
    expect(fromRollups).toEqual(plain(await factCellsFromSales(db, stores, '2026-11-01', '2026-11-12')));
    expect(fromRollups.length).toBeGreaterThan(80);
    expect(fromRollups.reduce((n, c) => n + c.salesCount, 0)).toBe(20000 - Math.floor(20000 / 101));
    expect(fromRollups.reduce((n, c) => n + c.refundCount, 0)).toBe(Math.floor(20000 / 37));
    // Ranges with the week before them (overlapping when longer than a week), as the dashboard asks.
    for (const [from, to, compareFrom, compareTo] of [['2026-11-01', '2026-11-12', '2026-10-25', '2026-11-05'], ['2026-11-09', '2026-11-09', '2026-11-02', '2026-11-02']]) {
      for (const tz of ['Asia/Shanghai', 'America/New_York', 'Asia/Kathmandu']) {
        const [hours, compare] = await salesByHour(db, stores, { from: from!, to: to! }, { from: compareFrom!, to: compareTo! }, tz);
        expect(Object.fromEntries(hours), tz).toEqual(Object.fromEntries(await salesByHourFromSales(db, stores, from!, to!, tz)));
        expect(Object.fromEntries(compare), tz).toEqual(Object.fromEntries(await salesByHourFromSales(db, stores, compareFrom!, compareTo!, tz)));
        expect([...compare.values()].some((h) => h.n > 0)).toBe(true);
      }
      expect((await topSellersOf(db, stores.slice(2, 5), from!, to!)).map(({ productId, quantityMilli, net }) => ({ productId, quantityMilli, net }))).toEqual(
        await topSellersFromLines(db, stores.slice(2, 5), from!, to!),
      );
    }
  });

  it('drops the lines’ date index, which no query reads any more', async () => {
    const { rows } = await db.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'sale_line' ORDER BY indexname`);
    expect(rows.map((r) => r.indexname)).toEqual(['sale_line_pkey']);
  });

  it('keeps store_id first in every key of the new tables', async () => {
    const { rows } = await db.query<{ table_name: string; columns: string[] }>(
      `SELECT c.conrelid::regclass::text AS table_name, array_agg(a.attname::text ORDER BY k.ord) AS columns
         FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
        WHERE c.contype IN ('p', 'u') AND c.conrelid::regclass::text IN ('sale_till_day', 'sale_tender_till_day', 'sale_hour_till_day', 'sale_product_day')
        GROUP BY c.conrelid, c.conname ORDER BY 1`,
    );
    expect(rows.map((r) => [r.table_name, r.columns[0]])).toEqual([
      ['sale_hour_till_day', 'store_id'],
      ['sale_product_day', 'store_id'],
      ['sale_tender_till_day', 'store_id'],
      ['sale_till_day', 'store_id'],
    ]);
  });

  it('reads a chain’s range from the rollups’ keys', async () => {
    const c = await connect(url);
    try {
      // The tables here are small enough for a sequential scan: the key is what a big chain's range is read by.
      await c.query('SET enable_seqscan = off');
      for (const table of ['sale_till_day', 'sale_tender_till_day', 'sale_hour_till_day', 'sale_product_day']) {
        const plan = ((await c.query(`EXPLAIN SELECT * FROM ${table} WHERE store_id = ANY(ARRAY['S1','S2']) AND business_date BETWEEN '2026-11-03' AND '2026-11-04'`)).rows as { 'QUERY PLAN': string }[])
          .map((r) => r['QUERY PLAN'])
          .join('\n');
        expect(plan).toMatch(new RegExp(`${table}_pkey`));
      }
    } finally {
      await c.end();
    }
  });
});
