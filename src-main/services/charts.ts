/**
 * The owner's charts (issue 7): takings by hour of a day beside the same weekday a week before (read from
 * the quarter-hour totals the database keeps with each sale, whatever the size of the table), and the
 * tender/wallet mix over business dates (read from the day totals kept with each sale).
 */
import type { Database } from 'better-sqlite3';
import { tenderMix } from '../../db/queries/reports';
import type { HourlyChart, WalletMix } from '../../src-common/calls/owner';
import { PosError } from '../../src-common/errors';
import type { TenderKind } from '../../src-common/schemas';
import type { Clock } from '../clock';
import { takingsByHour } from './reports';
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

/** The window of one local calendar day (from < t ≤ to, so from is the instant before midnight). */
export function dayWindow(terminalId: string, date: string): { terminalId: string; from: string; to: string } {
  const start = localMidnight(date);
  const next = new Date(start.getFullYear(), start.getMonth(), start.getDate() + 1);
  return { terminalId, from: new Date(start.getTime() - 1).toISOString(), to: new Date(next.getTime() - 1).toISOString() };
}

export function createChartsService(deps: { db: Database; clock: Clock; terminalId: string }): ChartsService {
  const { db, clock, terminalId } = deps;
  return {
    hourly(date) {
      const day = date ?? businessDate(clock.now());
      const start = localMidnight(day);
      const compareDate = businessDate(new Date(start.getFullYear(), start.getMonth(), start.getDate() - 7));
      const today = new Map(takingsByHour(db, dayWindow(terminalId, day)).map((h) => [h.hour, h]));
      const before = new Map(takingsByHour(db, dayWindow(terminalId, compareDate)).map((h) => [h.hour, h]));
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
      localMidnight(from);
      localMidnight(to);
      if (from > to) throw new PosError('validation_failed', 'The range ends before it starts', { reason: 'bad_range' });
      return { from, to, kinds: tenderMix(db, from, to).map((k) => ({ kind: k.kind as TenderKind, count: k.count, amount: k.amount })) };
    },
  };
}
