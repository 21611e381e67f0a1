import { describe, expect, it } from 'vitest';
import { lookupInput, NO_FILTERS } from './filters';

describe('the refund dialog’s filters as a lookup', () => {
  const input = (f: Partial<typeof NO_FILTERS>) => lookupInput({ ...NO_FILTERS, ...f }, 'CNY');

  it('reads yuan as fen, exactly', () => {
    expect(input({ amount: '19.9' })).toEqual({ amount: 1990 });
    expect(input({ amount: '¥0.07' })).toEqual({ amount: 7 });
    expect(input({ amount: '１２.５０' })).toEqual({ amount: 1250 });
    expect(input({ amount: '12.345' })).toBeNull();
    expect(input({ amount: '12元' })).toBeNull();
  });

  it('asks nothing of a filter still being typed: three digits of four, half a receipt number, an e-receipt’s text', () => {
    expect(input({})).toEqual({});
    expect(input({ lastFour: '113' })).toEqual({});
    expect(input({ lastFour: '1134' })).toEqual({ lastFour: '1134' });
    expect(input({ receiptNumber: 'M6C8-' })).toEqual({});
    expect(input({ receiptNumber: ' m6c8-000012 ' })).toEqual({ receiptNumber: 'm6c8-000012' });
    expect(input({ receiptNumber: '12' })).toEqual({ receiptNumber: '12' });
    expect(input({ receiptNumber: 'JZR1:M6C8-000012:1250:20261122:9F2C4B71A0D3E855' })).toEqual({});
    expect(input({ from: '09:00', to: '12:30' })).toEqual({ from: '09:00', to: '12:30' });
  });
});
