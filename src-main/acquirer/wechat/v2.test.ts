import { describe, expect, it } from 'vitest';
import type { HttpReply } from '../shouqianba';
import { verifyWechatV2Sign, wechatV2Sign } from '../signing';
import { micropayOutcomeOf, orderqueryOutcomeOf, parseTradeBill, refundOutcomeOf, refundqueryOutcomeOf, reverseOutcomeOf, type ReplyKey } from './v2';
import { BILL_COLUMNS, BILL_TRAILER_COLUMNS, instantOfBeijingCompact } from './v2-wire';
import { parseWechatXml, toWechatXml } from './xml';

const KEY: ReplyKey = { appId: 'wx8888888888888888', mchId: '1900000109', apiKey: '192006250b4c09247ec02edce69f6a2d', signType: 'HMAC-SHA256' };
const NOW = new Date('2026-12-05T02:00:00.000Z');
const ORDER = { clientSn: '20261205ABCDEF012345', amount: 888, currency: 'CNY' };

/** A reply as WeChat sends it: its fields signed with the merchant's key, then any tampering. */
function reply(fields: Record<string, string | number>, tamper: Record<string, string> = {}, key = KEY): HttpReply {
  const all = { return_code: 'SUCCESS', return_msg: 'OK', appid: key.appId, mch_id: key.mchId, nonce_str: 'n0nce', ...fields };
  return { ok: true, status: 200, body: toWechatXml({ ...all, sign: wechatV2Sign(all, key.apiKey, key.signType), ...tamper }) };
}

const PAID = {
  result_code: 'SUCCESS',
  openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
  is_subscribe: 'N',
  trade_type: 'MICROPAY',
  bank_type: 'CMC',
  fee_type: 'CNY',
  total_fee: 888,
  cash_fee: 888,
  transaction_id: '4200000000202612051234567890',
  out_trade_no: ORDER.clientSn,
  time_end: '20261205100000',
};

describe('WeChat Pay v2 XML and signatures', () => {
  it('carries the published signing vector through the XML both ways (MD5 and HMAC-SHA256)', () => {
    const params = { appid: 'wxd930ea5d5a258f4f', mch_id: '10000100', device_info: '1000', body: 'test', nonce_str: 'ibuaiVcKdpRxkhJA' };
    const key = '192006250b4c09247ec02edce69f6a2d';
    const md5 = parseWechatXml(toWechatXml({ ...params, sign: '9A0A8659F005D6984697E2CA0A9CF3B7' }))!;
    expect(verifyWechatV2Sign(md5, key, 'MD5')).toBe(true);
    const hmac = parseWechatXml(toWechatXml({ ...params, sign: '6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6' }))!;
    expect(verifyWechatV2Sign(hmac, key, 'HMAC-SHA256')).toBe(true);
    expect(verifyWechatV2Sign({ ...md5, body: 'test2' }, key, 'MD5')).toBe(false);
  });

  it('reads only a flat <xml>: nested elements, repeated fields, another root or no XML at all are unreadable', () => {
    expect(parseWechatXml('<xml><a><![CDATA[x<y]]></a><b>1</b></xml>')).toEqual({ a: 'x<y', b: '1' });
    expect(parseWechatXml('<xml><a><b>1</b></a></xml>')).toBeNull();
    expect(parseWechatXml('<xml><a>1</a><a>2</a></xml>')).toBeNull();
    expect(parseWechatXml('<root><a>1</a></root>')).toBeNull();
    expect(parseWechatXml('{"return_code":"SUCCESS"}')).toBeNull();
    expect(parseWechatXml('<xml><a>1</a>')).toBeNull();
  });

  it('reads time_end as Beijing time', () => {
    expect(instantOfBeijingCompact('20261205100000')?.toISOString()).toBe('2026-12-05T02:00:00.000Z');
    expect(instantOfBeijingCompact('2026-12-05')).toBeNull();
  });
});

describe('micropay replies', () => {
  it('is paid only when the signed reply is for this merchant, this order, this amount and currency', () => {
    expect(micropayOutcomeOf(reply(PAID), KEY, ORDER, NOW)).toEqual({
      kind: 'paid',
      acquirerSn: PAID.transaction_id,
      amount: 888,
      wallet: 'wechat',
      payerRef: PAID.openid,
      finishedAt: '2026-12-05T02:00:00.000Z',
      paymentList: [],
      merchantDiscount: 0,
      payer: null,
    });
  });

  it('never trusts a paid reply with a bad signature, another amount, currency, order or merchant: unknown, resolved by query', () => {
    const unknown = (r: HttpReply) => micropayOutcomeOf(r, KEY, ORDER, NOW).kind;
    expect(unknown(reply(PAID, { total_fee: '1' }))).toBe('unknown');
    expect(unknown(reply(PAID, { sign: 'A'.repeat(64) }))).toBe('unknown');
    expect(unknown(reply({ ...PAID, total_fee: 1 }))).toBe('unknown');
    expect(unknown(reply({ ...PAID, fee_type: 'HKD' }))).toBe('unknown');
    expect(unknown(reply({ ...PAID, out_trade_no: 'another' }))).toBe('unknown');
    expect(unknown(reply(PAID, {}, { ...KEY, appId: 'wx0000000000000000' }))).toBe('unknown');
    // Signed with another key (someone else's reply).
    expect(unknown(reply(PAID, {}, { ...KEY, apiKey: 'ffffffffffffffffffffffffffffffff' }))).toBe('unknown');
    expect(unknown({ ok: true, status: 200, body: '<xml><return_code>SUCCESS</return_code><result_code><x>1</x></result_code></xml>' })).toBe('unknown');
    expect(unknown({ ok: true, status: 200, body: reply(PAID).ok ? (reply(PAID) as { body: string }).body.slice(0, 200) : '' })).toBe('unknown');
    expect(unknown(reply({ ...PAID, result_code: 'MAYBE' }))).toBe('unknown');
  });

  it('waits on USERPAYING, fails on definite refusals, and stays unknown on SYSTEMERROR, return_code FAIL and transport faults', () => {
    const of = (r: HttpReply) => micropayOutcomeOf(r, KEY, ORDER, NOW);
    const fail = (err_code: string) => reply({ result_code: 'FAIL', err_code, err_code_des: 'x' });
    expect(of(fail('USERPAYING'))).toEqual({ kind: 'pending', acquirerSn: null });
    expect(of(fail('NOTENOUGH'))).toMatchObject({ kind: 'failed', code: 'insufficient_funds' });
    expect(of(fail('AUTHCODEEXPIRE'))).toMatchObject({ kind: 'failed', code: 'code_expired' });
    expect(of(fail('AUTH_CODE_INVALID'))).toMatchObject({ kind: 'failed', code: 'code_invalid' });
    expect(of(fail('OUT_TRADE_NO_USED'))).toMatchObject({ kind: 'failed', code: 'order_conflict' });
    expect(of(fail('SYSTEMERROR')).kind).toBe('unknown');
    expect(of(fail('BANKERROR')).kind).toBe('unknown');
    expect(of(fail('ORDERPAID')).kind).toBe('unknown');
    expect(of(fail('SOMETHING_NEW')).kind).toBe('unknown');
    expect(of({ ok: true, status: 200, body: toWechatXml({ return_code: 'FAIL', return_msg: '签名错误' }) }).kind).toBe('unknown');
    expect(of({ ok: true, status: 500, body: 'Internal Server Error' }).kind).toBe('unknown');
    expect(of({ ok: false, reason: 'timeout after 400 ms', sent: true }).kind).toBe('unknown');
    expect(of({ ok: false, reason: 'cannot connect: ECONNREFUSED', sent: false })).toMatchObject({ kind: 'failed', code: 'other' });
  });
});

describe('orderquery, reverse and refundquery replies', () => {
  const q = (fields: Record<string, string | number>) => orderqueryOutcomeOf(reply({ result_code: 'SUCCESS', ...fields }), KEY, { clientSn: ORDER.clientSn, currency: 'CNY' }, NOW);

  it('maps trade_state to the port outcomes', () => {
    expect(q({ ...PAID, trade_state: 'SUCCESS' }).kind).toBe('paid');
    expect(q({ trade_state: 'USERPAYING', out_trade_no: ORDER.clientSn })).toEqual({ kind: 'pending', acquirerSn: null });
    expect(q({ trade_state: 'REVOKED', out_trade_no: ORDER.clientSn })).toEqual({ kind: 'cancelled' });
    expect(q({ trade_state: 'PAYERROR', out_trade_no: ORDER.clientSn })).toMatchObject({ kind: 'failed', code: 'declined' });
    expect(q({ trade_state: 'CLOSED', out_trade_no: ORDER.clientSn })).toMatchObject({ kind: 'failed' });
    expect(q({ trade_state: 'REFUND', out_trade_no: ORDER.clientSn, total_fee: 888 })).toEqual({ kind: 'refunded', refundedAmount: 0, amount: 888 });
    expect(q({ ...PAID, trade_state: 'SUCCESS', fee_type: 'JPY' }).kind).toBe('unknown');
    expect(q({ trade_state: 'SUCCESS', out_trade_no: 'another' }).kind).toBe('unknown');
    expect(orderqueryOutcomeOf(reply({ result_code: 'FAIL', err_code: 'ORDERNOTEXIST' }), KEY, { clientSn: ORDER.clientSn, currency: 'CNY' }, NOW)).toEqual({ kind: 'not_found' });
  });

  it('reverses again while recall is Y, and says which refusals are final', () => {
    expect(reverseOutcomeOf(reply({ result_code: 'SUCCESS', recall: 'N' }), KEY)).toEqual({ kind: 'cancelled' });
    expect(reverseOutcomeOf(reply({ result_code: 'FAIL', err_code: 'SYSTEMERROR', recall: 'Y' }), KEY)).toEqual({ kind: 'in_progress' });
    expect(reverseOutcomeOf(reply({ result_code: 'FAIL', err_code: 'REVERSE_EXPIRE', recall: 'N' }), KEY).kind).toBe('failed');
    expect(reverseOutcomeOf(reply({ result_code: 'FAIL', err_code: 'ORDERNOTEXIST', recall: 'N' }), KEY)).toEqual({ kind: 'cancelled' });
    expect(reverseOutcomeOf(reply({ result_code: 'SUCCESS' }, { sign: '0'.repeat(64) }), KEY).kind).toBe('unknown');
  });

  it('finds a refund by its out_refund_no among the order’s refunds', () => {
    const listed = { result_code: 'SUCCESS', out_trade_no: ORDER.clientSn, refund_count: 2, out_refund_no_0: 'R1', refund_fee_0: 100, refund_status_0: 'SUCCESS', out_refund_no_1: 'R2', refund_fee_1: 50, refund_status_1: 'PROCESSING' };
    const of = (refundRequestNo: string) => refundqueryOutcomeOf(reply(listed), KEY, { clientSn: ORDER.clientSn, refundRequestNo });
    expect(of('R1')).toEqual({ kind: 'refunded', refundedTotal: 100 });
    expect(of('R2')).toEqual({ kind: 'in_progress' });
    expect(of('R3')).toEqual({ kind: 'not_arrived' });
    expect(refundqueryOutcomeOf(reply({ result_code: 'FAIL', err_code: 'REFUNDNOTEXIST' }), KEY, { clientSn: ORDER.clientSn, refundRequestNo: 'R1' })).toEqual({ kind: 'not_arrived' });
  });
});

describe('the trade bill', () => {
  const cells = (values: Record<string, string>) => BILL_COLUMNS.map((c) => `\`${values[c] ?? ''}`).join(',');
  const bill = [
    `\uFEFF${BILL_COLUMNS.join(',')}`,
    cells({ 交易时间: '2026-12-05 10:00:00', 微信订单号: 'T1', 商户订单号: 'C1', 交易状态: 'SUCCESS', 货币种类: 'CNY', 应结订单金额: '8.88' }),
    cells({ 交易时间: '2026-12-05 11:00:00', 微信订单号: 'T1', 商户订单号: 'C1', 交易状态: 'REFUND', 货币种类: 'CNY', 应结订单金额: '0.00', 商户退款单号: 'R1', 退款金额: '1.00', 退款状态: 'SUCCESS' }),
    cells({ 交易时间: '2026-12-05 12:00:00', 微信订单号: 'T2', 商户订单号: 'C2', 交易状态: 'REVOKED', 货币种类: 'CNY', 应结订单金额: '3.00' }),
    BILL_TRAILER_COLUMNS.join(','),
    '`3,`11.88,`1.00,`0.00,`0.00000,`11.88,`1.00',
    '',
  ].join('\r\n');

  it('reads payments, refunds and reversals to the fen, in UTC', () => {
    expect(parseTradeBill(bill, 'CNY')).toEqual([
      { clientSn: 'C1', acquirerSn: 'T1', type: 'pay', wallet: 'wechat', amount: 888, status: 'SUCCESS', finishedAt: '2026-12-05T02:00:00.000Z', refundRequestNo: null },
      { clientSn: 'C1', acquirerSn: 'T1', type: 'refund', wallet: 'wechat', amount: 100, status: 'SUCCESS', finishedAt: '2026-12-05T03:00:00.000Z', refundRequestNo: 'R1' },
      { clientSn: 'C2', acquirerSn: 'T2', type: 'cancel', wallet: 'wechat', amount: 300, status: 'REVOKED', finishedAt: '2026-12-05T04:00:00.000Z', refundRequestNo: null },
    ]);
  });

  it('refuses a bill with other columns or in another currency', () => {
    expect(() => parseTradeBill(bill.replace('交易时间', '时间'), 'CNY')).toThrow(/columns/);
    expect(() => parseTradeBill(bill, 'HKD')).toThrow(/CNY/);
  });
});

/** A store outside mainland China: the reply says what the customer paid in CNY (cash_fee) and the rate × 10^8. */
describe('cross-border replies (fee_type JPY)', () => {
  const JPY_ORDER = { clientSn: ORDER.clientSn, amount: 1000, currency: 'JPY' };
  const JPY_PAID = { ...PAID, fee_type: 'JPY', total_fee: 1000, cash_fee_type: 'CNY', cash_fee: 4820, rate: '4820000' };

  it('keeps the CNY amount and the rate exactly as the reply gave them, from micropay and orderquery alike', () => {
    const payer = { currency: 'CNY', amount: 4820, rate: '4820000', rateScale: 8 };
    expect(micropayOutcomeOf(reply(JPY_PAID), KEY, JPY_ORDER, NOW)).toMatchObject({ kind: 'paid', amount: 1000, payer });
    expect(orderqueryOutcomeOf(reply({ ...JPY_PAID, trade_state: 'SUCCESS' }), KEY, { clientSn: ORDER.clientSn, currency: 'JPY' }, NOW)).toMatchObject({ kind: 'paid', payer });
    // cash_fee_type may be left out: the documentation defaults it to CNY. Without a rate there is none to print.
    const { cash_fee_type: _type, rate: _rate, ...bare } = JPY_PAID;
    expect(micropayOutcomeOf(reply(bare), KEY, JPY_ORDER, NOW)).toMatchObject({ kind: 'paid', payer: { currency: 'CNY', amount: 4820, rate: null } });
    // Nothing of it at all: paid, with no payer side to print.
    const { cash_fee: _fee, ...none } = bare;
    expect(micropayOutcomeOf(reply(none), KEY, JPY_ORDER, NOW)).toMatchObject({ kind: 'paid', payer: null });
  });

  it('is unknown (resolved by query, never paid on trust) when the CNY side is malformed or contradicts itself', () => {
    const of = (fields: Record<string, string | number>) => micropayOutcomeOf(reply({ ...JPY_PAID, ...fields }), KEY, JPY_ORDER, NOW);
    expect(of({ cash_fee: -4820 })).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('cash_fee -4820') });
    expect(of({ cash_fee: '48.20' }).kind).toBe('unknown');
    expect(of({ cash_fee_type: 'JPY' }).kind).toBe('unknown');
    expect(of({ cash_fee_type: 'USD' }).kind).toBe('unknown');
    expect(of({ rate: '0.0482' }).kind).toBe('unknown');
    expect(of({ rate: '4.82e6' }).kind).toBe('unknown');
    expect(of({ rate: '0' }).kind).toBe('unknown');
    const { cash_fee: _fee, ...rateOnly } = JPY_PAID;
    expect(micropayOutcomeOf(reply(rateOnly), KEY, JPY_ORDER, NOW).kind).toBe('unknown');
  });

  it('reads the CNY a cross-border refund gives back from its reply (cash_refund_fee), and nothing it cannot read', () => {
    const accepted = (fields: Record<string, string | number>, currency = 'JPY') =>
      refundOutcomeOf(reply({ result_code: 'SUCCESS', out_trade_no: ORDER.clientSn, out_refund_no: 'R1', refund_fee: 300, total_fee: 1000, fee_type: 'JPY', ...fields }), KEY, { refundRequestNo: 'R1', currency });
    expect(accepted({ cash_refund_fee_type: 'CNY', cash_refund_fee: 1446 })).toEqual({ kind: 'accepted', payerRefund: { currency: 'CNY', amount: 1446 } });
    expect(accepted({ cash_refund_fee: 1446 })).toEqual({ kind: 'accepted', payerRefund: { currency: 'CNY', amount: 1446 } });
    expect(accepted({ cash_refund_fee: -1446 })).toEqual({ kind: 'accepted', payerRefund: null });
    expect(accepted({ cash_refund_fee_type: 'JPY', cash_refund_fee: 300 })).toEqual({ kind: 'accepted', payerRefund: null });
    expect(accepted({ cash_refund_fee: 1446 }, 'CNY')).toEqual({ kind: 'accepted', payerRefund: null });
  });

  it('reads no payer side in a CNY store, whatever cash_fee says (a domestic order’s cash_fee is net of coupons)', () => {
    expect(micropayOutcomeOf(reply({ ...PAID, cash_fee: 800, rate: 'x' }), KEY, ORDER, NOW)).toMatchObject({ kind: 'paid', payer: null });
  });
});
