import { createHash, createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWechatV3Sandbox, type WechatV3Sandbox } from '../../src-main/acquirer/wechat/sandbox-v3';
import CODEPAY_REQUEST from '../../src-main/acquirer/wechat/spec-fixtures-v3/codepay-request.json';
import CODEPAY_REPLY_FIELDS from '../../src-main/acquirer/wechat/spec-fixtures-v3/codepay-reply-fields.json';
import REVERSE_REPLY from '../../src-main/acquirer/wechat/spec-fixtures-v3/reverse-reply.json';
import REVERSE_REQUEST from '../../src-main/acquirer/wechat/spec-fixtures-v3/reverse-request.json';
import { BILL_COLUMNS, BILL_TRAILER_COLUMNS } from '../../src-main/acquirer/wechat/v2-wire';
import { v3Authorization, verifyV3Reply } from '../../src-main/acquirer/wechat/v3-sign';
import { tempDir } from '../helpers/host';
import { sendV3, type SentV3 } from '../helpers/wechat-v3-client';
import { makeWechatV3Keys, type WechatV3Keys } from '../helpers/wechat-v3-sandbox';

/**
 * The WeChat Pay v3 sandbox against WeChat's documentation, over real HTTPS, with a client written from the
 * documentation (sign the request, send JSON, verify the reply's signature), never with the adapter. The merchant is
 * the documentation's own (appid wxd678efh567hg6787, mchid 1230000109); the fixtures and their sources are in
 * src-main/acquirer/wechat/spec-fixtures-v3/SOURCES.md.
 */
describe('the WeChat Pay v3 sandbox against the documentation', () => {
  let keys: WechatV3Keys;
  let sandbox: WechatV3Sandbox;
  const DOC_MERCHANT = { appId: CODEPAY_REQUEST.appid, mchId: CODEPAY_REQUEST.mchid };

  beforeAll(async () => {
    keys = makeWechatV3Keys();
    sandbox = await startWechatV3Sandbox({
      dbPath: `${tempDir('wechat-v3-spec-')}/ledger.sqlite`,
      tls: { cert: keys.tls.server.cert, key: keys.tls.server.key },
      merchant: { ...DOC_MERCHANT, serialNo: keys.merchant.serialNo, publicKeyPem: keys.merchant.publicKeyPem },
      platform: { serial: keys.platform.serial, privateKeyPem: keys.platform.privateKeyPem },
    });
  }, 30_000);
  afterAll(() => sandbox?.close());

  type Sent = SentV3;
  function send(method: 'GET' | 'POST', path: string, body: object | null, options: { key?: string; serial?: string; timestamp?: string; authorization?: string } = {}): Promise<Sent> {
    const text = body === null ? '' : JSON.stringify(body);
    const authorization =
      options.authorization ??
      v3Authorization(
        { mchId: DOC_MERCHANT.mchId, serialNo: options.serial ?? keys.merchant.serialNo, privateKey: createPrivateKey(options.key ?? keys.merchant.keyPem) },
        { method, url: path, body: text },
        options.timestamp ? { timestamp: options.timestamp } : {},
      );
    return sendV3(sandbox, keys, method, path, body === null ? null : text, authorization);
  }
  const platform = () => ({ serial: keys.platform.serial, publicKey: keys.platform.publicKeyPem });
  const signedJson = (r: Sent) => {
    expect(verifyV3Reply(r.headers, r.text, platform(), new Date())).toEqual({ ok: true });
    return JSON.parse(r.text) as Record<string, unknown>;
  };
  const at = (value: Record<string, unknown>, path: string) => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);

  it('pays the documentation’s example codepay request and answers with every field its table lists, signed', async () => {
    const reply = signedJson(await send('POST', '/v3/pay/transactions/codepay', CODEPAY_REQUEST));
    for (const field of CODEPAY_REPLY_FIELDS.listed) expect(at(reply, field), field).not.toBeUndefined();
    expect(reply).toMatchObject({ appid: CODEPAY_REQUEST.appid, mchid: CODEPAY_REQUEST.mchid, out_trade_no: CODEPAY_REQUEST.out_trade_no, trade_type: 'MICROPAY', trade_state: 'SUCCESS', amount: { total: 100, currency: 'CNY' } });
    expect(reply.success_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(sandbox.order(CODEPAY_REQUEST.out_trade_no)).toMatchObject({ tradeState: 'SUCCESS', total: 100, currency: 'CNY' });
    // The code is spent: another order with it is refused.
    const again = await send('POST', '/v3/pay/transactions/codepay', { ...CODEPAY_REQUEST, out_trade_no: 'another001' });
    expect(again.status).toBe(400);
    expect(signedJson(again)).toMatchObject({ code: 'AUTH_CODE_ERROR' });
  });

  it('refuses with 401 SIGN_ERROR a request signed by another key, under another serial, too old, or not signed', async () => {
    const body = { ...CODEPAY_REQUEST, out_trade_no: 'badsign001', payer: { auth_code: '134567890123450000' } };
    const other = makeWechatV3Keys();
    for (const options of [{ key: other.merchant.keyPem }, { serial: other.merchant.serialNo }, { timestamp: String(Math.floor(Date.now() / 1000) - 301) }, { authorization: 'Bearer nothing' }]) {
      const r = await send('POST', '/v3/pay/transactions/codepay', body, options);
      expect(r.status).toBe(401);
      expect(signedJson(r)).toMatchObject({ code: 'SIGN_ERROR' });
    }
    expect(sandbox.order('badsign001')).toBeUndefined();
  }, 30_000);

  it('asks for the PIN (202 USERPAYING), and the query by out_trade_no says USERPAYING; an unknown order is 404 ORDER_NOT_EXIST', async () => {
    const pay = await send('POST', '/v3/pay/transactions/codepay', { ...CODEPAY_REQUEST, out_trade_no: 'pin0000001', payer: { auth_code: '134567890123451999' } });
    expect(pay.status).toBe(202);
    expect(signedJson(pay)).toMatchObject({ code: 'USERPAYING' });
    const query = await send('GET', `/v3/pay/transactions/out-trade-no/pin0000001?mchid=${DOC_MERCHANT.mchId}`, null);
    expect(signedJson(query)).toMatchObject({ mchid: DOC_MERCHANT.mchId, out_trade_no: 'pin0000001', trade_state: 'USERPAYING' });
    const missing = await send('GET', `/v3/pay/transactions/out-trade-no/nosuch0001?mchid=${DOC_MERCHANT.mchId}`, null);
    expect(missing.status).toBe(404);
    expect(signedJson(missing)).toMatchObject({ code: 'ORDER_NOT_EXIST' });
  });

  it('reverses the documentation’s example order with its example request, answering its example reply', async () => {
    const r = await send('POST', `/v3/pay/transactions/out-trade-no/${REVERSE_REPLY.out_trade_no}/reverse`, REVERSE_REQUEST);
    expect(r.status).toBe(200);
    expect(signedJson(r)).toEqual(REVERSE_REPLY);
    expect(sandbox.order(REVERSE_REPLY.out_trade_no)?.tradeState).toBe('REVOKED');
  });

  it('refunds, answers the refund query, and serves the day’s bill whose SHA1 is the signed hash_value', async () => {
    await send('POST', '/v3/pay/transactions/codepay', { ...CODEPAY_REQUEST, out_trade_no: 'refund0001', payer: { auth_code: '134567890123460000' }, amount: { total: 888, currency: 'CNY' } });
    const refund = await send('POST', '/v3/refund/domestic/refunds', { out_trade_no: 'refund0001', out_refund_no: 'R0001', amount: { refund: 300, total: 888, currency: 'CNY' } });
    expect(signedJson(refund)).toMatchObject({ out_refund_no: 'R0001', out_trade_no: 'refund0001', status: 'SUCCESS', amount: { refund: 300, total: 888, currency: 'CNY' } });
    const tooMuch = await send('POST', '/v3/refund/domestic/refunds', { out_trade_no: 'refund0001', out_refund_no: 'R0002', amount: { refund: 589, total: 888, currency: 'CNY' } });
    expect(tooMuch.status).toBe(400);
    expect(signedJson(tooMuch)).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(signedJson(await send('GET', '/v3/refund/domestic/refunds/R0001', null))).toMatchObject({ status: 'SUCCESS', amount: { refund: 300 } });
    expect((await send('GET', '/v3/refund/domestic/refunds/R0002', null)).status).toBe(404);
    expect(sandbox.order('refund0001')).toMatchObject({ tradeState: 'REFUND', refunded: 300, total: 888 });

    const date = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const bill = signedJson(await send('GET', `/v3/bill/tradebill?bill_date=${date}&bill_type=ALL`, null)) as { hash_type: string; hash_value: string; download_url: string };
    expect(bill.hash_type).toBe('SHA1');
    const url = new URL(bill.download_url);
    const file = await send('GET', url.pathname + url.search, null);
    expect(createHash('sha1').update(file.text, 'utf8').digest('hex')).toBe(bill.hash_value);
    const lines = file.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(BILL_COLUMNS.join(','));
    expect(lines.some((l) => l.includes('`refund0001') && l.includes('`SUCCESS') && l.includes('`8.88'))).toBe(true);
    expect(lines.some((l) => l.includes('`R0001') && l.includes('`REFUND') && l.includes('`3.00'))).toBe(true);
    expect(lines).toContain(BILL_TRAILER_COLUMNS.join(','));
    const none = await send('GET', '/v3/bill/tradebill?bill_date=2000-01-01&bill_type=ALL', null);
    expect(none.status).toBe(400);
    expect(signedJson(none)).toMatchObject({ code: 'NO_STATEMENT_EXIST' });
  });
});
