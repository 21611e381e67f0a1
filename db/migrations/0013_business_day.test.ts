import type Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { recomputeBusinessDatesOnce } from '../business-date-recompute';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { addDailyRefundTotal } from '../queries/refunds';
import { markVoided, writeCompletedSale } from '../queries/sales';
import { businessDateOf, calendarDateIn } from '../../src-common/business-day';
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

/** A completed cash sale of 10.00 (no lines), as writeCompletedSale takes it. */
function oneItemSale(id: string, at: string, receiptNo: number) {
  return {
    id,
    at,
    userId: 'U1',
    receiptNo,
    subtotal: 1000,
    discountTotal: 0,
    total: 1000,
    rounding: 0,
    taxTotal: 100,
    change: 0,
    lines: [],
    taxes: [{ rateBp: 1300, taxable: 1000, tax: 100 }],
    tenders: [{ id: `${id}-T`, kind: 'cash', amount: 1000, tendered: 1000, reference: null, paymentId: null }],
  };
}

const dates = (db: Sqlite.Database) => db.prepare('SELECT id, business_date FROM sale ORDER BY id').all();

describe('0013_business_day', () => {
  it('marks the recompute due; run once with the rule, it moves the 01:30 sale, void and refund to the day before, with their day tender totals', async () => {
    const db = oldDatabase();
    migrate(db, migrations);
    expect(db.prepare('SELECT name, done_at FROM one_time_step').all()).toEqual([{ name: 'recompute_business_dates', done_at: null }]);

    expect(await recomputeBusinessDatesOnce(db, SHANGHAI, new Date(MORNING))).toEqual({ sales: 2, refunds: 1 });
    expect(dates(db)).toEqual([
      { id: 'S1', business_date: '2026-11-21' },
      { id: 'S2', business_date: '2026-11-22' },
      { id: 'S3', business_date: '2026-11-21' },
    ]);
    expect(db.prepare('SELECT business_date FROM refund').pluck().get()).toBe('2026-11-21');
    expect(db.prepare('SELECT business_date, kind, count, amount FROM daily_tender_total ORDER BY business_date').all()).toEqual([
      { business_date: '2026-11-21', kind: 'cash', count: 1, amount: 1000 },
      { business_date: '2026-11-22', kind: 'wechat', count: 1, amount: 500 },
    ]);
    expect(db.prepare('SELECT done_at FROM one_time_step').pluck().get()).toBe(MORNING);
  });

  it('runs only once: a later start changes nothing, whatever the rule then', async () => {
    const db = oldDatabase();
    migrate(db, migrations);
    await recomputeBusinessDatesOnce(db, SHANGHAI, new Date(MORNING));
    const before = dates(db);
    expect(await recomputeBusinessDatesOnce(db, { timeZone: 'Asia/Shanghai', turnsAtHour: 0 }, new Date(MORNING))).toBeNull();
    expect(dates(db)).toEqual(before);
  });

  it('uses the configured zone, not the machine’s: in Berlin both sales are the 21st’s and 22nd’s local afternoon and morning', async () => {
    const db = oldDatabase();
    migrate(db, migrations);
    await recomputeBusinessDatesOnce(db, BERLIN, new Date(MORNING));
    // 17:30Z is 18:30 in Berlin on the 21st; 02:00Z is 03:00 on the 22nd, before the turn: the 21st too.
    expect(dates(db)).toEqual([
      { id: 'S1', business_date: '2026-11-21' },
      { id: 'S2', business_date: '2026-11-21' },
      { id: 'S3', business_date: '2026-11-21' },
    ]);
  });

  it('a failed recompute leaves the step due and the dates as they were', async () => {
    const db = oldDatabase();
    migrate(db, migrations);
    await expect(recomputeBusinessDatesOnce(db, { timeZone: 'Mars/Olympus', turnsAtHour: 4 }, new Date(MORNING))).rejects.toThrow();
    expect(dates(db).map((d) => (d as { business_date: string }).business_date)).toEqual(['2026-11-22', '2026-11-22', '2026-11-22']);
    expect(db.prepare('SELECT done_at FROM one_time_step').pluck().get()).toBeNull();
  });

  it('applies Z boundaries: a sale after a Z taken at 22:00 goes to the next Z’s date, never back into the closed day', async () => {
    const db = oldDatabase();
    migrate(db, migrations);
    // Z of the 21st taken at 22:00 Shanghai; a sale at 23:00 (the old rule and the bare rule: the 21st).
    const Z_AT = '2026-11-21T14:00:00.000Z';
    const AFTER_Z = '2026-11-21T15:00:00.000Z';
    const BEFORE_Z = '2026-11-21T13:00:00.000Z';
    db.prepare(
      `INSERT INTO z_report (terminal_id, z_no, business_date, from_at, to_at, taken_by, currency, sales_count, gross, discounts, refunds, net, tax, report)
       VALUES ('T', 1, '2026-11-21', NULL, ?, 'U1', 'CNY', 0, 0, 0, 0, 0, 0, '{}')`,
    ).run(Z_AT);
    const open = db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at) VALUES (?, 'T', 'open', 'CNY', ?)");
    for (const [id, at, receiptNo] of [['S4', AFTER_Z, 4], ['S5', BEFORE_Z, 5], ['S6', Z_AT, 6]] as const) {
      open.run(id, at);
      writeCompletedSale(db, { ...oneItemSale(id, at, receiptNo), businessDate: '2026-11-21' });
    }
    await recomputeBusinessDatesOnce(db, SHANGHAI, new Date(MORNING));
    const byId = Object.fromEntries((dates(db) as { id: string; business_date: string }[]).map((r) => [r.id, r.business_date]));
    // After the Z: the next Z's date (the 01:30 sale S1 and its refund too); at or before it: the closed day.
    expect(byId).toMatchObject({ S1: '2026-11-22', S3: '2026-11-22', S4: '2026-11-22', S5: '2026-11-21', S6: '2026-11-21' });
    expect(db.prepare('SELECT business_date FROM refund').pluck().get()).toBe('2026-11-22');
    expect(db.prepare('SELECT business_date, kind, count, amount FROM daily_tender_total ORDER BY business_date, kind').all()).toEqual([
      { business_date: '2026-11-21', kind: 'cash', count: 2, amount: 2000 },
      { business_date: '2026-11-22', kind: 'cash', count: 2, amount: 2000 },
      { business_date: '2026-11-22', kind: 'wechat', count: 1, amount: 500 },
    ]);
  });

  it('runs in short batches while the terminal works: a sale completed meanwhile is answered at once and keeps its date', async () => {
    const db = oldDatabase();
    const open = db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at) VALUES (?, 'T', 'open', 'CNY', ?)");
    db.transaction(() => {
      for (let i = 0; i < 5000; i++) {
        const at = new Date(Date.parse(LATE) - i * 60_000).toISOString();
        open.run(`OLD${i}`, at);
        writeCompletedSale(db, { ...oneItemSale(`OLD${i}`, at, 100 + i), businessDate: calendarDateIn(new Date(at), 'Asia/Shanghai') });
      }
    })();
    migrate(db, migrations);
    let batches = 0;
    let finished = false;
    const recompute = recomputeBusinessDatesOnce(db, SHANGHAI, new Date(MORNING), { batchRows: 500, betweenBatches: () => new Promise((r) => setImmediate(() => (batches++, r()))) }).then((r) => {
      finished = true;
      return r;
    });
    // The terminal's own work between two batches: a sale completed after the step started, at 03:00 on the
    // 23rd, dated by openBusinessDate under a rule changed meanwhile (turning at 02:00): the 23rd. The step
    // (started with the 04:00 rule) must not re-date it.
    await new Promise((r) => setTimeout(r, 0));
    expect(finished).toBe(false);
    const NOW = '2026-11-22T19:00:00.000Z';
    open.run('NEW', NOW);
    writeCompletedSale(db, { ...oneItemSale('NEW', NOW, 9999), businessDate: '2026-11-23' });
    expect(await recompute).toMatchObject({ refunds: 1 });
    expect(batches).toBeGreaterThanOrEqual(10);
    expect(db.prepare("SELECT business_date FROM sale WHERE id = 'NEW'").pluck().get()).toBe('2026-11-23');
    // Every old sale by the rule (checked one by one against businessDateOf), and their tender totals with them.
    const expected = new Map<string, number>();
    for (const { closed_at } of db.prepare("SELECT closed_at FROM sale WHERE id LIKE 'OLD%'").all() as { closed_at: string }[]) {
      const date = businessDateOf(new Date(closed_at), SHANGHAI);
      expected.set(date, (expected.get(date) ?? 0) + 1);
    }
    expect(expected.size).toBeGreaterThanOrEqual(4);
    const stored = db.prepare("SELECT business_date, count(*) AS n FROM sale WHERE id LIKE 'OLD%' GROUP BY business_date").all() as { business_date: string; n: number }[];
    expect(new Map(stored.map((r) => [r.business_date, r.n]))).toEqual(expected);
    const tenders = db.prepare("SELECT business_date, count FROM daily_tender_total WHERE kind = 'cash' AND business_date <> '2026-11-23'").all() as { business_date: string; count: number }[];
    expect(new Map(tenders.map((r) => [r.business_date, r.count]))).toEqual(new Map([...expected].map(([d, n]) => [d, n + (d === '2026-11-21' ? 1 : 0)])));
  });

  it('sizes its batches to the time given: halved while a batch takes longer, doubled while it takes much less; the dates come out the same', async () => {
    const oldSales = (db: Sqlite.Database) => {
      const open = db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at) VALUES (?, 'T', 'open', 'CNY', ?)");
      db.transaction(() => {
        for (let i = 0; i < 3000; i++) {
          const at = new Date(Date.parse(LATE) - i * 60_000).toISOString();
          open.run(`OLD${i}`, at);
          writeCompletedSale(db, { ...oneItemSale(`OLD${i}`, at, 100 + i), businessDate: calendarDateIn(new Date(at), 'Asia/Shanghai') });
        }
      })();
      migrate(db, migrations);
      return db;
    };
    const run = async (batchMs: number) => {
      const db = oldSales(oldDatabase());
      const done: number[] = [];
      await recomputeBusinessDatesOnce(db, SHANGHAI, new Date(MORNING), { batchRows: 100, batchMs, progress: (n) => done.push(n) });
      return { done, dates: dates(db) };
    };
    // No batch can take under a nanosecond: from 100 rows down to the floor of 16, then 16 at a time.
    const shrinking = await run(1e-6);
    const steps = shrinking.done.slice(1).map((n, i) => n - shrinking.done[i]!);
    expect(steps.slice(0, 4)).toEqual([50, 25, 16, 16]);
    // Every batch takes well under an hour: doubled each time, up to the ceiling.
    const growing = await run(3_600_000);
    expect(growing.done.slice(0, 4)).toEqual([100, 300, 700, 1500]);
    expect(growing.dates).toEqual(shrinking.dates);
  });
});
