/**
 * The owner's charts (issue 7): takings by hour of a business day beside the same weekday a week before,
 * and the tender/wallet mix over business dates. Both select by the stored business date (the date of the
 * Z that closes a sale, src-main/services/business-date.ts), never by a time window re-derived from the
 * current rule: a sale after an early Z counts to the next Z's date, as in the Z, the exports and history,
 * and a changed turn hour does not move past days.
 */
import type { Database } from 'better-sqlite3';
import type { HourlyChart, WalletMix } from '../../src-common/calls/owner';
import type { TenderKind } from '../../src-common/schemas';
import { addDays, businessDateOf, type BusinessDayRule } from '../../src-common/business-day';
import { localHours, takingsQuartersOfDate, tendersOfBusinessDates } from '../../db/queries/reports';
import type { Clock } from '../clock';
import { checkBusinessDates } from './business-date';

export interface ChartsService {
  hourly(date?: string): HourlyChart;
  walletMix(from: string, to: string): WalletMix;
}

export function createChartsService(deps: { db: Database; clock: Clock; terminalId: string; businessDay: () => BusinessDayRule }): ChartsService {
  const { db, clock, terminalId } = deps;
  /** The sales of one business date by the clock hour they closed at (the 0:00–3:00 bars are that night's late sales). */
  const hoursOf = (date: string, timeZone: string) => new Map(localHours(takingsQuartersOfDate(db, terminalId, date), timeZone).map((h) => [h.hour, h]));
  return {
    hourly(date) {
      const rule = deps.businessDay();
      // "Today" is the rule's business date of now (at 01:30 still yesterday's), as the Z is labelled.
      const day = date ?? businessDateOf(clock.now(), rule);
      checkBusinessDates(day, day);
      const today = hoursOf(day, rule.timeZone);
      const compareDate = addDays(day, -7);
      const before = hoursOf(compareDate, rule.timeZone);
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
      checkBusinessDates(from, to);
      const kinds = tendersOfBusinessDates(db, from, to)
        .map((k) => ({ kind: k.kind as TenderKind, count: k.count, amount: k.amount }))
        .sort((a, b) => b.amount - a.amount || a.kind.localeCompare(b.kind));
      return { from, to, kinds };
    },
  };
}
