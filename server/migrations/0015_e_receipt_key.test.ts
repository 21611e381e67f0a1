import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { connect, freshDatabase } from '../testing/postgres';

/** Its place in the list, found by name (a merge may renumber it). */
const AT = migrations.findIndex((m) => m.name === 'e_receipt_key');

describe('0015_e_receipt_key', () => {
  let db: pg.Client;
  const indexes = async () =>
    (await db.query<{ indexname: string; indexdef: string }>(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'e_receipt' ORDER BY indexname`)).rows;

  beforeAll(async () => {
    db = await connect(await freshDatabase());
    await migrate(db, migrations.slice(0, AT));
    // Receipts stored before: two stores, one token held by both (a till copying another store's).
    await db.query(
      `INSERT INTO e_receipt (store_id, token, sale_id, closed_at)
       SELECT 'S' || (i % 3), lpad(i::text, 22, 'A'), 'SALE' || i, now() FROM generate_series(1, 3000) i`,
    );
    await db.query(`INSERT INTO e_receipt (store_id, token, sale_id, closed_at) VALUES ('S9', lpad('7', 22, 'A'), 'COPY', now())`);
  });
  afterAll(() => db.end());

  it('keeps every receipt under one key (token, store_id) in place of two indexes', async () => {
    expect((await indexes()).map((i) => i.indexname)).toEqual(['e_receipt_by_token', 'e_receipt_pkey']);
    expect(await migrate(db, migrations.slice(0, AT + 1))).toEqual([AT + 1]);
    const after = await indexes();
    expect(after).toHaveLength(1);
    expect(after[0]!.indexdef).toMatch(/^CREATE UNIQUE INDEX e_receipt_pkey ON public\.e_receipt USING btree \(token, store_id\)$/);
    expect((await db.query(`SELECT count(*)::int AS n FROM e_receipt`)).rows).toEqual([{ n: 3001 }]);
  });

  it('finds a token by the key, both stores that hold it, and the upload’s ON CONFLICT (store_id, token) still stores a token once per store', async () => {
    await db.query('ANALYZE e_receipt');
    const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT store_id, sale_id, closed_at FROM e_receipt WHERE token = $1 LIMIT 2`, [lpad7()])).rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/(Index Scan using|Bitmap Index Scan on) e_receipt_pkey/);
    expect(plan).not.toMatch(/Seq Scan/);
    expect((await db.query(`SELECT store_id FROM e_receipt WHERE token = $1 ORDER BY store_id`, [lpad7()])).rows).toEqual([{ store_id: 'S1' }, { store_id: 'S9' }]);

    const insert = (store: string, sale: string) =>
      db.query(`INSERT INTO e_receipt (store_id, token, sale_id, closed_at) VALUES ($1, $2, $3, now()) ON CONFLICT (store_id, token) DO NOTHING`, [store, lpad7(), sale]);
    expect((await insert('S1', 'AGAIN')).rowCount).toBe(0);
    expect((await insert('S2', 'NEW')).rowCount).toBe(1);
    await expect(db.query(`INSERT INTO e_receipt (store_id, token, sale_id, closed_at) VALUES ('S1', $1, 'DUP', now())`, [lpad7()])).rejects.toThrow(/unique|duplicate/);
    await expect(db.query(`INSERT INTO e_receipt (store_id, token, sale_id, closed_at) VALUES ('S1', 'short', 'BAD', now())`)).rejects.toThrow(/check/);
  });
});

const lpad7 = () => '7'.padStart(22, 'A');
