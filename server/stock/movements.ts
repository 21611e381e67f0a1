/**
 * Posting stock on the server: movements (each with the store's next version, so tills pull the new levels) and
 * the moving-average cost of goods coming in (src-common/office/stock-cost.ts). Used by the back office's documents and by the
 * upload of tills' facts (a till's receipt carries its unit cost).
 */
import type pg from 'pg';
import { ulid } from 'ulid';
import { applyStockMovements } from '../api/projections';
import { ApiError } from '../http';
import { movingAverageCost } from '../../src-common/office/stock-cost';

export interface Movement {
  readonly productId: string;
  readonly deltaMilli: number;
  readonly reason: 'receiving' | 'count' | 'transfer';
  readonly ref: string;
  /** Fen per unit, on goods coming in (receipts, transfers in). */
  readonly unitCost: number | null;
}

export interface Incoming {
  readonly productId: string;
  readonly quantityMilli: number;
  readonly unitCost: number | null;
}

/**
 * Locks the stores' rows until commit, in id order (a transfer locks two: the same order everywhere, so two
 * transfers between A and B cannot deadlock); 404 for a store that does not exist.
 */
export async function lockStores(tx: pg.ClientBase, storeIds: readonly string[]): Promise<void> {
  for (const storeId of [...new Set(storeIds)].sort()) {
    const { rowCount } = await tx.query('SELECT 1 FROM store WHERE store_id = $1 FOR UPDATE', [storeId]);
    if (!rowCount) throw new ApiError('bad_request', 'Store not found', { storeId }, 404);
  }
}

/** Refuses (400, naming them) products the store's catalog does not have (never added, or deleted). */
export async function requireProducts(tx: pg.ClientBase, storeId: string, productIds: readonly string[]): Promise<Map<string, { name: string }>> {
  const { rows } = await tx.query<{ product_id: string; name: string }>(
    'SELECT product_id, name FROM product WHERE store_id = $1 AND product_id = ANY($2::text[]) AND NOT deleted',
    [storeId, productIds],
  );
  const found = new Map(rows.map((r) => [r.product_id, { name: r.name }]));
  const missing = productIds.filter((id) => !found.has(id));
  if (missing.length > 0) throw new ApiError('bad_request', `The store's catalog has no product ${missing.join(', ')}`, { reason: 'unknown_product', storeId, productIds: missing });
  return found;
}

/** Each product's level and average cost now (0 and null for one never moved or costed). */
export async function levelsOf(tx: pg.ClientBase, storeId: string, productIds: readonly string[]): Promise<Map<string, { stockMilli: number; avgCost: number | null }>> {
  const { rows } = await tx.query<{ product_id: string; stock_milli: number | null; avg_cost: number | null }>(
    `SELECT t.product_id, l.stock_milli, sp.avg_cost
       FROM unnest($2::text[]) AS t(product_id)
       LEFT JOIN stock_level l ON l.store_id = $1 AND l.product_id = t.product_id
       LEFT JOIN stock_product sp ON sp.store_id = $1 AND sp.product_id = t.product_id`,
    [storeId, productIds],
  );
  return new Map(rows.map((r) => [r.product_id, { stockMilli: r.stock_milli ?? 0, avgCost: r.avg_cost }]));
}

/**
 * Updates the average cost of goods coming in, from the levels before they arrive: call it before their
 * movements reach stock_level. Several arrivals of one product are averaged one after the other.
 */
export async function applyIncomingCosts(tx: pg.ClientBase, storeId: string, incoming: readonly Incoming[]): Promise<Map<string, number | null>> {
  const costed = incoming.filter((i) => i.unitCost !== null && i.quantityMilli > 0);
  if (costed.length === 0) return new Map();
  const now = await levelsOf(tx, storeId, [...new Set(costed.map((i) => i.productId))]);
  const averages = new Map<string, number | null>();
  for (const i of costed) {
    const state = now.get(i.productId)!;
    state.avgCost = movingAverageCost(state.stockMilli, state.avgCost, i.quantityMilli, i.unitCost);
    state.stockMilli += i.quantityMilli;
    averages.set(i.productId, state.avgCost);
  }
  await tx.query(
    `INSERT INTO stock_product (store_id, product_id, avg_cost, updated_at) SELECT $1, t.product_id, t.avg_cost, now() FROM unnest($2::text[], $3::bigint[]) AS t(product_id, avg_cost)
     ON CONFLICT (store_id, product_id) DO UPDATE SET avg_cost = EXCLUDED.avg_cost, updated_at = EXCLUDED.updated_at`,
    [storeId, [...averages.keys()], [...averages.values()]],
  );
  return averages;
}

/** Posts movements made on the server (costs first, then levels under the store's next version). */
export async function postMovements(tx: pg.ClientBase, storeId: string, moves: readonly Movement[]): Promise<void> {
  const real = moves.filter((m) => m.deltaMilli !== 0);
  if (real.length === 0) return;
  await applyIncomingCosts(tx, storeId, real.filter((m) => m.deltaMilli > 0).map((m) => ({ productId: m.productId, quantityMilli: m.deltaMilli, unitCost: m.unitCost })));
  await tx.query(
    `INSERT INTO stock_movement (store_id, movement_id, product_id, delta_milli, reason, ref, at, terminal_id, unit_cost)
     SELECT $1, t.movement_id, t.product_id, t.delta_milli, t.reason, t.ref, now(), NULL, t.unit_cost
       FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::bigint[]) AS t(movement_id, product_id, delta_milli, reason, ref, unit_cost)`,
    [storeId, real.map(() => ulid()), real.map((m) => m.productId), real.map((m) => m.deltaMilli), real.map((m) => m.reason), real.map((m) => m.ref), real.map((m) => m.unitCost)],
  );
  await applyStockMovements(tx, storeId, real.map((m) => ({ product_id: m.productId, delta_milli: m.deltaMilli })));
}
