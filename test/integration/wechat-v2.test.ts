import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquirerDateOf } from '../../src-common/business-day';
import type { Session } from '../../src-common/roles';
import type { WechatV2Sandbox } from '../../src-main/acquirer/wechat/sandbox-v2';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { type TestPos } from '../helpers/pos';
import { saleOf, settledPayment, startDirectProviderTill } from '../helpers/direct-provider';
import { makeWechatCertificates, startTestWechatSandbox, testWechatSettings, type WechatCertificates } from '../helpers/wechat-sandbox';


/**
 * WeChat Pay direct (API v2) on a till, over real HTTPS to the v2 sandbox, with the merchant's certificate for
 * the reversal (mutual TLS): every test code ends where it should, and the till and the sandbox's ledger agree to the fen.
 */
describe('WeChat Pay v2 direct: every test code over real HTTPS', () => {
  let certs: WechatCertificates;
  let sandbox: WechatV2Sandbox;
  let t: TestPos;
  let cashier: Session;
  let technician: Session;
  let barcode: string;

  beforeAll(async () => {
    certs = makeWechatCertificates();
    sandbox = await startTestWechatSandbox(certs, { scale: 0.02 });
    t = await startDirectProviderTill();
    technician = await t.signedIn('technician');
    cashier = await t.signedIn('cashier');
    await t.ok(technician, 'gateway.setWechatV2', testWechatSettings(sandbox, certs));
    await t.ok(technician, 'gateway.setRoutes', { routes: [{ wallet: 'wechat', provider: 'wechat_v2' }] });
    barcode = (await t.ok(cashier, 'catalog.search', { query: 'kkkl' }))[0]!.barcodes[0]!;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  const newSale = (items: number) => saleOf(t, cashier, barcode, items);
  const settle = (paymentId: string, timeoutMs?: number) => settledPayment(t, paymentId, timeoutMs);

  const cases: { suffix: string; status: string; failure?: string; ledger: string | null }[] = [
    { suffix: '0000', status: 'paid', ledger: 'SUCCESS' },
    { suffix: '1030', status: 'paid', ledger: 'SUCCESS' },
    { suffix: '1500', status: 'failed', ledger: 'CLOSED' },
    { suffix: '2030', status: 'failed', failure: 'declined', ledger: 'PAYERROR' },
    { suffix: '3000', status: 'failed', failure: 'insufficient_funds', ledger: 'PAYERROR' },
    { suffix: '4000', status: 'failed', failure: 'code_expired', ledger: 'PAYERROR' },
    { suffix: '5000', status: 'paid', ledger: 'SUCCESS' },
    { suffix: '6000', status: 'failed', ledger: null },
    { suffix: '7000', status: 'paid', ledger: 'SUCCESS' },
    { suffix: '8000', status: 'paid', ledger: 'SUCCESS' },
  ];

  for (const c of cases) {
    it(`${c.suffix}: ends ${c.status}${c.failure ? ` (${c.failure})` : ''}, as the sandbox's ledger says (${c.ledger ?? 'no order'})`, async () => {
      const cart = await newSale(1 + (Number(c.suffix) % 3));
      const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', c.suffix) });
      const row = await settle(payment.paymentId);
      expect(row.provider).toBe('wechat_v2');
      expect(row.status).toBe(c.status);
      if (c.failure) expect(row.failure_code).toBe(c.failure);
      const order = sandbox.order(row.client_sn);
      expect(order?.tradeState ?? null).toBe(c.ledger);
      if (order) expect(order.totalFee).toBe(cart.total);
      if (c.status === 'paid') {
        expect(row.acquirer_sn).toBe(order!.transactionId);
        expect(row.amount).toBe(order!.totalFee);
        expect(t.query('SELECT kind, amount FROM sale_tender WHERE payment_id = ?', payment.paymentId)).toEqual([{ kind: 'wechat', amount: cart.total }]);
      } else {
        // Nothing charged: the sale is still open, and cash can still take it.
        expect((await t.ok(cashier, 'sale.current', {}))?.saleId).toBe(cart.saleId);
        await t.ok(cashier, 'sale.void', { reason: '顾客改付现金' });
      }
    });
  }

  it('reverses over mutual TLS when the cashier stops waiting for the PIN: revoked at WeChat, nothing charged', async () => {
    const cart = await newSale(1);
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '1999') });
    expect(payment.status).toBe('pending');
    await t.ok(cashier, 'payment.cancel', { paymentId: payment.paymentId });
    const row = await settle(payment.paymentId);
    expect(row.status).toBe('reversed');
    expect(sandbox.order(row.client_sn)).toMatchObject({ tradeState: 'REVOKED', totalFee: cart.total });
    await t.ok(cashier, 'sale.void', { reason: '顾客改付现金' });
  });

  it('refunds part of a WeChat direct sale through WeChat, in full agreement with the ledger', async () => {
    const cart = await newSale(2);
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') });
    const row = await settle(payment.paymentId);
    const owner = await t.signedIn('owner');
    const refund = await t.ok(owner, 'refund.request', { saleId: cart.saleId, amount: 100, reason: '退货' });
    expect(refund).toBeTruthy();
    const until = Date.now() + 10_000;
    let status = '';
    while (Date.now() < until) {
      status = t.query<{ status: string }>('SELECT status FROM refund WHERE sale_id = ?', cart.saleId)[0]?.status ?? '';
      if (status === 'refunded' || status === 'failed' || status === 'needs_attention') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe('refunded');
    expect(t.query('SELECT provider, currency, wallet_amount FROM refund WHERE sale_id = ?', cart.saleId)).toEqual([{ provider: 'wechat_v2', currency: 'CNY', wallet_amount: 100 }]);
    expect(sandbox.order(row.client_sn)).toMatchObject({ tradeState: 'REFUND', refunded: 100, totalFee: cart.total });
  });

  it('routes by wallet on one till: WeChat to WeChat Pay direct, Alipay and UnionPay through the aggregator', async () => {
    const paid: { provider: string; clientSn: string; amount: number }[] = [];
    for (const wallet of ['wechat', 'alipay', 'unionpay'] as const) {
      const cart = await newSale(1);
      const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode(wallet, '0000') });
      const row = await settle(payment.paymentId);
      expect(row.status).toBe('paid');
      paid.push({ provider: row.provider, clientSn: row.client_sn, amount: cart.total });
    }
    expect(paid.map((p) => p.provider)).toEqual(['wechat_v2', 'aggregator', 'aggregator']);
    // Each provider saw its own orders and no other.
    expect(sandbox.order(paid[0]!.clientSn)).toMatchObject({ tradeState: 'SUCCESS', totalFee: paid[0]!.amount });
    expect(sandbox.order(paid[1]!.clientSn)).toBeUndefined();
    const aggregatorLedger = new Sqlite(join(t.dataDir, 'sandbox-acquirer.sqlite'), { readonly: true });
    try {
      const orders = aggregatorLedger.prepare("SELECT client_sn AS clientSn, amount FROM txn WHERE type = 'pay' AND status = 'SUCCESS'").all() as { clientSn: string; amount: number }[];
      expect(orders).toEqual(expect.arrayContaining(paid.slice(1).map((p) => ({ clientSn: p.clientSn, amount: p.amount }))));
      expect(orders.map((o) => o.clientSn)).not.toContain(paid[0]!.clientSn);
    } finally {
      aggregatorLedger.close();
    }
  });

  it('queries a payment at the provider that took it after the route changed, and hides the merchant QR WeChat direct lacks', async () => {
    expect((await t.ok(cashier, 'gateway.tillOptions', {})).merchantQr).not.toContain('wechat');
    const cart = await newSale(1);
    expect(await t.call(cashier, 'payment.payByQr', { wallet: 'wechat' })).toMatchObject({ ok: false, error: { code: 'validation_failed', details: { reason: 'not_offered' } } });
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '1030') });
    expect(payment.status).toBe('pending');
    // The technician sends WeChat back to the aggregator while the customer types the PIN.
    await t.ok(technician, 'gateway.setRoutes', { routes: [] });
    const row = await settle(payment.paymentId);
    expect(row).toMatchObject({ status: 'paid', provider: 'wechat_v2' });
    expect(sandbox.order(row.client_sn)).toMatchObject({ tradeState: 'SUCCESS', totalFee: cart.total });
    expect((await t.ok(cashier, 'gateway.tillOptions', {})).merchantQr).toContain('wechat');
    await t.ok(technician, 'gateway.setRoutes', { routes: [{ wallet: 'wechat', provider: 'wechat_v2' }] });
  });

  it('downloads WeChat’s trade bill beside the aggregator’s statement, each row under its provider, to the fen of the ledger', async () => {
    const owner = await t.signedIn('owner');
    const date = acquirerDateOf(new Date());
    await t.ok(owner, 'statement.download', { date });
    const until = Date.now() + 15_000;
    while ((await t.ok(owner, 'statement.get', { date })).status !== 'downloaded') {
      if (Date.now() > until) throw new Error(`statement still queued: ${(await t.ok(owner, 'statement.get', { date })).lastError}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const rows = t.query<{ client_sn: string; type: string; amount: number; provider: string; refund_request_no: string | null }>(
      'SELECT client_sn, type, amount, provider, refund_request_no FROM acquirer_statement_row WHERE business_date = ? ORDER BY line_no',
      date,
    );
    const wechatRows = rows.filter((r) => r.provider === 'wechat_v2');
    const ledger = sandbox.orders();
    const expected = [
      ...ledger.filter((o) => o.tradeState === 'SUCCESS' || o.tradeState === 'REFUND').map((o) => ({ client_sn: o.outTradeNo, type: 'pay', amount: o.totalFee })),
      ...ledger.filter((o) => o.refunded > 0).map((o) => ({ client_sn: o.outTradeNo, type: 'refund', amount: o.refunded })),
    ];
    expect(wechatRows.filter((r) => r.type !== 'cancel').map(({ client_sn, type, amount }) => ({ client_sn, type, amount }))).toEqual(expect.arrayContaining(expected));
    expect(wechatRows.filter((r) => r.type !== 'cancel')).toHaveLength(expected.length);
    // The aggregator's rows are the aggregator's payments, and no WeChat direct order is among them.
    const wechatOrders = new Set(ledger.map((o) => o.outTradeNo));
    expect(rows.filter((r) => r.provider === 'aggregator').some((r) => wechatOrders.has(r.client_sn))).toBe(false);
    expect(rows.some((r) => r.provider === 'aggregator')).toBe(true);
  });
});
