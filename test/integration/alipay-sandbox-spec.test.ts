import { createSign, createVerify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:https';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlipayPort } from '../../src-main/acquirer/alipay/provider';
import { startAlipaySandbox, type AlipaySandbox } from '../../src-main/acquirer/alipay/sandbox';
import { tempDir } from '../helpers/host';
import { makeAlipayKeys, type AlipayKeys } from '../helpers/alipay-sandbox';

/**
 * The Alipay gateway sandbox against Alipay's documentation (src-main/acquirer/alipay/spec-fixtures/SOURCES.md), over
 * real HTTPS, with a client written from the documentation (sort the parameters, sign them SHA256withRSA, form-POST
 * them to gateway.do), never with the provider; then the provider against the documentation's own replies.
 */
const FIXTURES = join(__dirname, '../../src-main/acquirer/alipay/spec-fixtures');
const fixture = <T>(name: string): T => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
const DOC_REQUEST = fixture<{ app_id: string; biz_content: Record<string, string> } & Record<string, string>>('pay-request.json');
const DOC_REPLY_TEXT = readFileSync(join(FIXTURES, 'pay-response.json'), 'utf8');
const DOC_ERROR_TEXT = readFileSync(join(FIXTURES, 'error-response.json'), 'utf8');
/** The fields of the documentation's reply that every mainland bar-code payment carries (the rest are cross-border, voucher or pre-auth fields). */
const PAID_REPLY_FIELDS = ['code', 'msg', 'trade_no', 'out_trade_no', 'buyer_logon_id', 'total_amount', 'receipt_amount', 'buyer_pay_amount', 'point_amount', 'invoice_amount', 'gmt_payment', 'buyer_user_id'];

/** The documentation's signature (签名): every parameter but sign, non-empty, sorted by name, `k=v` joined by `&`, SHA256withRSA, base64. */
function documentedSign(params: Record<string, string>, privateKeyPem: string): string {
  const content = Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return createSign('RSA-SHA256').update(content, 'utf8').sign(privateKeyPem, 'base64');
}

describe('the Alipay gateway sandbox against the documentation', () => {
  let keys: AlipayKeys;
  let sandbox: AlipaySandbox;

  beforeAll(async () => {
    keys = makeAlipayKeys();
    // The documentation's own app_id.
    sandbox = await startAlipaySandbox({
      dbPath: join(tempDir('alipay-spec-'), 'alipay.sqlite'),
      app: { appId: DOC_REQUEST.app_id, publicKeyPem: keys.app.publicKeyPem },
      alipayPrivateKeyPem: keys.alipay.privateKeyPem,
      tls: { cert: keys.tls.cert, key: keys.tls.key },
    });
  }, 30_000);
  afterAll(() => sandbox?.close());

  function post(params: Record<string, string>) {
    const body = new URLSearchParams(params).toString();
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(new URL(sandbox.gatewayUrl), { method: 'POST', ca: keys.tls.ca, agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }
  const docParams = (biz: Record<string, string> = {}): Record<string, string> => {
    const { biz_content: docBiz, ...common } = DOC_REQUEST;
    return { ...common, biz_content: JSON.stringify({ ...docBiz, ...biz }) };
  };
  /** The reply's node, after checking its signature over the node's exact text as the documentation's SDKs do. */
  function opened(text: string, key = 'alipay_trade_pay_response'): Record<string, unknown> {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const start = text.indexOf(`"${key}":`) + key.length + 3;
    const end = text.lastIndexOf(',"sign":');
    expect(createVerify('RSA-SHA256').update(text.slice(start, end), 'utf8').verify(keys.alipay.publicKeyPem, String(parsed.sign), 'base64')).toBe(true);
    return parsed[key] as Record<string, unknown>;
  }

  it('pays the documentation’s example request and answers with every field of the documentation’s reply, signed', async () => {
    const params = docParams();
    const reply = await post({ ...params, sign: documentedSign(params, keys.app.privateKeyPem) });
    expect(reply.status).toBe(200);
    const node = opened(reply.text);
    expect(Object.keys(node)).toEqual(expect.arrayContaining(PAID_REPLY_FIELDS));
    expect(node).toMatchObject({ code: '10000', msg: 'Success', out_trade_no: '20150320010101001', total_amount: '88.88', receipt_amount: '88.88' });
    expect(String(node.gmt_payment)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(sandbox.order('20150320010101001')).toMatchObject({ tradeStatus: 'TRADE_SUCCESS', totalAmount: 8888, currency: 'CNY' });
    // The same request again: the order is paid already (ACQ.TRADE_HAS_SUCCESS), and nothing is charged twice.
    const again = opened((await post({ ...params, sign: documentedSign(params, keys.app.privateKeyPem) })).text);
    expect(again).toMatchObject({ code: '40004', sub_code: 'ACQ.TRADE_HAS_SUCCESS' });
    expect(sandbox.orders().filter((o) => o.outTradeNo === '20150320010101001')).toHaveLength(1);
  });

  it('answers a cross-border order (trans_currency) with the documented reply’s cross-border fields, as strings like the table’s', async () => {
    const params = docParams({ out_trade_no: '20150320010101009', auth_code: '28763443825669990', total_amount: '120.88', trans_currency: 'USD', settle_currency: 'USD' });
    const node = opened((await post({ ...params, sign: documentedSign(params, keys.app.privateKeyPem) })).text);
    const doc = (JSON.parse(DOC_REPLY_TEXT) as { alipay_trade_pay_response: Record<string, unknown> }).alipay_trade_pay_response;
    const crossBorder = ['trans_currency', 'pay_currency', 'pay_amount', 'trans_pay_rate', 'settle_currency', 'settle_amount', 'settle_trans_rate'];
    for (const field of crossBorder) expect(doc, field).toHaveProperty(field);
    expect(Object.keys(node)).toEqual(expect.arrayContaining([...PAID_REPLY_FIELDS, ...crossBorder]));
    // At the sandbox's default USD rate (src-main/acquirer/sandbox/cny-rates.ts): 120.88 × 7.1000 = 858.248 → 858.25.
    expect(node).toMatchObject({ total_amount: '120.88', trans_currency: 'USD', pay_currency: 'CNY', pay_amount: '858.25', trans_pay_rate: '7.1000', settle_currency: 'USD', settle_amount: '120.88', settle_trans_rate: '1' });
    expect(sandbox.order('20150320010101009')).toMatchObject({ currency: 'USD', totalAmount: 12088, payAmount: 85825, rate: '7.1000' });
  });

  it('refunds and queries by the documentation’s parameter names', async () => {
    const refund = { ...DOC_REQUEST, method: 'alipay.trade.refund', biz_content: JSON.stringify({ out_trade_no: '20150320010101001', refund_amount: '8.88', out_request_no: 'HZ01RF001' }) };
    const refunded = opened((await post({ ...refund, sign: documentedSign(refund, keys.app.privateKeyPem) })).text, 'alipay_trade_refund_response');
    expect(refunded).toMatchObject({ code: '10000', fund_change: 'Y', refund_fee: '8.88', out_trade_no: '20150320010101001' });
    const query = { ...DOC_REQUEST, method: 'alipay.trade.query', biz_content: JSON.stringify({ out_trade_no: '20150320010101001' }) };
    expect(opened((await post({ ...query, sign: documentedSign(query, keys.app.privateKeyPem) })).text, 'alipay_trade_query_response')).toMatchObject({ code: '10000', trade_status: 'TRADE_SUCCESS', total_amount: '88.88' });
    expect(sandbox.order('20150320010101001')).toMatchObject({ refunded: 888 });
  });

  it('refuses, with 40002 and nothing done, a request signed with another key, for another app, or with a parameter changed after signing', async () => {
    const params = docParams({ out_trade_no: '20150320010101002', auth_code: '28763443825660000' });
    const stranger = makeAlipayKeys();
    const bad = opened((await post({ ...params, sign: documentedSign(params, stranger.app.privateKeyPem) })).text);
    expect(bad).toMatchObject({ code: '40002', sub_code: 'isv.invalid-signature' });
    const tampered = { ...params, sign: documentedSign(params, keys.app.privateKeyPem), biz_content: params.biz_content!.replace('88.88', '0.01') };
    expect(opened((await post(tampered)).text)).toMatchObject({ code: '40002', sub_code: 'isv.invalid-signature' });
    const otherApp = { ...params, app_id: '2014072300007149' };
    expect(opened((await post({ ...otherApp, sign: documentedSign(otherApp, keys.app.privateKeyPem) })).text)).toMatchObject({ code: '40002', sub_code: 'isv.invalid-app-id' });
    const rsa1 = { ...params, sign_type: 'RSA' };
    expect(opened((await post({ ...rsa1, sign: documentedSign(rsa1, keys.app.privateKeyPem) })).text)).toMatchObject({ code: '40002' });
    expect(sandbox.order('20150320010101002')).toBeUndefined();
  });
});

describe('the Alipay provider against the documentation’s replies', () => {
  let keys: AlipayKeys;
  let server: Server;
  let served = '';
  let url = '';

  beforeAll(async () => {
    keys = makeAlipayKeys();
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/html;charset=utf-8' }).end(served));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/gateway.do`;
  }, 30_000);
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** The documentation's reply text with its node signed by "Alipay" (the documented placeholder sign replaced). */
  function signedDoc(text: string, key = 'alipay_trade_pay_response'): string {
    const compact = JSON.stringify(JSON.parse(text)[key]);
    const sign = createSign('RSA-SHA256').update(compact, 'utf8').sign(keys.alipay.privateKeyPem, 'base64');
    return `{"${key}":${compact},"sign":"${sign}"}`;
  }
  const port = (currency: string) =>
    // Plain HTTP to this fake gateway: the schema asks https of the technician; the port itself takes what it is given.
    createAlipayPort({
      settings: { gatewayUrl: url, appId: '2014072300007148', privateKeyPem: keys.app.privateKeyPem, alipayPublicKeyPem: keys.alipay.publicKeyPem },
      currency,
      timeouts: { payMs: 2000, queryMs: 2000, otherMs: 2000 },
      log: pino({ level: 'silent' }),
    });
  const pay = (currency: string, amount: number) => port(currency).pay({ clientSn: '6823789339978248', amount, authCode: '28763443825664394', subject: 'Iphone6 16G', operator: 'yx_001' });

  it('reads the documented reply (a USD order, Price fields as JSON numbers) as paid to the cent in a USD store', async () => {
    served = signedDoc(DOC_REPLY_TEXT);
    expect(await pay('USD', 12088)).toMatchObject({ kind: 'paid', acquirerSn: '2013112011001004330000121536', amount: 12088, wallet: 'alipay', payerRef: '2088101117955611', finishedAt: '2014-11-27T07:45:57.000Z' });
  });

  it('keeps the documented reply’s customer side as written: CNY 580.04 at trans_pay_rate 6.5261', async () => {
    served = signedDoc(DOC_REPLY_TEXT);
    expect(await pay('USD', 12088)).toMatchObject({ kind: 'paid', payer: { currency: 'CNY', amount: 58004, rate: '6.5261', rateScale: 0 } });
  });

  it('never takes the documented reply as paid for another amount, in another currency, or with its placeholder signature', async () => {
    served = signedDoc(DOC_REPLY_TEXT);
    expect(await pay('USD', 12087)).toMatchObject({ kind: 'unknown' });
    expect(await pay('CNY', 12088)).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('USD') });
    served = DOC_REPLY_TEXT;
    expect(await pay('USD', 12088)).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('signature') });
  });

  it('reads the documented 异常示例 (20000 isp.unknow-error) as unknown, to be settled by query', async () => {
    served = signedDoc(DOC_ERROR_TEXT);
    expect(await pay('CNY', 8888)).toEqual({ kind: 'unknown', reason: 'isp.unknow-error: 系统繁忙' });
  });
});
