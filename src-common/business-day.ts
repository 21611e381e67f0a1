/**
 * The business day: the one rule every view of "a day" uses (stored sale and refund dates, X/Z reports,
 * charts, exports, history, reconciliation). A business day is the store's calendar day in its time zone,
 * turning at a configured wall-clock hour (default 04:00) instead of midnight: a sale at 01:30 belongs to
 * the day before. The Z report closes it.
 *
 * Conversions go through Intl (the IANA database shipped with Node and Chromium), so they follow daylight
 * saving: the day turns when the wall clock shows the turn hour, whatever the offset that night. On a
 * spring-forward night where the turn hour does not exist, the day turns at the first instant after the
 * gap; on a fall-back night where it occurs twice, at the first occurrence.
 *
 * The acquirer keeps its own day (Shouqianba's statement day is Beijing's calendar day, midnight to
 * midnight, UTC+8): `acquirerDay` names it, so reconciliation maps that day onto ours explicitly.
 */

export interface BusinessDayRule {
  /** An IANA time zone, e.g. 'Asia/Shanghai' or 'Europe/Berlin'. */
  readonly timeZone: string;
  /** The wall-clock hour (0–23) at which one business day ends and the next begins. */
  readonly turnsAtHour: number;
}

export const DEFAULT_TURN_HOUR = 4;
/** Used only when the system reports no time zone at all. */
export const FALLBACK_TIME_ZONE = 'Asia/Shanghai';

/** The zone of the machine this runs on (the till's clock, as on its receipts), or Asia/Shanghai. */
export function systemTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || FALLBACK_TIME_ZONE;
}

export function isTimeZone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** What a wall clock in `zone` shows at the instant `at`. */
export function wallClockAt(at: Date, zone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(zone).formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** The zone's offset from UTC at an instant, in ms (Beijing: +8 h). */
function offsetAt(ms: number, zone: string): number {
  const w = wallClockAt(new Date(ms), zone);
  const wallMs = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wallMs - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The first instant at which the wall clock in `zone` shows at least `wall` (given as UTC fields of a
 * ms value): the instant itself when it exists once, its first occurrence when it occurs twice (fall
 * back), the end of the gap when it does not exist (spring forward).
 */
function firstInstantAtWall(wall: number, zone: string): number {
  const offsets = new Set([offsetAt(wall - 36 * 3600_000, zone), offsetAt(wall, zone), offsetAt(wall + 36 * 3600_000, zone)]);
  const exact = [...offsets].map((o) => wall - o).filter((t) => offsetAt(t, zone) === wall - t);
  if (exact.length) return Math.min(...exact);
  // In a gap: find the transition, the first instant whose wall clock is past `wall`.
  let lo = wall - Math.max(...offsets);
  let hi = wall - Math.min(...offsets);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid + offsetAt(mid, zone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function formatDate(y: number, m: number, d: number): string {
  const utc = new Date(Date.UTC(y, m - 1, d));
  return `${pad(utc.getUTCFullYear(), 4)}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())}`;
}

/** 'YYYY-MM-DD' as numbers, or null when it is not a real calendar date. */
export function parseDate(date: string): { year: number; month: number; day: number } | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return formatDate(year, month, day) === date ? { year, month, day } : null;
}

/** The calendar date `days` after `date` ('YYYY-MM-DD'; a negative count goes back). */
export function addDays(date: string, days: number): string {
  const p = parseDate(date);
  if (!p) throw new RangeError(`No such date ${date}`);
  return formatDate(p.year, p.month, p.day + days);
}

/** The calendar date at an instant in a zone, with the day turning at midnight. */
export function calendarDateIn(at: Date, zone: string): string {
  const w = wallClockAt(at, zone);
  return formatDate(w.year, w.month, w.day);
}

/** The business date of an instant: its date in the store's zone, the hours before the turn counted to the day before. */
export function businessDateOf(at: Date, rule: BusinessDayRule): string {
  const w = wallClockAt(at, rule.timeZone);
  return formatDate(w.year, w.month, w.hour < rule.turnsAtHour ? w.day - 1 : w.day);
}

/** The first instant of a business date (its turn hour on that calendar date, in the store's zone). */
export function businessDayStart(date: string, rule: BusinessDayRule): Date {
  const p = parseDate(date);
  if (!p) throw new RangeError(`No such date ${date}`);
  return new Date(firstInstantAtWall(Date.UTC(p.year, p.month - 1, p.day, rule.turnsAtHour), rule.timeZone));
}

/**
 * The instants of business dates `from`..`to` (both included) as a half-open interval [start, end): the
 * start of `from` to the start of the day after `to`. A day is 23, 24 or 25 hours long across DST.
 */
export function businessDaysInterval(from: string, to: string, rule: BusinessDayRule): { start: Date; end: Date } {
  return { start: businessDayStart(from, rule), end: businessDayStart(addDays(to, 1), rule) };
}

/** The acquirer's statement day: Beijing's calendar date (UTC+8, no daylight saving), midnight to midnight. */
export const ACQUIRER_TIME_ZONE = 'Asia/Shanghai';

export function acquirerDateOf(at: Date): string {
  return calendarDateIn(at, ACQUIRER_TIME_ZONE);
}

/** The acquirer's day as a half-open interval [start, end) of instants. */
export function acquirerDayInterval(date: string): { start: Date; end: Date } {
  const rule: BusinessDayRule = { timeZone: ACQUIRER_TIME_ZONE, turnsAtHour: 0 };
  return businessDaysInterval(date, date, rule);
}

/** The business dates the acquirer's day `date` overlaps (usually two: ours turn at 04:00, theirs at midnight). */
export function businessDatesOfAcquirerDay(date: string, rule: BusinessDayRule): string[] {
  const { start, end } = acquirerDayInterval(date);
  const dates = [businessDateOf(start, rule)];
  for (let d = addDays(dates[0]!, 1); businessDayStart(d, rule) < end; d = addDays(d, 1)) dates.push(d);
  return dates;
}

/** The rule as the terminal's settings hold it. */
export function businessDayRuleOf(settings: { timeZone: string; businessDayTurnsAtHour: number }): BusinessDayRule {
  return { timeZone: settings.timeZone, turnsAtHour: settings.businessDayTurnsAtHour };
}

/** The rule of a terminal whose settings were never changed: the system's zone, turning at 04:00. */
export function defaultBusinessDayRule(): BusinessDayRule {
  return { timeZone: systemTimeZone(), turnsAtHour: DEFAULT_TURN_HOUR };
}

/**
 * The instant a wall clock in the store's zone shows `hour:minute` within business date `date`: on its calendar date
 * from the turn hour on, on the next calendar date before it (04:00 turn: 02:30 of the 4th's business day is the
 * 5th's 02:30).
 */
export function wallTimeOfBusinessDate(date: string, hour: number, minute: number, rule: BusinessDayRule): Date {
  const p = parseDate(date);
  if (!p) throw new RangeError(`No such date ${date}`);
  const day = hour < rule.turnsAtHour ? p.day + 1 : p.day;
  return new Date(firstInstantAtWall(Date.UTC(p.year, p.month - 1, day, hour, minute), rule.timeZone));
}
