/**
 * The chain catalog's import from CSV or XLSX: the till's columns and row rules (src-common/catalog-rows.ts),
 * each row checked against the chain's catalog and the rest of the file, a preview that writes nothing, and the
 * apply, which checks again inside one transaction and writes every good row to every store.
 *
 * XLSX is read with exceljs (maintained, no native code, reads and writes the same format the reports export):
 * the first worksheet, each cell as the text Excel shows, the row number as the line.
 */
import ExcelJS from 'exceljs';
import type pg from 'pg';
import {
  CatalogCsvError,
  readCatalogRecords,
  readCsvRecords,
  displayBarcode,
  type CsvRecord,
  type GoodRow,
  type SkippedRow,
} from '../../src-common/catalog-rows';
import type { CatalogImportReply } from '../../src-common/office/catalog';
import { DEFAULT_WEIGHED_LAYOUT } from '../../src-common/barcode';
import { inTransaction, type Db } from '../database';
import { ApiError } from '../http';
import { bumpEveryStore, newCatalogId, writeChainCategories, writeChainProducts, type ChainProduct } from './catalog';

export async function readXlsxRecords(bytes: Buffer): Promise<CsvRecord[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new CatalogCsvError('unparseable', 'The file cannot be read as an Excel workbook (.xlsx). Save it as .xlsx or CSV UTF-8 and import it again.');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new CatalogCsvError('no_header', 'The workbook has no worksheet.');
  const width = sheet.getRow(1).cellCount;
  const records: CsvRecord[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: string[] = [];
    for (let c = 1; c <= Math.max(width, row.cellCount); c++) cells.push(cellText(row.getCell(c)));
    while (cells.length > width && cells[cells.length - 1] === '') cells.pop();
    records.push({ line, cells });
  });
  return records;
}

/** What Excel shows in a cell: a formula's result, rich text's characters, a whole number without exponent. */
function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  if (typeof value === 'object' && 'result' in value) return value.result === undefined || value.result === null ? '' : String(value.result);
  return cell.text;
}

interface ExistingProduct extends ChainProduct {
  categoryName: string | null;
}

/** The chain's catalog as the import needs it: products by SKU, barcode and PLU owners, categories by name. */
async function readChain(tx: pg.ClientBase) {
  const { rows } = await tx.query<ExistingProduct>(
    `SELECT DISTINCT ON (p.product_id) p.product_id AS id, p.sku, p.name, p.name_en AS "nameEn", coalesce(p.chain_price, p.price) AS price,
            p.tax_rate_bp AS "taxRateBp", p.unit, p.category_id AS "categoryId", p.plu, p.barcodes, coalesce(p.chain_active, p.active) AS active,
            c.name AS "categoryName"
       FROM product p LEFT JOIN category c ON c.store_id = p.store_id AND c.category_id = p.category_id AND NOT c.deleted
      WHERE NOT p.deleted ORDER BY p.product_id, p.store_id`,
  );
  const categories = await tx.query<{ id: string; name: string; sort: number }>(
    `SELECT DISTINCT ON (category_id) category_id AS id, name, sort FROM category WHERE NOT deleted ORDER BY category_id, store_id`,
  );
  return {
    bySku: new Map(rows.map((p) => [p.sku, p])),
    barcodeOwner: new Map(rows.flatMap((p) => p.barcodes.map((b) => [b, p] as const))),
    pluOwner: new Map(rows.flatMap((p) => (p.plu ? [[p.plu, p] as const] : []))),
    categoryByName: new Map(categories.rows.map((c) => [c.name, c.id])),
  };
}

interface Plan {
  reply: CatalogImportReply;
  products: ChainProduct[];
  newCategories: { id: string; name: string; sort: number }[];
}

const same = (a: ChainProduct, b: ChainProduct): boolean =>
  a.sku === b.sku && a.name === b.name && a.nameEn === b.nameEn && a.price === b.price && a.taxRateBp === b.taxRateBp && a.unit === b.unit &&
  a.categoryId === b.categoryId && a.plu === b.plu && a.active === b.active && a.barcodes.join('|') === b.barcodes.join('|');

/** Checks every good row against the chain and the file's earlier rows; what would change, and what is skipped why. */
function plan(chain: Awaited<ReturnType<typeof readChain>>, rows: readonly GoodRow[], skippedByReader: readonly SkippedRow[], columns: readonly string[]): Plan {
  const skipped: SkippedRow[] = [...skippedByReader];
  const skip = (line: number, code: SkippedRow['code'], message: string) => skipped.push({ line, code, message });
  const skuLine = new Map<string, number>();
  const claimedBarcode = new Map<string, string>();
  const claimedPlu = new Map<string, string>();
  const newCategories = new Map<string, { id: string; name: string; sort: number }>();
  const products: ChainProduct[] = [];
  const reply: CatalogImportReply = { applied: false, inserted: 0, updated: 0, unchanged: 0, rows: [], skipped, ignoredColumns: columns.includes('stock') ? ['stock'] : [] };

  for (const { line, row, barcodes } of rows) {
    const earlier = skuLine.get(row.sku);
    if (earlier !== undefined) {
      skip(line, 'duplicate_sku', `sku ${row.sku} is already on line ${earlier}`);
      continue;
    }
    const existing = chain.bySku.get(row.sku);
    const name = row.name ?? existing?.name;
    const price = row.price ?? existing?.price;
    const taxRateBp = row.tax_rate ?? existing?.taxRateBp;
    if (name === undefined) {
      skip(line, 'missing_name', `sku ${row.sku} is new: it needs a name`);
      continue;
    }
    if (price === undefined) {
      skip(line, 'missing_price', `sku ${row.sku} is new: it needs a price`);
      continue;
    }
    if (taxRateBp === undefined) {
      skip(line, 'missing_tax_rate', `sku ${row.sku} is new: it needs a tax_rate`);
      continue;
    }
    const id = existing?.id ?? newCatalogId();
    const finalBarcodes = barcodes ?? existing?.barcodes ?? [];
    const taken = finalBarcodes.find((b) => (chain.barcodeOwner.get(b)?.id ?? id) !== id || (claimedBarcode.get(b) ?? row.sku) !== row.sku);
    if (taken !== undefined) {
      const owner = chain.barcodeOwner.get(taken);
      skip(line, 'duplicate_barcode', `barcode ${displayBarcode(taken)} already belongs to sku ${owner && owner.id !== id ? owner.sku : claimedBarcode.get(taken)}`);
      continue;
    }
    const plu = row.plu === undefined ? (existing?.plu ?? null) : row.plu;
    if (plu !== null && ((chain.pluOwner.get(plu)?.id ?? id) !== id || (claimedPlu.get(plu) ?? row.sku) !== row.sku)) {
      const owner = chain.pluOwner.get(plu);
      skip(line, 'duplicate_plu', `plu ${plu} already belongs to sku ${owner && owner.id !== id ? owner.sku : claimedPlu.get(plu)}`);
      continue;
    }
    let categoryId = existing?.categoryId ?? null;
    if (row.category !== undefined) {
      if (row.category === null) categoryId = null;
      else {
        categoryId = chain.categoryByName.get(row.category) ?? newCategories.get(row.category)?.id ?? null;
        if (categoryId === null) {
          const created = { id: newCatalogId(), name: row.category, sort: 0 };
          newCategories.set(row.category, created);
          categoryId = created.id;
        }
      }
    }
    const product: ChainProduct = {
      id,
      sku: row.sku,
      name,
      nameEn: row.name_en === undefined ? (existing?.nameEn ?? null) : row.name_en,
      price,
      taxRateBp,
      unit: row.unit ?? existing?.unit ?? 'each',
      categoryId,
      plu,
      barcodes: finalBarcodes,
      active: row.active ?? existing?.active ?? true,
    };
    skuLine.set(row.sku, line);
    for (const b of finalBarcodes) claimedBarcode.set(b, row.sku);
    if (plu) claimedPlu.set(plu, row.sku);
    const action = !existing ? 'insert' : same(existing, product) ? 'unchanged' : 'update';
    reply[action === 'insert' ? 'inserted' : action === 'update' ? 'updated' : 'unchanged']++;
    reply.rows.push({ line, sku: row.sku, name, action, price });
    if (action !== 'unchanged') products.push(product);
  }
  skipped.sort((a, b) => a.line - b.line);
  return { reply, products, newCategories: [...newCategories.values()] };
}

/** Reads the file (a file that cannot be read at all is a 400 and changes nothing). */
async function readFile(format: 'csv' | 'xlsx', bytes: Buffer): Promise<CsvRecord[]> {
  if (format === 'xlsx') return readXlsxRecords(bytes);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return readCsvRecords(text);
}

function headerOf(records: readonly CsvRecord[]): string[] {
  const header = records.find((r) => r.cells.some((c) => c.trim() !== ''));
  return header ? header.cells.map((c) => c.replace(/^\uFEFF/, '').trim().toLowerCase()) : [];
}

/** Stock is counted per store (the stock page): its column is left out before the rows are checked, so it cannot fail a row. */
function withoutColumn(records: readonly CsvRecord[], index: number): readonly CsvRecord[] {
  if (index < 0) return records;
  return records.map((r) => ({ line: r.line, cells: r.cells.filter((_, i) => i !== index) }));
}

/** Preview (`apply` false: nothing written) or apply (the good rows in one transaction, every store's version raised once). */
export async function importChainCatalog(db: Db, format: 'csv' | 'xlsx', bytes: Buffer, apply: boolean): Promise<CatalogImportReply> {
  let checked: ReturnType<typeof readCatalogRecords>;
  let columns: string[];
  try {
    const records = await readFile(format, bytes);
    columns = headerOf(records);
    checked = readCatalogRecords(withoutColumn(records, columns.indexOf('stock')), DEFAULT_WEIGHED_LAYOUT.prefixes);
  } catch (error) {
    if (error instanceof CatalogCsvError) throw new ApiError('bad_request', error.message, { reason: error.reason, ...(error.line === undefined ? {} : { line: error.line }) });
    throw error;
  }
  return inTransaction(db, async (tx) => {
    // The apply holds every store's row lock from its first read to its commit, so what it checked is what it writes.
    const versions = apply ? await bumpEveryStore(tx) : null;
    const result = plan(await readChain(tx), checked.rows, checked.skipped, columns);
    if (!versions) return result.reply;
    await writeChainCategories(tx, versions, result.newCategories);
    await writeChainProducts(tx, versions, result.products);
    return { ...result.reply, applied: true };
  });
}
