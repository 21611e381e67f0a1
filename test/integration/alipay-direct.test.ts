import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquirerDateOf } from '../../src-common/business-day';
import type { Session } from '../../src-common/roles';
import type { AlipaySandbox } from '../../src-main/acquirer/alipay/sandbox';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { type TestPos } from '../helpers/pos';
import { saleOf, settledPayment, startDirectProviderTill } from '../helpers/direct-provider';
import { makeAlipayKeys, startTestAlipaySandbox, testAlipaySettings, type AlipayKeys } from '../helpers/alipay-sandbox';


/**
 * Alipay direct (OpenAPI gateway, through alipay-sdk) on a till, over real HTTPS to the Alipay gateway sandbox: every
 * test code ends where it should, and the till and the sandbox's ledger agree to the fen; a refund, a reversal, a
 * merchant QR, the bill, and routing beside the aggregator on the same till.
 */
describe('Alipay direct: every test code over real HTTPS', () => {
  let keys: AlipayKeys;
  let sandbox: AlipaySandbox;
  let t: TestPos;
  let cashier: Session;
  let technician: Session;
  let barcode: string;

  beforeAll(async () => {
    keys = makeAlipayKeys();
    sandbox = await startTestAlipaySandbox(keys, { scale: 0.02 });
    t = await startDirectProviderTill();
    technician = await t.signedIn('technician');
    cashier = await t.signedIn('cashier');
    await t.ok(technician, 'gateway.setAlipay', testAlipaySettings(sandbox, keys));
    await t.ok(technician, 'gateway.setRoutes', { routes: [{ wallet: 'alipay', provider: 'alipay' }] });
    barcode = (await t.ok(cashier, 'catalog.search', { query: 'kkkl' }))[0]!.barcodes[0]!;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  const newSale = (items: number) => saleOf(t, cashier, barcode, items);
  const settle = (paymentId: string, timeoutMs?: number) => settledPayment(t, paymentId, timeoutMs);

  const cases: { suffix: string; status: string; failure?: string; ledger: string | null }[] = [
    { suffix: '0000', status: 'paid', ledger: 'TRADE_SUCCESS' },
    { suffix: '1030', status: 'paid', ledger: 'TRADE_SUCCESS' },
    { suffix: '1500', status: 'failed', ledger: 'TRADE_CLOSED' },
    { suffix: '2030', status: 'failed', failure: 'declined', ledger: 'TRADE_CLOSED' },
    { suffix: '3000', status: 'failed', failure: 'insufficient_funds', ledger: 'TRADE_CLOSED' },
    { suffix: '4000', status: 'failed', failure: 'code_expired', ledger: 'TRADE_CLOSED' },
    { suffix: '5000', status: 'paid', ledger: 'TRADE_SUCCESS' },
    { suffix: '6000', status: 'failed', ledger: null },
    { suffix: '7000', status: 'paid', ledger: 'TRADE_SUCCESS' },
    { suffix: '8000', status: 'paid', ledger: 'TRADE_SUCCESS' },
  ];

  for (const c of cases) {
    it(`${c.suffix}: ends ${c.status}${c.failure ? ` (${c.failure})` : ''}, as the sandbox's ledger says (${c.ledger ?? 'no order'})`, async () => {
      const cart = await newSale(1 + (Number(c.suffix) % 3));
      const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('alipay', c.suffix) });
      const row = await settle(payment.paymentId);
      expect(row.provider).toBe('alipay');
      expect(row.status).toBe(c.status);
      if (c.failure) expect(row.failure_code).toBe(c.failure);
      const order = sandbox.order(row.client_sn);
      expect(order?.tradeStatus ?? null).toBe(c.ledger);
      if (order) expect(order).toMatchObject({ totalAmount: cart.total, currency: 'CNY' });
      if (c.status === 'paid') {
        expect(row.acquirer_sn).toBe(order!.tradeNo);
        expect(row.amount).toBe(order!.totalAmount);
        expect(order!.refunded).toBe(0);
        expect(t.query('SELECT kind, amount FROM sale_tender WHERE payment_id = ?', payment.paymentId)).toEqual([{ kind: 'alipay', amount: cart.total }]);
      } else {
        // Nothing charged: the sale is still open, and cash can still take it.
        expect((await t.ok(cashier, 'sale.current', {}))?.saleId).toBe(cart.saleId);
        await t.ok(cashier, 'sale.void', { reason: '顾客改付现金' });
      }
    });
  }

  it('cancels at Alipay (trade.cancel) when the cashier stops waiting for the PIN: closed, nothing charged', async () => {
    const cart = await newSale(1);
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('alipay', '1999') });
    expect(payment.status).toBe('pending');
    await t.ok(cashier, 'payment.cancel', { paymentId: payment.paymentId });
    const row = await settle(payment.paymentId);
    expect(row.status).toBe('reversed');
    expect(sandbox.order(row.client_sn)).toMatchObject({ tradeStatus: 'TRADE_CLOSED', closedBy: 'cancel', totalAmount: cart.total, refunded: 0 });
    await t.ok(cashier, 'sale.void', { reason: '顾客改付现金' });
  });

  it('refunds part of an Alipay direct sale through Alipay, in full agreement with the ledger', async () => {
    const cart = await newSale(2);
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('alipay', '0000') });
    const row = await settle(payment.paymentId);
    const owner = await t.signedIn('owner');
    await t.ok(owner, 'refund.request', { saleId: cart.saleId, amount: 100, reason: '退货' });
    const until = Date.now() + 10_000;
    let status = '';
    while (Date.now() < until) {
      status = t.query<{ status: string }>('SELECT status FROM refund WHERE sale_id = ?', cart.saleId)[0]?.status ?? '';
      if (status === 'refunded' || status === 'failed' || status === 'needs_attention') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe('refunded');
    expect(t.query('SELECT provider, currency, wallet_amount FROM refund WHERE sale_id = ?', cart.saleId)).toEqual([{ provider: 'alipay', currency: 'CNY', wallet_amount: 100 }]);
    expect(sandbox.order(row.client_sn)).toMatchObject({ tradeStatus: 'TRADE_SUCCESS', refunded: 100, totalAmount: cart.total });
  });

  it('voids an Alipay sale of today by trade.cancel (its money back in full), and a retry of the void finds it done by query', async () => {
    const cart = await newSale(1);
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('alipay', '0000') });
    const row = await settle(payment.paymentId);
    const owner = await t.signedIn('owner');
    const voided = await t.ok(owner, 'refund.voidSale', { saleId: cart.saleId, reason: '顾客不要了' });
    expect(voided).toMatchObject({ void: true, status: 'refunded', tenderKind: 'alipay', walletAmount: cart.total });
    expect(sandbox.order(row.client_sn)).toMatchObject({ tradeStatus: 'TRADE_CLOSED', closedBy: 'cancel', totalAmount: cart.total, refunded: cart.total });
    // The retry asks first (trade.query: TRADE_CLOSED) and finds the void done.
    expect(await t.ok(owner, 'refund.retry', { refundId: voided.refundId })).toMatchObject({ status: 'refunded' });
    expect(sandbox.order(row.client_sn)).toMatchObject({ refunded: cart.total });
  });

  it('shows an Alipay merchant QR made by trade.precreate and completes the sale once the customer pays it', async () => {
    expect((await t.ok(cashier, 'gateway.tillOptions', {})).merchantQr).toContain('alipay');
    const cart = await newSale(1);
    const payment = await t.ok(cashier, 'payment.payByQr', { wallet: 'alipay' });
    expect(payment).toMatchObject({ status: 'pending', qrCode: expect.stringMatching(/^https:\/\/qr\.alipay\.com\//) });
    const [pending] = t.query<{ client_sn: string; provider: string }>('SELECT client_sn, provider FROM payment WHERE id = ?', payment.paymentId);
    expect(pending!.provider).toBe('alipay');
    expect(sandbox.order(pending!.client_sn)).toMatchObject({ tradeStatus: 'WAIT_BUYER_PAY', totalAmount: cart.total, authCode: null });
    sandbox.customerPays(pending!.client_sn);
    const row = await settle(payment.paymentId, 15_000);
    expect(row).toMatchObject({ status: 'paid', amount: cart.total, acquirer_sn: sandbox.order(pending!.client_sn)!.tradeNo });
  });

  it('routes by wallet on one till: Alipay to Alipay direct, WeChat and UnionPay through the aggregator', async () => {
    const paid: { provider: string; clientSn: string; amount: number }[] = [];
    for (const wallet of ['alipay', 'wechat', 'unionpay'] as const) {
      const cart = await newSale(1);
      const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode(wallet, '0000') });
      const row = await settle(payment.paymentId);
      expect(row.status).toBe('paid');
      paid.push({ provider: row.provider, clientSn: row.client_sn, amount: cart.total });
    }
    expect(paid.map((p) => p.provider)).toEqual(['alipay', 'aggregator', 'aggregator']);
    expect(sandbox.order(paid[0]!.clientSn)).toMatchObject({ tradeStatus: 'TRADE_SUCCESS', totalAmount: paid[0]!.amount });
    expect(sandbox.order(paid[1]!.clientSn)).toBeUndefined();
    expect(sandbox.order(paid[2]!.clientSn)).toBeUndefined();
    const aggregatorLedger = new Sqlite(join(t.dataDir, 'sandbox-acquirer.sqlite'), { readonly: true });
    try {
      const orders = aggregatorLedger.prepare("SELECT client_sn AS clientSn, amount FROM txn WHERE type = 'pay' AND status = 'SUCCESS'").all() as { clientSn: string; amount: number }[];
      expect(orders).toEqual(expect.arrayContaining(paid.slice(1).map((p) => ({ clientSn: p.clientSn, amount: p.amount }))));
      expect(orders.map((o) => o.clientSn)).not.toContain(paid[0]!.clientSn);
    } finally {
      aggregatorLedger.close();
    }
  });

  it('downloads Alipay’s business bill beside the aggregator’s statement, each row under its provider, to the fen of the ledger', async () => {
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
    const alipayRows = rows.filter((r) => r.provider === 'alipay');
    const ledger = sandbox.orders();
    // Every order Alipay took money for, every refund, and the cancel of a paid order (money back); the cancel of an unpaid order moved none.
    const cancelledPaid = (o: (typeof ledger)[number]) => o.closedBy === 'cancel' && o.refunded > 0;
    const expected = [
      ...ledger.filter((o) => o.tradeStatus === 'TRADE_SUCCESS' || o.closedBy === 'refund' || cancelledPaid(o)).map((o) => ({ client_sn: o.outTradeNo, type: 'pay', amount: o.totalAmount })),
      ...ledger.filter((o) => o.refunded > 0 && !cancelledPaid(o)).map((o) => ({ client_sn: o.outTradeNo, type: 'refund', amount: o.refunded })),
      ...ledger.filter(cancelledPaid).map((o) => ({ client_sn: o.outTradeNo, type: 'cancel', amount: o.totalAmount })),
    ];
    expect(expected.some((e) => e.type === 'cancel')).toBe(true);
    expect(alipayRows.map(({ client_sn, type, amount }) => ({ client_sn, type, amount }))).toEqual(expect.arrayContaining(expected));
    expect(alipayRows).toHaveLength(expected.length);
    // What Alipay kept, to the fen: pays less refunds and cancels on the bill, the ledger's paid orders less what went back.
    expect(alipayRows.reduce((sum, r) => sum + (r.type === 'pay' ? r.amount : -r.amount), 0)).toBe(ledger.reduce((sum, o) => sum + (o.tradeStatus === 'TRADE_SUCCESS' ? o.totalAmount - o.refunded : 0), 0));
    const alipayOrders = new Set(ledger.map((o) => o.outTradeNo));
    expect(rows.filter((r) => r.provider === 'aggregator').some((r) => alipayOrders.has(r.client_sn))).toBe(false);
    expect(rows.some((r) => r.provider === 'aggregator')).toBe(true);
  });
});
