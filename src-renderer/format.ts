import { formatMoney } from '../src-common/money';

export function money(amount: number, currency: string): string {
  return formatMoney(amount, currency);
}

/** 2 for pieces; 0.532kg for weighed goods. */
export function quantity(quantityMilli: number, unit: 'each' | 'kg'): string {
  if (unit === 'each' && quantityMilli % 1000 === 0) return String(quantityMilli / 1000);
  const text = (quantityMilli / 1000).toFixed(3).replace(/\.?0+$/, '');
  return unit === 'kg' ? `${text}kg` : text;
}

/** "2", "0.5", "1.25" typed by a person → thousandths; null if it is not a positive quantity with ≤ 3 decimals. */
export function parseQuantity(text: string): number | null {
  const match = /^\s*(\d{1,6})(?:\.(\d{1,3}))?\s*$/.exec(text);
  if (!match) return null;
  const milli = Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0'));
  return milli > 0 ? milli : null;
}
