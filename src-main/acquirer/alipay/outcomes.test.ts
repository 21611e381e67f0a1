import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cancelOutcomeOf, payOutcomeOf, precreateOutcomeOf, queryOutcomeOf, refundOutcomeOf, refundQueryOutcomeOf, type AlipayReply } from './outcomes';
import { parseBusinessBill, sentOf } from './provider';
import { BILL_COLUMNS, amountText, beijingTime, instantOfBeijingTime, minorOfAmountText, requestSignContent } from './wire';

const NOW = new Date('2026-12-06T02:00:00.000Z');
const CNY = { clientSn: '20261206ABC', currency: 'CNY', exponent: 2 };
const reply = (node: Record<string, unknown>): AlipayReply => ({ ok: true, node });
const PAID = { code: '10000', msg: 'Success', trade_no: '2026120622001400001234567890', out_trade_no: '20261206ABC', buyer_logon_id: '159****5620', total_amount: '88.88', gmt_payment: '2026-12-06 10:00:01', buyer_user_id: '2088101117955611' };

describe('Alipay amounts and times', () => {
  it('writes and reads amounts with the currency’s decimals, to the minor unit', () => {
    expect(amountText(8888, 2)).toBe('88.88');
    expect(amountText(5, 2)).toBe('0.05');
    expect(amountText(1250, 0)).toBe('1250');
    expect(minorOfAmountText('88.88', 2)).toBe(8888);
    expect(minorOfAmountText('88.8', 2)).toBe(8880);
    expect(minorOfAmountText('88', 2)).toBe(8800);
    expect(minorOfAmountText(120.88, 2)).toBe(12088);
    expect(minorOfAmountText('1250', 0)).toBe(1250);
    for (const bad of ['88.888', '-1.00', '1e3', '', ' 1.00', '1,000.00', null, undefined, Number.NaN]) expect(minorOfAmountText(bad, 2)).toBeNull();
    expect(minorOfAmountText('12.5', 0)).toBeNull();
    expect(() => amountText(-1, 2)).toThrow(RangeError);
  });

  it('reads and writes Beijing times', () => {
    expect(beijingTime(new Date('2014-11-27T07:45:57.000Z'))).toBe('2014-11-27 15:45:57');
    expect(instantOfBeijingTime('2014-11-27 15:45:57')?.toISOString()).toBe('2014-11-27T07:45:57.000Z');
    expect(instantOfBeijingTime('2014-11-27T15:45:57')).toBeNull();
  });

  it('signs every non-empty parameter but sign, sorted by name', () => {
    expect(requestSignContent({ method: 'alipay.trade.pay', app_id: '1', sign: 'x', biz_content: '{"a":1}', notify_url: '' })).toBe('app_id=1&biz_content={"a":1}&method=alipay.trade.pay');
  });
});

describe('alipay.trade.pay replies', () => {
  it('is paid only for the order, amount and currency asked, with Alipay’s trade number and time', () => {
    expect(payOutcomeOf(reply(PAID), { ...CNY, amount: 8888 }, NOW)).toEqual({
      kind: 'paid',
      acquirerSn: '2026120622001400001234567890',
      amount: 8888,
      wallet: 'alipay',
      payerRef: '2088101117955611',
      finishedAt: '2026-12-06T02:00:01.000Z',
      paymentList: [],
      merchantDiscount: 0,
      payer: null,
    });
    expect(payOutcomeOf(reply(PAID), { ...CNY, amount: 8887 }, NOW)).toMatchObject({ kind: 'unknown' });
    expect(payOutcomeOf(reply({ ...PAID, out_trade_no: 'OTHER' }), { ...CNY, amount: 8888 }, NOW)).toMatchObject({ kind: 'unknown' });
    expect(payOutcomeOf(reply({ ...PAID, trade_no: undefined }), { ...CNY, amount: 8888 }, NOW)).toMatchObject({ kind: 'unknown' });
    expect(payOutcomeOf(reply({ ...PAID, trans_currency: 'HKD' }), { ...CNY, amount: 8888 }, NOW)).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('HKD') });
    expect(payOutcomeOf(reply({ ...PAID, total_amount: '8888' }), { clientSn: CNY.clientSn, currency: 'JPY', exponent: 0, amount: 8888 }, NOW)).toMatchObject({ kind: 'unknown' });
    expect(payOutcomeOf(reply({ ...PAID, total_amount: '8888', trans_currency: 'JPY' }), { clientSn: CNY.clientSn, currency: 'JPY', exponent: 0, amount: 8888 }, NOW)).toMatchObject({ kind: 'paid', amount: 8888 });
  });

  it('waits on 10003, settles 20000 and unknown sub codes by query, and fails only on definite refusals', () => {
    expect(payOutcomeOf(reply({ code: '10003', msg: 'Order success pay inprocess', out_trade_no: CNY.clientSn, trade_no: 'T1' }), { ...CNY, amount: 1 }, NOW)).toEqual({ kind: 'pending', acquirerSn: 'T1' });
    expect(payOutcomeOf(reply({ code: '10003', out_trade_no: 'OTHER' }), { ...CNY, amount: 1 }, NOW)).toMatchObject({ kind: 'unknown' });
    expect(payOutcomeOf(reply({ code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error' }), { ...CNY, amount: 1 }, NOW)).toMatchObject({ kind: 'unknown' });
    const failed = (subCode: string) => payOutcomeOf(reply({ code: '40004', msg: 'Business Failed', sub_code: subCode, sub_msg: '…' }), { ...CNY, amount: 1 }, NOW);
    expect(failed('ACQ.BUYER_BALANCE_NOT_ENOUGH')).toMatchObject({ kind: 'failed', code: 'insufficient_funds' });
    expect(failed('ACQ.PAYMENT_AUTH_CODE_INVALID')).toMatchObject({ kind: 'failed', code: 'code_expired' });
    expect(failed('ACQ.CONTEXT_INCONSISTENT')).toMatchObject({ kind: 'failed', code: 'order_conflict' });
    expect(failed('ACQ.BUYER_PAYMENT_AMOUNT_DAY_LIMIT_ERROR')).toMatchObject({ kind: 'failed', code: 'limit_exceeded' });
    expect(failed('ACQ.TRADE_HAS_SUCCESS')).toMatchObject({ kind: 'unknown' });
    expect(failed('ACQ.SYSTEM_ERROR')).toMatchObject({ kind: 'unknown' });
    expect(failed('ACQ.SOMETHING_NEW')).toMatchObject({ kind: 'unknown' });
    expect(payOutcomeOf(reply({ code: '40002', sub_code: 'isv.invalid-signature' }), { ...CNY, amount: 1 }, NOW)).toMatchObject({ kind: 'failed', code: 'other' });
    expect(payOutcomeOf(reply({ no: 'code' }), { ...CNY, amount: 1 }, NOW)).toMatchObject({ kind: 'unknown' });
  });

  it('is unknown for a reply that was not believed, and failed only when nothing can have been sent', () => {
    expect(payOutcomeOf({ ok: false, reason: 'alipay.trade.pay: reply signature does not verify', sent: true }, { ...CNY, amount: 1 }, NOW)).toMatchObject({ kind: 'unknown' });
    expect(payOutcomeOf({ ok: false, reason: 'connect ECONNREFUSED', sent: false }, { ...CNY, amount: 1 }, NOW)).toMatchObject({ kind: 'failed', code: 'other' });
    const refused = Object.assign(new Error('HttpClient Request error'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    expect(sentOf(refused)).toBe(false);
    expect(sentOf(Object.assign(new Error('timeout'), { cause: Object.assign(new Error('Request timeout for 400 ms'), { code: 'UND_ERR_HEADERS_TIMEOUT' }) }))).toBe(true);
    expect(sentOf(new Error('验签失败'))).toBe(true);
    // urllib sent it once, lost the socket, retried and was refused: the first one may have reached Alipay.
    const retriedThenRefused = Object.assign(new Error('HttpClient Request error'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', res: { socketErrorRetries: 1, retries: 0 } }),
    });
    expect(sentOf(retriedThenRefused)).toBe(true);
  });
});

describe('query, cancel, refund and precreate replies', () => {
  it('query: success statuses, waiting, closed, no such order', () => {
    expect(queryOutcomeOf(reply({ ...PAID, trade_status: 'TRADE_SUCCESS', gmt_payment: undefined, send_pay_date: '2026-12-06 10:00:02' }), CNY, NOW)).toMatchObject({ kind: 'paid', amount: 8888, finishedAt: '2026-12-06T02:00:02.000Z' });
    expect(queryOutcomeOf(reply({ ...PAID, trade_status: 'TRADE_FINISHED' }), CNY, NOW)).toMatchObject({ kind: 'paid' });
    expect(queryOutcomeOf(reply({ ...PAID, trade_status: 'WAIT_BUYER_PAY' }), CNY, NOW)).toEqual({ kind: 'pending', acquirerSn: PAID.trade_no });
    expect(queryOutcomeOf(reply({ ...PAID, trade_status: 'TRADE_CLOSED' }), CNY, NOW)).toEqual({ kind: 'cancelled' });
    expect(queryOutcomeOf(reply({ ...PAID, trade_status: 'SOMETHING' }), CNY, NOW)).toMatchObject({ kind: 'unknown' });
    expect(queryOutcomeOf(reply({ ...PAID, trade_status: 'TRADE_SUCCESS', out_trade_no: 'OTHER' }), CNY, NOW)).toMatchObject({ kind: 'unknown' });
    expect(queryOutcomeOf(reply({ code: '40004', sub_code: 'ACQ.TRADE_NOT_EXIST' }), CNY, NOW)).toEqual({ kind: 'not_found' });
    expect(queryOutcomeOf(reply({ code: '40004', sub_code: 'ACQ.SYSTEM_ERROR' }), CNY, NOW)).toMatchObject({ kind: 'unknown' });
  });

  it('cancel: done, retry, nothing to cancel, too late', () => {
    expect(cancelOutcomeOf(reply({ code: '10000', out_trade_no: CNY.clientSn, retry_flag: 'N', action: 'close' }), CNY)).toEqual({ kind: 'cancelled' });
    expect(cancelOutcomeOf(reply({ code: '10000', out_trade_no: CNY.clientSn, retry_flag: 'Y' }), CNY)).toEqual({ kind: 'in_progress' });
    expect(cancelOutcomeOf(reply({ code: '40004', sub_code: 'ACQ.SYSTEM_ERROR', retry_flag: 'Y' }), CNY)).toEqual({ kind: 'in_progress' });
    expect(cancelOutcomeOf(reply({ code: '40004', sub_code: 'ACQ.TRADE_NOT_EXIST' }), CNY)).toEqual({ kind: 'cancelled' });
    expect(cancelOutcomeOf(reply({ code: '40004', sub_code: 'ACQ.TRADE_STATUS_ERROR', retry_flag: 'N' }), CNY)).toMatchObject({ kind: 'failed' });
    expect(cancelOutcomeOf(reply({ code: '10000', out_trade_no: 'OTHER', retry_flag: 'N' }), CNY)).toMatchObject({ kind: 'unknown' });
    expect(cancelOutcomeOf({ ok: false, reason: 'timeout', sent: true }, CNY)).toMatchObject({ kind: 'unknown' });
  });

  it('refund: fund moved, a repeat to be looked up, refusals', () => {
    expect(refundOutcomeOf(reply({ code: '10000', out_trade_no: CNY.clientSn, fund_change: 'Y', refund_fee: '3.00' }), CNY)).toEqual({ kind: 'refunded', refundedTotal: 300 });
    expect(refundOutcomeOf(reply({ code: '10000', out_trade_no: CNY.clientSn, fund_change: 'N', refund_fee: '3.00' }), CNY)).toBe('ask');
    expect(refundOutcomeOf(reply({ code: '10000', out_trade_no: 'OTHER', fund_change: 'Y', refund_fee: '3.00' }), CNY)).toMatchObject({ kind: 'unknown' });
    expect(refundOutcomeOf(reply({ code: '40004', sub_code: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL' }), CNY)).toMatchObject({ kind: 'failed', code: 'not_enough_refundable' });
    expect(refundOutcomeOf(reply({ code: '40004', sub_code: 'ACQ.TRADE_NOT_EXIST' }), CNY)).toMatchObject({ kind: 'failed', code: 'not_refundable' });
    expect(refundOutcomeOf(reply({ code: '40004', sub_code: 'ACQ.SYSTEM_ERROR' }), CNY)).toMatchObject({ kind: 'unknown' });
    expect(refundOutcomeOf(reply({ code: '20000' }), CNY)).toMatchObject({ kind: 'unknown' });
  });

  it('refund query: this refund done, none yet, another one, another amount', () => {
    const expected = { clientSn: CNY.clientSn, refundRequestNo: 'RQ1', amount: 300, exponent: 2, refundedBefore: 100 };
    expect(refundQueryOutcomeOf(reply({ code: '10000', out_trade_no: CNY.clientSn, out_request_no: 'RQ1', refund_amount: '3.00', refund_status: 'REFUND_SUCCESS' }), expected)).toEqual({ kind: 'refunded', refundedTotal: 400 });
    expect(refundQueryOutcomeOf(reply({ code: '10000', out_trade_no: CNY.clientSn, out_request_no: 'RQ1', refund_amount: '3.00' }), expected)).toEqual({ kind: 'refunded', refundedTotal: 400 });
    expect(refundQueryOutcomeOf(reply({ code: '10000', out_trade_no: CNY.clientSn }), expected)).toEqual({ kind: 'not_arrived' });
    expect(refundQueryOutcomeOf(reply({ code: '10000', out_trade_no: CNY.clientSn, out_request_no: 'RQ2', refund_amount: '3.00' }), expected)).toMatchObject({ kind: 'unknown' });
    expect(refundQueryOutcomeOf(reply({ code: '10000', out_trade_no: CNY.clientSn, out_request_no: 'RQ1', refund_amount: '2.99' }), expected)).toMatchObject({ kind: 'unknown' });
    expect(refundQueryOutcomeOf(reply({ code: '10000', out_trade_no: CNY.clientSn, out_request_no: 'RQ1', refund_amount: '3.00', refund_status: 'REFUND_PROCESSING' }), expected)).toMatchObject({ kind: 'unknown' });
  });

  it('precreate: a QR for this order, a refusal, or unknown', () => {
    expect(precreateOutcomeOf(reply({ code: '10000', out_trade_no: CNY.clientSn, qr_code: 'https://qr.alipay.com/bax03431ljhokirwl38f00a7' }), CNY)).toEqual({ kind: 'created', qrCode: 'https://qr.alipay.com/bax03431ljhokirwl38f00a7', acquirerSn: CNY.clientSn });
    expect(precreateOutcomeOf(reply({ code: '10000', out_trade_no: 'OTHER', qr_code: 'x' }), CNY)).toMatchObject({ kind: 'unknown' });
    expect(precreateOutcomeOf(reply({ code: '40004', sub_code: 'ACQ.TOTAL_FEE_EXCEED' }), CNY)).toMatchObject({ kind: 'failed' });
    expect(precreateOutcomeOf(reply({ code: '40004', sub_code: 'ACQ.SYSTEM_ERROR' }), CNY)).toMatchObject({ kind: 'unknown' });
    expect(precreateOutcomeOf({ ok: false, reason: 'ECONNREFUSED', sent: false }, CNY)).toMatchObject({ kind: 'failed' });
  });
});

describe('the business bill (业务明细)', () => {
  const bill = (rows: string[][]) =>
    ['#支付宝业务明细查询', '#账号：[20881234567890156]', BILL_COLUMNS.join(','), ...rows.map((r) => r.map((c) => `${c}\t`).join(',')), '#-----业务明细列表结束-----', ''].join('\r\n');
  const row = (over: Partial<Record<(typeof BILL_COLUMNS)[number], string>>) => BILL_COLUMNS.map((c) => over[c] ?? (c.endsWith('（元）') ? '0.00' : ''));

  it('lists pays, refunds with their request numbers and cancels of paid orders, to the fen', () => {
    const text = bill([
      row({ 支付宝交易号: 'T1', 商户订单号: 'C1', 业务类型: '交易', 完成时间: '2026-12-06 10:00:00', '订单金额（元）': '12.34', '商家实收（元）': '12.34' }),
      row({ 支付宝交易号: 'T1', 商户订单号: 'C1', 业务类型: '退款', 完成时间: '2026-12-06 11:00:00', '订单金额（元）': '-1.00', '退款批次号/请求号': 'RQ1' }),
      row({ 支付宝交易号: 'T2', 商户订单号: 'C2', 业务类型: '退款', 完成时间: '2026-12-06 12:00:00', '订单金额（元）': '-5.00' }),
    ]);
    expect(parseBusinessBill(text, 2)).toEqual([
      { clientSn: 'C1', acquirerSn: 'T1', type: 'pay', wallet: 'alipay', amount: 1234, status: '交易', finishedAt: '2026-12-06T02:00:00.000Z', refundRequestNo: null },
      { clientSn: 'C1', acquirerSn: 'T1', type: 'refund', wallet: 'alipay', amount: 100, status: '退款', finishedAt: '2026-12-06T03:00:00.000Z', refundRequestNo: 'RQ1' },
      { clientSn: 'C2', acquirerSn: 'T2', type: 'cancel', wallet: 'alipay', amount: 500, status: '退款', finishedAt: '2026-12-06T04:00:00.000Z', refundRequestNo: null },
    ]);
  });

  it('refuses a bill without the documented columns or with an unreadable amount or time', () => {
    expect(() => parseBusinessBill('支付宝交易号,商户订单号\r\nT1,C1\r\n', 2)).toThrow(/documented columns/);
    expect(() => parseBusinessBill(bill([row({ 业务类型: '交易', 完成时间: '2026-12-06 10:00:00', '订单金额（元）': '12.345' })]), 2)).toThrow(/amount/);
    expect(() => parseBusinessBill(bill([row({ 业务类型: '交易', 完成时间: 'yesterday', '订单金额（元）': '1.00' })]), 2)).toThrow(/time/);
  });
});

describe('the provider over alipay-sdk, when nothing answers', () => {
  it('fails a payment whose connection was refused (nothing reached Alipay), and leaves a timed-out one unknown', async () => {
    const { createServer } = await import('node:net');
    const { generateKeyPairSync } = await import('node:crypto');
    const { createAlipayPort } = await import('./provider');
    const pino = (await import('pino')).default;
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const port = (server.address() as { port: number }).port;
        server.close(() => resolve(port));
      });
    });
    const silent = createServer((socket) => socket.on('data', () => undefined));
    const silentPort = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)));
    const app = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const port = (gatewayPort: number) =>
      createAlipayPort({
        settings: {
          gatewayUrl: `http://127.0.0.1:${gatewayPort}/gateway.do`,
          appId: '2021000122671080',
          privateKeyPem: app.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          alipayPublicKeyPem: app.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        },
        timeouts: { payMs: 300, queryMs: 300, otherMs: 300 },
        log: pino({ level: 'silent' }),
      });
    const input = { clientSn: '20261206REFUSED', amount: 100, authCode: '287634438256643940', subject: 'x', operator: 'u' };
    try {
      expect(await port(closedPort).pay(input)).toMatchObject({ kind: 'failed', code: 'other' });
      expect(await port(silentPort).pay(input)).toMatchObject({ kind: 'unknown' });
    } finally {
      silent.close();
    }
  });
});

/**
 * A store pricing in another currency (trans_currency): the reply says what the customer paid (pay_currency, pay_amount)
 * at which rate (trans_pay_rate). The pay page's own 响应示例 is such a reply (./spec-fixtures/pay-response.json).
 */
describe('cross-border replies (trans_currency)', () => {
  const USD = { clientSn: '6823789339978248', currency: 'USD', exponent: 2 };
  const JPY = { clientSn: CNY.clientSn, currency: 'JPY', exponent: 0 };
  const JPY_PAID = { ...PAID, total_amount: '1000', trans_currency: 'JPY', pay_currency: 'CNY', pay_amount: '48.20', trans_pay_rate: '0.0482', settle_currency: 'JPY', settle_amount: '1000', settle_trans_rate: '1' };

  it('reads the documentation’s example reply: USD 120.88 paid as CNY 580.04 at 6.5261', () => {
    const doc = JSON.parse(readFileSync(join(__dirname, 'spec-fixtures', 'pay-response.json'), 'utf8')) as { alipay_trade_pay_response: Record<string, unknown> };
    expect(payOutcomeOf(reply(doc.alipay_trade_pay_response), { ...USD, amount: 12088 }, NOW)).toMatchObject({
      kind: 'paid',
      amount: 12088,
      acquirerSn: '2013112011001004330000121536',
      payer: { currency: 'CNY', amount: 58004, rate: '6.5261', rateScale: 0 },
    });
  });

  it('keeps the CNY amount and the rate as the reply wrote them, from pay and query alike', () => {
    const payer = { currency: 'CNY', amount: 4820, rate: '0.0482', rateScale: 0 };
    expect(payOutcomeOf(reply(JPY_PAID), { ...JPY, amount: 1000 }, NOW)).toMatchObject({ kind: 'paid', amount: 1000, payer });
    expect(queryOutcomeOf(reply({ ...JPY_PAID, trade_status: 'TRADE_SUCCESS' }), JPY, NOW)).toMatchObject({ kind: 'paid', payer });
    // Rates written as JSON numbers, as some of the documentation's examples write them, are read by their text.
    expect(payOutcomeOf(reply({ ...JPY_PAID, trans_pay_rate: 0.0482, pay_amount: 48.2 }), { ...JPY, amount: 1000 }, NOW)).toMatchObject({ payer });
    const { pay_currency: _c, pay_amount: _a, trans_pay_rate: _r, ...none } = JPY_PAID;
    expect(payOutcomeOf(reply(none), { ...JPY, amount: 1000 }, NOW)).toMatchObject({ kind: 'paid', payer: null });
  });

  it('is unknown when the customer’s side is malformed or is not in CNY', () => {
    const of = (fields: Record<string, unknown>) => payOutcomeOf(reply({ ...JPY_PAID, ...fields }), { ...JPY, amount: 1000 }, NOW);
    expect(of({ pay_amount: '-48.20' })).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('pay_amount -48.20') });
    expect(of({ pay_amount: '48.201' }).kind).toBe('unknown');
    expect(of({ pay_currency: 'JPY' }).kind).toBe('unknown');
    expect(of({ pay_currency: 'cny' }).kind).toBe('unknown');
    expect(of({ trans_pay_rate: 'about 0.05' }).kind).toBe('unknown');
    expect(of({ trans_pay_rate: '-0.0482' }).kind).toBe('unknown');
    expect(of({ settle_amount: '1000.5' }).kind).toBe('unknown');
    const { pay_amount: _a, ...rateOnly } = JPY_PAID;
    expect(payOutcomeOf(reply(rateOnly), { ...JPY, amount: 1000 }, NOW).kind).toBe('unknown');
  });

  it('reads no payer side in a CNY store', () => {
    expect(payOutcomeOf(reply({ ...PAID, pay_currency: 'USD', pay_amount: 'x' }), { ...CNY, amount: 8888 }, NOW)).toMatchObject({ kind: 'paid', payer: null });
  });
});
