import type Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { atVersion } from './testing';

const NOW = '2026-01-01T00:00:00.000Z';

function insertProduct(db: Sqlite.Database, fields: Record<string, unknown> = {}) {
  const row = {
    id: 'P1',
    sku: 'DR0001',
    name: '可口可乐 330ml',
    name_en: 'Coca-Cola 330ml',
    price: 300,
    tax_rate_bp: 1300,
    unit: 'each',
    stock_milli: 0,
    category_id: null,
    active: 1,
    pinyin_initials: 'kkkl330ml',
    plu: null,
    created_at: NOW,
    updated_at: NOW,
    ...fields,
  };
  db.prepare(
    'INSERT INTO product (id, sku, name, name_en, price, tax_rate_bp, unit, stock_milli, category_id, active, pinyin_initials, plu, created_at, updated_at) ' +
      'VALUES (@id, @sku, @name, @name_en, @price, @tax_rate_bp, @unit, @stock_milli, @category_id, @active, @pinyin_initials, @plu, @created_at, @updated_at)',
  ).run(row);
}

function plan(db: Sqlite.Database, sql: string, ...params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('\n');
}

describe('0002_catalog', () => {
  it('applies on top of 0001 and adds the catalog tables', () => {
    const db = atVersion(2);
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['category', 'product', 'product_barcode', 'setting', 'stock_movement', 'terminal', 'terminal_start']);
  });

  it('takes a valid product, with barcodes and a category', () => {
    const db = atVersion(2);
    db.prepare("INSERT INTO category (id, name, sort) VALUES ('C1', '饮料', 1)").run();
    insertProduct(db, { category_id: 'C1' });
    db.prepare("INSERT INTO product_barcode (barcode, product_id) VALUES ('6901234567892', 'P1'), ('06789012345', 'P1')").run();
    expect(db.prepare('SELECT count(*) FROM product_barcode WHERE product_id = ?').pluck().get('P1')).toBe(2);
  });

  it.each([
    ['unit', { unit: 'box' }],
    ['negative price', { price: -1 }],
    ['tax above 100%', { tax_rate_bp: 10001 }],
    ['negative tax', { tax_rate_bp: -1 }],
    ['active not 0/1', { active: 2 }],
    ['empty name', { name: '  ' }],
    ['empty sku', { sku: '' }],
    ['upper-case initials', { pinyin_initials: 'KKKL' }],
    ['a 4-digit PLU', { plu: '0001' }],
  ])('refuses a product with a bad %s (CHECK)', (_what, fields) => {
    const db = atVersion(2);
    expect(() => insertProduct(db, fields)).toThrow(/CHECK constraint/);
  });

  it('is STRICT: a price that is not an integer is refused', () => {
    const db = atVersion(2);
    expect(() => insertProduct(db, { price: '¥3.00' })).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(() => insertProduct(db, { price: 3.5 })).toThrow(/cannot store REAL value in INTEGER column/);
  });

  it('lets stock go below zero (a till never refuses a sale for stock)', () => {
    const db = atVersion(2);
    insertProduct(db, { stock_milli: -3000 });
    expect(db.prepare('SELECT stock_milli FROM product').pluck().get()).toBe(-3000);
  });

  it('keeps SKU, PLU and barcode unique', () => {
    const db = atVersion(2);
    insertProduct(db, { plu: '00001' });
    expect(() => insertProduct(db, { id: 'P2', plu: null })).toThrow(/UNIQUE constraint failed: product.sku/);
    expect(() => insertProduct(db, { id: 'P2', sku: 'X', plu: '00001' })).toThrow(/UNIQUE constraint failed: product.plu/);
    insertProduct(db, { id: 'P2', sku: 'X' }); // many products without a PLU
    insertProduct(db, { id: 'P3', sku: 'Y' });
    db.prepare("INSERT INTO product_barcode (barcode, product_id) VALUES ('6901234567892', 'P1')").run();
    expect(() => db.prepare("INSERT INTO product_barcode (barcode, product_id) VALUES ('6901234567892', 'P2')").run()).toThrow(
      /UNIQUE constraint failed: product_barcode.barcode/,
    );
    expect(() => db.prepare("INSERT INTO category (id, name) VALUES ('C1', '饮料'), ('C2', '饮料')").run()).toThrow(/UNIQUE/);
  });

  it('stores barcodes only as 8–14 digits', () => {
    const db = atVersion(2);
    insertProduct(db);
    for (const bad of ['690123456789X', '1234567', '123456789012345', ' 6901234567892']) {
      expect(() => db.prepare('INSERT INTO product_barcode (barcode, product_id) VALUES (?, ?)').run(bad, 'P1')).toThrow(/CHECK constraint/);
    }
  });

  it('enforces foreign keys: category, barcode owner, movement product', () => {
    const db = atVersion(2);
    expect(() => insertProduct(db, { category_id: 'nope' })).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("INSERT INTO product_barcode (barcode, product_id) VALUES ('6901234567892', 'nope')").run()).toThrow(/FOREIGN KEY/);
    expect(() =>
      db.prepare("INSERT INTO stock_movement (id, product_id, delta_milli, reason, at) VALUES ('M1', 'nope', 1000, 'import', ?)").run(NOW),
    ).toThrow(/FOREIGN KEY/);
  });

  it('keeps stock movements append-only, with a known reason and a non-zero delta', () => {
    const db = atVersion(2);
    insertProduct(db);
    const add = db.prepare("INSERT INTO stock_movement (id, product_id, delta_milli, reason, ref, at) VALUES (?, 'P1', ?, ?, NULL, ?)");
    add.run('M1', -1000, 'sale', NOW);
    expect(() => add.run('M2', 1000, 'theft', NOW)).toThrow(/CHECK constraint/);
    expect(() => add.run('M3', 0, 'adjust', NOW)).toThrow(/CHECK constraint/);
    expect(() => db.prepare('UPDATE stock_movement SET delta_milli = 5').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM stock_movement').run()).toThrow(/append-only/);
    expect(db.prepare('SELECT delta_milli FROM stock_movement').pluck().all()).toEqual([-1000]);
  });

  it('answers the hot lookups by index (EXPLAIN QUERY PLAN)', () => {
    const db = atVersion(2);
    expect(plan(db, 'SELECT product_id FROM product_barcode WHERE barcode = ?', '6901234567892')).toMatch(/SEARCH product_barcode USING PRIMARY KEY \(barcode=\?\)/);
    expect(plan(db, 'SELECT * FROM product WHERE id = (SELECT product_id FROM product_barcode WHERE barcode = ?)', 'x')).not.toMatch(/SCAN/);
    expect(plan(db, 'SELECT * FROM product WHERE sku = ?', 'DR0001')).toMatch(/SEARCH product USING INDEX product_sku \(sku=\?\)/);
    expect(plan(db, 'SELECT * FROM product WHERE plu = ?', '00001')).toMatch(/SEARCH product USING INDEX product_plu \(plu=\?\)/);
    expect(plan(db, 'SELECT * FROM product WHERE category_id = ? ORDER BY name', 'C1')).toMatch(/SEARCH product USING INDEX product_category \(category_id=\?\)/);
    expect(plan(db, 'SELECT barcode FROM product_barcode WHERE product_id = ? ORDER BY position', 'P1')).toMatch(
      /SEARCH product_barcode USING (COVERING )?INDEX product_barcode_product \(product_id=\?\)/,
    );
  });
});
