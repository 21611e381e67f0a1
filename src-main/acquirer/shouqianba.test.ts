import { describe, expect, it } from 'vitest';
import {
  cancelOutcomeOf,
  failureCodeOf,
  parseStatementCsv,
  payOutcomeOf,
  precreateOutcomeOf,
  queryOutcomeOf,
  refundOutcomeOf,
  refundStatusOf,
  terminalOf,
  type HttpReply,
  type ReplyContext,
} from './shouqianba';
const SN = '10298371039';
const KEY = '68d499beda5f72116592f5c527465656';
const NOW = new Date('2025-01-31T02:00:00.000Z');
const ctx = (): ReplyContext => ({ now: NOW });
const expected = { clientSn: 'C1', amount: 1000 };

/** A reply as the wire would carry it: JSON body (or raw text); Shouqianba signs no reply. */
function reply(body: unknown, options: { status?: number } = {}): HttpReply {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { ok: true, status: options.status ?? 200, body: text };
}
const order = (over: Record<string, unknown> = {}) => ({
  terminal_sn: SN,
  sn: '7895000000000001',
  client_sn: 'C1',
  trade_no: 'T1',
  status: 'SUCCESS',
  order_status: 'PAID',
  total_amount: '1000',
  net_amount: '1000',
  payway: '3',
  sub_payway: '1',
  payer_login: '138****0001',
  payer_uid: 'uid-1',
  finish_time: '1738288800000',
  ...over,
});
const biz = (resultCode: string, extra: Record<string, unknown> = {}) => ({ result_code: '200', biz_response: { result_code: resultCode, ...extra } });
const rejected = (code: string, message = '错误') => ({ result_code: '400', error_code: code, error_message: message });

describe('pay reply → outcome', () => {
  it('PAY_SUCCESS + PAID + same client_sn and amount → paid, with wallet, payer and finish time', () => {
    expect(payOutcomeOf(reply(biz('PAY_SUCCESS', { data: order() })), ctx(), expected)).toEqual({
      kind: 'paid',
      acquirerSn: '7895000000000001',
      amount: 1000,
      wallet: 'wechat',
      payerRef: '138****0001',
      finishedAt: '2025-01-31T02:00:00.000Z',
      paymentList: [],
      merchantDiscount: 0,
    });
    expect(payOutcomeOf(reply(biz('PAY_SUCCESS', { data: order({ payway: '99', payer_login: undefined }) })), ctx(), expected)).toMatchObject({
      kind: 'paid',
      wallet: null,
      payerRef: 'uid-1',
    });
  });

  it('never accepts a mismatched or unreadable amount as paid', () => {
    for (const total_amount of ['1001', '999', '100', '10000', '1000.00', '-1000', ' 1000', '1e3', '', '12345678901', 'abc']) {
      expect(payOutcomeOf(reply(biz('PAY_SUCCESS', { data: order({ total_amount }) })), ctx(), expected)).toMatchObject({ kind: 'unknown' });
    }
    expect(payOutcomeOf(reply(biz('PAY_SUCCESS', { data: order({ total_amount: 1000 }) })), ctx(), expected)).toMatchObject({ kind: 'unknown' });
  });

  it('PAY_SUCCESS that is not about this order, or not PAID, or without data → unknown', () => {
    expect(payOutcomeOf(reply(biz('PAY_SUCCESS', { data: order({ client_sn: 'C2' }) })), ctx(), expected)).toMatchObject({ kind: 'unknown' });
    expect(payOutcomeOf(reply(biz('PAY_SUCCESS', { data: order({ order_status: 'CREATED' }) })), ctx(), expected)).toMatchObject({ kind: 'unknown' });
    expect(payOutcomeOf(reply(biz('PAY_SUCCESS')), ctx(), expected)).toMatchObject({ kind: 'unknown' });
  });

  it('PAY_IN_PROGRESS → pending (query next)', () => {
    expect(payOutcomeOf(reply(biz('PAY_IN_PROGRESS', { data: order({ order_status: 'CREATED' }) })), ctx(), expected)).toEqual({
      kind: 'pending',
      acquirerSn: '7895000000000001',
    });
    expect(payOutcomeOf(reply(biz('PAY_IN_PROGRESS')), ctx(), expected)).toEqual({ kind: 'pending', acquirerSn: null });
  });

  it.each([
    ['INSUFFICIENT_FUND', 'insufficient_funds'],
    ['EXPIRED_BARCODE', 'code_expired'],
    ['INVALID_BARCODE', 'code_invalid'],
    ['BUYER_OVER_DAILY_LIMIT', 'limit_exceeded'],
    ['BUYER_OVER_TRANSACTION_LIMIT', 'limit_exceeded'],
    ['CLIENT_SN_CONFLICT', 'order_conflict'],
    ['TRADE_FAILED', 'declined'],
    ['SOMETHING_NEW', 'declined'],
  ])('PAY_FAIL %s → failed %s', (errorCode, code) => {
    const data = order({ order_status: 'PAY_CANCELED', status: 'FAIL_CANCELED' });
    expect(payOutcomeOf(reply(biz('PAY_FAIL', { error_code: errorCode, error_message: '原因', data })), ctx(), expected)).toEqual({
      kind: 'failed',
      code,
      message: `${errorCode}: 原因`,
    });
  });

  it('plain FAIL (no transaction made) → failed, unknown codes as other', () => {
    expect(payOutcomeOf(reply(biz('FAIL', { error_code: 'CLIENT_SN_CONFLICT' })), ctx(), expected)).toMatchObject({ kind: 'failed', code: 'order_conflict' });
    expect(payOutcomeOf(reply(biz('FAIL', { error_code: 'UPAY_TERMINAL_STATUS_ABNORMAL' })), ctx(), expected)).toMatchObject({ kind: 'failed', code: 'other' });
  });

  it('a "failure" that reports money taken → unknown', () => {
    expect(payOutcomeOf(reply(biz('PAY_FAIL', { error_code: 'INSUFFICIENT_FUND', data: order() })), ctx(), expected)).toMatchObject({ kind: 'unknown' });
  });

  it.each(['PAY_FAIL_ERROR', 'PAY_FAIL_IN_PROGRESS', 'PAY_ERROR', 'CANCEL_SUCCESS', 'SOMETHING_NEW'])('%s → unknown, never failed', (code) => {
    expect(payOutcomeOf(reply(biz(code, { data: order({ order_status: 'PAY_ERROR' }) })), ctx(), expected)).toMatchObject({ kind: 'unknown' });
  });

  it('400 ILLEGAL_SIGN / INVALID_PARAMS / INVALID_TERMINAL were refused before execution → failed other', () => {
    for (const code of ['ILLEGAL_SIGN', 'INVALID_PARAMS', 'INVALID_TERMINAL']) {
      expect(payOutcomeOf(reply(rejected(code, '签名错误')), ctx(), expected)).toEqual({ kind: 'failed', code: 'other', message: `${code}: 签名错误` });
    }
    expect(payOutcomeOf(reply(rejected('SOMETHING_ELSE')), ctx(), expected)).toMatchObject({ kind: 'unknown' });
  });

  it('500s, 5xx, timeouts, resets → unknown; a connection never made → failed (nothing sent)', () => {
    expect(payOutcomeOf(reply({ result_code: '500', error_code: 'UNKNOWN_SYSTEM_ERROR' }), ctx(), expected)).toMatchObject({ kind: 'unknown' });
    expect(payOutcomeOf(reply(biz('PAY_SUCCESS', { data: order() }), { status: 502 }), ctx(), expected)).toEqual({ kind: 'unknown', reason: 'HTTP 502' });
    expect(payOutcomeOf(reply(biz('PAY_SUCCESS', { data: order() }), { status: 404 }), ctx(), expected)).toMatchObject({ kind: 'unknown' });
    expect(payOutcomeOf({ ok: false, reason: 'timeout after 300 ms', sent: true }, ctx(), expected)).toEqual({ kind: 'unknown', reason: 'timeout after 300 ms' });
    expect(payOutcomeOf({ ok: false, reason: 'connection lost: ECONNRESET', sent: true }, ctx(), expected)).toMatchObject({ kind: 'unknown' });
    expect(payOutcomeOf({ ok: false, reason: 'cannot connect: ECONNREFUSED', sent: false }, ctx(), expected)).toMatchObject({ kind: 'failed', code: 'other' });
  });

  it('garbage bodies → unknown', () => {
    for (const body of ['', 'not json', '<html>502 Bad Gateway</html>', 'null', '[]', '"PAY_SUCCESS"', '{"result_code":200}', '{"result_code":"200","biz_response":"PAY_SUCCESS"}']) {
      expect(payOutcomeOf(reply(body), ctx(), expected)).toMatchObject({ kind: 'unknown' });
    }
    expect(payOutcomeOf(reply(biz('PAY_SUCCESS', { data: { ...order(), sn: 7 } })), ctx(), expected)).toMatchObject({ kind: 'unknown' });
  });

  it('payment_list: the merchant-funded parts (*_MCH, *_MCH_TOP_UP) are the merchant discount; unreadable lists are dropped', () => {
    const list = [
      { type: 'WALLET_WEIXIN', amount_total: '700' },
      { type: 'DISCOUNT_CHANNEL_MCH', amount_total: '200' },
      { type: 'HONGBAO_CHANNEL_MCH_TOP_UP', amount_total: '50' },
      { type: 'DISCOUNT_WOSAI', amount_total: '50' },
    ];
    expect(payOutcomeOf(reply(biz('PAY_SUCCESS', { data: order({ payment_list: list }) })), ctx(), expected)).toMatchObject({
      kind: 'paid',
      amount: 1000,
      paymentList: [
        { type: 'WALLET_WEIXIN', amount: 700 },
        { type: 'DISCOUNT_CHANNEL_MCH', amount: 200 },
        { type: 'HONGBAO_CHANNEL_MCH_TOP_UP', amount: 50 },
        { type: 'DISCOUNT_WOSAI', amount: 50 },
      ],
      merchantDiscount: 250,
    });
    const unreadable = [{ type: 'DISCOUNT_CHANNEL_MCH', amount_total: '2.00' }];
    expect(payOutcomeOf(reply(biz('PAY_SUCCESS', { data: order({ payment_list: unreadable }) })), ctx(), expected)).toMatchObject({ kind: 'paid', paymentList: [], merchantDiscount: 0 });
    const tooMuch = [{ type: 'DISCOUNT_CHANNEL_MCH', amount_total: '1001' }];
    expect(payOutcomeOf(reply(biz('PAY_SUCCESS', { data: order({ payment_list: tooMuch }) })), ctx(), expected)).toMatchObject({ kind: 'paid', merchantDiscount: 0 });
  });

  it('400 TERMINAL_NOT_EXISTS / INVALID_PARAMETER (annex/responseExample.md spellings) → failed at once, not unknown', () => {
    for (const code of ['TERMINAL_NOT_EXISTS', 'INVALID_PARAMETER']) {
      expect(payOutcomeOf(reply(rejected(code)), ctx(), expected)).toMatchObject({ kind: 'failed', code: 'other' });
      expect(refundOutcomeOf(reply(rejected(code)), ctx(), { clientSn: 'C1' })).toMatchObject({ kind: 'failed' });
      expect(cancelOutcomeOf(reply(rejected(code)), ctx(), { clientSn: 'C1' })).toMatchObject({ kind: 'failed' });
    }
  });

  it('reads a body with trailing commas (as the annex examples are written), nothing else lenient', () => {
    expect(payOutcomeOf(reply('{"result_code": "400", "error_code": "INVALID_PARAMETER", "error_message": "x",}'), ctx(), expected)).toMatchObject({ kind: 'failed' });
    expect(payOutcomeOf(reply('{"result_code": "400", "error_code": "INVALID_PARAMETER", "error_message": ",}",'), ctx(), expected)).toMatchObject({ kind: 'unknown' });
    expect(payOutcomeOf(reply("{'result_code': '400'}"), ctx(), expected)).toMatchObject({ kind: 'unknown' });
  });
});

describe('query reply → outcome', () => {
  const q = (body: unknown, options?: { status?: number }) => queryOutcomeOf(reply(body, options), ctx(), { clientSn: 'C1' });

  it('maps each order_status', () => {
    expect(q(biz('SUCCESS', { data: order({ order_status: 'CREATED' }) }))).toEqual({ kind: 'pending', acquirerSn: '7895000000000001' });
    expect(q(biz('SUCCESS', { data: order() }))).toMatchObject({ kind: 'paid', amount: 1000, wallet: 'wechat' });
    expect(q(biz('SUCCESS', { data: order({ order_status: 'PAY_CANCELED' }) }))).toMatchObject({ kind: 'failed', code: 'declined' });
    expect(q(biz('SUCCESS', { error_code: 'INSUFFICIENT_FUND', data: order({ order_status: 'PAY_CANCELED' }) }))).toMatchObject({ kind: 'failed', code: 'insufficient_funds' });
    expect(q(biz('SUCCESS', { error_code: 'TRADE_TIMEOUT', data: order({ order_status: 'PAY_CANCELED' }) }))).toMatchObject({
      kind: 'failed',
      code: 'declined',
      message: expect.stringContaining('TRADE_TIMEOUT'),
    });
    expect(q(biz('SUCCESS', { data: order({ order_status: 'CANCELED', net_amount: '0' }) }))).toEqual({ kind: 'cancelled' });
    expect(q(biz('SUCCESS', { data: order({ order_status: 'PARTIAL_REFUNDED', net_amount: '700' }) }))).toEqual({ kind: 'refunded', refundedAmount: 300, amount: 1000 });
    expect(q(biz('SUCCESS', { data: order({ order_status: 'REFUNDED', net_amount: '0' }) }))).toEqual({ kind: 'refunded', refundedAmount: 1000, amount: 1000 });
    for (const status of ['PAY_ERROR', 'REFUND_ERROR', 'CANCEL_ERROR', 'CANCEL_INPROGRESS', 'INVALID_STATUS_CODE', 'NEW_STATUS']) {
      expect(q(biz('SUCCESS', { data: order({ order_status: status }) }))).toMatchObject({ kind: 'unknown' });
    }
  });

  it('not found only when the acquirer says so', () => {
    expect(q(biz('FAIL', { error_code: 'UPAY_ORDER_NOT_EXISTS' }))).toEqual({ kind: 'not_found' });
    expect(q(biz('FAIL', { error_code: 'SOMETHING' }))).toMatchObject({ kind: 'unknown' });
    expect(q(biz('SUCCESS'))).toMatchObject({ kind: 'unknown' });
    expect(q(rejected('ILLEGAL_SIGN'))).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('ILLEGAL_SIGN') });
    expect(q('')).toMatchObject({ kind: 'unknown' });
  });

  it('refuses unreadable amounts and other orders', () => {
    expect(q(biz('SUCCESS', { data: order({ total_amount: '10.00' }) }))).toMatchObject({ kind: 'unknown' });
    expect(q(biz('SUCCESS', { data: order({ order_status: 'PARTIAL_REFUNDED', net_amount: '1001' }) }))).toMatchObject({ kind: 'unknown' });
    expect(q(biz('SUCCESS', { data: order({ client_sn: 'C9' }) }))).toMatchObject({ kind: 'unknown' });
  });
});

describe('cancel reply → outcome', () => {
  const c = (body: unknown, options?: { status?: number }) => cancelOutcomeOf(reply(body, options), ctx(), { clientSn: 'C1' });

  it('maps success, progress, refusals and errors', () => {
    expect(c(biz('CANCEL_SUCCESS', { data: order({ order_status: 'CANCELED' }) }))).toEqual({ kind: 'cancelled' });
    expect(c(biz('CANCEL_ABORT_SUCCESS', { data: order({ order_status: 'CANCELED' }) }))).toEqual({ kind: 'cancelled' });
    expect(c(biz('CANCEL_SUCCESS', { data: order({ order_status: 'PAY_CANCELED' }) }))).toEqual({ kind: 'cancelled' });
    expect(c(biz('CANCEL_SUCCESS', { data: order({ order_status: 'PAID' }) }))).toMatchObject({ kind: 'unknown' });
    expect(c(biz('CANCEL_IN_PROGRESS'))).toEqual({ kind: 'in_progress' });
    expect(c(biz('CANCEL_ABORT_IN_PROGRESS'))).toEqual({ kind: 'in_progress' });
    expect(c(biz('CANCEL_ERROR', { error_code: 'UPAY_CANCEL_INVALID_ORDER_STATE', error_message: '当前订单状态不可撤销' }))).toEqual({
      kind: 'failed',
      message: 'UPAY_CANCEL_INVALID_ORDER_STATE: 当前订单状态不可撤销',
    });
    expect(c(biz('CANCEL_ERROR', { error_code: 'UPAY_TCP_ORDER_NOT_REFUNDABLE' }))).toMatchObject({ kind: 'failed' });
    expect(c(biz('CANCEL_ERROR'))).toMatchObject({ kind: 'unknown' });
    expect(c(biz('CANCEL_ABORT_ERROR'))).toMatchObject({ kind: 'unknown' });
    expect(c(biz('FAIL', { error_code: 'UPAY_ORDER_NOT_EXISTS' }))).toEqual({ kind: 'cancelled' });
    expect(c(biz('FAIL', { error_code: 'UPAY_CANCEL_ORDER_NOOP' }))).toEqual({ kind: 'cancelled' });
    expect(c(biz('FAIL', { error_code: 'OTHER' }))).toMatchObject({ kind: 'failed' });
    expect(c(rejected('INVALID_PARAMS'))).toMatchObject({ kind: 'failed' });
    expect(c(rejected('ILLEGAL_SIGN'))).toMatchObject({ kind: 'unknown' });
    expect(c({ result_code: '500' })).toMatchObject({ kind: 'unknown' });
    expect(cancelOutcomeOf({ ok: false, reason: 'timeout after 1 ms', sent: true }, ctx(), { clientSn: 'C1' })).toMatchObject({ kind: 'unknown' });
    expect(cancelOutcomeOf({ ok: false, reason: 'cannot connect', sent: false }, ctx(), { clientSn: 'C1' })).toMatchObject({ kind: 'unknown' });
  });
});

describe('refund reply → outcome', () => {
  const r = (body: unknown) => refundOutcomeOf(reply(body), ctx(), { clientSn: 'C1' });

  it('maps success (total refunded so far), progress and each refusal', () => {
    expect(r(biz('REFUND_SUCCESS', { data: order({ order_status: 'PARTIAL_REFUNDED', net_amount: '700' }) }))).toEqual({ kind: 'refunded', refundedTotal: 300 });
    expect(r(biz('REFUND_SUCCESS'))).toMatchObject({ kind: 'unknown' });
    expect(r(biz('REFUND_SUCCESS', { data: order({ net_amount: 'x' }) }))).toMatchObject({ kind: 'unknown' });
    expect(r(biz('REFUND_IN_PROGRESS'))).toEqual({ kind: 'in_progress' });
    expect(r(biz('REFUND_ERROR'))).toMatchObject({ kind: 'unknown' });
    expect(r(biz('FAIL', { error_code: 'REFUNDABLE_AMOUNT_NOT_ENOUGH' }))).toMatchObject({ kind: 'failed', code: 'not_enough_refundable' });
    expect(r(biz('REFUND_FAIL', { error_code: 'UPAY_REFUND_INVALID_ORDER_STATE' }))).toMatchObject({ kind: 'failed', code: 'not_refundable' });
    expect(r(biz('FAIL', { error_code: 'UPAY_TCP_ORDER_NOT_REFUNDABLE' }))).toMatchObject({ kind: 'failed', code: 'not_refundable' });
    expect(r(biz('FAIL', { error_code: 'UPAY_REFUND_ORDER_NOOP', data: order({ order_status: 'REFUNDED', net_amount: '0' }) }))).toEqual({
      kind: 'refunded',
      refundedTotal: 1000,
    });
    expect(r(biz('FAIL', { error_code: 'UPAY_REFUND_ORDER_NOOP' }))).toMatchObject({ kind: 'unknown' });
    expect(r(biz('FAIL', { error_code: 'ACCOUNT_BALANCE_NOT_ENOUGH' }))).toMatchObject({ kind: 'failed', code: 'other' });
    expect(r(rejected('INVALID_PARAMS'))).toMatchObject({ kind: 'failed', code: 'other' });
    expect(r(rejected('ILLEGAL_SIGN'))).toMatchObject({ kind: 'unknown' });
    expect(r('{')).toMatchObject({ kind: 'unknown' });
  });
});

describe('refund status by query (a lost refund reply)', () => {
  const mine = { clientSn: 'C1', refundRequestNo: '20261204R01', amount: 300 };
  const s = (data: Record<string, unknown>, refundedBefore: number | null = null) =>
    refundStatusOf(reply(biz('SUCCESS', { data: order(data) })), ctx(), { ...mine, refundedBefore });

  it('the latest transaction named by either documented client_tsn form decides by its status', () => {
    for (const client_tsn of ['20261204R01', 'C1-20261204R01']) {
      expect(s({ client_tsn, status: 'SUCCESS', order_status: 'PARTIAL_REFUNDED', net_amount: '700' })).toEqual({ kind: 'refunded', refundedTotal: 300 });
      expect(s({ client_tsn, status: 'FAIL_CANCELED', order_status: 'PAID' })).toMatchObject({ kind: 'failed' });
      expect(s({ client_tsn, status: 'IN_PROG', order_status: 'PAID' })).toEqual({ kind: 'in_progress' });
      expect(s({ client_tsn, status: 'REFUND_ERROR', order_status: 'REFUND_ERROR' })).toMatchObject({ kind: 'unknown' });
    }
  });

  it('without its name, the refunded total against what was refunded before decides', () => {
    expect(s({ order_status: 'PARTIAL_REFUNDED', net_amount: '600' }, 100)).toEqual({ kind: 'refunded', refundedTotal: 400 });
    expect(s({ order_status: 'PARTIAL_REFUNDED', net_amount: '900' }, 100)).toEqual({ kind: 'not_arrived' });
    expect(s({ order_status: 'PARTIAL_REFUNDED', net_amount: '500' }, 100)).toMatchObject({ kind: 'unknown' });
    expect(s({ client_tsn: 'C1-OTHER', order_status: 'PARTIAL_REFUNDED', net_amount: '600' }, null)).toMatchObject({ kind: 'unknown' });
  });

  it('an order whose latest transaction is still the payment never saw the refund', () => {
    expect(s({ client_tsn: 'C1', order_status: 'PAID' })).toEqual({ kind: 'not_arrived' });
    expect(s({ order_status: 'PAID' })).toEqual({ kind: 'not_arrived' });
  });

  it('a refund reply about another refund (client_tsn) is not trusted', () => {
    expect(refundOutcomeOf(reply(biz('REFUND_SUCCESS', { data: order({ client_tsn: 'C1-R9', net_amount: '700' }) })), ctx(), mine)).toMatchObject({ kind: 'unknown' });
    expect(refundOutcomeOf(reply(biz('REFUND_SUCCESS', { data: order({ client_tsn: 'C1-20261204R01', net_amount: '700' }) })), ctx(), mine)).toEqual({
      kind: 'refunded',
      refundedTotal: 300,
    });
  });
});

describe('precreate reply → outcome', () => {
  const p = (body: unknown, sent = true) =>
    precreateOutcomeOf(sent ? reply(body) : { ok: false, reason: 'cannot connect', sent: false }, ctx(), { clientSn: 'C1', amount: 1000 });

  it('maps success, mismatches and failures', () => {
    const data = order({ order_status: 'CREATED', qr_code: 'https://qr.example/x' });
    expect(p(biz('PRECREATE_SUCCESS', { data }))).toEqual({ kind: 'created', qrCode: 'https://qr.example/x', acquirerSn: '7895000000000001' });
    expect(p(biz('PRECREATE_SUCCESS', { data: { ...data, total_amount: '999' } }))).toMatchObject({ kind: 'unknown' });
    expect(p(biz('PRECREATE_SUCCESS', { data: order({ order_status: 'CREATED' }) }))).toMatchObject({ kind: 'unknown' });
    expect(p(biz('PRECREATE_FAIL', { error_code: 'UNEXPECTED_PROVIDER_ERROR' }))).toMatchObject({ kind: 'failed' });
    expect(p(biz('PRECREATE_FAIL_ERROR'))).toMatchObject({ kind: 'unknown' });
    // precreate.md Q1: "PRECREATE_SUCCESS or data.order_status CREATED" is a success.
    expect(p(biz('SUCCESS', { data }))).toEqual({ kind: 'created', qrCode: 'https://qr.example/x', acquirerSn: '7895000000000001' });
    expect(p(biz('PRECREATE_FAIL_ERROR', { data }))).toMatchObject({ kind: 'unknown' });
    expect(p(rejected('INVALID_PARAMS'))).toMatchObject({ kind: 'failed' });
    expect(p(null, false)).toMatchObject({ kind: 'failed' });
  });
});

describe('activate / checkin reply', () => {
  it('returns the terminal identity or throws AcquirerError with the acquirer code', () => {
    expect(terminalOf(reply({ result_code: '200', biz_response: { terminal_sn: SN, terminal_key: KEY } }))).toEqual({ terminalSn: SN, terminalKey: KEY });
    expect(() => terminalOf(reply(rejected('INVALID_PARAMS', '激活码无效')))).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }));
    expect(() => terminalOf(reply({ result_code: '200', biz_response: {} }))).toThrow(expect.objectContaining({ code: 'bad_reply' }));
    expect(() => terminalOf(reply('oops'))).toThrow(expect.objectContaining({ code: 'bad_reply' }));
    expect(() => terminalOf({ ok: false, reason: 'timeout after 5 ms', sent: true })).toThrow(expect.objectContaining({ code: 'timeout' }));
    expect(() => terminalOf(reply({ result_code: '500' }, { status: 500 }))).toThrow(expect.objectContaining({ code: 'server_error' }));
  });
});

describe('statement CSV', () => {
  const header = 'finished_at,client_sn,sn,type,payway,amount_fen,status,refund_request_no';

  it('parses the documented file, BOM and CRLF included', () => {
    const csv = `\ufeff${header}\r\n2025-01-31T10:00:00.000+08:00,C1,7895000000000001,pay,3,1000,SUCCESS,\r\n2025-01-31T10:05:00.000+08:00,C1,7895000000000001,refund,3,300,SUCCESS,R1\r\n`;
    expect(parseStatementCsv(csv)).toEqual([
      { clientSn: 'C1', acquirerSn: '7895000000000001', type: 'pay', wallet: 'wechat', amount: 1000, status: 'SUCCESS', finishedAt: '2025-01-31T02:00:00.000Z', refundRequestNo: null },
      { clientSn: 'C1', acquirerSn: '7895000000000001', type: 'refund', wallet: 'wechat', amount: 300, status: 'SUCCESS', finishedAt: '2025-01-31T02:05:00.000Z', refundRequestNo: 'R1' },
    ]);
    expect(parseStatementCsv(`${header}\r\n`)).toEqual([]);
  });

  it('refuses a wrong header or a malformed row', () => {
    expect(() => parseStatementCsv('a,b,c\r\n')).toThrow(expect.objectContaining({ code: 'bad_reply' }));
    for (const row of [
      '2025-01-31T10:00:00+08:00,C1,S1,pay,3,10.00,SUCCESS,',
      '2025-01-31T10:00:00+08:00,C1,S1,pay,3,-10,SUCCESS,',
      '2025-01-31T10:00:00+08:00,C1,S1,revoke,3,10,SUCCESS,',
      'yesterday,C1,S1,pay,3,10,SUCCESS,',
      '2025-01-31T10:00:00+08:00,C1,S1,pay,3,10,SUCCESS',
    ]) {
      expect(() => parseStatementCsv(`${header}\r\n${row}\r\n`), row).toThrow(expect.objectContaining({ code: 'bad_reply' }));
    }
  });
});

describe('failureCodeOf', () => {
  it('falls back as told', () => {
    expect(failureCodeOf(undefined, 'declined')).toBe('declined');
    expect(failureCodeOf('BUYER_OVER_MONTHLY_LIMIT', 'other')).toBe('limit_exceeded');
    expect(failureCodeOf('SELLER_OVER_DAILY_LIMIT', 'other')).toBe('other');
  });
});
