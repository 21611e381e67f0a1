import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { connect, freshDatabase } from '../testing/postgres';

describe('0008_catalog', () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = await connect(await freshDatabase());
    await migrate(db, migrations.slice(0, 7));
    await db.query(`INSERT INTO terminal (store_id, terminal_id, name, app_version, credential_hash) VALUES ('S', 'T', 'x', '0.1.0', 'h')`);
    await db.query(
      `INSERT INTO product (store_id, product_id, sku, name, price, tax_rate_bp, unit, active, version)
       VALUES ('S', 'P1', 'A-1', '可乐', 350, 1300, 'each', true, 1), ('S', 'P2', 'A-2', '旧货', 99, 600, 'each', false, 2)`,
    );
    expect(await migrate(db, migrations.slice(0, 8))).toEqual([8]);
  });
  afterAll(() => db.end());

  it('takes what each store had as the chain’s, with no override, so what the tills sell does not change', async () => {
    const { rows } = await db.query(
      `SELECT product_id, price, active, chain_price, override_price, chain_active, store_active, version FROM product ORDER BY product_id`,
    );
    expect(rows).toEqual([
      { product_id: 'P1', price: '350', active: true, chain_price: '350', override_price: null, chain_active: true, store_active: true, version: '1' },
      { product_id: 'P2', price: '99', active: false, chain_price: '99', override_price: null, chain_active: false, store_active: true, version: '2' },
    ]);
  });

  it('knows no till’s pulled version until it pulls', async () => {
    expect((await db.query(`SELECT pulled_version, pulled_at FROM terminal`)).rows).toEqual([{ pulled_version: null, pulled_at: null }]);
  });

  it('refuses a negative price of either kind', async () => {
    await expect(db.query(`UPDATE product SET override_price = -1 WHERE product_id = 'P1'`)).rejects.toThrow(/check constraint/);
    await expect(db.query(`UPDATE product SET chain_price = -1 WHERE product_id = 'P1'`)).rejects.toThrow(/check constraint/);
  });
});
