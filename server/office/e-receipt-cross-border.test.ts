/**
 * Cross-border payments on the store server (issue 18), real PostgreSQL through the real HTTPS server: a till's payment
 * fact carrying its provider, currency and the customer's CNY side (payerCurrency, payerAmount, rate) is kept as sent
 * (facts are stored as jsonb), an older till's fact without them is still taken, and the e-receipt of a JPY sale shows
 * the yen, the CNY the customer paid and the rate as the wallet gave them; a CNY sale's shows none of it.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fact } from '../../src-common/sync-protocol';
import { refundFact, saleFact } from '../testing/facts';
import { startTestServer, type TestServer } from '../testing/server';
import { storeWithTills } from '../testing/stores';

const token = () => randomBytes(16).toString('base64url');

describe('cross-border payment facts and e-receipts', () => {
  let t: TestServer;
  let store: { storeId: string; tills: { credential: string; terminalId: string }[] };
  let seq = 0;

  const page = (path: string): Promise<{ status: number; body: string }> =>
    new Promise((done, fail) => {
      const req = request(new URL(path, t.server.url), { method: 'GET', ca: t.server.tls.cert, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', fail);
      });
      req.on('error', fail);
      req.end();
    });
  const upload = async (facts: Fact[]) => {
    const reply = await t.as(store.tills[0]!.credential).call('POST', '/v1/facts', { body: { stream: 'stream-tokyo', facts } });
    expect(reply.status).toBe(200);
    return reply;
  };
  /** A sale paid by one wallet tender, in `currency`, and its payment fact with `extra` fields. */
  const paidSale = (currency: string, total: number, extra: Record<string, unknown>) => {
    seq += 1;
    const base = saleFact(seq, { at: new Date(Date.now() - 3600_000).toISOString(), tender: 'wechat', lines: [{ productId: 'P1', price: total }] });
    const tok = token();
    const sale: Extract<Fact, { kind: 'sale' }> = { ...base, payload: { ...base.payload, currency, taxes: [{ rateBp: 1000, taxable: total, tax: 0 }], taxTotal: 0, receiptToken: tok } };
    const paymentId = sale.payload.tenders[0]!.paymentId!;
    seq += 1;
    const payment = {
      seq,
      id: `${paymentId}:paid`,
      kind: 'payment',
      recordedAt: sale.recordedAt,
      payload: { paymentId, saleId: sale.payload.saleId, wallet: 'wechat', amount: total, status: 'paid', clientSn: `JZ${seq}ABCD`, acquirerSn: '4200002612060123456789012345', finishedAt: sale.recordedAt, ...extra },
    } as Fact;
    return { sale, payment, token: tok, paymentId };
  };

  beforeAll(async () => {
    t = await startTestServer(undefined, { publicUrl: 'https://receipts.example.jp/' });
    store = await storeWithTills(t, '東京店', ['TILL-TKY1']);
  });
  afterAll(() => t?.stop());

  it('keeps the provider, currency and the customer’s CNY side of a payment fact as the till sent them', async () => {
    const cross = { provider: 'wechat_v2', currency: 'JPY', payerCurrency: 'CNY', payerAmount: 4820, rate: '4820000', rateScale: 8 };
    const { sale, payment, paymentId } = paidSale('JPY', 1000, cross);
    await upload([sale, payment]);
    const [stored] = await t.sql<{ payload: Record<string, unknown> }>('SELECT payload FROM fact WHERE store_id = $1 AND fact_id = $2', [store.storeId, `${paymentId}:paid`]);
    expect(stored!.payload).toMatchObject({ paymentId, amount: 1000, ...cross });
  });

  it('keeps a cross-border refund fact’s CNY side as sent', async () => {
    const { sale, payment } = paidSale('JPY', 1000, { provider: 'wechat_v2', currency: 'JPY', payerCurrency: 'CNY', payerAmount: 4820, rate: '4820000', rateScale: 8 });
    seq += 1;
    const base = refundFact(seq, sale, 300);
    const refund: Fact = { ...base, payload: { ...base.payload, payerCurrency: 'CNY', payerAmount: 1446 } };
    await upload([sale, payment, refund]);
    const [stored] = await t.sql<{ payload: Record<string, unknown> }>('SELECT payload FROM fact WHERE store_id = $1 AND fact_id = $2', [store.storeId, refund.id]);
    expect(stored!.payload).toMatchObject({ amount: 300, walletAmount: 300, payerCurrency: 'CNY', payerAmount: 1446 });
    const shown = await page(`/r/${sale.payload.receiptToken!}`);
    expect(shown.body).toMatch(/data-testid="e-receipt-refund"><span>[^<]+<\/span><span>-¥300</);
    expect(shown.body).toMatch(/data-testid="e-receipt-refund-payer"><span>退回顾客 Refunded to customer<\/span><span>CNY 14\.46</);
  });

  it('takes an older till’s payment fact, which has none of them, and refuses a malformed one whole', async () => {
    const older = paidSale('CNY', 1250, {});
    await upload([older.sale, older.payment]);
    const [stored] = await t.sql<{ payload: Record<string, unknown> }>('SELECT payload FROM fact WHERE store_id = $1 AND fact_id = $2', [store.storeId, `${older.paymentId}:paid`]);
    expect(stored!.payload).not.toHaveProperty('payerAmount');
    const bad = paidSale('JPY', 1000, { payerCurrency: 'CNY', payerAmount: -4820 });
    const reply = await t.as(store.tills[0]!.credential).call('POST', '/v1/facts', { body: { stream: 'stream-tokyo', facts: [bad.sale, bad.payment] } });
    expect(reply.status).toBe(400);
    expect(await t.sql('SELECT 1 FROM fact WHERE store_id = $1 AND fact_id = $2', [store.storeId, bad.sale.id])).toEqual([]);
    seq -= 2; // the refused batch took no seq
  });

  it('shows a JPY sale’s e-receipt with the yen, the CNY the customer paid, the rate and the transaction id', async () => {
    const { sale, payment, token: tok } = paidSale('JPY', 1000, { provider: 'alipay', currency: 'JPY', payerCurrency: 'CNY', payerAmount: 4820, rate: '0.0482', rateScale: 0 });
    await upload([sale, payment]);
    const shown = await page(`/r/${tok}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatch(/data-testid="e-receipt-priced"><span>标价 Priced<\/span><span>JPY 1,000</);
    expect(shown.body).toMatch(/data-testid="e-receipt-payer"><span>顾客支付 Customer paid<\/span><span>CNY 48\.20</);
    expect(shown.body).toMatch(/data-testid="e-receipt-rate"><span>汇率 Rate<\/span><span>1 JPY = 0\.0482 CNY</);
    expect(shown.body).toContain('4200002612060123456789012345');
  });

  it('shows a CNY sale’s e-receipt without any cross-border line', async () => {
    const { sale, payment, token: tok } = paidSale('CNY', 1250, { provider: 'aggregator', currency: 'CNY' });
    await upload([sale, payment]);
    const shown = await page(`/r/${tok}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toContain('e-receipt-tender');
    for (const id of ['e-receipt-priced', 'e-receipt-payer', 'e-receipt-rate', 'e-receipt-transaction']) expect(shown.body).not.toContain(id);
  });
});
