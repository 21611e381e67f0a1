/**
 * Stock on the till (issue 16): levels, the low-stock list, receiving (进货/入库), counts (盘点), and the check
 * a sale makes against the level (oversell).
 *
 * A standalone till keeps its own stock: receiving and counts are movements in the ledger (reasons 'receive' and
 * 'count'), each one transaction with its audit row, the owner's only. A till enrolled to a store server takes its
 * levels from the server (src-main/sync/pull.ts): receiving and counts are done there, and refused here with
 * `managed_by_store_server`. Sales move stock wherever the levels come from.
 *
 * The check a sale makes against the level (oversell) is in ./sale-guards.ts.
 */
import type { Database } from 'better-sqlite3';
import { newId } from '../../db/ids';
import { movementsOf, postMovement, setLowStockLine, stockLevels, stockOf, type StockSort } from '../../db/queries/stock';
import type { CountResult, ReceiveResult, StockLevel, StockMovementView } from '../../src-common/calls/stock';
import { PosError } from '../../src-common/errors';
import type { Session } from '../../src-common/roles';
import type { Settings } from '../../src-common/schemas';
import type { Clock } from '../clock';
import type { AuditService } from './audit';

export interface StockService {
  levels(q: { query?: string | undefined; lowOnly?: boolean | undefined; sort?: StockSort | undefined; descending?: boolean | undefined; limit?: number | undefined }): StockLevel[];
  movements(productId: string, limit: number): StockMovementView[];
  receive(input: { supplier: string; note?: string | undefined; lines: { productId: string; quantityMilli: number; unitCost: number }[] }, session: Session): ReceiveResult;
  count(input: { lines: { productId: string; countedMilli: number }[] }, session: Session): CountResult;
  setLowStock(productId: string, lowStockMilli: number | null, session: Session): StockLevel;
}

export interface StockDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  settings: { get(): Settings };
  /** True while a store server owns the stock levels (the till is enrolled). */
  managedByServer: () => boolean;
  managedError: () => PosError;
}

/** The store's low-stock line is in whole units (pieces or kg); levels are thousandths. */
const defaultThresholdMilli = (settings: Settings) => settings.lowStockThreshold * 1000;

export function createStockService(deps: StockDeps): StockService {
  const { db, clock, audit, settings } = deps;

  const levelOf = (productId: string): StockLevel => {
    const row = stockLevels(db, { query: '', lowOnly: false, defaultThresholdMilli: defaultThresholdMilli(settings.get()), sort: 'sku', descending: false, limit: 1, productId });
    if (!row[0]) throw new PosError('not_found', 'No such product', { productId });
    return withLow(row[0]);
  };
  const withLow = (r: Omit<StockLevel, 'low'>): StockLevel => ({ ...r, low: r.stockMilli <= r.thresholdMilli });

  function refuseWhenManaged() {
    if (deps.managedByServer()) throw deps.managedError();
  }

  /** Each product once per document, and for sale: a typo of a product id is refused before anything is written. */
  function checkProducts(ids: string[]) {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) throw new PosError('validation_failed', 'A product is on the sheet twice', { reason: 'duplicate_product', productId: id });
      seen.add(id);
      if (!stockOf(db, id)) throw new PosError('not_found', 'No such product', { productId: id });
    }
  }

  return {
    levels: (q) =>
      stockLevels(db, {
        query: q.query ?? '',
        lowOnly: q.lowOnly ?? false,
        defaultThresholdMilli: defaultThresholdMilli(settings.get()),
        sort: q.sort ?? 'name',
        descending: q.descending ?? false,
        limit: q.limit ?? 200,
      }).map(withLow),

    movements: (productId, limit) => movementsOf(db, productId, limit),

    receive(input, session) {
      refuseWhenManaged();
      checkProducts(input.lines.map((l) => l.productId));
      const receiptId = newId();
      const at = clock.now().toISOString();
      const supplier = input.supplier.trim();
      return db.transaction(() => {
        const lines = input.lines.map((l) => ({
          productId: l.productId,
          quantityMilli: l.quantityMilli,
          unitCost: l.unitCost,
          levelMilli: postMovement(db, { productId: l.productId, deltaMilli: l.quantityMilli, reason: 'receive', ref: receiptId, at, unitCost: l.unitCost }),
        }));
        audit.record({
          actor: session.caller,
          action: 'stock.receive',
          subject: receiptId,
          details: { supplier, note: input.note?.trim() || null, lines: lines.map(({ productId, quantityMilli, unitCost }) => ({ productId, quantityMilli, unitCost })) },
        });
        return { receiptId, supplier, at, lines };
      }).immediate();
    },

    count(input, session) {
      refuseWhenManaged();
      checkProducts(input.lines.map((l) => l.productId));
      const countId = newId();
      const at = clock.now().toISOString();
      return db.transaction(() => {
        // The expected level is read in the transaction that posts the difference: a sale between the sheet being
        // shown and posted is counted in.
        const lines = input.lines.map((l) => {
          const expectedMilli = stockOf(db, l.productId)!.stockMilli;
          const deltaMilli = l.countedMilli - expectedMilli;
          const levelMilli = postMovement(db, { productId: l.productId, deltaMilli, reason: 'count', ref: countId, at });
          return { productId: l.productId, expectedMilli, countedMilli: l.countedMilli, deltaMilli, levelMilli };
        });
        audit.record({
          actor: session.caller,
          action: 'stock.count',
          subject: countId,
          details: { lines: lines.map(({ productId, expectedMilli, countedMilli, deltaMilli }) => ({ productId, expectedMilli, countedMilli, deltaMilli })) },
        });
        return { countId, at, posted: lines.filter((l) => l.deltaMilli !== 0).length, lines };
      }).immediate();
    },

    setLowStock(productId, lowStockMilli, session) {
      return db.transaction(() => {
        const before = levelOf(productId);
        setLowStockLine(db, productId, lowStockMilli);
        audit.record({ actor: session.caller, action: 'stock.setLowStock', subject: productId, details: { from: before.lowStockMilli, to: lowStockMilli } });
        return levelOf(productId);
      }).immediate();
    },
  };
}
