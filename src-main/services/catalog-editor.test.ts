import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ProductInput } from '../../src-common/calls/catalog';
import type { ApiError } from '../../src-common/errors';
import { openDatabase } from '../../db/open';
import type { Clock } from '../clock';
import { createAuditService, verifyAuditChain } from './audit';
import { createCatalogService } from './catalog';
import { previewCatalogCsv } from './catalog-csv';
import { createCatalogEditor } from './catalog-editor';

const clock: Clock = { now: () => new Date('2026-03-01T08:00:00.000Z') };
const owner = { role: 'owner' as const, userId: 'U-OWNER' };

/** The editor on a real SQLite file, with the catalog's own search index. */
function start(rates: number[] = []) {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'pos-catalog-editor-')), 'pos.sqlite'));
  const audit = createAuditService({ db, clock });
  const catalog = createCatalogService({ db, clock, log: pino({ level: 'silent' }) });
  const editor = createCatalogEditor({ db, clock, audit, catalog, allowedTaxRatesBp: () => rates });
  return { db, catalog, editor };
}

const apple: ProductInput = {
  sku: 'FR0001',
  name: '红富士苹果',
  nameEn: 'Fuji apple',
  price: 1290,
  taxRateBp: 900,
  unit: 'kg',
  plu: '123',
  categoryId: null,
  barcodes: [],
};
const water: ProductInput = { ...apple, sku: 'DR0100', name: '农夫山泉 550ml', nameEn: null, price: 200, taxRateBp: 1300, unit: 'each', plu: null, barcodes: ['6921168509256'] };

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected a refusal');
}

describe('the owner’s product editor', () => {
  it('adds a product with pinyin initials and a zero-padded PLU, finds it by initials, and audits it in the same transaction', async () => {
    const { db, catalog, editor } = start();
    const added = await editor.save(undefined, apple, owner);
    expect(added).toMatchObject({ sku: 'FR0001', name: '红富士苹果', price: 1290, unit: 'kg', plu: '00123', active: true, stockMilli: 0 });
    expect(db.prepare('SELECT pinyin_initials FROM product WHERE id = ?').pluck().get(added.id)).toBe('hfspg');
    expect((await catalog.search('hfs'))[0]?.id).toBe(added.id);
    expect(catalog.lookupPlu('123')?.id).toBe(added.id);
    const rows = db.prepare('SELECT action, subject, details FROM audit_log').all() as { action: string; subject: string; details: string }[];
    expect(rows).toEqual([{ action: 'catalog.addProduct', subject: added.id, details: expect.stringContaining('"price":1290') }]);
    expect(verifyAuditChain(db).ok).toBe(true);
  });

  it('changes a price: the till’s lookup and the search give the new price, the audit says from and to', async () => {
    const { db, catalog, editor } = start();
    const added = await editor.save(undefined, water, owner);
    const changed = await editor.save(added.id, { ...water, price: 250 }, owner);
    expect(changed.price).toBe(250);
    expect(catalog.lookupBarcode('6921168509256')?.price).toBe(250);
    expect((await catalog.search('nfsq'))[0]?.price).toBe(250);
    const last = db.prepare("SELECT details FROM audit_log WHERE action = 'catalog.updateProduct'").pluck().get() as string;
    expect(JSON.parse(last)).toMatchObject({ changed: ['price'], priceFrom: 200, priceTo: 250 });
    // Saving the same thing again changes nothing and writes no audit row.
    await editor.save(added.id, { ...water, price: 250 }, owner);
    expect(db.prepare("SELECT count(*) FROM audit_log WHERE action = 'catalog.updateProduct'").pluck().get()).toBe(1);
  });

  it('canonicalises barcodes (a UPC-E finds its UPC-A) and refuses one another product carries, naming that product', async () => {
    const { db, editor, catalog } = start();
    const cola = await editor.save(undefined, { ...water, sku: 'DR0200', name: '可口可乐 355ml', barcodes: ['042100005264'] }, owner);
    expect(cola.barcodes).toEqual(['042100005264']);
    expect(catalog.lookupBarcode('04252614')?.id).toBe(cola.id);
    const error = await refusal(editor.save(undefined, { ...water, barcodes: ['04252614'] }, owner));
    expect(error).toMatchObject({ code: 'conflict', details: { reason: 'barcode_taken', productName: '可口可乐 355ml', sku: 'DR0200' } });
    expect(error.message).toContain('可口可乐 355ml');
    // Nothing of the refused product was written.
    expect(db.prepare("SELECT count(*) FROM product WHERE sku = 'DR0100'").pluck().get()).toBe(0);
    expect(await refusal(editor.save(undefined, { ...water, barcodes: ['6921168509257'] }, owner))).toMatchObject({ code: 'validation_failed', details: { reason: 'bad_barcode' } });
    // An in-store code the scales print is not a product barcode.
    expect(await refusal(editor.save(undefined, { ...water, barcodes: ['2000123012347'] }, owner))).toMatchObject({ details: { reason: 'bad_barcode' } });
  });

  it('refuses a SKU or PLU of another product and a rate the shop does not use', async () => {
    const { editor } = start([0, 900, 1300]);
    await editor.save(undefined, apple, owner);
    expect(await refusal(editor.save(undefined, { ...water, sku: 'FR0001' }, owner))).toMatchObject({ code: 'conflict', details: { reason: 'sku_taken', productName: '红富士苹果' } });
    expect(await refusal(editor.save(undefined, { ...apple, sku: 'FR0002', plu: '00123' }, owner))).toMatchObject({ code: 'conflict', details: { reason: 'plu_taken' } });
    expect(await refusal(editor.save(undefined, { ...water, taxRateBp: 600 }, owner))).toMatchObject({ details: { reason: 'tax_rate_not_allowed' } });
  });

  it('deactivates (never deletes) and reactivates; the list filters by status and searches inactive products too', async () => {
    const { editor, catalog } = start();
    const added = await editor.save(undefined, water, owner);
    await editor.save(undefined, apple, owner);
    const off = await editor.setActive(added.id, false, owner);
    expect(off.active).toBe(false);
    expect(await catalog.search('nfsq')).toEqual([]);
    expect((await editor.list({ status: 'inactive' })).products.map((p) => p.sku)).toEqual(['DR0100']);
    expect((await editor.list({ status: 'active' })).products.map((p) => p.sku)).toEqual(['FR0001']);
    expect((await editor.list({ query: 'nfsq' })).products.map((p) => p.sku)).toEqual(['DR0100']);
    expect((await editor.list({ query: '6921168509256', status: 'all' })).products.map((p) => p.sku)).toEqual(['DR0100']);
    expect((await editor.setActive(added.id, true, owner)).active).toBe(true);
    expect((await catalog.search('nfsq'))[0]?.id).toBe(added.id);
  });

  it('keeps categories: add after the last, rename, reorder with every one given once', async () => {
    const { editor } = start();
    const drinks = editor.addCategory('饮料', owner);
    const fruit = editor.addCategory('水果', owner);
    expect(editor.categories().map((c) => c.name)).toEqual(['饮料', '水果']);
    expect(() => editor.addCategory('水果', owner)).toThrow(expect.objectContaining({ details: expect.objectContaining({ reason: 'category_exists' }) }));
    expect(editor.renameCategory(fruit.id, '生鲜水果', owner).name).toBe('生鲜水果');
    expect(editor.reorderCategories([fruit.id, drinks.id], owner).map((c) => c.name)).toEqual(['生鲜水果', '饮料']);
    expect(() => editor.reorderCategories([fruit.id], owner)).toThrow(expect.objectContaining({ details: expect.objectContaining({ reason: 'category_order_incomplete' }) }));
    await editor.save(undefined, { ...apple, categoryId: fruit.id }, owner);
    expect(editor.categories().find((c) => c.id === fruit.id)?.products).toBe(1);
    expect((await editor.list({ categoryId: fruit.id })).products.map((p) => p.sku)).toEqual(['FR0001']);
  });

  it('pages the catalog by SKU with the total', async () => {
    const { editor } = start();
    for (let i = 0; i < 7; i++) await editor.save(undefined, { ...water, sku: `SKU${i}`, name: `商品${i}`, barcodes: [] }, owner);
    const page = await editor.list({ offset: 5, limit: 5 });
    expect(page).toMatchObject({ total: 7, offset: 5 });
    expect(page.products.map((p) => p.sku)).toEqual(['SKU5', 'SKU6']);
  });
});

describe('a catalog CSV preview', () => {
  it('counts what would be added and changed and names each bad row, writing nothing', async () => {
    const { db, editor } = start();
    await editor.save(undefined, water, owner);
    const csv = [
      'sku,barcodes,name,price,tax_rate,unit',
      'DR0100,6921168509256,农夫山泉 550ml,2.50,13%,each',
      'NEW001,,新品一,3.00,13%,each',
      'NEW002,,新品二,3.999,13%,each',
      'NEW003,6921168509256,新品三,1.00,13%,each',
    ].join('\n');
    const before = db.prepare('SELECT count(*) FROM product').pluck().get();
    const preview = previewCatalogCsv(db, csv, { now: clock.now() });
    expect(preview).toMatchObject({ inserted: 1, updated: 1, unchanged: 0 });
    expect(preview.skipped.map((s) => [s.line, s.code])).toEqual([
      [4, 'bad_price'],
      [5, 'duplicate_barcode'],
    ]);
    expect(db.prepare('SELECT count(*) FROM product').pluck().get()).toBe(before);
    expect(db.prepare("SELECT price FROM product WHERE sku = 'DR0100'").pluck().get()).toBe(200);
  });
});
