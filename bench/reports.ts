/**
 * Reports on a database of 1,000,000 sales (issue 7): the X report over a full day, the Z computation
 * (taken and rolled back, so every round covers the same day) and the hourly chart, p50/p95, each beside a
 * baseline measured in the same run on the same rows — a plain count(*) over the day's sales, the same X
 * computed from every sale of the day instead of the quarter-hour totals, and an hourly query with the
 * index switched off (NOT INDEXED: a scan of the whole table) — with the
 * longest event-loop stall of this process while they ran (perf_hooks monitorEventLoopDelay; the queries
 * are synchronous, so the stall is the longest single call).
 *
 * The generated database is cached in the temp folder by size (generation takes a while); pass --db to
 * use another, --fresh to make it again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Sqlite from 'better-sqlite3';
import { openDatabase } from '../db/open';
import type { Session } from '../src-common/roles';
import { createAuditService } from '../src-main/services/audit';
import { createChartsService } from '../src-main/services/charts';
import { createExportsService } from '../src-main/services/exports';
import { addDays, businessDaysInterval, defaultBusinessDayRule } from '../src-common/business-day';
import { assembleReport, createReportsService, readReportParts, readReportPartsFromRows } from '../src-main/services/reports';
import { readToday } from '../src-main/services/today';
import { GENERATED_TERMINAL_ID } from './generate-sales';
import { cachedSalesDatabase } from './sales-fixture';
import { summarize } from './stats';

class Rollback extends Error {}

/** Each round is one call, as the terminal serves it; the event loop gets a turn between rounds. */
async function time(rounds: number, fn: () => void): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    const started = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return samples;
}

async function stallDuring<T>(fn: () => Promise<T>): Promise<{ value: T; longestStallMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  // Let the monitor's timer start before the work begins.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const value = await fn();
  await new Promise((resolve) => setTimeout(resolve, 20));
  histogram.disable();
  return { value, longestStallMs: Number((histogram.max / 1e6).toFixed(1)) };
}

export async function reportsBench(options: { sales?: number; db?: string; fresh?: boolean; rounds?: number } = {}) {
  const sales = options.sales ?? 1_000_000;
  const rounds = options.rounds ?? 30;
  let path: string;
  let generation: { seconds: number; cached: boolean };
  let lastDay: string;
  if (options.db) {
    path = options.db;
    generation = { seconds: 0, cached: true };
    const probe = new Sqlite(path, { readonly: true });
    lastDay = probe.prepare("SELECT max(business_date) FROM sale WHERE status = 'completed'").pluck().get() as string;
    probe.close();
  } else {
    const fixture = await cachedSalesDatabase(sales, { fresh: options.fresh ?? false, log: (line) => process.stderr.write(`${line}\n`) });
    ({ path, generation, lastDay } = fixture);
  }

  const db = openDatabase(path);
  const terminalId = GENERATED_TERMINAL_ID;
  const counts = db
    .prepare("SELECT count(*) AS sales, count(*) FILTER (WHERE status = 'completed') AS completed, (SELECT count(*) FROM sale_line) AS lines, (SELECT count(*) FROM refund) AS refunds FROM sale")
    .get() as {
    sales: number;
    completed: number;
    lines: number;
    refunds: number;
  };
  const lastZ = db.prepare('SELECT to_at FROM z_report WHERE terminal_id = ? ORDER BY z_no DESC LIMIT 1').pluck().get(terminalId) as string | undefined;
  // The calendar day (midnight to midnight) of the last day: the generated shop trades 07:00–23:00.
  const rule = defaultBusinessDayRule();
  const calendarDay = businessDaysInterval(lastDay, lastDay, { timeZone: rule.timeZone, turnsAtHour: 0 });
  const day = { from: new Date(calendarDay.start.getTime() - 1).toISOString(), to: new Date(calendarDay.end.getTime() - 1).toISOString() };
  const window = { terminalId, from: lastZ ?? day.from, to: day.to };
  const daySales = db.prepare("SELECT count(*) FROM sale s WHERE s.terminal_id = ? AND s.closed_at > ? AND s.closed_at <= ? AND s.status = 'completed'").pluck();
  const salesInDay = daySales.get(window.terminalId, window.from, window.to) as number;

  // The Z as the owner takes it at the end of that day, rolled back each round.
  const clock = { now: () => new Date(window.to) };
  const reports = createReportsService({ db, clock, audit: createAuditService({ db, clock }), terminalId, currency: () => 'CNY', language: () => 'zh-CN', businessDay: () => rule });
  const charts = createChartsService({ db, clock, terminalId, businessDay: () => rule });
  const owner: Session = { caller: { role: 'owner', userId: 'BENCHUSER-OWNER' } };
  const takeZRolledBack = () => {
    try {
      db.transaction(() => {
        reports.takeZ(owner);
        throw new Rollback();
      })();
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
    }
  };
  const hourlyScan = db.prepare(
    `SELECT substr(s.closed_at, 1, 13) AS utcHour, cast(substr(s.closed_at, 15, 2) AS INTEGER) / 15 AS quarter, count(*), sum(s.total + s.rounding)
       FROM sale AS s NOT INDEXED WHERE s.terminal_id = ? AND s.closed_at > ? AND s.closed_at <= ? AND s.status = 'completed' GROUP BY utcHour, quarter`,
  );

  // The first X after opening the database reads its pages from disk (or the OS cache): measured on its own.
  const coldStarted = process.hrtime.bigint();
  assembleReport(readReportParts(db, window, rule.timeZone));
  const firstXColdMs = Number((Number(process.hrtime.bigint() - coldStarted) / 1e6).toFixed(1));
  // Warm: statements prepared, pages cached.
  takeZRolledBack();
  charts.hourly(lastDay);
  daySales.get(window.terminalId, window.from, window.to);
  hourlyScan.all(terminalId, day.from, day.to);
  // The report calls only: their stall is what a cashier's next call could wait behind.
  const measured = await stallDuring(async () => ({
    xFullDay: summarize(await time(rounds, () => assembleReport(readReportParts(db, window, rule.timeZone)))),
    zComputation: summarize(await time(rounds, takeZRolledBack)),
    hourlyChart: summarize(await time(rounds, () => charts.hourly(lastDay))),
  }));
  // The owner's today page at the last day's end (it runs in the SQL worker: timed here on this thread, as the worker runs it).
  const todayInput = { terminalId, currency: 'CNY', businessDay: rule, now: window.to, lowStockThreshold: 10 };
  readToday(db, todayInput);
  const todayPage = summarize(await time(rounds, () => readToday(db, todayInput)));
  const baselineCountDay = summarize(await time(rounds, () => daySales.get(window.terminalId, window.from, window.to)));
  const baselineXFromEverySale = summarize(await time(Math.min(10, rounds), () => assembleReport(readReportPartsFromRows(db, window, rule.timeZone))));
  const baselineHourlyWithoutIndex = summarize(await time(Math.min(5, rounds), () => hourlyScan.all(terminalId, day.from, day.to)));
  // A week of sales as CSV: written page by page, the event loop served between pages.
  const exportDir = mkdtempSync(join(tmpdir(), 'jiezhang-bench-export-'));
  const exportsService = createExportsService({ db, dataDir: exportDir, terminalId, currency: () => 'CNY', businessDay: () => rule });
  const weekStart = addDays(lastDay, -6);
  const exported = await stallDuring(async () => {
    const started = process.hrtime.bigint();
    const file = await exportsService.create('sales', weekStart, lastDay, 'zh-CN');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    let offset = 0;
    let pages = 0;
    for (;;) {
      const page = await exportsService.read(file.name, offset);
      offset += page.bytes;
      pages += 1;
      if (page.done) break;
    }
    return { rows: file.rows, bytes: file.bytes, seconds: Number(seconds.toFixed(2)), rowsPerSecond: Math.round(file.rows / seconds), pages };
  });
  rmSync(exportDir, { recursive: true, force: true });
  const check = reports.x();
  db.close();
  const m = measured.value;
  return {
    database: { sales: counts.sales, completedSales: counts.completed, lines: counts.lines, refunds: counts.refunds, salesInReportedDay: salesInDay, day: lastDay, generation },
    xFullDayMs: m.xFullDay,
    zComputationMs: m.zComputation,
    /** Two days (the day and the same weekday a week before), from the covering index. */
    hourlyChartMs: m.hourlyChart,
    baselineCountOfTheDaysSalesMs: baselineCountDay,
    baselineHourlyQueryWithoutIndexMs: baselineHourlyWithoutIndex,
    /** The same X computed from every sale, line, tax and tender of the day (no quarter totals). */
    baselineXFromEverySaleMs: baselineXFromEverySale,
    xOverCount: Number((m.xFullDay.p50 / baselineCountDay.p50).toFixed(1)),
    xOverXFromEverySale: Number((m.xFullDay.p50 / baselineXFromEverySale.p50).toFixed(3)),
    /** The chart reads two days; the scan one: the index's gain is at least this ratio's inverse, halved. */
    hourlyChartOverFullScan: Number((m.hourlyChart.p50 / baselineHourlyWithoutIndex.p50).toFixed(4)),
    /** owner.today: the day's totals, tenders, refunds, top 10 sellers (every line of the day), this hour and the day so far beside last week, low stock. */
    todayPageMs: todayPage,
    todayPageOverCount: Number((todayPage.p50 / baselineCountDay.p50).toFixed(1)),
    longestEventLoopStallMs: measured.longestStallMs,
    firstXColdMs,
    /** Sales of the last 7 days to CSV, then read back in ≤ 512 KiB pages as the UI does. */
    exportWeekOfSales: { ...exported.value, longestEventLoopStallMs: exported.longestStallMs },
    reportedDayNet: check.net,
  };
}
