/**
 * The in-memory index the cashier's search box queries on every keystroke.
 *
 * Built once from the active products (the catalog service rebuilds it after every change). Products are
 * put in rank order (shortest name first, then name, then SKU) and their searchable fields normalised once:
 * name, English name, SKU (lower case, NFKC) and the pinyin initials stored with the product, so pinyin is
 * never computed per keystroke. Beside them sits a gram index (see buildGramIndex): for each gram (a
 * field's first one or two characters; every character and every pair of neighbouring characters of the
 * names and of the initials) the products holding it, in rank order, in one compact Int32Array.
 *
 * Every product matching what was typed is on the lists of all its grams. A query intersects those lists
 * (leapfrogging from the shortest), checks each product left with startsWith/includes, and stops once the
 * limit is filled: the lists are in rank order, so the first matches are the best. A miss usually ends at
 * an empty list; a one-letter query stops after a few dozen products. About 0.01 ms a query at 100,000
 * products, where `Array.filter(p => p.name.includes(q))` takes ~5 ms (bench/catalog-search.ts).
 *
 * Ranking: exact barcode or SKU, then prefix matches (name, English name, SKU, pinyin initials), then
 * substring matches (name, English name, pinyin initials); within a tier by name length, then name, then SKU.
 */
import { pinyinPro } from '../../drivers/pinyin';
import type { Product } from '../../src-common/schemas';

export interface SearchEntry {
  readonly product: Product;
  /** Lower-case initials, as stored in product.pinyin_initials (可口可乐 330ml → kkkl330ml). */
  readonly pinyinInitials: string;
}

export interface CatalogSearchIndex {
  readonly size: number;
  /** Up to `limit` (default 20) products for what the cashier typed; [] for a blank query. */
  search(query: string, limit?: number): Product[];
}

export interface SearchIndexOptions {
  /**
   * The canonical lookup key of a scanned or typed retail barcode, or null when it is not one
   * (validateRetailBarcode's key), so a UPC-A typed as 12 digits finds the product stored under its key.
   */
  readonly barcodeKey?: (code: string) => string | null;
}

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 200;

/**
 * Text NFKC leaves alone (printable ASCII, ×, CJK unified ideographs) in single-spaced words: nothing to
 * do but lower-case it. Most names are, and NFKC is the slow part of normalising.
 */
const STABLE = /^[\x21-\x7e\u00d7\u4e00-\u9fff]+(?: [\x21-\x7e\u00d7\u4e00-\u9fff]+)*$/;

/** How both the index and a query see text: NFKC (full-width → ASCII), lower case, no control characters, single spaces. */
export function normalizeSearchText(text: string): string {
  if (STABLE.test(text)) return text.toLowerCase();
  return text
    .normalize('NFKC')
    .toLowerCase()
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f\s]+/g, ' ')
    .trim();
}

/**
 * Lower-case pinyin initials of a product name, computed once when the name is written (~30 µs each):
 * 可口可乐 → kkkl; latin letters and digits are kept, lower-cased, and everything else dropped
 * (农夫山泉550ml → nfsq550ml, 可口可乐 330ml → kkkl330ml).
 */
export function pinyinInitials(name: string): string {
  const text = name.normalize('NFKC');
  return pinyinPro().pinyin(text, { pattern: 'first', toneType: 'none', type: 'array' })
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

// ---------------------------------------------------------------------------------------------------------
// Grams. A gram is hashed with a salt for its kind into one of 2^bits buckets; each bucket lists the products
// (by rank) that have a gram hashing there. Two grams sharing a bucket only make a list longer, never wrong:
// every candidate is checked against the real text. Kinds: for each field its first character and its first
// two characters; the single characters and pairs of neighbouring characters of the name and English name
// (one kind) and of the initials (another). SKUs match by prefix only, so only their starts are indexed.

const FIELD_NAME = 0;
const FIELD_NAME_EN = 1;
const FIELD_SKU = 2;
const FIELD_INITIALS = 3;
const SALT_TEXT = 0;
const SALT_INITIALS = 0x2545f491;
const SALT_START1 = [0x68e31da4, 0x3c6ef372, 0x1b873593, 0x7feb352d];
const SALT_START2 = [0x51ed270b, 0x2c1b3c6d, 0x297a2d39, 0x6b43a9b5];

const pairKey = (text: string, i: number) => (text.charCodeAt(i) << 16) | text.charCodeAt(i + 1);

/** A list of ranks: postings[start..end). */
interface Run {
  readonly start: number;
  readonly end: number;
}

/**
 * The gram index in two passes: each product's buckets (each once) and the bucket sizes, then the lists laid
 * out bucket by bucket in one Int32Array. Products are visited in rank order, so every list comes out sorted.
 * A function of its own so that its scratch arrays are not kept alive by the search closures.
 */
function buildGramIndex(names: readonly string[], namesEn: readonly string[], skus: readonly string[], initials: readonly string[]) {
  const n = names.length;
  const bits = Math.min(20, Math.max(12, Math.ceil(Math.log2(n * 16 + 1))));
  const buckets = 1 << bits;
  const bucketOf = bucketFunction(bits);
  const counts = new Int32Array(buckets + 1);
  const last = new Int32Array(buckets).fill(-1);
  let scratch = new Int32Array(Math.max(1024, n * 64));
  let length = 0;
  const productEnd = new Int32Array(n);
  const add = (bucket: number, product: number) => {
    if (last[bucket] === product) return;
    last[bucket] = product;
    counts[bucket]!++;
    if (length === scratch.length) {
      const bigger = new Int32Array(scratch.length * 2);
      bigger.set(scratch);
      scratch = bigger;
    }
    scratch[length++] = bucket;
  };
  const addStarts = (field: number, text: string, product: number) => {
    if (text.length === 0) return;
    add(bucketOf(text.charCodeAt(0), SALT_START1[field]!), product);
    if (text.length > 1) add(bucketOf(pairKey(text, 0), SALT_START2[field]!), product);
  };
  /** Every single character (key c << 16: no pair has 0 as its second half) and every pair of neighbours. */
  const addText = (text: string, salt: number, product: number) => {
    for (let i = 0; i < text.length; i++) {
      add(bucketOf(text.charCodeAt(i) << 16, salt), product);
      if (i + 1 < text.length) add(bucketOf(pairKey(text, i), salt), product);
    }
  };
  for (let p = 0; p < n; p++) {
    addStarts(FIELD_NAME, names[p]!, p);
    addStarts(FIELD_NAME_EN, namesEn[p]!, p);
    addStarts(FIELD_SKU, skus[p]!, p);
    addStarts(FIELD_INITIALS, initials[p]!, p);
    addText(names[p]!, SALT_TEXT, p);
    addText(namesEn[p]!, SALT_TEXT, p);
    addText(initials[p]!, SALT_INITIALS, p);
    productEnd[p] = length;
  }
  // Sizes → start offsets, in place; then each product into its buckets.
  let offset = 0;
  for (let b = 0; b <= buckets; b++) {
    const c = counts[b]!;
    counts[b] = offset;
    offset += c;
  }
  const postings = new Int32Array(length);
  const fill = counts.slice(0, buckets);
  for (let p = 0, g = 0; p < n; p++) {
    for (const end = productEnd[p]!; g < end; g++) postings[fill[scratch[g]!]!++] = p;
  }
  return { bits, bucketStart: counts, postings };
}

const bucketFunction = (bits: number) => {
  const shift = 32 - bits;
  return (key: number, salt: number) => Math.imul(key ^ salt, 0x9e3779b1) >>> shift;
};

/**
 * The index as plain data (arrays of strings and products, two Int32Arrays): what the SQL worker builds and
 * hands to the core, which only wraps it (catalogSearchIndexFrom).
 */
export interface PreparedCatalogSearch {
  /** Products in rank order, and their normalised fields. */
  readonly products: readonly Product[];
  readonly names: readonly string[];
  readonly namesEn: readonly string[];
  readonly skus: readonly string[];
  readonly initials: readonly string[];
  readonly bits: number;
  readonly bucketStart: Int32Array;
  readonly postings: Int32Array;
}

/** The exact lookups (barcode GTIN value → rank, SKU → rank); first writer (best rank) wins on a clash. */
export interface ExactLookups {
  readonly byBarcode: Map<number, number>;
  readonly bySku: Map<string, number>;
}

/** Adds products of ranks from.. to the exact lookups (the core does this slice by slice). */
export function addExactLookups(lookups: ExactLookups, products: readonly Product[], skus: readonly string[], from: number): void {
  for (let k = 0; k < products.length; k++) {
    const i = from + k;
    for (const code of products[k]!.barcodes) {
      const value = Number(code);
      if (!lookups.byBarcode.has(value)) lookups.byBarcode.set(value, i);
    }
    if (!lookups.bySku.has(skus[k]!)) lookups.bySku.set(skus[k]!, i);
  }
}

/** Normalises, ranks and indexes the entries: the slow part (~0.7 s at 100,000 products). */
export function prepareCatalogSearch(entries: readonly SearchEntry[]): PreparedCatalogSearch {
  const prepared = entries.map((e) => ({
    product: e.product,
    name: normalizeSearchText(e.product.name),
    nameEn: e.product.nameEn === null ? '' : normalizeSearchText(e.product.nameEn),
    sku: normalizeSearchText(e.product.sku),
    initials: e.pinyinInitials,
  }));
  prepared.sort((a, b) =>
    a.name.length !== b.name.length
      ? a.name.length - b.name.length
      : a.name < b.name
        ? -1
        : a.name > b.name
          ? 1
          : a.sku < b.sku
            ? -1
            : a.sku > b.sku
              ? 1
              : 0,
  );
  const names = prepared.map((p) => p.name);
  const namesEn = prepared.map((p) => p.nameEn);
  const skus = prepared.map((p) => p.sku);
  const initials = prepared.map((p) => p.initials);
  return { products: prepared.map((p) => p.product), names, namesEn, skus, initials, ...buildGramIndex(names, namesEn, skus, initials) };
}

export function buildCatalogSearchIndex(entries: readonly SearchEntry[], options: SearchIndexOptions = {}): CatalogSearchIndex {
  return catalogSearchIndexFrom(prepareCatalogSearch(entries), options);
}

/** Wraps a prepared index for searching (cheap: the exact lookups are built unless given). */
export function catalogSearchIndexFrom(
  data: PreparedCatalogSearch,
  options: SearchIndexOptions & { lookups?: ExactLookups } = {},
): CatalogSearchIndex {
  const barcodeKey = options.barcodeKey ?? (() => null);
  const { products, names, namesEn, skus, initials, bucketStart, postings } = data;
  const n = products.length;
  const bucketOf = bucketFunction(data.bits);
  let lookups = options.lookups;
  if (!lookups) {
    lookups = { byBarcode: new Map(), bySku: new Map() };
    addExactLookups(lookups, products, skus, 0);
  }
  const { byBarcode, bySku } = lookups;

  const run = (key: number, salt: number): Run => {
    const b = bucketOf(key, salt);
    return { start: bucketStart[b]!, end: bucketStart[b + 1]! };
  };
  const pairRuns = (text: string, from: number, salt: number): Run[] => {
    const runs: Run[] = [];
    for (let i = from; i + 1 < text.length; i++) runs.push(run(pairKey(text, i), salt));
    return runs;
  };
  /** Lists every product whose `field` starts with `text` is on: its start gram and the pairs of `text`. */
  const prefixRuns = (text: string, field: number, pairSalt: number | null): Run[] =>
    text.length === 1
      ? [run(text.charCodeAt(0), SALT_START1[field]!)]
      : [run(pairKey(text, 0), SALT_START2[field]!), ...(pairSalt === null ? [] : pairRuns(text, 1, pairSalt))];
  /** Lists every product whose text (name and English name, or initials) contains `text` is on. */
  const substringRuns = (text: string, salt: number): Run[] =>
    text.length === 1 ? [run(text.charCodeAt(0) << 16, salt)] : pairRuns(text, 0, salt);

  // Per-query marks without clearing: seen[i] === stamp means taken by this query.
  const seen = new Uint32Array(n);
  let stamp = 0;

  /**
   * Appends to `out`, in rank order, up to `want` products not yet taken that are on every one of `runs`
   * (leapfrogging through the sorted lists from the shortest) and satisfy `matches`.
   */
  function walk(runs: Run[], matches: (i: number) => boolean, want: number, out: number[]): void {
    const lists = runs
      .filter((r, i) => runs.findIndex((o) => o.start === r.start && o.end === r.end) === i)
      .sort((a, b) => a.end - a.start - (b.end - b.start));
    const lead = lists.shift();
    if (!lead || lead.end === lead.start) return;
    const at = lists.map((r) => r.start);
    let found = 0;
    for (let k = lead.start; k < lead.end && found < want; k++) {
      const c = postings[k]!;
      if (seen[c] === stamp) continue;
      let onAll = true;
      for (let j = 0; j < lists.length; j++) {
        const end = lists[j]!.end;
        let i = at[j]!;
        if (postings[i]! < c) {
          // Gallop, then binary search, to the first entry ≥ c.
          let step = 1;
          while (i + step < end && postings[i + step]! < c) step *= 2;
          let lo = i + (step >> 1) + 1;
          let hi = Math.min(i + step, end);
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (postings[mid]! < c) lo = mid + 1;
            else hi = mid;
          }
          i = lo;
          at[j] = i;
        }
        if (i >= end) return; // this list is used up: nothing further is on all of them
        if (postings[i] !== c) {
          onAll = false;
          break;
        }
      }
      if (onAll && matches(c)) {
        out.push(c);
        found++;
      }
    }
  }

  function search(query: string, limit = DEFAULT_SEARCH_LIMIT): Product[] {
    const max = Math.max(1, Math.min(MAX_SEARCH_LIMIT, Math.floor(limit) || DEFAULT_SEARCH_LIMIT));
    const q = normalizeSearchText(query);
    if (q === '' || n === 0) return [];
    stamp = stamp === 0xffffffff ? 1 : stamp + 1;
    if (stamp === 1) seen.fill(0);
    const taken: number[] = [];
    const take = (i: number) => {
      if (seen[i] !== stamp && taken.length < max) {
        seen[i] = stamp;
        taken.push(i);
      }
    };

    // Tier 0: exact barcode, exact SKU.
    if (/^[0-9]{6,14}$/.test(q)) {
      const key = barcodeKey(q); // a UPC-E expands to another number
      const exact = byBarcode.get(Number(q)) ?? (key === null ? undefined : byBarcode.get(Number(key)));
      if (exact !== undefined) take(exact);
    }
    const sku = bySku.get(q);
    if (sku !== undefined) take(sku);

    const compact = q.replace(/ /g, '');
    const iq = /^[a-z0-9]+$/.test(compact) ? compact : null;

    // Tier 1: prefixes; tier 2: substrings. Each condition yields its best `remaining` products; the best
    // `remaining` of their union are the best of the tier.
    const tiers: [Run[], (i: number) => boolean][][] = [
      [
        [prefixRuns(q, FIELD_NAME, SALT_TEXT), (i) => names[i]!.startsWith(q)],
        [prefixRuns(q, FIELD_NAME_EN, SALT_TEXT), (i) => namesEn[i]!.startsWith(q)],
        [prefixRuns(q, FIELD_SKU, null), (i) => skus[i]!.startsWith(q)],
        ...(iq === null ? [] : [[prefixRuns(iq, FIELD_INITIALS, SALT_INITIALS), (i: number) => initials[i]!.startsWith(iq)] as [Run[], (i: number) => boolean]]),
      ],
      [
        [substringRuns(q, SALT_TEXT), (i) => names[i]!.includes(q) || namesEn[i]!.includes(q)],
        ...(iq === null ? [] : [[substringRuns(iq, SALT_INITIALS), (i: number) => initials[i]!.includes(iq)] as [Run[], (i: number) => boolean]]),
      ],
    ];
    for (const conditions of tiers) {
      const remaining = max - taken.length;
      if (remaining <= 0) break;
      const found: number[] = [];
      for (const [runs, matches] of conditions) walk(runs, matches, remaining, found);
      found.sort((a, b) => a - b);
      for (const i of found) take(i);
    }
    return taken.map((i) => products[i]!);
  }

  return { size: n, search };
}
