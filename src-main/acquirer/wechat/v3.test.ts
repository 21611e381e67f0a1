import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { HttpReply } from '../shouqianba';
import { codepayOutcomeOf, queryOutcomeOf, refundStateOf, reverseOutcomeOf, type V3ReplyKey } from './v3';
import { signV3Reply } from './v3-sign';

const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY: V3ReplyKey = { appId: 'wxd678efh567hg6787', mchId: '1230000109', platform: { serial: 'PUB_KEY_ID_0114232134912410000000000000000', publicKey: platform.publicKey } };
const NOW = new Date('2026-12-05T02:00:00.000Z');
const ORDER = { clientSn: '20261205ABCDEF012345', amount: 888, currency: 'CNY' };

/** A reply as WeChat sends it: the body signed with the platform key (or another), then any tampering. */
function reply(status: number, value: object, options: { key?: typeof platform.privateKey; body?: (text: string) => string } = {}): HttpReply {
  const text = JSON.stringify(value);
  const headers = Object.fromEntries(
    Object.entries(signV3Reply(text, { serial: KEY.platform.serial, privateKey: options.key ?? platform.privateKey }, { timestamp: String(NOW.getTime() / 1000) })).map(([k, v]) => [k.toLowerCase(), v]),
  );
  return { ok: true, status, body: options.body ? options.body(text) : text, headers };
}

// A paid codepay reply with every field the documentation's reply table lists (it gives no example), for our order.
const PAID = {
  appid: KEY.appId,
  mchid: KEY.mchId,
  out_trade_no: ORDER.clientSn,
  transaction_id: '1217752501201407033233368018',
  trade_type: 'MICROPAY',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  bank_type: 'CMC',
  attach: '自定义数据',
  success_time: '2026-12-05T10:00:00+08:00',
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  amount: { total: 888, payer_total: 888, currency: 'CNY', payer_currency: 'CNY' },
};

describe('WeChat Pay v3 codepay replies', () => {
  it('is paid only for a signed reply about this order, amount and currency', () => {
    expect(codepayOutcomeOf(reply(200, PAID), KEY, ORDER, NOW)).toEqual({
      kind: 'paid',
      acquirerSn: PAID.transaction_id,
      amount: 888,
      wallet: 'wechat',
      payerRef: PAID.payer.openid,
      finishedAt: '2026-12-05T02:00:00.000Z',
      paymentList: [],
      merchantDiscount: 0,
      payer: null,
    });
  });

  it('never believes a paid reply that is tampered, signed by another key, unsigned, or stale', () => {
    expect(codepayOutcomeOf(reply(200, PAID, { body: (t) => t.replace('"total":888', '"total":887') }), KEY, ORDER, NOW)).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('does not verify') });
    expect(codepayOutcomeOf(reply(200, PAID, { key: stranger.privateKey }), KEY, ORDER, NOW)).toMatchObject({ kind: 'unknown' });
    expect(codepayOutcomeOf({ ok: true, status: 200, body: JSON.stringify(PAID), headers: {} }, KEY, ORDER, NOW)).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('not signed') });
    expect(codepayOutcomeOf(reply(200, PAID), KEY, ORDER, new Date(NOW.getTime() + 6 * 60_000))).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('5 minutes') });
  });

  it('is unknown for another amount, currency, order, merchant or an unknown shape, though signed', () => {
    expect(codepayOutcomeOf(reply(200, { ...PAID, amount: { ...PAID.amount, total: 887 } }), KEY, ORDER, NOW)).toMatchObject({ kind: 'unknown', reason: 'paid reply has amount.total 887' });
    expect(codepayOutcomeOf(reply(200, { ...PAID, amount: { ...PAID.amount, currency: 'HKD' } }), KEY, ORDER, NOW)).toMatchObject({ kind: 'unknown', reason: 'paid reply is in HKD, not CNY' });
    expect(codepayOutcomeOf(reply(200, { ...PAID, out_trade_no: 'OTHER0001' }), KEY, ORDER, NOW)).toMatchObject({ kind: 'unknown' });
    expect(codepayOutcomeOf(reply(200, { ...PAID, mchid: '1900000001' }), KEY, ORDER, NOW)).toMatchObject({ kind: 'unknown' });
    expect(codepayOutcomeOf(reply(200, { ...PAID, amount: { total: '888', currency: 'CNY' } }), KEY, ORDER, NOW)).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('unknown shape') });
    expect(codepayOutcomeOf(reply(200, { ok: true }), KEY, ORDER, NOW)).toMatchObject({ kind: 'unknown' });
  });

  it('waits for the PIN, fails definitely on a signed refusal, and stays unknown on system errors', () => {
    expect(codepayOutcomeOf(reply(202, { code: 'USERPAYING', message: '需要用户输入支付密码' }), KEY, ORDER, NOW)).toEqual({ kind: 'pending', acquirerSn: null });
    expect(codepayOutcomeOf(reply(403, { code: 'NOTENOUGH', message: '余额不足' }), KEY, ORDER, NOW)).toEqual({ kind: 'failed', code: 'insufficient_funds', message: 'NOTENOUGH: 余额不足' });
    expect(codepayOutcomeOf(reply(400, { code: 'OUT_TRADE_NO_USED', message: '商户订单号重复' }), KEY, ORDER, NOW)).toMatchObject({ kind: 'failed', code: 'order_conflict' });
    expect(codepayOutcomeOf(reply(500, { code: 'SYSTEM_ERROR', message: '系统错误' }), KEY, ORDER, NOW)).toMatchObject({ kind: 'unknown' });
    expect(codepayOutcomeOf(reply(403, { code: 'BANKERROR', message: '银行系统异常' }), KEY, ORDER, NOW)).toMatchObject({ kind: 'unknown' });
    // A refusal nobody signed may be anyone's: not a definite "nothing charged".
    expect(codepayOutcomeOf({ ok: true, status: 403, body: '{"code":"NOTENOUGH","message":"余额不足"}', headers: {} }, KEY, ORDER, NOW)).toMatchObject({ kind: 'unknown' });
    expect(codepayOutcomeOf({ ok: false, reason: 'cannot connect: ECONNREFUSED', sent: false }, KEY, ORDER, NOW)).toMatchObject({ kind: 'failed', code: 'other' });
    expect(codepayOutcomeOf({ ok: false, reason: 'timeout after 10 ms', sent: true }, KEY, ORDER, NOW)).toMatchObject({ kind: 'unknown' });
  });
});

describe('WeChat Pay v3 query, reverse and refund replies', () => {
  const expected = { clientSn: ORDER.clientSn, currency: 'CNY' };
  it('reads the order by its trade_state', () => {
    expect(queryOutcomeOf(reply(200, PAID), KEY, expected, NOW)).toMatchObject({ kind: 'paid', amount: 888 });
    expect(queryOutcomeOf(reply(200, { ...PAID, amount: { ...PAID.amount, currency: 'JPY' } }), KEY, expected, NOW)).toMatchObject({ kind: 'unknown' });
    expect(queryOutcomeOf(reply(200, { mchid: KEY.mchId, out_trade_no: ORDER.clientSn, trade_state: 'USERPAYING' }), KEY, expected, NOW)).toMatchObject({ kind: 'pending' });
    expect(queryOutcomeOf(reply(200, { ...PAID, trade_state: 'REVOKED' }), KEY, expected, NOW)).toEqual({ kind: 'cancelled' });
    expect(queryOutcomeOf(reply(200, { ...PAID, trade_state: 'REFUND' }), KEY, expected, NOW)).toEqual({ kind: 'refunded', refundedAmount: 0, amount: 888 });
    expect(queryOutcomeOf(reply(200, { ...PAID, trade_state: 'PAYERROR' }), KEY, expected, NOW)).toMatchObject({ kind: 'failed', code: 'declined' });
    expect(queryOutcomeOf(reply(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' }), KEY, expected, NOW)).toEqual({ kind: 'not_found' });
    expect(queryOutcomeOf(reply(200, { ...PAID, out_trade_no: 'OTHER0001' }), KEY, expected, NOW)).toMatchObject({ kind: 'unknown' });
  });

  it('reverses, or says why not', () => {
    expect(reverseOutcomeOf(reply(200, { appid: KEY.appId, mchid: KEY.mchId, out_trade_no: ORDER.clientSn }), KEY, ORDER.clientSn, NOW)).toEqual({ kind: 'cancelled' });
    expect(reverseOutcomeOf(reply(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' }), KEY, ORDER.clientSn, NOW)).toEqual({ kind: 'cancelled' });
    expect(reverseOutcomeOf(reply(403, { code: 'REVERSE_EXPIRE', message: '订单已超过撤销期限' }), KEY, ORDER.clientSn, NOW)).toMatchObject({ kind: 'failed' });
    expect(reverseOutcomeOf(reply(500, { code: 'SYSTEM_ERROR', message: '系统错误' }), KEY, ORDER.clientSn, NOW)).toMatchObject({ kind: 'unknown' });
    expect(reverseOutcomeOf(reply(200, { appid: KEY.appId, mchid: KEY.mchId, out_trade_no: ORDER.clientSn }, { key: stranger.privateKey }), KEY, ORDER.clientSn, NOW)).toMatchObject({ kind: 'unknown' });
  });

  it('reads a refund for this refund number, amount and currency only', () => {
    const refund = { refund_id: '50000000382019052709732678859', out_refund_no: 'R1', transaction_id: PAID.transaction_id, out_trade_no: ORDER.clientSn, status: 'SUCCESS', amount: { total: 888, refund: 100, currency: 'CNY' } };
    const ask = { clientSn: ORDER.clientSn, refundRequestNo: 'R1', amount: 100, currency: 'CNY' };
    expect(refundStateOf(reply(200, refund), KEY, ask, NOW)).toEqual({ kind: 'refunded', refundedTotal: 100 });
    expect(refundStateOf(reply(200, { ...refund, status: 'PROCESSING' }), KEY, ask, NOW)).toEqual({ kind: 'in_progress' });
    expect(refundStateOf(reply(200, { ...refund, amount: { ...refund.amount, refund: 101 } }), KEY, ask, NOW)).toMatchObject({ kind: 'unknown' });
    expect(refundStateOf(reply(200, { ...refund, amount: { ...refund.amount, currency: 'HKD' } }), KEY, ask, NOW)).toMatchObject({ kind: 'unknown' });
    expect(refundStateOf(reply(200, { ...refund, out_refund_no: 'R2' }), KEY, ask, NOW)).toMatchObject({ kind: 'unknown' });
    expect(refundStateOf(reply(400, { code: 'INVALID_REQUEST', message: '申请退款金额超过订单可退金额' }), KEY, ask, NOW)).toMatchObject({ kind: 'failed', code: 'not_refundable' });
    expect(refundStateOf(reply(403, { code: 'NOT_ENOUGH', message: '基本账户余额不足' }), KEY, ask, NOW)).toMatchObject({ kind: 'failed', code: 'not_enough_refundable' });
    expect(refundStateOf(reply(429, { code: 'FREQUENCY_LIMITED', message: '频率限制' }), KEY, ask, NOW)).toMatchObject({ kind: 'unknown' });
  });
});

/** The domestic code-payment API documents payer_total / payer_currency and no rate: the rate stays null. */
describe('cross-border codepay replies (amount.currency JPY)', () => {
  const JPY_ORDER = { clientSn: ORDER.clientSn, amount: 1000, currency: 'JPY' };
  const JPY_PAID = { ...PAID, amount: { total: 1000, currency: 'JPY', payer_total: 4820, payer_currency: 'CNY' } };

  it('keeps what the customer paid in CNY from the reply, with no rate (the domestic reply has none)', () => {
    expect(codepayOutcomeOf(reply(200, JPY_PAID), KEY, JPY_ORDER, NOW)).toMatchObject({ kind: 'paid', amount: 1000, payer: { currency: 'CNY', amount: 4820, rate: null } });
    expect(queryOutcomeOf(reply(200, JPY_PAID), KEY, { clientSn: ORDER.clientSn, currency: 'JPY' }, NOW)).toMatchObject({ kind: 'paid', payer: { amount: 4820 } });
    expect(codepayOutcomeOf(reply(200, { ...JPY_PAID, amount: { total: 1000, currency: 'JPY' } }), KEY, JPY_ORDER, NOW)).toMatchObject({ kind: 'paid', payer: null });
  });

  it('is unknown for a payer currency other than CNY or a negative payer_total', () => {
    expect(codepayOutcomeOf(reply(200, { ...JPY_PAID, amount: { ...JPY_PAID.amount, payer_currency: 'JPY' } }), KEY, JPY_ORDER, NOW)).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('payer_currency JPY') });
    expect(codepayOutcomeOf(reply(200, { ...JPY_PAID, amount: { ...JPY_PAID.amount, payer_total: -4820 } }), KEY, JPY_ORDER, NOW)).toMatchObject({ kind: 'unknown' });
    expect(codepayOutcomeOf(reply(200, { ...JPY_PAID, amount: { ...JPY_PAID.amount, payer_total: 48.2 } }), KEY, JPY_ORDER, NOW)).toMatchObject({ kind: 'unknown' });
  });
});
