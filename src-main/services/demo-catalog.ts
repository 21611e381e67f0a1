/**
 * The demo catalog (a few hundred items of a Chinese convenience store, demo-catalog-data.ts) and, for the
 * benchmark, a generator of larger catalogs made from it combinatorially. Everything is derived from the
 * data by position: the same barcodes, SKUs, PLUs and stock on every run, no randomness.
 */
import type { Database } from 'better-sqlite3';
import { newId } from '../../db/ids';
import { gtinCheckDigit } from '../../src-common/barcode';
import type { Product } from '../../src-common/schemas';
import { adjustStock, countProducts, ensureCategory, insertProduct, setProductBarcodes } from '../../db/queries/catalog';
import { pinyinInitials, type SearchEntry } from './catalog-search';
import { DEMO_CATEGORIES, DEMO_FAMILIES, type DemoCategoryKey } from './demo-catalog-data';
import { DEMO_PINYIN_INITIALS } from './demo-catalog-initials';

export interface DemoProduct {
  sku: string;
  name: string;
  nameEn: string | null;
  price: number;
  taxRateBp: number;
  unit: 'each' | 'kg';
  stockMilli: number;
  category: string;
  barcodes: string[];
  plu: string | null;
}

/** An EAN-13 from a 7-digit GS1 company prefix and a 5-digit item reference, check digit computed. */
export function ean13(companyPrefix: string, itemReference: string): string {
  const body = `${companyPrefix}${itemReference}`;
  if (!/^[0-9]{12}$/.test(body)) throw new RangeError(`an EAN-13 body is 12 digits: ${body}`);
  return `${body}${gtinCheckDigit(body)}`;
}

/**
 * A made-up company prefix in China's 690–697 range, one per brand: the pair (third digit, next four) is
 * distinct for every brand index below 9000 (4931 is coprime with 9000).
 */
function companyPrefix(brandIndex: number): string {
  return `69${brandIndex % 8}${String(1000 + ((brandIndex * 4931) % 9000))}`;
}

const categoryByKey = new Map(DEMO_CATEGORIES.map((c) => [c.key, c]));

let demoCache: readonly DemoProduct[] | undefined;

/** The demo catalog: every item of demo-catalog-data.ts as a product, in file order. */
export function demoCatalog(): readonly DemoProduct[] {
  if (demoCache) return demoCache;
  const brands = new Map<string, { index: number; items: number }>();
  const perCategory = new Map<DemoCategoryKey, number>();
  const products: DemoProduct[] = [];
  let plu = 0;
  for (const family of DEMO_FAMILIES) {
    const category = categoryByKey.get(family.category)!;
    const brandKey = family.brand || `(${family.category})`;
    let brand = brands.get(brandKey);
    if (!brand) brands.set(brandKey, (brand = { index: brands.size + 1, items: 0 }));
    for (const [item, itemEn, price, taxRateBp] of family.items) {
      const n = products.length;
      const seq = (perCategory.get(family.category) ?? 0) + 1;
      perCategory.set(family.category, seq);
      const weighed = family.unit === 'kg';
      const barcodes: string[] = [];
      if (!weighed) {
        brand.items += 1;
        barcodes.push(ean13(companyPrefix(brand.index), String(10000 + brand.items * 7)));
        // Some items carry a second code (an older pack still on the shelf).
        if (n % 25 === 3) barcodes.push(ean13(companyPrefix(brand.index), String(60000 + brand.items * 7)));
      }
      products.push({
        sku: `${category.code}${String(seq).padStart(4, '0')}`,
        name: `${family.brand}${item}`.trim(),
        nameEn: itemEn === null ? null : family.brandEn ? `${family.brandEn} ${itemEn}` : itemEn,
        price,
        taxRateBp: taxRateBp ?? family.taxRateBp,
        unit: weighed ? 'kg' : 'each',
        // Weighed goods: 5–44 kg and some grams; others 6–65 pieces.
        stockMilli: weighed ? (((n * 13) % 40) + 5) * 1000 + ((n * 137) % 1000) : (((n * 37) % 60) + 6) * 1000,
        category: category.name,
        barcodes,
        plu: weighed ? String(++plu).padStart(5, '0') : null,
      });
    }
  }
  demoCache = Object.freeze(products);
  return demoCache;
}

/**
 * Writes the demo catalog into an empty catalog, in the caller's transaction. Returns how many
 * products it inserted (0 when the catalog already had any).
 */
export function insertDemoCatalog(db: Database, now: Date): number {
  if (countProducts(db) > 0) return 0;
  const at = now.toISOString();
  const categoryIds = new Map<string, string>();
  for (const c of DEMO_CATEGORIES) categoryIds.set(c.name, ensureCategory(db, c.name, newId(now.getTime())));
  const products = demoCatalog();
  for (const p of products) {
    const id = newId(now.getTime());
    insertProduct(db, {
      id,
      sku: p.sku,
      name: p.name,
      name_en: p.nameEn,
      price: p.price,
      tax_rate_bp: p.taxRateBp,
      unit: p.unit,
      category_id: categoryIds.get(p.category) ?? null,
      active: 1,
      pinyin_initials: DEMO_PINYIN_INITIALS.get(p.name) ?? pinyinInitials(p.name),
      plu: p.plu,
      created_at: at,
      updated_at: at,
    });
    setProductBarcodes(db, id, p.barcodes);
    adjustStock(db, { productId: id, deltaMilli: p.stockMilli, reason: 'import', ref: 'demo', at });
  }
  return products.length;
}

/** Pack and edition words a supplier adds to a product line (with their initials and English). */
const EDITIONS: readonly (readonly [string, string])[] = [
  ['家庭装', 'Family Pack'],
  ['分享装', 'Sharing Pack'],
  ['特惠装', 'Value Pack'],
  ['新包装', 'New Pack'],
  ['限定版', 'Limited Edition'],
  ['加量装', 'Bonus Size'],
  ['礼盒装', 'Gift Box'],
  ['组合装', 'Combo'],
  ['mini装', 'Mini'],
  ['量贩装', 'Bulk Pack'],
  ['经典款', 'Classic'],
  ['升级款', 'Upgraded'],
  ['清爽型', 'Light'],
  ['浓郁型', 'Rich'],
  ['低糖', 'Less Sugar'],
  ['无糖', 'Sugar Free'],
  ['儿童款', 'Kids'],
  ['便携装', 'Travel Size'],
  ['整箱', 'Case'],
  ['双支装', 'Twin Pack'],
];
const REGIONS: readonly (readonly [string, string])[] = [
  ['', ''],
  ['华北', 'North'],
  ['华东', 'East'],
  ['华南', 'South'],
  ['西南', 'Southwest'],
  ['东北', 'Northeast'],
  ['西北', 'Northwest'],
  ['华中', 'Central'],
  ['春季', 'Spring'],
  ['夏季', 'Summer'],
  ['秋季', 'Autumn'],
  ['冬季', 'Winter'],
  ['节日', 'Festive'],
  ['校园', 'Campus'],
  ['办公', 'Office'],
  ['户外', 'Outdoor'],
  ['第二代', 'Gen 2'],
];

/**
 * `count` search entries for benchmarks and load tests: the demo catalog first, then its items again in
 * every edition × region combination (可口可乐 330ml 家庭装 华东 …), each with its own SKU and EAN-13
 * (prefix 698/699, never used by the demo). Initials are composed from precomputed parts, so making 100,000
 * takes milliseconds, not the seconds pinyin would.
 */
export function generateCatalogEntries(count: number): SearchEntry[] {
  const base = demoCatalog();
  const baseInitials = base.map((p) => pinyinInitials(p.name));
  const editionInitials = EDITIONS.map(([zh]) => pinyinInitials(zh));
  const regionInitials = REGIONS.map(([zh]) => pinyinInitials(zh));
  const entries: SearchEntry[] = [];
  for (let k = 0; k < count; k++) {
    const b = k % base.length;
    const p = base[b]!;
    const variant = Math.floor(k / base.length); // 0 = the demo item itself
    let name = p.name;
    let nameEn = p.nameEn;
    let initials = baseInitials[b]!;
    let barcodes = p.barcodes;
    let sku = p.sku;
    if (variant > 0) {
      const e = (variant - 1) % EDITIONS.length;
      const r = Math.floor((variant - 1) / EDITIONS.length) % REGIONS.length;
      const [editionZh, editionEn] = EDITIONS[e]!;
      const [regionZh, regionEn] = REGIONS[r]!;
      name = `${p.name} ${editionZh}${regionZh ? ` ${regionZh}` : ''}`;
      nameEn = nameEn === null ? null : `${nameEn} ${editionEn}${regionEn ? ` ${regionEn}` : ''}`;
      initials = `${initials}${editionInitials[e]}${regionInitials[r]}`;
      sku = `${p.sku}-${String(variant).padStart(4, '0')}`;
      const digits = String(k).padStart(9, '0');
      barcodes = p.unit === 'kg' ? [] : [ean13(`698${digits.slice(0, 4)}`, digits.slice(4))];
    }
    const product: Product = {
      id: `P${String(k).padStart(6, '0')}`,
      sku,
      name,
      nameEn,
      price: p.price,
      taxRateBp: p.taxRateBp,
      unit: p.unit,
      stockMilli: p.stockMilli,
      categoryId: null,
      categoryName: p.category,
      active: true,
      barcodes,
      plu: variant === 0 ? p.plu : null,
    };
    entries.push({ product, pinyinInitials: initials });
  }
  return entries;
}
