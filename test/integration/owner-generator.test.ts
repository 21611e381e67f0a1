/** The bench's sales generator at a small size, and the reports and charts on what it makes. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSalesDatabase, GENERATED_TERMINAL_ID, type GeneratedDatabase } from '../../bench/generate-sales';
import { openDatabase } from '../../db/open';
import { defaultBusinessDayRule, systemTimeZone } from '../../src-common/business-day';
import { EXPORT_PAGE_BYTES } from '../../src-common/calls/owner';
import { createAuditService } from '../../src-main/services/audit';
import { createChartsService } from '../../src-main/services/charts';
import { createExportsService } from '../../src-main/services/exports';
import { EXPORT_COLUMNS } from '../../src-main/services/export-columns';
import { assembleReport, createReportsService, readReportParts, readReportPartsFromRows } from '../../src-main/services/reports';

/** The generator writes the machine's local days (its default rule). */
const zone = systemTimeZone();

describe('reports on a generated database (the bench generator at a small size)', () => {
  let dir: string;
  let made: GeneratedDatabase;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pos-gen-'));
    made = await generateSalesDatabase({ path: join(dir, 'pos.sqlite'), sales: 3000, days: 10, lastDay: '2026-03-10' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the sales asked, one Z per day but the last, each covering exactly its day', () => {
    const db = new Sqlite(made.path, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM sale').pluck().get()).toBe(3000);
      expect(db.prepare("SELECT count(*) FROM sale WHERE status = 'completed'").pluck().get()).toBeGreaterThan(2900);
      const zs = db.prepare('SELECT z_no, business_date, net, sales_count FROM z_report ORDER BY z_no').all() as { z_no: number; business_date: string; net: number; sales_count: number }[];
      expect(zs.map((z) => z.business_date)).toEqual(made.days.slice(0, -1));
      expect(zs.map((z) => z.z_no)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // Each Z's sales equal the day totals kept with the sales; net = tenders taken − refunds final that day.
      for (const z of zs) {
        const day = db.prepare('SELECT sales_count AS n FROM daily_total WHERE business_date = ?').get(z.business_date) as { n: number };
        expect(z.sales_count).toBe(day.n);
        const taken = db.prepare('SELECT coalesce(sum(amount), 0) FROM daily_tender_total WHERE business_date = ?').pluck().get(z.business_date) as number;
        expect(z.net).toBeLessThanOrEqual(taken);
      }
      const sumNet = zs.reduce((s, z) => s + z.net, 0);
      const lastDayFrom = db.prepare('SELECT to_at FROM z_report ORDER BY z_no DESC LIMIT 1').pluck().get() as string;
      const taken = db.prepare("SELECT sum(t.amount) FROM sale_tender t JOIN sale s ON s.id = t.sale_id WHERE s.closed_at <= ?").pluck().get(lastDayFrom) as number;
      const refunded = db.prepare("SELECT coalesce(sum(amount), 0) FROM refund WHERE status = 'refunded' AND finished_at <= ?").pluck().get(lastDayFrom) as number;
      expect(sumNet).toBe(taken - refunded);
    } finally {
      db.close();
    }
  });

  it('reads the same report from the quarter-hour totals as from every sale, to the fen, for any window', () => {
    const db = openDatabase(made.path);
    try {
      const start = new Date(2026, 2, 1).getTime();
      const span = 10 * 86_400_000;
      let seed = 42;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const windows: { from: string | null; to: string }[] = [
        { from: null, to: new Date(start + span).toISOString() },
        // Edges on quarter boundaries, one ms either side, and inside one quarter.
        { from: new Date(2026, 2, 5, 10, 0).toISOString(), to: new Date(2026, 2, 5, 18, 15).toISOString() },
        { from: new Date(new Date(2026, 2, 5, 10, 0).getTime() - 1).toISOString(), to: new Date(new Date(2026, 2, 5, 18, 15).getTime() - 1).toISOString() },
        { from: new Date(2026, 2, 5, 12, 3).toISOString(), to: new Date(2026, 2, 5, 12, 11).toISOString() },
      ];
      for (let i = 0; i < 40; i++) {
        const a = start + Math.floor(random() * span);
        const b = a + Math.floor(random() * random() * span);
        windows.push({ from: random() < 0.1 ? null : new Date(a).toISOString(), to: new Date(b).toISOString() });
      }
      for (const w of windows) {
        const window = { terminalId: GENERATED_TERMINAL_ID, ...w };
        expect(assembleReport(readReportParts(db, window, zone)), JSON.stringify(w)).toEqual(assembleReport(readReportPartsFromRows(db, window, zone)));
      }
      expect(assembleReport(readReportParts(db, { terminalId: GENERATED_TERMINAL_ID, ...windows[0]! }, zone)).counts.sales).toBeGreaterThan(2900);
    } finally {
      db.close();
    }
  });

  it('the X of the last day and its hourly chart agree with the facts', () => {
    const db = openDatabase(made.path);
    try {
      const clock = { now: () => new Date(2026, 2, 10, 23, 59, 59, 999) };
      const reports = createReportsService({ db, clock, audit: createAuditService({ db, clock }), terminalId: GENERATED_TERMINAL_ID, currency: () => 'CNY', language: () => 'zh-CN', businessDay: defaultBusinessDayRule });
      const x = reports.x();
      const from = x.from!;
      const facts = db
        .prepare("SELECT count(*) AS n, sum(total + rounding) AS taken, sum(subtotal) AS gross, sum(tax_total) AS tax FROM sale WHERE status = 'completed' AND closed_at > ? AND closed_at <= ?")
        .get(from, x.to) as { n: number; taken: number; gross: number; tax: number };
      expect(x.counts.sales).toBe(facts.n);
      expect(x.gross).toBe(facts.gross);
      expect(x.sales + x.rounding).toBe(facts.taken);
      expect(x.hours.reduce((s, h) => s + h.amount, 0)).toBe(facts.taken);
      const chart = createChartsService({ db, clock, terminalId: GENERATED_TERMINAL_ID, businessDay: defaultBusinessDayRule }).hourly('2026-03-10');
      expect(chart.compareDate).toBe('2026-03-03');
      expect(chart.hours.reduce((s, h) => s + h.amount, 0)).toBe(facts.taken);
      expect(chart.hours.reduce((s, h) => s + h.compareAmount, 0)).toBe(
        db.prepare('SELECT sum(amount) FROM daily_tender_total WHERE business_date = ?').pluck().get('2026-03-03'),
      );
      expect(readReportParts(db, { terminalId: GENERATED_TERMINAL_ID, from, to: x.to }, zone).sales.count).toBe(facts.n);
    } finally {
      db.close();
    }
  });
});

describe('exports of a generated database', () => {
  let dir: string;
  let made: GeneratedDatabase;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pos-gen-export-'));
    made = await generateSalesDatabase({ path: join(dir, 'pos.sqlite'), sales: 12_000, days: 3, lastDay: '2026-03-10', zReports: false });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a multi-page CSV that reads back in pages of at most 512 KiB, byte for byte, with formula-like text guarded', async () => {
    const db = openDatabase(made.path);
    try {
      // A void reason a spreadsheet would run as a formula.
      db.prepare(
        "INSERT INTO sale (id, terminal_id, status, currency, opened_at, closed_at, closed_by, business_date, void_reason) VALUES ('EVIL', ?, 'voided', 'CNY', ?, ?, 'BENCHUSER-C1', '2026-03-09', ?)",
      ).run(GENERATED_TERMINAL_ID, new Date(2026, 2, 9, 12).toISOString(), new Date(2026, 2, 9, 12, 1).toISOString(), '=HYPERLINK("http://x","y")');
      const exports = createExportsService({ db, dataDir: dir, terminalId: GENERATED_TERMINAL_ID, currency: () => 'CNY', businessDay: defaultBusinessDayRule });
      const file = await exports.create('sales', '2026-03-08', '2026-03-10', 'en');
      expect(file.rows).toBe(12_001);
      expect(file.bytes).toBeGreaterThan(EXPORT_PAGE_BYTES * 2);
      const pages: Buffer[] = [];
      let offset = 0;
      for (;;) {
        const page = await exports.read(file.name, offset);
        expect(page.bytes).toBeLessThanOrEqual(EXPORT_PAGE_BYTES);
        expect(page.data.length).toBeLessThan(1024 * 1024); // fits a WebSocket frame with room to spare
        pages.push(Buffer.from(page.data, 'base64'));
        offset += page.bytes;
        if (page.done) break;
      }
      expect(pages.length).toBe(Math.ceil(file.bytes / EXPORT_PAGE_BYTES));
      const whole = Buffer.concat(pages);
      expect(whole.equals(readFileSync(join(exports.dir, file.name)))).toBe(true);
      const records = parse(whole, { bom: true, columns: [...EXPORT_COLUMNS.sales], from_line: 2 }) as Record<string, string>[];
      expect(records).toHaveLength(12_001);
      expect(records.find((r) => r.void_reason?.includes('HYPERLINK'))!.void_reason).toBe('\'=HYPERLINK("http://x","y")');
      const completed = records.filter((r) => r.status === 'completed');
      const sumFen = completed.reduce((s, r) => s + Math.round(Number(r.total) * 100), 0);
      expect(sumFen).toBe(db.prepare("SELECT sum(total) FROM sale WHERE status = 'completed'").pluck().get());
      await expect(exports.read(file.name, file.bytes + 1)).rejects.toMatchObject({ code: 'validation_failed' });
    } finally {
      db.close();
    }
  });
});
