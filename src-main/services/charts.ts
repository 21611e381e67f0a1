/**
 * The owner's charts (issue 7): takings by hour of a business day beside the same weekday a week before,
 * and the tender/wallet mix over business dates, both read from the quarter-hour totals the database
 * keeps with each sale (whatever the size of the table) plus the sales at the window's edges. A business
 * day is the Z report's: 04:00 to 04:00 local (reports.ts businessDayWindow), so a day's mix and hourly
 * total match its Z to the fen. (The day totals kept by sale.business_date turn at midnight: not used.)
 */
import type { Database } from 'better-sqlite3';
import type { HourlyChart, WalletMix } from '../../src-common/calls/owner';
import { PosError } from '../../src-common/errors';
import type { TenderKind } from '../../src-common/schemas';
import type { Clock } from '../clock';
import { businessDateOf, businessDayWindow, takingsByHour, tendersInWindow } from './reports';
import { businessDate } from './sales';

export interface ChartsService {
  hourly(date?: string): HourlyChart;
  walletMix(from: string, to: string): WalletMix;
}

/** Local midnight of a 'YYYY-MM-DD' date. */
export function localMidnight(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const at = new Date(y, m - 1, d);
  if (businessDate(at) !== date) throw new PosError('validation_failed', `No such date ${date}`, { reason: 'bad_date', date });
  return at;
}

/** The window of one local calendar day (from < t ≤ to, so from is the instant before midnight). Not a business day: see businessDayWindow. */
export function dayWindow(terminalId: string, date: string): { terminalId: string; from: string; to: string } {
  const start = localMidnight(date);
  const next = new Date(start.getFullYear(), start.getMonth(), start.getDate() + 1);
  return { terminalId, from: new Date(start.getTime() - 1).toISOString(), to: new Date(next.getTime() - 1).toISOString() };
}

export function createChartsService(deps: { db: Database; clock: Clock; terminalId: string }): ChartsService {
  const { db, clock, terminalId } = deps;
  return {
    hourly(date) {
      // The x-axis stays the clock's hours (0:00–23:00), but the day is a business day: "today" is the
      // current business date (at 01:30 still yesterday's), and its window runs 04:00 → 04:00, so the
      // bars of 0:00–3:00 are that night's late sales after midnight and the 24 bars sum to the day's Z.
      const day = date ?? businessDateOf(clock.now());
      const start = localMidnight(day);
      const compareDate = businessDate(new Date(start.getFullYear(), start.getMonth(), start.getDate() - 7));
      const today = new Map(takingsByHour(db, businessDayWindow(terminalId, day)).map((h) => [h.hour, h]));
      const before = new Map(takingsByHour(db, businessDayWindow(terminalId, compareDate)).map((h) => [h.hour, h]));
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
      // Business dates, 04:00 → 04:00 as the Z report's: a sale at 01:30 counts to the day before.
      const kinds = tendersInWindow(db, businessDayWindow(terminalId, from, to))
        .map((k) => ({ kind: k.kind as TenderKind, count: k.count, amount: k.amount }))
        .sort((a, b) => b.amount - a.amount || a.kind.localeCompare(b.kind));
      return { from, to, kinds };
    },
  };
}
