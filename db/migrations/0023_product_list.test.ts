import { describe, expect, it } from 'vitest';
import { atVersion, queryPlan } from './testing';

describe('0023 product list', () => {
  it('pages products of one status by SKU from the index alone, and counts them there', () => {
    const db = atVersion(23);
    const page = queryPlan(db, 'SELECT p.rowid FROM product p WHERE p.active = 1 ORDER BY p.sku LIMIT 50 OFFSET 1000');
    expect(page).toContain('COVERING INDEX product_active_sku');
    expect(page).not.toContain('TEMP B-TREE');
    expect(queryPlan(db, 'SELECT count(*) FROM product p WHERE p.active = 0')).toContain('COVERING INDEX product_active_sku');
  });

  it('keeps the products already there', () => {
    const before = atVersion(22);
    before
      .prepare("INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, pinyin_initials, created_at, updated_at) VALUES ('P1', 'A1', '甲', 100, 1300, 'each', 'j', 'x', 'x')")
      .run();
    expect(before.prepare('SELECT count(*) FROM product WHERE active = 1').pluck().get()).toBe(1);
  });
});
