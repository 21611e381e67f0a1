/**
 * What the direct providers' sandboxes (WeChat Pay v2, v3, Alipay) play as the wallet's exchange: a Chinese customer
 * paying a store priced in another currency is charged CNY at a rate fixed when they pay (sync.md §3). The sandbox,
 * standing in for the wallet, converts; the till never does (it reads the CNY amount and rate from the reply).
 *
 * Rates are decimals "1 <currency> = <rate> CNY", configured per sandbox (tests pass their own so they know the CNY
 * amount to expect); these defaults are round figures of December 2026 for demos, not market rates.
 */
import { currencyExponent, roundDivBig } from '../../../src-common/money';

export type CnyRates = Readonly<Record<string, string>>;

export const SANDBOX_CNY_RATES: CnyRates = Object.freeze({
  JPY: '0.0482',
  KRW: '0.0052',
  HKD: '0.9200',
  MOP: '0.8900',
  TWD: '0.2200',
  USD: '7.1000',
  EUR: '7.7000',
  GBP: '9.0000',
  SGD: '5.3000',
});

const DECIMAL = /^(\d{1,12})(?:\.(\d{1,12}))?$/;

/** The CNY side of an order of `amount` minor units of `currency` at `rate`: fen, rounded half up; null for a CNY order or a currency without a rate. */
export function cnyOf(amount: number, currency: string, rates: CnyRates): { fen: number; rate: string } | null {
  if (currency === 'CNY') return null;
  const rate = Object.hasOwn(rates, currency) ? rates[currency] : undefined;
  if (rate === undefined) return null;
  const m = DECIMAL.exec(rate);
  if (!m) throw new RangeError(`not a decimal rate for ${currency}: ${rate}`);
  const fraction = m[2] ?? '';
  // amount / 10^exp × rate × 100 fen, exactly: amount × rateDigits × 100 / (10^exp × 10^fractionDigits).
  const numerator = BigInt(amount) * BigInt(m[1]! + fraction) * 100n;
  const denominator = 10n ** BigInt(currencyExponent(currency) + fraction.length);
  return { fen: Number(roundDivBig(numerator, denominator, 'half-up')), rate };
}

/** WeChat Pay v2's `rate`: the rate × 10^8 as an integer ("0.0482" → "4820000"), by moving digits (no rounding: at most 8 decimals). */
export function rateTimes1e8(rate: string): string {
  const m = DECIMAL.exec(rate);
  if (!m || (m[2] ?? '').length > 8) throw new RangeError(`not a rate WeChat can write × 10^8: ${rate}`);
  return (m[1]! + (m[2] ?? '').padEnd(8, '0')).replace(/^0+(?=\d)/, '');
}

/**
 * A refund's CNY side: the customer's CNY in the refund's proportion of the order, rounded half up
 * (refund_fee / total_fee = cash_refund_fee / cash_fee, as GitHub huangjunwen/wx-driver `mch/doc.go` reads WeChat's
 * pages: the customer is refunded in what they paid with, in the refund's share).
 */
export function cnyShare(cnyTotal: number, part: number, total: number): number {
  return Number(roundDivBig(BigInt(cnyTotal) * BigInt(part), BigInt(total), 'half-up'));
}
