/** What the stock page's forms share: reading typed quantities and costs, and naming the server's refusals. */
import { parseMoney } from '../../../../src-common/money';
import type { StockItem } from '../../../../src-common/office/stock';
import { parseQuantity } from '../../../format';
import type { OfficeApiError } from '../../api';

/** A typed quantity in thousandths for the product's unit (whole pieces; kg to the gram); `zero` allows 0 (a count). */
export function quantityOf(text: string, unit: StockItem['unit'], zero = false): number | null {
  if (zero && /^\s*0+(\.0*)?\s*$/.test(text)) return 0;
  const milli = parseQuantity(text);
  if (milli === null) return null;
  return unit === 'each' && milli % 1000 !== 0 ? null : milli;
}

/** A typed unit cost in fen, or null. */
export function costOf(text: string): number | null {
  try {
    return parseMoney(text, 'CNY');
  } catch {
    return null;
  }
}

/** The server's reason for a refused document, when it gave one this page has words for. */
export function refusalKey(error: OfficeApiError): string | null {
  const reason = (error.details as { reason?: string } | undefined)?.reason;
  if (reason === 'not_enough_stock') return 'officeStock.error.notEnough';
  if (reason === 'unknown_product') return 'officeStock.error.unknownProduct';
  return null;
}

export const productLabel = (p: Pick<StockItem, 'sku' | 'name'>) => `${p.sku} · ${p.name}`;
