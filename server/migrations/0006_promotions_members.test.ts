import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { connect, freshDatabase } from '../testing/postgres';

describe('0006_promotions_members', () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = await connect(await freshDatabase());
    await migrate(db, migrations.slice(0, 5));
    await db.query(`INSERT INTO product (store_id, product_id, sku, name, price, tax_rate_bp, unit, version) VALUES ('S', 'P1', '1', '茶', 650, 1300, 'each', 1)`);
    expect(await migrate(db, migrations.slice(0, 6))).toEqual([6]);
  });
  afterAll(() => db.end());

  it('leaves products made before it without a member price', async () => {
    expect((await db.query(`SELECT member_price FROM product`)).rows).toEqual([{ member_price: null }]);
  });

  it('keeps a promotion whose rule is of its own kind, within ordered dates, and a member’s phone a mainland mobile or none once anonymised', async () => {
    const promotion = (id: string, kind: string, rule: unknown, dates: [string | null, string | null] = [null, null]) =>
      db.query(`INSERT INTO promotion (store_id, promotion_id, name, kind, rule, start_date, end_date, version) VALUES ('S', $1, '促销', $2, $3, $4, $5, 1)`, [id, kind, JSON.stringify(rule), ...dates]);
    await promotion('A', 'special', { kind: 'special', productId: 'P1', price: 500 });
    await expect(promotion('B', 'bundle', { kind: 'special' })).rejects.toThrow(/check constraint/);
    await expect(promotion('C', 'special', { kind: 'special' }, ['2026-12-31', '2026-12-01'])).rejects.toThrow(/check constraint/);
    const member = (id: string, phone: string | null, anonymisedAt: string | null) =>
      db.query(`INSERT INTO member (store_id, member_id, phone, code, created_at, created_by_terminal, anonymised_at, version) VALUES ('S', $1, $2, 'CODE0001', now(), 'T', $3, 1)`, [id, phone, anonymisedAt]);
    await member('M1', '13812345678', null);
    await member('M2', null, '2026-12-05T00:00:00Z');
    await expect(member('M3', '1381234567', null)).rejects.toThrow(/check constraint/);
    await expect(member('M4', null, null)).rejects.toThrow(/check constraint/);
  });
});
