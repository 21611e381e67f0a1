import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { costOfQuantity, movingAverageCost, valueAtCost } from './stock-cost';

describe('moving-average costing', () => {
  it('averages what is on hand with what came in, to the fen, half up', () => {
    // 10 at ¥3.00, then 30 at ¥3.50: (10 × 300 + 30 × 350) / 40 = 337.5 → 338 fen.
    expect(movingAverageCost(10_000, 300, 30_000, 350)).toBe(338);
    // 1.5 kg at ¥20.00/kg, then 0.5 kg at ¥24.00/kg: (30 + 12) / 2 = ¥21.00/kg.
    expect(movingAverageCost(1_500, 2000, 500, 2400)).toBe(2100);
  });

  it('takes the receipt’s cost when nothing is on hand or nothing was costed, and keeps the average for goods without a cost', () => {
    expect(movingAverageCost(0, 300, 5_000, 410)).toBe(410);
    expect(movingAverageCost(-3_000, 300, 5_000, 410)).toBe(410);
    expect(movingAverageCost(4_000, null, 5_000, 410)).toBe(410);
    expect(movingAverageCost(4_000, 300, 5_000, null)).toBe(300);
    expect(movingAverageCost(4_000, null, 5_000, null)).toBeNull();
    expect(() => movingAverageCost(4_000, 300, 0, 410)).toThrow(RangeError);
  });

  it('values a level at cost to the fen, and nothing below zero', () => {
    expect(valueAtCost(21_000, 338)).toBe(7098);
    expect(valueAtCost(1_234, 1999)).toBe(2467); // 1.234 kg × ¥19.99 = ¥24.66766 → ¥24.67
    expect(valueAtCost(-2_000, 338)).toBe(0);
    expect(valueAtCost(5_000, null)).toBe(0);
    expect(costOfQuantity(333, 100)).toBe(33); // 33.3 fen → 33
    expect(costOfQuantity(335, 100)).toBe(34); // 33.5 fen → 34 (half up)
  });

  it('stays between the two costs it averages, exactly for figures beyond 2^53', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e12 }), fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 1, max: 1e12 }), fc.integer({ min: 0, max: 1e9 }), (level, avg, inQty, cost) => {
        const next = movingAverageCost(level, avg, inQty, cost)!;
        expect(Number.isSafeInteger(next)).toBe(true);
        expect(next).toBeGreaterThanOrEqual(Math.min(avg, cost));
        expect(next).toBeLessThanOrEqual(Math.max(avg, cost));
      }),
    );
  });
});
