/**
 * Cross-border wallet payments (issue 18; sync.md §3): a store prices in its own currency (JPY, HKD, USD …) and a
 * Chinese customer's wallet charges them in CNY. What the customer paid in CNY and the rate used are read from the
 * wallet's reply and kept as it gave them, never computed here: a receipt prints them, reports and sync carry them.
 *
 * The rate is kept as the text the wallet sent, with how many places its decimal point is shifted: WeChat Pay v2
 * writes "rate" as the rate × 10^8 (an integer: 0.0482 → "4820000", scale 8), Alipay writes `trans_pay_rate` as a
 * decimal ("6.5261", scale 0). Either way it is "1 <store currency> = <rate> <payer currency>".
 */
import { z } from 'zod';
import { formatMoney } from './money';

/** What the customer's wallet charged, as its reply said: the payer's currency, minor units of it, and the rate. */
export interface PayerAmount {
  /** ISO 4217 of what the customer paid (CNY for a Chinese wallet). */
  readonly currency: string;
  /** Minor units of `currency`. */
  readonly amount: number;
  /** The rate exactly as the wallet wrote it, or null when its reply gives none. */
  readonly rate: string | null;
  /** Places the rate's decimal point is shifted left to read it (8 for WeChat v2's rate × 10^8, 0 for a decimal). */
  readonly rateScale: number;
}

export const PayerCurrency = z.string().regex(/^[A-Z]{3}$/);
/** A rate as a wallet writes it: digits with at most one decimal point, nothing else (no sign, exponent or spaces). */
export const RateText = z.string().regex(/^\d{1,12}(\.\d{1,12})?$/);
/** Minor units of the payer's currency: a non-negative safe integer. */
export const PayerMinor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * A rate as a person reads it: the wallet's digits with the decimal point moved `scale` places left, by moving
 * characters only (no arithmetic, so nothing is rounded): ("4820000", 8) → "0.04820000", ("6.5261", 0) → "6.5261".
 */
export function rateForDisplay(rate: string, scale: number): string {
  if (!RateText.safeParse(rate).success) throw new RangeError(`not a rate: ${rate}`);
  if (scale === 0) return rate;
  const [whole, fraction = ''] = rate.split('.');
  const digits = whole!.padStart(scale + 1, '0');
  const head = digits.slice(0, -scale).replace(/^0+(?=\d)/, '');
  return `${head}.${digits.slice(-scale)}${fraction}`;
}

/** "CNY 48.20": the payer's amount with its currency's code (a JPY store's ¥ and CNY's ¥ look alike). */
export function formatPayerAmount(amount: number, currency: string): string {
  return `${currency} ${formatMoney(amount, currency, { symbol: false })}`;
}

/** "1 JPY = 0.04820000 CNY". */
export function formatRate(storeCurrency: string, payer: { currency: string; rate: string; rateScale: number }): string {
  return `1 ${storeCurrency} = ${rateForDisplay(payer.rate, payer.rateScale)} ${payer.currency}`;
}
