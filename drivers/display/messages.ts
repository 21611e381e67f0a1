/**
 * What a customer display shows at each step of a sale, whatever its protocol: two rows of text for 2×20
 * character displays (Epson set, CD5220) and one amount with one lamp for 8-digit LED price displays.
 * encode.ts turns a message into a protocol's bytes.
 *
 * Decisions:
 * - **Language** is the caller's (`zh-CN` or `en`); labels are 合计/收款/找零… or TOTAL/PAID/CHANGE…. An
 *   ASCII-only display shows zh-CN text as pinyin (text.ts), so the technician should pair such a display
 *   with English.
 * - **Money without the currency sign** (`formatMoney(…, { symbol: false })`: `1,234.50`): on 20 cells the
 *   label says what the number is, the LED display has no sign at all, and `¥` is 2 cells on a Chinese
 *   display and not in an ASCII display's character set.
 * - Text from the catalog or config (product and store names) is sanitised here, and every row fits the
 *   columns by display width (ASCII 1 cell, Chinese 2), so the encoders' own fitting never cuts our layout.
 *   Rows carry no trailing spaces; the encoders pad them.
 * - LED: an item shows its unit price (单价 lamp), the total 合计, the tendered amount 收款, the change 找零;
 *   idle and thank-you screens show no amount and no lamp.
 */
import { currencyExponent, formatMoney } from '../../src-common/money';
import type { Language } from '../../src-common/schemas';
import { centerToWidth, displayWidth, padStartToWidth, sanitizePrintable, truncateToWidth } from '../../src-common/text-width';
import type { LedLamp } from './led8';
import { formatQuantity } from '../../src-common/quantity';

export interface DisplayMessage {
  /** Upper and lower row, each at most `columns` cells wide, no trailing spaces. */
  readonly lines: readonly [string, string];
  /** For LED price displays: the amount (minor units, `exponent` decimals) and its lamp; null for none. */
  readonly led: { readonly lamp: LedLamp | null; readonly amount: number | null; readonly exponent: number };
}

export interface DisplayMessageOptions {
  readonly language: Language;
  /** ISO 4217 code of the amounts (minor units). */
  readonly currency: string;
  /** Cells per row (default 20). */
  readonly columns?: number;
}

export interface ItemOptions extends DisplayMessageOptions {
  /** 'kg': the quantity is a weight, shown with 3 decimals and 'kg' (default 'each'). */
  readonly unit?: 'each' | 'kg';
}

const LABELS = {
  'zh-CN': { total: '合计', paid: '收款', change: '找零', thanks: ['谢谢惠顾', '欢迎再次光临'], welcome: '欢迎光临' },
  en: { total: 'TOTAL', paid: 'PAID', change: 'CHANGE', thanks: ['THANK YOU', 'PLEASE COME AGAIN'], welcome: 'WELCOME' },
} as const;

function columnsOf(options: DisplayMessageOptions): number {
  const columns = options.columns ?? 20;
  if (!Number.isInteger(columns) || columns < 8 || columns > 40) throw new RangeError(`columns must be an integer from 8 to 40, got ${String(columns)}`);
  return columns;
}

const clean = (text: string): string => sanitizePrintable(text).trim();

/** `text` cut to the row and centred (left padding only). */
const centred = (text: string, columns: number): string => centerToWidth(truncateToWidth(text, columns), columns);

/** `left` and `right` on one row, `right` flush right; `left` is cut to leave one space before `right`. */
function pair(left: string, right: string, columns: number): string {
  const room = columns - displayWidth(right) - 1;
  if (room < 1) return padStartToWidth(truncateToWidth(right, columns), columns).trimEnd();
  const head = truncateToWidth(left, room);
  return head + ' '.repeat(columns - displayWidth(head) - displayWidth(right)) + right;
}

function message(options: DisplayMessageOptions, lines: readonly [string, string], lamp: LedLamp | null, amount: number | null): DisplayMessage {
  return { lines, led: { lamp, amount, exponent: currencyExponent(options.currency) } };
}

/**
 * A line just added or changed: the product name on the upper row; `2 x 3.50` and the line total on the
 * lower row (only the line total when both do not fit). LED: the unit price, 单价 lamp.
 * `quantityMilli` is in thousandths (2 each = 2000, 0.532 kg = 532).
 */
export function displayForItem(name: string, unitPrice: number, quantityMilli: number, lineTotal: number, options: ItemOptions): DisplayMessage {
  const columns = columnsOf(options);
  const money = (amount: number): string => formatMoney(amount, options.currency, { symbol: false });
  const total = money(lineTotal);
  const detail = `${formatQuantity(quantityMilli, options.unit ?? 'each')} x ${money(unitPrice)}`;
  const lower = displayWidth(detail) + 1 + displayWidth(total) <= columns ? pair(detail, total, columns) : pair('', total, columns);
  return message(options, [truncateToWidth(clean(name), columns), lower], 'price', unitPrice);
}

/** The amount due: 合计 / TOTAL, the amount flush right on the lower row. LED: 合计 lamp. */
export function displayForTotal(total: number, options: DisplayMessageOptions): DisplayMessage {
  const columns = columnsOf(options);
  const label = LABELS[options.language].total;
  return message(options, [truncateToWidth(label, columns), pair('', formatMoney(total, options.currency, { symbol: false }), columns)], 'total', total);
}

/** The amount tendered as the cashier enters it: 收款 / PAID. LED: 收款 lamp. */
export function displayForPaid(paid: number, options: DisplayMessageOptions): DisplayMessage {
  const columns = columnsOf(options);
  const label = LABELS[options.language].paid;
  return message(options, [truncateToWidth(label, columns), pair('', formatMoney(paid, options.currency, { symbol: false }), columns)], 'collect', paid);
}

/** After payment: 收款 and the amount on the upper row, 找零 and the change on the lower. LED: the change, 找零 lamp. */
export function displayForChange(paid: number, change: number, options: DisplayMessageOptions): DisplayMessage {
  const columns = columnsOf(options);
  const L = LABELS[options.language];
  const money = (amount: number): string => formatMoney(amount, options.currency, { symbol: false });
  return message(options, [pair(L.paid, money(paid), columns), pair(L.change, money(change), columns)], 'change', change);
}

/** After the sale: 谢谢惠顾 / 欢迎再次光临 (THANK YOU / PLEASE COME AGAIN), centred. LED: nothing. */
export function displayForThanks(options: DisplayMessageOptions): DisplayMessage {
  const columns = columnsOf(options);
  const [upper, lower] = LABELS[options.language].thanks;
  return message(options, [centred(upper, columns), centred(lower, columns)], null, null);
}

/** Between sales: the store name and 欢迎光临 / WELCOME, centred. LED: nothing. */
export function displayIdle(storeName: string, options: DisplayMessageOptions): DisplayMessage {
  const columns = columnsOf(options);
  return message(options, [centred(clean(storeName), columns), centred(LABELS[options.language].welcome, columns)], null, null);
}
