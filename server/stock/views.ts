/**
 * What the back office reads of a store's stock: each catalog product's level, average cost, value at cost and
 * low-stock line (with the store's totals over every product), the totals of several stores, and the latest
 * documents.
 */
import { DEFAULT_LOW_STOCK_THRESHOLD } from '../../src-common/schemas';
import type { StockDocument, StockItem, StockSummary, StockView } from '../../src-common/office/stock';
import type { Db } from '../database';
import { notFound } from '../http';

/** The store's line for products without their own: its lowStockThreshold setting (whole units), else the till's default. */
async function storeThresholdsMilli(db: Db, storeIds: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ store_id: string; value: unknown }>(`SELECT store_id, value FROM store_setting WHERE store_id = ANY($1::text[]) AND key = 'lowStockThreshold'`, [storeIds]);
  const set = new Map(rows.filter((r) => typeof r.value === 'number' && Number.isInteger(r.value) && r.value >= 0).map((r) => [r.store_id, (r.value as number) * 1000]));
  return new Map(storeIds.map((id) => [id, set.get(id) ?? DEFAULT_LOW_STOCK_THRESHOLD * 1000]));
}

/** Every product of the stores' catalogs (deleted ones left out) with level, cost, value and line; $2 and $3 pair each store with its line. */
const ITEMS = `
  SELECT p.store_id, p.product_id, p.sku, p.name, p.name_en, p.unit, p.active,
         coalesce(l.stock_milli, 0)::bigint AS stock_milli, sp.avg_cost, sp.low_stock_milli,
         coalesce(sp.low_stock_milli, th.milli)::bigint AS threshold_milli,
         CASE WHEN coalesce(l.stock_milli, 0) > 0 AND sp.avg_cost IS NOT NULL THEN round(l.stock_milli::numeric * sp.avg_cost / 1000) ELSE 0 END::bigint AS value_at_cost
    FROM product p
    JOIN unnest($2::text[], $3::bigint[]) AS th(store_id, milli) ON th.store_id = p.store_id
    LEFT JOIN stock_level l ON l.store_id = p.store_id AND l.product_id = p.product_id
    LEFT JOIN stock_product sp ON sp.store_id = p.store_id AND sp.product_id = p.product_id
   WHERE p.store_id = ANY($1::text[]) AND NOT p.deleted`;
const LOW = `(i.active AND i.stock_milli <= i.threshold_milli)`;
const TOTALS = `count(*)::int AS products, coalesce(sum(i.value_at_cost), 0)::bigint AS "valueAtCost", (count(*) FILTER (WHERE ${LOW}))::int AS low,
  (count(*) FILTER (WHERE i.stock_milli < 0))::int AS negative, (count(*) FILTER (WHERE i.stock_milli > 0 AND i.avg_cost IS NULL))::int AS uncosted`;

export async function stockView(db: Db, storeId: string, q: { query: string; lowOnly: boolean; limit: number }): Promise<StockView> {
  if (!(await db.query('SELECT 1 FROM store WHERE store_id = $1', [storeId])).rowCount) throw notFound('Store');
  const thresholds = await storeThresholdsMilli(db, [storeId]);
  const args = [[storeId], [storeId], [thresholds.get(storeId)!]];
  const pattern = `%${q.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const [totals, items] = await Promise.all([
    db.query<StockView['totals']>(`SELECT ${TOTALS} FROM (${ITEMS}) i`, args),
    db.query<{ product_id: string; sku: string; name: string; name_en: string | null; unit: 'each' | 'kg'; stock_milli: number; avg_cost: number | null; value_at_cost: number; low_stock_milli: number | null; threshold_milli: number; low: boolean }>(
      `SELECT i.*, ${LOW} AS low FROM (${ITEMS}) i
        WHERE ($4 = '%%' OR i.name ILIKE $4 OR i.sku ILIKE $4 OR coalesce(i.name_en, '') ILIKE $4) AND (NOT $5 OR ${LOW})
        ORDER BY ${LOW} DESC, i.sku, i.product_id LIMIT $6`,
      [...args, pattern, q.lowOnly, q.limit + 1],
    ),
  ]);
  const list: StockItem[] = items.rows.slice(0, q.limit).map((r) => ({
    productId: r.product_id,
    sku: r.sku,
    name: r.name,
    nameEn: r.name_en,
    unit: r.unit,
    stockMilli: r.stock_milli,
    avgCost: r.avg_cost,
    valueAtCost: r.value_at_cost,
    lowStockMilli: r.low_stock_milli,
    thresholdMilli: r.threshold_milli,
    low: r.low,
  }));
  return { storeId, storeThresholdMilli: thresholds.get(storeId)!, totals: totals.rows[0]!, items: list, truncated: items.rows.length > q.limit };
}

/** Each store's totals: products, value at cost, low, below zero, without a cost. */
export async function stockSummary(db: Db, stores: readonly { storeId: string; name: string }[]): Promise<StockSummary> {
  const ids = stores.map((s) => s.storeId);
  const thresholds = await storeThresholdsMilli(db, ids);
  const { rows } = await db.query<{ store_id: string } & StockView['totals']>(`SELECT i.store_id, ${TOTALS} FROM (${ITEMS}) i GROUP BY i.store_id`, [ids, ids, ids.map((id) => thresholds.get(id)!)]);
  const byStore = new Map(rows.map((r) => [r.store_id, r]));
  return {
    stores: stores.map((s) => {
      const t = byStore.get(s.storeId);
      return { storeId: s.storeId, name: s.name, products: t?.products ?? 0, valueAtCost: t?.valueAtCost ?? 0, low: t?.low ?? 0, negative: t?.negative ?? 0, uncosted: t?.uncosted ?? 0 };
    }),
  };
}

/** The store's latest receipts, counts and transfers, newest first. */
export async function stockDocuments(db: Db, storeId: string, limit: number): Promise<StockDocument[]> {
  if (!(await db.query('SELECT 1 FROM store WHERE store_id = $1', [storeId])).rowCount) throw notFound('Store');
  const { rows } = await db.query<{ kind: StockDocument['kind']; id: string; posted_at: Date; by: string | null; party: string | null; note: string | null; lines: number; value: number | null }>(
    `SELECT * FROM (
       SELECT 'receipt' AS kind, r.receipt_id AS id, r.posted_at, r.account_id, r.supplier AS party, r.note, r.total_cost AS value,
              (SELECT count(*) FROM stock_receipt_line l WHERE l.store_id = r.store_id AND l.receipt_id = r.receipt_id)::int AS lines
         FROM stock_receipt r WHERE r.store_id = $1
       UNION ALL
       SELECT 'count', c.count_id, c.posted_at, c.account_id, NULL, c.note, c.difference_value,
              (SELECT count(*) FROM stock_count_line l WHERE l.store_id = c.store_id AND l.count_id = c.count_id)::int
         FROM stock_count c WHERE c.store_id = $1
       UNION ALL
       SELECT 'transfer_' || t.direction, t.transfer_id, t.posted_at, t.account_id, t.other_store_id, t.note,
              (SELECT sum(round(l.quantity_milli::numeric * l.unit_cost / 1000)) FROM stock_transfer_line l WHERE l.store_id = t.store_id AND l.transfer_id = t.transfer_id)::bigint,
              (SELECT count(*) FROM stock_transfer_line l WHERE l.store_id = t.store_id AND l.transfer_id = t.transfer_id)::int
         FROM stock_transfer t WHERE t.store_id = $1
     ) d
     LEFT JOIN LATERAL (SELECT a.name AS by FROM office_account a WHERE a.account_id = d.account_id) a ON true
     ORDER BY d.posted_at DESC, d.id DESC LIMIT $2`,
    [storeId, limit],
  );
  // A transfer's party is the other store, named by a second read: the one above stays on this store's rows (on Citus,
  // one shard), where a look-up of another store's row in it was refused.
  const otherStores = [...new Set(rows.filter((r) => r.kind.startsWith('transfer_') && r.party !== null).map((r) => r.party!))];
  const names = otherStores.length === 0 ? new Map<string, string>()
    : new Map((await db.query<{ store_id: string; name: string }>('SELECT store_id, name FROM store WHERE store_id = ANY($1::text[])', [otherStores])).rows.map((r) => [r.store_id, r.name]));
  return rows.map((r) => ({
    kind: r.kind, id: r.id, postedAt: r.posted_at.toISOString(), by: r.by,
    party: r.kind.startsWith('transfer_') ? (r.party === null ? null : names.get(r.party) ?? null) : r.party,
    note: r.note, lines: r.lines, value: r.value,
  }));
}
