/**
 * One business day everywhere (src-common/business-day.ts): the Z report's day, 04:00 → 04:00 on the
 * store's wall clock (here Asia/Shanghai, whatever the machine's zone). A sale at 01:30 belongs to the day
 * before in every view: its stored sale.business_date, the Z and X reports, the sales and payments CSVs
 * (their business_date column and their date range), the wallet mix, the hourly chart and the history
 * search; reconciliation names the acquirer's (Beijing midnight) day and the business days it overlaps.
 * They all add up to that day's Z to the fen. Sales are written as the sales service writes them (the
 * quarter-hour totals come from migration 0011's triggers).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { businessDateOf, type BusinessDayRule } from '../../src-common/business-day';
import type { ReportView } from '../../src-common/calls/owner';
import type { Session } from '../../src-common/roles';
import { createAuditService } from '../../src-main/services/audit';
import { createChartsService } from '../../src-main/services/charts';
import { createExportsService } from '../../src-main/services/exports';
import { EXPORT_COLUMNS } from '../../src-main/services/export-columns';
import { formatReceiptNumber } from '../../src-main/services/receipt-number';
import { createHistoryService } from '../../src-main/services/history';
import { createReconciliationService } from '../../src-main/services/reconciliation';
import { businessDayWindow, createReportsService } from '../../src-main/services/reports';

const T = 'TERMINAL';
/** A receipt number as printed (and exported). */
const printed = (no: number) => formatReceiptNumber(T, no);
const owner: Session = { caller: { role: 'owner', userId: 'O' } };
const rule: BusinessDayRule = { timeZone: 'Asia/Shanghai', turnsAtHour: 4 };
const businessDay = () => rule;
/** A Shanghai wall-clock time (UTC+8) on 21 or 22 November 2026. */
const local = (day: number, hh: number, mm = 0) => new Date(Date.UTC(2026, 10, day, hh - 8, mm));
const fen = (yuan: string) => Math.round(Number(yuan) * 100);

describe('one business day (04:00 → 04:00 in the store’s zone) in every view, as in the Z report', () => {
  let dir: string;
  let db: Database;
  let now: Date;
  let z: ReportView;
  let n = 0;

  /** A completed sale closed at `when` with one tender; a wallet tender has its payment, made a little before. */
  function sale(when: Date, kind: 'cash' | 'wechat' | 'alipay', amount: number) {
    n += 1;
    const id = `S${n}`;
    const at = when.toISOString();
    db.prepare(
      `INSERT INTO sale (id, terminal_id, status, currency, opened_at, closed_at, closed_by, receipt_no, business_date, subtotal, discount_total, total, rounding, tax_total, change_given)
       VALUES (?, ?, 'completed', 'CNY', ?, ?, 'C', ?, ?, ?, 0, ?, 0, 0, 0)`,
    ).run(id, T, at, at, n, businessDateOf(when, rule), amount, amount);
    let paymentId: string | null = null;
    if (kind !== 'cash') {
      paymentId = `P${n}`;
      const paidAt = new Date(when.getTime() - 30_000).toISOString();
      db.prepare(
        "INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at, finished_at) VALUES (?, ?, ?, 'code', ?, ?, 'paid', '{}', ?, ?, ?)",
      ).run(paymentId, id, `ORDER-${n}`, kind, amount, paidAt, at, at);
    }
    db.prepare('INSERT INTO sale_tender (id, sale_id, seq, kind, amount, tendered, payment_id, created_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?)').run(
      `T${n}`,
      id,
      kind,
      amount,
      amount,
      paymentId,
      at,
    );
    // The day tender total kept with each sale (db/queries/sales.ts writeCompletedSale), which the wallet mix reads.
    db.prepare(
      'INSERT INTO daily_tender_total (business_date, kind, count, amount) VALUES (?, ?, 1, ?) ON CONFLICT (business_date, kind) DO UPDATE SET count = count + 1, amount = amount + excluded.amount',
    ).run(businessDateOf(when, rule), kind, amount);
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pos-business-day-'));
    db = openDatabase(join(dir, 'pos.sqlite'));
    for (const [id, role] of [
      ['C', 'cashier'],
      ['O', 'owner'],
    ])
      db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES (?, ?, ?, 'x', '2026-01-01')").run(id, id, role);
    const clock = { now: () => now };
    const reports = createReportsService({ db, clock, audit: createAuditService({ db, clock }), terminalId: T, currency: () => 'CNY', language: () => 'zh-CN', businessDay });

    sale(local(21, 3, 10), 'cash', 1_001); // business day 20 Nov (before 04:00)
    now = local(21, 3, 30);
    expect(reports.takeZ(owner).businessDate).toBe('2026-11-20');
    sale(local(21, 4, 1), 'alipay', 2_345); // just after the turn (its payment at 04:00:30): the 21st
    sale(local(21, 10, 15), 'cash', 1_234);
    sale(local(21, 23, 30), 'wechat', 5_678);
    sale(local(22, 1, 30), 'cash', 999); // 01:30 after midnight: still the 21st
    sale(local(22, 1, 45), 'wechat', 321);
    now = local(22, 2, 0);
    z = reports.takeZ(owner);
    expect(z.businessDate).toBe('2026-11-21');
    sale(local(22, 4, 5), 'cash', 777); // the 22nd
  });
  afterAll(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the window of a business date runs from its 04:00 to the next 04:00', () => {
    expect(businessDayWindow(T, rule, '2026-11-21')).toEqual({
      terminalId: T,
      from: new Date(local(21, 4).getTime() - 1).toISOString(),
      to: new Date(local(22, 4).getTime() - 1).toISOString(),
    });
    expect(businessDayWindow(T, rule, '2026-11-20', '2026-11-21').to).toBe(businessDayWindow(T, rule, '2026-11-21').to);
    expect(() => businessDayWindow(T, rule, '2026-11-31')).toThrow(expect.objectContaining({ details: expect.objectContaining({ reason: 'bad_date' }) }));
    expect(() => businessDayWindow(T, rule, '2026-11-22', '2026-11-21')).toThrow(expect.objectContaining({ details: { reason: 'bad_range' } }));
  });

  it('the sales and payments CSVs of the 21st hold the 01:30 sale and add up to that day’s Z, to the fen', async () => {
    const exports = createExportsService({ db, dataDir: dir, terminalId: T, currency: () => 'CNY', businessDay });
    const read = async (kind: 'sales' | 'payments', from: string, to = from) => {
      const file = await exports.create(kind, from, to, 'en');
      // Rows by the columns' own keys (the header row is in words): receipt_no, total, …
      return parse(readFileSync(join(exports.dir, file.name)), { bom: true, columns: [...EXPORT_COLUMNS[kind]], from_line: 2 }) as Record<string, string>[];
    };
    const sales = await read('sales', '2026-11-21');
    expect(sales.map((r) => r.receipt_no)).toEqual([2, 3, 4, 5, 6].map(printed));
    expect(sales.map((r) => r.business_date)).toEqual(Array(5).fill('2026-11-21'));
    // sale.business_date as stored follows the same rule: the 01:30 sale (receipt 5) is the 21st's.
    expect(db.prepare('SELECT business_date FROM sale WHERE receipt_no = 5').pluck().get()).toBe('2026-11-21');
    expect(sales.reduce((s, r) => s + fen(r.total!), 0)).toBe(z.sales);
    expect(sales.reduce((s, r) => s + fen(r.total!) + fen(r.rounding!), 0)).toBe(z.net + z.refunds);
    expect(z.counts.sales).toBe(5);

    const payments = await read('payments', '2026-11-21');
    expect(payments.map((r) => [r.order_no, r.business_date, r.amount])).toEqual([
      ['ORDER-2', '2026-11-21', '23.45'],
      ['ORDER-4', '2026-11-21', '56.78'],
      ['ORDER-6', '2026-11-21', '3.21'],
    ]);
    const zWallets = z.tenders.filter((t) => t.kind !== 'cash').reduce((s, t) => s + t.amount, 0);
    expect(payments.reduce((s, r) => s + fen(r.amount!), 0)).toBe(zWallets);

    expect((await read('sales', '2026-11-20')).map((r) => [r.receipt_no, r.business_date])).toEqual([[printed(1), '2026-11-20']]);
    expect((await read('sales', '2026-11-22')).map((r) => [r.receipt_no, r.business_date])).toEqual([[printed(7), '2026-11-22']]);
    expect(await read('sales', '2026-11-20', '2026-11-22')).toHaveLength(7);
  });

  it('the wallet mix and the hourly chart of the 21st hold the 01:30 sale and match that day’s Z, to the fen', () => {
    now = local(22, 2, 30); // "today" is still the business day of the 21st
    const charts = createChartsService({ db, clock: { now: () => now }, terminalId: T, businessDay });
    const mix = charts.walletMix('2026-11-21', '2026-11-21');
    expect(mix.kinds.map((k) => [k.kind, k.count, k.amount]).sort()).toEqual(z.tenders.map((t) => [t.kind, t.count, t.amount]).sort());
    expect(mix.kinds.find((k) => k.kind === 'cash')).toEqual({ kind: 'cash', count: 2, amount: 1_234 + 999 });
    expect(mix.kinds.reduce((s, k) => s + k.amount, 0)).toBe(z.sales + z.rounding);
    expect(charts.walletMix('2026-11-22', '2026-11-22').kinds).toEqual([{ kind: 'cash', count: 1, amount: 777 }]);

    const hourly = charts.hourly();
    expect(hourly.date).toBe('2026-11-21');
    expect(hourly.compareDate).toBe('2026-11-14');
    expect(hourly.hours.reduce((s, h) => s + h.amount, 0)).toBe(z.sales + z.rounding);
    // Clock hours on the axis: the 01:30 and 01:45 sales are in the 1:00 bar, the 04:01 one in the 4:00 bar.
    expect(hourly.hours[1]).toMatchObject({ count: 2, amount: 999 + 321 });
    expect(hourly.hours[4]).toMatchObject({ count: 1, amount: 2_345 });
    expect(hourly.hours[3]).toMatchObject({ count: 0, amount: 0 });
  });

  it('the history search of the 21st finds the 01:30 sale, and the X after the Z is the 22nd', () => {
    const notUsed = () => {
      throw new Error('not used by the search');
    };
    const history = createHistoryService({ db, terminalId: T, refunds: { forSale: notUsed, refundable: notUsed }, businessDay });
    const receipts = (from: string, to = from) =>
      history
        .search({ from, to })
        .rows.map((s) => [s.receiptNumber.slice(-1), s.businessDate])
        .sort();
    expect(receipts('2026-11-21')).toEqual([
      ['2', '2026-11-21'],
      ['3', '2026-11-21'],
      ['4', '2026-11-21'],
      ['5', '2026-11-21'],
      ['6', '2026-11-21'],
    ]);
    expect(receipts('2026-11-20')).toEqual([['1', '2026-11-20']]);
    expect(receipts('2026-11-22')).toEqual([['7', '2026-11-22']]);
    const clock = { now: () => local(22, 4, 30) };
    const reports = createReportsService({ db, clock, audit: createAuditService({ db, clock }), terminalId: T, currency: () => 'CNY', language: () => 'zh-CN', businessDay });
    expect(reports.x()).toMatchObject({ businessDate: '2026-11-22', counts: expect.objectContaining({ sales: 1 }) });
  });

  it('reconciliation names the acquirer’s day (Beijing midnight to midnight) and the business days it overlaps', () => {
    const clock = { now: () => local(23, 12) };
    const reconciliation = createReconciliationService({ db, clock, audit: createAuditService({ db, clock }), terminalId: T, businessDay });
    // The acquirer's 22nd (Beijing midnight to midnight) covers the 21st's small hours and most of the 22nd.
    expect(reconciliation.day('2026-11-22')).toMatchObject({ date: '2026-11-22', businessDates: ['2026-11-21', '2026-11-22'] });
    expect(reconciliation.day('2026-11-21').businessDates).toEqual(['2026-11-20', '2026-11-21']);
  });
});
