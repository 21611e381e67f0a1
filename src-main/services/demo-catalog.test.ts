import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHED_LAYOUT, validateRetailBarcode } from '../../src-common/barcode';
import { migrate } from '../../db/migrate';
import { migrations } from '../../db/migrations';
import { countProducts, listProducts, listStockMovements } from '../../db/queries/catalog';
import { pinyinInitials } from './catalog-search';
import { demoCatalog, ean13, generateCatalogEntries, insertDemoCatalog } from './demo-catalog';
import { DEMO_PINYIN_INITIALS } from './demo-catalog-initials';

function freshDb() {
  const db = new Sqlite(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations);
  return db;
}

describe('demo catalog', () => {
  it("has every product's pinyin initials precomputed, equal to what pinyinInitials() computes", () => {
    const computed = demoCatalog().map((p) => [p.name, pinyinInitials(p.name)] as const);
    const table = computed.map(([name, initials]) => `  [${JSON.stringify(name)}, ${JSON.stringify(initials)}],`).join('\n');
    const stored = [...DEMO_PINYIN_INITIALS];
    // On a difference, paste the table printed here into demo-catalog-initials.ts.
    if (JSON.stringify(stored) !== JSON.stringify(computed)) process.stderr.write(`demo-catalog-initials.ts should be:\n${table}\n`);
    expect(stored).toEqual(computed);
  });

  const demo = demoCatalog();

  it('has 300+ products with unique SKUs, plausible prices and tax rates', () => {
    expect(demo.length).toBeGreaterThanOrEqual(300);
    expect(new Set(demo.map((p) => p.sku)).size).toBe(demo.length);
    expect(new Set(demo.map((p) => p.name)).size).toBe(demo.length);
    for (const p of demo) {
      expect(Number.isSafeInteger(p.price) && p.price > 0 && p.price < 100_000, p.name).toBe(true);
      expect([900, 1300], p.name).toContain(p.taxRateBp);
      expect(p.stockMilli, p.name).toBeGreaterThan(0);
    }
    const find = (name: string) => demo.find((p) => p.name === name)!;
    expect(find('可口可乐 330ml')).toMatchObject({ price: 300, taxRateBp: 1300, unit: 'each', category: '饮料' });
    expect(find('农夫山泉 550ml')).toMatchObject({ price: 200, taxRateBp: 1300 });
    expect(find('蒙牛纯牛奶 250ml').taxRateBp).toBe(900); // plain milk
    expect(find('伊利安慕希 原味 205g').taxRateBp).toBe(1300); // yoghurt
    expect(find('苹果 红富士')).toMatchObject({ price: 980, taxRateBp: 900, unit: 'kg', plu: '00001', barcodes: [] });
    expect(demo.filter((p) => p.nameEn !== null).length / demo.length).toBeGreaterThan(0.9);
  });

  it('gives every packaged product valid, unique Chinese EAN-13 barcodes', () => {
    const all = demo.flatMap((p) => p.barcodes);
    expect(new Set(all).size).toBe(all.length);
    for (const p of demo.filter((x) => x.unit === 'each')) {
      expect(p.barcodes.length, p.name).toBeGreaterThanOrEqual(1);
      for (const code of p.barcodes) {
        expect(validateRetailBarcode(code), code).toEqual({ ok: true, symbology: 'ean13', key: code });
        expect(code).toMatch(/^69[0-7]/);
      }
    }
    expect(demo.some((p) => p.barcodes.length > 1)).toBe(true);
    expect(ean13('6901234', '56789')).toBe('6901234567892');
  });

  it('sells loose goods by the kilogram under 5-digit PLUs a scale label can carry', () => {
    const weighed = demo.filter((p) => p.unit === 'kg');
    expect(weighed.length).toBeGreaterThanOrEqual(20);
    expect(new Set(weighed.map((p) => p.plu)).size).toBe(weighed.length);
    for (const p of weighed) {
      expect(p.plu).toMatch(/^\d{5}$/);
      expect(p.plu!.length).toBe(DEFAULT_WEIGHED_LAYOUT.pluLength);
    }
    expect(demo.filter((p) => p.unit === 'each').every((p) => p.plu === null)).toBe(true);
  });

  it('is the same on every call (no randomness)', () => {
    expect(JSON.stringify(demoCatalog())).toBe(JSON.stringify(demo));
    expect(JSON.stringify(generateCatalogEntries(500))).toBe(JSON.stringify(generateCatalogEntries(500)));
  });

  it('is written in one go into an empty catalog, stock as import movements', () => {
    const db = freshDb();
    const now = new Date('2026-03-01T08:00:00.000Z');
    expect(db.transaction(() => insertDemoCatalog(db, now))()).toBe(demo.length);
    expect(countProducts(db, { activeOnly: true })).toBe(demo.length);
    expect(db.transaction(() => insertDemoCatalog(db, now))()).toBe(0);
    const products = listProducts(db);
    const coke = products.find((p) => p.name === '可口可乐 330ml')!;
    expect(coke.pinyin_initials).toBe('kkkl330ml');
    expect(listStockMovements(db, coke.id).map((m) => [m.delta_milli, m.reason, m.ref])).toEqual([[coke.stock_milli, 'import', 'demo']]);
  });

  it('generates large catalogs for the benchmark from the demo, with unique SKUs and barcodes', () => {
    const entries = generateCatalogEntries(20_000);
    expect(entries).toHaveLength(20_000);
    expect(new Set(entries.map((e) => e.product.sku)).size).toBe(20_000);
    const codes = entries.flatMap((e) => e.product.barcodes);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes.slice(-50)) expect(validateRetailBarcode(code).ok).toBe(true);
    expect(entries[demo.length]!.product.name).toBe(`${demo[0]!.name} 家庭装`);
    expect(entries[demo.length]!.pinyinInitials).toBe('kkkl330mljtz');
  });
});
