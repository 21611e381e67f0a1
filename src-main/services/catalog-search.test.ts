import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateRetailBarcode } from '../../src-common/barcode';
import type { Product } from '../../src-common/schemas';
import { buildCatalogSearchIndex, normalizeSearchText, pinyinInitials, type SearchEntry } from './catalog-search';
import { demoCatalog, generateCatalogEntries } from './demo-catalog';

const barcodeKey = (code: string) => {
  const check = validateRetailBarcode(code);
  return check.ok ? check.key : null;
};

function entry(sku: string, name: string, nameEn: string | null = null, barcodes: string[] = []): SearchEntry {
  const product: Product = {
    id: `id-${sku}`,
    sku,
    name,
    nameEn,
    price: 100,
    taxRateBp: 1300,
    unit: 'each',
    stockMilli: 0,
    categoryId: null,
    categoryName: null,
    active: true,
    barcodes,
    plu: null,
  };
  return { product, pinyinInitials: pinyinInitials(name) };
}

const demoEntries = generateCatalogEntries(demoCatalog().length);
const demo = buildCatalogSearchIndex(demoEntries, { barcodeKey });
const names = (products: Product[]) => products.map((p) => p.name);

describe('pinyinInitials', () => {
  it('gives lower-case initials and keeps latin letters and digits', () => {
    expect(pinyinInitials('可口可乐')).toBe('kkkl');
    expect(pinyinInitials('农夫山泉550ml')).toBe('nfsq550ml');
    expect(pinyinInitials('可口可乐 330ml')).toBe('kkkl330ml');
    expect(pinyinInitials('旺仔QQ糖')).toBe('wzqqt');
    expect(pinyinInitials('ＲＩＯ 微醺')).toBe('riowx');
    expect(pinyinInitials('M&M’S 牛奶巧克力豆')).toBe('mmsnnqkld');
  });
});

describe('catalog search', () => {
  it('finds 可口可乐 first for its initials, typed whole or in part, in any case or width', () => {
    for (const q of ['kkkl', 'kk', 'KKKL', 'ｋｋｋｌ', ' kkkl ']) {
      expect(demo.search(q)[0]?.name, q).toMatch(/^可口可乐 /);
    }
    // Shortest names first, then by name.
    expect(names(demo.search('kkkl', 4))).toEqual(['可口可乐 2L', '可口可乐 1.25L', '可口可乐 330ml', '可口可乐 500ml']);
    expect(names(demo.search('kkkl330'))).toEqual(['可口可乐 330ml']);
  });

  it('matches initials as a substring too, after the prefix matches', () => {
    const index = buildCatalogSearchIndex([entry('A', '可口可乐'), entry('B', '百事可乐'), entry('C', '可乐鸡翅')]);
    expect(names(index.search('kl'))).toEqual(['可乐鸡翅', '可口可乐', '百事可乐']);
    expect(names(index.search('sk'))).toEqual(['百事可乐']);
  });

  it('puts an exact barcode first, also when typed as UPC-A for a key stored with a leading 0', () => {
    const water = demoCatalog().find((p) => p.name === '农夫山泉 550ml')!;
    expect(demo.search(water.barcodes[0]!)[0]?.name).toBe('农夫山泉 550ml');
    const index = buildCatalogSearchIndex([entry('A', '进口可乐', 'Imported Cola', ['012345678905']), entry('B', '012345678905 纪念版')], { barcodeKey });
    expect(names(index.search('012345678905'))).toEqual(['进口可乐', '012345678905 纪念版']);
    expect(names(index.search('0012345678905'))).toEqual(['进口可乐']);
  });

  it('finds by English name, case-insensitively, as a substring', () => {
    const chips = demo.search('chips');
    expect(chips.length).toBeGreaterThan(3);
    for (const p of chips) expect(p.nameEn?.toLowerCase()).toContain('chips');
    expect(demo.search('COCA-COLA')[0]?.name).toMatch(/^可口可乐/);
    expect(names(demo.search('coca-cola 330'))).toEqual(['可口可乐 330ml']);
    expect(names(demo.search('magnum'))).toEqual(['和路雪梦龙 香草味 64g']);
  });

  it('finds by SKU prefix, an exact SKU first', () => {
    const index = buildCatalogSearchIndex([entry('DR00011', '乙'), entry('DR0001', '甲甲甲'), entry('DR0002', '丙'), entry('SN0001', '丁')]);
    expect(index.search('dr0001').map((p) => p.sku)).toEqual(['DR0001', 'DR00011']);
    expect(index.search('DR').map((p) => p.sku)).toEqual(['DR0002', 'DR00011', 'DR0001']); // names 丙 < 乙 < 甲甲甲
    expect(index.search('0001')).toEqual([]); // SKUs match by prefix only
  });

  it('ranks prefix matches before substring matches, then shorter names first', () => {
    const index = buildCatalogSearchIndex([entry('A', '百事可乐 330ml'), entry('B', '可口可乐 330ml'), entry('C', '可乐鸡翅便当'), entry('D', '可乐')]);
    expect(names(index.search('可乐'))).toEqual(['可乐', '可乐鸡翅便当', '可口可乐 330ml', '百事可乐 330ml']);
  });

  it('answers a blank query with nothing and respects the limit', () => {
    expect(demo.search('')).toEqual([]);
    expect(demo.search('   ')).toEqual([]);
    expect(demo.search('\u0001')).toEqual([]);
    expect(demo.search('a')).toHaveLength(20);
    expect(demo.search('a', 5)).toHaveLength(5);
    expect(demo.search('a', 1000).length).toBeLessThanOrEqual(200);
    expect(demo.search('zzzzzz')).toEqual([]);
    expect(buildCatalogSearchIndex([]).search('kkkl')).toEqual([]);
  });

  it('gives the same answer as a plain reference implementation of the ranking (property)', () => {
    // The ranking, written the slow and obvious way.
    const prepared = demoEntries.map((e) => ({
      e,
      name: normalizeSearchText(e.product.name),
      nameEn: normalizeSearchText(e.product.nameEn ?? ''),
      sku: normalizeSearchText(e.product.sku),
      keys: e.product.barcodes.flatMap((b) => [b, barcodeKey(b)]),
    }));
    function reference(query: string, limit: number): string[] {
      const q = normalizeSearchText(query);
      if (q === '') return [];
      const compact = q.replace(/ /g, '');
      const initials = /^[a-z0-9]+$/.test(compact) ? compact : null;
      const key = barcodeKey(q);
      const ranked = prepared
        .map((p) => {
          let rank = 9;
          if (/^[0-9]{6,14}$/.test(q) && (p.keys.includes(q) || (key !== null && p.keys.includes(key)))) rank = 0;
          else if (p.sku === q) rank = 0.5;
          else if (p.name.startsWith(q) || p.nameEn.startsWith(q) || p.sku.startsWith(q) || (initials && p.e.pinyinInitials.startsWith(initials))) rank = 1;
          else if (p.name.includes(q) || p.nameEn.includes(q) || (initials && p.e.pinyinInitials.includes(initials))) rank = 2;
          return { p, rank };
        })
        .filter((x) => x.rank < 9);
      ranked.sort(
        (a, b) =>
          a.rank - b.rank ||
          a.p.name.length - b.p.name.length ||
          (a.p.name < b.p.name ? -1 : a.p.name > b.p.name ? 1 : 0) ||
          (a.p.sku < b.p.sku ? -1 : a.p.sku > b.p.sku ? 1 : 0),
      );
      return ranked.slice(0, limit).map((x) => x.p.e.product.sku);
    }

    const pieces = demoEntries.flatMap((e) => [e.product.name, e.product.nameEn ?? '', e.pinyinInitials, e.product.sku, ...e.product.barcodes]);
    const query = fc.oneof(
      fc.tuple(fc.constantFrom(...pieces), fc.nat(), fc.nat()).map(([s, a, b]) => {
        const start = a % (s.length + 1);
        return s.slice(start, start + 1 + (b % 8));
      }),
      fc.string({ unit: fc.constantFrom(...'abcdklmnqsxyz0123456789 可口乐山泉茶奶面'), maxLength: 6 }),
    );
    fc.assert(
      fc.property(query, fc.integer({ min: 1, max: 30 }), (q, limit) => {
        expect(demo.search(q, limit).map((p) => p.sku)).toEqual(reference(q, limit));
      }),
      { numRuns: 400 },
    );
  });

  it('stays fast at 100,000 products (a generous bound; the benchmark measures it properly)', { timeout: 30_000 }, () => {
    const big = buildCatalogSearchIndex(generateCatalogEntries(100_000), { barcodeKey });
    expect(big.size).toBe(100_000);
    const queries = ['kkkl', '可口可乐', 'chips', 'nfsq', '6980000123459', 'DR00', 'zzzzqq', '不存在的商品', '家庭装 华东', 'family pack'];
    const started = performance.now();
    for (let round = 0; round < 5; round++) for (const q of queries) big.search(q);
    const perQuery = (performance.now() - started) / (5 * queries.length);
    expect(perQuery).toBeLessThan(50);
  });
});
