import type { Database } from 'better-sqlite3';
import { newId } from '../ids';
import { stmt } from '../statements';

export type ProductUnit = 'each' | 'kg';
export type StockReason = 'sale' | 'import' | 'adjust' | 'void' | 'receive' | 'count';

export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  name_en: string | null;
  /** Tax-inclusive, minor units (fen). */
  price: number;
  tax_rate_bp: number;
  unit: ProductUnit;
  stock_milli: number;
  category_id: string | null;
  active: 0 | 1;
  pinyin_initials: string;
  plu: string | null;
  created_at: string;
  updated_at: string;
}

/** A product with what a screen needs beside it: its category's name and its barcode keys in order. */
export interface ProductRecord extends ProductRow {
  category_name: string | null;
  barcodes: string[];
}

/** What a new product is written with; its stock starts at 0 and moves only by `adjustStock`. */
export type NewProductRow = Omit<ProductRow, 'stock_milli'>;

/** The fields an edit may change (not the id, stock or timestamps). */
export type ProductFields = Pick<
  ProductRow,
  'sku' | 'name' | 'name_en' | 'price' | 'tax_rate_bp' | 'unit' | 'category_id' | 'active' | 'pinyin_initials' | 'plu'
>;

export interface CategoryRow {
  id: string;
  name: string;
  sort: number;
}

export interface StockMovementRow {
  id: string;
  product_id: string;
  delta_milli: number;
  reason: StockReason;
  ref: string | null;
  at: string;
}

const SELECT_PRODUCT =
  'SELECT p.id, p.sku, p.name, p.name_en, p.price, p.tax_rate_bp, p.unit, p.stock_milli, p.category_id, p.active, ' +
  'p.pinyin_initials, p.plu, p.created_at, p.updated_at, c.name AS category_name FROM product p LEFT JOIN category c ON c.id = p.category_id';

type ProductJoinRow = ProductRow & { category_name: string | null };

function withBarcodes(db: Database, row: ProductJoinRow | undefined): ProductRecord | null {
  if (!row) return null;
  const barcodes = stmt(db, 'SELECT barcode FROM product_barcode WHERE product_id = ? ORDER BY position, barcode').pluck().all(row.id) as string[];
  return { ...row, barcodes };
}

export function insertProduct(db: Database, row: NewProductRow): void {
  stmt(
    db,
    'INSERT INTO product (id, sku, name, name_en, price, tax_rate_bp, unit, stock_milli, category_id, active, pinyin_initials, plu, created_at, updated_at) ' +
      'VALUES (@id, @sku, @name, @name_en, @price, @tax_rate_bp, @unit, 0, @category_id, @active, @pinyin_initials, @plu, @created_at, @updated_at)',
  ).run(row);
}

/** Writes the editable fields; returns false when no product has that id. */
export function updateProduct(db: Database, id: string, fields: ProductFields, now: string): boolean {
  const info = stmt(
    db,
    'UPDATE product SET sku = @sku, name = @name, name_en = @name_en, price = @price, tax_rate_bp = @tax_rate_bp, unit = @unit, ' +
      'category_id = @category_id, active = @active, pinyin_initials = @pinyin_initials, plu = @plu, updated_at = @updated_at WHERE id = @id',
  ).run({ ...fields, id, updated_at: now });
  return info.changes > 0;
}

/**
 * Replaces the product's barcodes (canonical keys, first = primary). A key that belongs to another
 * product makes this throw (primary key), so run it inside the caller's transaction.
 */
export function setProductBarcodes(db: Database, productId: string, keys: readonly string[]): void {
  stmt(db, 'DELETE FROM product_barcode WHERE product_id = ?').run(productId);
  const insert = stmt(db, 'INSERT INTO product_barcode (barcode, product_id, position) VALUES (?, ?, ?)');
  keys.forEach((key, position) => insert.run(key, productId, position));
}

export function findProductById(db: Database, id: string): ProductRecord | null {
  return withBarcodes(db, stmt(db, `${SELECT_PRODUCT} WHERE p.id = ?`).get(id) as ProductJoinRow | undefined);
}

export function findProductBySku(db: Database, sku: string): ProductRecord | null {
  return withBarcodes(db, stmt(db, `${SELECT_PRODUCT} WHERE p.sku = ?`).get(sku) as ProductJoinRow | undefined);
}

/** By canonical barcode key (see product_barcode in 0002_catalog.sql). */
export function findProductByBarcode(db: Database, key: string): ProductRecord | null {
  return withBarcodes(
    db,
    stmt(db, `${SELECT_PRODUCT} WHERE p.id = (SELECT product_id FROM product_barcode WHERE barcode = ?)`).get(key) as
      | ProductJoinRow
      | undefined,
  );
}

export function findProductByPlu(db: Database, plu: string): ProductRecord | null {
  return withBarcodes(db, stmt(db, `${SELECT_PRODUCT} WHERE p.plu = ?`).get(plu) as ProductJoinRow | undefined);
}

function attachBarcodes(db: Database, rows: ProductJoinRow[], filter: string, params: unknown[]): ProductRecord[] {
  const byProduct = new Map<string, string[]>();
  const barcodeRows = stmt(
    db,
    `SELECT b.product_id, b.barcode FROM product_barcode b JOIN product p ON p.id = b.product_id ${filter} ORDER BY b.product_id, b.position, b.barcode`,
  )
    .raw()
    .all(...params) as [string, string][];
  for (const [productId, barcode] of barcodeRows) {
    const list = byProduct.get(productId);
    if (list) list.push(barcode);
    else byProduct.set(productId, [barcode]);
  }
  return rows.map((row) => ({ ...row, barcodes: byProduct.get(row.id) ?? [] }));
}

/** Every product (or only the active ones), ordered by SKU, with barcodes: for the search index and export. */
export function listProducts(db: Database, options: { activeOnly?: boolean } = {}): ProductRecord[] {
  const filter = options.activeOnly ? 'WHERE p.active = 1' : '';
  const rows = stmt(db, `${SELECT_PRODUCT} ${filter} ORDER BY p.sku`).all() as ProductJoinRow[];
  return attachBarcodes(db, rows, filter, []);
}

/** What the search index is built from. */
export function listActiveProductsForSearch(db: Database): ProductRecord[] {
  return listProducts(db, { activeOnly: true });
}

/** The products of one category (null: those without one), by name. */
export function listProductsByCategory(db: Database, categoryId: string | null, options: { activeOnly?: boolean } = {}): ProductRecord[] {
  const active = options.activeOnly ? ' AND p.active = 1' : '';
  const filter = categoryId === null ? `WHERE p.category_id IS NULL${active}` : `WHERE p.category_id = ?${active}`;
  const params = categoryId === null ? [] : [categoryId];
  const rows = stmt(db, `${SELECT_PRODUCT} ${filter} ORDER BY p.name, p.sku`).all(...params) as ProductJoinRow[];
  return attachBarcodes(db, rows, filter, params);
}

/** Barcode key → product id for every barcode in the catalog (import checks claims against it). */
export function readBarcodeOwners(db: Database): Map<string, string> {
  const rows = stmt(db, 'SELECT barcode, product_id FROM product_barcode').raw().all() as [string, string][];
  return new Map(rows);
}

/** PLU → product id for every weighed product. */
export function readPluOwners(db: Database): Map<string, string> {
  const rows = stmt(db, 'SELECT plu, id FROM product WHERE plu IS NOT NULL').raw().all() as [string, string][];
  return new Map(rows);
}

export function countProducts(db: Database, options: { activeOnly?: boolean } = {}): number {
  const sql = options.activeOnly ? 'SELECT count(*) FROM product WHERE active = 1' : 'SELECT count(*) FROM product';
  return stmt(db, sql).pluck().get() as number;
}

export interface StockMovementInput {
  /** A ULID; made here when not given. */
  id?: string;
  productId: string;
  deltaMilli: number;
  reason: StockReason;
  ref: string | null;
  at: string;
}

/**
 * Moves a product's stock by `deltaMilli` and appends the movement that says why, in the caller's
 * transaction (a sale commits both with the sale). Returns the new stock; it may be below zero.
 * A zero delta writes nothing.
 */
export function adjustStock(db: Database, movement: StockMovementInput): number {
  if (!db.inTransaction) throw new Error('adjustStock must run inside the caller’s transaction');
  if (movement.deltaMilli !== 0) {
    stmt(db, 'INSERT INTO stock_movement (id, product_id, delta_milli, reason, ref, at) VALUES (?, ?, ?, ?, ?, ?)').run(
      movement.id ?? newId(Date.parse(movement.at) || undefined),
      movement.productId,
      movement.deltaMilli,
      movement.reason,
      movement.ref,
      movement.at,
    );
  }
  const stock = stmt(db, 'UPDATE product SET stock_milli = stock_milli + ? WHERE id = ? RETURNING stock_milli')
    .pluck()
    .get(movement.deltaMilli, movement.productId) as number | undefined;
  if (stock === undefined) throw new Error(`adjustStock: no product ${movement.productId}`);
  return stock;
}

export function listStockMovements(db: Database, productId: string): StockMovementRow[] {
  return stmt(db, 'SELECT id, product_id, delta_milli, reason, ref, at FROM stock_movement WHERE product_id = ? ORDER BY at, id').all(
    productId,
  ) as StockMovementRow[];
}

export function listCategories(db: Database): CategoryRow[] {
  return stmt(db, 'SELECT id, name, sort FROM category ORDER BY sort, name').all() as CategoryRow[];
}

export function findCategoryByName(db: Database, name: string): CategoryRow | null {
  return (stmt(db, 'SELECT id, name, sort FROM category WHERE name = ?').get(name) as CategoryRow | undefined) ?? null;
}

/** The id of the category with this name, creating it (after the last one) with `newId` when missing. */
export function ensureCategory(db: Database, name: string, newId: string): string {
  const existing = findCategoryByName(db, name);
  if (existing) return existing.id;
  stmt(db, 'INSERT INTO category (id, name, sort) VALUES (?, ?, (SELECT coalesce(max(sort), 0) + 1 FROM category))').run(newId, name);
  return newId;
}

// ---------------------------------------------------------------------------------------------------------
// The owner's product list and category editor (issue 16).

export type ProductStatus = 'active' | 'inactive' | 'all';

function pageFilter(options: { status: ProductStatus; categoryId?: string | undefined }): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (options.status !== 'all') clauses.push(`p.active = ${options.status === 'active' ? 1 : 0}`);
  if (options.categoryId !== undefined) {
    clauses.push('p.category_id = ?');
    params.push(options.categoryId);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/**
 * One page of the catalog by SKU (the product_sku index walks it in order), and how many match. At 100,000
 * products a deep page skips rows in the index only: a few ms.
 */
export function listProductPage(
  db: Database,
  options: { status: ProductStatus; categoryId?: string | undefined; offset: number; limit: number },
): { rows: ProductRecord[]; total: number } {
  const { where, params } = pageFilter(options);
  const total = stmt(db, `SELECT count(*) FROM product p ${where}`).pluck().get(...params) as number;
  // The page's rowids first (skipping rows in the product_sku index alone, which holds the rowid), then the rows.
  const rows = stmt(
    db,
    `${SELECT_PRODUCT} WHERE p.rowid IN (SELECT p.rowid FROM product p ${where} ORDER BY p.sku LIMIT ? OFFSET ?) ORDER BY p.sku`,
  ).all(...params, options.limit, options.offset) as ProductJoinRow[];
  if (rows.length === 0) return { rows: [], total };
  const ids = JSON.stringify(rows.map((r) => r.id));
  return { rows: attachBarcodes(db, rows, 'WHERE p.id IN (SELECT value FROM json_each(?))', [ids]), total };
}

/**
 * Inactive products whose name, English name, SKU or pinyin initials contain `text`, or that carry the barcode
 * key `barcode` (the search index holds active products only; inactive ones are few).
 */
export function searchInactiveProducts(db: Database, text: string, barcode: string | null, limit: number): ProductRecord[] {
  const like = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = stmt(
    db,
    `${SELECT_PRODUCT} WHERE p.active = 0 AND (lower(p.name) LIKE @like ESCAPE '\\' OR lower(coalesce(p.name_en, '')) LIKE @like ESCAPE '\\' ` +
      `OR lower(p.sku) LIKE @like ESCAPE '\\' OR p.pinyin_initials LIKE @like ESCAPE '\\' ` +
      'OR p.id IN (SELECT product_id FROM product_barcode WHERE barcode = @barcode)) ORDER BY p.sku LIMIT @limit',
  ).all({ like, barcode, limit }) as ProductJoinRow[];
  if (rows.length === 0) return [];
  return attachBarcodes(db, rows, 'WHERE p.id IN (SELECT value FROM json_each(?))', [JSON.stringify(rows.map((r) => r.id))]);
}

export function setProductActive(db: Database, id: string, active: boolean, now: string): boolean {
  return stmt(db, 'UPDATE product SET active = ?, updated_at = ? WHERE id = ?').run(active ? 1 : 0, now, id).changes > 0;
}

export interface CategoryCountRow extends CategoryRow {
  products: number;
}

/** Categories in shelf order with their number of active products. */
export function listCategoriesWithCounts(db: Database): CategoryCountRow[] {
  return stmt(
    db,
    'SELECT c.id, c.name, c.sort, (SELECT count(*) FROM product p WHERE p.category_id = c.id AND p.active = 1) AS products FROM category c ORDER BY c.sort, c.name',
  ).all() as CategoryCountRow[];
}

export function findCategoryById(db: Database, id: string): CategoryRow | null {
  return (stmt(db, 'SELECT id, name, sort FROM category WHERE id = ?').get(id) as CategoryRow | undefined) ?? null;
}

export function renameCategory(db: Database, id: string, name: string): boolean {
  return stmt(db, 'UPDATE category SET name = ? WHERE id = ?').run(name, id).changes > 0;
}

/** Gives each category its position in `ids` (1, 2, …), in the caller's transaction. */
export function setCategoryOrder(db: Database, ids: readonly string[]): void {
  const update = stmt(db, 'UPDATE category SET sort = ? WHERE id = ?');
  ids.forEach((id, index) => update.run(index + 1, id));
}
