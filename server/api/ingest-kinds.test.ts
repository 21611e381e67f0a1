/**
 * The upload's statement is made for the fact kinds of its batch (server/api/facts.ts), and only so many kind sets get
 * one of their own: batches of every set — past that bound too, on the statement of every kind — store their facts
 * and every projection of them, and nothing of another kind.
 */
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fact } from '../../src-common/sync-protocol';
import { memberFact, refundFact, saleFact, stockFact } from '../testing/facts';
import { startTestServer, type TestServer } from '../testing/server';
import { storeWithTills } from '../testing/stores';
import { ingestStatement } from './facts';

const OPTIONAL = ['refund', 'stock_movement', 'member'] as const;

describe('the upload statement for each set of fact kinds (real PostgreSQL)', () => {
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

  it('stores every set of kinds with its projections, past the bound of statements too', async () => {
    const stream = ulid();
    let seq = 0;
    const sent = { sales: 0, total: 0, refunds: 0, refunded: 0, stockMilli: 0, members: 0 };
    let lastSale = saleFact(++seq, { lines: [{ productId: 'P1', price: 1200 }] });
    const first = await t.as(credential).call('POST', '/v1/facts', { body: { stream, facts: [lastSale] } });
    expect(first.status).toBe(200);
    sent.sales += 1;
    sent.total += 1200;
    const names = new Set<string>();
    // Every subset of the optional kinds, with a sale and without: 16 sets, a payment fact in each (stored, not projected).
    for (const withSale of [true, false]) {
      for (let mask = 0; mask < 1 << OPTIONAL.length; mask += 1) {
        const kinds = OPTIONAL.filter((_, i) => mask & (1 << i));
        const facts: Fact[] = [];
        if (withSale) {
          const sale = saleFact(++seq, { lines: [{ productId: 'P2', price: 300 + mask }] });
          facts.push(sale);
          sent.sales += 1;
          sent.total += 300 + mask;
        }
        if (kinds.includes('refund')) {
          facts.push(refundFact(++seq, lastSale, 100));
          sent.refunds += 1;
          sent.refunded += 100;
        }
        if (kinds.includes('stock_movement')) {
          facts.push(stockFact(++seq, 'P2', -1000));
          sent.stockMilli -= 1000;
        }
        if (kinds.includes('member')) {
          facts.push(memberFact(++seq, ulid(), `139${String(mask).padStart(7, '0')}${withSale ? 1 : 2}`, '2026-12-04T10:00:00.000Z'));
          sent.members += 1;
        }
        const paymentId = ulid();
        facts.push({
          seq: ++seq, id: ulid(), kind: 'payment', recordedAt: '2026-12-04T10:00:00.000Z',
          payload: { paymentId, saleId: null, wallet: 'wechat', amount: 1, status: 'failed', clientSn: paymentId.slice(0, 24), acquirerSn: null, finishedAt: null },
        });
        names.add(ingestStatement(facts).name);
        const reply = await t.as(credential).call('POST', '/v1/facts', { body: { stream, facts } });
        expect(reply.status, JSON.stringify(reply.body)).toBe(200);
        expect(reply.body).toEqual({ stream, ackedSeq: seq });
        if (withSale) lastSale = facts[0] as Extract<Fact, { kind: 'sale' }>;
      }
    }
    // 16 sets: at most 8 of their own, the rest on the statement of every kind.
    expect(names.size).toBeLessThanOrEqual(9);
    expect([...names].some((n) => n.includes('member') && n.includes('refund') && n.includes('sale') && n.includes('x_report'))).toBe(true);

    const [row] = await t.sql<{ sales: number; total: number; refunds: number; refunded: number; stock: number; members: number; facts: number; till_sales: number; till_refunds: number }>(
      `SELECT (SELECT count(*)::int FROM sale WHERE store_id = $1) AS sales, (SELECT sum(total)::int FROM sale WHERE store_id = $1) AS total,
              (SELECT count(*)::int FROM refund WHERE store_id = $1) AS refunds, (SELECT sum(amount)::int FROM refund WHERE store_id = $1) AS refunded,
              (SELECT coalesce(sum(stock_milli), 0)::int FROM stock_level WHERE store_id = $1) AS stock,
              (SELECT count(*)::int FROM member WHERE store_id = $1) AS members, (SELECT count(*)::int FROM fact WHERE store_id = $1) AS facts,
              (SELECT sum(sales_count)::int FROM sale_till_day WHERE store_id = $1) AS till_sales, (SELECT sum(refunds)::int FROM sale_till_day WHERE store_id = $1) AS till_refunds`,
      [storeId],
    );
    expect(row).toEqual({
      sales: sent.sales, total: sent.total, refunds: sent.refunds, refunded: sent.refunded, stock: sent.stockMilli, members: sent.members, facts: seq,
      till_sales: sent.sales, till_refunds: sent.refunded,
    });
  });
});
