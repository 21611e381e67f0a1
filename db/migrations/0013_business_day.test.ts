import type Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { recomputeBusinessDatesOnce } from '../business-date-recompute';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { addDailyRefundTotal } from '../queries/refunds';
import { markVoided, writeCompletedSale } from '../queries/sales';
import { atVersion } from './testing';

const SHANGHAI = { timeZone: 'Asia/Shanghai', turnsAtHour: 4 };
const BERLIN = { timeZone: 'Europe/Berlin', turnsAtHour: 4 };
/** 01:30 in Shanghai on the 22nd (the old rule: the 22nd; the Z's day: the 21st). */
const LATE = '2026-11-21T17:30:00.000Z';
/** 10:00 in Shanghai on the 22nd. */
const MORNING = '2026-11-22T02:00:00.000Z';

/** A version-12 database with sales and a refund written as the services wrote them, under the old midnight rule (Shanghai). */
function oldDatabase(): Sqlite.Database {
  const db = atVersion(12);
  db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(LATE);
  const open = db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at) VALUES (?, 'T', 'open', 'CNY', ?)");
  const complete = (id: string, at: string, receiptNo: number, oldDate: string, kind: string, total: number) => {
    open.run(id, at);
    writeCompletedSale(db, {
      id,
      at,
      userId: 'U1',
      receiptNo,
      businessDate: oldDate,
      subtotal: total,
      discountTotal: 0,
      total,
      rounding: 0,
      taxTotal: Math.round(total / 10),
      change: 0,
      lines: [],
      taxes: [{ rateBp: 1300, taxable: total, tax: Math.round(total / 10) }],
      tenders: [{ id: `${id}-T`, kind, amount: total, tendered: total, reference: null, paymentId: null }],
    });
  };
  complete('S1', LATE, 1, '2026-11-22', 'cash', 1000);
  complete('S2', MORNING, 2, '2026-11-22', 'wechat', 500);
  open.run('S3', LATE);
  markVoided(db, 'S3', LATE, 'U1', '顾客不要了', '2026-11-22');
  db.prepare(
    `INSERT INTO refund (id, sale_id, refund_request_no, kind, tender_kind, amount, wallet_amount, cash_amount, status, reason, approved_by, user_id,
       deadline_at, receipt_no, business_date, created_at, updated_at, finished_at)
     VALUES ('R1', 'S1', 'RQ1', 'cash', 'cash', 200, 0, 200, 'refunded', '退货', 'U1', 'U1', 0, 1, '2026-11-22', ?, ?, ?)`,
  ).run(LATE, LATE, LATE);
  addDailyRefundTotal(db, '2026-11-22', 'cash', 200);
  return db;
}

const dates = (db: Sqlite.Database) => db.prepare('SELECT id, business_date FROM sale ORDER BY id').all();

describe('0013_business_day', () => {
  it('marks the recompute due; run once with the rule, it moves the 01:30 sale, void and refund to the day before and rebuilds the day totals', () => {
    const db = oldDatabase();
    migrate(db, migrations.slice(0, 13));
    expect(db.prepare('SELECT name, done_at FROM one_time_step').all()).toEqual([{ name: 'recompute_business_dates', done_at: null }]);

    expect(recomputeBusinessDatesOnce(db, SHANGHAI, new Date(MORNING))).toEqual({ sales: 2, refunds: 1 });
    expect(dates(db)).toEqual([
      { id: 'S1', business_date: '2026-11-21' },
      { id: 'S2', business_date: '2026-11-22' },
      { id: 'S3', business_date: '2026-11-21' },
    ]);
    expect(db.prepare('SELECT business_date FROM refund').pluck().get()).toBe('2026-11-21');
    expect(db.prepare('SELECT business_date, sales_count, gross, net, tax, voids_count FROM daily_total ORDER BY business_date').all()).toEqual([
      { business_date: '2026-11-21', sales_count: 1, gross: 1000, net: 1000, tax: 100, voids_count: 1 },
      { business_date: '2026-11-22', sales_count: 1, gross: 500, net: 500, tax: 50, voids_count: 0 },
    ]);
    expect(db.prepare('SELECT business_date, kind, count, amount FROM daily_tender_total ORDER BY business_date').all()).toEqual([
      { business_date: '2026-11-21', kind: 'cash', count: 1, amount: 1000 },
      { business_date: '2026-11-22', kind: 'wechat', count: 1, amount: 500 },
    ]);
    expect(db.prepare('SELECT business_date, rate_bp, taxable, tax FROM daily_tax_total ORDER BY business_date').all()).toEqual([
      { business_date: '2026-11-21', rate_bp: 1300, taxable: 1000, tax: 100 },
      { business_date: '2026-11-22', rate_bp: 1300, taxable: 500, tax: 50 },
    ]);
    expect(db.prepare('SELECT business_date, kind, count, amount FROM daily_refund_total').all()).toEqual([{ business_date: '2026-11-21', kind: 'cash', count: 1, amount: 200 }]);
    expect(db.prepare('SELECT done_at FROM one_time_step').pluck().get()).toBe(MORNING);
  });

  it('runs only once: a later start changes nothing, whatever the rule then', () => {
    const db = oldDatabase();
    migrate(db, migrations.slice(0, 13));
    recomputeBusinessDatesOnce(db, SHANGHAI, new Date(MORNING));
    const before = dates(db);
    expect(recomputeBusinessDatesOnce(db, { timeZone: 'Asia/Shanghai', turnsAtHour: 0 }, new Date(MORNING))).toBeNull();
    expect(dates(db)).toEqual(before);
  });

  it('uses the configured zone, not the machine’s: in Berlin both sales are the 21st’s and 22nd’s local afternoon and morning', () => {
    const db = oldDatabase();
    migrate(db, migrations.slice(0, 13));
    recomputeBusinessDatesOnce(db, BERLIN, new Date(MORNING));
    // 17:30Z is 18:30 in Berlin on the 21st; 02:00Z is 03:00 on the 22nd, before the turn: the 21st too.
    expect(dates(db)).toEqual([
      { id: 'S1', business_date: '2026-11-21' },
      { id: 'S2', business_date: '2026-11-21' },
      { id: 'S3', business_date: '2026-11-21' },
    ]);
  });

  it('a failed recompute leaves the step due and the dates as they were', () => {
    const db = oldDatabase();
    migrate(db, migrations.slice(0, 13));
    expect(() => recomputeBusinessDatesOnce(db, { timeZone: 'Mars/Olympus', turnsAtHour: 4 }, new Date(MORNING))).toThrow();
    expect(dates(db).map((d) => (d as { business_date: string }).business_date)).toEqual(['2026-11-22', '2026-11-22', '2026-11-22']);
    expect(db.prepare('SELECT done_at FROM one_time_step').pluck().get()).toBeNull();
  });
});
