import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { E_RECEIPT_DAYS, E_RECEIPT_TOKEN, EReceiptBaseUrl, eReceiptLive, eReceiptUrl, tokenOfEReceiptUrl } from './e-receipt';

const TOKEN = 'AbCdEfGhIjKlMnOpQrSt_-';

describe('e-receipt URLs', () => {
  it('puts the token under /r/ of the base, and reads it back from any host the URL names', () => {
    expect(eReceiptUrl('https://receipts.example.cn', TOKEN)).toBe(`https://receipts.example.cn/r/${TOKEN}`);
    expect(eReceiptUrl('https://shop.example.cn/jz/', TOKEN)).toBe(`https://shop.example.cn/jz/r/${TOKEN}`);
    expect(tokenOfEReceiptUrl(`https://receipts.example.cn/r/${TOKEN}`)).toBe(TOKEN);
    expect(tokenOfEReceiptUrl(`https://192.168.1.20:8443/jz/r/${TOKEN}\r\n`)).toBe(TOKEN);
    expect(() => eReceiptUrl('https://x.cn', 'short')).toThrow(RangeError);
  });

  it('reads no token from anything else', () => {
    for (const text of [
      TOKEN,
      `https://x.cn/r/${TOKEN}x`,
      `https://x.cn/r/${TOKEN.slice(1)}`,
      `https://x.cn/r/${TOKEN}?a=1`,
      `https://x.cn/q/${TOKEN}`,
      `ftp://x.cn/r/${TOKEN}`,
      'JZR1:M6C8-000012:1250:20261122:9F2C4B71A0D3E855',
      'M6C8-000012',
    ]) {
      expect(tokenOfEReceiptUrl(text), text).toBeNull();
    }
  });

  it('round-trips every token through a URL', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const token = Buffer.from(bytes).toString('base64url');
        expect(token).toMatch(E_RECEIPT_TOKEN);
        expect(tokenOfEReceiptUrl(eReceiptUrl('https://r.example.cn:8443/p', token))).toBe(token);
      }),
    );
  });
});

describe('the public base URL', () => {
  it('takes https with an optional port and path, without the trailing slash', () => {
    expect(EReceiptBaseUrl.parse('https://receipts.example.cn/')).toBe('https://receipts.example.cn');
    expect(EReceiptBaseUrl.parse(' https://Shop.Example.cn:8443/jz/ ')).toBe('https://shop.example.cn:8443/jz');
  });

  it('refuses http, queries, fragments, credentials and non-URLs', () => {
    for (const text of ['http://receipts.example.cn', 'https://x.cn/?a=1', 'https://x.cn/#r', 'https://u:p@x.cn', 'receipts.example.cn', '']) {
      expect(EReceiptBaseUrl.safeParse(text).success, text).toBe(false);
    }
  });
});

describe('expiry', () => {
  it(`shows a receipt for ${E_RECEIPT_DAYS} days after its sale, then never`, () => {
    const closed = new Date('2026-06-01T10:00:00.000Z');
    const day = 24 * 3600_000;
    expect(eReceiptLive(closed, new Date(closed.getTime() + 1000))).toBe(true);
    expect(eReceiptLive(closed, new Date(closed.getTime() + E_RECEIPT_DAYS * day))).toBe(true);
    expect(eReceiptLive(closed, new Date(closed.getTime() + E_RECEIPT_DAYS * day + 1))).toBe(false);
    expect(eReceiptLive(new Date('not a date'), closed)).toBe(false);
  });
});
