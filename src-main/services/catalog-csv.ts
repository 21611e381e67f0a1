/**
 * Catalog import and export as CSV, the way a shop keeps its product list in Excel or WPS.
 *
 * Columns (header row required, any order, UTF-8 with or without BOM):
 *   sku,barcodes,name,name_en,price,tax_rate,unit,stock,category,active,plu
 * Only `sku` must be there: it names the product. A column that is absent leaves that field of an existing
 * product as it is (new products need name, price and tax_rate); a cell that is present is the truth, except
 * an empty `stock` cell, which means "not counted" and leaves stock alone.
 *
 * A bad row is skipped and reported by its physical line (the header is line 1; a quoted field holding a line
 * break counts every line) with a stable code; the good rows are applied in one transaction. A file that
 * cannot be read as CSV at all changes nothing and throws CatalogCsvError.
 */
import type { Database } from 'better-sqlite3';
import { stringify } from 'csv-stringify/sync';
import { newId } from '../../db/ids';
import {
  CATALOG_CSV_COLUMNS,
  displayBarcode,
  formatMilli,
  formatTaxRate,
  formatYuan,
  guardCell,
  readRows,
  type CatalogCsvColumn,
  type CsvRowErrorCode,
  type SkippedRow,
} from '../../src-common/catalog-rows';
import {
  adjustStock,
  ensureCategory,
  findCategoryByName,
  findProductById,
  findProductByBarcode,
  findProductBySku,
  insertProduct,
  listProducts,
  readBarcodeOwners,
  readPluOwners,
  setProductBarcodes,
  updateProduct,
  type ProductFields,
  type ProductRecord,
} from '../../db/queries/catalog';
import { DEFAULT_WEIGHED_LAYOUT } from '../../src-common/barcode';
import { pinyinInitials } from './catalog-search';

export {
  CATALOG_CSV_COLUMNS,
  CatalogCsvError,
  MAX_IMPORT_ROWS,
  displayBarcode,
  formatMilli,
  formatTaxRate,
  formatYuan,
  guardCell,
  parseActive,
  parseBarcodes,
  parseMilli,
  parsePlu,
  parseTaxRate,
  parseUnit,
  parseYuan,
  readCsvRecords,
  unguardCell,
  type CatalogCsvColumn,
  type CatalogCsvErrorReason,
  type CsvRowErrorCode,
  type SkippedRow,
} from '../../src-common/catalog-rows';

export interface CatalogImportResult {
  inserted: number;
  updated: number;
  /** Rows that matched the product exactly (an exported file imported again). */
  unchanged: number;
  skipped: SkippedRow[];
}

export interface CatalogImportOptions {
  now: Date;
  /** 'upsert' (default): a known SKU updates its product. 'insert': a known SKU is skipped (sku_exists). */
  mode?: 'upsert' | 'insert';
  /** EAN-13 prefixes the shop's scales print (default 20–29): such a code cannot be a product barcode. */
  weighedPrefixes?: readonly string[];
  /** The shop's tax rates (technician settings); a row naming another rate is skipped. Absent: any rate 0–100%. */
  allowedTaxRatesBp?: readonly number[];
  /** Check every row and count what would change, writing nothing (the owner's preview before an import). */
  dryRun?: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Applying it.

function sameBarcodes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

type GoodRowOf = ReturnType<typeof readRows>['rows'][number];

/**
 * Applies good rows one at a time (inside the caller's transaction). The barcode and PLU owners are read once
 * (at the first row, or at once: `readOwnersNow`) and kept up to date in memory as rows are applied.
 */
/**
 * `readOwnersNow`: read every barcode's and PLU's owner at once, outside any transaction (the batched import: a
 * whole-table read of 100,000 barcodes inside its first write transaction held the core's writes back for it);
 * otherwise read at the first row, inside the caller's transaction.
 */
function catalogRowApplier(db: Database, options: CatalogImportOptions, result: CatalogImportResult, readOwnersNow = false) {
  const { now, mode = 'upsert', dryRun = false } = options;
  const at = now.toISOString();
  const ref = `csv:${newId(now.getTime())}`;
  const skipped = result.skipped;
  let barcodeOwnersRead: ReturnType<typeof readBarcodeOwners> | null = readOwnersNow ? readBarcodeOwners(db) : null;
  let pluOwnersRead: ReturnType<typeof readPluOwners> | null = readOwnersNow ? readPluOwners(db) : null;
  const skuLines = new Map<string, number>();
  const skuOf = (productId: string) => findProductById(db, productId)?.sku ?? productId;
  const skip = (line: number, code: CsvRowErrorCode, message: string) => skipped.push({ line, code, message });

  return function applyRow({ line, row, barcodes }: GoodRowOf): void {
    const barcodeOwners = (barcodeOwnersRead ??= readBarcodeOwners(db));
    const pluOwners = (pluOwnersRead ??= readPluOwners(db));
    const firstLine = skuLines.get(row.sku);
    if (firstLine !== undefined) {
      skip(line, 'duplicate_sku', `sku ${row.sku} is already on line ${firstLine}`);
      return;
    }
    const existing: ProductRecord | null = findProductBySku(db, row.sku);
    if (existing && mode === 'insert') {
      skip(line, 'sku_exists', `sku ${row.sku} is already in the catalog`);
      return;
    }
    const productId = existing?.id ?? newId(now.getTime());

    const name = row.name ?? existing?.name;
    const price = row.price ?? existing?.price;
    const taxRateBp = row.tax_rate ?? existing?.tax_rate_bp;
    if (name === undefined) {
      skip(line, 'missing_name', `sku ${row.sku} is new: it needs a name`);
      return;
    }
    if (price === undefined) {
      skip(line, 'missing_price', `sku ${row.sku} is new: it needs a price`);
      return;
    }
    if (taxRateBp === undefined) {
      skip(line, 'missing_tax_rate', `sku ${row.sku} is new: it needs a tax_rate`);
      return;
    }
    if (row.tax_rate !== undefined && options.allowedTaxRatesBp && !options.allowedTaxRatesBp.includes(row.tax_rate)) {
      skip(line, 'tax_rate_not_allowed', `tax_rate ${formatTaxRate(row.tax_rate)} is not one of the shop's tax rates (${options.allowedTaxRatesBp.map(formatTaxRate).join(', ')})`);
      return;
    }
    const unit = row.unit ?? existing?.unit ?? 'each';
    const stock = row.stock ?? null;
    if (stock !== null && unit === 'each' && stock % 1000 !== 0) {
      skip(line, 'bad_stock', `stock ${formatMilli(stock)} is not a whole number of pieces (unit each)`);
      return;
    }
    const claimed = barcodes?.find((key) => {
      const owner = barcodeOwners.get(key);
      return owner !== undefined && owner !== productId;
    });
    if (claimed !== undefined) {
      skip(line, 'duplicate_barcode', `barcode ${displayBarcode(claimed)} already belongs to sku ${skuOf(barcodeOwners.get(claimed)!)}`);
      return;
    }
    const plu = row.plu === undefined ? (existing?.plu ?? null) : row.plu;
    const pluOwner = plu === null ? undefined : pluOwners.get(plu);
    if (pluOwner !== undefined && pluOwner !== productId) {
      skip(line, 'duplicate_plu', `plu ${plu} already belongs to sku ${skuOf(pluOwner)}`);
      return;
    }

    // The row is good: write it.
    const categoryName = row.category === undefined ? undefined : row.category;
    const categoryId =
      categoryName === undefined ? (existing?.category_id ?? null) : categoryName === null
          ? null
          : dryRun
            ? (findCategoryByName(db, categoryName)?.id ?? `new:${categoryName}`)
            : ensureCategory(db, categoryName, newId(now.getTime()));
    const nameEn = row.name_en === undefined ? (existing?.name_en ?? null) : row.name_en;
    const active: 0 | 1 = row.active === undefined ? (existing?.active ?? 1) : row.active ? 1 : 0;
    const fields: ProductFields = {
      sku: row.sku,
      name,
      name_en: nameEn,
      price,
      tax_rate_bp: taxRateBp,
      unit,
      category_id: categoryId,
      active,
      pinyin_initials: existing && existing.name === name ? existing.pinyin_initials : pinyinInitials(name),
      plu,
    };

    if (!existing) {
      if (!dryRun) {
        insertProduct(db, { id: productId, ...fields, created_at: at, updated_at: at });
        setProductBarcodes(db, productId, barcodes ?? []);
        if (stock !== null) adjustStock(db, { productId, deltaMilli: stock, reason: 'import', ref, at });
      }
      result.inserted++;
    } else {
      const fieldsChanged = (Object.keys(fields) as (keyof ProductFields)[]).some((k) => fields[k] !== existing[k]);
      const barcodesChanged = barcodes !== undefined && !sameBarcodes(barcodes, existing.barcodes);
      const stockDelta = stock === null ? 0 : stock - existing.stock_milli;
      if (!dryRun) {
        if (fieldsChanged) updateProduct(db, productId, fields, at);
        if (barcodesChanged) setProductBarcodes(db, productId, barcodes);
        if (stockDelta !== 0) adjustStock(db, { productId, deltaMilli: stockDelta, reason: 'import', ref, at });
      }
      if (fieldsChanged || barcodesChanged || stockDelta !== 0) result.updated++;
      else result.unchanged++;
      if (barcodesChanged) for (const key of existing.barcodes) barcodeOwners.delete(key);
      if (existing.plu !== null && existing.plu !== plu) pluOwners.delete(existing.plu);
    }
    for (const key of barcodes ?? []) barcodeOwners.set(key, productId);
    if (plu !== null) pluOwners.set(plu, productId);
    skuLines.set(row.sku, line);
    };
}

/**
 * Imports a catalog CSV: every good row in one transaction, every bad row reported and skipped.
 * Stock in the file sets the product's stock through a stock_movement ('import') of the difference.
 */
export function importCatalogCsv(db: Database, csvText: string, options: CatalogImportOptions): CatalogImportResult {
  const { rows, skipped } = readRows(csvText, options.weighedPrefixes ?? DEFAULT_WEIGHED_LAYOUT.prefixes);
  const result: CatalogImportResult = { inserted: 0, updated: 0, unchanged: 0, skipped };
  const applyRow = catalogRowApplier(db, options, result);
  db.transaction(() => {
    for (const row of rows) applyRow(row);
  }).immediate();
  skipped.sort((a, b) => a.line - b.line);
  return result;
}

/**
 * What an import of this file would do, writing nothing: the counts to add and change and every bad row. Reads
 * only (no transaction, no write lock), so it runs beside the till's sales; an import started later re-checks
 * every row against the catalog as it is then.
 */
export function previewCatalogCsv(db: Database, csvText: string, options: Omit<CatalogImportOptions, 'dryRun'>): CatalogImportResult {
  const { rows, skipped } = readRows(csvText, options.weighedPrefixes ?? DEFAULT_WEIGHED_LAYOUT.prefixes);
  const result: CatalogImportResult = { inserted: 0, updated: 0, unchanged: 0, skipped };
  const applyRow = catalogRowApplier(db, { ...options, dryRun: true }, result, true);
  for (const row of rows) applyRow(row);
  skipped.sort((a, b) => a.line - b.line);
  return result;
}

/** The column a row error is about (null: the row as a whole), for the preview's table. */
export function columnOfRowError(code: CsvRowErrorCode): CatalogCsvColumn | null {
  switch (code) {
    case 'bad_columns':
      return null;
    case 'missing_sku':
    case 'bad_sku':
    case 'duplicate_sku':
    case 'sku_exists':
      return 'sku';
    case 'missing_name':
    case 'bad_name':
      return 'name';
    case 'bad_name_en':
      return 'name_en';
    case 'missing_price':
    case 'bad_price':
      return 'price';
    case 'missing_tax_rate':
    case 'bad_tax_rate':
    case 'tax_rate_not_allowed':
      return 'tax_rate';
    case 'bad_unit':
      return 'unit';
    case 'bad_stock':
      return 'stock';
    case 'bad_category':
      return 'category';
    case 'bad_active':
      return 'active';
    case 'bad_plu':
    case 'duplicate_plu':
      return 'plu';
    case 'bad_barcode':
    case 'duplicate_barcode':
      return 'barcodes';
  }
}

/**
 * The same import in short transactions of `batchRows` rows, for the SQL worker: the core's writer waits at
 * most one batch for the lock (busy_timeout), never the whole file. `between` runs after each committed batch
 * (progress, a turn of the loop, cancellation: a cancelled import keeps the batches already committed, and as
 * an upsert it can simply be run again).
 */
export async function importCatalogCsvInBatches(
  db: Database,
  csvText: string,
  options: CatalogImportOptions & {
    /** At most this many rows per transaction… */
    batchRows: number;
    /** …and no more rows once a transaction has held the write lock this long (ms): the core's writes wait meanwhile. */
    batchMs: number;
    /** Called after each committed transaction (progress, cancel, a pause that lets the core's writes in). */
    between: (done: number, total: number) => Promise<void>;
  },
): Promise<CatalogImportResult> {
  const { rows, skipped } = readRows(csvText, options.weighedPrefixes ?? DEFAULT_WEIGHED_LAYOUT.prefixes);
  const result: CatalogImportResult = { inserted: 0, updated: 0, unchanged: 0, skipped };
  const applyRow = catalogRowApplier(db, options, result, true);
  await options.between(0, rows.length);
  let done = 0;
  /** Rows before this one have been read ahead. */
  let readAhead = 0;
  while (done < rows.length) {
    // Read what the next rows will touch before taking the write lock (the core waits while it is held): the
    // index pages of their SKUs and barcodes come from the disk now, not inside the transaction. Each row once:
    // a batch ends after batchMs, often long before batchRows, and reading the same rows ahead again for every
    // batch cost more than the import's writes (100,000 rows beside a backup: ~100 s of the worker's thread).
    for (const end = Math.min(rows.length, done + options.batchRows); readAhead < end; readAhead++) {
      const { row, barcodes } = rows[readAhead]!;
      findProductBySku(db, row.sku);
      for (const key of barcodes ?? []) findProductByBarcode(db, key);
    }
    done = db.transaction(() => {
      const started = performance.now();
      let next = done;
      const end = Math.min(rows.length, done + options.batchRows);
      while (next < end && (next === done || performance.now() - started < options.batchMs)) applyRow(rows[next++]!);
      return next;
    }).immediate();
    await options.between(done, rows.length);
  }
  skipped.sort((a, b) => a.line - b.line);
  return result;
}

/**
 * The whole catalog (inactive products too) as CSV in the import's columns, by SKU, with a UTF-8 BOM so Excel
 * and WPS open the Chinese correctly, CRLF line ends, and formula-looking cells guarded.
 */
export function exportCatalogCsv(db: Database): { text: string; rows: number } {
  const records = listProducts(db).map((p) =>
    [
      p.sku,
      p.barcodes.map(displayBarcode).join('|'),
      p.name,
      p.name_en ?? '',
      formatYuan(p.price),
      formatTaxRate(p.tax_rate_bp),
      p.unit,
      formatMilli(p.stock_milli),
      p.category_name ?? '',
      String(p.active),
      p.plu ?? '',
    ].map(guardCell),
  );
  return { text: `\uFEFF${stringify([[...CATALOG_CSV_COLUMNS], ...records], { record_delimiter: '\r\n' })}`, rows: records.length };
}
