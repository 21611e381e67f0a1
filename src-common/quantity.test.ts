import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatQuantity } from './quantity';

describe('formatQuantity', () => {
  it('shows pieces without trailing zeros and weights as scales print them, or trimmed on screen', () => {
    expect(formatQuantity(2000, 'each')).toBe('2');
    expect(formatQuantity(1500, 'each')).toBe('1.5');
    expect(formatQuantity(-3000, 'each')).toBe('-3');
    expect(formatQuantity(532, 'kg')).toBe('0.532kg');
    expect(formatQuantity(500, 'kg')).toBe('0.500kg');
    expect(formatQuantity(500, 'kg', { kgDecimals: 'trimmed' })).toBe('0.5kg');
    expect(formatQuantity(2000, 'kg', { kgDecimals: 'trimmed' })).toBe('2kg');
    expect(() => formatQuantity(0.5, 'each')).toThrow(RangeError);
  });

  it('reads back to the same thousandths', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.constantFrom('each' as const, 'kg' as const), (milli, unit) => {
        const text = formatQuantity(milli, unit).replace(/kg$/, '');
        const [whole, fraction = ''] = text.replace('-', '').split('.');
        const back = (Number(whole) * 1000 + Number(fraction.padEnd(3, '0'))) * (text.startsWith('-') ? -1 : 1);
        expect(back).toBe(milli === 0 ? 0 : milli);
      }),
    );
  });
});
