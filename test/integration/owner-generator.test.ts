/** The bench's sales generator at a small size, and the reports and charts on what it makes. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSalesDatabase, GENERATED_TERMINAL_ID, type GeneratedDatabase } from '../../bench/generate-sales';
import { openDatabase } from '../../db/open';
import { createAuditService } from '../../src-main/services/audit';
import { createChartsService } from '../../src-main/services/charts';
import { createReportsService, readReportParts } from '../../src-main/services/reports';

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

  it('the X of the last day and its hourly chart agree with the facts', () => {
    const db = openDatabase(made.path);
    try {
      const clock = { now: () => new Date(2026, 2, 10, 23, 59, 59, 999) };
      const reports = createReportsService({ db, clock, audit: createAuditService({ db, clock }), terminalId: GENERATED_TERMINAL_ID, currency: () => 'CNY', language: () => 'zh-CN' });
      const x = reports.x();
      const from = x.from!;
      const facts = db
        .prepare("SELECT count(*) AS n, sum(total + rounding) AS taken, sum(subtotal) AS gross, sum(tax_total) AS tax FROM sale WHERE status = 'completed' AND closed_at > ? AND closed_at <= ?")
        .get(from, x.to) as { n: number; taken: number; gross: number; tax: number };
      expect(x.counts.sales).toBe(facts.n);
      expect(x.gross).toBe(facts.gross);
      expect(x.sales + x.rounding).toBe(facts.taken);
      expect(x.hours.reduce((s, h) => s + h.amount, 0)).toBe(facts.taken);
      const chart = createChartsService({ db, clock, terminalId: GENERATED_TERMINAL_ID }).hourly('2026-03-10');
      expect(chart.compareDate).toBe('2026-03-03');
      expect(chart.hours.reduce((s, h) => s + h.amount, 0)).toBe(facts.taken);
      expect(chart.hours.reduce((s, h) => s + h.compareAmount, 0)).toBe(
        db.prepare('SELECT sum(amount) FROM daily_tender_total WHERE business_date = ?').pluck().get('2026-03-03'),
      );
      expect(readReportParts(db, { terminalId: GENERATED_TERMINAL_ID, from, to: x.to }).sales.count).toBe(facts.n);
    } finally {
      db.close();
    }
  });
});
