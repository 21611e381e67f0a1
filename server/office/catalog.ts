/**
 * One catalog for the chain with per-store prices, on the per-store product rows the tills pull
 * (migration 0006_catalog.sql explains the columns). The owner's chain write reaches every store in one
 * transaction, each store's version raised once; a store's own price and on/off switch are never overwritten by
 * it. A store-level write raises only that store's version. Writes lock the store rows in store_id order (one
 * order for every writer of several stores, so two chain writes cannot deadlock).
 */
import type pg from 'pg';
import { ulid } from 'ulid';
import type { CatalogCategory, CatalogList, CatalogProduct, CatalogTill } from '../../src-common/office/catalog';
import { bumpStoreVersion } from '../api/projections';
import { inTransaction, type Db } from '../database';
import { ApiError, notFound } from '../http';

/** A chain product as written (ChainProductInput after parsing, with its id). */
export interface ChainProduct {
  id: string;
  sku: string;
  name: string;
  nameEn: string | null;
  price: number;
  taxRateBp: number;
  unit: 'each' | 'kg';
  categoryId: string | null;
  plu: string | null;
  barcodes: string[];
  active: boolean;
}

export const LIST_LIMIT = 200;

/**
 * Locks every store row, in store_id order (as lockStores does, so this and a transfer cannot deadlock), and raises
 * each store's version once; returns store → version. Each store is locked by its own statement, in a loop on the
 * server: Citus runs no FOR UPDATE across shards, and a loop from here cost a round trip a store (500 stores: ~200 ms
 * against ~6 ms on the server, on PostgreSQL 15).
 */
export async function bumpEveryStore(tx: pg.ClientBase): Promise<Map<string, number>> {
  await tx.query(`DO $$DECLARE id text;
    BEGIN FOR id IN SELECT store_id FROM store ORDER BY store_id LOOP PERFORM 1 FROM store WHERE store_id = id FOR UPDATE; END LOOP; END$$`);
  const { rows } = await tx.query<{ store_id: string; version: number }>(`UPDATE store SET version = version + 1 RETURNING store_id, version`);
  if (rows.length === 0) throw new ApiError('bad_request', 'There is no store yet: add a store first, then its catalog');
  return new Map(rows.map((r) => [r.store_id, r.version]));
}

export interface Conflict {
  productId: string;
  sku: string;
  field: 'sku' | 'barcode' | 'plu';
  value: string;
}

/** Other products (in any store) that already hold one of these SKUs, barcodes or PLUs. */
export async function findConflicts(tx: pg.ClientBase, products: readonly ChainProduct[]): Promise<Conflict[]> {
  if (products.length === 0) return [];
  const ids = products.map((p) => p.id);
  const skus = products.map((p) => p.sku);
  const barcodes = products.flatMap((p) => p.barcodes);
  const plus = products.flatMap((p) => (p.plu ? [p.plu] : []));
  const { rows } = await tx.query<{ product_id: string; sku: string; barcodes: string[]; plu: string | null }>(
    `SELECT DISTINCT product_id, sku, barcodes, plu FROM product
      WHERE NOT deleted AND NOT (product_id = ANY($1)) AND (sku = ANY($2) OR barcodes && $3::text[] OR plu = ANY($4))`,
    [ids, skus, barcodes, plus],
  );
  const conflicts: Conflict[] = [];
  for (const r of rows) {
    if (skus.includes(r.sku)) conflicts.push({ productId: r.product_id, sku: r.sku, field: 'sku', value: r.sku });
    for (const b of r.barcodes) if (barcodes.includes(b)) conflicts.push({ productId: r.product_id, sku: r.sku, field: 'barcode', value: b });
    if (r.plu && plus.includes(r.plu)) conflicts.push({ productId: r.product_id, sku: r.sku, field: 'plu', value: r.plu });
  }
  return conflicts;
}

export function conflictMessage(c: Conflict): string {
  return c.field === 'sku' ? `SKU ${c.value} already belongs to another product` : `${c.field === 'barcode' ? 'Barcode' : 'PLU'} ${c.value} already belongs to SKU ${c.sku}`;
}

/** Throws 400 unless every category id is a live chain category. */
async function requireCategories(tx: pg.ClientBase, ids: readonly string[]): Promise<void> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return;
  const { rows } = await tx.query<{ category_id: string }>(`SELECT DISTINCT category_id FROM category WHERE category_id = ANY($1) AND NOT deleted`, [wanted]);
  const found = new Set(rows.map((r) => r.category_id));
  const missing = wanted.find((id) => !found.has(id));
  if (missing) throw new ApiError('bad_request', `Category ${missing} does not exist`, { reason: 'unknown_category', categoryId: missing });
}

/**
 * Writes chain products to every store (inside the caller's transaction, after bumpEveryStore): the chain's
 * fields are the truth; price and active follow each store's own price and switch.
 */
export async function writeChainProducts(tx: pg.ClientBase, versions: ReadonlyMap<string, number>, products: readonly ChainProduct[]): Promise<void> {
  if (products.length === 0) return;
  await requireCategories(tx, products.flatMap((p) => (p.categoryId ? [p.categoryId] : [])));
  await tx.query(
    `INSERT INTO product (store_id, product_id, sku, name, name_en, price, tax_rate_bp, unit, category_id, plu, active, barcodes, deleted, version,
                          chain_price, override_price, chain_active, store_active)
     SELECT s.store_id, p.id, p.sku, p.name, p."nameEn", p.price, p."taxRateBp", p.unit, p."categoryId", p.plu, p.active, p.barcodes, false, s.version,
            p.price, NULL, p.active, true
       FROM unnest($1::text[], $2::bigint[]) AS s(store_id, version)
      CROSS JOIN jsonb_to_recordset($3::jsonb) AS p(id text, sku text, name text, "nameEn" text, price bigint, "taxRateBp" int, unit text,
                                                    "categoryId" text, plu text, barcodes text[], active boolean)
     ON CONFLICT (store_id, product_id) DO UPDATE SET sku = EXCLUDED.sku, name = EXCLUDED.name, name_en = EXCLUDED.name_en,
       tax_rate_bp = EXCLUDED.tax_rate_bp, unit = EXCLUDED.unit, category_id = EXCLUDED.category_id, plu = EXCLUDED.plu,
       barcodes = EXCLUDED.barcodes, chain_price = EXCLUDED.chain_price, chain_active = EXCLUDED.chain_active,
       price = coalesce(product.override_price, EXCLUDED.chain_price),
       active = EXCLUDED.chain_active AND product.store_active,
       deleted = false, version = EXCLUDED.version`,
    [[...versions.keys()], [...versions.values()], JSON.stringify(products)],
  );
}

/** The owner's edit of one product for the whole chain: 400 (nothing written) when its SKU, a barcode or its PLU is taken. */
export async function saveChainProduct(db: Db, product: ChainProduct): Promise<{ productId: string; versions: Record<string, number> }> {
  return inTransaction(db, async (tx) => {
    const versions = await bumpEveryStore(tx);
    const conflicts = await findConflicts(tx, [product]);
    if (conflicts.length > 0) {
      throw new ApiError('bad_request', conflicts.map(conflictMessage).join('; '), { reason: 'taken', conflicts });
    }
    await writeChainProducts(tx, versions, [product]);
    return { productId: product.id, versions: Object.fromEntries(versions) };
  });
}

export async function productExists(db: Db, productId: string): Promise<boolean> {
  const { rowCount } = await db.query(`SELECT 1 FROM product WHERE product_id = $1 AND NOT deleted LIMIT 1`, [productId]);
  return (rowCount ?? 0) > 0;
}

/** Runs a change of one store's rows under the store's next version. */
async function inStoreVersion<T>(db: Db, storeId: string, change: (tx: pg.PoolClient, version: number) => Promise<T>): Promise<T> {
  return inTransaction(db, async (tx) => {
    const { rowCount } = await tx.query('SELECT 1 FROM store WHERE store_id = $1 FOR UPDATE', [storeId]);
    if (!rowCount) throw notFound('Store');
    return change(tx, await bumpStoreVersion(tx, storeId));
  });
}

/** A store's own price (null: follow the chain's again). */
export async function setStorePrice(db: Db, storeId: string, productId: string, price: number | null) {
  return inStoreVersion(db, storeId, async (tx, version) => {
    const { rows } = await tx.query<{ price: number }>(
      `UPDATE product SET override_price = $3, price = coalesce($3, chain_price, price), version = $4
        WHERE store_id = $1 AND product_id = $2 AND NOT deleted RETURNING price`,
      [storeId, productId, price, version],
    );
    if (!rows[0]) throw notFound('Product');
    return { productId, storeId, price: rows[0].price, overridePrice: price, version };
  });
}

/** A store's own on/off switch (the chain's switch still applies). */
export async function setStoreActive(db: Db, storeId: string, productId: string, storeActive: boolean) {
  return inStoreVersion(db, storeId, async (tx, version) => {
    const { rows } = await tx.query<{ active: boolean }>(
      `UPDATE product SET store_active = $3, active = coalesce(chain_active, true) AND $3, version = $4
        WHERE store_id = $1 AND product_id = $2 AND NOT deleted RETURNING active`,
      [storeId, productId, storeActive, version],
    );
    if (!rows[0]) throw notFound('Product');
    return { productId, storeId, storeActive, active: rows[0].active, version };
  });
}

/**
 * Gives a store every chain product and category it has no row of (a store added after them), at the chain's price
 * and switch. A row the store has, even a deleted one, is left as it is (ON CONFLICT). The one cross-store write:
 * on Citus it reads the other stores' shards and inserts through the coordinator, whose row count would include
 * the rows left as they were; RETURNING counts only those written.
 */
export async function fillStoreFromChain(db: Db, storeId: string) {
  return inStoreVersion(db, storeId, async (tx, version) => {
    const categories = await tx.query(
      `INSERT INTO category (store_id, category_id, name, sort, deleted, version)
       SELECT DISTINCT ON (src.category_id) $1, src.category_id, src.name, src.sort, false, $2 FROM category src
        WHERE NOT src.deleted AND src.store_id <> $1
        ORDER BY src.category_id, src.store_id
       ON CONFLICT (store_id, category_id) DO NOTHING RETURNING category_id`,
      [storeId, version],
    );
    const products = await tx.query(
      `INSERT INTO product (store_id, product_id, sku, name, name_en, price, tax_rate_bp, unit, category_id, plu, active, barcodes, deleted, version,
                            chain_price, override_price, chain_active, store_active)
       SELECT DISTINCT ON (src.product_id) $1, src.product_id, src.sku, src.name, src.name_en, src.chain_price, src.tax_rate_bp, src.unit, src.category_id,
              src.plu, coalesce(src.chain_active, true), src.barcodes, false, $2, src.chain_price, NULL, coalesce(src.chain_active, true), true
         FROM product src
        WHERE NOT src.deleted AND src.chain_price IS NOT NULL AND src.store_id <> $1
        ORDER BY src.product_id, src.store_id
       ON CONFLICT (store_id, product_id) DO NOTHING RETURNING product_id`,
      [storeId, version],
    );
    return { storeId, products: products.rowCount ?? 0, categories: categories.rowCount ?? 0 };
  });
}

/** A chain category, written to every store; a name another category has is refused. */
export async function saveChainCategory(db: Db, categoryId: string, name: string, sort: number) {
  return inTransaction(db, async (tx) => {
    const versions = await bumpEveryStore(tx);
    const taken = await tx.query(`SELECT 1 FROM category WHERE name = $1 AND category_id <> $2 AND NOT deleted LIMIT 1`, [name, categoryId]);
    if (taken.rowCount) throw new ApiError('bad_request', `Another category is already called ${name}`, { reason: 'taken', field: 'name' });
    await writeChainCategories(tx, versions, [{ id: categoryId, name, sort }]);
    return { categoryId };
  });
}

export async function writeChainCategories(tx: pg.ClientBase, versions: ReadonlyMap<string, number>, categories: readonly CatalogCategory[]): Promise<void> {
  if (categories.length === 0) return;
  await tx.query(
    `INSERT INTO category (store_id, category_id, name, sort, deleted, version)
     SELECT s.store_id, c.id, c.name, c.sort, false, s.version
       FROM unnest($1::text[], $2::bigint[]) AS s(store_id, version) CROSS JOIN jsonb_to_recordset($3::jsonb) AS c(id text, name text, sort int)
     ON CONFLICT (store_id, category_id) DO UPDATE SET name = EXCLUDED.name, sort = EXCLUDED.sort, deleted = false, version = EXCLUDED.version`,
    [[...versions.keys()], [...versions.values()], JSON.stringify(categories)],
  );
}

export const newCatalogId = (): string => ulid();

interface ProductRow {
  store_id: string;
  product_id: string;
  sku: string;
  name: string;
  name_en: string | null;
  price: number;
  chain_price: number | null;
  override_price: number | null;
  tax_rate_bp: number;
  unit: 'each' | 'kg';
  category_id: string | null;
  plu: string | null;
  barcodes: string[];
  active: boolean;
  chain_active: boolean | null;
  store_active: boolean;
  version: number;
}

/** `%`, `_` and `\` typed in the search box are matched as themselves. */
const likePattern = (q: string): string => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The catalog of the given stores: products (search by SKU, name, barcode or PLU), categories, tills. */
export async function listCatalog(db: Db, storeIds: readonly string[], q: string): Promise<CatalogList> {
  const stores = await db.query<{ storeId: string; name: string; version: number }>(
    `SELECT store_id AS "storeId", name, version FROM store WHERE store_id = ANY($1) ORDER BY created_at, store_id`,
    [storeIds],
  );
  const missing = await db.query<{ store_id: string; missing: number }>(
    `SELECT st.store_id, count(*) FILTER (WHERE p.product_id IS NULL)::int AS missing
       FROM store st
      CROSS JOIN (SELECT DISTINCT product_id FROM product WHERE NOT deleted AND chain_price IS NOT NULL) c
       LEFT JOIN product p ON p.store_id = st.store_id AND p.product_id = c.product_id
      WHERE st.store_id = ANY($1) GROUP BY st.store_id`,
    [storeIds],
  );
  const missingIn = new Map(missing.rows.map((r) => [r.store_id, r.missing]));
  const order = new Map(stores.rows.map((s, i) => [s.storeId, i]));
  const tills = await db.query<{ storeId: string; terminalId: string; name: string; pulledVersion: number | null; pulledAt: Date | null }>(
    `SELECT store_id AS "storeId", terminal_id AS "terminalId", name, pulled_version AS "pulledVersion", pulled_at AS "pulledAt"
       FROM terminal WHERE store_id = ANY($1) AND revoked_at IS NULL ORDER BY name, terminal_id`,
    [storeIds],
  );
  const categories = await db.query<CatalogCategory>(
    `SELECT DISTINCT ON (category_id) category_id AS id, name, sort FROM category WHERE store_id = ANY($1) AND NOT deleted ORDER BY category_id, store_id`,
    [storeIds],
  );
  const search = q.trim();
  const ids = await db.query<{ product_id: string }>(
    `SELECT product_id FROM product
      WHERE store_id = ANY($1) AND NOT deleted
        AND ($2 = '' OR sku ILIKE $3 OR name ILIKE $3 OR name_en ILIKE $3 OR $2 = ANY(barcodes) OR plu = $2)
      GROUP BY product_id ORDER BY min(sku), product_id LIMIT $4`,
    [storeIds, search, likePattern(search), LIST_LIMIT + 1],
  );
  const truncated = ids.rows.length > LIST_LIMIT;
  const productIds = ids.rows.slice(0, LIST_LIMIT).map((r) => r.product_id);
  const rows = await db.query<ProductRow>(
    `SELECT store_id, product_id, sku, name, name_en, price, chain_price, override_price, tax_rate_bp, unit, category_id, plu, barcodes,
            active, chain_active, store_active, version
       FROM product WHERE store_id = ANY($1) AND product_id = ANY($2) AND NOT deleted`,
    [storeIds, productIds],
  );
  const byProduct = new Map<string, ProductRow[]>();
  for (const r of rows.rows) byProduct.set(r.product_id, [...(byProduct.get(r.product_id) ?? []), r]);
  const products: CatalogProduct[] = productIds.map((id) => {
    const perStore = byProduct.get(id)!.sort((a, b) => (order.get(a.store_id) ?? 0) - (order.get(b.store_id) ?? 0));
    const first = perStore[0]!;
    const version = new Map(perStore.map((r) => [r.store_id, r.version]));
    return {
      id,
      sku: first.sku,
      name: first.name,
      nameEn: first.name_en,
      chainPrice: first.chain_price ?? first.price,
      taxRateBp: first.tax_rate_bp,
      unit: first.unit,
      categoryId: first.category_id,
      plu: first.plu,
      barcodes: first.barcodes,
      chainActive: first.chain_active ?? first.active,
      stores: perStore.map((r) => ({
        storeId: r.store_id,
        price: r.price,
        overridePrice: r.override_price,
        storeActive: r.store_active,
        active: r.active,
        version: r.version,
      })),
      tillsHaving: tills.rows
        .filter((t) => version.has(t.storeId) && t.pulledVersion !== null && t.pulledVersion >= version.get(t.storeId)!)
        .map((t) => t.terminalId),
    };
  });
  const tillList: CatalogTill[] = tills.rows.map((t) => ({ ...t, pulledAt: t.pulledAt?.toISOString() ?? null }));
  return {
    stores: stores.rows.map((s) => ({ ...s, missing: missingIn.get(s.storeId) ?? 0 })),
    tills: tillList,
    categories: categories.rows.sort((a, b) => a.sort - b.sort || a.name.localeCompare(b.name, 'zh-CN')),
    products,
    truncated,
  };
}
