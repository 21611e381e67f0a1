/**
 * X and Z reports (issue 7).
 *
 * The business day: a Z report closes it. It covers every fact of this terminal since the previous Z
 * (from < t ≤ to, where from is the previous Z's `to` and, for the first Z, the beginning): completed and
 * voided sales by the moment they closed, refunds and same-day voids by the moment they became final,
 * cash movements by their time. What happens after a Z belongs to the next business day. A Z carries the
 * business date it closes: the local calendar date of the moment it is taken, where the day turns at
 * 04:00 (a Z taken at 01:30 after a late evening closes the day before). One Z per business date: a
 * second one for a closed date is refused (conflict, reason 'day_closed'). An X report is the same
 * computation over the open business day (since the last Z until now), not stored; after the day's Z it
 * is labelled with the next business date, which its facts belong to.
 *
 * Money: gross (before discounts) − discounts = sales (the sales' totals); sales + rounding = what the
 * tenders took; net = sales + rounding − refunds = Σ tenders' net. Tax by rate: the sales' tax less the
 * refunds' tax, where a refund's tax is its lines at their rates and any amount not on lines split by the
 * sale's tax (as on the refund receipt). Items: pieces of lines sold by the piece, 1 per weighed line.
 */
import type { Database } from 'better-sqlite3';
import { newId } from '../../db/ids';
import {
  findZReport,
  insertXReport,
  hourTotals,
  insertZReport,
  itemQuarterTotals,
  itemTotals,
  lastZReport,
  merchantDiscountTotal,
  listZReports,
  payerRefundTotals,
  payerTenderTotals,
  localHours,
  quarterOf,
  quarterTakings,
  refundGroupLegs,
  refundLineTaxables,
  refundsInWindow,
  saleQuarterTotals,
  saleTaxSplit,
  saleTotals,
  taxQuarterTotals,
  taxTotals,
  tenderQuarterTotals,
  tenderTotals,
  zReportForDate,
  type QuarterRange,
  type SaleTotalsRow,
  type Window,
  type WindowRefundRow,
} from '../../db/queries/reports';
import { cashMovementsInWindow } from '../../db/queries/shifts';
import { promotionTotals, type PromotionTotalRow } from '../../db/queries/promotions';
import { findUser } from '../../db/queries/users';
import { pointsInWindow } from '../../db/queries/members';
import type { ReportView, ZSummary } from '../../src-common/calls/owner';
import { PosError } from '../../src-common/errors';
import { allocate, formatMoney, inclusiveTax } from '../../src-common/money';
import type { ReceiptBlock } from '../../src-common/receipt-text';
import type { Session } from '../../src-common/roles';
import { TenderKind, type Language } from '../../src-common/schemas';
import { printedBlockWriter, printedLocalTime, printedProviderName, printedTenderName } from './printed-blocks';
import { formatPayerAmount } from '../../src-common/cross-border';
import { businessDateOf, businessDaysInterval, parseDate, type BusinessDayRule } from '../../src-common/business-day';
import type { Clock } from '../clock';
import type { AuditService } from './audit';
import { openBusinessDate } from './business-date';

/**
 * The window of business dates `from`..`to` ('YYYY-MM-DD', both included) under the terminal's rule: from
 * the first date's turn to the turn after the last (from < t ≤ to, so each end is the instant before a
 * turn), i.e. exactly the instants whose businessDateOf falls in the range. The Z report, the CSV exports
 * and the charts all use this. A date that does not exist is refused (validation_failed, reason
 * 'bad_date'); `to` before `from`, 'bad_range'.
 */
export function businessDayWindow(terminalId: string, rule: BusinessDayRule, from: string, to: string = from): { terminalId: string; from: string; to: string } {
  for (const date of [from, to]) {
    if (!parseDate(date)) throw new PosError('validation_failed', `No such date ${date}`, { reason: 'bad_date', date });
  }
  if (from > to) throw new PosError('validation_failed', 'The range ends before it starts', { reason: 'bad_range' });
  const { start, end } = businessDaysInterval(from, to, rule);
  return { terminalId, from: new Date(start.getTime() - 1).toISOString(), to: new Date(end.getTime() - 1).toISOString() };
}

const WALLETS: readonly string[] = ['wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay'];
const TENDER_ORDER: readonly string[] = TenderKind.options;

/** Everything a report is made of, as read from the database (the arithmetic is in assembleReport). */
export interface ReportParts {
  sales: { count: number; gross: number; discounts: number; total: number; rounding: number; tax: number };
  cartVoids: number;
  tenders: { kind: string; count: number; amount: number; tendered: number }[];
  taxes: { rateBp: number; taxable: number; tax: number }[];
  items: { items: number; lines: number };
  cashiers: { userId: string | null; name: string | null; count: number; amount: number }[];
  hours: { hour: number; count: number; amount: number }[];
  /** Each refund's taxable by rate, with its tax when it is not simply the inclusive tax of that amount (a leg's share). */
  refunds: (WindowRefundRow & { taxables: { rateBp: number; amount: number; tax?: number }[] })[];
  cashIn: number;
  cashOut: number;
  /** What merchants funded of the wallet tenders (payment_list). */
  merchantDiscount: number;
  /** Promotion savings by promotion, read from the window's sales (not from quarter totals: promoted lines are few). */
  promotions: PromotionTotalRow[];
}

/**
 * The parts of a report over a window: the quarters wholly inside it from the quarter-hour totals, the
 * (at most two) partial quarters at its edges from the sales themselves; refunds and cash movements,
 * which are few, from their rows. Equal to readReportPartsFromRows to the fen (tested), in a handful of
 * rows per quarter instead of every sale, line, tax and tender of the day.
 */
export function readReportParts(db: Database, w: Window, timeZone: string): ReportParts {
  const { quarters, edges } = splitWindow(w);
  const sales = [...(quarters ? saleQuarterTotals(db, quarters) : []), ...edges.flatMap((e) => saleTotals(db, e))];
  const tenders = tendersInWindow(db, w);
  const taxes = sumBy([...(quarters ? taxQuarterTotals(db, quarters) : []), ...edges.flatMap((e) => taxTotals(db, e))], (t) => t.rateBp, ['taxable', 'tax']);
  const items = [...(quarters ? [itemQuarterTotals(db, quarters)] : []), ...edges.map((e) => itemTotals(db, e))].reduce(
    (a, b) => ({ items: a.items + b.items, lines: a.lines + b.lines }),
    { items: 0, lines: 0 },
  );
  const hours = takingsByHour(db, w, timeZone);
  return partsOf(db, w, sales, tenders, taxes, items, hours);
}

/** The same parts read from every sale of the window (the reference the quarter totals are checked against, and the bench's baseline). */
export function readReportPartsFromRows(db: Database, w: Window, timeZone: string): ReportParts {
  return partsOf(db, w, saleTotals(db, w), tenderTotals(db, w), taxTotals(db, w), itemTotals(db, w), hourTotals(db, w, timeZone));
}

const QUARTER_MS = 15 * 60_000;

/** A window as the whole quarters inside it and its (at most two) partial quarters at the edges. */
export function splitWindow(w: Window): { quarters: QuarterRange | null; edges: Window[] } {
  const toQuarter = quarterOf(w.to);
  const toStart = Date.parse(`${toQuarter}:00.000Z`);
  const lastEdge = { terminalId: w.terminalId, from: new Date(toStart - 1).toISOString(), to: w.to };
  if (w.from === null) return { quarters: { terminalId: w.terminalId, after: '', before: toQuarter }, edges: [lastEdge] };
  const fromQuarter = quarterOf(w.from);
  if (fromQuarter === toQuarter) return { quarters: null, edges: [w] };
  const fromEnd = Date.parse(`${fromQuarter}:00.000Z`) + QUARTER_MS;
  return {
    quarters: { terminalId: w.terminalId, after: fromQuarter, before: toQuarter },
    edges: [{ terminalId: w.terminalId, from: w.from, to: new Date(fromEnd - 1).toISOString() }, lastEdge],
  };
}

/** Completed sales' tenders by kind in a window (what the Z's tenders and the wallet mix show), from the quarter totals and the edges' sales. */
export function tendersInWindow(db: Database, w: Window): { kind: string; count: number; amount: number; tendered: number }[] {
  const { quarters, edges } = splitWindow(w);
  return sumBy([...(quarters ? tenderQuarterTotals(db, quarters) : []), ...edges.flatMap((e) => tenderTotals(db, e))], (t) => t.kind, ['count', 'amount', 'tendered']);
}

/** Completed sales' takings per local hour of a window, from the quarter totals and the edges' sales. */
export function takingsByHour(db: Database, w: Window, timeZone: string): { hour: number; count: number; amount: number }[] {
  const { quarters, edges } = splitWindow(w);
  return sumBy(
    [...(quarters ? localHours(quarterTakings(db, quarters).map((q) => ({ start: q.q, count: q.count, amount: q.amount })), timeZone) : []), ...edges.flatMap((e) => hourTotals(db, e, timeZone))],
    (h) => h.hour,
    ['count', 'amount'],
  ).sort((a, b) => a.hour - b.hour);
}

/** Rows with the same key summed field by field. */
function sumBy<T extends object, K>(rows: readonly T[], key: (row: T) => K, fields: readonly (keyof T)[]): T[] {
  const out = new Map<K, T>();
  for (const row of rows) {
    const k = key(row);
    const acc = out.get(k);
    if (!acc) out.set(k, { ...row });
    else for (const f of fields) (acc[f] as number) += row[f] as number;
  }
  return [...out.values()];
}

function partsOf(
  db: Database,
  w: Window,
  totals: readonly SaleTotalsRow[],
  tenders: ReportParts['tenders'],
  taxes: ReportParts['taxes'],
  items: ReportParts['items'],
  hours: ReportParts['hours'],
): ReportParts {
  const completed = sumBy(
    totals.filter((r) => r.status === 'completed'),
    (r) => r.userId,
    ['count', 'gross', 'discounts', 'total', 'rounding', 'tax', 'change'],
  );
  const sum = (f: (r: SaleTotalsRow) => number) => completed.reduce((s, r) => s + f(r), 0);
  const refunds = refundsInWindow(db, w).map((r) => ({ ...r, taxables: refundTaxables(db, r) }));
  const movements = cashMovementsInWindow(db, w.terminalId, w.from, w.to);
  return {
    sales: { count: sum((r) => r.count), gross: sum((r) => r.gross), discounts: sum((r) => r.discounts), total: sum((r) => r.total), rounding: sum((r) => r.rounding), tax: sum((r) => r.tax) },
    cartVoids: totals.filter((r) => r.status === 'voided').reduce((s, r) => s + r.count, 0),
    tenders: [...tenders].sort((a, b) => a.kind.localeCompare(b.kind)),
    taxes: [...taxes].sort((a, b) => b.rateBp - a.rateBp),
    items,
    cashiers: completed.map((r) => ({ userId: r.userId, name: r.userId ? (findUser(db, r.userId)?.name ?? null) : null, count: r.count, amount: r.total + r.rounding })),
    hours,
    refunds,
    cashIn: movements.find((m) => m.kind === 'in')?.amount ?? 0,
    cashOut: movements.find((m) => m.kind === 'out')?.amount ?? 0,
    merchantDiscount: merchantDiscountTotal(db, w),
    promotions: promotionTotals(db, w),
  };
}

/**
 * A refund's taxable amount (and tax) by rate: its lines at their rates, the rest split by the sale's tax, as on its
 * receipt. A refund of several legs has one receipt, its lines on its last leg: each other leg takes its share of
 * that receipt's taxable by rate (in proportion, largest remainder) and its tax on it, and the last leg what is left
 * of the receipt's taxable and tax. So each leg counts on its own (a leg that went through when the next was
 * refused, a leg in another day's Z), and all of them together are the receipt's figures to the fen.
 */
function refundTaxables(db: Database, refund: WindowRefundRow): { rateBp: number; amount: number; tax: number }[] {
  if (refund.legs <= 1) return receiptTaxables(db, refund.id, refund.saleId, refund.amount);
  const legs = refundGroupLegs(db, refund.refundGroup);
  const last = legs.at(-1)!;
  const whole = receiptTaxables(db, last.id, refund.saleId, legs.reduce((sum, l) => sum + l.amount, 0));
  const weights = whole.map((w) => Math.max(0, w.amount));
  const shareOf = (amount: number) =>
    allocate(amount, weights).map((part, i) => ({ rateBp: whole[i]!.rateBp, amount: part, tax: inclusiveTax(part, whole[i]!.rateBp) }));
  if (refund.id !== last.id) return shareOf(refund.amount);
  const others = legs.slice(0, -1).map((l) => shareOf(l.amount));
  return whole.map((w, i) => ({
    rateBp: w.rateBp,
    amount: w.amount - others.reduce((sum, o) => sum + o[i]!.amount, 0),
    tax: w.tax - others.reduce((sum, o) => sum + o[i]!.tax, 0),
  }));
}

/** The taxable by rate of a receipt for `amount` whose lines are those of refund `refundId`: the lines, the rest by the sale's tax. */
function receiptTaxables(db: Database, refundId: string, saleId: string, amount: number): { rateBp: number; amount: number; tax: number }[] {
  const byRate = new Map<number, number>();
  let onLines = 0;
  for (const l of refundLineTaxables(db, refundId)) {
    byRate.set(l.rateBp, (byRate.get(l.rateBp) ?? 0) + l.amount);
    onLines += l.amount;
  }
  const rest = amount - onLines;
  if (rest > 0) {
    const split = saleTaxSplit(db, saleId);
    if (split.length > 0) {
      const parts = allocate(rest, split.map((t) => Math.max(0, t.taxable)));
      split.forEach((t, i) => byRate.set(t.rateBp, (byRate.get(t.rateBp) ?? 0) + parts[i]!));
    } else {
      byRate.set(0, (byRate.get(0) ?? 0) + rest);
    }
  }
  return [...byRate.entries()].map(([rateBp, taxable]) => ({ rateBp, amount: taxable, tax: inclusiveTax(taxable, rateBp) }));
}

type ReportMoney = Omit<ReportView, 'kind' | 'zNo' | 'businessDate' | 'from' | 'to' | 'takenBy' | 'currency'>;

/** The report's figures from its parts: pure integer arithmetic, so its parts sum to its totals to the fen. */
export function assembleReport(p: ReportParts): ReportMoney {
  const refundsTotal = p.refunds.reduce((sum, r) => sum + r.amount, 0);
  const sales = p.sales.total;

  // By tender: what each took, and what went back through it (a mixed refund's wallet part to its wallet, its cash part in cash).
  const tenders = new Map<string, { count: number; amount: number; refundCount: number; refunds: number }>();
  const tender = (kind: string) => {
    let t = tenders.get(kind);
    if (!t) tenders.set(kind, (t = { count: 0, amount: 0, refundCount: 0, refunds: 0 }));
    return t;
  };
  for (const t of p.tenders) Object.assign(tender(t.kind), { count: t.count, amount: t.amount });
  for (const r of p.refunds) {
    if (r.walletAmount > 0) {
      const t = tender(r.tenderKind);
      t.refundCount += 1;
      t.refunds += r.walletAmount;
    }
    if (r.cashAmount > 0) {
      const t = tender('cash');
      t.refundCount += 1;
      t.refunds += r.cashAmount;
    }
  }
  const tenderRows = [...tenders.entries()]
    .sort((a, b) => TENDER_ORDER.indexOf(a[0]) - TENDER_ORDER.indexOf(b[0]))
    .map(([kind, t]) => ({ kind: kind as TenderKind, ...t, net: t.amount - t.refunds }));

  // Tax by rate: sales' taxable and tax, less the refunds' (each refund's tax rounded as on its receipt).
  const taxes = new Map<number, { taxable: number; tax: number; refundTaxable: number; refundTax: number }>();
  const rate = (rateBp: number) => {
    let t = taxes.get(rateBp);
    if (!t) taxes.set(rateBp, (t = { taxable: 0, tax: 0, refundTaxable: 0, refundTax: 0 }));
    return t;
  };
  for (const t of p.taxes) Object.assign(rate(t.rateBp), { taxable: t.taxable, tax: t.tax });
  for (const r of p.refunds) {
    for (const x of r.taxables) {
      if (x.amount === 0 && !x.tax) continue;
      const t = rate(x.rateBp);
      t.refundTaxable += x.amount;
      t.refundTax += x.tax ?? inclusiveTax(x.amount, x.rateBp);
    }
  }
  const taxRows = [...taxes.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([rateBp, t]) => ({ rateBp, ...t, netTaxable: t.taxable - t.refundTaxable, netTax: t.tax - t.refundTax }));

  // By cashier: sales by who closed them, refunds by who asked for them.
  const cashiers = new Map<string, { userId: string | null; name: string; count: number; amount: number; refundCount: number; refunds: number }>();
  const cashier = (userId: string | null, name: string | null) => {
    const key = userId ?? '';
    let c = cashiers.get(key);
    if (!c) cashiers.set(key, (c = { userId, name: name ?? '', count: 0, amount: 0, refundCount: 0, refunds: 0 }));
    return c;
  };
  for (const c of p.cashiers) Object.assign(cashier(c.userId, c.name), { count: c.count, amount: c.amount });
  // A refund of several legs is one refund (one receipt): counted once, its legs' money summed.
  const counted = new Set<string>();
  const firstOfRefund = (r: ReportParts['refunds'][number]) => !counted.has(r.refundGroup) && counted.add(r.refundGroup) !== undefined;
  for (const r of p.refunds) {
    const c = cashier(r.userId, r.userName);
    if (firstOfRefund(r)) c.refundCount += 1;
    c.refunds += r.amount;
  }
  const refundCount = counted.size;

  const cashRow = tenders.get('cash');
  const cashTender = p.tenders.find((t) => t.kind === 'cash');
  const cashRefunds = p.refunds.reduce((sum, r) => sum + r.cashAmount, 0);
  const saleVoids = new Set(p.refunds.filter((r) => r.isVoid === 1).map((r) => r.refundGroup)).size;
  const refundTax = taxRows.reduce((sum, t) => sum + t.refundTax, 0);
  return {
    gross: p.sales.gross,
    discounts: p.sales.discounts,
    sales,
    rounding: p.sales.rounding,
    refunds: refundsTotal,
    net: sales + p.sales.rounding - refundsTotal,
    tax: p.sales.tax - refundTax,
    merchantDiscounts: p.merchantDiscount,
    promotions: p.promotions,
    counts: {
      sales: p.sales.count,
      refunds: refundCount,
      voids: p.cartVoids + saleVoids,
      cartVoids: p.cartVoids,
      saleVoids,
      items: p.items.items,
      lines: p.items.lines,
    },
    taxes: taxRows,
    tenders: tenderRows,
    wallets: tenderRows.filter((t) => WALLETS.includes(t.kind)),
    cashiers: [...cashiers.values()].sort((a, b) => b.amount - a.amount || b.refunds - a.refunds || (a.userId ?? '').localeCompare(b.userId ?? '')),
    hours: p.hours.map((h) => ({ hour: h.hour, count: h.count, amount: h.amount })),
    cash: {
      tendered: cashTender?.tendered ?? 0,
      change: (cashTender?.tendered ?? 0) - (cashTender?.amount ?? 0),
      kept: cashRow?.amount ?? 0,
      refunds: cashRefunds,
      cashIn: p.cashIn,
      cashOut: p.cashOut,
      net: (cashRow?.amount ?? 0) - cashRefunds + p.cashIn - p.cashOut,
    },
  };
}

export interface ReportsService {
  x(): ReportView;
  /** The X report of now, kept as taken (printing it takes it; viewing it keeps nothing) and sent to the store server. */
  takeX(session: Session): ReportView;
  takeZ(session: Session): ReportView;
  listZ(beforeNo: number | null, limit: number): ZSummary[];
  getZ(zNo: number): ReportView;
  /** The report as printer blocks for `columns`. */
  layout(report: ReportView, columns: number): ReceiptBlock[];
}

export interface ReportsDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  terminalId: string;
  currency: () => string;
  language: () => Language;
  /** The terminal's day rule, read at each report: a change applies from the next Z on. */
  businessDay: () => BusinessDayRule;
}

/** The members' points of the window's sales and refunds, from the ledger (positive figures). */
export function membersSection(db: Database, w: Window): NonNullable<ReportView['members']> {
  const rows = pointsInWindow(db, w);
  const of = (reason: string, as?: string) => rows.filter((r) => r.reason === reason && (as === undefined || r.redeemed_as === as));
  const total = (list: typeof rows, key: 'count' | 'points' | 'amount' | 'uncollected') => list.reduce((sum, r) => sum + r[key], 0);
  const redeemed = of('redeem');
  // Debits are negative in the ledger; shown as positive figures (and never as -0, which JSON would not keep).
  const negated = (n: number) => (n === 0 ? 0 : -n);
  return {
    earned: { count: total(of('earn'), 'count'), points: total(of('earn'), 'points') },
    redeemed: {
      count: total(redeemed, 'count'),
      points: negated(total(redeemed, 'points')),
      amount: total(redeemed, 'amount'),
      asTender: total(of('redeem', 'tender'), 'amount'),
      asDiscount: total(of('redeem', 'discount'), 'amount'),
    },
    returned: { count: total(of('refund_redeem'), 'count'), points: total(of('refund_redeem'), 'points'), amount: total(of('refund_redeem'), 'amount') },
    takenBack: { count: total(of('refund_earn'), 'count'), points: negated(total(of('refund_earn'), 'points')), uncollected: total(of('refund_earn'), 'uncollected') },
  };
}

/**
 * A cross-border store's wallet tenders by wallet, provider and payer currency: the store's currency beside what the
 * customers paid in theirs as the replies said (sums of stored amounts only; see ReportView.payers).
 */
export function payersSection(db: Database, w: Window): NonNullable<ReportView['payers']> {
  const rows = new Map<string, NonNullable<ReportView['payers']>[number]>();
  const row = (wallet: string, provider: string, payerCurrency: string | null) => {
    const key = JSON.stringify([wallet, provider, payerCurrency]);
    let r = rows.get(key);
    if (!r) {
      r = { wallet: wallet as TenderKind, provider, payerCurrency, count: 0, amount: 0, payerAmount: 0, refundCount: 0, refunds: 0, payerRefunds: 0, refundsWithoutPayer: 0, refundsWithoutPayerAmount: 0, net: 0, payerNet: 0 };
      rows.set(key, r);
    }
    return r;
  };
  for (const t of payerTenderTotals(db, w)) Object.assign(row(t.wallet, t.provider, t.payerCurrency), { count: t.count, amount: t.amount, payerAmount: t.payerAmount });
  for (const x of payerRefundTotals(db, w)) {
    Object.assign(row(x.wallet, x.provider, x.payerCurrency), {
      refundCount: x.count,
      refunds: x.amount,
      payerRefunds: x.payerRefunds,
      refundsWithoutPayer: x.withoutPayer,
      refundsWithoutPayerAmount: x.withoutPayerAmount,
    });
  }
  return [...rows.values()]
    .map((r) => ({ ...r, net: r.amount - r.refunds, payerNet: r.payerAmount - r.payerRefunds }))
    .sort((a, b) => TENDER_ORDER.indexOf(a.wallet) - TENDER_ORDER.indexOf(b.wallet) || a.provider.localeCompare(b.provider) || (a.payerCurrency ?? '').localeCompare(b.payerCurrency ?? ''));
}

export function createReportsService(deps: ReportsDeps): ReportsService {
  const { db, clock, audit, terminalId } = deps;
  const person = (userId: string | null) => {
    const user = userId ? findUser(db, userId) : undefined;
    return user ? { id: user.id, name: user.name } : null;
  };

  function compute(kind: 'x' | 'z', now: Date, zNo: number | null, takenBy: string | null): ReportView {
    const last = lastZReport(db, terminalId);
    const window: Window = { terminalId, from: last?.to_at ?? null, to: now.toISOString() };
    const rule = deps.businessDay();
    // After today's Z, what an X shows already belongs to the next business day.
    const date = kind === 'x' ? openBusinessDate(db, terminalId, now, rule) : businessDateOf(now, rule);
    const currency = deps.currency();
    return {
      kind,
      zNo,
      businessDate: date,
      from: window.from,
      to: window.to,
      takenBy: person(takenBy),
      currency,
      ...assembleReport(readReportParts(db, window, rule.timeZone)),
      members: membersSection(db, window),
      // A CNY store's wallets charge its own currency: its reports stay as they were.
      ...(currency !== 'CNY' ? { payers: payersSection(db, window) } : {}),
    };
  }

  return {
    x: () => compute('x', clock.now(), null, null),

    takeX(session) {
      const userId = session.caller.userId;
      if (!userId) throw new PosError('forbidden', 'Sign in to take an X report');
      return db.transaction(() => {
        const report = compute('x', clock.now(), null, userId);
        const id = newId();
        insertXReport(db, {
          id,
          terminal_id: terminalId,
          business_date: report.businessDate,
          from_at: report.from,
          taken_at: report.to,
          taken_by: userId,
          currency: report.currency,
          sales_count: report.counts.sales,
          gross: report.gross,
          discounts: report.discounts,
          refunds: report.refunds,
          net: report.net,
          tax: report.tax,
          report: JSON.stringify(report),
        });
        audit.record({ actor: session.caller, action: 'report.takeX', subject: id, details: { businessDate: report.businessDate, sales: report.counts.sales, net: report.net } });
        return report;
      }).immediate();
    },

    takeZ(session) {
      const userId = session.caller.userId;
      if (!userId) throw new PosError('forbidden', 'Sign in to take a Z report');
      return db.transaction(() => {
        const now = clock.now();
        const date = businessDateOf(now, deps.businessDay());
        const last = lastZReport(db, terminalId);
        // Also after the day's hour changed (the date of now may then fall before the last Z's): Z dates only go forward.
        const closed = zReportForDate(db, terminalId, date) ?? (last && last.business_date > date ? last : undefined);
        if (closed) {
          throw new PosError('conflict', `The business day ${date} is closed already (Z ${closed.z_no})`, { reason: 'day_closed', businessDate: date, zNo: closed.z_no });
        }
        if (last && last.to_at >= now.toISOString()) {
          throw new PosError('conflict', 'The clock is behind the last Z report', { reason: 'clock_behind', lastZAt: last.to_at });
        }
        const zNo = (last?.z_no ?? 0) + 1;
        const report = compute('z', now, zNo, userId);
        insertZReport(db, {
          terminal_id: terminalId,
          z_no: zNo,
          business_date: date,
          from_at: report.from,
          to_at: report.to,
          taken_by: userId,
          currency: report.currency,
          sales_count: report.counts.sales,
          gross: report.gross,
          discounts: report.discounts,
          refunds: report.refunds,
          net: report.net,
          tax: report.tax,
          report: JSON.stringify(report),
        });
        audit.record({
          actor: session.caller,
          action: 'report.takeZ',
          subject: String(zNo),
          details: { businessDate: date, from: report.from, to: report.to, sales: report.counts.sales, net: report.net, refunds: report.refunds },
        });
        return report;
      }).immediate();
    },

    listZ(beforeNo, limit) {
      return listZReports(db, terminalId, limit, beforeNo).map((r) => ({
        zNo: r.z_no,
        businessDate: r.business_date,
        from: r.from_at,
        to: r.to_at,
        salesCount: r.sales_count,
        gross: r.gross,
        refunds: r.refunds,
        net: r.net,
        tax: r.tax,
      }));
    },

    getZ(zNo) {
      const row = findZReport(db, terminalId, zNo);
      if (!row) throw new PosError('not_found', `No Z report ${zNo}`, { zNo });
      return JSON.parse(row.report) as ReportView;
    },

    layout: (report, columns) => layoutReport(report, columns, deps.language(), deps.businessDay().timeZone),
  };
}

// --- the printed report ---

const LABELS = {
  'zh-CN': {
    x: 'X 报表（未结账）',
    z: 'Z 报表（日结）',
    no: '编号',
    date: '营业日',
    from: '自',
    to: '至',
    start: '开始',
    takenBy: '操作员',
    gross: '销售额（折前）',
    discounts: '折扣',
    sales: '销售额',
    rounding: '抹零/舍入',
    refunds: '退款',
    net: '净额',
    tax: '税额',
    counts: '笔数',
    salesCount: '销售',
    refundCount: '退款',
    voidCount: '作废',
    items: '商品件数',
    taxes: '税率',
    tenders: '支付方式',
    merchantDiscounts: '其中商户优惠（钱包）',
    members: '会员积分',
    pointsEarned: '积分发放',
    pointsRedeemed: '积分抵扣',
    pointsAsTender: '其中抵作支付',
    pointsAsDiscount: '其中抵作折扣',
    pointsReturned: '退款退回积分',
    pointsTakenBack: '退款扣回积分',
    promotions: '促销优惠',
    cashiers: '收银员',
    hours: '时段',
    cash: '现金',
    cashKept: '现金收入',
    cashRefunds: '现金退款',
    cashIn: '存入',
    cashOut: '取出',
    cashNet: '现金净额',
    payers: '顾客实付（按钱包回执）',
    payerPaid: '顾客支付',
    payerRefunded: '退回顾客',
    payerRefundsMissing: '回执未给出顾客币种金额的退款',
    payerNet: '顾客实付净额',
    payerMissing: '回执未给出顾客币种金额',
  },
  en: {
    x: 'X REPORT (day open)',
    z: 'Z REPORT (day closed)',
    no: 'No.',
    date: 'Business day',
    from: 'From',
    to: 'To',
    start: 'start',
    takenBy: 'By',
    gross: 'Gross',
    discounts: 'Discounts',
    sales: 'Sales',
    rounding: 'Rounding',
    refunds: 'Refunds',
    net: 'Net',
    tax: 'Tax',
    counts: 'Counts',
    salesCount: 'Sales',
    refundCount: 'Refunds',
    voidCount: 'Voids',
    items: 'Items',
    taxes: 'Tax rates',
    tenders: 'Tenders',
    merchantDiscounts: 'of which merchant-funded wallet discounts',
    members: 'Member points',
    pointsEarned: 'Points earned',
    pointsRedeemed: 'Points redeemed',
    pointsAsTender: 'of which as payment',
    pointsAsDiscount: 'of which as discount',
    pointsReturned: 'Points returned by refunds',
    pointsTakenBack: 'Points taken back by refunds',
    promotions: 'Promotions',
    cashiers: 'Cashiers',
    hours: 'Hours',
    cash: 'Cash',
    cashKept: 'Cash taken',
    cashRefunds: 'Cash refunds',
    cashIn: 'Cash in',
    cashOut: 'Cash out',
    cashNet: 'Cash net',
    payers: 'Customers paid (as the wallets replied)',
    payerPaid: 'Customers paid',
    payerRefunded: 'Back to customers',
    payerRefundsMissing: 'Refunds with no customer amount',
    payerNet: 'Customers paid, net',
    payerMissing: 'The replies gave no customer amount',
  },
} as const;

/** The report laid out for a receipt printer of `columns` columns (labels left, amounts right). */
export function layoutReport(report: ReportView, columns: number, language: Language, timeZone: string): ReceiptBlock[] {
  const L = LABELS[language];
  const money = (amount: number) => formatMoney(amount, report.currency);
  const { out, text, wrapped, pair, rule } = printedBlockWriter(columns);
  const tenderName = (kind: string) => printedTenderName(language, kind);

  wrapped(report.kind === 'z' ? L.z : L.x, 'center', true);
  if (report.zNo !== null) pair(L.no, `Z${String(report.zNo).padStart(4, '0')}`);
  pair(L.date, report.businessDate);
  pair(L.from, report.from ? printedLocalTime(report.from, timeZone) : L.start);
  pair(L.to, printedLocalTime(report.to, timeZone));
  if (report.takenBy) pair(L.takenBy, report.takenBy.name);
  rule();
  pair(L.gross, money(report.gross));
  pair(L.discounts, money(-report.discounts));
  pair(L.sales, money(report.sales));
  if (report.rounding !== 0) pair(L.rounding, money(report.rounding));
  pair(L.refunds, money(-report.refunds));
  pair(L.net, money(report.net), true);
  pair(L.tax, money(report.tax));
  rule();
  text(L.counts, 'left', true);
  pair(L.salesCount, String(report.counts.sales));
  pair(L.refundCount, String(report.counts.refunds));
  pair(L.voidCount, String(report.counts.voids));
  pair(L.items, String(report.counts.items));
  if (report.taxes.length) {
    rule();
    text(L.taxes, 'left', true);
    for (const t of report.taxes) pair(`${t.rateBp / 100}%  ${money(t.netTaxable)}`, money(t.netTax));
  }
  if (report.tenders.length) {
    rule();
    text(L.tenders, 'left', true);
    for (const t of report.tenders) {
      pair(`${tenderName(t.kind)} ×${t.count}`, money(t.amount));
      if (t.refunds !== 0) pair(`  ${L.refunds} ×${t.refundCount}`, money(-t.refunds));
    }
    if (report.merchantDiscounts) pair(L.merchantDiscounts, money(report.merchantDiscounts));
  }
  if (report.payers?.length) {
    rule();
    text(L.payers, 'left', true);
    const payer = (amount: number, currency: string) => (amount < 0 ? `-${formatPayerAmount(-amount, currency)}` : formatPayerAmount(amount, currency));
    for (const r of report.payers) {
      pair(`${tenderName(r.wallet)} · ${printedProviderName(language, r.provider)} ×${r.count}`, money(r.amount));
      if (r.refundCount) pair(`  ${L.refunds} ×${r.refundCount}`, money(-r.refunds));
      if (r.payerCurrency === null) {
        wrapped(`  ${L.payerMissing}`);
        continue;
      }
      pair(`  ${L.payerPaid}`, payer(r.payerAmount, r.payerCurrency));
      if (r.payerRefunds) pair(`  ${L.payerRefunded}`, payer(-r.payerRefunds, r.payerCurrency));
      if (r.refundsWithoutPayer) pair(`  ${L.payerRefundsMissing} ×${r.refundsWithoutPayer}`, money(-r.refundsWithoutPayerAmount));
      pair(`  ${L.payerNet}`, payer(r.payerNet, r.payerCurrency), true);
    }
  }
  const m = report.members;
  if (m && (m.earned.count || m.redeemed.count || m.returned.count || m.takenBack.count)) {
    rule();
    text(L.members, 'left', true);
    pair(`${L.pointsEarned} ×${m.earned.count}`, String(m.earned.points));
    pair(`${L.pointsRedeemed} ×${m.redeemed.count}  ${m.redeemed.points}`, money(m.redeemed.amount));
    if (m.redeemed.asTender) pair(`  ${L.pointsAsTender}`, money(m.redeemed.asTender));
    if (m.redeemed.asDiscount) pair(`  ${L.pointsAsDiscount}`, money(m.redeemed.asDiscount));
    if (m.returned.count) pair(`${L.pointsReturned} ×${m.returned.count}  ${m.returned.points}`, money(-m.returned.amount));
    if (m.takenBack.count) pair(`${L.pointsTakenBack} ×${m.takenBack.count}`, String(m.takenBack.points));
  }
  if (report.promotions?.length) {
    rule();
    text(L.promotions, 'left', true);
    for (const p of report.promotions) pair(`${p.name} ×${p.sales}`, money(-p.saving));
  }
  rule();
  text(L.cash, 'left', true);
  pair(L.cashKept, money(report.cash.kept));
  pair(L.cashRefunds, money(-report.cash.refunds));
  pair(L.cashIn, money(report.cash.cashIn));
  pair(L.cashOut, money(-report.cash.cashOut));
  pair(L.cashNet, money(report.cash.net), true);
  if (report.cashiers.length) {
    rule();
    text(L.cashiers, 'left', true);
    for (const c of report.cashiers) pair(`${c.name || '—'} ×${c.count}`, money(c.amount - c.refunds));
  }
  if (report.hours.length) {
    rule();
    text(L.hours, 'left', true);
    for (const h of report.hours) pair(`${String(h.hour).padStart(2, '0')}:00 ×${h.count}`, money(h.amount));
  }
  return out;
}
