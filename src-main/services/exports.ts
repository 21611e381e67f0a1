/**
 * CSV exports of sales, payments and Z reports for a date range (issue 7): UTF-8 with a BOM and CRLF so
 * Excel and WPS open the Chinese correctly, formula-looking cells guarded (catalog-csv's guardCell), money
 * in yuan with the currency's decimals. The file is written to <dataDir>/exports/ page by page (the event
 * loop gets a turn between pages) under a temporary name, then renamed; the UI reads it back in pages of
 * at most 512 KiB (export.read), as WebSocket frames are limited to 1 MiB.
 *
 * Dates are business dates as stored with each fact: the date of the Z that closes it (src-main/services/
 * business-date.ts; the store's zone, the day turning at the configured hour, and what happens after a Z
 * taken early belongs to the next Z's date). Rows are selected and labelled by that stored date, never by
 * a time window re-derived from the current rule, so a date's sales add up to that date's Z (when a Z was
 * taken each day), history shows the same date, and a changed turn hour leaves past days' files as they
 * were. A payment carries its sale's business date (it is counted with its sale in the Z); payments of
 * a sale still open are listed once it is closed. Times are the store's wall clock.
 */
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Database } from 'better-sqlite3';
import { stringify } from 'csv-stringify/sync';
import { newId } from '../../db/ids';
import { FIRST_PAYMENT_KEY, FIRST_SALE_KEY, paymentExportPage, saleExportPage } from '../../db/queries/exports';
import { zReportsBetween } from '../../db/queries/reports';
import { EXPORT_PAGE_BYTES, ExportName, type ExportKind, type ReportView } from '../../src-common/calls/owner';
import { PosError } from '../../src-common/errors';
import { rateForDisplay } from '../../src-common/cross-border';
import { currencyExponent } from '../../src-common/money';
import { exportCatalogCsv, guardCell } from './catalog-csv';
import { wallClockAt, type BusinessDayRule } from '../../src-common/business-day';
import { checkBusinessDates } from './business-date';
import type { Language } from '../../src-common/schemas';
import { exportHeader, exportValue, TENDER_COLUMNS } from './export-columns';
import { formatReceiptNumber } from './receipt-number';

export interface ExportsService {
  /** `afterPage` runs after each page is written (progress and cancellation in the SQL worker). */
  /** `language`: of the column names and of statuses, methods and wallets in the cells. */
  create(
    kind: ExportKind,
    from: string,
    to: string,
    language: Language,
    afterPage?: (rows: number) => Promise<void>,
  ): Promise<{ name: string; rows: number; bytes: number }>;
  /** The whole catalog in the import's columns (services/catalog-csv.ts), as a file to read with `read`. */
  catalog(now: Date): Promise<{ name: string; rows: number; bytes: number }>;
  read(name: string, offset: number): Promise<{ data: string; offset: number; bytes: number; size: number; done: boolean }>;
  readonly dir: string;
}

/** Rows per page: a page is one synchronous read and write (a few ms), then the event loop gets a turn. */
const PAGE_ROWS = 250;

/** Minor units as a plain decimal (12.50, -0.05), no grouping: what a spreadsheet reads as a number. */
export function plainAmount(minor: number | null, exponent: number): string {
  if (minor === null) return '';
  if (exponent === 0) return String(minor);
  const digits = Math.abs(minor).toString().padStart(exponent + 1, '0');
  return `${minor < 0 ? '-' : ''}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * A Z's customer side (report.payers: cross-border stores only), summed per payer currency: currency, paid, back to
 * customers, refunds whose reply gave no amount, net; several currencies' cells joined by " / ". Empty otherwise.
 */
function payerCells(reportJson: string): string[] {
  const payers = (JSON.parse(reportJson) as Pick<ReportView, 'payers'>).payers ?? [];
  const byCurrency = new Map<string, { paid: number; refunded: number; missing: number; net: number }>();
  for (const r of payers) {
    if (r.payerCurrency === null) continue;
    const c = byCurrency.get(r.payerCurrency) ?? { paid: 0, refunded: 0, missing: 0, net: 0 };
    byCurrency.set(r.payerCurrency, { paid: c.paid + r.payerAmount, refunded: c.refunded + r.payerRefunds, missing: c.missing + r.refundsWithoutPayer, net: c.net + r.payerNet });
  }
  const all = [...byCurrency.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  const cell = (f: (currency: string, c: { paid: number; refunded: number; missing: number; net: number }) => string) => all.map(([currency, c]) => f(currency, c)).join(' / ');
  return [
    cell((currency) => currency),
    cell((currency, c) => plainAmount(c.paid, exponentOrZero(currency))),
    cell((currency, c) => plainAmount(c.refunded, exponentOrZero(currency))),
    cell((_, c) => String(c.missing)),
    cell((currency, c) => plainAmount(c.net, exponentOrZero(currency))),
  ];
}

/** A payer currency's exponent; one we do not know (never written by our readers, which take CNY only) is shown in minor units. */
function exponentOrZero(currency: string): number {
  try {
    return currencyExponent(currency);
  } catch {
    return 0;
  }
}

/** A sale's tenders (`kind:amount;…` from the query) as one amount per tender column, empty where none. */
function tenderCells(tenders: string | null, money: (minor: number) => string): string[] {
  const sums = new Map<string, number>();
  for (const tender of (tenders ?? '').split(';').filter(Boolean)) {
    const [kind, amount] = tender.split(':');
    sums.set(kind!, (sums.get(kind!) ?? 0) + Number(amount));
  }
  return TENDER_COLUMNS.map((kind) => (sums.has(kind) ? money(sums.get(kind)!) : ''));
}

/** An ISO instant as 'YYYY-MM-DD HH:MM:SS' on the store's wall clock. */
export function localStamp(iso: string | null, timeZone: string): string {
  if (!iso) return '';
  const w = wallClockAt(new Date(iso), timeZone);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${p(w.month)}-${p(w.day)} ${p(w.hour)}:${p(w.minute)}:${p(w.second)}`;
}

export function createExportsService(deps: {
  db: Database;
  dataDir: string;
  terminalId: string;
  currency: () => string;
  businessDay: () => BusinessDayRule;
}): ExportsService {
  const { db, terminalId } = deps;
  const dir = join(deps.dataDir, 'exports');

  const localStampOf = (iso: string | null) => localStamp(iso, deps.businessDay().timeZone);

  /** Each page of records, as CSV text; rows counted. */
  async function* pages(kind: ExportKind, from: string, to: string, language: Language): AsyncGenerator<string[][]> {
    const exponent = currencyExponent(deps.currency());
    const money = (m: number | null) => plainAmount(m, exponent);
    const range = { terminalId, from, to };
    const words = (value: string | null) => (value === null ? '' : exportValue(value, language));
    // As printed on the receipt (7K3Q-000123), so a row is found by the number on the paper.
    const receiptNumber = (no: number | null) => (no === null ? '' : formatReceiptNumber(terminalId, no));
    if (kind === 'zreports') {
      yield zReportsBetween(db, terminalId, from, to).map((z) => [
        String(z.z_no),
        z.business_date,
        localStampOf(z.from_at),
        localStampOf(z.to_at),
        String(z.sales_count),
        money(z.gross),
        money(z.discounts),
        money(z.refunds),
        money(z.net),
        money(z.tax),
        z.currency,
        ...payerCells(z.report),
      ]);
      return;
    }
    let afterSale = FIRST_SALE_KEY;
    let afterPayment = FIRST_PAYMENT_KEY;
    for (;;) {
      let records: string[][];
      if (kind === 'sales') {
        const rows = saleExportPage(db, range, afterSale, PAGE_ROWS);
        if (rows.length === 0) return;
        const last = rows.at(-1)!;
        afterSale = { date: last.business_date, at: last.closed_at, id: last.id };
        records = rows.map((s) => [
          receiptNumber(s.receipt_no),
          s.business_date,
          localStampOf(s.closed_at),
          words(s.status),
          s.cashier ?? '',
          String(s.lines),
          money(s.subtotal),
          money(s.discount_total),
          money(s.total),
          money(s.rounding),
          money(s.tax_total),
          ...tenderCells(s.tenders, money),
          money(s.change_given),
          money(s.refunded),
          s.void_reason ?? '',
          s.currency,
        ]);
      } else {
        const rows = paymentExportPage(db, range, afterPayment, PAGE_ROWS);
        if (rows.length === 0) return;
        const last = rows.at(-1)!;
        afterPayment = { date: last.business_date, at: last.sale_closed_at, id: last.sale_id, paymentId: last.id };
        records = rows.map((p) => [
          p.client_sn,
          p.business_date,
          localStampOf(p.created_at),
          words(p.kind),
          words(p.wallet),
          money(p.amount),
          p.currency,
          words(p.status),
          p.acquirer_sn ?? '',
          localStampOf(p.finished_at),
          p.failure_code ?? '',
          receiptNumber(p.receipt_no),
          money(p.refunded),
          p.payer_currency ?? '',
          p.payer_currency !== null && p.payer_amount !== null ? plainAmount(p.payer_amount, exponentOrZero(p.payer_currency)) : '',
          // The rate as a person reads it ("1 <store currency> = rate <payer currency>"), from the digits the wallet sent.
          p.payer_rate !== null ? rateForDisplay(p.payer_rate, p.payer_rate_scale ?? 0) : '',
          p.payer_currency !== null ? plainAmount(p.payer_refunded, exponentOrZero(p.payer_currency)) : '',
          p.payer_currency !== null ? String(p.payer_refunds_missing) : '',
        ]);
      }
      yield records;
      // Let the terminal serve other calls between pages of a large export.
      await nextTurn();
    }
  }

  return {
    dir,
    async create(kind, from, to, language, afterPage) {
      checkBusinessDates(from, to);
      const name = `${kind}-${from.replaceAll('-', '')}-${to.replaceAll('-', '')}-${newId()}.csv`;
      return writeExport(dir, name, async (write) => {
        let rows = 0;
        await write(`\uFEFF${stringify([exportHeader(kind, language)], { record_delimiter: '\r\n' })}`);
        for await (const records of pages(kind, from, to, language)) {
          if (records.length === 0) continue;
          await write(stringify(records.map((r) => r.map(guardCell)), { record_delimiter: '\r\n' }));
          rows += records.length;
          await afterPage?.(rows);
        }
        return rows;
      });
    },

    async catalog(now) {
      const name = `catalog-${now.toISOString().slice(0, 10).replaceAll('-', '')}-${newId()}.csv`;
      return writeExport(dir, name, async (write) => {
        const { text, rows } = exportCatalogCsv(db);
        await write(text);
        return rows;
      });
    },

    async read(name, offset) {
      // The schema checked the name already; checked again here as this is what touches the disk.
      if (!ExportName.safeParse(name).success || basename(name) !== name) throw new PosError('validation_failed', 'Not an export file name', { reason: 'bad_name' });
      const path = join(dir, name);
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch {
        throw new PosError('not_found', 'No such export', { name });
      }
      if (offset > size) throw new PosError('validation_failed', 'Offset past the end of the file', { reason: 'bad_offset', size });
      const length = Math.min(EXPORT_PAGE_BYTES, size - offset);
      const buffer = Buffer.alloc(length);
      const handle = await open(path, 'r');
      try {
        let read = 0;
        while (read < length) {
          const r = await handle.read(buffer, read, length - read, offset + read);
          if (r.bytesRead === 0) break;
          read += r.bytesRead;
        }
      } finally {
        await handle.close();
      }
      return { data: buffer.toString('base64'), offset, bytes: length, size, done: offset + length >= size };
    },
  };
}

/**
 * Writes `<dir>/<name>` through a `.part` file renamed when complete: a half-written file is never offered (only
 * complete files carry the .csv name), and is dropped on failure. `body` writes and returns the rows it wrote.
 */
async function writeExport(dir: string, name: string, body: (write: (text: string) => Promise<void>) => Promise<number>): Promise<{ name: string; rows: number; bytes: number }> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, name);
  const partial = `${path}.part`;
  const file = await open(partial, 'w', 0o600);
  let bytes = 0;
  let rows: number;
  try {
    try {
      rows = await body(async (text) => {
        const buffer = Buffer.from(text, 'utf8');
        await file.write(buffer);
        bytes += buffer.length;
      });
    } finally {
      await file.close();
    }
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { name, rows, bytes };
}
