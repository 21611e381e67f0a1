import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { md5BodySign, shouqianbaAuthorization, verifyMd5BodySign, verifyWechatV2Sign, wechatV2Sign, wechatV2SignString } from './signing';

// Published WeChat Pay v2 example (payments.md §2.9).
const WX_PARAMS = { appid: 'wxd930ea5d5a258f4f', mch_id: '10000100', device_info: '1000', body: 'test', nonce_str: 'ibuaiVcKdpRxkhJA' };
const WX_KEY = '192006250b4c09247ec02edce69f6a2d';
const WX_STRING_A = 'appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA';
const WX_MD5 = '9A0A8659F005D6984697E2CA0A9CF3B7';
const WX_HMAC = '6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6';

// Shouqianba illustrative vector (payments.md §4.1; confirmed with md5sum).
const SQB_BODY = '{"terminal_sn":"10298371039","device_id":"POS-001"}';
const SQB_KEY = '68d499beda5f72116592f5c527465656';
const SQB_SIGN = '6d740848eab92bbcef893ed75141b38c';

describe('md5BodySign (Shouqianba)', () => {
  it('matches the §4.1 vector', () => {
    expect(md5BodySign(SQB_BODY, SQB_KEY)).toBe(SQB_SIGN);
    expect(shouqianbaAuthorization('10298371039', SQB_BODY, SQB_KEY)).toBe(`10298371039 ${SQB_SIGN}`);
  });

  it('signs Chinese characters as UTF-8 bytes', () => {
    const body = '{"subject":"测试商品","terminal_sn":"10298371039"}';
    const sign = md5BodySign(body, SQB_KEY);
    expect(sign).toBe('04028ec3322b4105aea21a57d11d10d5'); // md5sum of the UTF-8 file
    expect(sign).toBe(createHash('md5').update(new TextEncoder().encode(body + SQB_KEY)).digest('hex'));
    expect(sign).not.toBe(createHash('md5').update(Buffer.from(body + SQB_KEY, 'latin1')).digest('hex'));
  });

  it('verifies its own signature in either case', () => {
    expect(verifyMd5BodySign(SQB_BODY, SQB_KEY, SQB_SIGN)).toBe(true);
    expect(verifyMd5BodySign(SQB_BODY, SQB_KEY, SQB_SIGN.toUpperCase())).toBe(true);
  });

  it('rejects a tampered body, a wrong key and malformed signatures without throwing', () => {
    expect(verifyMd5BodySign(SQB_BODY.replace('POS-001', 'POS-002'), SQB_KEY, SQB_SIGN)).toBe(false);
    expect(verifyMd5BodySign(SQB_BODY, SQB_KEY.replace('6', '7'), SQB_SIGN)).toBe(false);
    for (const bad of ['', SQB_SIGN.slice(0, -1), `${SQB_SIGN}0`, `${SQB_SIGN}${SQB_SIGN}`, 'ı'.repeat(32), 'é'.repeat(16)]) {
      expect(verifyMd5BodySign(SQB_BODY, SQB_KEY, bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('verify accepts exactly the signature of the body (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ minLength: 1 }), fc.string({ unit: 'binary' }), (body, key, junk) => {
        const sign = md5BodySign(body, key);
        return /^[0-9a-f]{32}$/.test(sign) && verifyMd5BodySign(body, key, sign) && verifyMd5BodySign(body, key, junk) === (junk.toLowerCase() === sign);
      }),
    );
  });
});

describe('wechatV2Sign', () => {
  it('builds the §2.9 stringA and stringSignTemp', () => {
    expect(wechatV2SignString(WX_PARAMS, WX_KEY)).toBe(`${WX_STRING_A}&key=${WX_KEY}`);
  });

  it('matches the published MD5 and HMAC-SHA256 signatures', () => {
    expect(wechatV2Sign(WX_PARAMS, WX_KEY, 'MD5')).toBe(WX_MD5);
    expect(wechatV2Sign(WX_PARAMS, WX_KEY, 'HMAC-SHA256')).toBe(WX_HMAC);
  });

  it('HMAC message includes &key=… (HMAC over stringA alone is the wrong value)', () => {
    const overStringA = createHmac('sha256', WX_KEY).update(WX_STRING_A).digest('hex').toUpperCase();
    expect(overStringA).toBe('F734F0E6B3509F9701F4A27CA72985EE10313DD0F96B71CAB42985D0F4F56376');
    expect(wechatV2Sign(WX_PARAMS, WX_KEY, 'HMAC-SHA256')).not.toBe(overStringA);
  });

  it('skips empty, null and undefined values and sign; stringifies numbers; keeps key case', () => {
    const params = { ...WX_PARAMS, mch_id: 10000100, sign: 'WHATEVER', attach: '', detail: null, openid: undefined };
    expect(wechatV2SignString(params, WX_KEY)).toBe(`${WX_STRING_A}&key=${WX_KEY}`);
    expect(wechatV2Sign(params, WX_KEY, 'MD5')).toBe(WX_MD5);
    expect(wechatV2SignString({ b: '1', B: '2', a: '0', a_b: 3 }, 'k')).toBe('B=2&a=0&a_b=3&b=1&key=k');
  });

  it('does not URL-encode or trim values', () => {
    expect(wechatV2SignString({ body: '测试 商品&x=1', total_fee: 1 }, 'k')).toBe('body=测试 商品&x=1&total_fee=1&key=k');
  });
});

describe('verifyWechatV2Sign', () => {
  it('accepts the published signatures, in either case, with unknown extra fields', () => {
    expect(verifyWechatV2Sign({ ...WX_PARAMS, sign: WX_MD5 }, WX_KEY)).toBe(true);
    expect(verifyWechatV2Sign({ ...WX_PARAMS, sign: WX_MD5.toLowerCase() }, WX_KEY, 'MD5')).toBe(true);
    expect(verifyWechatV2Sign({ ...WX_PARAMS, sign: WX_HMAC }, WX_KEY, 'HMAC-SHA256')).toBe(true);
    const extra = { ...WX_PARAMS, new_field_2030: 'x', result_code: 'SUCCESS' };
    expect(verifyWechatV2Sign({ ...extra, sign: wechatV2Sign(extra, WX_KEY, 'MD5') }, WX_KEY)).toBe(true);
  });

  it('takes the type from sign_type when none is given', () => {
    const params = { ...WX_PARAMS, sign_type: 'HMAC-SHA256' };
    expect(verifyWechatV2Sign({ ...params, sign: wechatV2Sign(params, WX_KEY, 'HMAC-SHA256') }, WX_KEY)).toBe(true);
    expect(verifyWechatV2Sign({ ...params, sign: wechatV2Sign(params, WX_KEY, 'MD5') }, WX_KEY)).toBe(false);
  });

  it('rejects tampering, a wrong key, the wrong type and malformed or missing signatures without throwing', () => {
    expect(verifyWechatV2Sign({ ...WX_PARAMS, body: 'test2', sign: WX_MD5 }, WX_KEY)).toBe(false);
    expect(verifyWechatV2Sign({ ...WX_PARAMS, extra: 'x', sign: WX_MD5 }, WX_KEY)).toBe(false);
    expect(verifyWechatV2Sign({ ...WX_PARAMS, sign: WX_MD5 }, WX_KEY.toUpperCase())).toBe(false);
    expect(verifyWechatV2Sign({ ...WX_PARAMS, sign: WX_MD5 }, WX_KEY, 'HMAC-SHA256')).toBe(false);
    expect(verifyWechatV2Sign({ ...WX_PARAMS, sign: WX_HMAC }, WX_KEY, 'MD5')).toBe(false);
    for (const sign of [undefined, null, '', 12345, WX_MD5.slice(0, -1), `${WX_MD5}0`, '测'.repeat(32)]) {
      expect(verifyWechatV2Sign({ ...WX_PARAMS, sign }, WX_KEY), String(sign)).toBe(false);
    }
    expect(verifyWechatV2Sign(WX_PARAMS, WX_KEY)).toBe(false);
  });
});
