/** Small pieces the stock panel's parts share: quantities typed and shown, the products a sheet can take. */
import { formatQuantity } from '../../../../src-common/quantity';
import type { StockLevel } from '../../../../src-common/calls/stock';
import { parseQuantity } from '../../../format';

/** A level as a person reads it ("4", "-1", "12.5"); goods sold by weight in kg. */
export const level = (milli: number, unit: 'each' | 'kg') => formatQuantity(milli, unit, { kgDecimals: 'trimmed' }) + (unit === 'kg' ? ' kg' : '');

/** A typed quantity in thousandths, whole for goods sold by the piece; null when it is not one. `zero`: a count may be 0. */
export function typedQuantity(text: string, unit: 'each' | 'kg', zero = false): number | null {
  if (zero && /^\s*0+(\.0*)?\s*$/.test(text)) return 0;
  const milli = parseQuantity(text);
  if (milli === null) return null;
  return unit === 'each' && milli % 1000 !== 0 ? null : milli;
}

/** One product on a receiving or count sheet. */
export interface SheetLine {
  product: StockLevel;
  quantity: string;
  cost: string;
}

/** What was posted, said in the screen's language (kept as a key, so a language switch says it again). */
export interface PostedMessage {
  key: 'stock.received' | 'stock.countedDone';
  params: Record<string, string | number>;
}
