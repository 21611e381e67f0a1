/**
 * Money arithmetic. Every amount is an integer number of minor units (fen for CNY) held in a plain
 * `number` that must be a safe integer; quantities are integer thousandths and rates integer basis
 * points. Products of two such integers can pass 2^53, so they are computed in BigInt and every
 * division names its rounding.
 */

/** ISO 4217 minor-unit exponents of the currencies we handle. */
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = Object.freeze({
  CNY: 2,
  HKD: 2,
  MOP: 2,
  TWD: 2,
  USD: 2,
  EUR: 2,
  GBP: 2,
  SGD: 2,
  JPY: 0,
  KRW: 0,
});

const SYMBOLS: Readonly<Record<string, string>> = Object.freeze({
  CNY: '¥',
  USD: '$',
  EUR: '€',
  HKD: 'HK$',
  JPY: '¥',
  KRW: '₩',
});

export class MoneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyError';
  }
}

/** The ISO 4217 exponent of `currency` (an upper-case code); throws MoneyError for an unknown code. */
export function currencyExponent(currency: string): number {
  // Object.hasOwn: 'toString' and friends are not currencies.
  const exponent = Object.hasOwn(CURRENCY_EXPONENTS, currency) ? CURRENCY_EXPONENTS[currency] : undefined;
  if (exponent === undefined) throw new MoneyError(`unknown currency ${JSON.stringify(currency)}`);
  return exponent;
}

/** Throws MoneyError unless `value` is a safe integer (an amount in minor units). */
export function assertMinor(value: number, what = 'amount'): void {
  if (!Number.isSafeInteger(value)) throw new MoneyError(`${what} must be a safe integer, got ${String(value)}`);
}

export type RoundingMode = 'half-up' | 'half-even' | 'down' | 'up';

const MODES: readonly RoundingMode[] = ['half-up', 'half-even', 'down', 'up'];

/** Throws MoneyError unless `mode` is one of the four rounding modes (it may come from config). */
export function assertRoundingMode(mode: string): asserts mode is RoundingMode {
  if (!(MODES as readonly string[]).includes(mode)) throw new MoneyError(`unknown rounding mode ${JSON.stringify(mode)}`);
}

/** n / d rounded by `mode`: 'down'/'up' toward/away from zero, 'half-up' half away from zero, 'half-even' half to even. */
export function roundDivBig(n: bigint, d: bigint, mode: RoundingMode): bigint {
  if (d === 0n) throw new MoneyError('division by zero');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const q = n / d; // truncates toward zero
  const r = n % d; // has the sign of n
  if (r === 0n) return q;
  const away = q + (n < 0n ? -1n : 1n);
  const twiceR = 2n * (r < 0n ? -r : r);
  switch (mode) {
    case 'down':
      return q;
    case 'up':
      return away;
    case 'half-up':
      return twiceR >= d ? away : q;
    case 'half-even':
      if (twiceR !== d) return twiceR > d ? away : q;
      return q % 2n === 0n ? q : away;
  }
}

function toSafe(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new MoneyError(`${what} is too large: ${value.toString()}`);
  }
  return Number(value);
}

/** Integer division of two integers with explicit rounding. */
export function divideRounded(numerator: number, denominator: number, mode: RoundingMode): number {
  assertMinor(numerator, 'numerator');
  assertMinor(denominator, 'denominator');
  assertRoundingMode(mode);
  return toSafe(roundDivBig(BigInt(numerator), BigInt(denominator), mode), 'quotient');
}

/** a × b / d rounded by `mode`; the product is exact (BigInt) even when it passes 2^53. */
export function multiplyDivide(a: number, b: number, d: number, mode: RoundingMode): number {
  assertMinor(a, 'multiplicand');
  assertMinor(b, 'multiplier');
  assertMinor(d, 'divisor');
  assertRoundingMode(mode);
  return toSafe(roundDivBig(BigInt(a) * BigInt(b), BigInt(d), mode), 'result');
}

/** Round an amount to a multiple of `increment` minor units (e.g. 10 fen = 0.1 yuan). */
export function roundToIncrement(amount: number, increment: number, mode: RoundingMode): number {
  assertMinor(amount);
  if (!Number.isSafeInteger(increment) || increment <= 0) {
    throw new MoneyError(`rounding increment must be a positive integer, got ${String(increment)}`);
  }
  assertRoundingMode(mode);
  return toSafe(roundDivBig(BigInt(amount), BigInt(increment), mode) * BigInt(increment), 'rounded amount');
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Full-width digits, dot, comma and yen sign (what a Chinese IME types) to their ASCII forms. */
function toHalfWidth(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\uFFE5/g, '¥')
    .replace(/\u3000/g, ' ');
}

/**
 * Parse what a cashier types ("12", "12.5", "12.50", "¥12.50", " 1,234.5 ", ".5", full-width digits) into
 * minor units. An optional prefix is the currency's symbol or its code. Commas must group thousands.
 * Throws MoneyError on anything else: more decimals than the currency has, a sign, letters, empty, too large.
 */
export function parseMoney(text: string, currency: string): number {
  const exponent = currencyExponent(currency);
  let body = toHalfWidth(text).trim();
  const prefixes = [SYMBOLS[currency], currency].filter((p): p is string => p !== undefined);
  const prefix = new RegExp(`^(?:${prefixes.map(escapeRegExp).join('|')})\\s*`);
  body = body.replace(prefix, '');

  const match = /^(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?$/.exec(body);
  const whole = match?.[1];
  const fraction = match?.[2];
  if (!match || (whole === undefined && fraction === undefined)) {
    throw new MoneyError(`not an amount: ${JSON.stringify(text)}`);
  }
  if (fraction !== undefined && fraction.length > exponent) {
    throw new MoneyError(
      exponent === 0
        ? `${currency} has no minor unit: ${JSON.stringify(text)}`
        : `${currency} has at most ${exponent} decimals: ${JSON.stringify(text)}`,
    );
  }
  const digits = (whole ?? '0').replaceAll(',', '') + (fraction ?? '').padEnd(exponent, '0');
  const value = BigInt(digits);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new MoneyError(`amount is too large: ${JSON.stringify(text)}`);
  return Number(value);
}

/**
 * Format minor units: symbol + thousands-grouped digits with the currency's decimals ('¥12.50', '-¥3.00',
 * JPY '¥1,250'); a currency without a symbol is prefixed by its code and a space ('MOP 12.50').
 * `{ symbol: false }` gives the bare number ('12.50'), which parseMoney reads back.
 */
export function formatMoney(amount: number, currency: string, options: { symbol?: boolean } = {}): string {
  assertMinor(amount);
  const exponent = currencyExponent(currency);
  const digits = Math.abs(amount).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent).replace(/\B(?=(\d{3})+$)/g, ',');
  const number = exponent === 0 ? whole : `${whole}.${digits.slice(digits.length - exponent)}`;
  const symbol = options.symbol === false ? '' : (SYMBOLS[currency] ?? `${currency} `);
  return `${amount < 0 ? '-' : ''}${symbol}${number}`;
}

/** Price for a weighed/measured quantity: unitPrice per whole unit × quantityMilli / 1000, rounded half-up. */
export function extendPrice(unitPrice: number, quantityMilli: number): number {
  assertMinor(unitPrice, 'unit price');
  assertMinor(quantityMilli, 'quantity');
  return multiplyDivide(unitPrice, quantityMilli, 1000, 'half-up');
}

/** The tax contained in a tax-inclusive amount: amount × rateBp / (10000 + rateBp), rounded half-up. */
export function inclusiveTax(amount: number, rateBp: number): number {
  assertMinor(amount);
  if (!Number.isSafeInteger(rateBp) || rateBp < 0 || rateBp > 10000) {
    throw new MoneyError(`tax rate must be 0..10000 basis points, got ${String(rateBp)}`);
  }
  return multiplyDivide(amount, rateBp, 10000 + rateBp, 'half-up');
}

/** Percentage of an amount in basis points (1000 = 10%), rounded half-up. */
export function percentOf(amount: number, basisPoints: number): number {
  assertMinor(amount);
  assertMinor(basisPoints, 'basis points');
  return multiplyDivide(amount, basisPoints, 10000, 'half-up');
}

/**
 * Split `total` across `weights` proportionally by largest remainder, so the parts sum exactly to `total`;
 * equal remainders go to the earlier index. Each part is the exact share rounded down or up, so a
 * zero weight gets 0 and no part exceeds its weight when |total| ≤ Σ weights. All weights 0: split evenly.
 * A negative total is split as its magnitude, negated.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  assertMinor(total, 'total');
  for (const [i, w] of weights.entries()) {
    if (!Number.isSafeInteger(w) || w < 0) throw new MoneyError(`weight ${i} must be a non-negative integer, got ${String(w)}`);
  }
  if (weights.length === 0) {
    if (total === 0) return [];
    throw new MoneyError(`cannot allocate ${total} across no weights`);
  }
  if (total < 0) return allocate(-total, weights).map((part) => -part || 0);

  const ws = weights.every((w) => w === 0) ? weights.map(() => 1n) : weights.map((w) => BigInt(w));
  const sum = ws.reduce((a, b) => a + b, 0n);
  const t = BigInt(total);
  const parts = ws.map((w) => (t * w) / sum);
  const remainders = ws.map((w) => (t * w) % sum);
  let left = t - parts.reduce((a, b) => a + b, 0n);
  // left < weights.length, and fewer than the count of non-zero remainders, so only those get one more.
  const order = ws.map((_, i) => i).sort((a, b) => {
    const ra = remainders[a] ?? 0n;
    const rb = remainders[b] ?? 0n;
    return ra === rb ? a - b : rb > ra ? 1 : -1;
  });
  for (const i of order) {
    if (left === 0n) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return parts.map(Number);
}
