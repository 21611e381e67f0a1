import { describe, expect, it } from 'vitest';
import { formatHash, parseHash } from './route';

describe('hash routes', () => {
  it('reads path and parameters', () => {
    const route = parseHash('#/customer?token=abc');
    expect(route.path).toBe('/customer');
    expect(route.params.get('token')).toBe('abc');
  });
  it('accepts a bare token fragment as the cashier route', () => {
    const route = parseHash('#token=abc');
    expect(route.path).toBe('/');
    expect(route.params.get('token')).toBe('abc');
  });
  it('formats back without an empty query', () => {
    const route = parseHash('#/customer?token=abc');
    route.params.delete('token');
    expect(formatHash(route)).toBe('#/customer');
    expect(parseHash('').path).toBe('/');
  });
});
