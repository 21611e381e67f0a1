/**
 * The owner's today at a glance (issue 17, point 6): the current business day (the stored business date,
 * as the Z report, charts and exports select it) beside the same weekday a week before. Run by the SQL
 * worker: the top sellers read every line of the day (on the bench's 11,000-sale days, tens of ms).
 */
import type { Database } from 'better-sqlite3';
import { addDays, businessDateOf, businessDayStart, wallClockAt, type BusinessDayRule } from '../../src-common/business-day';
import type { Takings, TodayView } from '../../src-common/calls/owner';
import { WALLETS } from '../../src-common/payment-code';
import type { TenderKind } from '../../src-common/schemas';
import { dayRefundTotals, dayTenderTotals, dayTotals, lowStock, refundsOfDate, takingsBetween, topSellersOfDate } from '../../db/queries/today';

export const TOP_SELLERS = 10;
export const LOW_STOCK_LISTED = 20;
const WEEK_MS = 7 * 24 * 3600_000;
const HOUR_MS = 3600_000;

export interface TodayInput {
  terminalId: string;
  currency: string;
  businessDay: BusinessDayRule;
  /** ISO instant: "now" as the core's clock has it. */
  now: string;
  /** Whole units (Settings.lowStockThreshold). */
  lowStockThreshold: number;
}

const groupOf = (kind: string): 'cash' | 'wallet' | 'other' => (kind === 'cash' ? 'cash' : (WALLETS as readonly string[]).includes(kind) ? 'wallet' : 'other');
const GROUP_ORDER = ['cash', 'wallet', 'other'] as const;

/** amount / count to the fen, half up. */
const average = (amount: number, count: number) => (count === 0 ? null : Math.round(amount / count));

export function readToday(db: Database, input: TodayInput): TodayView {
  const { terminalId, businessDay: rule } = input;
  const now = new Date(input.now);
  const date = businessDateOf(now, rule);
  const compareDate = addDays(date, -7);
  // A week before, to the minute (the same wall-clock time unless a daylight-saving change fell in between).
  const weekBefore = new Date(now.getTime() - WEEK_MS);
  const wall = wallClockAt(now, rule.timeZone);
  const hourStart = new Date(now.getTime() - (wall.minute * 60 + wall.second) * 1000 - now.getMilliseconds());
  const hourStartWeekBefore = new Date(hourStart.getTime() - WEEK_MS);
  const iso = (d: Date) => d.toISOString();
  // closed_at > after: one millisecond before the hour's first instant.
  const justBefore = (d: Date) => iso(new Date(d.getTime() - 1));

  const totals = dayTotals(db, date);
  const sales: Takings = { count: totals.salesCount, amount: totals.total + totals.rounding };
  const refundWindow = { from: iso(businessDayStart(addDays(date, -1), rule)), to: iso(businessDayStart(addDays(date, 2), rule)) };
  const refunds = refundsOfDate(db, terminalId, date, refundWindow.from, refundWindow.to);

  const refundsByKind = new Map(dayRefundTotals(db, date).map((r) => [r.kind, r]));
  const kinds = new Map<string, { count: number; amount: number; refundCount: number; refunds: number }>();
  for (const t of dayTenderTotals(db, date)) kinds.set(t.kind, { count: t.count, amount: t.amount, refundCount: 0, refunds: 0 });
  for (const [kind, r] of refundsByKind) {
    const row = kinds.get(kind) ?? { count: 0, amount: 0, refundCount: 0, refunds: 0 };
    kinds.set(kind, { ...row, refundCount: r.count, refunds: r.amount });
  }
  const rows = [...kinds.entries()].map(([kind, r]) => ({ kind, ...r, net: r.amount - r.refunds }));
  const tenders = GROUP_ORDER.flatMap((group) => {
    const of = rows.filter((r) => groupOf(r.kind) === group);
    if (of.length === 0) return [];
    const sum = (k: 'count' | 'amount' | 'refundCount' | 'refunds' | 'net') => of.reduce((s, r) => s + r[k], 0);
    return [{ group, count: sum('count'), amount: sum('amount'), refundCount: sum('refundCount'), refunds: sum('refunds'), net: sum('net') }];
  });
  const wallets = rows
    .filter((r) => groupOf(r.kind) === 'wallet')
    .map((r) => ({ ...r, kind: r.kind as TenderKind }))
    .sort((a, b) => b.net - a.net || a.kind.localeCompare(b.kind));

  const lastWeekTotals = dayTotals(db, compareDate);
  const low = lowStock(db, input.lowStockThreshold * 1000, LOW_STOCK_LISTED);

  return {
    businessDate: date,
    compareDate,
    at: input.now,
    currency: input.currency,
    sales,
    net: sales.amount - refunds.amount,
    averageTicket: average(sales.amount, sales.count),
    refunds,
    tenders,
    wallets,
    topSellers: topSellersOfDate(db, terminalId, date, TOP_SELLERS),
    thisHour: {
      hour: wall.hour,
      today: takingsBetween(db, terminalId, date, justBefore(hourStart), input.now),
      lastWeek: takingsBetween(db, terminalId, compareDate, justBefore(hourStartWeekBefore), iso(weekBefore)),
      lastWeekWhole: takingsBetween(db, terminalId, compareDate, justBefore(hourStartWeekBefore), justBefore(new Date(hourStartWeekBefore.getTime() + HOUR_MS))),
    },
    daySoFar: {
      today: sales,
      lastWeek: takingsBetween(db, terminalId, compareDate, '', iso(weekBefore)),
      lastWeekWhole: { count: lastWeekTotals.salesCount, amount: lastWeekTotals.total + lastWeekTotals.rounding },
    },
    lowStock: { threshold: input.lowStockThreshold, count: low.count, items: low.items },
  };
}
