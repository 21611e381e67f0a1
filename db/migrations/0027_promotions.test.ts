import { describe, expect, it } from 'vitest';
import { atVersion } from './testing';

const AT = '2026-12-05T10:00:00.000Z';
const insertPromotion = (db: ReturnType<typeof atVersion>, id: string, kind: string, rule: unknown, dates: [string | null, string | null] = [null, null]) =>
  db
    .prepare('INSERT INTO promotion (id, name, kind, rule, start_date, end_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(id, '第二件半价', kind, JSON.stringify(rule), dates[0], dates[1], AT, AT);

describe('0027_promotions', () => {
  it('keeps a promotion whose rule is JSON of its own kind, within ordered dates', () => {
    const db = atVersion(27);
    insertPromotion(db, 'P1', 'nth_item', { kind: 'nth_item', productId: 'A', nth: 2, discount: { kind: 'percent_off', basisPoints: 5000 } }, ['2026-12-01', '2026-12-31']);
    expect(db.prepare("SELECT json_extract(rule, '$.nth') FROM promotion").pluck().get()).toBe(2);
    expect(() => insertPromotion(db, 'P2', 'bundle', { kind: 'nth_item' })).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO promotion (id, name, kind, rule, created_at, updated_at) VALUES ('P3', 'x', 'special', 'not json', ?, ?)").run(AT, AT)).toThrow(/CHECK/);
    expect(() => insertPromotion(db, 'P4', 'special', { kind: 'special' }, ['2026-12-31', '2026-12-01'])).toThrow(/CHECK/);
    expect(() => insertPromotion(db, 'P5', 'member_price', { kind: 'member_price' })).toThrow(/CHECK/);
  });

  it('gives products an optional, non-negative member price', () => {
    const db = atVersion(27);
    const product = db.prepare("INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, pinyin_initials, member_price, created_at, updated_at) VALUES (?, ?, 'x', 500, 1300, 'each', 'x', ?, ?, ?)");
    product.run('A', 'A', 450, AT, AT);
    product.run('B', 'B', null, AT, AT);
    expect(db.prepare('SELECT id, member_price FROM product ORDER BY id').all()).toEqual([
      { id: 'A', member_price: 450 },
      { id: 'B', member_price: null },
    ]);
    expect(() => product.run('C', 'C', -1, AT, AT)).toThrow(/CHECK/);
  });

  it('records a sale line’s promotions against an existing line, with a positive saving', () => {
    const db = atVersion(27);
    db.prepare("INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, pinyin_initials, created_at, updated_at) VALUES ('A', 'A', 'x', 500, 1300, 'each', 'x', ?, ?)").run(AT, AT);
    db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at) VALUES ('S', 'T', 'open', 'CNY', ?)").run(AT);
    db.prepare(
      "INSERT INTO sale_line (sale_id, line_no, line_id, product_id, sku, name, unit, quantity_milli, unit_price, gross, line_discount, order_discount, net, tax_rate_bp) VALUES ('S', 1, 'L', 'A', 'A', 'x', 'each', 2000, 500, 1000, 0, 0, 750, 1300)",
    ).run();
    const row = db.prepare('INSERT INTO sale_line_promotion (sale_id, line_no, promotion_id, name, kind, saving) VALUES (?, ?, ?, ?, ?, ?)');
    row.run('S', 1, 'P1', '第二件半价', 'nth_item', 250);
    expect(() => row.run('S', 2, 'P1', '第二件半价', 'nth_item', 250)).toThrow(/FOREIGN KEY/);
    expect(() => row.run('S', 1, 'P2', '满减', 'spend_save', 0)).toThrow(/CHECK/);
    expect(() => row.run('S', 1, 'P3', 'x', 'coupon', 10)).toThrow(/CHECK/);
  });
});
