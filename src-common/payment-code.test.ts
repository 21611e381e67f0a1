import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { gtinCheckDigit } from './barcode';
import { acquirerRefusalOf, classifyPaymentCode, looksLikeProductBarcode, MAX_CODE_LENGTH, MAX_DYNAMIC_ID_BYTES, PAYMENT_CODE_RULES, WALLETS, type Wallet } from './payment-code';
import { WalletKind } from './schemas';

const digit = fc.constantFrom(...'0123456789');
const digits = (length: number): fc.Arbitrary<string> => fc.string({ unit: digit, minLength: length, maxLength: length });
/** `prefix` followed by zeros up to `length` characters. */
const pad = (prefix: string, length: number): string => prefix.padEnd(length, '0');

describe('WALLETS', () => {
  it('equals the WalletKind enum of schemas.ts', () => {
    expect([...WALLETS]).toEqual(WalletKind.options);
    expectTypeOf<Wallet>().toEqualTypeOf<z.infer<typeof WalletKind>>();
  });
  it('every wallet has a rule', () => {
    expect(new Set(PAYMENT_CODE_RULES.map((r) => r.wallet))).toEqual(new Set(WALLETS));
  });
  it('rules are exactly those of payments.md §1.1', () => {
    expect(PAYMENT_CODE_RULES.map((r) => [r.wallet, r.kind, r.pattern.source])).toEqual([
      ['wechat', 'barcode', '^1[0-5]\\d{16}$'],
      ['alipay', 'barcode', '^(2[5-9]|30)\\d{14,22}$'],
      ['alipay', 'face', '^fp[A-Za-z0-9]{33}$'],
      ['unionpay', 'barcode', '^62\\d{17}$'],
      ['ecny', 'barcode', '^01\\d{17}$'],
      ['jdpay', 'barcode', '^18\\d{16}$'],
      ['bestpay', 'barcode', '^51\\d{16}$'],
    ]);
  });
});

describe('classifyPaymentCode', () => {
  it('classifies the self-check codes of payments.md §1.2', () => {
    const cases: [string, Wallet][] = [
      ['134919586213926735', 'wechat'],
      ['28763443825664394', 'alipay'],
      ['6221234567890123456', 'unionpay'],
      ['0112345678901234567', 'ecny'],
      ['181234567890123456', 'jdpay'],
      ['511234567890123456', 'bestpay'],
    ];
    for (const [code, wallet] of cases) expect(classifyPaymentCode(code), code).toEqual({ ok: true, wallet, kind: 'barcode' });
  });

  it('accepts every documented prefix at its length and rejects the neighbours', () => {
    const accepted: [string, number, Wallet][] = [
      ...['10', '11', '12', '13', '14', '15'].map((p): [string, number, Wallet] => [p, 18, 'wechat']),
      ...['25', '26', '27', '28', '29', '30'].map((p): [string, number, Wallet] => [p, 18, 'alipay']),
      ['62', 19, 'unionpay'],
      ['6220105', 19, 'unionpay'], // CCB 龙支付
      ['01', 19, 'ecny'],
      ['18', 18, 'jdpay'],
      ['51', 18, 'bestpay'],
    ];
    for (const [prefix, length, wallet] of accepted) {
      expect(classifyPaymentCode(pad(prefix, length)), prefix).toEqual({ ok: true, wallet, kind: 'barcode' });
    }
    const rejected: [string, number][] = [
      ['16', 18], ['17', 18], ['19', 18], // WeChat is not widened to 16–19
      ['24', 18], ['31', 18],
      ['61', 19], ['63', 19],
      ['00', 19], ['02', 19],
      ['50', 18], ['52', 18],
    ];
    for (const [prefix, length] of rejected) {
      expect(classifyPaymentCode(pad(prefix, length)), prefix).toEqual({ ok: false, reason: 'not_a_payment_code' });
    }
  });

  it('rejects each fixed-length wallet one digit short or long', () => {
    for (const [prefix, length] of [['13', 18], ['62', 19], ['01', 19], ['18', 18], ['51', 18]] as const) {
      for (const n of [length - 1, length + 1]) {
        expect(classifyPaymentCode(pad(prefix, n)), `${prefix}/${n}`).toEqual({ ok: false, reason: 'not_a_payment_code' });
      }
    }
  });

  it('accepts Alipay codes of 16 to 24 digits only', () => {
    for (const prefix of ['25', '30']) {
      for (const n of [16, 20, 24]) expect(classifyPaymentCode(pad(prefix, n))).toEqual({ ok: true, wallet: 'alipay', kind: 'barcode' });
      for (const n of [15, 25]) expect(classifyPaymentCode(pad(prefix, n))).toEqual({ ok: false, reason: 'not_a_payment_code' });
    }
  });

  it('accepts an Alipay face-pay token of fp + 33 letters and digits', () => {
    const token = 'fp' + 'Ab3'.repeat(11);
    expect(token).toHaveLength(35);
    expect(classifyPaymentCode(token)).toEqual({ ok: true, wallet: 'alipay', kind: 'face' });
    expect(classifyPaymentCode(token.slice(0, -1))).toEqual({ ok: false, reason: 'not_a_payment_code' });
    expect(classifyPaymentCode(`${token}x`)).toEqual({ ok: false, reason: 'not_a_payment_code' });
    expect(classifyPaymentCode(`FP${token.slice(2)}`)).toEqual({ ok: false, reason: 'not_a_payment_code' });
    expect(classifyPaymentCode(`${token.slice(0, -1)}_`)).toEqual({ ok: false, reason: 'bad_characters' });
  });

  it('a face token is recognised (routed and masked as a payment code) but longer than the acquirer’s 32-byte dynamic_id', () => {
    const token = 'fp' + 'Ab3'.repeat(11);
    expect(acquirerRefusalOf(token)).toBe('too_long_for_acquirer');
    expect(acquirerRefusalOf(`${token}\r\n`)).toBe('too_long_for_acquirer');
    for (const code of ['134919586213926735', '2' + '8'.repeat(23), '6212345678901234567', '0112345678901234567']) {
      expect(classifyPaymentCode(code).ok, code).toBe(true);
      expect(acquirerRefusalOf(code), code).toBeNull();
    }
    expect(acquirerRefusalOf('1'.repeat(MAX_DYNAMIC_ID_BYTES))).toBeNull();
    expect(acquirerRefusalOf('1'.repeat(MAX_DYNAMIC_ID_BYTES + 1))).toBe('too_long_for_acquirer');
  });

  it('trims surrounding whitespace and scanner suffixes but nothing else', () => {
    const ok = { ok: true, wallet: 'wechat', kind: 'barcode' };
    for (const raw of ['134919586213926735\r', '134919586213926735\n', '134919586213926735\r\n', '134919586213926735\t', '  134919586213926735  ', '\t134919586213926735\r\n']) {
      expect(classifyPaymentCode(raw), JSON.stringify(raw)).toEqual(ok);
    }
    for (const raw of ['1349 1958 6213 9267 35', '134919586213926735\u0000', '1349-19586213926735', ']Q1134919586213926735', '１３４９１９５８６２１３９２６７３５']) {
      expect(classifyPaymentCode(raw), JSON.stringify(raw)).toEqual({ ok: false, reason: 'bad_characters' });
    }
  });

  it('reports empty, too long and unknown input', () => {
    expect(classifyPaymentCode('')).toEqual({ ok: false, reason: 'empty' });
    expect(classifyPaymentCode(' \r\n\t')).toEqual({ ok: false, reason: 'empty' });
    expect(classifyPaymentCode('1'.repeat(MAX_CODE_LENGTH + 1))).toEqual({ ok: false, reason: 'too_long' });
    expect(classifyPaymentCode(`${'x'.repeat(MAX_CODE_LENGTH + 1)} !`)).toEqual({ ok: false, reason: 'too_long' });
    expect(classifyPaymentCode(` ${'1'.repeat(MAX_CODE_LENGTH)}\r\n`)).toEqual({ ok: false, reason: 'not_a_payment_code' });
    expect(classifyPaymentCode('hello')).toEqual({ ok: false, reason: 'not_a_payment_code' });
  });

  it('never throws and always returns a well-formed result', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 100 }), fc.string({ unit: fc.constantFrom(...'0123456789fp \r\n\t-'), maxLength: 70 })), (raw) => {
        const c = classifyPaymentCode(raw);
        return c.ok ? WALLETS.includes(c.wallet) : ['empty', 'not_a_payment_code', 'too_long', 'bad_characters'].includes(c.reason);
      }),
    );
  });

  it('a code generated for one wallet rule matches no other rule and classifies as that wallet', () => {
    for (const rule of PAYMENT_CODE_RULES) {
      fc.assert(
        fc.property(fc.stringMatching(rule.pattern), fc.constantFrom('', '\r', '\n', '\r\n', '\t'), (code, suffix) => {
          expect(PAYMENT_CODE_RULES.filter((r) => r.pattern.test(code))).toEqual([rule]);
          expect(classifyPaymentCode(code + suffix)).toEqual({ ok: true, wallet: rule.wallet, kind: rule.kind });
        }),
      );
    }
  });
});

describe('looksLikeProductBarcode', () => {
  it('recognises the EAN-13 6901939621608', () => {
    expect(classifyPaymentCode('6901939621608')).toEqual({ ok: false, reason: 'not_a_payment_code' });
    expect(looksLikeProductBarcode('6901939621608')).toBe(true);
    expect(looksLikeProductBarcode('6901939621608\r\n')).toBe(true);
  });

  it('an EAN-13 (including scale labels 20–29) is never a payment code', () => {
    fc.assert(
      fc.property(digits(12), (body) => {
        const ean = body + String(gtinCheckDigit(body));
        expect(classifyPaymentCode(ean).ok).toBe(false);
        expect(looksLikeProductBarcode(ean)).toBe(true);
      }),
    );
    const scaleLabel = '200012301234'; // flag 20, PLU 00123, ¥12.34
    expect(looksLikeProductBarcode(scaleLabel + String(gtinCheckDigit(scaleLabel)))).toBe(true);
  });

  it('recognises UPC-A and EAN-8 too', () => {
    expect(looksLikeProductBarcode('036000291452')).toBe(true);
    expect(looksLikeProductBarcode('96385074')).toBe(true);
  });

  it('is false for payment codes, bad check digits and other text', () => {
    for (const code of ['134919586213926735', '28763443825664394', '6221234567890123456', '6901939621609', 'hello', '', '12345']) {
      expect(looksLikeProductBarcode(code), code).toBe(false);
    }
    fc.assert(
      fc.property(fc.constantFrom(...PAYMENT_CODE_RULES).chain((r) => fc.stringMatching(r.pattern)), (code) => {
        expect(looksLikeProductBarcode(code)).toBe(false);
      }),
    );
  });
});
