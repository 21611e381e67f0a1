import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PayerCurrency, PayerMinor, RateText, formatPayerAmount, formatRate, rateForDisplay } from './cross-border';

describe('cross-border amounts and rates as printed', () => {
  it('moves the rate’s decimal point by its scale without arithmetic, keeping every digit the wallet sent', () => {
    expect(rateForDisplay('4820000', 8)).toBe('0.04820000');
    expect(rateForDisplay('5', 8)).toBe('0.00000005');
    expect(rateForDisplay('123', 1)).toBe('12.3');
    expect(rateForDisplay('1.5', 2)).toBe('0.015');
    expect(rateForDisplay('6.5261', 0)).toBe('6.5261');
    for (const bad of ['', '-1', '1e3', '1.2.3', ' 1', '.5']) expect(() => rateForDisplay(bad, 0), bad).toThrow(RangeError);
  });

  it('reads back the same number for any integer rate and scale (checked against BigInt arithmetic)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n - 1n }), fc.integer({ min: 0, max: 12 }), (n, scale) => {
        const shown = rateForDisplay(n.toString(), scale);
        const [whole, fraction = ''] = shown.split('.');
        expect(BigInt(whole! + fraction)).toBe(n);
        expect(fraction.length).toBe(scale);
      }),
    );
  });

  it('names the currency by its code (a JPY store’s ¥ and CNY’s ¥ look alike)', () => {
    expect(formatPayerAmount(4820, 'CNY')).toBe('CNY 48.20');
    expect(formatPayerAmount(123456, 'JPY')).toBe('JPY 123,456');
    expect(formatRate('JPY', { currency: 'CNY', rate: '0.0482', rateScale: 0 })).toBe('1 JPY = 0.0482 CNY');
  });

  it('validates a payer side at the boundary: no negative or fractional amount, no lower-case currency, no rate that is not digits', () => {
    expect(PayerCurrency.safeParse('CNY').success).toBe(true);
    expect(PayerCurrency.safeParse('cny').success).toBe(false);
    expect(PayerMinor.safeParse(4820).success).toBe(true);
    for (const bad of [-1, 1.5, Number.NaN]) expect(PayerMinor.safeParse(bad).success, String(bad)).toBe(false);
    for (const good of ['4820000', '0.0482', '6.5261']) expect(RateText.safeParse(good).success, good).toBe(true);
    for (const bad of ['4.82e-2', '-0.0482', '0.04.82', '.0482', '0.', '']) expect(RateText.safeParse(bad).success, bad).toBe(false);
  });
});
