import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BarcodeError,
  DEFAULT_WEIGHED_LAYOUT,
  expandUpcE,
  gtinCheckDigit,
  parseWeighedBarcode,
  validateRetailBarcode,
  WeighedLayoutSchema,
  type WeighedLayout,
} from './barcode';

const digit = fc.constantFrom(...'0123456789');
const digits = (length: number): fc.Arbitrary<string> => fc.string({ unit: digit, minLength: length, maxLength: length });
const withCheck = (body: string): string => body + String(gtinCheckDigit(body));

describe('gtinCheckDigit', () => {
  it('computes the GS1 mod-10 check digit of real codes', () => {
    expect(gtinCheckDigit('690193962160')).toBe(8);
    expect(gtinCheckDigit('400638133393')).toBe(1);
    expect(gtinCheckDigit('9638507')).toBe(4);
    expect(gtinCheckDigit('03600029145')).toBe(2);
  });
  it('rejects non-digits', () => {
    expect(() => gtinCheckDigit('12a')).toThrow(RangeError);
    expect(() => gtinCheckDigit('')).toThrow(RangeError);
  });
});

describe('validateRetailBarcode', () => {
  it.each([
    ['6901939621608', 'ean13', '6901939621608'], // Coca-Cola China
    ['6920459950180', 'ean13', '6920459950180'],
    ['4006381333931', 'ean13', '4006381333931'],
    ['96385074', 'ean8', '96385074'],
    ['036000291452', 'upca', '0036000291452'],
    ['04252614', 'upce', '0042100005264'],
  ] as const)('%s is %s with key %s', (code, symbology, key) => {
    expect(validateRetailBarcode(code)).toEqual({ ok: true, symbology, key });
  });

  it('keys a UPC-A and its EAN-13 form identically', () => {
    const upca = validateRetailBarcode('036000291452');
    const ean13 = validateRetailBarcode('0036000291452');
    expect(upca.ok && ean13.ok && upca.key === ean13.key).toBe(true);
  });

  it('reads an 8-digit code that passes both checks as UPC-E unless the scanner says EAN-8', () => {
    expect(validateRetailBarcode('01234565')).toEqual({ ok: true, symbology: 'upce', key: '0012345000065' });
    expect(validateRetailBarcode('01234565', 'ean8')).toEqual({ ok: true, symbology: 'ean8', key: '01234565' });
    expect(validateRetailBarcode('96385074', 'upce')).toEqual({ ok: false, reason: 'bad_check_digit' });
  });

  it('refuses bad check digits, non-digits and wrong lengths', () => {
    expect(validateRetailBarcode('6901939621609')).toEqual({ ok: false, reason: 'bad_check_digit' });
    expect(validateRetailBarcode('96385075')).toEqual({ ok: false, reason: 'bad_check_digit' });
    expect(validateRetailBarcode('036000291453')).toEqual({ ok: false, reason: 'bad_check_digit' });
    expect(validateRetailBarcode('69019396216O8')).toEqual({ ok: false, reason: 'not_digits' });
    expect(validateRetailBarcode(' 6901939621608')).toEqual({ ok: false, reason: 'not_digits' });
    expect(validateRetailBarcode('６９０１９３９６２１６０８')).toEqual({ ok: false, reason: 'not_digits' });
    expect(validateRetailBarcode('')).toEqual({ ok: false, reason: 'bad_length' });
    expect(validateRetailBarcode('123456789')).toEqual({ ok: false, reason: 'bad_length' });
    expect(validateRetailBarcode('69019396216080')).toEqual({ ok: false, reason: 'bad_length' });
  });

  it('validates any digits followed by their check digit (EAN-8, UPC-A, EAN-13 lengths)', () => {
    fc.assert(
      fc.property(fc.oneof(digits(7), digits(11), digits(12)), (body) => {
        expect(validateRetailBarcode(withCheck(body), body.length === 7 ? 'ean8' : undefined).ok).toBe(true);
      }),
    );
  });

  it('detects every single-digit error', () => {
    fc.assert(
      fc.property(fc.oneof(digits(7), digits(11), digits(12)), fc.nat(), fc.integer({ min: 1, max: 9 }), (body, at, delta) => {
        const code = withCheck(body);
        const i = at % code.length;
        const changed = code.slice(0, i) + String((Number(code[i]) + delta) % 10) + code.slice(i + 1);
        expect(validateRetailBarcode(changed, code.length === 8 ? 'ean8' : undefined)).toEqual({ ok: false, reason: 'bad_check_digit' });
      }),
    );
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: digit, maxLength: 16 })), (code) => {
        const result = validateRetailBarcode(code);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});

describe('expandUpcE', () => {
  it('expands by the last middle digit', () => {
    expect(expandUpcE('04252614')).toBe('042100005264'); // 0–2: manufacturer d1 d2 d6 00
    expect(expandUpcE('01234565')).toBe('012345000065'); // 5–9: item 0000 d6
    expect(expandUpcE(`0123453${gtinCheckDigit('01230000045')}`)).toBe(`01230000045${gtinCheckDigit('01230000045')}`); // 3
    expect(expandUpcE(`1123454${gtinCheckDigit('11234000005')}`)).toBe(`11234000005${gtinCheckDigit('11234000005')}`); // 4
  });
  it('throws on anything that is not a valid UPC-E', () => {
    expect(() => expandUpcE('04252615')).toThrow(/check digit/);
    expect(() => expandUpcE('24252614')).toThrow(RangeError); // number system 2
    expect(() => expandUpcE('0425261')).toThrow(RangeError);
    expect(() => expandUpcE('0425261x')).toThrow(RangeError);
  });
  it('always yields a valid UPC-A for a valid UPC-E', () => {
    fc.assert(
      fc.property(fc.constantFrom('0', '1'), digits(6), (ns, six) => {
        const upca = expandUpcE(ns + six + String(gtinCheckDigit(expandUpcEBody(ns, six))));
        expect(validateRetailBarcode(upca)).toMatchObject({ ok: true, symbology: 'upca' });
      }),
    );
  });
});

/** The UPC-A body of a UPC-E, by brute force: the 11 digits whose check digit makes expandUpcE accept it. */
function expandUpcEBody(ns: string, six: string): string {
  for (let c = 0; c < 10; c++) {
    try {
      return expandUpcE(`${ns}${six}${c}`).slice(0, 11);
    } catch {
      // wrong check digit: try the next
    }
  }
  throw new Error('unreachable');
}

describe('parseWeighedBarcode', () => {
  it('reads the default Chinese scale label: flag 2X, PLU 5, price in fen 5, check', () => {
    expect(parseWeighedBarcode(withCheck('210012301250'), DEFAULT_WEIGHED_LAYOUT)).toEqual({ plu: '00123', price: 1250 });
    expect(parseWeighedBarcode(withCheck('299999999999'), DEFAULT_WEIGHED_LAYOUT)).toEqual({ plu: '99999', price: 99999 });
  });

  it('reads a weight with a custom layout', () => {
    const layout: WeighedLayout = { prefixes: ['28'], pluStart: 2, pluLength: 5, valueStart: 7, valueLength: 5, value: 'weight', valueDecimals: 3 };
    expect(parseWeighedBarcode(withCheck('280045600532'), layout)).toEqual({ plu: '00456', weightGrams: 532 });
    // Weight in tenths of a kilogram
    expect(parseWeighedBarcode(withCheck('280045600012'), { ...layout, valueDecimals: 1 })).toEqual({ plu: '00456', weightGrams: 1200 });
  });

  it('reads a 1-digit flag, a 6-digit PLU and a price in jiao', () => {
    const layout: WeighedLayout = { prefixes: ['2'], pluStart: 1, pluLength: 6, valueStart: 7, valueLength: 5, value: 'price', valueDecimals: 1 };
    expect(parseWeighedBarcode(withCheck('212345600125'), layout)).toEqual({ plu: '123456', price: 1250 });
    expect(parseWeighedBarcode(withCheck('212345600125'), { ...layout, valueDecimals: 0 }, 0)).toEqual({ plu: '123456', price: 125 });
  });

  it('returns null for codes that are not in-store codes of the layout', () => {
    expect(parseWeighedBarcode('6901939621608', DEFAULT_WEIGHED_LAYOUT)).toBeNull();
    expect(parseWeighedBarcode('96385074', DEFAULT_WEIGHED_LAYOUT)).toBeNull();
    expect(parseWeighedBarcode('21001230125', DEFAULT_WEIGHED_LAYOUT)).toBeNull();
    expect(parseWeighedBarcode('21001230125a', DEFAULT_WEIGHED_LAYOUT)).toBeNull();
  });

  it('throws BarcodeError for an in-store code with a bad check digit', () => {
    const code = withCheck('210012301250');
    const bad = code.slice(0, 12) + String((Number(code[12]) + 1) % 10);
    expect(() => parseWeighedBarcode(bad, DEFAULT_WEIGHED_LAYOUT)).toThrow(BarcodeError);
    try {
      parseWeighedBarcode(bad, DEFAULT_WEIGHED_LAYOUT);
    } catch (error) {
      expect((error as BarcodeError).reason).toBe('bad_check_digit');
    }
  });

  it('refuses a price with more decimals than the currency has', () => {
    const layout: WeighedLayout = { ...DEFAULT_WEIGHED_LAYOUT, valueDecimals: 3 };
    expect(() => parseWeighedBarcode(withCheck('210012301250'), layout)).toThrow(BarcodeError);
  });

  it('never throws anything but BarcodeError on random input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: digit, minLength: 13, maxLength: 13 })), (code) => {
        try {
          const item = parseWeighedBarcode(code, DEFAULT_WEIGHED_LAYOUT);
          if (item) expect(item.plu).toMatch(/^\d{5}$/);
        } catch (error) {
          expect(error).toBeInstanceOf(BarcodeError);
        }
      }),
    );
  });
});

describe('WeighedLayoutSchema', () => {
  it('accepts the default layout', () => {
    expect(WeighedLayoutSchema.safeParse(DEFAULT_WEIGHED_LAYOUT).success).toBe(true);
  });
  it.each([
    ['a field past the 12 data digits', { valueStart: 8 }],
    ['a PLU over the prefix', { pluStart: 1 }],
    ['a PLU and value that overlap', { pluLength: 6 }],
    ['a non-digit prefix', { prefixes: ['2a'] }],
    ['no prefix', { prefixes: [] }],
    ['too many decimals', { valueDecimals: 4 }],
    ['a fractional position', { pluStart: 2.5 }],
    ['an unknown field', { extra: 1 }],
  ])('rejects %s', (_what, change) => {
    expect(WeighedLayoutSchema.safeParse({ ...DEFAULT_WEIGHED_LAYOUT, ...change }).success).toBe(false);
  });
  it('is applied by parseWeighedBarcode', () => {
    expect(() => parseWeighedBarcode('2100123012503', { ...DEFAULT_WEIGHED_LAYOUT, valueStart: 8 })).toThrow();
  });
});
