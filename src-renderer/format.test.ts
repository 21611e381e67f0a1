import { describe, expect, it } from 'vitest';
import { parseQuantity, quantity } from './format';

describe('quantity formatting', () => {
  it('shows pieces as whole numbers and weights in kg', () => {
    expect(quantity(2000, 'each')).toBe('2');
    expect(quantity(532, 'kg')).toBe('0.532kg');
    expect(quantity(1500, 'kg')).toBe('1.5kg');
  });
  it('parses what a person types', () => {
    expect(parseQuantity('3')).toBe(3000);
    expect(parseQuantity('0.25')).toBe(250);
    expect(parseQuantity('0')).toBeNull();
    expect(parseQuantity('1.2345')).toBeNull();
    expect(parseQuantity('-1')).toBeNull();
    expect(parseQuantity('abc')).toBeNull();
  });
});
