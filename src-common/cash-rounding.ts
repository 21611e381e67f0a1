import { currencyExponent } from './money';
import type { CashRounding } from './pricing';
import type { CashRoundingSetting } from './schemas';

/** The terminal's cash-rounding setting as a rule for `cashDue`/`settle`; shared by main and the pay screen. */
export function cashRoundingFor(setting: CashRoundingSetting, currency: string): CashRounding | undefined {
  const exponent = currencyExponent(currency);
  // "0.1 yuan" only means something for a currency with at least one decimal.
  if (setting === 'none' || exponent < 1) return undefined;
  return { increment: 10 ** (exponent - 1), mode: setting === 'down-0.1' ? 'down' : 'half-up' };
}
