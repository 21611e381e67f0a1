import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { wechatGlobalModeProblem, wechatV3GlobalProblem } from '../../../src-common/payment-provider';
import type { HttpReply } from '../shouqianba';
import { globalMerchantFields, globalPayOutcomeOf, globalQueryOutcomeOf, globalRefundAcceptedOf, globalRefundStateOf, globalReverseOutcomeOf, type V3GlobalKey } from './v3-global';
import { signV3Reply } from './v3-sign';

const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
const COMMON: V3GlobalKey = { appId: 'wx8888888888888888', mchId: '1900000109', platform: { serial: 'PUB_KEY_ID_0119000001092026000000000000001', publicKey: platform.publicKey }, mode: 'common', subMchId: null };
const INSTITUTION: V3GlobalKey = { ...COMMON, mchId: '1900000100', mode: 'institutional', subMchId: '1900000109' };
const NOW = new Date('2026-12-06T02:00:00.000Z');
const ORDER = { clientSn: '20261206ABCDEF012345', amount: 1600, currency: 'JPY' };

function reply(status: number, value: object | null): HttpReply {
  const text = value === null ? '' : JSON.stringify(value);
  const headers = Object.fromEntries(
    Object.entries(signV3Reply(text, { serial: COMMON.platform.serial, privateKey: platform.privateKey }, { timestamp: String(NOW.getTime() / 1000) })).map(([k, v]) => [k.toLowerCase(), v]),
  );
  return { ok: true, status, body: text, headers };
}

// A paid global reply in common mode, with the fields of the pay reply table (openapi/v3/global/micropay/transactions/pay).
const PAID = {
  id: '4200002026120612345678901234',
  appid: COMMON.appId,
  mchid: COMMON.mchId,
  out_trade_no: ORDER.clientSn,
  trade_type: 'MICROPAY',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  bank_type: 'OTHERS',
  success_time: '2026-12-06T10:00:00+08:00',
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  amount: { total: 1600, currency: 'JPY', payer_total: 7536, payer_currency: 'CNY', exchange_rate: { type: 'SETTLEMENT_RATE', rate: 100000000 } },
};

describe('WeChat Pay global pay replies', () => {
  it('is paid for a signed reply about this order, with the customer’s CNY from payer_total and no rate from a SETTLEMENT_RATE', () => {
    expect(globalPayOutcomeOf(reply(200, PAID), COMMON, ORDER, NOW)).toEqual({
      kind: 'paid',
      acquirerSn: PAID.id,
      amount: 1600,
      wallet: 'wechat',
      payerRef: PAID.payer.openid,
      finishedAt: '2026-12-06T02:00:00.000Z',
      paymentList: [],
      merchantDiscount: 0,
      payer: { currency: 'CNY', amount: 7536, rate: null, rateScale: 0 },
    });
  });

  it('takes the rate only when the reply names it the customer’s (USERPAYMENT_RATE), as written (× 10^8)', () => {
    const withUserRate = { ...PAID, amount: { ...PAID.amount, exchange_rate: { type: 'USERPAYMENT_RATE', rate: 4710000 } } };
    expect(globalPayOutcomeOf(reply(200, withUserRate), COMMON, ORDER, NOW)).toMatchObject({ kind: 'paid', payer: { currency: 'CNY', amount: 7536, rate: '4710000', rateScale: 8 } });
  });

  it('is unknown, though signed, without the customer’s side, with it not in CNY, or for another amount, currency, order or merchant', () => {
    const { payer_total: _gone, ...noPayerTotal } = PAID.amount;
    for (const [why, value] of [
      ['no payer_total', { ...PAID, amount: noPayerTotal }],
      ['payer not in CNY', { ...PAID, amount: { ...PAID.amount, payer_currency: 'JPY' } }],
      ['another amount', { ...PAID, amount: { ...PAID.amount, total: 1601 } }],
      ['another currency', { ...PAID, amount: { ...PAID.amount, currency: 'HKD' } }],
      ['another order', { ...PAID, out_trade_no: 'someoneelse01' }],
      ['no WeChat order number', { ...PAID, id: undefined }],
      ['another merchant', { ...PAID, mchid: '1900000999' }],
      ['an institution’s reply to a common merchant', { ...PAID, mchid: undefined, sp_mchid: COMMON.mchId, sub_mchid: '1900000109' }],
    ] as const) {
      expect(globalPayOutcomeOf(reply(200, value), COMMON, ORDER, NOW), why).toMatchObject({ kind: 'unknown' });
    }
  });

  it('in institutional mode is paid only for its sub-merchant', () => {
    const { appid: _a, mchid: _m, ...rest } = PAID;
    const forSub = { ...rest, sp_appid: COMMON.appId, sp_mchid: INSTITUTION.mchId, sub_mchid: INSTITUTION.subMchId };
    expect(globalPayOutcomeOf(reply(200, forSub), INSTITUTION, ORDER, NOW)).toMatchObject({ kind: 'paid', acquirerSn: PAID.id });
    expect(globalPayOutcomeOf(reply(200, { ...forSub, sub_mchid: '1900000999' }), INSTITUTION, ORDER, NOW)).toMatchObject({ kind: 'unknown' });
  });

  it('is pending for USERPAYING, failed for the documented refusals, unknown for system errors', () => {
    expect(globalPayOutcomeOf(reply(202, { code: 'USERPAYING', message: '需要用户输入支付密码' }), COMMON, ORDER, NOW)).toEqual({ kind: 'pending', acquirerSn: null });
    expect(globalPayOutcomeOf(reply(403, { code: 'NOTENOUGH', message: '余额不足' }), COMMON, ORDER, NOW)).toMatchObject({ kind: 'failed', code: 'insufficient_funds' });
    expect(globalPayOutcomeOf(reply(400, { code: 'PARAM_ERROR', message: 'merchant_category_code' }), COMMON, ORDER, NOW)).toMatchObject({ kind: 'failed', code: 'other' });
    expect(globalPayOutcomeOf(reply(500, { code: 'SYSTEM_ERROR', message: '系统错误' }), COMMON, ORDER, NOW)).toMatchObject({ kind: 'unknown' });
  });
});

describe('WeChat Pay global query, reverse and refund replies', () => {
  it('queries: paid with its CNY, refunded, revoked, not found', () => {
    const expected = { clientSn: ORDER.clientSn, currency: 'JPY' };
    expect(globalQueryOutcomeOf(reply(200, PAID), COMMON, expected, NOW)).toMatchObject({ kind: 'paid', amount: 1600, payer: { amount: 7536 } });
    expect(globalQueryOutcomeOf(reply(200, { ...PAID, trade_state: 'REFUND' }), COMMON, expected, NOW)).toEqual({ kind: 'refunded', refundedAmount: 0, amount: 1600 });
    expect(globalQueryOutcomeOf(reply(200, { ...PAID, trade_state: 'REVOKED' }), COMMON, expected, NOW)).toEqual({ kind: 'cancelled' });
    expect(globalQueryOutcomeOf(reply(404, { code: 'ORDER_NOT_EXIST', message: '订单不存在' }), COMMON, expected, NOW)).toEqual({ kind: 'not_found' });
  });

  it('reverses: 204 no content is cancelled; a 200 with a body is not what the documentation gives', () => {
    expect(globalReverseOutcomeOf(reply(204, null), COMMON, NOW)).toEqual({ kind: 'cancelled' });
    expect(globalReverseOutcomeOf(reply(200, { mchid: COMMON.mchId }), COMMON, NOW)).toMatchObject({ kind: 'unknown' });
    expect(globalReverseOutcomeOf(reply(403, { code: 'REVERSE_EXPIRE', message: '订单已超过撤销期限' }), COMMON, NOW)).toMatchObject({ kind: 'failed' });
  });

  it('refunds: the apply reply (no status) is accepted only for this refund in this currency; the query gives the state and the customer’s CNY', () => {
    const expected = { clientSn: ORDER.clientSn, refundRequestNo: 'R20261206000001', amount: 7, currency: 'JPY' };
    const applied = { id: '50302026120600001', out_refund_no: expected.refundRequestNo, create_time: '2026-12-06T10:05:00+08:00', amount: { refund: 7, currency: 'JPY', payer_refund: 33, payer_currency: 'CNY', exchange_rate: { type: 'USERPAYMENT_RATE', rate: 4710000 } } };
    expect(globalRefundAcceptedOf(reply(200, applied), COMMON, expected, NOW)).toEqual({ kind: 'accepted' });
    expect(globalRefundAcceptedOf(reply(200, { ...applied, amount: { ...applied.amount, refund: 8 } }), COMMON, expected, NOW)).toMatchObject({ kind: 'unknown' });
    expect(globalRefundAcceptedOf(reply(200, { ...applied, amount: { ...applied.amount, currency: 'CNY' } }), COMMON, expected, NOW)).toMatchObject({ kind: 'unknown' });
    // NOT_ENOUGH abroad: the day's CNY cannot pay it yet; unknown, so the job asks and sends the same number again.
    expect(globalRefundAcceptedOf(reply(403, { code: 'NOT_ENOUGH', message: '可用退款资金不足' }), COMMON, expected, NOW)).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('same out_refund_no') });
    const read = { ...applied, transaction_id: PAID.id, out_trade_no: ORDER.clientSn, status: 'SUCCESS' };
    expect(globalRefundStateOf(reply(200, read), COMMON, expected, NOW)).toEqual({ kind: 'refunded', refundedTotal: 7, payerRefund: { currency: 'CNY', amount: 33 } });
    expect(globalRefundStateOf(reply(200, { ...read, status: 'PROCESSING' }), COMMON, expected, NOW)).toEqual({ kind: 'in_progress' });
    expect(globalRefundStateOf(reply(200, { ...read, status: 'REFUNDCLOSE' }), COMMON, expected, NOW)).toMatchObject({ kind: 'failed' });
    expect(globalRefundStateOf(reply(200, { ...read, out_trade_no: 'someoneelse01' }), COMMON, expected, NOW)).toMatchObject({ kind: 'unknown' });
    expect(globalRefundStateOf(reply(404, { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' }), COMMON, expected, NOW)).toEqual({ kind: 'not_arrived' });
  });
});

describe('WeChat Pay global settings', () => {
  const settings = { appId: 'wx8888888888888888', mchId: '1900000100' } as const;
  it('names the merchant by mode in request bodies', () => {
    expect(globalMerchantFields({ ...settings, globalMode: 'common' } as never)).toEqual({ appid: settings.appId, mchid: settings.mchId });
    expect(globalMerchantFields({ ...settings, globalMode: 'institutional', subMchId: '1900000109', subAppId: 'wx9999999999999999' } as never)).toEqual({
      sp_appid: settings.appId,
      sp_mchid: settings.mchId,
      sub_mchid: '1900000109',
      sub_appid: 'wx9999999999999999',
    });
  });
  it('needs the MCC, and a sub-merchant in institutional mode only', () => {
    expect(wechatV3GlobalProblem({})).toBe('mcc_missing');
    expect(wechatV3GlobalProblem({ merchantCategoryCode: '5499' })).toBeNull();
    expect(wechatV3GlobalProblem({ merchantCategoryCode: '5499', globalMode: 'institutional' })).toBe('sub_merchant_missing');
    expect(wechatV3GlobalProblem({ merchantCategoryCode: '5499', globalMode: 'institutional', subMchId: '1900000109' })).toBeNull();
    expect(wechatV3GlobalProblem({ merchantCategoryCode: '5499', subMchId: '1900000109' })).toBe('sub_fields_in_common_mode');
  });
  it('has direct (common-mode) merchants in Hong Kong and the UK only; an institution’s sub-merchant anywhere', () => {
    expect(wechatGlobalModeProblem(undefined, 'HKD')).toBeNull();
    expect(wechatGlobalModeProblem('common', 'GBP')).toBeNull();
    expect(wechatGlobalModeProblem('common', 'JPY')).toBe('common_mode_not_here');
    expect(wechatGlobalModeProblem(undefined, 'USD')).toBe('common_mode_not_here');
    expect(wechatGlobalModeProblem('institutional', 'JPY')).toBeNull();
  });
});
