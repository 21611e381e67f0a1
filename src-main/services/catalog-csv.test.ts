import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../db/migrate';
import { migrations } from '../../db/migrations';
import { findProductBySku, listProducts, listStockMovements } from '../../db/queries/catalog';
import {
  CATALOG_CSV_COLUMNS,
  CatalogCsvError,
  exportCatalogCsv,
  formatMilli,
  formatTaxRate,
  formatYuan,
  guardCell,
  importCatalogCsv,
  parseActive,
  parseBarcodes,
  parseMilli,
  parsePlu,
  parseTaxRate,
  parseUnit,
  parseYuan,
  readCsvRecords,
  unguardCell,
} from './catalog-csv';
import { insertDemoCatalog } from './demo-catalog';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = readFileSync(join(here, '../../test/fixtures/catalog/good-and-bad.csv'), 'utf8');
const NOW = new Date('2026-03-01T08:00:00.000Z');
const LATER = new Date('2026-03-02T08:00:00.000Z');
const HEADER = CATALOG_CSV_COLUMNS.join(',');

function freshDb() {
  const db = new Sqlite(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations);
  return db;
}

/** Everything import may touch, for "nothing changed" assertions. */
function snapshot(db: Sqlite.Database) {
  return ['category', 'product', 'product_barcode', 'stock_movement'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1`).all());
}

describe('CSV values', () => {
  it('reads yuan into fen exactly, refusing more than 2 decimals', () => {
    const fen = (t: string) => {
      const r = parseYuan(t);
      return r.ok ? r.value : r.message;
    };
    expect([fen('3.50'), fen('3.5'), fen('3'), fen('0.01'), fen('.5'), fen('¥3.50'), fen('￥ 12'), fen('３.５0'), fen('0'), fen('999999.99')]).toEqual([
      350, 350, 300, 1, 50, 350, 1200, 350, 0, 99_999_999,
    ]);
    expect(fen('3.555')).toMatch(/more than 2 decimal places/);
    for (const bad of ['', '-1', '3,50', '3.5.0', 'abc', '1e3', '1000000', '.', ' 3 5']) expect(parseYuan(bad).ok, bad).toBe(false);
    // 0.1 + 0.2 style float error cannot happen: every value with 2 decimals round-trips.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), (f) => {
        expect(parseYuan(formatYuan(f))).toEqual({ ok: true, value: f });
      }),
    );
  });

  it('reads a tax rate as a percentage, refusing the ambiguous fraction', () => {
    expect(['13%', '13', '9%', '0', '0%', '5.5%', '100%', '１３％'].map((t) => parseTaxRate(t))).toEqual(
      [1300, 1300, 900, 0, 0, 550, 10000, 1300].map((value) => ({ ok: true, value })),
    );
    expect(parseTaxRate('0.13')).toMatchObject({ ok: false, message: expect.stringMatching(/ambiguous/) });
    for (const bad of ['', '101%', '13.555%', '-13%', 'thirteen', '13 %%']) expect(parseTaxRate(bad).ok, bad).toBe(false);
    expect([1300, 900, 0, 550, 1234, 10000].map(formatTaxRate)).toEqual(['13%', '9%', '0%', '5.5%', '12.34%', '100%']);
  });

  it('reads units, stock, active and PLU', () => {
    expect(['each', 'EA', '个', '件', 'kg', 'KG', '千克', '公斤'].map((u) => parseUnit(u))).toEqual(
      ['each', 'each', 'each', 'each', 'kg', 'kg', 'kg', 'kg'].map((value) => ({ ok: true, value })),
    );
    expect(parseUnit('box').ok).toBe(false);
    expect(['24', '35.5', '0.001', '-3', '-0.25', '+2'].map((t) => parseMilli(t))).toEqual(
      [24000, 35500, 1, -3000, -250, 2000].map((value) => ({ ok: true, value })),
    );
    for (const bad of ['1.2345', 'x', '', '1,000']) expect(parseMilli(bad).ok, bad).toBe(false);
    expect([24000, 35500, 1, -3000, -250, 0].map(formatMilli)).toEqual(['24', '35.5', '0.001', '-3', '-0.25', '0']);
    expect(['1', '0', 'true', 'FALSE', '是', '否', '', 'yes', 'n'].map((t) => parseActive(t))).toEqual(
      [true, false, true, false, true, false, true, true, false].map((value) => ({ ok: true, value })),
    );
    expect(parseActive('maybe').ok).toBe(false);
    expect(['1', '00001', '12345', ''].map((t) => parsePlu(t))).toEqual(['00001', '00001', '12345', null].map((value) => ({ ok: true, value })));
    expect(parsePlu('123456').ok).toBe(false);
  });

  it('checks barcodes (EAN-13, UPC-A, EAN-8, UPC-E) and keeps their keys', () => {
    expect(parseBarcodes('6901234567892 | 012345678905  69012341|04252614')).toEqual({
      ok: true,
      value: ['6901234567892', '0012345678905', '69012341', '0042100005264'],
    });
    expect(parseBarcodes('6901234567892|6901234567892')).toEqual({ ok: true, value: ['6901234567892'] });
    expect(parseBarcodes('')).toEqual({ ok: true, value: [] });
    expect(parseBarcodes('6901234567893')).toMatchObject({ ok: false, message: 'barcode 6901234567893 has a wrong check digit' });
    expect(parseBarcodes('69012345')).toMatchObject({ ok: false });
    expect(parseBarcodes('ABC')).toMatchObject({ ok: false, message: expect.stringMatching(/not all digits/) });
    expect(parseBarcodes('2000123000503')).toMatchObject({ ok: false, message: expect.stringMatching(/scale label/) });
  });

  it('guards formula-looking cells on export and unguards them on import, exactly', () => {
    expect(['=SUM(A1)', '+86 138', '-abc', '@cmd', '\tx', "'=x", 'plain', '-3', '+5', '-0.5', '13%', ''].map(guardCell)).toEqual([
      "'=SUM(A1)",
      "'+86 138",
      "'-abc",
      "'@cmd",
      "'\tx",
      "''=x",
      'plain',
      '-3',
      '+5',
      '-0.5',
      '13%',
      '',
    ]);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("'", '=', '+', '-', '@', '\t', 'a', '1', '.', ' ') }), (s) => {
        const guarded = guardCell(s);
        expect(unguardCell(guarded)).toBe(s);
        // What a spreadsheet sees never starts a formula, unless it is a plain number.
        if (/^[=+\-@\t\r]/.test(guarded)) expect(guarded).toMatch(/^[+-]?\d+(\.\d+)?%?$/);
      }),
    );
  });
});

describe('reading the file', () => {
  it('numbers records by physical line, counting line breaks inside quotes, with LF or CRLF and a BOM', () => {
    const text = 'a,b\n1,"x\ny"\n\n3,"p\r\nq\r\nr"\n4,5';
    const lines = (t: string) => readCsvRecords(t).map((r) => [r.line, r.cells[0]]);
    expect(lines(text)).toEqual([
      [1, 'a'],
      [2, '1'],
      [4, ''],
      [5, '3'],
      [8, '4'],
    ]);
    expect(lines(`\uFEFF${text.replace(/\r?\n/g, '\r\n')}`)).toEqual([
      [1, 'a'],
      [2, '1'],
      [4, ''],
      [5, '3'],
      [8, '4'],
    ]);
  });
});

describe('importCatalogCsv', () => {
  it('applies the good rows to the fen and reports exactly the bad lines, with codes', () => {
    const db = freshDb();
    const result = importCatalogCsv(db, fixture, { now: NOW });
    expect(result.skipped.map((s) => [s.line, s.code])).toEqual([
      [4, 'bad_price'],
      [5, 'bad_unit'],
      [6, 'bad_barcode'],
      [7, 'duplicate_barcode'],
      [8, 'missing_name'],
      [11, 'bad_tax_rate'],
      [15, 'bad_columns'],
      [16, 'duplicate_sku'],
    ]);
    const messages = Object.fromEntries(result.skipped.map((s) => [s.line, s.message]));
    expect(messages[4]).toBe('price "3.555" has more than 2 decimal places');
    expect(messages[6]).toBe('barcode 6950000000034 has a wrong check digit');
    expect(messages[7]).toBe('barcode 6901234567892 already belongs to sku DR0001');
    expect(messages[16]).toBe('sku DR0002 is already on line 3');
    expect(result).toMatchObject({ inserted: 5, updated: 0, unchanged: 0 });

    const rows = listProducts(db).map((p) => [p.sku, p.name, p.name_en, p.price, p.tax_rate_bp, p.unit, p.stock_milli, p.category_name, p.active, p.plu, p.barcodes]);
    expect(rows).toEqual([
      ['DA0001', '伊利纯牛奶 250ml', null, 350, 900, 'each', 0, null, 1, null, []],
      ['DR0001', '可口可乐 330ml', 'Coca-Cola 330ml', 300, 1300, 'each', 24000, '饮料', 1, null, ['6901234567892']],
      ['DR0002', '农夫山泉 550ml', 'Nongfu Spring 550ml', 350, 1300, 'each', 12000, '饮料', 1, null, ['6921234567890', '69012341']],
      ['FF0001', '鲜肉大包 (热)', 'Pork Bun', 300, 1300, 'each', 8000, '鲜食', 1, null, ['6970000000055']],
      ['WT0001', '苹果 红富士', 'Apple (Fuji)', 980, 900, 'kg', 35500, '散装称重', 1, '00001', []],
    ]);
    expect(findProductBySku(db, 'DR0001')?.pinyin_initials).toBe('kkkl330ml');
    // Stock arrived as movements, one per product with stock, all with the same import reference.
    const movements = ['DR0001', 'DR0002', 'FF0001', 'WT0001', 'DA0001'].flatMap((sku) => listStockMovements(db, findProductBySku(db, sku)!.id));
    expect(movements.map((m) => [m.delta_milli, m.reason])).toEqual([
      [24000, 'import'],
      [12000, 'import'],
      [8000, 'import'],
      [35500, 'import'],
    ]);
    expect(new Set(movements.map((m) => m.ref)).size).toBe(1);
    expect(movements[0]!.ref).toMatch(/^csv:/);
  });

  it('reports the same lines when the file has CRLF line ends and a BOM', () => {
    const db = freshDb();
    const result = importCatalogCsv(db, `\uFEFF${fixture.replace(/\n/g, '\r\n')}`, { now: NOW });
    expect(result.skipped.map((s) => s.line)).toEqual([4, 5, 6, 7, 8, 11, 15, 16]);
    expect(result.inserted).toBe(5);
  });

  it('changes nothing and says why when the file cannot be read as CSV', () => {
    const db = freshDb();
    importCatalogCsv(db, fixture, { now: NOW });
    const before = snapshot(db);
    const refused = (text: string) => {
      try {
        importCatalogCsv(db, text, { now: LATER });
      } catch (error) {
        expect(error).toBeInstanceOf(CatalogCsvError);
        return [(error as CatalogCsvError).reason, (error as CatalogCsvError).message];
      }
      throw new Error('not refused');
    };
    expect(refused(`${HEADER}\nDR0001,,"可口可乐,,3.00,13%,each,1,,1,\nDR0009,,x,,1,13%,each,1,,1,\n`)).toEqual([
      'unparseable',
      expect.stringMatching(/cannot be read as CSV: Quote Not Closed.*Nothing was imported/),
    ]);
    expect(refused('')[0]).toBe('no_header');
    expect(refused('sku,barcode,name\nX,1,y\n')).toEqual(['unknown_columns', expect.stringMatching(/Unknown column "barcode"/)]);
    expect(refused('name,price\nx,1\n')[0]).toBe('missing_columns');
    expect(refused('sku,name,name\nx,y,z\n')[0]).toBe('duplicate_columns');
    expect(refused(`${HEADER}\nDR0001,,\uFFFD\uFFFD,,3.00,13%,each,1,,1,\n`)[0]).toBe('not_utf8');
    expect(snapshot(db)).toEqual(before);
  });

  it('updates by SKU: an absent column keeps its value, stock moves by the difference, an identical row changes nothing', () => {
    const db = freshDb();
    importCatalogCsv(db, fixture, { now: NOW });
    const before = findProductBySku(db, 'DR0001')!;

    const result = importCatalogCsv(db, 'sku,price,stock\nDR0001,3.20,20\nDR0002,3.50,12\nWT0001,9.80,\n', { now: LATER });
    expect(result).toEqual({ inserted: 0, updated: 1, unchanged: 2, skipped: [] });
    const after = findProductBySku(db, 'DR0001')!;
    expect(after).toEqual({ ...before, price: 320, stock_milli: 20000, updated_at: LATER.toISOString() });
    expect(listStockMovements(db, after.id).map((m) => m.delta_milli)).toEqual([24000, -4000]);
    expect(findProductBySku(db, 'DR0002')!.updated_at).toBe(NOW.toISOString());

    // A new SKU in a file without name/tax columns cannot be created.
    expect(importCatalogCsv(db, 'sku,price\nNEW1,1.00\n', { now: LATER }).skipped).toEqual([
      { line: 2, code: 'missing_name', message: 'sku NEW1 is new: it needs a name' },
    ]);
    // Fractional pieces are refused; fractional kilograms are fine.
    expect(importCatalogCsv(db, 'sku,stock\nDR0001,1.5\nWT0001,1.5\n', { now: LATER })).toMatchObject({
      updated: 1,
      skipped: [{ line: 2, code: 'bad_stock' }],
    });
  });

  it('moves a barcode only when its owner gives it up first, and refuses in-store codes', () => {
    const db = freshDb();
    importCatalogCsv(db, fixture, { now: NOW });
    // DR0002 claims DR0001's barcode: refused, naming the owner.
    expect(importCatalogCsv(db, 'sku,barcodes\nDR0002,6901234567892\n', { now: LATER }).skipped).toEqual([
      { line: 2, code: 'duplicate_barcode', message: 'barcode 6901234567892 already belongs to sku DR0001' },
    ]);
    // DR0001 gives it up on an earlier line: then DR0002 may take it.
    expect(importCatalogCsv(db, 'sku,barcodes\nDR0001,\nDR0002,6901234567892|6921234567890\n', { now: LATER })).toMatchObject({ updated: 2, skipped: [] });
    expect(findProductBySku(db, 'DR0002')?.barcodes).toEqual(['6901234567892', '6921234567890']);
    expect(findProductBySku(db, 'DR0001')?.barcodes).toEqual([]);
    // A PLU is one product's too.
    expect(importCatalogCsv(db, 'sku,plu\nDR0001,00001\n', { now: LATER }).skipped).toEqual([
      { line: 2, code: 'duplicate_plu', message: 'plu 00001 already belongs to sku WT0001' },
    ]);
  });

  it('in insert mode skips SKUs that exist', () => {
    const db = freshDb();
    importCatalogCsv(db, fixture, { now: NOW });
    const result = importCatalogCsv(db, `${HEADER}\nDR0001,,可口可乐,,1.00,13%,each,1,,1,\nNEW1,,新品,,1.00,13%,each,1,,1,\n`, { now: LATER, mode: 'insert' });
    expect(result).toMatchObject({ inserted: 1, updated: 0, skipped: [{ line: 2, code: 'sku_exists' }] });
    expect(findProductBySku(db, 'DR0001')?.price).toBe(300);
  });

  it("skips a row naming a tax rate the shop has not set up, and keeps the product's rate", () => {
    const db = freshDb();
    importCatalogCsv(db, fixture, { now: NOW });
    const csv = 'sku,name,price,tax_rate\nDR0001,可口可乐,3.00,7%\nNEW2,新品二,2.00,9%\nNEW3,新品三,2.00,8.5%\n';
    const result = importCatalogCsv(db, csv, { now: LATER, allowedTaxRatesBp: [1300, 900, 600, 0] });
    expect(result.skipped.map((s) => [s.line, s.code])).toEqual([
      [2, 'tax_rate_not_allowed'],
      [4, 'tax_rate_not_allowed'],
    ]);
    expect(result.skipped[0]!.message).toBe("tax_rate 7% is not one of the shop's tax rates (13%, 9%, 6%, 0%)");
    expect(result).toMatchObject({ inserted: 1, updated: 0 });
    expect(findProductBySku(db, 'DR0001')).toMatchObject({ tax_rate_bp: 1300, price: 300 });
    expect(findProductBySku(db, 'NEW2')).toMatchObject({ tax_rate_bp: 900, price: 200 });
    expect(findProductBySku(db, 'NEW3')).toBeNull();
  });
});

describe('exportCatalogCsv', () => {
  it('writes a BOM, the import columns and guarded cells, and round-trips through import unchanged', () => {
    const db = freshDb();
    db.transaction(() => insertDemoCatalog(db, NOW))();
    // The awkward cases beside the demo: formula-looking names, negative and fractional stock, UPC-A, EAN-8,
    // UPC-E, an inactive product without category or English name, quotes and commas.
    const extra = [
      HEADER,
      `ZZ0001,012345678905|69012341,"=HYPERLINK(""http://x"")",+86 hotline,0.01,5.5%,each,-3,,0,`,
      `ZZ0002,04252614,"@SUM(1,2)","-minus, ""quoted""",12345.67,0%,kg,-0.25,"奇怪,分类",1,99999`,
      `ZZ0003,,'-3,'=already guarded,0,13%,each,0,,是,`,
    ].join('\n');
    expect(importCatalogCsv(db, extra, { now: NOW })).toMatchObject({ inserted: 3, skipped: [] });
    const products = snapshot(db);

    const { text: csv, rows } = exportCatalogCsv(db);
    expect(rows).toBe(listProducts(db).length);
    expect(csv.startsWith(`\uFEFF${HEADER}\r\n`)).toBe(true);
    const records = parse(csv, { bom: true }) as string[][];
    expect(records).toHaveLength(1 + listProducts(db).length);
    const bySku = new Map(records.map((r) => [r[0], r]));
    expect(bySku.get('ZZ0001')).toEqual(['ZZ0001', '012345678905|69012341', `'=HYPERLINK("http://x")`, `'+86 hotline`, '0.01', '5.5%', 'each', '-3', '', '0', '']);
    expect(bySku.get('ZZ0002')).toEqual(['ZZ0002', '042100005264', `'@SUM(1,2)`, `'-minus, "quoted"`, '12345.67', '0%', 'kg', '-0.25', '奇怪,分类', '1', '99999']);
    // Imported apostrophes were guards: '-3 was the name -3 (a plain number, safe), '=… the text =….
    expect(bySku.get('ZZ0003')?.slice(2, 4)).toEqual(['-3', `'=already guarded`]);
    expect(findProductBySku(db, 'ZZ0003')).toMatchObject({ name: '-3', name_en: '=already guarded' });
    expect(bySku.get('DR0001')).toEqual(['DR0001', expect.stringMatching(/^69\d{11}$/), '可口可乐 330ml', 'Coca-Cola 330ml can', '3.00', '13%', 'each', expect.any(String), '饮料', '1', '']);
    for (const r of records.slice(1)) for (const cell of r) expect(cell).not.toMatch(/^[=+@\t\r]|^-(?!\d+(\.\d+)?$)/);

    // Import the export: every row unchanged, nothing written, and the next export is byte for byte the same.
    const again = importCatalogCsv(db, csv, { now: LATER });
    expect(again).toEqual({ inserted: 0, updated: 0, unchanged: listProducts(db).length, skipped: [] });
    expect(snapshot(db)).toEqual(products);
    expect(exportCatalogCsv(db).text).toBe(csv);

    // And into an empty terminal: the same catalog.
    const other = freshDb();
    expect(importCatalogCsv(other, csv, { now: LATER })).toMatchObject({ inserted: listProducts(db).length, skipped: [] });
    const strip = (rows: ReturnType<typeof listProducts>) => rows.map(({ id: _id, category_id: _c, created_at: _a, updated_at: _u, ...rest }) => rest);
    expect(strip(listProducts(other))).toEqual(strip(listProducts(db)));
    expect(exportCatalogCsv(other).text).toBe(csv);
  });
});
