import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxRedemption, pointsEarned, redemptionFor } from './member-points';
import type { MemberPointsSetting } from './schemas';

const rule: MemberPointsSetting = { earnPerYuan: 1, redeemAs: 'discount', redeemPoints: 100, redeemValue: 100, redeemCapBp: 5000 };

describe('pointsEarned', () => {
  it('gives points per whole yuan, rounded down', () => {
    expect(pointsEarned(5690, rule, 2)).toBe(56); // ¥56.90
    expect(pointsEarned(99, rule, 2)).toBe(0);
    expect(pointsEarned(5690, { earnPerYuan: 3 }, 2)).toBe(170); // 3 × 56.90 = 170.7
    expect(pointsEarned(500, { earnPerYuan: 2 }, 0)).toBe(1000); // a currency without minor units
    expect(pointsEarned(0, rule, 2)).toBe(0);
    expect(pointsEarned(-300, rule, 2)).toBe(0);
  });
});

describe('redemptionFor', () => {
  it('takes whole steps, within the balance and the cap on the total', () => {
    expect(redemptionFor(250, 1000, 10000, rule)).toEqual({ points: 200, amount: 200 });
    expect(redemptionFor(1000, 150, 10000, rule)).toEqual({ points: 100, amount: 100 });
    expect(redemptionFor(10000, 10000, 1000, rule)).toEqual({ points: 500, amount: 500 }); // half of ¥10.00
    expect(redemptionFor(99, 1000, 10000, rule)).toBeNull();
    expect(redemptionFor(100, 1000, 150, rule)).toBeNull(); // the cap is 75 fen: not one step
    expect(maxRedemption(730, 5690, rule)).toEqual({ points: 700, amount: 700 });
  });

  it('never spends more than held or asked, never passes the cap or the total, always whole steps (property)', () => {
    const anyRule = fc.record({
      earnPerYuan: fc.integer({ min: 0, max: 100 }),
      redeemAs: fc.constantFrom('tender' as const, 'discount' as const),
      redeemPoints: fc.integer({ min: 1, max: 100_000 }),
      redeemValue: fc.integer({ min: 1, max: 100_000 }),
      redeemCapBp: fc.integer({ min: 0, max: 10_000 }),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 100_000_000 }), anyRule, (asked, balance, total, r) => {
        const got = redemptionFor(asked, balance, total, r);
        if (got === null) return;
        expect(got.points).toBeLessThanOrEqual(Math.min(asked, balance));
        expect(got.points % r.redeemPoints).toBe(0);
        expect(got.amount).toBe((got.points / r.redeemPoints) * r.redeemValue);
        expect(got.amount).toBeLessThanOrEqual(Math.floor((total * r.redeemCapBp) / 10_000));
        expect(got.amount).toBeLessThanOrEqual(total);
        expect(got.amount).toBeGreaterThan(0);
      }),
    );
  });
});
