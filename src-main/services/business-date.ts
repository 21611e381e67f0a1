import type { Database } from 'better-sqlite3';
import { lastZReport } from '../../db/queries/reports';
import { addDays, businessDateOf, parseDate, type BusinessDayRule } from '../../src-common/business-day';
import { PosError } from '../../src-common/errors';

/**
 * The business date a fact of this moment belongs to: the date of the Z that will close it. That is the
 * rule's date of the moment, or the day after the last Z when that one is already closed (a Z taken
 * before the turn, or after the turn hour was changed): what happens after a Z belongs to the next day,
 * and a changed hour applies from the next Z without touching a Z already taken.
 */
export function openBusinessDate(db: Database, terminalId: string, at: Date, rule: BusinessDayRule): string {
  const date = businessDateOf(at, rule);
  const last = lastZReport(db, terminalId);
  return last && last.business_date >= date ? addDays(last.business_date, 1) : date;
}

/**
 * Refuses a range of business dates ('YYYY-MM-DD', both included) that views select by (exports, charts):
 * a date that does not exist (validation_failed, reason 'bad_date'), `to` before `from` ('bad_range').
 */
export function checkBusinessDates(from: string, to: string): void {
  for (const date of [from, to]) {
    if (!parseDate(date)) throw new PosError('validation_failed', `No such date ${date}`, { reason: 'bad_date', date });
  }
  if (from > to) throw new PosError('validation_failed', 'The range ends before it starts', { reason: 'bad_range' });
}
