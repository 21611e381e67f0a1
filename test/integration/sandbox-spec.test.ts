/**
 * The sandbox acquirer against the public Shouqianba documentation (WoSai/shouqianba-doc, zh-cn/api): real
 * HTTP, requests shaped as the interface pages' parameter tables and their example values, signed as
 * sign.md says by ./sandbox-client.ts (not by our adapter), replies checked against the pages' examples.
 */
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SANDBOX_ACTIVATION_CODE,
  SANDBOX_APP_ID,
  SANDBOX_VENDOR_KEY,
  SANDBOX_VENDOR_SN,
  startSandboxAcquirer,
  type SandboxAcquirer,
} from '../../src-main/acquirer/sandbox/server';
import { PIN_TIMEOUT_MS, sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { tempDir } from '../helpers/host';
import { SpecTerminal, specCall, type SpecReply } from './sandbox-client';

const log = pino({ level: 'silent' });
const VENDOR = { sn: SANDBOX_VENDOR_SN, key: SANDBOX_VENDOR_KEY, appId: SANDBOX_APP_ID };
const DAY_MS = 24 * 3600_000;

/** The wall clock plus an offset a test moves forward (past Beijing midnight, past 40 s of PIN wait). */
const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
/** Milliseconds from now to just after the next midnight in Beijing (UTC+8). */
const toNextBeijingDay = () => DAY_MS - ((clock.now().getTime() + 8 * 3600_000) % DAY_MS) + 60_000;

let sandbox: SandboxAcquirer;
let pos: SpecTerminal;
let seq = 0;
const clientSn = () => `spec${Date.now().toString(36)}${(seq++).toString(36)}`;
const biz = (r: SpecReply) => r.json?.biz_response ?? {};
const data = (r: SpecReply) => biz(r).data ?? {};

/** pay.md's parameters with its example values. */
const payParams = (dynamicId: string, extra: Record<string, unknown> = {}) => ({
  client_sn: clientSn(),
  total_amount: '1000',
  dynamic_id: dynamicId,
  subject: 'Pizza',
  operator: 'Obama',
  ...extra,
});
const paidOrder = async (amount = '1000') => {
  const params = payParams(sandboxPaymentCode('wechat', '0000'), { total_amount: amount });
  const reply = await pos.call('/upay/v2/pay', params);
  expect(biz(reply).result_code).toBe('PAY_SUCCESS');
  return { clientSn: params.client_sn, sn: String(data(reply).sn) };
};

beforeAll(async () => {
  sandbox = await startSandboxAcquirer({ dbPath: join(tempDir('sandbox-spec-'), 'sandbox.sqlite'), port: 0, log, clock });
  pos = await SpecTerminal.activate(sandbox.url, VENDOR, SANDBOX_ACTIVATION_CODE, 'POS-SPEC-1');
});
afterAll(() => sandbox?.close());

describe('replies are not signed (sign.md: requests only)', () => {
  it('activate, pay, query, refund and errors come back with no signature header, bodies as the examples', async () => {
    const activation = await specCall(sandbox.url, '/terminal/activate', { app_id: SANDBOX_APP_ID, code: SANDBOX_ACTIVATION_CODE, device_id: 'POS-SPEC-2' }, VENDOR.sn, VENDOR.key);
    const paid = await pos.call('/upay/v2/pay', payParams(sandboxPaymentCode('alipay', '0000')));
    const refused = await pos.call('/upay/v2/query', { client_sn: 'never-made' });
    for (const reply of [activation, paid, refused]) {
      expect(Object.keys(reply.headers).filter((h) => /sign/i.test(h))).toEqual([]);
      expect(reply.http).toBe(200);
    }
    expect(activation.json).toEqual({ result_code: '200', biz_response: { terminal_sn: expect.stringMatching(/^\d+$/), terminal_key: expect.stringMatching(/^[0-9a-f]{32}$/) } });
    expect(Object.keys(data(paid)).sort()).toEqual(
      expect.arrayContaining(['sn', 'client_sn', 'trade_no', 'status', 'order_status', 'payway', 'sub_payway', 'total_amount', 'net_amount', 'finish_time', 'channel_finish_time', 'subject', 'operator']),
    );
    expect(data(paid)).toMatchObject({ status: 'SUCCESS', order_status: 'PAID', payway: '1', sub_payway: '1', total_amount: '1000', net_amount: '1000' });
  });

  it('8000: the order is paid and the reply cut off (unreadable, not a bad signature); query finds it paid', async () => {
    const params = payParams(sandboxPaymentCode('wechat', '8000'));
    const reply = await pos.call('/upay/v2/pay', params);
    expect(reply.http).toBe(200);
    expect(reply.json).toBeUndefined();
    const query = await pos.call('/upay/v2/query', { client_sn: params.client_sn });
    expect(data(query)).toMatchObject({ order_status: 'PAID', total_amount: '1000' });
  });
});

describe('pay (pay.md)', () => {
  it('in progress: exactly the documented example shape, "total_amount " key and wall-clock ctime included', async () => {
    const reply = await pos.call('/upay/v2/pay', payParams(sandboxPaymentCode('wechat', '1300')));
    expect(reply.json?.result_code).toBe('200');
    expect(biz(reply).result_code).toBe('PAY_IN_PROGRESS');
    expect(Object.keys(data(reply))).toEqual(['sn', 'client_sn', 'trade_no', 'ctime', 'status', 'order_status', 'total_amount ']);
    expect(data(reply)).toMatchObject({ status: 'IN_PROG', order_status: 'CREATED', 'total_amount ': '1000', ctime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) });
  });

  it('a PIN never entered ends at about 40 s: PAY_CANCELED TRADE_TIMEOUT, nothing charged (pay.md Q3)', async () => {
    const params = payParams(sandboxPaymentCode('alipay', '1999'));
    expect(biz(await pos.call('/upay/v2/pay', params)).result_code).toBe('PAY_IN_PROGRESS');
    const before = clock.offsetMs;
    clock.offsetMs += PIN_TIMEOUT_MS - 1000;
    expect(data(await pos.call('/upay/v2/query', { client_sn: params.client_sn })).order_status).toBe('CREATED');
    clock.offsetMs += 2000;
    const query = await pos.call('/upay/v2/query', { client_sn: params.client_sn });
    clock.offsetMs = before;
    expect(biz(query)).toMatchObject({ result_code: 'SUCCESS', error_code: 'TRADE_TIMEOUT' });
    expect(data(query)).toMatchObject({ status: 'FAIL_CANCELED', order_status: 'PAY_CANCELED' });
    expect(sandbox.ledger.order(params.client_sn)).toMatchObject({ status: 'PAY_CANCELED', errorCode: 'TRADE_TIMEOUT' });
  });

  it('2NNN: the customer cancels at the PIN prompt → PAY_CANCELED with a documented code (no invented BUYER_CANCELED)', async () => {
    const params = payParams(sandboxPaymentCode('wechat', '2010'));
    await pos.call('/upay/v2/pay', params);
    const before = clock.offsetMs;
    clock.offsetMs += 2000;
    const query = await pos.call('/upay/v2/query', { client_sn: params.client_sn });
    clock.offsetMs = before;
    expect(biz(query)).toMatchObject({ result_code: 'SUCCESS', error_code: 'TRADE_FAILED', error_message: '交易失败' });
    expect(data(query).order_status).toBe('PAY_CANCELED');
  });

  it('echoes reflect as sent, a string or an object, in pay, in-progress, precreate and query replies', async () => {
    const asString = payParams(sandboxPaymentCode('wechat', '0000'), { reflect: 'erp-4711' });
    expect(data(await pos.call('/upay/v2/pay', asString)).reflect).toBe('erp-4711');
    const asObject = payParams(sandboxPaymentCode('wechat', '1100'), { reflect: { tips: '200' } });
    expect(data(await pos.call('/upay/v2/pay', asObject)).reflect).toEqual({ tips: '200' });
    expect(data(await pos.call('/upay/v2/query', { client_sn: asObject.client_sn })).reflect).toEqual({ tips: '200' });
    const qr = await pos.call('/upay/v2/precreate', { client_sn: clientSn(), total_amount: '1', payway: '1', subject: 'coca cola', operator: '张三丰', reflect: { tips: '100' } });
    expect(data(qr).reflect).toEqual({ tips: '100' });
    expect(data(await pos.call('/upay/v2/query', { client_sn: asString.client_sn })).reflect).toBe('erp-4711');
  });

  it('9NNN: a merchant discount comes back in payment_list as the documented example; totals unchanged', async () => {
    const params = payParams(sandboxPaymentCode('wechat', '9100'), { total_amount: '101' });
    const reply = await pos.call('/upay/v2/pay', params);
    expect(data(reply)).toMatchObject({
      total_amount: '101',
      net_amount: '101',
      payment_list: [
        { type: 'BANKCARD_DEBIT', amount_total: '1' },
        { type: 'DISCOUNT_CHANNEL_MCH', amount_total: '100' },
      ],
    });
    expect(data(await pos.call('/upay/v2/query', { client_sn: params.client_sn })).payment_list).toEqual(data(reply).payment_list);
    expect(sandbox.ledger.order(params.client_sn)).toMatchObject({ amount: 101, merchantDiscount: 100 });
  });

  it('fails as example 3 shows: PAY_FAIL with the error and the order PAY_CANCELED, FAIL_CANCELED, net_amount = total_amount', async () => {
    const reply = await pos.call('/upay/v2/pay', payParams(sandboxPaymentCode('wechat', '4000'), { total_amount: '1' }));
    expect(biz(reply)).toMatchObject({
      result_code: 'PAY_FAIL',
      error_code: 'EXPIRED_BARCODE',
      error_message: '过期的支付条码',
      data: { status: 'FAIL_CANCELED', payway: '3', sub_payway: '1', order_status: 'PAY_CANCELED', total_amount: '1', net_amount: '1', finish_time: expect.stringMatching(/^\d{13}$/) },
    });
  });

  it('a face token longer than dynamic_id allows (32 bytes) is refused INVALID_PARAMETER; nothing is made', async () => {
    const params = payParams(`fp${'1'.repeat(33)}`);
    expect((await pos.call('/upay/v2/pay', params)).json).toMatchObject({ result_code: '400', error_code: 'INVALID_PARAMETER' });
    expect(sandbox.ledger.order(params.client_sn)).toBeNull();
  });
});

describe('request errors (annex/responseCode.md, responseExample.md, pay.md example 4)', () => {
  it('an amount not 1–10 digits is INVALID_PARAMS with the documented message; missing or negative is INVALID_PARAMETER', async () => {
    expect((await pos.call('/upay/v2/pay', payParams(sandboxPaymentCode('wechat', '0000'), { total_amount: '10.00' }))).json).toEqual({
      result_code: '400',
      error_code: 'INVALID_PARAMS',
      error_message: 'total_amount金额为整数，长度不超过10位，以分为单位',
    });
    const { client_sn: _omitted, ...noClientSn } = payParams(sandboxPaymentCode('wechat', '0000'));
    expect((await pos.call('/upay/v2/pay', noClientSn)).json).toEqual({ result_code: '400', error_code: 'INVALID_PARAMETER', error_message: 'client_sn不可以为空' });
    expect((await pos.call('/upay/v2/pay', payParams(sandboxPaymentCode('wechat', '0000'), { total_amount: '-5' }))).json).toEqual({
      result_code: '400',
      error_code: 'INVALID_PARAMETER',
      error_message: 'total_amount不可以为负数',
    });
    expect((await pos.call('/upay/v2/query', {})).json).toMatchObject({ result_code: '400', error_code: 'INVALID_PARAMETER' });
  });

  it('an unknown terminal is TERMINAL_NOT_EXISTS; a wrong key ILLEGAL_SIGN', async () => {
    expect((await specCall(sandbox.url, '/upay/v2/query', { terminal_sn: '10099999999', client_sn: 'x' }, '10099999999', pos.terminalKey)).json).toEqual({
      result_code: '400',
      error_code: 'TERMINAL_NOT_EXISTS',
      error_message: '不存在这个终端',
    });
    expect((await specCall(sandbox.url, '/upay/v2/query', { terminal_sn: pos.terminalSn, client_sn: 'x' }, pos.terminalSn, '0'.repeat(32))).json).toMatchObject({
      result_code: '400',
      error_code: 'ILLEGAL_SIGN',
    });
  });

  it('no such order is FAIL UPAY_ORDER_NOT_EXISTS (query, refund, cancel, revoke)', async () => {
    const ref = { client_sn: 'never-made-1' };
    for (const reply of [
      await pos.call('/upay/v2/query', ref),
      await pos.call('/upay/v2/refund', { ...ref, refund_request_no: '1', refund_amount: '1', operator: 'Obama' }),
      await pos.call('/upay/v2/cancel', ref),
      await pos.call('/upay/v2/revoke', { client_sn: 'never-made-2' }),
    ]) {
      expect(biz(reply)).toEqual({ result_code: 'FAIL', error_code: 'UPAY_ORDER_NOT_EXISTS', error_message: '订单不存在' });
    }
  });
});

describe('sn first, then client_sn (query.md, refund.md, revoke&cancel.md)', () => {
  it('an sn that names no order falls back to the client_sn; an sn that does wins over another client_sn', async () => {
    const a = await paidOrder('300');
    const b = await paidOrder('400');
    const unknownSn = '7895999999999999';
    expect(data(await pos.call('/upay/v2/query', { sn: unknownSn, client_sn: a.clientSn })).sn).toBe(a.sn);
    expect(data(await pos.call('/upay/v2/query', { sn: a.sn, client_sn: b.clientSn })).sn).toBe(a.sn);
    const refund = await pos.call('/upay/v2/refund', { sn: unknownSn, client_sn: b.clientSn, refund_request_no: 'r1', refund_amount: '100', operator: 'Obama' });
    expect(data(refund)).toMatchObject({ sn: b.sn, net_amount: '300' });
    expect(biz(await pos.call('/upay/v2/cancel', { sn: a.sn, client_sn: b.clientSn }))).toMatchObject({ result_code: 'CANCEL_SUCCESS', data: { sn: a.sn } });
    const c = await paidOrder('500');
    expect(biz(await pos.call('/upay/v2/revoke', { sn: unknownSn, client_sn: c.clientSn }))).toMatchObject({ result_code: 'CANCEL_SUCCESS', data: { sn: c.sn } });
  });
});

describe('revoke (手动撤单) and cancel (自动撤单): the same logic (revoke&cancel.md)', () => {
  it('revoke reverses a paid order of today in full, once; a second revoke or cancel is UPAY_CANCEL_ORDER_NOOP', async () => {
    const order = await paidOrder('1000');
    const revoked = await pos.call('/upay/v2/revoke', { sn: order.sn });
    expect(biz(revoked)).toMatchObject({ result_code: 'CANCEL_SUCCESS', data: { status: 'SUCCESS', order_status: 'CANCELED', net_amount: '0' } });
    expect(biz(await pos.call('/upay/v2/revoke', { sn: order.sn }))).toEqual({ result_code: 'FAIL', error_code: 'UPAY_CANCEL_ORDER_NOOP', error_message: '无效操作，订单已经是撤单状态了' });
    expect(biz(await pos.call('/upay/v2/cancel', { client_sn: order.clientSn })).error_code).toBe('UPAY_CANCEL_ORDER_NOOP');
    expect(sandbox.ledger.transactions({ clientSn: order.clientSn }).map((t) => [t.type, t.amount])).toEqual([
      ['pay', 1000],
      ['cancel', 1000],
    ]);
  });

  it('a refunded order, or one of another day, cannot be revoked (CANCEL_ERROR UPAY_CANCEL_INVALID_ORDER_STATE)', async () => {
    const refunded = await paidOrder('1000');
    await pos.call('/upay/v2/refund', { sn: refunded.sn, refund_request_no: '1', refund_amount: '1', operator: 'Obama' });
    expect(biz(await pos.call('/upay/v2/revoke', { sn: refunded.sn }))).toEqual({ result_code: 'CANCEL_ERROR', error_code: 'UPAY_CANCEL_INVALID_ORDER_STATE', error_message: '当前订单状态不可撤销' });
    // Its own terminal: its checkin tomorrow must not leave the shared one with a key from the future.
    const till = await SpecTerminal.activate(sandbox.url, VENDOR, SANDBOX_ACTIVATION_CODE, 'POS-SPEC-REVOKE');
    const yesterday = payParams(sandboxPaymentCode('wechat', '0000'));
    expect(biz(await till.call('/upay/v2/pay', yesterday)).result_code).toBe('PAY_SUCCESS');
    const before = clock.offsetMs;
    clock.offsetMs += toNextBeijingDay();
    await till.checkin('POS-SPEC-REVOKE');
    const late = await till.call('/upay/v2/revoke', { client_sn: yesterday.client_sn });
    clock.offsetMs = before;
    expect(biz(late)).toMatchObject({ result_code: 'CANCEL_ERROR', error_code: 'UPAY_CANCEL_INVALID_ORDER_STATE' });
    expect(sandbox.ledger.order(yesterday.client_sn)?.status).toBe('PAID');
  });

  it('cancel stops an order still in progress (CANCEL_ABORT_SUCCESS) and a cancelled client_sn can never pay later', async () => {
    const pending = payParams(sandboxPaymentCode('wechat', '1300'));
    await pos.call('/upay/v2/pay', pending);
    expect(biz(await pos.call('/upay/v2/cancel', { client_sn: pending.client_sn }))).toMatchObject({ result_code: 'CANCEL_ABORT_SUCCESS', data: { order_status: 'CANCELED' } });
    const neverArrived = payParams(sandboxPaymentCode('wechat', '0000'));
    expect(biz(await pos.call('/upay/v2/cancel', { client_sn: neverArrived.client_sn })).error_code).toBe('UPAY_ORDER_NOT_EXISTS');
    expect(biz(await pos.call('/upay/v2/pay', neverArrived))).toMatchObject({ result_code: 'FAIL', error_code: 'CLIENT_SN_CONFLICT' });
    expect(sandbox.ledger.order(neverArrived.client_sn)).toBeNull();
  });
});

describe('refund (refund.md)', () => {
  it('carries client_tsn, which query reports for the last transaction', async () => {
    const order = await paidOrder('1000');
    const refund = await pos.call('/upay/v2/refund', { sn: order.sn, client_tsn: 'tsn-0001', refund_request_no: '23030349', refund_amount: '100', operator: 'Obama' });
    expect(biz(refund)).toMatchObject({ result_code: 'REFUND_SUCCESS', data: { client_tsn: 'tsn-0001', status: 'SUCCESS', order_status: 'PARTIAL_REFUNDED', net_amount: '900' } });
    expect(data(await pos.call('/upay/v2/query', { sn: order.sn }))).toMatchObject({ client_tsn: 'tsn-0001', status: 'SUCCESS', net_amount: '900' });
    const second = await pos.call('/upay/v2/refund', { sn: order.sn, refund_request_no: '23030350', refund_amount: '100', operator: 'Obama' });
    expect(data(second).client_tsn).toBe('23030350');
  });

  it('a refund_request_no used again is UPAY_REFUND_ORDER_NOOP and never pays twice, whatever the amount', async () => {
    const order = await paidOrder('1000');
    const params = { client_sn: order.clientSn, refund_request_no: 'R-1', refund_amount: '300', operator: 'Obama' };
    expect(biz(await pos.call('/upay/v2/refund', params)).result_code).toBe('REFUND_SUCCESS');
    const noop = { result_code: 'FAIL', error_code: 'UPAY_REFUND_ORDER_NOOP', error_message: '无效操作，本次退款退款已经完成了' };
    expect(biz(await pos.call('/upay/v2/refund', params))).toEqual(noop);
    expect(biz(await pos.call('/upay/v2/refund', { ...params, refund_amount: '200' }))).toEqual(noop);
    expect(sandbox.ledger.refunds(order.clientSn).map((r) => r.amount)).toEqual([300]);
    expect(data(await pos.call('/upay/v2/query', { client_sn: order.clientSn }))).toMatchObject({ client_tsn: 'R-1', net_amount: '700' });
  });

  it('a fully refunded order is UPAY_REFUND_INVALID_ORDER_STATE as the documented example; over the rest REFUNDABLE_AMOUNT_NOT_ENOUGH', async () => {
    const order = await paidOrder('1');
    expect(biz(await pos.call('/upay/v2/refund', { sn: order.sn, refund_request_no: 'a', refund_amount: '2', operator: 'Obama' })).error_code).toBe('REFUNDABLE_AMOUNT_NOT_ENOUGH');
    const full = await pos.call('/upay/v2/refund', { sn: order.sn, refund_request_no: 'b', refund_amount: '1', operator: 'Obama' });
    expect(data(full)).toMatchObject({ status: 'SUCCESS', order_status: 'REFUNDED', total_amount: '1', net_amount: '0' });
    expect(biz(await pos.call('/upay/v2/refund', { sn: order.sn, refund_request_no: 'c', refund_amount: '1', operator: 'Obama' }))).toEqual({
      result_code: 'FAIL',
      error_code: 'UPAY_REFUND_INVALID_ORDER_STATE',
      error_message: '订单已全额退款,可退金额不足',
    });
  });
});

describe('precreate (precreate.md)', () => {
  it('takes Alipay as the documented payway 1 and answers the documented fields', async () => {
    const reply = await pos.call('/upay/v2/precreate', { client_sn: clientSn(), total_amount: '1', payway: '1', subject: 'coca cola', operator: '张三丰' });
    expect(biz(reply).result_code).toBe('PRECREATE_SUCCESS');
    expect(data(reply)).toMatchObject({ status: 'IN_PROG', order_status: 'CREATED', payway: '1', total_amount: '1', net_amount: '1', qr_code: expect.stringContaining('/sandbox/scan/') });
  });
});

describe('terminal keys and activation codes (checkin.md, activate.md)', () => {
  it('a key is good for its Beijing day only: then ILLEGAL_SIGN until a checkin signed with it gives the new key', async () => {
    const till = await SpecTerminal.activate(sandbox.url, VENDOR, SANDBOX_ACTIVATION_CODE, 'POS-SPEC-KEY');
    expect(biz(await till.call('/upay/v2/query', { client_sn: 'x' })).error_code).toBe('UPAY_ORDER_NOT_EXISTS');
    const before = clock.offsetMs;
    clock.offsetMs += toNextBeijingDay();
    try {
      expect((await till.call('/upay/v2/query', { client_sn: 'x' })).json).toMatchObject({ result_code: '400', error_code: 'ILLEGAL_SIGN' });
      const expiredKey = till.terminalKey;
      const checkin = await till.checkin('POS-SPEC-KEY');
      expect(checkin.json).toEqual({ result_code: '200', biz_response: { terminal_sn: till.terminalSn, terminal_key: expect.stringMatching(/^[0-9a-f]{32}$/) } });
      expect(till.terminalKey).not.toBe(expiredKey);
      expect(biz(await till.call('/upay/v2/query', { client_sn: 'x' })).error_code).toBe('UPAY_ORDER_NOT_EXISTS');
      // The key before the checkin: no longer good for payments, good for one more checkin (a lost reply).
      const previous = new SpecTerminal(sandbox.url, till.terminalSn, expiredKey);
      expect((await previous.call('/upay/v2/query', { client_sn: 'x' })).json).toMatchObject({ error_code: 'ILLEGAL_SIGN' });
      expect(biz(await previous.checkin('POS-SPEC-KEY')).terminal_key).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      clock.offsetMs = before;
    }
  });

  it('an activation code has limited uses and expires after 7 days', async () => {
    sandbox.ledger.addActivationCode('TWO-USES-0001', 2);
    await SpecTerminal.activate(sandbox.url, VENDOR, 'TWO-USES-0001', 'POS-A');
    await SpecTerminal.activate(sandbox.url, VENDOR, 'TWO-USES-0001', 'POS-B');
    const activate = (code: string) => specCall(sandbox.url, '/terminal/activate', { app_id: SANDBOX_APP_ID, code, device_id: 'POS-C' }, VENDOR.sn, VENDOR.key);
    expect((await activate('TWO-USES-0001')).json).toEqual({ result_code: '400', error_code: 'INVALID_PARAMS', error_message: '激活码已经被使用' });
    sandbox.ledger.addActivationCode('WEEK-0001', 5);
    const before = clock.offsetMs;
    clock.offsetMs += 7 * DAY_MS + 60_000;
    const late = await activate('WEEK-0001');
    clock.offsetMs = before;
    expect(late.json).toEqual({ result_code: '400', error_code: 'INVALID_PARAMS', error_message: '激活码过期' });
    expect((await activate('NO-SUCH-CODE')).json).toMatchObject({ result_code: '400', error_code: 'INVALID_PARAMS' });
  });
});
