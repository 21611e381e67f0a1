import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import {
  adjustStock,
  countProducts,
  ensureCategory,
  findProductByBarcode,
  findProductById,
  findProductByPlu,
  findProductBySku,
  insertProduct,
  listActiveProductsForSearch,
  listCategories,
  listProducts,
  listProductPage,
  listProductsByCategory,
  listStockMovements,
  readBarcodeOwners,
  readPluOwners,
  searchInactiveProducts,
  setProductActive,
  setProductBarcodes,
  updateProduct,
  type NewProductRow,
} from './catalog';

const NOW = '2026-03-01T08:00:00.000Z';
const LATER = '2026-03-02T08:00:00.000Z';

function freshDb() {
  const db = new Sqlite(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations);
  return db;
}

function product(fields: Partial<NewProductRow> = {}): NewProductRow {
  return {
    id: 'P1',
    sku: 'DR0001',
    name: '可口可乐 330ml',
    name_en: 'Coca-Cola 330ml',
    price: 300,
    tax_rate_bp: 1300,
    unit: 'each',
    category_id: null,
    active: 1,
    pinyin_initials: 'kkkl330ml',
    plu: null,
    created_at: NOW,
    updated_at: NOW,
    ...fields,
  };
}

function seeded() {
  const db = freshDb();
  const drinks = ensureCategory(db, '饮料', 'C1');
  const fruit = ensureCategory(db, '水果', 'C2');
  insertProduct(db, product({ category_id: drinks }));
  insertProduct(db, product({ id: 'P2', sku: 'DR0002', name: '农夫山泉 550ml', name_en: null, price: 200, pinyin_initials: 'nfsq550ml', category_id: drinks }));
  insertProduct(db, product({ id: 'P3', sku: 'WT0001', name: '苹果 红富士', price: 980, tax_rate_bp: 900, unit: 'kg', plu: '00001', pinyin_initials: 'pghfs', category_id: fruit }));
  insertProduct(db, product({ id: 'P4', sku: 'XX0001', name: '停售商品', active: 0, pinyin_initials: 'tssp' }));
  setProductBarcodes(db, 'P1', ['6901234567892', '0012345678905']);
  setProductBarcodes(db, 'P2', ['6921234567896']);
  return db;
}

describe('catalog queries', () => {
  it('inserts a product and finds it by id, SKU, barcode key and PLU, with category name and barcodes in order', () => {
    const db = seeded();
    const coke = findProductById(db, 'P1');
    expect(coke).toMatchObject({
      id: 'P1',
      sku: 'DR0001',
      name: '可口可乐 330ml',
      name_en: 'Coca-Cola 330ml',
      price: 300,
      tax_rate_bp: 1300,
      unit: 'each',
      stock_milli: 0,
      active: 1,
      category_name: '饮料',
      barcodes: ['6901234567892', '0012345678905'],
      plu: null,
    });
    expect(findProductBySku(db, 'DR0001')?.id).toBe('P1');
    expect(findProductByBarcode(db, '0012345678905')?.id).toBe('P1');
    expect(findProductByBarcode(db, '6921234567896')?.name).toBe('农夫山泉 550ml');
    expect(findProductByPlu(db, '00001')?.sku).toBe('WT0001');
    expect(findProductById(db, 'nope')).toBeNull();
    expect(findProductBySku(db, 'dr0001')).toBeNull();
    expect(findProductByBarcode(db, '6900000000000')).toBeNull();
    expect(findProductByPlu(db, '00002')).toBeNull();
  });

  it('updates the editable fields and the timestamp, not created_at or stock', () => {
    const db = seeded();
    const before = findProductById(db, 'P1')!;
    expect(updateProduct(db, 'P1', { ...before, price: 350, name_en: null, active: 0 }, LATER)).toBe(true);
    const after = findProductById(db, 'P1')!;
    expect(after).toMatchObject({ price: 350, name_en: null, active: 0, created_at: NOW, updated_at: LATER, stock_milli: 0 });
    expect(updateProduct(db, 'nope', before, LATER)).toBe(false);
  });

  it('replaces barcodes, and refuses one that another product holds', () => {
    const db = seeded();
    setProductBarcodes(db, 'P1', ['0012345678905']);
    expect(findProductById(db, 'P1')?.barcodes).toEqual(['0012345678905']);
    expect(findProductByBarcode(db, '6901234567892')).toBeNull();
    // In a transaction, as the import runs it: the refusal leaves P2's barcodes as they were.
    expect(() => db.transaction(() => setProductBarcodes(db, 'P2', ['0012345678905']))()).toThrow(/UNIQUE constraint failed/);
    expect(readBarcodeOwners(db)).toEqual(
      new Map([
        ['0012345678905', 'P1'],
        ['6921234567896', 'P2'],
      ]),
    );
    expect(readPluOwners(db)).toEqual(new Map([['00001', 'P3']]));
  });

  it('lists by category, all products, and the active ones for the search index', () => {
    const db = seeded();
    expect(listProductsByCategory(db, 'C1').map((p) => p.sku)).toEqual(['DR0002', 'DR0001']); // by name
    expect(listProductsByCategory(db, 'C1')[1]?.barcodes).toEqual(['6901234567892', '0012345678905']);
    expect(listProductsByCategory(db, null).map((p) => p.sku)).toEqual(['XX0001']);
    expect(listProductsByCategory(db, null, { activeOnly: true })).toEqual([]);
    expect(listProducts(db).map((p) => p.sku)).toEqual(['DR0001', 'DR0002', 'WT0001', 'XX0001']);
    const active = listActiveProductsForSearch(db);
    expect(active.map((p) => [p.sku, p.pinyin_initials, p.barcodes.length])).toEqual([
      ['DR0001', 'kkkl330ml', 2],
      ['DR0002', 'nfsq550ml', 1],
      ['WT0001', 'pghfs', 0],
    ]);
    expect(countProducts(db)).toBe(4);
    expect(countProducts(db, { activeOnly: true })).toBe(3);
  });

  it('moves stock with a movement row, inside the caller’s transaction only', () => {
    const db = seeded();
    expect(() => adjustStock(db, { productId: 'P1', deltaMilli: 24000, reason: 'import', ref: null, at: NOW })).toThrow(/transaction/);
    const stock = db.transaction(() => [
      adjustStock(db, { productId: 'P1', deltaMilli: 24000, reason: 'import', ref: 'csv:1', at: NOW }),
      adjustStock(db, { productId: 'P1', deltaMilli: -25000, reason: 'sale', ref: 'S1', at: LATER }),
      adjustStock(db, { productId: 'P1', deltaMilli: 0, reason: 'adjust', ref: null, at: LATER }),
    ])();
    expect(stock).toEqual([24000, -1000, -1000]);
    expect(findProductById(db, 'P1')?.stock_milli).toBe(-1000);
    const movements = listStockMovements(db, 'P1');
    expect(movements.map((m) => [m.delta_milli, m.reason, m.ref, m.at])).toEqual([
      [24000, 'import', 'csv:1', NOW],
      [-25000, 'sale', 'S1', LATER],
    ]);
    expect(movements[0]!.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(() => db.transaction(() => adjustStock(db, { productId: 'nope', deltaMilli: 1, reason: 'adjust', ref: null, at: NOW }))()).toThrow();
    // Stock is always the sum of its movements.
    expect(db.prepare("SELECT sum(delta_milli) FROM stock_movement WHERE product_id = 'P1'").pluck().get()).toBe(-1000);
  });

  it('creates a category once, after the last one', () => {
    const db = seeded();
    expect(ensureCategory(db, '饮料', 'C9')).toBe('C1');
    expect(ensureCategory(db, '日用', 'C3')).toBe('C3');
    expect(listCategories(db)).toEqual([
      { id: 'C1', name: '饮料', sort: 1 },
      { id: 'C2', name: '水果', sort: 2 },
      { id: 'C3', name: '日用', sort: 3 },
    ]);
  });
});

describe("the owner's product list (issue 16)", () => {
  /** 100,000 products in 40 categories, every tenth inactive, as a large shop's catalog. */
  function large() {
    const db = freshDb();
    const categories = Array.from({ length: 40 }, (_, i) => ensureCategory(db, `分类${i}`, `C${i}`));
    db.transaction(() => {
      for (let i = 0; i < 100_000; i++) {
        const sku = `SKU${String(i).padStart(6, '0')}`;
        insertProduct(db, product({ id: `P${i}`, sku, name: `商品${i}`, pinyin_initials: `sp${i}`, category_id: categories[i % 40]!, active: i % 10 === 0 ? 0 : 1 }));
      }
    })();
    return db;
  }

  it('pages by SKU with the total, by status and by category, with barcodes', () => {
    const db = seeded();
    setProductBarcodes(db, 'P2', ['6921168509256']);
    const all = listProductPage(db, { status: 'all', offset: 0, limit: 2 });
    expect(all.total).toBe(countProducts(db));
    expect(all.rows.map((r) => r.sku)).toEqual(['DR0001', 'DR0002']);
    expect(all.rows[1]!.barcodes).toEqual(['6921168509256']);
    expect(listProductPage(db, { status: 'all', offset: 1, limit: 1 }).rows.map((r) => r.sku)).toEqual(['DR0002']);
    setProductActive(db, 'P1', false, LATER);
    expect(listProductPage(db, { status: 'inactive', offset: 0, limit: 10 }).rows.map((r) => r.sku)).toEqual(['DR0001', 'XX0001']);
    expect(listProductPage(db, { status: 'active', categoryId: 'C1', offset: 0, limit: 10 }).rows.map((r) => r.sku)).toEqual(['DR0002']);
  });

  it('finds inactive products by name, pinyin initials, SKU or barcode, and treats % and _ as themselves', () => {
    const db = seeded();
    setProductBarcodes(db, 'P1', ['6901939621103']);
    setProductActive(db, 'P1', false, LATER);
    for (const text of ['可口', 'kkkl', 'dr0001']) expect(searchInactiveProducts(db, text, null, 10).map((r) => r.id), text).toEqual(['P1']);
    expect(searchInactiveProducts(db, 'COCA', null, 10).map((r) => r.id)).toEqual(['P1', 'P4']);
    expect(searchInactiveProducts(db, 'nothing', '6901939621103', 10).map((r) => r.id)).toEqual(['P1']);
    expect(searchInactiveProducts(db, '%', null, 10)).toEqual([]);
    expect(searchInactiveProducts(db, '农夫', null, 10)).toEqual([]); // active: the search index finds it
  });

  it('skips to a page of 100,000 products in an index alone (no sort of the whole table)', () => {
    const db = large();
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');
    // The page's rowids, as listProductPage selects them: from an index holding the SKU order, never a sort.
    for (const [where, index] of [['', 'product_sku'], ['WHERE p.active = 1', 'product_active_sku']] as const) {
      const text = plan(`SELECT p.rowid FROM product p ${where} ORDER BY p.sku LIMIT 50 OFFSET 90000`);
      expect(text).toContain(`COVERING INDEX ${index}`);
      expect(text).not.toContain('TEMP B-TREE');
    }
    const page = listProductPage(db, { status: 'active', offset: 89_950, limit: 50 });
    expect(page.total).toBe(90_000);
    expect(page.rows).toHaveLength(50);
    expect(page.rows.every((r) => r.active === 1)).toBe(true);
  });
});
