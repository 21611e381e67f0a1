/**
 * The cart calculator shared by the sale service and the UI. Prices are tax-inclusive (Chinese retail):
 * a line's net is what the customer pays for it, and the tax is the part contained in it.
 */
import { MoneyError, allocate, extendPrice, inclusiveTax, percentOf, roundToIncrement } from './money';
import type { RoundingMode } from './money';

export type Discount = { kind: 'amount'; amount: number } | { kind: 'percent'; basisPoints: number };

export interface PricingLine {
  lineId: string;
  /** Minor units per unit (per each, or per kg). */
  unitPrice: number;
  /** > 0, in thousandths (1 each = 1000, 0.532 kg = 532). */
  quantityMilli: number;
  taxRateBp: number;
  /** When set (weighed-goods labels that embed the price), the line's gross is this amount, not unitPrice×quantity. */
  fixedGross?: number;
  discount?: Discount;
  /** Savings of promotions (src-common/promotions.ts) on this line, taken before any manual discount. */
  promotionSaving?: number;
  /** This line's share of the order's 满减. */
  orderPromotionSaving?: number;
}

/** `{ increment: 10, mode: 'half-up' }` rounds to 0.1 yuan; `{ increment: 10, mode: 'down' }` is 抹零 in the customer's favour. */
export interface CashRounding {
  increment: number;
  mode: RoundingMode;
}

export interface PricedLine {
  lineId: string;
  gross: number;
  promotionSaving: number;
  orderPromotionSaving: number;
  lineDiscount: number;
  orderDiscount: number;
  net: number;
  taxRateBp: number;
  /** This line's share of its rate group's tax (see TaxRow). */
  tax: number;
}

/** Per rate: taxable = Σ net at that rate (tax-inclusive); tax = inclusiveTax(taxable, rateBp). */
export interface TaxRow {
  rateBp: number;
  taxable: number;
  tax: number;
}

export interface PricedCart {
  /** Same order as the input. */
  lines: PricedLine[];
  /** Σ gross. */
  subtotal: number;
  /** Σ promotionSaving + Σ orderPromotionSaving. */
  promotionTotal: number;
  /** Σ lineDiscount. */
  lineDiscountTotal: number;
  /** The order discount actually applied. */
  orderDiscount: number;
  /** Σ net = subtotal − promotionTotal − lineDiscountTotal − orderDiscount. */
  total: number;
  /** Sorted by rateBp descending; only rates present in the cart (0% included). */
  taxes: TaxRow[];
  /** Σ taxes.tax. */
  taxTotal: number;
}

export type PricingErrorCode = 'invalid_line' | 'discount_too_large' | 'invalid_discount';

export class PricingError extends Error {
  constructor(
    readonly code: PricingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PricingError';
  }
}

export type TenderErrorCode = 'overpaid_non_cash' | 'invalid_amount';

export class TenderError extends Error {
  constructor(
    readonly code: TenderErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TenderError';
  }
}

const isNonNegative = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

function sum(values: readonly number[], what: string): number {
  const total = values.reduce((a, b) => a + b, 0);
  if (!Number.isSafeInteger(total)) throw new PricingError('invalid_line', `${what} is too large`);
  return total;
}

/**
 * The discount taken off `base`; `where` names the line or the order in messages. With `capAtBase` (promotions
 * took part of the amount, and may grow while the discount stands) an amount larger than what is left takes it all.
 */
function discountAmount(discount: Discount, base: number, where: string, capAtBase = false): number {
  if (discount.kind === 'amount') {
    if (!isNonNegative(discount.amount)) {
      throw new PricingError('invalid_discount', `${where}: discount amount must be a non-negative integer, got ${String(discount.amount)}`);
    }
    if (capAtBase && discount.amount > base) return base;
    if (discount.amount > base) {
      throw new PricingError('discount_too_large', `${where}: discount ${discount.amount} is more than the amount ${base}`);
    }
    return discount.amount;
  }
  if (discount.kind === 'percent') {
    const bp = discount.basisPoints;
    if (!Number.isSafeInteger(bp) || bp < 1 || bp > 10000) {
      throw new PricingError('invalid_discount', `${where}: discount percent must be 1..10000 basis points, got ${String(bp)}`);
    }
    return percentOf(base, bp);
  }
  throw new PricingError('invalid_discount', `${where}: unknown discount kind ${JSON.stringify((discount as { kind: unknown }).kind)}`);
}

function lineGross(line: PricingLine, where: string): number {
  const { unitPrice, quantityMilli, taxRateBp, fixedGross } = line;
  if (!isNonNegative(unitPrice)) throw new PricingError('invalid_line', `${where}: unit price must be a non-negative integer, got ${String(unitPrice)}`);
  if (!Number.isSafeInteger(quantityMilli) || quantityMilli <= 0) {
    throw new PricingError('invalid_line', `${where}: quantity must be a positive integer (thousandths), got ${String(quantityMilli)}`);
  }
  if (!Number.isSafeInteger(taxRateBp) || taxRateBp < 0 || taxRateBp > 10000) {
    throw new PricingError('invalid_line', `${where}: tax rate must be 0..10000 basis points, got ${String(taxRateBp)}`);
  }
  if (fixedGross !== undefined) {
    if (!isNonNegative(fixedGross)) throw new PricingError('invalid_line', `${where}: fixed gross must be a non-negative integer, got ${String(fixedGross)}`);
    return fixedGross;
  }
  try {
    return extendPrice(unitPrice, quantityMilli);
  } catch (error) {
    if (error instanceof MoneyError) throw new PricingError('invalid_line', `${where}: ${error.message}`);
    throw error;
  }
}

function promotionSavings(line: PricingLine, gross: number, where: string): { promotionSaving: number; orderPromotionSaving: number } {
  const promotionSaving = line.promotionSaving ?? 0;
  const orderPromotionSaving = line.orderPromotionSaving ?? 0;
  if (!isNonNegative(promotionSaving) || !isNonNegative(orderPromotionSaving) || promotionSaving + orderPromotionSaving > gross) {
    throw new PricingError('invalid_line', `${where}: promotion savings ${promotionSaving} + ${orderPromotionSaving} must be non-negative and at most the line's ${gross}`);
  }
  return { promotionSaving, orderPromotionSaving };
}

/** Price a cart: promotions, then line discounts, then the order discount spread over lines, then tax per rate. */
export function priceCart(lines: readonly PricingLine[], orderDiscount?: Discount): PricedCart {
  const first = lines.map((line, i) => {
    const where = `line ${i + 1} (${JSON.stringify(line.lineId)})`;
    const gross = lineGross(line, where);
    const promotions = promotionSavings(line, gross, where);
    const promoted = promotions.promotionSaving + promotions.orderPromotionSaving;
    const afterPromotions = gross - promoted;
    const lineDiscount = line.discount ? discountAmount(line.discount, afterPromotions, where, promoted > 0) : 0;
    return { line, gross, ...promotions, lineDiscount, afterLine: afterPromotions - lineDiscount };
  });
  const subtotal = sum(first.map((l) => l.gross), 'subtotal');
  const promotionTotal = sum(first.map((l) => l.promotionSaving + l.orderPromotionSaving), 'promotions');
  const lineDiscountTotal = sum(first.map((l) => l.lineDiscount), 'line discounts');
  const base = subtotal - promotionTotal - lineDiscountTotal;

  const orderDiscountTotal = orderDiscount ? discountAmount(orderDiscount, base, 'order', promotionTotal > 0) : 0;
  // Weighted by what each line still costs, so no line's share exceeds it: every net stays ≥ 0.
  const shares = allocate(orderDiscountTotal, first.map((l) => l.afterLine));
  const nets = first.map((l, i) => l.afterLine - (shares[i] ?? 0));

  // Tax is computed once per rate on the group's sum, as the fapiao and the tax return do; summing
  // per-line rounded taxes would drift by up to half a fen per line. Line taxes are that group tax
  // allocated back over the group's lines, so they still add up exactly.
  const groups = new Map<number, number[]>();
  first.forEach((l, i) => {
    const members = groups.get(l.line.taxRateBp);
    if (members) members.push(i);
    else groups.set(l.line.taxRateBp, [i]);
  });
  const lineTax = new Array<number>(first.length).fill(0);
  const taxes: TaxRow[] = [...groups.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rateBp, members]) => {
      const memberNets = members.map((i) => nets[i] ?? 0);
      const taxable = sum(memberNets, 'total');
      const tax = inclusiveTax(taxable, rateBp);
      allocate(tax, memberNets).forEach((part, k) => {
        lineTax[members[k] ?? 0] = part;
      });
      return { rateBp, taxable, tax };
    });

  return {
    lines: first.map((l, i) => ({
      lineId: l.line.lineId,
      gross: l.gross,
      promotionSaving: l.promotionSaving,
      orderPromotionSaving: l.orderPromotionSaving,
      lineDiscount: l.lineDiscount,
      orderDiscount: shares[i] ?? 0,
      net: nets[i] ?? 0,
      taxRateBp: l.line.taxRateBp,
      tax: lineTax[i] ?? 0,
    })),
    subtotal,
    promotionTotal,
    lineDiscountTotal,
    orderDiscount: orderDiscountTotal,
    total: base - orderDiscountTotal,
    taxes,
    taxTotal: taxes.reduce((a, t) => a + t.tax, 0),
  };
}

function checkRounding(rounding: CashRounding | undefined): void {
  if (rounding === undefined) return;
  if (!Number.isSafeInteger(rounding.increment) || rounding.increment <= 0) {
    throw new TenderError('invalid_amount', `cash rounding increment must be a positive integer, got ${String(rounding.increment)}`);
  }
  if (!['half-up', 'half-even', 'down', 'up'].includes(rounding.mode)) {
    throw new TenderError('invalid_amount', `unknown cash rounding mode ${JSON.stringify(rounding.mode)}`);
  }
}

/** Amount due in cash after optional cash rounding (rounding applies to the cash part only); rounding = due − amount. */
export function cashDue(amount: number, rounding?: CashRounding): { due: number; rounding: number } {
  if (!isNonNegative(amount)) throw new TenderError('invalid_amount', `cash amount must be a non-negative integer, got ${String(amount)}`);
  checkRounding(rounding);
  const due = rounding ? roundToIncrement(amount, rounding.increment, rounding.mode) : amount;
  return { due, rounding: due - amount };
}

export interface TenderInput {
  kind: 'cash' | 'wallet' | 'other';
  amount: number;
}

export interface Settlement {
  total: number;
  paidNonCash: number;
  cashDue: number;
  cashRounding: number;
  cashTendered: number;
  change: number;
  remaining: number;
  complete: boolean;
}

/**
 * Settle a total with tenders in order. Non-cash tenders (amount > 0) may together never exceed the
 * total: only cash gives change. What non-cash leaves unpaid is rounded with `rounding` to give cashDue.
 * A cash tender may be 0: it settles a remainder that rounds to nothing in cash (e.g. 4 fen → ¥0.0).
 * Complete when cash covers cashDue and the total is covered, i.e. non-cash paid it all or cash was tendered.
 */
export function settle(total: number, tenders: readonly TenderInput[], rounding?: CashRounding): Settlement {
  if (!isNonNegative(total)) throw new TenderError('invalid_amount', `total must be a non-negative integer, got ${String(total)}`);
  let paidNonCash = 0;
  let cashTendered = 0;
  let cashCount = 0;
  tenders.forEach((tender, i) => {
    const where = `tender ${i + 1} (${tender.kind})`;
    if (tender.kind === 'cash') {
      if (!isNonNegative(tender.amount)) throw new TenderError('invalid_amount', `${where}: amount must be a non-negative integer, got ${String(tender.amount)}`);
      cashTendered += tender.amount;
      cashCount += 1;
      if (!Number.isSafeInteger(cashTendered)) throw new TenderError('invalid_amount', `${where}: cash tendered is too large`);
      return;
    }
    if (tender.kind !== 'wallet' && tender.kind !== 'other') {
      throw new TenderError('invalid_amount', `tender ${i + 1}: unknown tender kind ${JSON.stringify(tender.kind)}`);
    }
    if (!Number.isSafeInteger(tender.amount) || tender.amount <= 0) {
      throw new TenderError('invalid_amount', `${where}: amount must be a positive integer, got ${String(tender.amount)}`);
    }
    if (tender.amount > total - paidNonCash) {
      throw new TenderError('overpaid_non_cash', `${where}: ${tender.amount} is more than the ${total - paidNonCash} still owed`);
    }
    paidNonCash += tender.amount;
  });

  const owed = total - paidNonCash;
  const { due, rounding: cashRounding } = cashDue(owed, rounding);
  const remaining = Math.max(0, due - cashTendered);
  return {
    total,
    paidNonCash,
    cashDue: due,
    cashRounding,
    cashTendered,
    change: Math.max(0, cashTendered - due),
    remaining,
    complete: remaining === 0 && (owed === 0 || cashCount > 0),
  };
}
