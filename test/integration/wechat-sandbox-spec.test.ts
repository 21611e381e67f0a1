import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWechatV2Sign, wechatV2Sign, type WechatSignType } from '../../src-main/acquirer/signing';
import type { WechatV2Sandbox } from '../../src-main/acquirer/wechat/sandbox-v2';
import { BILL_COLUMNS, BILL_TRAILER_COLUMNS } from '../../src-main/acquirer/wechat/v2-wire';
import { parseWechatXml, toWechatXml } from '../../src-main/acquirer/wechat/xml';
import { makeWechatCertificates, startTestWechatSandbox, TEST_MERCHANT, type WechatCertificates } from '../helpers/wechat-sandbox';

/**
 * The WeChat Pay v2 sandbox against WeChat's documentation, over real HTTPS, with a client written from the
 * documentation (sign, post XML), never with the adapter. The example request is micropay.md's own
 * (GitHub wechatpay-im/website openapi/v2/pay/micropay.md, mirroring pay.weixin.qq.com micropay chapter 9_10),
 * with the nonce_str and sign the page's SDK adds (the sign computed with the test key); the reply must carry every
 * field the page's reply table marks required.
 */
const DOC_MICROPAY_REQUEST = {
  version: '1.0',
  profit_sharing: 'N',
  deposit: 'Y',
  appid: 'wx8888888888888888',
  sub_appid: 'wx8888888888888888',
  mch_id: '1900000109',
  sub_mch_id: '1900000100',
  device_info: '013467007045764',
  sign_type: 'HMAC-SHA256',
  body: 'image形象店-深圳腾大- QQ公仔',
  detail:
    '{"cost_price":1,"receipt_id":"wx123","goods_detail":[{"goods_id":"商品编码","wxpay_goods_id":"1001","goods_name":"iPhone6s 16G","quantity":1,"price":1},{"goods_id":"商品编码","wxpay_goods_id":"1002","goods_name":"iPhone6s 32G","quantity":1,"price":1}]}',
  attach: '说明',
  out_trade_no: '1217752501201407033233368018',
  total_fee: '888',
  fee_type: 'CNY',
  spbill_create_ip: '8.8.8.8',
  goods_tag: '1234',
  limit_pay: 'no_credit',
  time_start: '20091225091010',
  time_expire: '20091227091010',
  receipt: 'Y',
  auth_code: '120061098828009406',
  scene_info: '{"store_info" : {"id": "SZTX001","name": "腾大餐厅","area_code": "440305","address": "科技园中一路腾讯大厦" }}',
  nonce_str: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
};
/** micropay.md's reply table: the fields marked required (data-required). */
const DOC_MICROPAY_REPLY_REQUIRED = ['return_code', 'return_msg', 'appid', 'mch_id', 'nonce_str', 'sign', 'result_code', 'openid', 'is_subscribe', 'trade_type', 'bank_type', 'total_fee', 'cash_fee', 'transaction_id', 'out_trade_no', 'time_end'];

describe('the WeChat Pay v2 sandbox against the documentation', () => {
  let certs: WechatCertificates;
  let sandbox: WechatV2Sandbox;

  beforeAll(async () => {
    certs = makeWechatCertificates();
    sandbox = await startTestWechatSandbox(certs);
  });
  afterAll(() => sandbox?.close());

  function post(path: string, fields: Record<string, string>, options: { signType?: WechatSignType; client?: { cert: string; key: string }; sign?: string } = {}) {
    const signType = options.signType ?? 'MD5';
    const body = toWechatXml({ ...fields, sign: options.sign ?? wechatV2Sign(fields, TEST_MERCHANT.apiKey, signType) });
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(new URL(path, sandbox.url), { method: 'POST', ca: certs.serverCa, agent: false, ...(options.client ?? {}), headers: { 'content-type': 'text/xml' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }
  const ours = (extra: Record<string, string>) => ({ appid: TEST_MERCHANT.appId, mch_id: TEST_MERCHANT.mchId, nonce_str: 'ibuaiVcKdpRxkhJA', ...extra });

  it('pays the documentation’s example request and answers with every required field, signed as asked (HMAC-SHA256)', async () => {
    const { status, text } = await post('/pay/micropay', DOC_MICROPAY_REQUEST, { signType: 'HMAC-SHA256' });
    expect(status).toBe(200);
    const reply = parseWechatXml(text)!;
    for (const field of DOC_MICROPAY_REPLY_REQUIRED) expect(reply[field], field).toBeTruthy();
    expect(reply).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', trade_type: 'MICROPAY', total_fee: '888', fee_type: 'CNY', out_trade_no: DOC_MICROPAY_REQUEST.out_trade_no });
    expect(reply.time_end).toMatch(/^\d{14}$/);
    expect(verifyWechatV2Sign(reply, TEST_MERCHANT.apiKey, 'HMAC-SHA256')).toBe(true);
    expect(sandbox.order(DOC_MICROPAY_REQUEST.out_trade_no)).toMatchObject({ tradeState: 'SUCCESS', totalFee: 888 });
    // The code is spent: another order with it is refused, as WeChat says (每个二维码仅限使用一次).
    const again = parseWechatXml((await post('/pay/micropay', { ...DOC_MICROPAY_REQUEST, out_trade_no: 'another1' }, { signType: 'HMAC-SHA256' })).text)!;
    expect(again).toMatchObject({ result_code: 'FAIL', err_code: 'AUTH_CODE_ERROR' });
  });

  it('answers an order priced in another currency with what the customer paid in CNY and the rate × 10^8 (international micropay and orderquery)', async () => {
    const fields = ours({ body: 'x', out_trade_no: 'jpy1', total_fee: '1000', fee_type: 'JPY', spbill_create_ip: '8.8.8.8', auth_code: '134567890123450001' });
    const pay = parseWechatXml((await post('/pay/micropay', fields)).text)!;
    expect(verifyWechatV2Sign(pay, TEST_MERCHANT.apiKey, 'MD5')).toBe(true);
    // At the sandbox's default JPY rate (src-main/acquirer/sandbox/cny-rates.ts): ¥1,000 × 0.0482 = CNY 48.20.
    expect(pay).toMatchObject({ result_code: 'SUCCESS', fee_type: 'JPY', total_fee: '1000', cash_fee_type: 'CNY', cash_fee: '4820', rate: '4820000' });
    const query = parseWechatXml((await post('/pay/orderquery', ours({ out_trade_no: 'jpy1' }))).text)!;
    expect(query).toMatchObject({ trade_state: 'SUCCESS', fee_type: 'JPY', cash_fee_type: 'CNY', cash_fee: '4820', rate: '4820000' });
    expect(sandbox.order('jpy1')).toMatchObject({ feeType: 'JPY', totalFee: 1000, cashFee: 4820, rate: '0.0482' });
    // A refund at the order's rate: ¥300 → CNY 14.46 back to the customer.
    const refund = parseWechatXml((await post('/secapi/pay/refund', ours({ out_trade_no: 'jpy1', out_refund_no: 'jpyR1', total_fee: '1000', refund_fee: '300', refund_fee_type: 'JPY' }), { client: certs.merchant })).text)!;
    expect(refund).toMatchObject({ result_code: 'SUCCESS', refund_fee: '300', cash_refund_fee_type: 'CNY', cash_refund_fee: '1446' });
  });

  it('refuses a badly signed request with return_code FAIL and no result', async () => {
    const reply = parseWechatXml((await post('/pay/micropay', ours({ body: 'x', out_trade_no: 'bad1', total_fee: '1', spbill_create_ip: '8.8.8.8', auth_code: '134567890123450000' }), { sign: 'F'.repeat(32) })).text)!;
    expect(reply).toEqual({ return_code: 'FAIL', return_msg: '签名错误' });
  });

  it('asks for USERPAYING and answers orderquery with the order’s trade_state (MD5 by default)', async () => {
    const pay = parseWechatXml((await post('/pay/micropay', ours({ body: 'x', out_trade_no: 'pin1', total_fee: '100', spbill_create_ip: '8.8.8.8', auth_code: '134567890123451999' }))).text)!;
    expect(pay).toMatchObject({ return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'USERPAYING' });
    expect(verifyWechatV2Sign(pay, TEST_MERCHANT.apiKey, 'MD5')).toBe(true);
    const query = parseWechatXml((await post('/pay/orderquery', ours({ out_trade_no: 'pin1' }))).text)!;
    expect(query).toMatchObject({ result_code: 'SUCCESS', trade_state: 'USERPAYING', out_trade_no: 'pin1' });
    const missing = parseWechatXml((await post('/pay/orderquery', ours({ out_trade_no: 'nosuch' }))).text)!;
    expect(missing).toMatchObject({ result_code: 'FAIL', err_code: 'ORDERNOTEXIST' });
  });

  it('reverses only over mutual TLS with a merchant certificate it trusts', async () => {
    const fields = ours({ out_trade_no: 'pin1' });
    expect(parseWechatXml((await post('/secapi/pay/reverse', fields)).text)).toEqual({ return_code: 'FAIL', return_msg: '证书错误' });
    expect(parseWechatXml((await post('/secapi/pay/reverse', fields, { client: certs.stranger })).text)).toEqual({ return_code: 'FAIL', return_msg: '证书错误' });
    expect(sandbox.order('pin1')?.tradeState).toBe('USERPAYING');
    const reversed = parseWechatXml((await post('/secapi/pay/reverse', fields, { client: certs.merchant })).text)!;
    expect(reversed).toMatchObject({ return_code: 'SUCCESS', result_code: 'SUCCESS', recall: 'N' });
    expect(sandbox.order('pin1')?.tradeState).toBe('REVOKED');
  });

  it('serves the day’s bill in the documented columns, with backticked cells and the totals trailer', async () => {
    const date = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
    const { text } = await post('/pay/downloadbill', ours({ bill_date: date, bill_type: 'ALL' }));
    const lines = text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(BILL_COLUMNS.join(','));
    expect(lines.some((l) => l.includes('`1217752501201407033233368018') && l.includes('`SUCCESS') && l.includes('`8.88'))).toBe(true);
    const trailerAt = lines.indexOf(BILL_TRAILER_COLUMNS.join(','));
    expect(trailerAt).toBeGreaterThan(0);
    expect(lines[trailerAt + 1]!.split(',')[0]).toBe(`\`${trailerAt - 1}`);
    expect(parseWechatXml((await post('/pay/downloadbill', ours({ bill_date: '20000101', bill_type: 'ALL' }))).text)).toEqual({ return_code: 'FAIL', return_msg: 'No Bill Exist' });
  });
});
