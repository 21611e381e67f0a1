/**
 * Members' points arithmetic (issue 16): pure and integer. The rules are the `memberPoints` setting's
 * (src-common/schemas.ts MemberPointsSetting).
 */
import type { MemberPointsSetting } from './schemas';

/** Points earned on `paid` minor units: `earnPerYuan` per whole major unit, rounded down; nothing for nothing. */
export function pointsEarned(paid: number, rule: Pick<MemberPointsSetting, 'earnPerYuan'>, exponent: number): number {
  if (!Number.isSafeInteger(paid) || paid <= 0) return 0;
  return Math.floor((paid * rule.earnPerYuan) / 10 ** exponent);
}

export interface Redemption {
  points: number;
  /** What the points are worth, minor units. */
  amount: number;
}

/**
 * The redemption a sale allows for `asked` points: whole steps of `redeemPoints`, no more than the member holds,
 * worth no more than `redeemCapBp` of `total` (the sale's total before the points). Null when that is nothing.
 */
export function redemptionFor(asked: number, balance: number, total: number, rule: MemberPointsSetting): Redemption | null {
  const cap = Math.floor((Math.max(0, total) * rule.redeemCapBp) / 10_000);
  const steps = Math.min(Math.floor(Math.max(0, Math.min(asked, balance)) / rule.redeemPoints), Math.floor(cap / rule.redeemValue));
  if (steps <= 0) return null;
  return { points: steps * rule.redeemPoints, amount: steps * rule.redeemValue };
}

/** The most points a sale of `total` lets this balance redeem (what the pay step offers). */
export function maxRedemption(balance: number, total: number, rule: MemberPointsSetting): Redemption | null {
  return redemptionFor(balance, balance, total, rule);
}

/** What the tenders must cover: the total, less what points pay when they are redeemed as a tender. */
export function amountToPay(cart: { total: number; points?: { mode: 'tender' | 'discount'; amount: number } | null | undefined }): number {
  return cart.points?.mode === 'tender' ? cart.total - cart.points.amount : cart.total;
}
