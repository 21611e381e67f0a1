import fc from 'fast-check';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SaleFact, type Fact } from '../../src-common/sync-protocol';
import { saleFact } from '../testing/facts';
import { startTestServer, type TestServer } from '../testing/server';
import { storeWithTills } from '../testing/stores';
import { salePayloadSql } from './sale-payload';

/** Sales as varied as the protocol lets a till send them (in its own order: lines by number). */
const saleArbitrary = fc.record({
  lines: fc.array(
    fc.record({
      productId: fc.constantFrom('P1', 'P-2', 'kg:7'),
      name: fc.string({ maxLength: 12 }),
      unit: fc.constantFrom('each' as const, 'kg' as const),
      quantityMilli: fc.integer({ min: 1, max: 5_000_000 }),
      unitPrice: fc.integer({ min: -1000, max: 10_000_000 }),
      lineDiscount: fc.integer({ min: 0, max: 500 }),
      orderDiscount: fc.integer({ min: 0, max: 500 }),
      taxRateBp: fc.constantFrom(0, 600, 900, 1300),
    }),
    { maxLength: 6 },
  ),
  taxes: fc.array(fc.record({ rateBp: fc.constantFrom(0, 600, 1300), taxable: fc.integer({ min: 0, max: 1e9 }), tax: fc.integer({ min: 0, max: 1e8 }) }), { maxLength: 3 }),
  tenders: fc.array(
    fc.record({
      kind: fc.constantFrom('cash' as const, 'wechat' as const, 'alipay' as const, 'ecny' as const),
      amount: fc.integer({ min: 0, max: 1e9 }),
      tendered: fc.integer({ min: 0, max: 1e9 }),
      withPayment: fc.boolean(),
      merchantDiscount: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
    }),
    { maxLength: 3 },
  ),
  rounding: fc.integer({ min: -9, max: 9 }),
  cashierId: fc.option(fc.constant('U1'), { nil: null }),
  shiftId: fc.option(fc.constant('SH1'), { nil: null }),
  // The till's clock as it wrote it: with milliseconds or without, in UTC or with an offset.
  openedAt: fc.constantFrom('2026-12-04T10:00:00.000Z', '2026-12-04T18:00:00+08:00', '2026-12-04T09:59:58.5Z'),
  receiptToken: fc.boolean(),
});

type SaleSpec = typeof saleArbitrary extends fc.Arbitrary<infer T> ? T : never;

function saleOf(seq: number, spec: SaleSpec): Extract<Fact, { kind: 'sale' }> {
  const base = saleFact(seq);
  const lines = spec.lines.map((l, i) => {
    const gross = Math.round((l.unitPrice * l.quantityMilli) / 1000);
    return { lineNo: i + 1, productId: l.productId, sku: `SKU${i}`, name: l.name, unit: l.unit, quantityMilli: l.quantityMilli, unitPrice: l.unitPrice, gross,
      lineDiscount: l.lineDiscount, orderDiscount: l.orderDiscount, net: gross - l.lineDiscount - l.orderDiscount, taxRateBp: l.taxRateBp };
  });
  const total = lines.reduce((s, l) => s + l.net, 0);
  return {
    ...base,
    payload: {
      ...base.payload,
      receiptNo: seq, openedAt: spec.openedAt, closedAt: '2026-12-04T10:05:00.000Z', subtotal: total + 7, discountTotal: 7, total, rounding: spec.rounding,
      taxTotal: spec.taxes.reduce((s, t) => s + t.tax, 0), changeGiven: seq % 3, cashierId: spec.cashierId, shiftId: spec.shiftId, lines, taxes: spec.taxes,
      tenders: spec.tenders.map((t, i) => ({
        tenderId: ulid(), seq: i + 1, kind: t.kind, amount: t.amount, tendered: t.tendered, paymentId: t.withPayment ? ulid() : null,
        // As an older till sends it: without the field (the protocol reads it as 0).
        ...(t.merchantDiscount === undefined ? {} : { merchantDiscount: t.merchantDiscount }),
      })) as Extract<Fact, { kind: 'sale' }>['payload']['tenders'],
      ...(spec.receiptToken ? { receiptToken: ulid().slice(0, 22) } : { receiptToken: undefined }),
    },
  };
}

describe('a sale fact stored once: the rest in the fact row, the whole payload rebuilt from its projections (real PostgreSQL)', () => {
  let t: TestServer;
  let storeId: string;
  let credential: string;
  beforeAll(async () => {
    t = await startTestServer();
    const store = await storeWithTills(t, '一号店', ['A1']);
    storeId = store.storeId;
    credential = store.tills[0]!.credential;
  });
  afterAll(() => t.stop());

  const rebuilt = async (saleId: string) =>
    (await t.sql<{ payload: unknown; stored: Record<string, unknown> }>(`SELECT ${salePayloadSql('f')} AS payload, f.payload AS stored FROM fact f WHERE f.store_id = $1 AND f.fact_id = $2`, [storeId, saleId]))[0]!;

  it('gives every reader the payload the till sent, as the protocol read it, for sales of every shape', async () => {
    const stream = ulid();
    let seq = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(saleArbitrary, { minLength: 1, maxLength: 5 }), async (specs) => {
        const facts = specs.map((spec) => saleOf(++seq, spec));
        const reply = await t.as(credential).call('POST', '/v1/facts', { body: { stream, facts } });
        expect(reply.status).toBe(200);
        for (const fact of facts) {
          const { payload, stored } = await rebuilt(fact.id);
          expect(payload).toEqual(JSON.parse(JSON.stringify(SaleFact.parse(fact.payload))));
          // Stored once: the fact row holds only what no projection does.
          expect(Object.keys(stored).sort()).toEqual(['closedAt', 'openedAt', 'taxes', 'tenders', ...(fact.payload.receiptToken ? ['receiptToken'] : [])].sort());
        }
      }),
      { numRuns: 25 },
    );
  });

  it('returns a sale stored whole (before sales were stored once) as it is', async () => {
    const old = saleFact(1);
    await t.sql(
      `INSERT INTO fact (store_id, fact_id, terminal_id, stream, seq, kind, recorded_at, business_date, payload) VALUES ($1, $2, 'A1', 'old', 1, 'sale', now(), '2026-12-04', $3)`,
      [storeId, old.id, JSON.stringify(old.payload)],
    );
    expect((await rebuilt(old.id)).payload).toEqual(old.payload);
  });
});
