import { describe, expect, it } from 'vitest';
import { rateForDisplay } from '../../../src-common/cross-border';
import { cnyOf, cnyShare, rateTimes1e8, SANDBOX_CNY_RATES } from './cny-rates';

describe('the sandboxes’ CNY side of a cross-border order', () => {
  it('converts at the configured rate to the fen, rounding half up, for currencies with and without minor units', () => {
    expect(cnyOf(1000, 'JPY', { JPY: '0.0482' })).toEqual({ fen: 4820, rate: '0.0482' });
    expect(cnyOf(1001, 'JPY', { JPY: '0.0482' })).toEqual({ fen: 4825, rate: '0.0482' }); // 48.2482 → 48.25
    expect(cnyOf(12088, 'USD', { USD: '6.5261' })).toEqual({ fen: 78887, rate: '6.5261' }); // 788.874968 → 788.87
    expect(cnyOf(50, 'USD', { USD: '6.5' })).toEqual({ fen: 325, rate: '6.5' }); // exactly 3.25
    expect(cnyOf(1, 'JPY', { JPY: '0.045' })).toEqual({ fen: 5, rate: '0.045' }); // 4.5 fen → 5 (half up)
    expect(cnyOf(1, 'USD', { USD: '7' })).toEqual({ fen: 7, rate: '7' });
    expect(cnyOf(1000, 'CNY', SANDBOX_CNY_RATES)).toBeNull();
    expect(cnyOf(1000, 'XAU', SANDBOX_CNY_RATES)).toBeNull();
    expect(() => cnyOf(1000, 'JPY', { JPY: '4.82e-2' })).toThrow(RangeError);
  });

  it('writes WeChat’s rate × 10^8 by moving digits, and reads it back the same way', () => {
    expect(rateTimes1e8('0.0482')).toBe('4820000');
    expect(rateTimes1e8('6.5261')).toBe('652610000');
    expect(rateTimes1e8('7')).toBe('700000000');
    expect(() => rateTimes1e8('0.123456789')).toThrow(RangeError);
    expect(rateForDisplay('4820000', 8)).toBe('0.04820000');
    expect(rateForDisplay('652610000', 8)).toBe('6.52610000');
    expect(rateForDisplay('6.5261', 0)).toBe('6.5261');
    expect(() => rateForDisplay('-1', 0)).toThrow(RangeError);
  });

  it('refunds the customer’s CNY in the refund’s share of the order, rounding half up', () => {
    expect(cnyShare(4820, 300, 1000)).toBe(1446);
    expect(cnyShare(4820, 1000, 1000)).toBe(4820);
    expect(cnyShare(100, 1, 3)).toBe(33); // 33.33…
    expect(cnyShare(100, 2, 3)).toBe(67); // 66.66…
    expect(cnyShare(5, 1, 2)).toBe(3); // 2.5 → 3
  });
});
