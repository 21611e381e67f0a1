import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquirerDateOf } from '../../src-common/business-day';
import type { Session } from '../../src-common/roles';
import type { WechatV3Sandbox } from '../../src-main/acquirer/wechat/sandbox-v3';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { startTestPos, type TestPos } from '../helpers/pos';
import { saleOf, settledPayment, startDirectProviderTill } from '../helpers/direct-provider';
import { signedV3Request } from '../helpers/wechat-v3-client';
import { makeWechatV3Keys, startTestWechatV3Sandbox, TEST_V3_MERCHANT, TEST_V3_SUB_MCHID, testWechatV3Settings, type WechatV3Keys } from '../helpers/wechat-v3-sandbox';


/**
 * WeChat Pay direct by API v3 on a till, over real HTTPS to the v3 sandbox: every request signed with the
 * merchant's RSA key, every reply verified with the platform key. Every test code ends where it should, and the till
 * and the sandbox's ledger agree to the fen; a reply with a bad signature or another currency is never believed.
 */
describe('WeChat Pay v3 direct: every test code over real HTTPS', () => {
  let keys: WechatV3Keys;
  let sandbox: WechatV3Sandbox;
  let t: TestPos;
  let cashier: Session;
  let technician: Session;
  let barcode: string;

  beforeAll(async () => {
    keys = makeWechatV3Keys();
    sandbox = await startTestWechatV3Sandbox(keys, { scale: 0.02 });
    t = await startDirectProviderTill();
    technician = await t.signedIn('technician');
    cashier = await t.signedIn('cashier');
    await t.ok(technician, 'gateway.setWechatV3', testWechatV3Settings(sandbox, keys));
    await t.ok(technician, 'gateway.setRoutes', { routes: [{ wallet: 'wechat', provider: 'wechat_v3' }] });
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
      expect(row.provider).toBe('wechat_v3');
      expect(row.status).toBe(c.status);
      if (c.failure) expect(row.failure_code).toBe(c.failure);
      const order = sandbox.order(row.client_sn);
      expect(order?.tradeState ?? null).toBe(c.ledger);
      if (order) expect(order.total).toBe(cart.total);
      if (c.status === 'paid') {
        expect(row.acquirer_sn).toBe(order!.transactionId);
        expect(row.amount).toBe(order!.total);
        expect(t.query('SELECT kind, amount FROM sale_tender WHERE payment_id = ?', payment.paymentId)).toEqual([{ kind: 'wechat', amount: cart.total }]);
      } else {
        // Nothing charged: the sale is still open, and cash can still take it.
        expect((await t.ok(cashier, 'sale.current', {}))?.saleId).toBe(cart.saleId);
        await t.ok(cashier, 'sale.void', { reason: '顾客改付现金' });
      }
    });
  }

  for (const fault of ['wrong_key', 'tampered_body', 'other_currency'] as const) {
    it(`never takes a paid reply on trust (${fault}): unknown, then found paid by query, charged once`, async () => {
      const cart = await newSale(1);
      sandbox.setReplyFault(fault);
      try {
        const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') });
        expect(payment.status).not.toBe('paid');
        const row = await settle(payment.paymentId);
        expect(row).toMatchObject({ status: 'paid', provider: 'wechat_v3', amount: cart.total });
        expect(sandbox.order(row.client_sn)).toMatchObject({ tradeState: 'SUCCESS', total: cart.total, currency: 'CNY' });
        expect(sandbox.orders().filter((o) => o.outTradeNo === row.client_sn)).toHaveLength(1);
      } finally {
        sandbox.setReplyFault(null);
      }
    });
  }

  it('signs every request as the sandbox verifies it: none refused', () => {
    expect(sandbox.refusedSignatures()).toBe(0);
  });

  it('reverses when the cashier stops waiting for the PIN: revoked at WeChat, nothing charged', async () => {
    const cart = await newSale(1);
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '1999') });
    expect(payment.status).toBe('pending');
    await t.ok(cashier, 'payment.cancel', { paymentId: payment.paymentId });
    const row = await settle(payment.paymentId);
    expect(row.status).toBe('reversed');
    expect(sandbox.order(row.client_sn)).toMatchObject({ tradeState: 'REVOKED', total: cart.total });
    await t.ok(cashier, 'sale.void', { reason: '顾客改付现金' });
  });

  it('refunds part of a WeChat v3 sale through WeChat, in full agreement with the ledger', async () => {
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
    expect(t.query('SELECT provider, currency, wallet_amount FROM refund WHERE sale_id = ?', cart.saleId)).toEqual([{ provider: 'wechat_v3', currency: 'CNY', wallet_amount: 100 }]);
    expect(sandbox.order(row.client_sn)).toMatchObject({ tradeState: 'REFUND', refunded: 100, total: cart.total });
  });

  for (const fault of ['refund_request_lost', 'refund_reply_lost'] as const) {
    it(`settles a refund whose ${fault === 'refund_request_lost' ? 'request' : 'reply'} was lost: refunded once, by the same out_refund_no`, async () => {
      const cart = await newSale(2);
      const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') });
      const row = await settle(payment.paymentId);
      const owner = await t.signedIn('owner');
      sandbox.setReplyFault(fault);
      await t.ok(owner, 'refund.request', { saleId: cart.saleId, amount: 150, reason: '退货' });
      const until = Date.now() + 15_000;
      let refund: { status: string; refund_request_no: string } | undefined;
      while (Date.now() < until) {
        refund = t.query<{ status: string; refund_request_no: string }>('SELECT status, refund_request_no FROM refund WHERE sale_id = ?', cart.saleId)[0];
        if (refund && ['refunded', 'failed', 'needs_attention'].includes(refund.status)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      // The fault happened: the refund's first request (or its reply) was lost.
      expect(sandbox.replyFault()).toBeNull();
      sandbox.setReplyFault(null);
      expect(refund?.status).toBe('refunded');
      expect(sandbox.refunds(row.client_sn)).toEqual([{ outRefundNo: refund!.refund_request_no, refund: 150, status: 'SUCCESS' }]);
      expect(sandbox.order(row.client_sn)).toMatchObject({ tradeState: 'REFUND', refunded: 150, total: cart.total });
    });
  }

  it('routes by wallet on one till: WeChat to WeChat Pay direct, Alipay and UnionPay through the aggregator', async () => {
    const paid: { provider: string; clientSn: string; amount: number }[] = [];
    for (const wallet of ['wechat', 'alipay', 'unionpay'] as const) {
      const cart = await newSale(1);
      const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode(wallet, '0000') });
      const row = await settle(payment.paymentId);
      expect(row.status).toBe('paid');
      paid.push({ provider: row.provider, clientSn: row.client_sn, amount: cart.total });
    }
    expect(paid.map((p) => p.provider)).toEqual(['wechat_v3', 'aggregator', 'aggregator']);
    // Each provider saw its own orders and no other.
    expect(sandbox.order(paid[0]!.clientSn)).toMatchObject({ tradeState: 'SUCCESS', total: paid[0]!.amount });
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

  it('queries a payment at the provider that took it after the route changed, and hides the merchant QR WeChat v3 lacks', async () => {
    expect((await t.ok(cashier, 'gateway.tillOptions', {})).merchantQr).not.toContain('wechat');
    const cart = await newSale(1);
    expect(await t.call(cashier, 'payment.payByQr', { wallet: 'wechat' })).toMatchObject({ ok: false, error: { code: 'validation_failed', details: { reason: 'not_offered' } } });
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '1030') });
    expect(payment.status).toBe('pending');
    // The technician sends WeChat back to the aggregator while the customer types the PIN.
    await t.ok(technician, 'gateway.setRoutes', { routes: [] });
    const row = await settle(payment.paymentId);
    expect(row).toMatchObject({ status: 'paid', provider: 'wechat_v3' });
    expect(sandbox.order(row.client_sn)).toMatchObject({ tradeState: 'SUCCESS', total: cart.total });
    expect((await t.ok(cashier, 'gateway.tillOptions', {})).merchantQr).toContain('wechat');
    await t.ok(technician, 'gateway.setRoutes', { routes: [{ wallet: 'wechat', provider: 'wechat_v3' }] });
  });

  it('downloads WeChat’s v3 trade bill beside the aggregator’s statement, each row under its provider, to the fen of the ledger', async () => {
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
    const wechatRows = rows.filter((r) => r.provider === 'wechat_v3');
    const ledger = sandbox.orders();
    const expected = [
      ...ledger.filter((o) => o.tradeState === 'SUCCESS' || o.tradeState === 'REFUND').map((o) => ({ client_sn: o.outTradeNo, type: 'pay', amount: o.total })),
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

/**
 * A store outside mainland China (JPY: no minor unit) taking WeChat Pay v3. The domestic code payment takes CNY only
 * (境内商户号仅支持人民币), so the till speaks WeChat Pay's GLOBAL API v3: it pays by /v3/global/micropay/transactions/pay
 * in yen, queries, reverses and refunds by the global paths, and keeps the customer's CNY from the reply
 * (amount.payer_total), to the yen and the fen of the sandbox's ledger.
 */
describe('WeChat Pay v3 in a JPY store: the global API', () => {
  let keys: WechatV3Keys;
  let sandbox: WechatV3Sandbox;
  let t: TestPos;
  let cashier: Session;
  let barcode: string;

  beforeAll(async () => {
    keys = makeWechatV3Keys();
    sandbox = await startTestWechatV3Sandbox(keys, { scale: 0.02, cnyRates: { JPY: '0.0471' } });
    t = await startTestPos({ currency: 'JPY', acquirer: { sandboxSpeed: 0.02, timeouts: { payMs: 1000, queryMs: 1000, otherMs: 1000 }, timings: { pollIntervalMs: 40, pollDeadlineMs: 1500, cancelRetryMs: 40, maxCancelAttempts: 5 } } });
    const technician = await t.signedIn('technician');
    cashier = await t.signedIn('cashier');
    // A shop in Japan is an institution's sub-merchant at WeChat Pay Global (direct merchants: Hong Kong and the UK only).
    await t.ok(technician, 'gateway.setWechatV3', testWechatV3Settings(sandbox, keys, 'institutional'));
    await t.ok(technician, 'gateway.setRoutes', { routes: [{ wallet: 'wechat', provider: 'wechat_v3' }] });
    barcode = (await t.ok(cashier, 'catalog.search', { query: 'kkkl' }))[0]!.barcodes[0]!;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  /** The requests the sandbox saw while `run` ran. */
  async function requestsDuring<T>(run: () => Promise<T>): Promise<{ result: T; requests: string[] }> {
    const before = sandbox.requests().length;
    const result = await run();
    return { result, requests: sandbox.requests().slice(before) };
  }
  const noDomestic = (requests: string[]) => expect(requests.filter((r) => !r.includes(' /v3/global/'))).toEqual([]);

  it('pays and refunds in yen through the global paths, the ledger agreeing to the yen and the CNY from the reply', async () => {
    const cart = await saleOf(t, cashier, barcode, 2);
    const { result: row, requests } = await requestsDuring(async () => {
      const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') });
      return { ...(await settledPayment(t, payment.paymentId)), id: payment.paymentId };
    });
    expect(requests).toEqual(['POST /v3/global/micropay/transactions/pay']);
    expect(row).toMatchObject({ status: 'paid', provider: 'wechat_v3', amount: cart.total });
    const order = sandbox.order(row.client_sn)!;
    expect(order).toMatchObject({ api: 'global', subMchId: TEST_V3_SUB_MCHID, tradeState: 'SUCCESS', total: cart.total, currency: 'JPY', transactionId: row.acquirer_sn });
    // The customer's CNY is amount.payer_total (the sandbox's 0.0471, half up, to the fen); the till computes nothing.
    expect(order.payerTotal).toBe(Math.floor((cart.total * 471 + 50) / 100));
    // The reply's exchange_rate is a SETTLEMENT_RATE (yen against the settlement currency), not the customer's rate.
    expect(t.query('SELECT currency, payer_currency, payer_amount, payer_rate FROM payment WHERE id = ?', row.id)).toEqual([{ currency: 'JPY', payer_currency: 'CNY', payer_amount: order.payerTotal, payer_rate: null }]);

    const receipt = await t.ok(cashier, 'sale.receipt', { saleId: cart.saleId });
    expect(receipt.receipt.tenders).toEqual([expect.objectContaining({ kind: 'wechat', amount: cart.total, crossBorder: { payerCurrency: 'CNY', payerAmount: order.payerTotal, transactionId: order.transactionId } })]);
    const lines = receipt.text.split('\n').map((l) => l.trim());
    expect(lines).toContain(`顾客支付 CNY ${Math.floor(order.payerTotal! / 100)}.${String(order.payerTotal! % 100).padStart(2, '0')}`);
    expect(receipt.text).toContain(order.transactionId);
    expect(receipt.text).not.toContain('汇率');

    const owner = await t.signedIn('owner');
    const refunded = await requestsDuring(async () => {
      await t.ok(owner, 'refund.request', { saleId: cart.saleId, amount: 7, reason: '退货' });
      const until = Date.now() + 10_000;
      let status = '';
      while (Date.now() < until) {
        status = t.query<{ status: string }>('SELECT status FROM refund WHERE sale_id = ?', cart.saleId)[0]?.status ?? '';
        if (status === 'refunded' || status === 'failed' || status === 'needs_attention') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      return status;
    });
    expect(refunded.result).toBe('refunded');
    noDomestic(refunded.requests);
    expect(refunded.requests).toEqual(expect.arrayContaining(['POST /v3/global/refunds', expect.stringMatching(/^GET \/v3\/global\/refunds\/out-refund-no\//)]));
    // ¥7 back: its share of the CNY paid (half up), from the refund query's amount.payer_refund.
    const payerRefund = Math.floor((2 * order.payerTotal! * 7 + cart.total) / (2 * cart.total));
    expect(t.query('SELECT provider, currency, wallet_amount, payer_currency, payer_amount FROM refund WHERE sale_id = ?', cart.saleId)).toEqual([
      { provider: 'wechat_v3', currency: 'JPY', wallet_amount: 7, payer_currency: 'CNY', payer_amount: payerRefund },
    ]);
    expect(sandbox.order(row.client_sn)).toMatchObject({ tradeState: 'REFUND', refunded: 7, total: cart.total, currency: 'JPY' });
    expect(sandbox.refunds(row.client_sn)).toEqual([expect.objectContaining({ refund: 7, status: 'SUCCESS' })]);
  });

  it('a USERPAYING code is queried by the global order query until paid', async () => {
    const cart = await saleOf(t, cashier, barcode, 1);
    const { result: row, requests } = await requestsDuring(async () => settledPayment(t, (await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '1030') })).paymentId));
    expect(row).toMatchObject({ status: 'paid', amount: cart.total });
    noDomestic(requests);
    expect(requests[0]).toBe('POST /v3/global/micropay/transactions/pay');
    expect(requests.filter((r) => r === `GET /v3/global/transactions/out-trade-no/${row.client_sn}`).length).toBeGreaterThanOrEqual(1);
    expect(sandbox.order(row.client_sn)).toMatchObject({ api: 'global', tradeState: 'SUCCESS', total: cart.total, currency: 'JPY', transactionId: row.acquirer_sn });
  });

  it('reverses by the global reverse when the cashier stops waiting for the PIN: revoked at WeChat, nothing charged', async () => {
    const cart = await saleOf(t, cashier, barcode, 1);
    const { result: row, requests } = await requestsDuring(async () => {
      const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '1999') });
      expect(payment.status).toBe('pending');
      await t.ok(cashier, 'payment.cancel', { paymentId: payment.paymentId });
      return settledPayment(t, payment.paymentId);
    });
    expect(row.status).toBe('reversed');
    noDomestic(requests);
    expect(requests).toContain(`POST /v3/global/micropay/transactions/out-trade-no/${row.client_sn}/reverse`);
    expect(sandbox.order(row.client_sn)).toMatchObject({ api: 'global', tradeState: 'REVOKED', total: cart.total, currency: 'JPY' });
    await t.ok(cashier, 'sale.void', { reason: '顾客改付现金' });
  });

  it('a failing code (HTTP 500, no order) is queried, then reversed by the global reverse: failed, and that order can never pay', async () => {
    const cart = await saleOf(t, cashier, barcode, 1);
    const { result: row, requests } = await requestsDuring(async () => settledPayment(t, (await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '6000') })).paymentId));
    noDomestic(requests);
    expect(row.status).toBe('failed');
    expect(requests[0]).toBe('POST /v3/global/micropay/transactions/pay');
    expect(requests).toContain(`GET /v3/global/transactions/out-trade-no/${row.client_sn}`);
    expect(requests.at(-1)).toBe(`POST /v3/global/micropay/transactions/out-trade-no/${row.client_sn}/reverse`);
    expect(sandbox.order(row.client_sn)).toBeUndefined();
    // Reversed before it existed: the same out_trade_no is refused afterwards (a late retry cannot charge the customer).
    const late = await signedV3Request(sandbox, keys, 'POST', '/v3/global/micropay/transactions/pay', {
      sp_appid: TEST_V3_MERCHANT.appId,
      sp_mchid: TEST_V3_MERCHANT.mchId,
      sub_mchid: TEST_V3_SUB_MCHID,
      description: 'POS',
      out_trade_no: row.client_sn,
      trade_type: 'MICROPAY',
      merchant_category_code: '5499',
      payer: { auth_code: sandboxPaymentCode('wechat', '0000') },
      amount: { total: cart.total, currency: 'JPY' },
    });
    expect(late).toMatchObject({ status: 400, verified: true, json: { code: 'ORDERREVERSED' } });
    await t.ok(cashier, 'sale.void', { reason: '顾客改付现金' });
  });

  it('never takes a paid reply whose customer side is not in CNY: unknown, then paid by the global query with the CNY it gives', async () => {
    const cart = await saleOf(t, cashier, barcode, 1);
    sandbox.setReplyFault('payer_not_cny');
    try {
      const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') });
      expect(payment.status).not.toBe('paid');
      const row = await settledPayment(t, payment.paymentId);
      expect(row).toMatchObject({ status: 'paid', provider: 'wechat_v3', amount: cart.total });
      const order = sandbox.order(row.client_sn)!;
      expect(t.query('SELECT payer_currency, payer_amount FROM payment WHERE id = ?', payment.paymentId)).toEqual([{ payer_currency: 'CNY', payer_amount: order.payerTotal }]);
      expect(t.query<{ type: string }>('SELECT type FROM payment_event WHERE payment_id = ? ORDER BY rowid', payment.paymentId).map((e) => e.type)).toContain('query');
    } finally {
      sandbox.setReplyFault(null);
    }
  });

  it('a refund refused NOT_ENOUGH (the day’s CNY funds) is sent again later with the same out_refund_no, and refunded once', async () => {
    const cart = await saleOf(t, cashier, barcode, 2);
    const row = await settledPayment(t, (await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') })).paymentId);
    const owner = await t.signedIn('owner');
    sandbox.setReplyFault('refund_not_enough');
    const { requests } = await requestsDuring(async () => {
      await t.ok(owner, 'refund.request', { saleId: cart.saleId, amount: 11, reason: '退货' });
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        const status = t.query<{ status: string }>('SELECT status FROM refund WHERE sale_id = ?', cart.saleId)[0]?.status ?? '';
        if (status === 'refunded' || status === 'failed' || status === 'needs_attention') break;
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    expect(sandbox.replyFault()).toBeNull();
    noDomestic(requests);
    expect(requests.filter((r) => r === 'POST /v3/global/refunds').length).toBeGreaterThanOrEqual(2);
    const [refund] = t.query<{ status: string; refund_request_no: string; wallet_amount: number }>('SELECT status, refund_request_no, wallet_amount FROM refund WHERE sale_id = ?', cart.saleId);
    expect(refund).toMatchObject({ status: 'refunded', wallet_amount: 11 });
    expect(sandbox.refunds(row.client_sn)).toEqual([{ outRefundNo: refund!.refund_request_no, refund: 11, status: 'SUCCESS' }]);
  }, 40_000);

  it('the domestic code payment refuses yen as the documentation says: 400 PARAM_ERROR, and no order', async () => {
    const body = { appid: TEST_V3_MERCHANT.appId, mchid: TEST_V3_MERCHANT.mchId, description: 'POS', out_trade_no: 'JPYDOMESTIC0001', payer: { auth_code: sandboxPaymentCode('wechat', '0000') }, amount: { total: 300, currency: 'JPY' }, scene_info: { device_ip: '127.0.0.1', store_info: { out_id: 'POS' } } };
    const reply = await signedV3Request(sandbox, keys, 'POST', '/v3/pay/transactions/codepay', body);
    expect(reply.status).toBe(400);
    expect(reply.verified).toBe(true);
    expect(reply.json).toMatchObject({ code: 'PARAM_ERROR' });
    expect((reply.json as { message: string }).message).toContain('境内商户号仅支持人民币');
    expect(sandbox.order('JPYDOMESTIC0001')).toBeUndefined();
  });
});
