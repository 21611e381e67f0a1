import type { Database } from 'better-sqlite3';
import { newId } from '../ids';
import { stmt } from '../statements';
import type { StockReason } from './catalog';

export interface StockLevelRow {
  productId: string;
  sku: string;
  name: string;
  nameEn: string | null;
  unit: 'each' | 'kg';
  stockMilli: number;
  /** The product's own low-stock line; null: the store's. */
  lowStockMilli: number | null;
  /** The line that applies (its own, else the store's). */
  thresholdMilli: number;
}

export type StockSort = 'name' | 'level' | 'sku';

const SORTS: Record<StockSort, string> = {
  name: 'name, sku',
  sku: 'sku',
  level: 'stock_milli, sku',
};

/**
 * Active products by name, SKU, pinyin initials or barcode; `lowOnly`: those at or below their low-stock line
 * (their own, else `defaultThresholdMilli`). The ORDER BY comes from a fixed list, never from the caller's text.
 */
export function stockLevels(
  db: Database,
  q: { query: string; lowOnly: boolean; defaultThresholdMilli: number; sort: StockSort; descending: boolean; limit: number; productId?: string },
): StockLevelRow[] {
  const text = q.query.trim().toLowerCase();
  const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const order = SORTS[q.sort]
    .split(', ')
    .map((column) => `${column} ${q.descending ? 'DESC' : 'ASC'}`)
    .join(', ');
  return stmt(
    db,
    `SELECT id AS productId, sku, name, name_en AS nameEn, unit, stock_milli AS stockMilli, low_stock_milli AS lowStockMilli,
            coalesce(low_stock_milli, @threshold) AS thresholdMilli
       FROM product
      WHERE (@productId IS NULL AND active = 1 OR id = @productId)
        AND (@text = '' OR lower(name) LIKE @like ESCAPE '\\' OR lower(coalesce(name_en, '')) LIKE @like ESCAPE '\\' OR lower(sku) LIKE @like ESCAPE '\\'
             OR pinyin_initials LIKE @like ESCAPE '\\' OR id IN (SELECT product_id FROM product_barcode WHERE barcode = @text))
        AND (@lowOnly = 0 OR stock_milli <= coalesce(low_stock_milli, @threshold))
      ORDER BY ${order}
      LIMIT @limit`,
  ).all({ text, like, threshold: q.defaultThresholdMilli, lowOnly: q.lowOnly ? 1 : 0, limit: q.limit, productId: q.productId ?? null }) as StockLevelRow[];
}

/** One product's stock and unit by its primary key: the oversell check's one read per scan. */
export function stockOf(db: Database, productId: string): { stockMilli: number; unit: 'each' | 'kg'; name: string } | undefined {
  return stmt(db, 'SELECT stock_milli AS stockMilli, unit, name FROM product WHERE id = ?').get(productId) as
    | { stockMilli: number; unit: 'each' | 'kg'; name: string }
    | undefined;
}

export function setLowStockLine(db: Database, productId: string, milli: number | null): boolean {
  return stmt(db, 'UPDATE product SET low_stock_milli = ? WHERE id = ?').run(milli, productId).changes === 1;
}

/**
 * Appends one movement and moves the product's level by it, in the caller's transaction. A zero delta writes
 * nothing (the ledger's CHECK refuses one). Returns the new level.
 */
export function postMovement(
  db: Database,
  m: { productId: string; deltaMilli: number; reason: Extract<StockReason, 'receive' | 'count'>; ref: string; at: string; unitCost?: number },
): number {
  if (!db.inTransaction) throw new Error('postMovement must run inside the caller’s transaction');
  if (m.deltaMilli !== 0) {
    stmt(db, 'INSERT INTO stock_movement (id, product_id, delta_milli, reason, ref, at, unit_cost) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      newId(Date.parse(m.at) || undefined),
      m.productId,
      m.deltaMilli,
      m.reason,
      m.ref,
      m.at,
      m.unitCost ?? null,
    );
  }
  return stmt(db, 'UPDATE product SET stock_milli = stock_milli + ? WHERE id = ? RETURNING stock_milli').pluck().get(m.deltaMilli, m.productId) as number;
}

export interface StockMovementRow {
  id: string;
  productId: string;
  deltaMilli: number;
  reason: string;
  ref: string | null;
  at: string;
  unitCost: number | null;
}

/** A product's latest movements, newest first. */
export function movementsOf(db: Database, productId: string, limit: number): StockMovementRow[] {
  return stmt(
    db,
    `SELECT id, product_id AS productId, delta_milli AS deltaMilli, reason, ref, at, unit_cost AS unitCost
       FROM stock_movement WHERE product_id = ? ORDER BY at DESC, id DESC LIMIT ?`,
  ).all(productId, limit) as StockMovementRow[];
}

/** The levels of a few products (a cart's) by primary key, in one statement. */
export function stockOfMany(db: Database, productIds: readonly string[]): Map<string, number> {
  const rows = stmt(db, 'SELECT id, stock_milli AS stockMilli FROM product WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(productIds)) as {
    id: string;
    stockMilli: number;
  }[];
  return new Map(rows.map((r) => [r.id, r.stockMilli]));
}
