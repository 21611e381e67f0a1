/**
 * The owner's charts (issue 7): takings by hour of a business day beside the same weekday a week before,
 * and the tender/wallet mix over business dates, both read from the quarter-hour totals the database
 * keeps with each sale (whatever the size of the table) plus the sales at the window's edges. A business
 * day is the Z report's (src-common/business-day.ts: the store's zone, turning at the configured hour),
 * so a day's mix and hourly total match its Z to the fen.
 */
import type { Database } from 'better-sqlite3';
import type { HourlyChart, WalletMix } from '../../src-common/calls/owner';
import type { TenderKind } from '../../src-common/schemas';
import { addDays, businessDateOf, type BusinessDayRule } from '../../src-common/business-day';
import type { Clock } from '../clock';
import { businessDayWindow, takingsByHour, tendersInWindow } from './reports';

export interface ChartsService {
  hourly(date?: string): HourlyChart;
  walletMix(from: string, to: string): WalletMix;
}

export function createChartsService(deps: { db: Database; clock: Clock; terminalId: string; businessDay: () => BusinessDayRule }): ChartsService {
  const { db, clock, terminalId } = deps;
  return {
    hourly(date) {
      // The x-axis stays the clock's hours (0:00–23:00), but the day is a business day: "today" is the
      // current business date (at 01:30 still yesterday's), and its window runs turn → turn (04:00 by
      // default), so the bars before the turn are that night's late sales and the 24 bars sum to the day's Z.
      const rule = deps.businessDay();
      const day = date ?? businessDateOf(clock.now(), rule);
      const today = new Map(takingsByHour(db, businessDayWindow(terminalId, rule, day), rule.timeZone).map((h) => [h.hour, h]));
      const compareDate = addDays(day, -7);
      const before = new Map(takingsByHour(db, businessDayWindow(terminalId, rule, compareDate), rule.timeZone).map((h) => [h.hour, h]));
      return {
        date: day,
        compareDate,
        hours: Array.from({ length: 24 }, (_, hour) => ({
          hour,
          amount: today.get(hour)?.amount ?? 0,
          count: today.get(hour)?.count ?? 0,
          compareAmount: before.get(hour)?.amount ?? 0,
          compareCount: before.get(hour)?.count ?? 0,
        })),
      };
    },
    walletMix(from, to) {
      // Business dates as the Z report's: a sale at 01:30 counts to the day before.
      const kinds = tendersInWindow(db, businessDayWindow(terminalId, deps.businessDay(), from, to))
        .map((k) => ({ kind: k.kind as TenderKind, count: k.count, amount: k.amount }))
        .sort((a, b) => b.amount - a.amount || a.kind.localeCompare(b.kind));
      return { from, to, kinds };
    },
  };
}
