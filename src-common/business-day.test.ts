import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acquirerDateOf,
  acquirerDayInterval,
  addDays,
  businessDateOf,
  businessDatesOfAcquirerDay,
  businessDayStart,
  businessDaysInterval,
  isTimeZone,
  parseDate,
  type BusinessDayRule,
} from './business-day';

const shanghai: BusinessDayRule = { timeZone: 'Asia/Shanghai', turnsAtHour: 4 };
const berlin: BusinessDayRule = { timeZone: 'Europe/Berlin', turnsAtHour: 4 };

describe('business day', () => {
  it('a 01:30 sale belongs to the day before; 04:00 starts the next', () => {
    expect(businessDateOf(new Date('2026-03-10T01:30:00+08:00'), shanghai)).toBe('2026-03-09');
    expect(businessDateOf(new Date('2026-03-10T03:59:59+08:00'), shanghai)).toBe('2026-03-09');
    expect(businessDateOf(new Date('2026-03-10T04:00:00+08:00'), shanghai)).toBe('2026-03-10');
    expect(businessDateOf(new Date('2026-03-10T23:59:00+08:00'), shanghai)).toBe('2026-03-10');
    expect(businessDateOf(new Date('2026-01-01T01:30:00+08:00'), shanghai)).toBe('2025-12-31');
  });

  it('reads the wall clock of the configured zone, not of the machine', () => {
    const at = new Date('2026-03-10T02:00:00Z'); // 10:00 in Shanghai, 03:00 in Berlin
    expect(businessDateOf(at, shanghai)).toBe('2026-03-10');
    expect(businessDateOf(at, berlin)).toBe('2026-03-09');
  });

  it('a day starts at the turn hour in the zone, and an interval is [start, end)', () => {
    expect(businessDayStart('2026-03-10', shanghai).toISOString()).toBe('2026-03-09T20:00:00.000Z');
    const { start, end } = businessDaysInterval('2026-03-10', '2026-03-11', shanghai);
    expect([start.toISOString(), end.toISOString()]).toEqual(['2026-03-09T20:00:00.000Z', '2026-03-11T20:00:00.000Z']);
  });

  it('Europe/Berlin: the spring-forward day is 23 hours, the fall-back day 25, each turning at 04:00 on the wall', () => {
    // 2026-03-29 02:00 CET → 03:00 CEST; 2026-10-25 03:00 CEST → 02:00 CET.
    expect(businessDayStart('2026-03-28', berlin).toISOString()).toBe('2026-03-28T03:00:00.000Z'); // 04:00 CET
    expect(businessDayStart('2026-03-29', berlin).toISOString()).toBe('2026-03-29T02:00:00.000Z'); // 04:00 CEST
    const hours = (d: string) => {
      const { start, end } = businessDaysInterval(d, d, berlin);
      return (end.getTime() - start.getTime()) / 3600_000;
    };
    expect(hours('2026-03-28')).toBe(23);
    expect(hours('2026-03-29')).toBe(24);
    expect(hours('2026-10-24')).toBe(25);
    // 03:30 CEST on the spring-forward night is still the day before (the wall clock says 03:30).
    expect(businessDateOf(new Date('2026-03-29T01:30:00Z'), berlin)).toBe('2026-03-28');
    expect(businessDateOf(new Date('2026-03-29T02:00:00Z'), berlin)).toBe('2026-03-29');
    // Both 02:30s of the fall-back night are before the turn.
    expect(businessDateOf(new Date('2026-10-25T00:30:00Z'), berlin)).toBe('2026-10-24');
    expect(businessDateOf(new Date('2026-10-25T01:30:00Z'), berlin)).toBe('2026-10-24');
    expect(businessDateOf(new Date('2026-10-25T03:00:00Z'), berlin)).toBe('2026-10-25');
  });

  it('a turn hour that does not exist (02:00 on spring-forward night) turns at the end of the gap; a doubled one at its first occurrence', () => {
    const at2: BusinessDayRule = { timeZone: 'Europe/Berlin', turnsAtHour: 2 };
    expect(businessDayStart('2026-03-29', at2).toISOString()).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST
    expect(businessDateOf(new Date('2026-03-29T00:59:59Z'), at2)).toBe('2026-03-28');
    expect(businessDateOf(new Date('2026-03-29T01:00:00Z'), at2)).toBe('2026-03-29');
    expect(businessDayStart('2026-10-25', at2).toISOString()).toBe('2026-10-25T00:00:00.000Z'); // first 02:00 (CEST)
  });

  it('every instant lies in the interval of its own business date (property, several zones and hours)', () => {
    const zones = ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }),
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 23 }),
        (ms, timeZone, turnsAtHour) => {
          const rule = { timeZone, turnsAtHour };
          const date = businessDateOf(new Date(ms), rule);
          const { start, end } = businessDaysInterval(date, date, rule);
          return start.getTime() <= ms && ms < end.getTime();
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the acquirer’s day is Beijing’s calendar day, mapped onto the business days it overlaps', () => {
    expect(acquirerDateOf(new Date('2026-03-09T16:30:00Z'))).toBe('2026-03-10'); // 00:30 Beijing
    const { start, end } = acquirerDayInterval('2026-03-10');
    expect([start.toISOString(), end.toISOString()]).toEqual(['2026-03-09T16:00:00.000Z', '2026-03-10T16:00:00.000Z']);
    expect(businessDatesOfAcquirerDay('2026-03-10', shanghai)).toEqual(['2026-03-09', '2026-03-10']);
    expect(businessDatesOfAcquirerDay('2026-03-10', { timeZone: 'Asia/Shanghai', turnsAtHour: 0 })).toEqual(['2026-03-10']);
  });

  it('dates and zones are checked', () => {
    expect(parseDate('2026-02-30')).toBeNull();
    expect(parseDate('2026-2-3')).toBeNull();
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(() => businessDayStart('2026-13-01', shanghai)).toThrow(RangeError);
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
