import { exportCatalogCsv } from './catalog-csv';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { adjustStock } from '../../db/queries/catalog';
import { PosError } from '../../src-common/errors';
import type { Clock } from '../clock';
import { Product, createCatalogService } from './catalog';
import { demoCatalog } from './demo-catalog';

const clock: Clock = { now: () => new Date('2026-03-01T08:00:00.000Z') };
const log = pino({ level: 'silent' });
const HEADER = 'sku,barcodes,name,name_en,price,tax_rate,unit,stock,category,active,plu';

/** The service on a real SQLite file, as the terminal runs it. */
function start() {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'pos-catalog-')), 'pos.sqlite'));
  return { db, catalog: createCatalogService({ db, clock, log }) };
}

describe('catalog service', () => {
  it('loads the demo catalog once, into an empty catalog only', async () => {
    const { catalog } = start();
    expect(catalog.count()).toBe(0);
    expect((await catalog.search('kkkl'))).toEqual([]);
    const loaded = catalog.loadDemoIfEmpty();
    expect(loaded).toBe(demoCatalog().length);
    expect(loaded).toBeGreaterThanOrEqual(300);
    expect(catalog.count()).toBe(loaded);
    expect(catalog.loadDemoIfEmpty()).toBe(0);
    expect(catalog.count()).toBe(loaded);
    // The index was rebuilt: typing the initials finds it.
    expect((await catalog.search('kkkl'))[0]?.name).toMatch(/^可口可乐 /);
  });

  it('builds the index on the core when the search worker fails at start-up, not when the terminal is stopping', async () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'pos-catalog-')), 'pos.sqlite'));
    createCatalogService({ db, clock, log }).loadDemoIfEmpty();
    const lines: { msg: string }[] = [];
    const heard = pino({ level: 'error' }, { write: (line: string) => lines.push(JSON.parse(line) as { msg: string }) });
    const searcherFailing = (error: Error) => ({
      rebuild: () => Promise.reject(error),
      search: () => Promise.reject(new Error('no worker')),
    });

    const failed = createCatalogService({ db, clock, log: heard, searcher: searcherFailing(new Error('worker crashed')) });
    await failed.whenIndexed();
    expect((await failed.search('kkkl'))[0]?.name).toMatch(/^可口可乐 /);
    expect(lines.map((l) => l.msg)).toEqual(['catalog search index not built by the search worker; building it on the core']);

    lines.length = 0;
    const stopping = createCatalogService({ db, clock, log: heard, searcher: searcherFailing(new PosError('unavailable', 'The terminal is stopping', { reason: 'stopping' })) });
    await stopping.whenIndexed();
    expect(await stopping.search('kkkl')).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('returns products in the API shape', async () => {
    const { catalog } = start();
    catalog.loadDemoIfEmpty();
    const coke = (await catalog.search('可口可乐 330ml'))[0]!;
    expect(Product.parse(coke)).toEqual(coke);
    expect(coke).toEqual({
      id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      sku: 'DR0001',
      name: '可口可乐 330ml',
      nameEn: 'Coca-Cola 330ml can',
      price: 300,
      taxRateBp: 1300,
      unit: 'each',
      stockMilli: expect.any(Number),
      categoryId: expect.any(String),
      categoryName: '饮料',
      active: true,
      barcodes: [expect.stringMatching(/^69\d{11}$/)],
      plu: null,
    });
    expect(catalog.get(coke.id)).toEqual(coke);
    expect(catalog.lookupSku('DR0001')).toEqual(coke);
    expect(catalog.lookupBarcode(coke.barcodes[0]!)).toEqual(coke);
    expect(catalog.get('nope')).toBeNull();
  });

  it('looks up every retail symbology by its canonical key, and PLUs with or without leading zeros', async () => {
    const { catalog } = start();
    const result = catalog.importCsv(
      [
        HEADER,
        'US0001,012345678905,进口可乐,Imported Cola,6.00,13%,each,5,,1,',
        'US0002,04252614,进口口香糖,Imported Gum,9.90,13%,each,5,,1,',
        'EU0001,69012341,小包装纸巾,Mini Tissue,1.00,13%,each,5,,1,',
        'WT0001,,香蕉,Banana,6.98,9%,kg,20,,1,2',
      ].join('\n'),
    );
    expect(result).toMatchObject({ inserted: 4, skipped: [] });
    expect(catalog.lookupBarcode('012345678905')?.sku).toBe('US0001'); // UPC-A
    expect(catalog.lookupBarcode('0012345678905')?.sku).toBe('US0001'); // the same as EAN-13
    expect(catalog.lookupBarcode('04252614')?.sku).toBe('US0002'); // UPC-E
    expect(catalog.lookupBarcode('042100005264')?.sku).toBe('US0002'); // its UPC-A expansion
    expect(catalog.lookupBarcode(' 69012341\r')?.sku).toBe('EU0001'); // EAN-8, scanner suffix trimmed
    expect(catalog.lookupBarcode('6901234567893')).toBeNull(); // bad check digit
    expect(catalog.lookupBarcode('abc')).toBeNull();
    expect(catalog.lookupPlu('00002')?.sku).toBe('WT0001');
    expect(catalog.lookupPlu('2')?.sku).toBe('WT0001');
    expect(catalog.lookupPlu('00003')).toBeNull();
    expect(catalog.lookupPlu('x')).toBeNull();
    expect((await catalog.search('042100005264'))[0]?.sku).toBe('US0002');
    expect((await catalog.search('imported'))).toHaveLength(2);
    expect(catalog.get(catalog.lookupSku('US0001')!.id)?.barcodes).toEqual(['012345678905']);
  });

  it('keeps the search index in step with imports and shows stock as it is now', async () => {
    const { db, catalog } = start();
    catalog.loadDemoIfEmpty();
    expect((await catalog.search('新品'))).toEqual([]);
    catalog.importCsv(`${HEADER}\nNEW001,6930000000011,新品 薯片,New Chips,5.00,13%,each,10,零食,1,\nDR0001,,可口可乐 330ml,,3.50,13%,each,,饮料,0,\n`);
    expect((await catalog.search('新品')).map((p) => p.sku)).toEqual(['NEW001']);
    expect((await catalog.search('xp'))[0]?.sku).toBe('NEW001');
    expect((await catalog.search('6930000000011'))[0]?.sku).toBe('NEW001');
    // Deactivated: gone from search, still found by barcode (the sale decides what to do with it).
    expect((await catalog.search('可口可乐 330ml'))).toEqual([]);
    expect(catalog.lookupSku('DR0001')).toMatchObject({ active: false, price: 350 });
    // A sale moves stock outside the service; search still shows it as it is.
    const chips = catalog.lookupSku('NEW001')!;
    db.transaction(() => adjustStock(db, { productId: chips.id, deltaMilli: -12000, reason: 'sale', ref: 'S1', at: clock.now().toISOString() }))();
    expect((await catalog.search('新品'))[0]?.stockMilli).toBe(-2000);
  });

  it('imports what the catalog export wrote, unchanged', () => {
    const { db, catalog } = start();
    catalog.loadDemoIfEmpty();
    const csv = exportCatalogCsv(db).text;
    expect(csv.startsWith('\uFEFFsku,barcodes,')).toBe(true);
    expect(catalog.importCsv(csv)).toEqual({ inserted: 0, updated: 0, unchanged: catalog.count(), skipped: [] });
  });

  it('lists categories and their active products', () => {
    const { catalog } = start();
    catalog.loadDemoIfEmpty();
    const categories = catalog.categories();
    expect(categories.map((c) => c.name)).toEqual(['饮料', '酒水', '零食', '方便食品', '乳品', '粮油调味', '冷冻食品', '鲜食', '日用百货', '个人护理', '散装称重']);
    const weighed = catalog.byCategory(categories.at(-1)!.id);
    expect(weighed.length).toBeGreaterThan(20);
    expect(weighed.every((p) => p.unit === 'kg' && p.plu !== null)).toBe(true);
    expect(catalog.byCategory(null)).toEqual([]);
  });
});
