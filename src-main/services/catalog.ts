import type { Database } from 'better-sqlite3';
import { validateRetailBarcode } from '../../src-common/barcode';
import { Product } from '../../src-common/schemas';
import { PosError } from '../../src-common/errors';
import {
  countProducts,
  findProductByBarcode,
  findProductById,
  findProductByPlu,
  findProductBySku,
  listActiveProductsForSearch,
  listCategories,
  listProductsByCategory,
  type CategoryRow,
  type ProductRecord,
} from '../../db/queries/catalog';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import { displayBarcode, importCatalogCsv, type CatalogImportResult } from './catalog-csv';
import { buildCatalogSearchIndex, DEFAULT_SEARCH_LIMIT, type CatalogSearchIndex } from './catalog-search';
import { insertDemoCatalog } from './demo-catalog';

/** The product shape of the API (declared in src-common/schemas.ts), re-exported for the catalog's callers. */
export { Product };

export interface CatalogService {
  /** What the cashier typed → up to `limit` (default 20) active products, best first; [] for a blank query. */
  search(query: string, limit?: number): Promise<Product[]>;
  /** A scanned EAN-13 / UPC-A / UPC-E / EAN-8, by its canonical key. Inactive products are returned too (check `active`). */
  lookupBarcode(code: string): Product | null;
  lookupSku(sku: string): Product | null;
  /** A weighed product by the PLU a scale label carries (1–5 digits; zero-padded to 5). */
  lookupPlu(plu: string): Product | null;
  get(id: string): Product | null;
  categories(): CategoryRow[];
  /** Active products of one category (null: those without one), by name: for a category grid. */
  byCategory(categoryId: string | null): Product[];
  importCsv(csvText: string, options?: { mode?: 'upsert' | 'insert'; allowedTaxRatesBp?: readonly number[] }): CatalogImportResult;
  /** Inserts the demo catalog when there is no product at all; returns how many were inserted. */
  loadDemoIfEmpty(): number;
  /** Number of products, inactive ones included. */
  count(): number;
  /** Rebuilds the search index from the database (after products were changed by other means); search uses the old one until it is done. */
  refreshIndex(): Promise<void>;
  /** Resolves once the latest rebuild of the search index is in use. */
  whenIndexed(): Promise<void>;
}

export function toProduct(record: ProductRecord): Product {
  return {
    id: record.id,
    sku: record.sku,
    name: record.name,
    nameEn: record.name_en,
    price: record.price,
    taxRateBp: record.tax_rate_bp,
    unit: record.unit,
    stockMilli: record.stock_milli,
    categoryId: record.category_id,
    categoryName: record.category_name,
    active: record.active === 1,
    barcodes: record.barcodes.map(displayBarcode),
    plu: record.plu,
  };
}

export const barcodeKey = (code: string): string | null => {
  const check = validateRetailBarcode(code);
  return check.ok ? check.key : null;
};

/** Keeps and searches the catalog index elsewhere (the search worker). */
export interface CatalogSearcher {
  /** Builds the index from the database anew; resolves with its number of products. */
  rebuild(): Promise<number>;
  search(query: string, limit: number): Promise<Product[]>;
}

export function createCatalogService(deps: {
  db: Database;
  clock: Clock;
  log: Logger;
  /**
   * Where the index is kept and searched instead of here: the search worker (~0.7 s to build at 100,000
   * products, and its heap, not the core's, carries them). Without it, built here and at once.
   */
  searcher?: CatalogSearcher;
}): CatalogService {
  const { db, clock, log } = deps;
  let index: CatalogSearchIndex = buildCatalogSearchIndex([]);
  /** The search worker, once it holds the index (else the index above is searched). */
  let remote: CatalogSearcher | null = null;
  let indexed = false;
  let generation = 0;
  let indexing: Promise<void> = Promise.resolve();
  const stockOf = db.prepare('SELECT id, stock_milli FROM product WHERE id IN (SELECT value FROM json_each(?))').raw();

  function buildHere(): CatalogSearchIndex {
    const entries = listActiveProductsForSearch(db).map((r) => ({ product: toProduct(r), pinyinInitials: r.pinyin_initials }));
    return buildCatalogSearchIndex(entries, { barcodeKey });
  }

  function refreshIndex(): Promise<void> {
    const started = performance.now();
    const mine = ++generation;
    const use = (built: CatalogSearchIndex) => {
      // A rebuild started later wins over one that finishes later.
      if (mine !== generation) return;
      index = built;
      indexed = true;
      log.debug({ products: built.size, ms: Math.round(performance.now() - started) }, 'catalog search index built');
    };
    const searcher = deps.searcher;
    if (!searcher) {
      use(buildHere());
      return Promise.resolve();
    }
    indexing = searcher.rebuild().then(
      (products) => {
        if (mine !== generation) return;
        remote = searcher;
        indexed = true;
        log.debug({ products, ms: Math.round(performance.now() - started) }, 'catalog search index built in the search worker');
      },
      (error: unknown) => {
        if (indexed) {
          log.error({ err: error }, 'catalog search index not rebuilt; the previous one stays in use');
          return;
        }
        // The terminal is stopping (a stop in its first second, before the worker was up): nothing will search.
        if (error instanceof PosError && (error.details as { reason?: string } | undefined)?.reason === 'stopping') return;
        // Never built (the worker failed at start-up): built here, blocking once, rather than no search at all.
        log.error({ err: error }, 'catalog search index not built by the search worker; building it on the core');
        use(buildHere());
      },
    );
    return indexing;
  }
  void refreshIndex();

  const found = (record: ProductRecord | null) => (record ? toProduct(record) : null);

  return {
    async search(query, limit) {
      const products = remote ? await remote.search(query, limit ?? DEFAULT_SEARCH_LIMIT) : index.search(query, limit);
      if (products.length === 0) return products;
      // Everything but stock changes only through this service (which rebuilds the index); stock moves with
      // every sale, so read it fresh.
      const stock = new Map(stockOf.all(JSON.stringify(products.map((p) => p.id))) as [string, number][]);
      return products.map((p) => ({ ...p, stockMilli: stock.get(p.id) ?? p.stockMilli }));
    },

    lookupBarcode(raw) {
      const code = raw.trim();
      if (!/^[0-9]+$/.test(code)) return null;
      const check = validateRetailBarcode(code);
      if (check.ok) {
        const product = findProductByBarcode(db, check.key);
        if (product || code.length !== 8) return found(product);
        // 8 digits can be valid both as UPC-E and as EAN-8: try the other reading.
        const other = validateRetailBarcode(code, check.symbology === 'upce' ? 'ean8' : 'upce');
        return other.ok ? found(findProductByBarcode(db, other.key)) : null;
      }
      return found(findProductByBarcode(db, code));
    },

    lookupSku(sku) {
      return found(findProductBySku(db, sku.trim()));
    },

    lookupPlu(plu) {
      const digits = plu.trim();
      if (!/^[0-9]{1,5}$/.test(digits)) return null;
      return found(findProductByPlu(db, digits.padStart(5, '0')));
    },

    get(id) {
      return found(findProductById(db, id));
    },

    categories() {
      return listCategories(db);
    },

    byCategory(categoryId) {
      return listProductsByCategory(db, categoryId, { activeOnly: true }).map(toProduct);
    },

    importCsv(csvText, options = {}) {
      const result = importCatalogCsv(db, csvText, {
        now: clock.now(),
        mode: options.mode ?? 'upsert',
        ...(options.allowedTaxRatesBp ? { allowedTaxRatesBp: options.allowedTaxRatesBp } : {}),
      });
      if (result.inserted + result.updated > 0) void refreshIndex();
      log.info(
        {
          inserted: result.inserted,
          updated: result.updated,
          unchanged: result.unchanged,
          skipped: result.skipped.length,
          firstSkipped: result.skipped.slice(0, 5).map((s) => `${s.line}:${s.code}`),
        },
        'catalog CSV imported',
      );
      return result;
    },

    loadDemoIfEmpty() {
      const inserted = db.transaction(() => insertDemoCatalog(db, clock.now())).immediate();
      if (inserted > 0) void refreshIndex();
      return inserted;
    },

    count() {
      return countProducts(db);
    },

    refreshIndex,

    async whenIndexed() {
      let waited: Promise<void>;
      do {
        waited = indexing;
        await waited;
      } while (waited !== indexing);
    },
  };
}
