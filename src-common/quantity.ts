/**
 * A quantity in thousandths of its unit, as people read it: 2000 → '2', 1500 → '1.5'; weights with 'kg', three
 * decimals as scales print them ('0.500kg'), or without trailing zeros on screen ('0.5kg'). Integer arithmetic only.
 */
export function formatQuantity(milli: number, unit: 'each' | 'kg', options: { kgDecimals?: 'fixed' | 'trimmed' } = {}): string {
  if (!Number.isSafeInteger(milli)) throw new RangeError(`quantity must be an integer number of thousandths, got ${String(milli)}`);
  const sign = milli < 0 ? '-' : '';
  const abs = Math.abs(milli);
  const whole = Math.floor(abs / 1000).toString();
  const fraction = (abs % 1000).toString().padStart(3, '0');
  const trimmed = fraction.replace(/0+$/, '');
  const number = sign + whole + (trimmed ? `.${trimmed}` : '');
  if (unit === 'each') return number;
  return options.kgDecimals === 'trimmed' ? `${number}kg` : `${sign}${whole}.${fraction}kg`;
}
