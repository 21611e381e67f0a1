/**
 * Catalog search as the cashier types, at 100,000 products (goal: p95 < 5 ms on a slow 2-core machine),
 * beside the naive baseline measured in the same run: `products.filter(p => p.name.includes(q))`.
 */
import { validateRetailBarcode } from '../src-common/barcode';
import { buildCatalogSearchIndex } from '../src-main/services/catalog-search';
import { generateCatalogEntries } from '../src-main/services/demo-catalog';
import { percentile } from './stats';

const round = (x: number) => Number(x.toFixed(3));

function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** What cashiers type: every prefix of names, initials, SKUs and barcodes, English words, and misses. */
function realisticQueries(entries: ReturnType<typeof generateCatalogEntries>): string[] {
  const queries: string[] = [];
  const typed = (text: string, upTo = text.length) => {
    for (let n = 1; n <= Math.min(upTo, text.length); n++) queries.push(text.slice(0, n));
  };
  // A spread of products across the catalog, not just the demo items at the front.
  const picks = [0, 7, 42, 123, 301, 5_000, 33_333, 50_001, 77_777, 99_999].map((i) => entries[i % entries.length]!);
  for (const { product, pinyinInitials } of picks) {
    typed(product.name, 6); // 可, 可口, 可口可 …
    typed(pinyinInitials, 6); // k, kk, kkk …
    typed(product.sku.toLowerCase(), 8);
    if (product.barcodes[0]) {
      queries.push(product.barcodes[0]); // a scan into the search box, or typed in full
      typed(product.barcodes[0].slice(0, 8), 8);
    }
    if (product.nameEn) typed(product.nameEn.toLowerCase().split(' ')[0]!, 6);
  }
  queries.push('可乐', '牛奶', '方便面', '薯片', '纸', '苹果', '家庭装', '华东', 'kkkl', 'nfsq', 'ksf', 'tyl', 'chips', 'milk', 'tea', 'water');
  // Misses: a full scan of every field, the worst case.
  queries.push('zzqx', 'xyzzy', '不存在的商品', '宇宙飞船', '6999999999994', 'qqqqqq', 'mmmmmmmmm', 'zq', 'q', 'kkklzz');
  return queries;
}

export async function catalogSearchBench(): Promise<{
  products: number;
  buildMs: number;
  queries: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  baselineLinearIncludesP50Ms: number;
}> {
  const count = 100_000;
  const entries = generateCatalogEntries(count);
  const barcodeKey = (code: string) => {
    const check = validateRetailBarcode(code);
    return check.ok ? check.key : null;
  };

  const buildStarted = process.hrtime.bigint();
  const index = buildCatalogSearchIndex(entries, { barcodeKey });
  const buildMs = elapsedMs(buildStarted);

  const queries = realisticQueries(entries);
  // Warm up the JIT (what a terminal has done by the second customer).
  for (let i = 0; i < 3; i++) for (const q of queries) index.search(q);

  const samples: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const q of queries) {
      const started = process.hrtime.bigint();
      index.search(q);
      samples.push(elapsedMs(started));
    }
  }
  samples.sort((a, b) => a - b);

  // Baseline: the obvious implementation, over the same products and queries, in the same run.
  const products = entries.map((e) => e.product);
  for (const q of queries.slice(0, 20)) products.filter((p) => p.name.includes(q));
  const baseline: number[] = [];
  for (const q of queries) {
    const started = process.hrtime.bigint();
    products.filter((p) => p.name.includes(q));
    baseline.push(elapsedMs(started));
  }
  baseline.sort((a, b) => a - b);

  return {
    products: index.size,
    buildMs: round(buildMs),
    queries: samples.length,
    p50Ms: round(percentile(samples, 50)),
    p95Ms: round(percentile(samples, 95)),
    maxMs: round(samples.at(-1)!),
    baselineLinearIncludesP50Ms: round(percentile(baseline, 50)),
  };
}
