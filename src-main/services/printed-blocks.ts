/**
 * What the till's printed reports share (the X/Z report, the shift handover slip): receipt-printer blocks of
 * `columns` columns with labels left and amounts right, the store's wall-clock time, and the tenders' names.
 */
import { calendarDateIn, wallClockAt } from '../../src-common/business-day';
import type { ReceiptBlock } from '../../src-common/receipt-text';
import type { Language } from '../../src-common/schemas';
import { displayWidth, sanitizePrintable, wrapToWidth } from '../../src-common/text-width';

const TENDER_NAMES: Record<Language, Record<string, string>> = {
  'zh-CN': { cash: '现金', wechat: '微信支付', alipay: '支付宝', unionpay: '云闪付', ecny: '数字人民币', jdpay: '京东支付', bestpay: '翼支付', other: '其他' },
  en: { cash: 'Cash', wechat: 'WeChat Pay', alipay: 'Alipay', unionpay: 'UnionPay', ecny: 'e-CNY', jdpay: 'JD Pay', bestpay: 'BestPay', other: 'Other' },
};

/** A tender's printed name (its kind as is when it has none). */
export const printedTenderName = (language: Language, kind: string): string => (Object.hasOwn(TENDER_NAMES[language], kind) ? TENDER_NAMES[language][kind]! : kind);

const PROVIDER_NAMES: Record<Language, Record<string, string>> = {
  'zh-CN': { aggregator: '聚合支付', wechat_v2: '微信直连 v2', wechat_v3: '微信直连 v3', alipay: '支付宝直连' },
  en: { aggregator: 'Aggregator', wechat_v2: 'WeChat direct v2', wechat_v3: 'WeChat direct v3', alipay: 'Alipay direct' },
};

/** A payment provider's printed name (its id as is when it has none). */
export const printedProviderName = (language: Language, provider: string): string =>
  Object.hasOwn(PROVIDER_NAMES[language], provider) ? PROVIDER_NAMES[language][provider]! : provider;

/** The store's wall-clock date and time of an instant, as printed. */
export function printedLocalTime(iso: string, timeZone: string): string {
  const d = new Date(iso);
  const w = wallClockAt(d, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${calendarDateIn(d, timeZone)} ${pad(w.hour)}:${pad(w.minute)}`;
}

/** Appends blocks to `out`: a line, a wrapped text, a label and its value on one line (two when too wide), a rule. */
export function printedBlockWriter(columns: number) {
  const out: ReceiptBlock[] = [];
  const text = (t: string, align: 'left' | 'center' = 'left', bold = false) => out.push({ kind: 'text', text: t, align, bold, size: 'normal' });
  const wrapped = (t: string, align: 'left' | 'center' = 'left', bold = false) => {
    for (const line of wrapToWidth(sanitizePrintable(t), columns)) text(line, align, bold);
  };
  const pair = (label: string, value: string, bold = false) => {
    const left = sanitizePrintable(label);
    const right = sanitizePrintable(value);
    const gap = columns - displayWidth(left) - displayWidth(right);
    if (gap >= 1) text(left + ' '.repeat(gap) + right, 'left', bold);
    else {
      wrapped(left, 'left', bold);
      text(' '.repeat(Math.max(0, columns - displayWidth(right))) + right, 'left', bold);
    }
  };
  const rule = () => out.push({ kind: 'rule' });
  return { out, text, wrapped, pair, rule };
}
