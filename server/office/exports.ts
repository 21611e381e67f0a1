/**
 * Report exports as server tasks: the request is checked and counted (rows to write known before the first row),
 * then the file is written in the background date by date, the page polling its progress; it can be cancelled
 * between chunks. CSV is UTF-8 with a BOM and CRLF (as the till's exports, so Excel and WPS read the Chinese),
 * formula-looking text guarded; XLSX is written with exceljs's streaming writer (rows go to the file as they come,
 * so a year of sales never sits in memory) with amounts as numbers in yuan formatted 0.00. A task belongs to the
 * account that started it; finished files are kept 30 minutes in a temporary directory, then deleted.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { ulid } from 'ulid';
import type { ExportRequest, ExportState, Totals, ZSums } from '../../src-common/office/dashboard';
import type { Db } from '../database';
import { ApiError, notFound } from '../http';
import type { OfficeUser } from './access';
import { dayReports } from './areas/reports';
import { datesOf, terminalNames, type NamedStore } from './figures';
import { OfficeFile } from './route';

const KEEP_MS = 30 * 60_000;
const MAX_RUNNING_PER_ACCOUNT = 2;
/** Stores per query of one date's sales: a chunk is a few thousand rows at most, then the event loop gets a turn. */
const STORES_PER_CHUNK = 20;
export const TENDER_COLUMNS = ['cash', 'wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay', 'other'] as const;

interface Task {
  readonly accountId: string;
  readonly state: ExportState;
  readonly dir: string;
  readonly path: string;
  readonly contentType: string;
  cancelled: boolean;
}

const tasks = new Map<string, Task>();

/** Fen as a plain decimal in yuan (12.50, -0.05): what a spreadsheet reads as a number. */
export function yuan(fen: number): string {
  const digits = Math.abs(fen).toString().padStart(3, '0');
  return `${fen < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** Text a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a leading apostrophe. */
function guard(cell: string | number): string | number {
  return typeof cell === 'string' && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

type Cell = { text: string } | { fen: number } | { count: number };
const text = (v: string): Cell => ({ text: v });
const fen = (v: number): Cell => ({ fen: v });
const count = (v: number): Cell => ({ count: v });

interface RowWriter {
  header(names: readonly string[]): Promise<void>;
  row(cells: readonly Cell[]): Promise<void>;
  close(): Promise<void>;
}

async function csvWriter(path: string): Promise<RowWriter> {
  const out: WriteStream = createWriteStream(path);
  const write = (chunk: string) => new Promise<void>((done, fail) => out.write(chunk, (e) => (e ? fail(e) : done())));
  await write('\uFEFF');
  const line = (values: readonly (string | number)[]) => write(stringify([values], { record_delimiter: '\r\n' }));
  return {
    header: (names) => line(names),
    // Only text is guarded: an amount like -0.10 is a number, and stays one.
    row: (cells) => line(cells.map((c) => ('text' in c ? guard(c.text) : 'fen' in c ? yuan(c.fen) : c.count))),
    close: () => new Promise<void>((done, fail) => out.end((e?: Error | null) => (e ? fail(e) : done()))),
  };
}

async function xlsxWriter(path: string, sheetName: string): Promise<RowWriter> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  const sheet = book.addWorksheet(sheetName);
  let columns: number[] = [];
  return {
    async header(names) {
      sheet.addRow([...names]).commit();
    },
    async row(cells) {
      if (columns.length === 0) columns = cells.flatMap((c, i) => ('fen' in c ? [i + 1] : []));
      const row = sheet.addRow(cells.map((c) => ('text' in c ? c.text : 'fen' in c ? c.fen / 100 : c.count)));
      for (const i of columns) row.getCell(i).numFmt = '0.00';
      row.commit();
    },
    async close() {
      sheet.commit();
      await book.commit();
    },
  };
}

const HEADERS = {
  'zh-CN': {
    days: ['层级', '营业日', '门店', '收银机', '销售笔数', '原价合计', '折扣', '销售额', '抹零', '退款笔数', '退款', '净额', '税额', '客单价', '现金净额', '微信净额', '支付宝净额', '云闪付净额', '数字人民币净额', '京东支付净额', '翼支付净额', '其他净额', 'Z报表张数', 'Z报表净额', 'Z报表笔数'],
    sales: ['营业日', '门店', '收银机', '小票号', '结账时间', '原价合计', '折扣', '应收', '抹零', '税额', '现金', '微信', '支付宝', '云闪付', '数字人民币', '京东支付', '翼支付', '其他'],
    level: { chain: '全部门店', store: '门店', till: '收银机' },
    sheet: { days: '日报', sales: '销售明细' },
  },
  en: {
    days: ['Level', 'Business date', 'Store', 'Till', 'Sales', 'Gross', 'Discounts', 'Sales total', 'Rounding', 'Refunds count', 'Refunds', 'Net', 'Tax', 'Average ticket', 'Cash net', 'WeChat Pay net', 'Alipay net', 'UnionPay net', 'e-CNY net', 'JD Pay net', 'BestPay net', 'Other net', 'Z reports', 'Z net', 'Z sales'],
    sales: ['Business date', 'Store', 'Till', 'Receipt no', 'Closed at', 'Gross', 'Discounts', 'Total', 'Rounding', 'Tax', 'Cash', 'WeChat Pay', 'Alipay', 'UnionPay', 'e-CNY', 'JD Pay', 'BestPay', 'Other'],
    level: { chain: 'All stores', store: 'Store', till: 'Till' },
    sheet: { days: 'Day reports', sales: 'Sales' },
  },
} as const;

function dayCells(level: string, date: string, store: string, till: string, t: Totals, z: ZSums | null): Cell[] {
  const tenderNet = (kind: string) => t.tenders.find((x) => x.kind === kind)?.net ?? 0;
  return [
    text(level), text(date), text(store), text(till), count(t.salesCount), fen(t.gross), fen(t.discounts), fen(t.sales), fen(t.rounding),
    count(t.refundCount), fen(t.refunds), fen(t.net), fen(t.tax), fen(t.averageTicket), ...TENDER_COLUMNS.map((k) => fen(tenderNet(k))),
    count(z?.count ?? 0), z ? fen(z.net) : text(''), z ? count(z.salesCount) : text(''),
  ];
}

async function countSales(db: Db, ids: readonly string[], from: string, to: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM sale WHERE store_id = ANY($1) AND business_date BETWEEN $2 AND $3 AND voided_at IS NULL`,
    [ids, from, to],
  );
  return rows[0]!.n;
}

const localTime = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(at);

export async function startExport(db: Db, user: OfficeUser, stores: readonly NamedStore[], request: ExportRequest): Promise<ExportState> {
  const running = [...tasks.values()].filter((t) => t.accountId === user.accountId && t.state.state === 'running').length;
  if (running >= MAX_RUNNING_PER_ACCOUNT) throw new ApiError('rate_limited', 'Two exports are running: wait for one to finish or cancel it', { retryAfterSeconds: 5 }, 429);
  const ids = stores.map((s) => s.storeId);
  const labels = HEADERS[request.language];
  const exportId = ulid();
  const fileName = `jiezhang-${request.content}-${request.from}-${request.to}.${request.format}`;
  const dir = await mkdtemp(join(tmpdir(), 'jiezhang-export-'));
  const path = join(dir, fileName);
  const days = request.content === 'days' ? await dayReports(db, stores, request.from, request.to) : null;
  const total = days ? days.days.reduce((n, d) => n + 1 + d.stores.length + d.stores.reduce((m, s) => m + s.tills.length, 0), 0) : await countSales(db, ids, request.from, request.to);
  const task: Task = {
    accountId: user.accountId,
    state: { exportId, state: 'running', done: 0, total, fileName, error: null },
    dir,
    path,
    contentType: request.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    cancelled: false,
  };
  tasks.set(exportId, task);
  const state = task.state as { -readonly [K in keyof ExportState]: ExportState[K] };
  const writer = request.format === 'csv' ? await csvWriter(path) : await xlsxWriter(path, labels.sheet[request.content]);

  const work = async () => {
    if (days) {
      await writer.header(labels.days);
      for (const day of days.days) {
        await writer.row(dayCells(labels.level.chain, day.businessDate, '', '', day.chain, day.chainZ));
        for (const s of day.stores) {
          await writer.row(dayCells(labels.level.store, day.businessDate, s.name, '', s.totals, s.z));
          for (const t of s.tills) await writer.row(dayCells(labels.level.till, day.businessDate, s.name, t.name, t.totals, t.z));
          state.done += 1 + s.tills.length;
        }
        state.done += 1;
        if (task.cancelled) return;
        await nextTurn();
      }
      return;
    }
    await writer.header(labels.sales);
    const names = await terminalNames(db, ids);
    const storeName = new Map(stores.map((s) => [s.storeId, s.name]));
    const timeZone = request.tz;
    for (const date of datesOf(request.from, request.to)) {
      for (let i = 0; i < ids.length; i += STORES_PER_CHUNK) {
        if (task.cancelled) return;
        const chunk = ids.slice(i, i + STORES_PER_CHUNK);
        const [sales, tenders] = await Promise.all([
          db.query<{ store_id: string; sale_id: string; terminal_id: string; receipt_no: number; closed_at: Date; subtotal: number; discount_total: number; total: number; rounding: number; tax_total: number }>(
            `SELECT store_id, sale_id, terminal_id, receipt_no, closed_at, subtotal, discount_total, total, rounding, tax_total
               FROM sale WHERE store_id = ANY($1) AND business_date = $2 AND voided_at IS NULL ORDER BY store_id, terminal_id, receipt_no`,
            [chunk, date],
          ),
          db.query<{ store_id: string; sale_id: string; kind: string; amount: number }>(
            `SELECT store_id, sale_id, kind, amount FROM sale_tender WHERE store_id = ANY($1) AND business_date = $2 AND NOT voided`,
            [chunk, date],
          ),
        ]);
        const paid = new Map<string, Map<string, number>>();
        for (const t of tenders.rows) {
          const k = `${t.store_id}\u0000${t.sale_id}`;
          const byKind = paid.get(k) ?? new Map<string, number>();
          byKind.set(t.kind, (byKind.get(t.kind) ?? 0) + t.amount);
          paid.set(k, byKind);
        }
        for (const s of sales.rows) {
          const byKind = paid.get(`${s.store_id}\u0000${s.sale_id}`);
          await writer.row([
            text(date), text(storeName.get(s.store_id) ?? s.store_id), text(names.get(`${s.store_id}\u0000${s.terminal_id}`) ?? s.terminal_id), count(s.receipt_no),
            text(localTime(s.closed_at, timeZone)), fen(s.subtotal), fen(s.discount_total), fen(s.total), fen(s.rounding), fen(s.tax_total),
            ...TENDER_COLUMNS.map((k) => fen(byKind?.get(k) ?? 0)),
          ]);
          state.done += 1;
        }
        await nextTurn();
      }
    }
  };

  void (async () => {
    try {
      await work();
      await writer.close();
      state.state = task.cancelled ? 'cancelled' : 'done';
    } catch (error) {
      state.state = 'failed';
      state.error = error instanceof Error ? error.message : String(error);
      await writer.close().catch(() => undefined);
    }
    if (state.state !== 'done') await rm(dir, { recursive: true, force: true });
    setTimeout(() => {
      tasks.delete(exportId);
      void rm(dir, { recursive: true, force: true });
    }, KEEP_MS).unref();
  })();
  return { ...state };
}

function ownTask(user: OfficeUser, exportId: string): Task {
  const task = tasks.get(exportId);
  // Another account's export is as unknown as one that never was.
  if (!task || task.accountId !== user.accountId) throw notFound('Export');
  return task;
}

export async function exportState(user: OfficeUser, exportId: string): Promise<ExportState> {
  return { ...ownTask(user, exportId).state };
}

export async function cancelExport(user: OfficeUser, exportId: string): Promise<ExportState> {
  const task = ownTask(user, exportId);
  if (task.state.state === 'running') task.cancelled = true;
  return { ...task.state };
}

export async function exportFile(user: OfficeUser, exportId: string): Promise<OfficeFile> {
  const task = ownTask(user, exportId);
  if (task.state.state !== 'done') throw new ApiError('bad_request', `The export is ${task.state.state}, not done`, { state: task.state.state }, 409);
  return new OfficeFile(task.path, task.contentType, task.state.fileName);
}
