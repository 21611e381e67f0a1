import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { connect, freshDatabase } from '../testing/postgres';

describe('0002_sale_void', () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = await connect(await freshDatabase());
    await migrate(db, migrations.slice(0, 1));
    await db.query(`INSERT INTO store (store_id, name) VALUES ('S', 'x')`);
    await db.query(
      `INSERT INTO sale (store_id, sale_id, terminal_id, receipt_no, business_date, opened_at, closed_at, currency, subtotal, discount_total, total, rounding, tax_total, change_given)
       VALUES ('S', 'SALE1', 'T', 1, '2026-12-01', now(), now(), 'CNY', 100, 0, 100, 0, 0, 0)`,
    );
    expect(await migrate(db, migrations.slice(0, 2))).toEqual([2]);
  });
  afterAll(() => db.end());

  it('leaves the sales stored before it counted (not voided), and keeps one void per sale of a store', async () => {
    expect((await db.query(`SELECT voided_at FROM sale`)).rows).toEqual([{ voided_at: null }]);
    await db.query(`INSERT INTO sale_void (store_id, sale_id, terminal_id, voided_at, reason) VALUES ('S', 'SALE1', 'T', now(), 'x')`);
    await expect(db.query(`INSERT INTO sale_void (store_id, sale_id, terminal_id, voided_at, reason) VALUES ('S', 'SALE1', 'T2', now(), 'y')`)).rejects.toThrow(/duplicate key/);
    await db.query(`INSERT INTO sale_void (store_id, sale_id, terminal_id, voided_at, reason) VALUES ('S2', 'SALE1', 'T', now(), 'x')`);
  });
});
