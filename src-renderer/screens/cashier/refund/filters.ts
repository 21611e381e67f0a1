/** What the cashier types into the refund dialog's filters, and the lookup (refund.todaysSales) it asks for. */
import { parseMoney } from '../../../../src-common/money';

export interface SaleFilters {
  receiptNumber: string;
  amount: string;
  from: string;
  to: string;
  lastFour: string;
}

export const NO_FILTERS: SaleFilters = { receiptNumber: '', amount: '', from: '', to: '', lastFour: '' };

const RECEIPT_NUMBER = /^(?:[0-9A-Z]{4}-)?\d{1,9}$/i;

/** The typed filters as the lookup's input; null while the amount is not one (the list keeps its last answer). */
export function lookupInput(filters: SaleFilters, currency: string) {
  let amount: number | undefined;
  if (filters.amount.trim()) {
    try {
      amount = parseMoney(filters.amount, currency);
    } catch {
      return null;
    }
  }
  return {
    ...(amount !== undefined ? { amount } : {}),
    ...(/^\d{4}$/.test(filters.lastFour) ? { lastFour: filters.lastFour } : {}),
    ...(filters.from ? { from: filters.from } : {}),
    ...(filters.to ? { to: filters.to } : {}),
    // Narrows the list only once it reads as a receipt number; anything else (half typed, an e-receipt's text) waits for Enter.
    ...(RECEIPT_NUMBER.test(filters.receiptNumber.trim()) ? { receiptNumber: filters.receiptNumber.trim() } : {}),
  };
}
