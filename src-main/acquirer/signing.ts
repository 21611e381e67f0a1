/**
 * Request signing shared by the acquirer adapters (payments.md §2.9 WeChat Pay API v2, §4.1 Shouqianba).
 * Strings are hashed as UTF-8. Verification compares in constant time and never throws.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type WechatSignType = 'MD5' | 'HMAC-SHA256';
export type WechatParams = Record<string, string | number | undefined | null>;

/** Case-insensitive, constant-time (for equal lengths) comparison of a received hex signature. */
function sameHex(expected: string, received: unknown): boolean {
  if (typeof received !== 'string') return false;
  const a = Buffer.from(expected.toLowerCase(), 'utf8');
  const b = Buffer.from(received.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Shouqianba-style: lowercase hex MD5 of (exact UTF-8 body bytes + key). */
export function md5BodySign(body: string, key: string): string {
  return createHash('md5').update(body + key, 'utf8').digest('hex');
}

/** `Authorization: <sn> <sign>` header value. */
export function shouqianbaAuthorization(sn: string, body: string, key: string): string {
  return `${sn} ${md5BodySign(body, key)}`;
}

/** Verify a received signature in constant time (case-insensitive hex). */
export function verifyMd5BodySign(body: string, key: string, sign: string): boolean {
  return sameHex(md5BodySign(body, key), sign);
}

/**
 * WeChat Pay API v2 stringSignTemp: params with non-empty values except `sign`, sorted by key (ASCII), joined
 * as `k=v&…` with raw values (no URL-encoding, no trimming), then `&key=KEY`. Exported for tests and diagnostics:
 * it contains the key, so never log it.
 */
export function wechatV2SignString(params: WechatParams, key: string): string {
  const stringA = Object.entries(params)
    .filter(([k, v]) => k !== 'sign' && v !== undefined && v !== null && String(v) !== '')
    .map(([k, v]) => [k, String(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return `${stringA}&key=${key}`;
}

/** WeChat Pay API v2 `sign`: MD5 or HMAC-SHA256 (keyed with the API key) of stringSignTemp, upper-case hex. */
export function wechatV2Sign(params: WechatParams, key: string, type: WechatSignType): string {
  const message = wechatV2SignString(params, key);
  const hash = type === 'MD5' ? createHash('md5') : createHmac('sha256', key);
  return hash.update(message, 'utf8').digest('hex').toUpperCase();
}

/**
 * Checks `params.sign` of a WeChat v2 response or notification over all other fields (unknown extra fields
 * included, as WeChat signs them). `type` defaults to `params.sign_type` when that is 'HMAC-SHA256', else MD5.
 */
export function verifyWechatV2Sign(params: WechatParams, key: string, type?: WechatSignType): boolean {
  const signType = type ?? (params.sign_type === 'HMAC-SHA256' ? 'HMAC-SHA256' : 'MD5');
  return sameHex(wechatV2Sign(params, key, signType), params.sign);
}
