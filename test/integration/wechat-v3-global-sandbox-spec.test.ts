/**
 * The WeChat Pay v3 sandbox's GLOBAL API against WeChat's documentation (pay.weixin.qq.com/doc/global/v3, mirrored in
 * GitHub wechatpay-im/website openapi/v3/global/…), over real HTTPS, with a client written from the documentation
 * (test/helpers/wechat-v3-client.ts: sign, send JSON, verify the reply), never with the adapter. The documentation's
 * examples name both modes' ids at once (mchid 1900000109 as a merchant; sp_mchid 1900000100 paying for sub_mchid
 * 1900000109): one sandbox plays the common merchant, one the institution, each sent its mode's subset of the
 * example. Fixtures and sources: src-main/acquirer/wechat/spec-fixtures-v3/SOURCES.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWechatV3Sandbox, type WechatV3Sandbox } from '../../src-main/acquirer/wechat/sandbox-v3';
import CODEPAY_REQUEST from '../../src-main/acquirer/wechat/spec-fixtures-v3/codepay-request.json';
import PAY_REQUEST from '../../src-main/acquirer/wechat/spec-fixtures-v3/global-micropay-request.json';
import QUERY_REQUEST from '../../src-main/acquirer/wechat/spec-fixtures-v3/global-query-request.json';
import REFUND_REPLY_FIELDS from '../../src-main/acquirer/wechat/spec-fixtures-v3/global-refund-reply-fields.json';
import REFUND_REQUEST from '../../src-main/acquirer/wechat/spec-fixtures-v3/global-refund-request.json';
import REVERSE_REQUEST from '../../src-main/acquirer/wechat/spec-fixtures-v3/global-reverse-request.json';
import REPLY_FIELDS from '../../src-main/acquirer/wechat/spec-fixtures-v3/global-transaction-reply-fields.json';
import { signedV3Request } from '../helpers/wechat-v3-client';
import { tempDir } from '../helpers/host';
import { makeWechatV3Keys, type WechatV3Keys } from '../helpers/wechat-v3-sandbox';

const COMMON_IDS = ['appid', 'mchid'] as const;
const INSTITUTION_IDS = ['sp_appid', 'sp_mchid', 'sub_mchid', 'sub_appid'] as const;
const without = <T extends Record<string, unknown>>(value: T, keys: readonly string[]) => Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)));
const at = (value: unknown, path: string) => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);
const query = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;

describe('the WeChat Pay v3 sandbox’s global API against the documentation', () => {
  let keys: WechatV3Keys;
  let common: WechatV3Sandbox;
  let institution: WechatV3Sandbox;
  /** The documentation's merchant (common mode) and institution (its sp_mchid, paying for its sub_mchid). */
  const MERCHANT = { appId: PAY_REQUEST.appid, mchId: PAY_REQUEST.mchid };
  const INSTITUTION = { appId: PAY_REQUEST.sp_appid, mchId: PAY_REQUEST.sp_mchid, subMchId: PAY_REQUEST.sub_mchid };

  beforeAll(async () => {
    keys = makeWechatV3Keys();
    const start = (merchant: { appId: string; mchId: string; subMchId?: string }) =>
      startWechatV3Sandbox({
        dbPath: `${tempDir('wechat-v3-global-spec-')}/ledger.sqlite`,
        tls: { cert: keys.tls.server.cert, key: keys.tls.server.key },
        merchant: { ...merchant, serialNo: keys.merchant.serialNo, publicKeyPem: keys.merchant.publicKeyPem },
        platform: { serial: keys.platform.serial, privateKeyPem: keys.platform.privateKeyPem },
        cnyRates: { HKD: '0.9213' },
      });
    common = await start(MERCHANT);
    institution = await start(INSTITUTION);
  }, 30_000);
  afterAll(async () => {
    await common?.close();
    await institution?.close();
  });

  const expectTransaction = (reply: unknown, ids: readonly string[]) => {
    for (const field of [...REPLY_FIELDS.required, ...ids, ...REPLY_FIELDS.listed]) expect(at(reply, field), field).not.toBeUndefined();
    expect(REPLY_FIELDS.exchange_rate_types).toContain(at(reply, 'amount.exchange_rate.type'));
  };

  it('pays the example request in common mode (its appid and mchid) with every field the reply table lists, in HKD with the customer’s CNY', async () => {
    const body = without(PAY_REQUEST, INSTITUTION_IDS);
    const reply = await signedV3Request(common, keys, 'POST', '/v3/global/micropay/transactions/pay', body, MERCHANT.mchId);
    expect(reply).toMatchObject({ status: 200, verified: true });
    expectTransaction(reply.json, REPLY_FIELDS.common);
    expect(reply.json).toMatchObject({ appid: MERCHANT.appId, mchid: MERCHANT.mchId, out_trade_no: PAY_REQUEST.out_trade_no, trade_type: 'MICROPAY', trade_state: 'SUCCESS' });
    // 8.88 HKD at 0.9213 is 8.18 CNY (8.181…, half up): payer_total, in CNY, from the ledger's rate.
    expect(at(reply.json, 'amount')).toMatchObject({ total: 888, currency: 'HKD', payer_total: 818, payer_currency: 'CNY' });
    expect(common.order(PAY_REQUEST.out_trade_no)).toMatchObject({ api: 'global', subMchId: null, total: 888, currency: 'HKD', payerTotal: 818, tradeState: 'SUCCESS' });
    for (const id of INSTITUTION_IDS) expect(reply.json).not.toHaveProperty(id);
  });

  it('answers the example order query (common mode: ?mchid=) with the same transaction', async () => {
    const path = `/v3/global/transactions/out-trade-no/${QUERY_REQUEST.out_trade_no}${query({ mchid: QUERY_REQUEST.query.mchid })}`;
    const reply = await signedV3Request(common, keys, 'GET', path, null, MERCHANT.mchId);
    expect(reply).toMatchObject({ status: 200, verified: true });
    expectTransaction(reply.json, REPLY_FIELDS.common);
    expect(reply.json).toMatchObject({ id: common.order(PAY_REQUEST.out_trade_no)!.transactionId, trade_state: 'SUCCESS' });
  });

  it('refunds by the example refund request (by transaction_id, out_trade_no empty): refused in CNY for an HKD order, refunded in HKD; the apply and query replies have their tables’ fields', async () => {
    const order = common.order(PAY_REQUEST.out_trade_no)!;
    const asDocumented = { ...without(REFUND_REQUEST, INSTITUTION_IDS), transaction_id: order.transactionId };
    const inCny = await signedV3Request(common, keys, 'POST', '/v3/global/refunds', asDocumented, MERCHANT.mchId);
    expect(inCny).toMatchObject({ status: 400, verified: true, json: { code: 'PARAM_ERROR' } });
    expect(common.refunds(PAY_REQUEST.out_trade_no)).toEqual([]);

    const inHkd = await signedV3Request(common, keys, 'POST', '/v3/global/refunds', { ...asDocumented, amount: { ...REFUND_REQUEST.amount, currency: 'HKD' } }, MERCHANT.mchId);
    expect(inHkd).toMatchObject({ status: 200, verified: true });
    for (const field of REFUND_REPLY_FIELDS.apply) expect(at(inHkd.json, field), field).not.toBeUndefined();
    expect(at(inHkd.json, 'amount')).toMatchObject({ refund: 888, currency: 'HKD', payer_refund: 818, payer_currency: 'CNY' });
    const read = await signedV3Request(common, keys, 'GET', `/v3/global/refunds/out-refund-no/${REFUND_REQUEST.out_refund_no}${query({ mchid: MERCHANT.mchId })}`, null, MERCHANT.mchId);
    expect(read).toMatchObject({ status: 200, verified: true });
    for (const field of REFUND_REPLY_FIELDS.query) expect(at(read.json, field), field).not.toBeUndefined();
    expect(REFUND_REPLY_FIELDS.statuses).toContain(at(read.json, 'status'));
    expect(REFUND_REPLY_FIELDS.exchange_rate_types).toContain(at(read.json, 'amount.exchange_rate.type'));
    expect(read.json).toMatchObject({ out_trade_no: PAY_REQUEST.out_trade_no, transaction_id: order.transactionId, status: 'SUCCESS' });
    expect(common.refunds(PAY_REQUEST.out_trade_no)).toEqual([{ outRefundNo: REFUND_REQUEST.out_refund_no, refund: 888, status: 'SUCCESS' }]);
  });

  it('pays the example in institutional mode (sp_appid, sp_mchid, sub_mchid), queries it with the example query and reverses it as the example does: 204, no content', async () => {
    const body = without(PAY_REQUEST, COMMON_IDS);
    const paid = await signedV3Request(institution, keys, 'POST', '/v3/global/micropay/transactions/pay', body, INSTITUTION.mchId);
    expect(paid).toMatchObject({ status: 200, verified: true });
    expectTransaction(paid.json, REPLY_FIELDS.institutional);
    expect(paid.json).toMatchObject({ sp_mchid: INSTITUTION.mchId, sub_mchid: INSTITUTION.subMchId, sp_appid: INSTITUTION.appId });
    for (const id of COMMON_IDS) expect(paid.json).not.toHaveProperty(id);

    const queried = await signedV3Request(institution, keys, 'GET', `/v3/global/transactions/out-trade-no/${QUERY_REQUEST.out_trade_no}${query(without(QUERY_REQUEST.query, ['mchid']) as Record<string, string>)}`, null, INSTITUTION.mchId);
    expect(queried).toMatchObject({ status: 200, verified: true, json: { trade_state: 'SUCCESS', sub_mchid: INSTITUTION.subMchId } });
    // Another sub-merchant of the institution does not see it.
    const stranger = await signedV3Request(institution, keys, 'GET', `/v3/global/transactions/out-trade-no/${QUERY_REQUEST.out_trade_no}${query({ sp_mchid: INSTITUTION.mchId, sub_mchid: '1900000999' })}`, null, INSTITUTION.mchId);
    expect(stranger.status).toBe(400);

    const reversed = await signedV3Request(institution, keys, 'POST', `/v3/global/micropay/transactions/out-trade-no/${REVERSE_REQUEST.out_trade_no}/reverse`, without(REVERSE_REQUEST.json, ['mchid']), INSTITUTION.mchId);
    expect(reversed).toMatchObject({ status: REVERSE_REQUEST.status, verified: true, text: '' });
    expect(institution.order(PAY_REQUEST.out_trade_no)).toMatchObject({ tradeState: 'REVOKED', subMchId: INSTITUTION.subMchId });
  });

  it('keeps the domestic and the global API apart: the domestic codepay refuses HKD (400 PARAM_ERROR, 境内商户号仅支持人民币), and neither API sees the other’s orders', async () => {
    const domestic = { ...CODEPAY_REQUEST, appid: MERCHANT.appId, mchid: MERCHANT.mchId, out_trade_no: 'DOMESTICHKD0001', amount: { total: 888, currency: 'HKD' } };
    const refused = await signedV3Request(common, keys, 'POST', '/v3/pay/transactions/codepay', domestic, MERCHANT.mchId);
    expect(refused).toMatchObject({ status: 400, verified: true, json: { code: 'PARAM_ERROR' } });
    expect((refused.json as { message: string }).message).toContain('境内商户号仅支持人民币');
    expect(common.order('DOMESTICHKD0001')).toBeUndefined();

    const domesticQuery = await signedV3Request(common, keys, 'GET', `/v3/pay/transactions/out-trade-no/${PAY_REQUEST.out_trade_no}${query({ mchid: MERCHANT.mchId })}`, null, MERCHANT.mchId);
    expect(domesticQuery).toMatchObject({ status: 404, json: { code: 'ORDER_NOT_EXIST' } });
    const cny = { ...CODEPAY_REQUEST, appid: MERCHANT.appId, mchid: MERCHANT.mchId, out_trade_no: 'DOMESTICCNY0001', payer: { auth_code: '134567890123450000' } };
    expect(await signedV3Request(common, keys, 'POST', '/v3/pay/transactions/codepay', cny, MERCHANT.mchId)).toMatchObject({ status: 200, json: { trade_state: 'SUCCESS' } });
    const globalQuery = await signedV3Request(common, keys, 'GET', `/v3/global/transactions/out-trade-no/DOMESTICCNY0001${query({ mchid: MERCHANT.mchId })}`, null, MERCHANT.mchId);
    expect(globalQuery).toMatchObject({ status: 404, json: { code: 'ORDER_NOT_EXIST' } });
  });

  it('refuses a global payment without what its table requires (trade_type, merchant_category_code, amount.currency)', async () => {
    const body = without(PAY_REQUEST, INSTITUTION_IDS);
    for (const [field, spoilt] of [
      ['trade_type', without(body, ['trade_type'])],
      ['merchant_category_code', without(body, ['merchant_category_code'])],
      ['amount.currency', { ...body, amount: { total: 888 } }],
    ] as const) {
      const reply = await signedV3Request(common, keys, 'POST', '/v3/global/micropay/transactions/pay', { ...spoilt, out_trade_no: `MISSING${field.length}X` }, MERCHANT.mchId);
      expect(reply, field).toMatchObject({ status: 400, verified: true, json: { code: 'PARAM_ERROR' } });
    }
  });
});

describe('the global reverse is for the day of payment only (a later day is a refund)', () => {
  let keys: WechatV3Keys;
  let sandbox: WechatV3Sandbox;
  // 2026-12-06 10:00 in Beijing; moved on by the test.
  let clock = new Date('2026-12-06T02:00:00.000Z');
  const MERCHANT = { appId: PAY_REQUEST.appid, mchId: PAY_REQUEST.mchid };

  beforeAll(async () => {
    keys = makeWechatV3Keys();
    sandbox = await startWechatV3Sandbox({
      dbPath: `${tempDir('wechat-v3-global-day-')}/ledger.sqlite`,
      tls: { cert: keys.tls.server.cert, key: keys.tls.server.key },
      merchant: { ...MERCHANT, serialNo: keys.merchant.serialNo, publicKeyPem: keys.merchant.publicKeyPem },
      platform: { serial: keys.platform.serial, privateKeyPem: keys.platform.privateKeyPem },
      now: () => clock,
    });
  }, 30_000);
  afterAll(() => sandbox?.close());

  it('reverses an order paid the same Beijing day, and refuses with 403 REVERSE_EXPIRE one paid the day before', async () => {
    const pay = (outTradeNo: string, authCode: string) =>
      signedV3Request(sandbox, keys, 'POST', '/v3/global/micropay/transactions/pay', { ...without(PAY_REQUEST, INSTITUTION_IDS), out_trade_no: outTradeNo, payer: { auth_code: authCode } }, MERCHANT.mchId, clock);
    const reverse = (outTradeNo: string) => signedV3Request(sandbox, keys, 'POST', `/v3/global/micropay/transactions/out-trade-no/${outTradeNo}/reverse`, { mchid: MERCHANT.mchId }, MERCHANT.mchId, clock);

    expect(await pay('SAMEDAY000001', '134567890123450000')).toMatchObject({ status: 200, verified: true });
    clock = new Date('2026-12-06T15:59:00.000Z'); // 23:59 in Beijing, the same day
    expect(await reverse('SAMEDAY000001')).toMatchObject({ status: 204, verified: true });
    expect(sandbox.order('SAMEDAY000001')).toMatchObject({ tradeState: 'REVOKED' });

    expect(await pay('NEXTDAY000001', '134567890123460000')).toMatchObject({ status: 200, verified: true });
    clock = new Date('2026-12-06T16:01:00.000Z'); // 00:01 the next day in Beijing
    expect(await reverse('NEXTDAY000001')).toMatchObject({ status: 403, verified: true, json: { code: 'REVERSE_EXPIRE' } });
    expect(sandbox.order('NEXTDAY000001')).toMatchObject({ tradeState: 'SUCCESS' });
  });
});
