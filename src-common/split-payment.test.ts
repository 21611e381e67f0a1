import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PartAmountError, partAmount, paidTotal, stillDue } from './split-payment';

const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof PartAmountError ? error.reason : `not a PartAmountError: ${String(error)}`;
  }
  return 'no error';
};

describe('stillDue', () => {
  it('is the amount to pay less the paid parts, to the fen', () => {
    expect(stillDue(10000, [])).toBe(10000);
    expect(stillDue(10000, [{ amount: 3000 }])).toBe(7000);
    expect(stillDue(10000, [{ amount: 3000 }, { amount: 5000 }])).toBe(2000);
    expect(stillDue(10000, [{ amount: 3000 }, { amount: 5000 }, { amount: 2000 }])).toBe(0);
  });

  it('refuses parts that pay more than the sale, or are not positive whole amounts', () => {
    expect(reasonOf(() => stillDue(10000, [{ amount: 6000 }, { amount: 4001 }]))).toBe('overpaid');
    expect(reasonOf(() => stillDue(10000, [{ amount: 0 }]))).toBe('bad_amount');
    expect(reasonOf(() => stillDue(10000, [{ amount: 12.5 }]))).toBe('bad_amount');
    expect(reasonOf(() => stillDue(-1, []))).toBe('bad_amount');
  });
});

describe('partAmount', () => {
  it('takes everything still due by default, or 1 ≤ asked ≤ due', () => {
    expect(partAmount(undefined, 7000)).toBe(7000);
    expect(partAmount(1, 7000)).toBe(1);
    expect(partAmount(7000, 7000)).toBe(7000);
    expect(reasonOf(() => partAmount(7001, 7000))).toBe('exceeds_due');
    expect(reasonOf(() => partAmount(0, 7000))).toBe('bad_amount');
    expect(reasonOf(() => partAmount(-5, 7000))).toBe('bad_amount');
    expect(reasonOf(() => partAmount(10.5, 7000))).toBe('bad_amount');
    expect(reasonOf(() => partAmount(undefined, 0))).toBe('nothing_due');
  });

  it('parts taken one after another never pay more than the sale, and the last one settles it exactly (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000_000 }), fc.array(fc.integer({ min: 1, max: 100_000_000 }), { maxLength: 8 }), (toPay, asks) => {
        const parts: { amount: number }[] = [];
        for (const ask of asks) {
          const due = stillDue(toPay, parts);
          if (due === 0) break;
          if (ask > due) {
            expect(reasonOf(() => partAmount(ask, due))).toBe('exceeds_due');
            continue;
          }
          parts.push({ amount: partAmount(ask, due) });
        }
        const due = stillDue(toPay, parts);
        expect(due).toBeGreaterThanOrEqual(0);
        if (due > 0) parts.push({ amount: partAmount(undefined, due) });
        expect(paidTotal(parts)).toBe(toPay);
        expect(stillDue(toPay, parts)).toBe(0);
      }),
    );
  });
});
