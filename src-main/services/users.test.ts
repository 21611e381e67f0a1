import { describe, expect, it } from 'vitest';
import { isTooSimplePin, mayManage } from './users';

describe('who manages whom', () => {
  it('lets a technician manage everyone, an owner cashiers and owners, a cashier nobody', () => {
    expect(['cashier', 'owner', 'technician'].map((r) => mayManage('technician', r as never))).toEqual([true, true, true]);
    expect(['cashier', 'owner', 'technician'].map((r) => mayManage('owner', r as never))).toEqual([true, true, false]);
    expect(['cashier', 'owner', 'technician'].map((r) => mayManage('cashier', r as never))).toEqual([false, false, false]);
    expect(mayManage(null, 'cashier')).toBe(false);
  });
});

describe('guessable PINs', () => {
  it.each(['1111', '0000', '1234', '4321', '123456', '98765432'])('refuses %s', (pin) => expect(isTooSimplePin(pin)).toBe(true));
  it.each(['1357', '2580', '1212', '9012', '7391'])('accepts %s', (pin) => expect(isTooSimplePin(pin)).toBe(false));
});
