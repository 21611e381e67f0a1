/**
 * A sale's cart, replayed from its events and kept: the next time it is asked for, only the events written since are
 * read and replayed onto the kept state. Replaying the whole sale on every scan read every event of it each time: a
 * long order (the stress test's cart of ~3,000 scans) cost the core's thread 10–25 ms per scan by its end.
 *
 * A state is kept only when it was read outside a transaction, i.e. from committed events: an event read inside a
 * transaction that then rolls back (a fact that cannot be priced) is gone, and its rowid is handed out again. Inside a
 * transaction the kept state is still the base (committed events never change: sale_event is append-only and a new
 * event's rowid is above every existing one), and only the events after it are read.
 */
import type { Database } from 'better-sqlite3';
import { replayCart, type CartEvent, type CartState } from '../../src-common/cart';
import { saleEventsAfter } from '../../db/queries/sales';

/** Sales kept at once: the open sale of each selling surface and a few parked ones. */
const KEPT_SALES = 8;

export interface CartStates {
  /** The sale's cart after all its events. */
  of(saleId: string): CartState;
}

export function createCartStates(db: Database): CartStates {
  const kept = new Map<string, { lastEventId: number; state: CartState }>();
  return {
    of(saleId) {
      const base = kept.get(saleId);
      const events = saleEventsAfter(db, saleId, base?.lastEventId ?? 0);
      if (base && events.length === 0) return base.state;
      const state = replayCart(
        events.map((e) => ({ type: e.type, data: JSON.parse(e.data) }) as CartEvent),
        base?.state,
      );
      if (!db.inTransaction && events.length > 0) {
        kept.delete(saleId);
        kept.set(saleId, { lastEventId: events.at(-1)!.id, state });
        // The least recently kept goes first (a Map iterates in insertion order).
        if (kept.size > KEPT_SALES) kept.delete(kept.keys().next().value!);
      }
      return state;
    },
  };
}
