import { formatMoney } from '../src-common/money';
import { formatQuantity } from '../src-common/quantity';

export function money(amount: number, currency: string): string {
  return formatMoney(amount, currency);
}

/** 2 for pieces; 0.532kg for weighed goods. */
export function quantity(quantityMilli: number, unit: 'each' | 'kg'): string {
  return formatQuantity(quantityMilli, unit, { kgDecimals: 'trimmed' });
}

/** "2", "0.5", "1.25" typed by a person → thousandths; null if it is not a positive quantity with ≤ 3 decimals. */
export function parseQuantity(text: string): number | null {
  const match = /^\s*(\d{1,6})(?:\.(\d{1,3}))?\s*$/.exec(text);
  if (!match) return null;
  const milli = Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0'));
  return milli > 0 ? milli : null;
}
