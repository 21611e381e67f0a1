/**
 * The views of a day select by the stored business date, the date of the Z that closes a fact
 * (src-main/services/business-date.ts), not by a time window re-derived from the current rule. A Z taken
 * early (22:00) closes the day: a sale at 23:00 is stored as the next date, counted in the next Z, listed
 * in the next date's CSVs and charts and history, and each date's CSV adds up to its Z to the fen. A later
 * change of the turn hour leaves the past days' files and charts as they were. Sales are written as the
 * sales service writes them (writeCompletedSale: day totals, quarter totals by trigger).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { writeCompletedSale } from '../../db/queries/sales';
import type { BusinessDayRule } from '../../src-common/business-day';
import type { ReportView } from '../../src-common/calls/owner';
import type { Session } from '../../src-common/roles';
import { createAuditService } from '../../src-main/services/audit';
import { openBusinessDate } from '../../src-main/services/business-date';
import { createChartsService } from '../../src-main/services/charts';
import { createExportsService } from '../../src-main/services/exports';
import { EXPORT_COLUMNS } from '../../src-main/services/export-columns';
import { formatReceiptNumber } from '../../src-main/services/receipt-number';
import { createHistoryService } from '../../src-main/services/history';
import { createReportsService } from '../../src-main/services/reports';

const T = 'TERMINAL';
/** A receipt number as printed (and exported). */
const printed = (no: number) => formatReceiptNumber(T, no);
const owner: Session = { caller: { role: 'owner', userId: 'O' } };
/** A Shanghai wall-clock time (UTC+8) in November 2026. */
const local = (day: number, hh: number, mm = 0) => new Date(Date.UTC(2026, 10, day, hh - 8, mm));
const fen = (yuan: string) => Math.round(Number(yuan) * 100);
const D = '2026-11-21';
const NEXT = '2026-11-22';

describe('a Z taken at 22:00 and a sale at 23:00: every view follows the stored business date', () => {
  let dir: string;
  let db: Database;
  let rule: BusinessDayRule = { timeZone: 'Asia/Shanghai', turnsAtHour: 4 };
  const businessDay = () => rule;
  let now: Date;
  let zD: ReportView;
  let zNext: ReportView;
  let n = 0;

  /** A completed sale closed at `when` with one tender, dated as the sales service dates it; a wallet tender has its payment. */
  function sale(when: Date, kind: 'cash' | 'wechat' | 'alipay', amount: number): string {
    n += 1;
    const id = `S${n}`;
    const at = when.toISOString();
    db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at) VALUES (?, ?, 'open', 'CNY', ?)").run(id, T, at);
    let paymentId: string | null = null;
    if (kind !== 'cash') {
      paymentId = `P${n}`;
      db.prepare(
        "INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at, finished_at) VALUES (?, ?, ?, 'code', ?, ?, 'paid', '{}', ?, ?, ?)",
      ).run(paymentId, id, `ORDER-${n}`, kind, amount, at, at, at);
    }
    const businessDate = openBusinessDate(db, T, when, rule);
    writeCompletedSale(db, {
      id,
      at,
      userId: 'C',
      receiptNo: n,
      businessDate,
      subtotal: amount,
      discountTotal: 0,
      total: amount,
      rounding: 0,
      taxTotal: 0,
      change: 0,
      lines: [],
      taxes: [],
      tenders: [{ id: `T${n}`, kind, amount, tendered: amount, reference: null, paymentId }],
    });
    return businessDate;
  }

  const exportsService = () => createExportsService({ db, dataDir: dir, terminalId: T, currency: () => 'CNY', businessDay });
  const read = async (kind: 'sales' | 'payments' | 'zreports', from: string, to = from) => {
    const exports = exportsService();
    const file = await exports.create(kind, from, to, 'en');
    // Rows by the columns' own keys (the header row is in words): receipt_no, total, …
    return parse(readFileSync(join(exports.dir, file.name)), { bom: true, columns: [...EXPORT_COLUMNS[kind]], from_line: 2 }) as Record<string, string>[];
  };
  const charts = () => createChartsService({ db, clock: { now: () => now }, terminalId: T, businessDay });
  const wallets = (z: ReportView) => z.tenders.filter((t) => t.kind !== 'cash').reduce((s, t) => s + t.amount, 0);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pos-business-date-views-'));
    db = openDatabase(join(dir, 'pos.sqlite'));
    for (const [id, role] of [
      ['C', 'cashier'],
      ['O', 'owner'],
    ])
      db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES (?, ?, ?, 'x', '2026-01-01')").run(id, id, role);
    const clock = { now: () => now };
    const reports = createReportsService({ db, clock, audit: createAuditService({ db, clock }), terminalId: T, currency: () => 'CNY', language: () => 'zh-CN', businessDay });

    expect(sale(local(21, 10), 'cash', 1_000)).toBe(D);
    expect(sale(local(21, 21, 30), 'alipay', 700)).toBe(D);
    now = local(21, 22);
    zD = reports.takeZ(owner);
    expect(zD.businessDate).toBe(D);
    // After the Z: the next Z's date, though the rule alone says the 21st.
    expect(sale(local(21, 23), 'wechat', 5_678)).toBe(NEXT);
    expect(sale(local(22, 1, 30), 'cash', 999)).toBe(NEXT);
    expect(sale(local(22, 12), 'alipay', 2_345)).toBe(NEXT);
    now = local(22, 22, 30);
    zNext = reports.takeZ(owner);
    expect(zNext.businessDate).toBe(NEXT);
    expect(zNext.counts.sales).toBe(3);
  });
  afterAll(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the sales CSV of the 21st excludes the 23:00 sale and that of the 22nd includes it; each adds up to its Z to the fen', async () => {
    const ofD = await read('sales', D);
    expect(ofD.map((r) => [r.receipt_no, r.business_date])).toEqual([
      [printed(1), D],
      [printed(2), D],
    ]);
    expect(ofD.reduce((s, r) => s + fen(r.total!), 0)).toBe(zD.sales);
    const ofNext = await read('sales', NEXT);
    expect(ofNext.map((r) => [r.receipt_no, r.business_date, r.closed_at])).toEqual([
      [printed(3), NEXT, '2026-11-21 23:00:00'],
      [printed(4), NEXT, '2026-11-22 01:30:00'],
      [printed(5), NEXT, '2026-11-22 12:00:00'],
    ]);
    expect(ofNext.reduce((s, r) => s + fen(r.total!), 0)).toBe(zNext.sales);
    expect(ofNext.reduce((s, r) => s + fen(r.total!) + fen(r.rounding!), 0)).toBe(zNext.net + zNext.refunds);
    expect(await read('sales', D, NEXT)).toHaveLength(5);
  });

  it('the payments CSV lists a payment under its sale’s business date, adding up to the Z’s wallet tenders', async () => {
    const ofD = await read('payments', D);
    expect(ofD.map((r) => [r.order_no, r.business_date])).toEqual([['ORDER-2', D]]);
    expect(ofD.reduce((s, r) => s + fen(r.amount!), 0)).toBe(wallets(zD));
    const ofNext = await read('payments', NEXT);
    expect(ofNext.map((r) => [r.order_no, r.business_date, r.amount])).toEqual([
      ['ORDER-3', NEXT, '56.78'],
      ['ORDER-5', NEXT, '23.45'],
    ]);
    expect(ofNext.reduce((s, r) => s + fen(r.amount!), 0)).toBe(wallets(zNext));
  });

  it('the wallet mix and the hourly chart of each date match its Z; the 23:00 bar of the 22nd holds the late sale', () => {
    now = local(23, 10);
    for (const [date, z] of [
      [D, zD],
      [NEXT, zNext],
    ] as const) {
      const mix = charts().walletMix(date, date);
      expect(mix.kinds.map((k) => [k.kind, k.count, k.amount]).sort()).toEqual(z.tenders.map((t) => [t.kind, t.count, t.amount]).sort());
      const hourly = charts().hourly(date);
      expect(hourly.hours.reduce((s, h) => s + h.amount, 0)).toBe(z.sales + z.rounding);
    }
    const ofD = charts().hourly(D).hours;
    expect(ofD[23]).toMatchObject({ count: 0, amount: 0 });
    expect(ofD[21]).toMatchObject({ count: 1, amount: 700 });
    const ofNext = charts().hourly(NEXT).hours;
    expect(ofNext[23]).toMatchObject({ count: 1, amount: 5_678 });
    expect(ofNext[1]).toMatchObject({ count: 1, amount: 999 });
    expect(ofNext[12]).toMatchObject({ count: 1, amount: 2_345 });
    // A week later, the 22nd is the comparison day of the 29th.
    expect(charts().hourly('2026-11-29').hours[23]).toMatchObject({ compareCount: 1, compareAmount: 5_678 });
  });

  it('history labels the 23:00 sale with the 22nd, as the CSV', () => {
    const notUsed = () => {
      throw new Error('not used by the search');
    };
    const history = createHistoryService({ db, terminalId: T, refunds: { forSale: notUsed, refundable: notUsed }, businessDay });
    const rows = history.search({ from: D, to: NEXT }).rows;
    expect(rows.map((s) => [s.receiptNumber.slice(-1), s.businessDate]).sort()).toEqual([
      ['1', D],
      ['2', D],
      ['3', NEXT],
      ['4', NEXT],
      ['5', NEXT],
    ]);
  });

  it('a change of the turn hour leaves past days’ exports and charts as they were', async () => {
    now = local(23, 10);
    const before = {
      sales: [await read('sales', D), await read('sales', NEXT)],
      payments: [await read('payments', D, NEXT)],
      zreports: await read('zreports', D, NEXT),
      mix: [charts().walletMix(D, D), charts().walletMix(NEXT, NEXT)],
      hourly: [charts().hourly(D), charts().hourly(NEXT)],
    };
    rule = { timeZone: 'Asia/Shanghai', turnsAtHour: 0 };
    try {
      expect({
        sales: [await read('sales', D), await read('sales', NEXT)],
        payments: [await read('payments', D, NEXT)],
        zreports: await read('zreports', D, NEXT),
        mix: [charts().walletMix(D, D), charts().walletMix(NEXT, NEXT)],
        hourly: [charts().hourly(D), charts().hourly(NEXT)],
      }).toEqual(before);
    } finally {
      rule = { timeZone: 'Asia/Shanghai', turnsAtHour: 4 };
    }
  });
});
