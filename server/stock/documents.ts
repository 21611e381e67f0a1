/**
 * The back office's stock documents, each one transaction under the store's lock: a receipt (进货/入库) brings
 * goods in at their unit cost; a count (盘点) posts the differences between what was counted and the level at
 * posting; a transfer takes goods out of one store into another (two documents, one per store, one transfer id),
 * at the sending store's average cost. Every posting raises the store's version, so tills pull the new levels.
 */
import { ulid } from 'ulid';
import type { CountRequest, CountResult, ReceiveRequest, ReceiveResult, TransferRequest, TransferResult } from '../../src-common/office/stock';
import { inTransaction, type Db } from '../database';
import { ApiError } from '../http';
import { costOfQuantity } from '../../src-common/office/stock-cost';
import { levelsOf, lockStores, postMovements, requireProducts } from './movements';

export async function postReceipt(db: Db, storeId: string, accountId: string, r: ReceiveRequest): Promise<ReceiveResult> {
  const receiptId = ulid();
  return inTransaction(db, async (tx) => {
    await lockStores(tx, [storeId]);
    const ids = r.lines.map((l) => l.productId);
    await requireProducts(tx, storeId, ids);
    const lines = r.lines.map((l) => ({ ...l, lineCost: costOfQuantity(l.quantityMilli, l.unitCost) }));
    const totalCost = lines.reduce((sum, l) => sum + l.lineCost, 0);
    await tx.query(`INSERT INTO stock_receipt (store_id, receipt_id, supplier, note, total_cost, account_id) VALUES ($1, $2, $3, $4, $5, $6)`, [
      storeId, receiptId, r.supplier, r.note || null, totalCost, accountId,
    ]);
    await tx.query(
      `INSERT INTO stock_receipt_line (store_id, receipt_id, line_no, product_id, quantity_milli, unit_cost, line_cost)
       SELECT $1, $2, t.n, t.product_id, t.q, t.c, t.lc FROM unnest($3::int[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[]) AS t(n, product_id, q, c, lc)`,
      [storeId, receiptId, lines.map((_, i) => i + 1), ids, lines.map((l) => l.quantityMilli), lines.map((l) => l.unitCost), lines.map((l) => l.lineCost)],
    );
    await postMovements(tx, storeId, lines.map((l) => ({ productId: l.productId, deltaMilli: l.quantityMilli, reason: 'receiving', ref: receiptId, unitCost: l.unitCost })));
    const after = await levelsOf(tx, storeId, ids);
    return {
      receiptId,
      totalCost,
      lines: lines.map((l) => ({ productId: l.productId, quantityMilli: l.quantityMilli, unitCost: l.unitCost, lineCost: l.lineCost, stockMilli: after.get(l.productId)!.stockMilli, avgCost: after.get(l.productId)!.avgCost })),
    };
  });
}

export async function postCount(db: Db, storeId: string, accountId: string, c: CountRequest): Promise<CountResult> {
  const countId = ulid();
  return inTransaction(db, async (tx) => {
    await lockStores(tx, [storeId]);
    const ids = c.lines.map((l) => l.productId);
    await requireProducts(tx, storeId, ids);
    // The expected level is read under the store's lock, in the transaction that posts the difference: a till's
    // sale uploaded between the sheet being shown and posted is counted in.
    const before = await levelsOf(tx, storeId, ids);
    const lines = c.lines.map((l) => {
      const { stockMilli: expectedMilli, avgCost } = before.get(l.productId)!;
      return { productId: l.productId, expectedMilli, countedMilli: l.countedMilli, deltaMilli: l.countedMilli - expectedMilli, avgCost };
    });
    const differenceValue = lines.reduce((sum, l) => sum + Math.sign(l.deltaMilli) * costOfQuantity(Math.abs(l.deltaMilli), l.avgCost ?? 0), 0);
    await tx.query(`INSERT INTO stock_count (store_id, count_id, note, difference_value, account_id) VALUES ($1, $2, $3, $4, $5)`, [storeId, countId, c.note || null, differenceValue, accountId]);
    await tx.query(
      `INSERT INTO stock_count_line (store_id, count_id, product_id, expected_milli, counted_milli, delta_milli, avg_cost)
       SELECT $1, $2, t.product_id, t.e, t.c, t.d, t.a FROM unnest($3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[]) AS t(product_id, e, c, d, a)`,
      [storeId, countId, ids, lines.map((l) => l.expectedMilli), lines.map((l) => l.countedMilli), lines.map((l) => l.deltaMilli), lines.map((l) => l.avgCost)],
    );
    await postMovements(tx, storeId, lines.map((l) => ({ productId: l.productId, deltaMilli: l.deltaMilli, reason: 'count', ref: countId, unitCost: null })));
    return {
      countId,
      posted: lines.filter((l) => l.deltaMilli !== 0).length,
      lines: lines.map((l) => ({ productId: l.productId, expectedMilli: l.expectedMilli, countedMilli: l.countedMilli, deltaMilli: l.deltaMilli, stockMilli: l.countedMilli })),
    };
  });
}

/**
 * Takes goods out of `fromStoreId` into `toStoreId`. Both stores' catalogs must have each product; the sending
 * store must hold at least what leaves by its books (else count first: a transfer of stock it does not have would
 * carry no cost).
 */
export async function postTransfer(db: Db, fromStoreId: string, accountId: string, t: TransferRequest): Promise<TransferResult> {
  const toStoreId = t.toStoreId;
  if (toStoreId === fromStoreId) throw new ApiError('bad_request', 'A transfer goes to another store', { reason: 'same_store' });
  const transferId = ulid();
  return inTransaction(db, async (tx) => {
    await lockStores(tx, [fromStoreId, toStoreId]);
    const ids = t.lines.map((l) => l.productId);
    await requireProducts(tx, fromStoreId, ids);
    await requireProducts(tx, toStoreId, ids);
    const from = await levelsOf(tx, fromStoreId, ids);
    const short = t.lines.filter((l) => from.get(l.productId)!.stockMilli < l.quantityMilli);
    if (short.length > 0) {
      throw new ApiError('bad_request', `The sending store holds less than the transfer of ${short.map((l) => l.productId).join(', ')}: count it first`, {
        reason: 'not_enough_stock',
        lines: short.map((l) => ({ productId: l.productId, quantityMilli: l.quantityMilli, stockMilli: from.get(l.productId)!.stockMilli })),
      });
    }
    const lines = t.lines.map((l) => ({ ...l, unitCost: from.get(l.productId)!.avgCost }));
    for (const [storeId, direction, other] of [[fromStoreId, 'out', toStoreId], [toStoreId, 'in', fromStoreId]] as const) {
      await tx.query(`INSERT INTO stock_transfer (store_id, transfer_id, direction, other_store_id, note, account_id) VALUES ($1, $2, $3, $4, $5, $6)`, [
        storeId, transferId, direction, other, t.note || null, accountId,
      ]);
      await tx.query(
        `INSERT INTO stock_transfer_line (store_id, transfer_id, product_id, quantity_milli, unit_cost)
         SELECT $1, $2, t.product_id, t.q, t.c FROM unnest($3::text[], $4::bigint[], $5::bigint[]) AS t(product_id, q, c)`,
        [storeId, transferId, ids, lines.map((l) => l.quantityMilli), lines.map((l) => l.unitCost)],
      );
    }
    await postMovements(tx, fromStoreId, lines.map((l) => ({ productId: l.productId, deltaMilli: -l.quantityMilli, reason: 'transfer', ref: transferId, unitCost: null })));
    await postMovements(tx, toStoreId, lines.map((l) => ({ productId: l.productId, deltaMilli: l.quantityMilli, reason: 'transfer', ref: transferId, unitCost: l.unitCost })));
    const [fromAfter, toAfter] = [await levelsOf(tx, fromStoreId, ids), await levelsOf(tx, toStoreId, ids)];
    return {
      transferId,
      fromStoreId,
      toStoreId,
      lines: lines.map((l) => ({ productId: l.productId, quantityMilli: l.quantityMilli, unitCost: l.unitCost, fromStockMilli: fromAfter.get(l.productId)!.stockMilli, toStockMilli: toAfter.get(l.productId)!.stockMilli })),
    };
  });
}

/** A product's own low-stock line in the store (null: the store's). */
export async function setThreshold(db: Db, storeId: string, productId: string, lowStockMilli: number | null): Promise<void> {
  await inTransaction(db, async (tx) => {
    await lockStores(tx, [storeId]);
    await requireProducts(tx, storeId, [productId]);
    await tx.query(
      `INSERT INTO stock_product (store_id, product_id, low_stock_milli, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (store_id, product_id) DO UPDATE SET low_stock_milli = EXCLUDED.low_stock_milli, updated_at = EXCLUDED.updated_at`,
      [storeId, productId, lowStockMilli],
    );
  });
}
