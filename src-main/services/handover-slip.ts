/**
 * The shift handover slip (交接班单), printed on the receipt printer like the Z report: who handed over to whom and
 * when, the outgoing shift's float, sales (count and totals by tender), cash in/out, and the drawer's expected,
 * counted and over/short cash, to the fen; then the incoming cashier's float. Printed only once the outgoing count
 * is recorded (the blind count holds until then).
 */
import type { Database } from 'better-sqlite3';
import { saleTotals, tenderTotals } from '../../db/queries/reports';
import type { ShiftView } from '../../src-common/calls/owner';
import { formatMoney } from '../../src-common/money';
import type { ReceiptBlock } from '../../src-common/receipt-text';
import type { Language } from '../../src-common/schemas';
import { printedBlockWriter, printedLocalTime, printedTenderName } from './printed-blocks';

export interface HandoverSlip {
  closed: ShiftView;
  opened: ShiftView;
  /** The incoming cashier's float (her view of her open shift is blind: it is not in it). */
  nextFloat: number;
  currency: string;
  sales: { count: number; total: number };
  tenders: { kind: string; count: number; amount: number }[];
}

/** The closed shift's sales and tenders, read from its window (opened_at < closed_at ≤ closed_at). */
export function handoverSlip(db: Database, terminalId: string, h: { closed: ShiftView; opened: ShiftView; nextFloat: number }, currency: string): HandoverSlip {
  const { closed, opened } = h;
  const window = { terminalId, from: closed.openedAt, to: closed.closedAt ?? opened.openedAt };
  const completed = saleTotals(db, window).filter((r) => r.status === 'completed');
  return {
    closed,
    opened,
    nextFloat: h.nextFloat,
    currency,
    sales: { count: completed.reduce((n, r) => n + r.count, 0), total: completed.reduce((n, r) => n + r.total, 0) },
    tenders: tenderTotals(db, window).map(({ kind, count, amount }) => ({ kind, count, amount })),
  };
}

const LABELS = {
  'zh-CN': {
    title: '交接班单',
    out: '交班',
    in: '接班',
    from: '开班',
    to: '交班时间',
    float: '备用金',
    sales: '销售笔数',
    salesTotal: '销售额',
    tenders: '支付方式',
    cash: '现金',
    cashKept: '现金收入',
    cashRefunds: '现金退款',
    cashIn: '存入',
    cashOut: '取出',
    expected: '应有现金',
    counted: '实点现金',
    overShort: '长短款',
    next: '接班备用金',
    note: '备注',
    sign: '交班人签字：        接班人签字：',
  },
  en: {
    title: 'SHIFT HANDOVER',
    out: 'Handed over by',
    in: 'Taken over by',
    from: 'Shift opened',
    to: 'Handed over',
    float: 'Float',
    sales: 'Sales',
    salesTotal: 'Sales total',
    tenders: 'Tenders',
    cash: 'Cash',
    cashKept: 'Cash taken',
    cashRefunds: 'Cash refunds',
    cashIn: 'Cash in',
    cashOut: 'Cash out',
    expected: 'Expected cash',
    counted: 'Counted cash',
    overShort: 'Over/short',
    next: 'Next float',
    note: 'Note',
    sign: 'Out: ________  In: ________',
  },
} as const;

/** The slip laid out for a receipt printer of `columns` columns (labels left, amounts right). */
export function layoutHandoverSlip(slip: HandoverSlip, columns: number, language: Language, timeZone: string): ReceiptBlock[] {
  const L = LABELS[language];
  const money = (amount: number) => formatMoney(amount, slip.currency);
  const { out, text, wrapped, pair, rule } = printedBlockWriter(columns);
  const tenderName = (kind: string) => printedTenderName(language, kind);
  const { closed, opened } = slip;
  if (closed.blind) throw new Error('a handover slip is made of a closed shift');

  text(L.title, 'center', true);
  pair(L.out, closed.openedBy?.name ?? '—');
  pair(L.in, opened.openedBy?.name ?? '—');
  pair(L.from, printedLocalTime(closed.openedAt, timeZone));
  pair(L.to, printedLocalTime(closed.closedAt ?? opened.openedAt, timeZone));
  rule();
  pair(L.float, money(closed.cash.float));
  pair(L.sales, String(slip.sales.count));
  pair(L.salesTotal, money(slip.sales.total), true);
  if (slip.tenders.length) {
    text(L.tenders, 'left', true);
    for (const t of slip.tenders) pair(`${tenderName(t.kind)} ×${t.count}`, money(t.amount));
  }
  rule();
  text(L.cash, 'left', true);
  pair(L.cashKept, money(closed.cash.kept));
  pair(L.cashRefunds, money(-closed.cash.cashRefunds));
  pair(L.cashIn, money(closed.cash.cashIn));
  pair(L.cashOut, money(-closed.cash.cashOut));
  pair(L.expected, money(closed.cash.expected), true);
  pair(L.counted, money(closed.counted ?? 0), true);
  pair(L.overShort, money(closed.overShort ?? 0), true);
  if (closed.note) wrapped(`${L.note}: ${closed.note}`);
  rule();
  pair(L.next, money(slip.nextFloat));
  text('');
  text(L.sign);
  return out;
}
