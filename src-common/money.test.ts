import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CURRENCY_EXPONENTS,
  MoneyError,
  allocate,
  assertMinor,
  currencyExponent,
  divideRounded,
  extendPrice,
  formatMoney,
  inclusiveTax,
  multiplyDivide,
  parseMoney,
  percentOf,
  roundToIncrement,
} from './money';
import type { RoundingMode } from './money';

const MODES: readonly RoundingMode[] = ['half-up', 'half-even', 'down', 'up'];
const MAX = Number.MAX_SAFE_INTEGER;

/**
 * Reference rounding written differently from the implementation: from the floor and the
 * non-negative fraction, rather than from truncation and a signed remainder.
 */
function referenceDivide(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  const n = denominator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const floor = n >= 0n ? n / d : -((-n + d - 1n) / d);
  const frac = n - floor * d; // 0 <= frac < d
  if (frac === 0n) return floor;
  const ceil = floor + 1n;
  switch (mode) {
    case 'down':
      return n >= 0n ? floor : ceil;
    case 'up':
      return n >= 0n ? ceil : floor;
    case 'half-up':
      if (2n * frac === d) return n >= 0n ? ceil : floor;
      return 2n * frac > d ? ceil : floor;
    case 'half-even':
      if (2n * frac === d) return floor % 2n === 0n ? floor : ceil;
      return 2n * frac > d ? ceil : floor;
  }
}

describe('currencies', () => {
  it('knows the ISO 4217 exponents', () => {
    expect(CURRENCY_EXPONENTS).toMatchObject({ CNY: 2, HKD: 2, MOP: 2, TWD: 2, USD: 2, EUR: 2, JPY: 0, KRW: 0 });
    expect(currencyExponent('CNY')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
  });
  it('refuses unknown codes, including inherited object keys', () => {
    for (const code of ['XXX', 'cny', '', 'toString', '__proto__']) {
      expect(() => currencyExponent(code)).toThrow(MoneyError);
    }
  });
  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(CURRENCY_EXPONENTS)).toBe(true);
  });
});

describe('assertMinor', () => {
  it('accepts safe integers', () => {
    for (const v of [0, -0, 1, -5, MAX, -MAX]) expect(() => assertMinor(v)).not.toThrow();
  });
  it('refuses fractions, non-finite and unsafe values, naming what was checked', () => {
    for (const v of [0.1, 12.5, Number.NaN, Infinity, -Infinity, MAX + 1, 2 ** 60]) {
      expect(() => assertMinor(v)).toThrow(MoneyError);
    }
    expect(() => assertMinor(1.5, 'unit price')).toThrow(/unit price/);
  });
});

describe('divideRounded', () => {
  // [numerator, denominator, half-up, half-even, down, up]
  const table: [number, number, number, number, number, number][] = [
    [7, 2, 4, 4, 3, 4],
    [5, 2, 3, 2, 2, 3],
    [-5, 2, -3, -2, -2, -3],
    [-7, 2, -4, -4, -3, -4],
    [7, -2, -4, -4, -3, -4],
    [-7, -2, 4, 4, 3, 4],
    [1, 3, 0, 0, 0, 1],
    [2, 3, 1, 1, 0, 1],
    [-2, 3, -1, -1, 0, -1],
    [6, 3, 2, 2, 2, 2],
    [0, 5, 0, 0, 0, 0],
    [15, 10, 2, 2, 1, 2],
    [25, 10, 3, 2, 2, 3],
  ];
  it.each(table)('%i / %i', (n, d, halfUp, halfEven, down, up) => {
    expect(divideRounded(n, d, 'half-up')).toBe(halfUp);
    expect(divideRounded(n, d, 'half-even')).toBe(halfEven);
    expect(divideRounded(n, d, 'down')).toBe(down);
    expect(divideRounded(n, d, 'up')).toBe(up);
  });
  it('is exact at the edge of the safe range', () => {
    expect(divideRounded(MAX, 1, 'half-up')).toBe(MAX);
    expect(divideRounded(MAX, 2, 'half-up')).toBe(4503599627370496);
    expect(divideRounded(MAX, 2, 'down')).toBe(4503599627370495);
    expect(divideRounded(-MAX, 2, 'half-even')).toBe(-4503599627370496);
  });
  it('refuses division by zero, non-integers and unknown modes', () => {
    expect(() => divideRounded(1, 0, 'half-up')).toThrow(MoneyError);
    expect(() => divideRounded(1.5, 1, 'half-up')).toThrow(MoneyError);
    expect(() => divideRounded(1, 0.5, 'half-up')).toThrow(MoneyError);
    expect(() => divideRounded(1, 2, 'nearest' as RoundingMode)).toThrow(MoneyError);
  });
  it('matches a BigInt reference for any safe integers (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.maxSafeInteger(), fc.integer({ min: -MAX, max: MAX })),
        fc.oneof(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -MAX, max: MAX })).filter((d) => d !== 0),
        fc.constantFrom(...MODES),
        (n, d, mode) => {
          expect(divideRounded(n, d, mode)).toBe(Number(referenceDivide(BigInt(n), BigInt(d), mode)));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('multiplyDivide', () => {
  it('keeps products beyond 2^53 exact', () => {
    // 9_007_199_254_740_991 × 1000 does not fit a double; the quotient does.
    expect(multiplyDivide(MAX, 1000, 1000, 'down')).toBe(MAX);
    expect(multiplyDivide(123456789012345, 999, 1000, 'half-up')).toBe(123333332223333); // 123333332223332.655
  });
  it('refuses a result outside the safe range', () => {
    expect(() => multiplyDivide(MAX, 2, 1, 'down')).toThrow(/too large/);
  });
});

describe('roundToIncrement', () => {
  it('rounds cash to 0.1 yuan', () => {
    expect(roundToIncrement(1234, 10, 'half-up')).toBe(1230);
    expect(roundToIncrement(1235, 10, 'half-up')).toBe(1240);
    expect(roundToIncrement(1239, 10, 'down')).toBe(1230);
    expect(roundToIncrement(1231, 10, 'up')).toBe(1240);
    expect(roundToIncrement(1225, 10, 'half-even')).toBe(1220);
    expect(roundToIncrement(1235, 10, 'half-even')).toBe(1240);
    expect(roundToIncrement(1230, 10, 'up')).toBe(1230);
  });
  it('rounds negatives symmetrically and supports other increments', () => {
    expect(roundToIncrement(-1235, 10, 'half-up')).toBe(-1240);
    expect(roundToIncrement(-1239, 10, 'down')).toBe(-1230);
    expect(roundToIncrement(1274, 50, 'half-up')).toBe(1250);
    expect(roundToIncrement(1275, 50, 'half-up')).toBe(1300);
    expect(roundToIncrement(1234, 1, 'up')).toBe(1234);
  });
  it('refuses a non-positive or fractional increment', () => {
    for (const inc of [0, -10, 2.5, Number.NaN]) expect(() => roundToIncrement(100, inc, 'half-up')).toThrow(MoneyError);
  });
  it('is stable, lands on a multiple and moves less than one increment (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.oneof(fc.constantFrom(1, 5, 10, 50, 100), fc.integer({ min: 1, max: 1e6 })),
        fc.constantFrom(...MODES),
        (amount, increment, mode) => {
          const once = roundToIncrement(amount, increment, mode);
          expect(roundToIncrement(once, increment, mode)).toBe(once);
          expect(Math.abs(once % increment)).toBe(0);
          expect(Math.abs(once - amount)).toBeLessThan(increment);
          if (mode === 'half-up' || mode === 'half-even') expect(2 * Math.abs(once - amount)).toBeLessThanOrEqual(increment);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('parseMoney', () => {
  it.each([
    ['12', 1200],
    ['12.5', 1250],
    ['12.50', 1250],
    ['¥12.50', 1250],
    ['¥ 12.50', 1250],
    [' 1,234.5 ', 123450],
    ['1,234,567.89', 123456789],
    ['CNY 12.50', 1250],
    ['.5', 50],
    ['0', 0],
    ['0.01', 1],
    ['007', 700],
    ['￥１２．５０', 1250], // full-width, as a Chinese IME types it
    ['90071992547409.91', MAX],
  ])('CNY %j -> %i', (text, fen) => {
    expect(parseMoney(text, 'CNY')).toBe(fen);
  });
  it('reads currencies without decimals and other symbols', () => {
    expect(parseMoney('1,250', 'JPY')).toBe(1250);
    expect(parseMoney('¥1250', 'JPY')).toBe(1250);
    expect(parseMoney('₩50,000', 'KRW')).toBe(50000);
    expect(parseMoney('HK$12.30', 'HKD')).toBe(1230);
    expect(parseMoney('MOP 12.30', 'MOP')).toBe(1230);
    expect(parseMoney('$0.99', 'USD')).toBe(99);
  });
  it.each([
    '',
    '   ',
    '¥',
    '12.505',
    '12.',
    '1.2.3',
    '-1',
    '+1',
    '-¥3.00',
    'abc',
    '12a',
    '1e3',
    '0x10',
    'Infinity',
    'NaN',
    '1,23',
    '1,2345',
    ',123',
    '12 34',
    '$12',
    'HK$12',
    '12¥',
    '90071992547409.92',
    '99999999999999999999',
  ])('refuses CNY %j', (text) => {
    expect(() => parseMoney(text, 'CNY')).toThrow(MoneyError);
  });
  it('refuses decimals in a currency without a minor unit, and unknown currencies', () => {
    expect(() => parseMoney('12.5', 'JPY')).toThrow(/no minor unit/);
    expect(() => parseMoney('12.0', 'JPY')).toThrow(MoneyError);
    expect(() => parseMoney('12', 'XYZ')).toThrow(MoneyError);
  });
});

describe('formatMoney', () => {
  it.each([
    [1250, 'CNY', '¥12.50'],
    [-300, 'CNY', '-¥3.00'],
    [0, 'CNY', '¥0.00'],
    [5, 'CNY', '¥0.05'],
    [-5, 'CNY', '-¥0.05'],
    [100000, 'CNY', '¥1,000.00'],
    [123456789, 'CNY', '¥1,234,567.89'],
    [1250, 'JPY', '¥1,250'],
    [999, 'JPY', '¥999'],
    [5000000, 'KRW', '₩5,000,000'],
    [1230, 'HKD', 'HK$12.30'],
    [99, 'USD', '$0.99'],
    [1000050, 'EUR', '€10,000.50'],
    [1230, 'MOP', 'MOP 12.30'],
    [-1230, 'TWD', '-TWD 12.30'],
    [MAX, 'CNY', '¥90,071,992,547,409.91'],
  ])('%i %s -> %s', (amount, currency, text) => {
    expect(formatMoney(amount, currency)).toBe(text);
  });
  it('can leave the symbol out', () => {
    expect(formatMoney(1250, 'CNY', { symbol: false })).toBe('12.50');
    expect(formatMoney(-123456, 'CNY', { symbol: false })).toBe('-1,234.56');
    expect(formatMoney(1250, 'JPY', { symbol: false })).toBe('1,250');
    expect(formatMoney(1250, 'CNY', { symbol: true })).toBe('¥12.50');
  });
  it('refuses non-integers and unknown currencies', () => {
    expect(() => formatMoney(12.5, 'CNY')).toThrow(MoneyError);
    expect(() => formatMoney(100, 'XYZ')).toThrow(MoneyError);
  });
  it('round-trips through parseMoney, with and without the symbol (property)', () => {
    const currencies = Object.keys(CURRENCY_EXPONENTS);
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 100000 }), fc.integer({ min: 0, max: MAX })),
        fc.constantFrom(...currencies),
        (amount, currency) => {
          expect(parseMoney(formatMoney(amount, currency, { symbol: false }), currency)).toBe(amount);
          expect(parseMoney(formatMoney(amount, currency), currency)).toBe(amount);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('extendPrice', () => {
  it('prices counted and weighed goods', () => {
    expect(extendPrice(350, 3000)).toBe(1050); // 3 × ¥3.50
    expect(extendPrice(2980, 532)).toBe(1585); // 0.532 kg × ¥29.80 = 1585.36 fen
    expect(extendPrice(1999, 1000)).toBe(1999);
    expect(extendPrice(0, 5000)).toBe(0);
  });
  it('rounds half up', () => {
    expect(extendPrice(1, 500)).toBe(1); // 0.5
    expect(extendPrice(1, 499)).toBe(0);
    expect(extendPrice(3, 500)).toBe(2); // 1.5
    expect(extendPrice(2990, 255)).toBe(762); // 762.45
    expect(extendPrice(2990, 1255)).toBe(3752); // 3752.45
    expect(extendPrice(1000, 1)).toBe(1);
    expect(extendPrice(1, 1500)).toBe(2);
  });
  it('stays exact when unitPrice × quantity passes 2^53', () => {
    expect(extendPrice(9_000_000_000_000, 1001)).toBe(9_009_000_000_000);
  });
});

describe('inclusiveTax', () => {
  it('finds the tax contained in a tax-inclusive price', () => {
    expect(inclusiveTax(1050, 1300)).toBe(121); // 120.796
    expect(inclusiveTax(11300, 1300)).toBe(1300);
    expect(inclusiveTax(10900, 900)).toBe(900);
    expect(inclusiveTax(1000, 900)).toBe(83); // 82.57
    expect(inclusiveTax(1000, 600)).toBe(57); // 56.60
    expect(inclusiveTax(100, 1300)).toBe(12); // 11.504
    expect(inclusiveTax(1000, 0)).toBe(0);
    expect(inclusiveTax(0, 1300)).toBe(0);
    expect(inclusiveTax(1, 10000)).toBe(1); // 0.5 rounds up
  });
  it('refuses a rate outside 0..10000 basis points', () => {
    for (const rate of [-1, 10001, 13.5]) expect(() => inclusiveTax(100, rate)).toThrow(MoneyError);
  });
  it('is between 0 and the amount (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e13 }), fc.integer({ min: 0, max: 10000 }), (amount, rate) => {
        const tax = inclusiveTax(amount, rate);
        expect(tax).toBeGreaterThanOrEqual(0);
        expect(tax).toBeLessThanOrEqual(amount);
        // within half a fen of the exact value (in BigInt: amount × rate passes 2^53 here)
        const error = 2n * (BigInt(tax) * BigInt(10000 + rate) - BigInt(amount) * BigInt(rate));
        expect(error < 0n ? -error : error).toBeLessThanOrEqual(BigInt(10000 + rate));
      }),
    );
  });
});

describe('percentOf', () => {
  it('takes basis points, rounding half up', () => {
    expect(percentOf(1234, 1000)).toBe(123); // 123.4
    expect(percentOf(1235, 5000)).toBe(618); // 617.5
    expect(percentOf(5, 1000)).toBe(1); // 0.5
    expect(percentOf(4, 1000)).toBe(0);
    expect(percentOf(4802, 10000)).toBe(4802);
    expect(percentOf(-1235, 5000)).toBe(-618);
  });
});

describe('allocate', () => {
  it.each([
    [100, [1, 1, 1], [34, 33, 33]],
    [2, [1, 1, 1], [1, 1, 0]],
    [10, [1, 2, 3], [2, 3, 5]],
    [10, [0, 0], [5, 5]],
    [1, [0, 0, 0], [1, 0, 0]],
    [5, [0, 3, 0], [0, 5, 0]],
    [0, [4, 5], [0, 0]],
    [-100, [1, 1, 1], [-34, -33, -33]],
    [480, [2468, 1485, 499, 350], [247, 148, 50, 35]],
    [7, [1], [7]],
    [0, [], []],
  ])('allocate(%i, %j) = %j', (total, weights, parts) => {
    expect(allocate(total, weights)).toEqual(parts);
  });
  it('refuses negative or fractional weights, and a non-zero total across nothing', () => {
    expect(() => allocate(10, [1, -1])).toThrow(MoneyError);
    expect(() => allocate(10, [1.5])).toThrow(MoneyError);
    expect(() => allocate(10, [])).toThrow(MoneyError);
    expect(() => allocate(10.5, [1])).toThrow(MoneyError);
  });
  it('sums to the total and stays within 1 of the exact share (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 1e12 })), { minLength: 1, maxLength: 20 }),
        (total, weights) => {
          const parts = allocate(total, weights);
          expect(parts).toHaveLength(weights.length);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          const allZero = weights.every((w) => w === 0);
          const ws = weights.map((w) => BigInt(allZero ? 1 : w));
          const sum = ws.reduce((a, b) => a + b, 0n);
          parts.forEach((part, i) => {
            expect(Number.isSafeInteger(part)).toBe(true);
            // |part − total·w/Σw| < 1, checked exactly as |part·Σw − total·w| < Σw
            const diff = BigInt(part) * sum - BigInt(total) * (ws[i] ?? 0n);
            expect(diff < 0n ? -diff : diff).toBeLessThan(sum);
          });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
