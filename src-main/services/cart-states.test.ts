import Sqlite from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../db/migrate';
import { migrations } from '../../db/migrations';
import { appendSaleEvent, insertSale, saleEvents } from '../../db/queries/sales';
import { replayCart, type CartEvent } from '../../src-common/cart';
import { createCartStates } from './cart-states';

/** A migrated database, made once: each run of the property starts from a copy of it. */
let migrated: Buffer | null = null;

function setup() {
  if (!migrated) {
    const first = new Sqlite(':memory:');
    migrate(first, migrations);
    migrated = first.serialize();
    first.close();
  }
  const db = new Sqlite(migrated);
  for (const [id, surface] of [['S1', 'till'], ['S2', 'kiosk']] as const) insertSale(db, { id, terminalId: 'T1', surface, currency: 'CNY', at: '2026-12-06T01:00:00.000Z', userId: null });
  return { db, carts: createCartStates(db) };
}

/** The whole sale replayed from its first event: what the kept state must always equal. */
const fullReplay = (db: Sqlite.Database, saleId: string) =>
  replayCart(saleEvents(db, saleId).map((e) => ({ type: e.type, data: JSON.parse(e.data) }) as CartEvent));

const line = (lineId: string, quantityMilli: number) => ({
  lineId,
  productId: `P-${lineId}`,
  sku: `SKU-${lineId}`,
  name: `商品${lineId}`,
  nameEn: null,
  unit: 'each' as const,
  unitPrice: 350,
  quantityMilli,
  taxRateBp: 1300,
  categoryId: null,
  weighed: false,
});

/** One step a till takes: an event, written alone, in a transaction that commits, or in one that rolls back. */
const stepArb = fc.record({
  sale: fc.constantFrom('S1', 'S2'),
  kind: fc.constantFrom('add', 'quantity', 'remove', 'discount', 'member'),
  line: fc.integer({ min: 0, max: 5 }),
  quantity: fc.integer({ min: 1, max: 9 }).map((n) => n * 1000),
  write: fc.constantFrom('alone', 'committed', 'rolledBack'),
  readInside: fc.boolean(),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

function eventOf(step: Step): { type: CartEvent['type']; data: unknown } {
  const lineId = `L${step.line}`;
  switch (step.kind) {
    case 'add':
      return { type: 'line_added', data: line(`${lineId}-${step.quantity}`, step.quantity) };
    case 'quantity':
      return { type: 'quantity_set', data: { lineId, quantityMilli: step.quantity } };
    case 'remove':
      return { type: 'line_removed', data: { lineId } };
    case 'discount':
      return { type: 'order_discount_set', data: { discount: { kind: 'amount', amount: step.quantity / 100 } } };
    default:
      return { type: 'member_set', data: { memberId: step.line % 2 ? `M${step.line}` : null } };
  }
}

describe('cart states kept per sale', () => {
  it('always equal the whole sale replayed, whatever was written, read inside transactions or rolled back', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 60 }), (steps) => {
        const { db, carts } = setup();
        for (const step of steps) {
          const { type, data } = eventOf(step);
          const write = () => {
            appendSaleEvent(db, step.sale, type as never, data, '2026-12-06T01:00:00.000Z', null);
            // Read inside the transaction (as a scan prices its new state before committing): sees the new event.
            if (step.readInside) expect(carts.of(step.sale)).toEqual(fullReplay(db, step.sale));
          };
          if (step.write === 'alone') write();
          else if (step.write === 'committed') db.transaction(write)();
          else {
            expect(() =>
              db.transaction(() => {
                write();
                throw new Error('cannot be priced');
              })(),
            ).toThrow('cannot be priced');
          }
          for (const sale of ['S1', 'S2']) expect(carts.of(sale)).toEqual(fullReplay(db, sale));
        }
        db.close();
      }),
      { numRuns: 150 },
    );
  });

  it('reads only the events written since the state it kept', () => {
    const { db, carts } = setup();
    appendSaleEvent(db, 'S1', 'line_added', line('A', 1000), '2026-12-06T01:00:00.000Z', null);
    expect(carts.of('S1').lines).toHaveLength(1);
    // An event changed behind the kept state's back is not read again (sale_event is append-only: this never happens
    // outside this test), so the kept state shows it was not replayed from the start.
    db.exec("DROP TRIGGER IF EXISTS sale_event_no_update; UPDATE sale_event SET data = json_set(data, '$.quantityMilli', 5000)");
    appendSaleEvent(db, 'S1', 'line_added', line('B', 2000), '2026-12-06T01:00:01.000Z', null);
    expect(carts.of('S1').lines.map((l) => l.quantityMilli)).toEqual([1000, 2000]);
    expect(fullReplay(db, 'S1').lines.map((l) => l.quantityMilli)).toEqual([5000, 2000]);
  });
});
