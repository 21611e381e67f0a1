/**
 * The layout of a till receipt, shared by every renderer: `layoutReceipt` turns a ReceiptDocument into
 * blocks (a line of text with its alignment and style, a rule, a QR code) that already fit the paper width;
 * `renderReceiptText` prints them as plain text, the ESC/POS encoder and the receiptline preview in
 * drivers/receipt/ send the same blocks to a printer or an SVG. Widths follow text-width.ts.
 */
import { formatPayerAmount, formatRate } from './cross-border';
import { maskCode, maskSecretsInText } from './mask';
import { formatMoney } from './money';
import { classifyPaymentCode } from './payment-code';
import type { ReceiptCrossBorder, ReceiptDocument } from './receipt';
import { centerToWidth, displayWidth, padStartToWidth, sanitizePrintable, wrapToWidth } from './text-width';
import { formatQuantity } from './quantity';

export type ReceiptAlign = 'left' | 'center' | 'right';
/** 'tall' = double height (same columns); 'large' = double width and height (half the columns). */
export type ReceiptTextSize = 'normal' | 'tall' | 'large';

export type ReceiptBlock =
  | {
      readonly kind: 'text';
      /** Fits the line: displayWidth(text) ≤ columns, or ≤ columns / 2 when size is 'large'. No trailing spaces. */
      readonly text: string;
      readonly align: ReceiptAlign;
      readonly bold: boolean;
      readonly size: ReceiptTextSize;
    }
  | { readonly kind: 'rule' }
  | { readonly kind: 'qr'; readonly data: string }
  /** CODE128 (code set B): printable ASCII only, at most BARCODE_MAX characters. */
  | { readonly kind: 'barcode'; readonly data: string };

export const BARCODE_MAX = 30;

export interface ReceiptLayoutOptions {
  /** Characters per line of the printer's standard font: 32 on 58 mm paper, 48 on 80 mm (42 on some). */
  readonly columns: number;
}

export const MIN_COLUMNS = 16;
export const MAX_COLUMNS = 128;

interface Labels {
  receiptNumber: string;
  till: string;
  cashier: string;
  time: string;
  taxId: string;
  refund: string;
  void: string;
  lineDiscount: string;
  subtotal: string;
  discount: string;
  total: string;
  roundingDown: string;
  roundingUp: string;
  due: string;
  taxRate: string;
  tax: string;
  change: string;
  reference: string;
  eReceipt: string;
  priced: string;
  customerPaid: string;
  customerRefunded: string;
  rate: string;
  transaction: string;
  tenders: Readonly<Record<string, string>>;
}

const ZH: Labels = {
  receiptNumber: '单号',
  till: '收银台',
  cashier: '收银员',
  time: '时间',
  taxId: '税号',
  refund: '退货单',
  void: '作废',
  lineDiscount: '优惠',
  subtotal: '小计',
  discount: '优惠',
  total: '合计',
  roundingDown: '抹零',
  roundingUp: '舍入',
  due: '应付',
  taxRate: '税率',
  tax: '税额',
  change: '找零',
  reference: '参考号',
  eReceipt: '扫码查看电子小票',
  priced: '标价',
  customerPaid: '顾客支付',
  customerRefunded: '退回顾客',
  rate: '汇率',
  transaction: '交易号',
  tenders: { cash: '现金', wechat: '微信支付', alipay: '支付宝', unionpay: '云闪付', ecny: '数字人民币', jdpay: '京东支付', bestpay: '翼支付', points: '积分抵扣' },
};

const EN: Labels = {
  receiptNumber: 'Receipt',
  till: 'Till',
  cashier: 'Cashier',
  time: 'Time',
  taxId: 'Tax ID',
  refund: 'REFUND',
  void: 'VOID',
  lineDiscount: 'Discount',
  subtotal: 'Subtotal',
  discount: 'Discount',
  total: 'Total',
  roundingDown: 'Rounding',
  roundingUp: 'Rounding',
  due: 'Amount due',
  taxRate: 'Tax rate',
  tax: 'Tax',
  change: 'Change',
  reference: 'Ref',
  eReceipt: 'Scan for your e-receipt',
  priced: 'Priced',
  customerPaid: 'Customer paid',
  customerRefunded: 'Refunded to customer',
  rate: 'Rate',
  transaction: 'Transaction',
  tenders: { cash: 'Cash', wechat: 'WeChat Pay', alipay: 'Alipay', unionpay: 'UnionPay QuickPass', ecny: 'e-CNY', jdpay: 'JD Pay', bestpay: 'BestPay', points: 'Points' },
};

const INDENT = '  ';

type Style = { readonly bold?: boolean; readonly size?: ReceiptTextSize };

function text(content: string, align: ReceiptAlign = 'left', style: Style = {}): ReceiptBlock {
  return { kind: 'text', text: content, align, bold: style.bold ?? false, size: style.size ?? 'normal' };
}

/** `content` wrapped to the line, each line prefixed by `indent` (dropped when the line is too narrow). */
function wrapped(content: string, columns: number, align: ReceiptAlign = 'left', indent = '', style: Style = {}): ReceiptBlock[] {
  const room = columns - displayWidth(indent);
  const prefix = room >= columns / 2 ? indent : '';
  return wrapToWidth(content, columns - displayWidth(prefix)).map((line) => text(prefix + line, align, style));
}

/**
 * A label on the left and an amount on the right of one line; when both do not fit, the label wraps and
 * the amount goes under it, right-aligned.
 */
function pair(left: string, right: string, columns: number, indent = '', style: Style = {}): ReceiptBlock[] {
  const head = indent + left;
  const gap = columns - displayWidth(head) - displayWidth(right);
  if (gap >= 1) return [text(head + ' '.repeat(gap) + right, 'left', style)];
  return [...wrapped(left, columns, 'left', indent, style), ...wrapped(right, columns, 'right', '', style)];
}

/** Basis points as a percentage: 1300 → '13%', 650 → '6.5%'. */
function percent(bp: number): string {
  const whole = Math.trunc(bp / 100).toString();
  const fraction = Math.abs(bp % 100).toString().padStart(2, '0').replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''}%`;
}

/** '2026-11-22T14:03:05+08:00' → '2026-11-22 14:03:05' (the wall-clock time as issued, not converted). */
function printedTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

/**
 * A cross-border wallet tender's lines under it: the priced amount with its currency's code (a JPY store's ¥ looks
 * like CNY's), what the customer paid in their wallet's currency, the rate and the wallet's transaction id, each as
 * the wallet's reply gave it. A transaction id that reads as a payment code is masked like one.
 */
function crossBorderLines(amount: number, currency: string, cb: ReceiptCrossBorder, payerLabel: string, L: Labels, columns: number): ReceiptBlock[] {
  const out: ReceiptBlock[] = [];
  const line = (label: string, value: string) => out.push(...wrapped(`${label} ${value}`, columns, 'left', INDENT));
  line(L.priced, formatPayerAmount(amount, currency));
  line(payerLabel, formatPayerAmount(cb.payerAmount, cb.payerCurrency));
  if (cb.rate) line(L.rate, formatRate(currency, { currency: cb.payerCurrency, rate: cb.rate.text, rateScale: cb.rate.scale }));
  const id = cb.transactionId ? sanitizePrintable(cb.transactionId).trim() : '';
  if (id) line(L.transaction, classifyPaymentCode(id).ok ? maskCode(id) : id);
  return out;
}

/** The blocks of `doc` laid out for `columns` characters per line. Every text from the document is sanitised. */
export function layoutReceipt(doc: ReceiptDocument, options: ReceiptLayoutOptions): ReceiptBlock[] {
  const { columns } = options;
  if (!Number.isInteger(columns) || columns < MIN_COLUMNS || columns > MAX_COLUMNS) {
    throw new RangeError(`columns must be an integer from ${MIN_COLUMNS} to ${MAX_COLUMNS}, got ${String(columns)}`);
  }
  const L = doc.language === 'zh-CN' ? ZH : EN;
  const clean = (s: string): string => sanitizePrintable(s).trim();
  const money = (amount: number): string => formatMoney(amount, doc.currency);
  const field = (label: string, value: string): string => {
    const v = clean(value);
    return v ? `${label}: ${v}` : `${label}:`;
  };
  const out: ReceiptBlock[] = [];
  const rule = (): void => void out.push({ kind: 'rule' });

  // Header: the store name in large type (half the columns), the rest centred.
  out.push(...wrapped(clean(doc.header.storeName), Math.floor(columns / 2), 'center', '', { bold: true, size: 'large' }));
  if (doc.header.address) out.push(...wrapped(clean(doc.header.address), columns, 'center'));
  if (doc.header.taxId) out.push(...wrapped(field(L.taxId, doc.header.taxId), columns, 'center'));
  for (const line of doc.header.lines) out.push(...wrapped(clean(line), columns, 'center'));
  if (doc.kind !== 'sale') out.push(...wrapped(doc.kind === 'refund' ? L.refund : L.void, columns, 'center', '', { bold: true, size: 'tall' }));
  rule();

  out.push(...wrapped(field(L.receiptNumber, doc.receiptNumber), columns));
  out.push(...pair(field(L.till, doc.tillName), field(L.cashier, doc.cashier), columns));
  out.push(...wrapped(field(L.time, printedTime(doc.issuedAt)), columns));
  rule();

  for (const line of doc.lines) {
    out.push(...wrapped(clean(line.name), columns));
    const unitPrice = line.unit === 'kg' ? `${money(line.unitPrice)}/kg` : money(line.unitPrice);
    out.push(...pair(`${formatQuantity(line.quantityMilli, line.unit)} × ${unitPrice}`, money(line.gross), columns, INDENT));
    for (const promotion of line.promotions ?? []) out.push(...pair(clean(promotion.name), money(-promotion.saving), columns, INDENT));
    if (line.discount !== 0) out.push(...pair(L.lineDiscount, money(-line.discount), columns, INDENT));
  }
  rule();

  out.push(...pair(L.subtotal, money(doc.subtotal), columns));
  for (const promotion of doc.promotions ?? []) out.push(...pair(clean(promotion.name), money(-promotion.saving), columns));
  if (doc.discountTotal !== 0) out.push(...pair(L.discount, money(-doc.discountTotal), columns));
  out.push(...pair(L.total, money(doc.total), columns, '', { bold: true, size: 'tall' }));
  if (doc.rounding !== 0) {
    out.push(...pair(doc.rounding < 0 ? L.roundingDown : L.roundingUp, money(doc.rounding), columns));
    out.push(...pair(L.due, money(doc.total + doc.rounding), columns, '', { bold: true }));
  }
  if (doc.taxes.length > 0) {
    rule();
    for (const row of doc.taxes) out.push(...pair(`${L.taxRate}${doc.language === 'zh-CN' ? '' : ' '}${percent(row.rateBp)}`, `${L.tax} ${money(row.tax)}`, columns));
  }

  if (doc.tenders.length > 0 || doc.change !== 0) {
    rule();
    for (const tender of doc.tenders) {
      const label = Object.hasOwn(L.tenders, tender.kind) ? L.tenders[tender.kind] : undefined;
      out.push(...pair(label ?? clean(tender.kind), money(tender.amount), columns));
      // References are masked upstream; masking again costs nothing and a whole payment code must never print.
      const reference = tender.reference ? maskSecretsInText(clean(tender.reference)) : '';
      if (reference) out.push(...wrapped(`${L.reference}: ${reference}`, columns, 'left', INDENT));
      if (tender.crossBorder) out.push(...crossBorderLines(tender.amount, doc.currency, tender.crossBorder, doc.kind === 'sale' ? L.customerPaid : L.customerRefunded, L, columns));
    }
    if (doc.change !== 0 || doc.tenders.some((t) => t.kind === 'cash')) out.push(...pair(L.change, money(doc.change), columns));
  }

  const footer = doc.footer.map(clean).filter(Boolean);
  if (footer.length > 0) {
    rule();
    for (const line of footer) out.push(...wrapped(line, columns, 'center'));
  }
  const qr = doc.qr === undefined ? '' : clean(doc.qr);
  if (qr) {
    out.push(...wrapped(L.eReceipt, columns, 'center'));
    out.push({ kind: 'qr', data: qr });
  } else if (doc.barcode !== undefined) {
    const data = clean(doc.barcode);
    if (/^[\x20-\x7e]+$/.test(data) && data.length <= BARCODE_MAX) out.push({ kind: 'barcode', data });
  }
  return out;
}

/**
 * Plain-text lines of the blocks: alignment by padding, rules as dashes, styles dropped (a 'large' line is
 * centred by its own width), a QR code as its data wrapped to the line, a barcode as its number.
 */
export function blocksToTextLines(blocks: readonly ReceiptBlock[], columns: number): string[] {
  const lines: string[] = [];
  for (const block of blocks) {
    switch (block.kind) {
      case 'rule':
        lines.push('-'.repeat(columns));
        break;
      case 'qr':
        lines.push(...wrapToWidth(block.data, columns));
        break;
      case 'barcode':
        // The bars cannot be typed; the number printed under them (HRI) can.
        lines.push(centerToWidth(block.data, columns));
        break;
      case 'text':
        if (block.align === 'center') lines.push(centerToWidth(block.text, columns));
        else if (block.align === 'right') lines.push(padStartToWidth(block.text, columns));
        else lines.push(block.text);
        break;
    }
  }
  return lines;
}

/** The receipt as plain text, one line per printed line, each at most `columns` wide, ending with a newline. */
export function renderReceiptText(doc: ReceiptDocument, options: ReceiptLayoutOptions): string {
  return `${blocksToTextLines(layoutReceipt(doc, options), options.columns).join('\n')}\n`;
}
