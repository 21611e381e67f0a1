/**
 * What X and Z reports, shifts and charts read: facts of one terminal in a time window from < t <= to
 * (ISO instants; from '' = since the beginning). Sales count by closed_at, refunds by finished_at (the
 * moment each became final). Every query is a range of an index from migration 0011.
 */
import type { Database } from 'better-sqlite3';
import { wallClockAt } from '../../src-common/business-day';
import { stmt } from '../statements';

export interface Window {
  terminalId: string;
  /** Exclusive; null = since the first fact. */
  from: string | null;
  /** Inclusive. */
  to: string;
}

const args = (w: Window) => [w.terminalId, w.from ?? '', w.to] as const;
const IN_WINDOW = 's.terminal_id = ? AND s.closed_at > ? AND s.closed_at <= ?';

export interface SaleTotalsRow {
  status: 'completed' | 'voided';
  /** Who closed the sales of this row. */
  userId: string | null;
  count: number;
  gross: number;
  discounts: number;
  total: number;
  rounding: number;
  tax: number;
  change: number;
}

/** The window's sales by status and by who closed them: one pass over the day's rows. */
export function saleTotals(db: Database, w: Window): SaleTotalsRow[] {
  return stmt(
    db,
    `SELECT s.status, s.closed_by AS userId, count(*) AS count, coalesce(sum(s.subtotal), 0) AS gross, coalesce(sum(s.discount_total), 0) AS discounts,
            coalesce(sum(s.total), 0) AS total, coalesce(sum(s.rounding), 0) AS rounding, coalesce(sum(s.tax_total), 0) AS tax,
            coalesce(sum(s.change_given), 0) AS change
       FROM sale s WHERE ${IN_WINDOW} AND s.status IN ('completed', 'voided') GROUP BY s.status, s.closed_by`,
  ).all(...args(w)) as SaleTotalsRow[];
}

/** What merchants funded of the window's completed wallet sales (the acquirer's payment_list): the tenders' amounts include it. */
export function merchantDiscountTotal(db: Database, w: Window): number {
  return stmt(
    db,
    `SELECT coalesce(sum(p.merchant_discount), 0)
       FROM payment p JOIN sale s ON s.id = p.sale_id
      WHERE p.merchant_discount > 0 AND p.status = 'paid' AND ${IN_WINDOW} AND s.status = 'completed'`,
  )
    .pluck()
    .get(...args(w)) as number;
}

export function tenderTotals(db: Database, w: Window): { kind: string; count: number; amount: number; tendered: number }[] {
  return stmt(
    db,
    `SELECT t.kind, count(*) AS count, sum(t.amount) AS amount, sum(t.tendered) AS tendered
       FROM sale s JOIN sale_tender t ON t.sale_id = s.id
      WHERE ${IN_WINDOW} AND s.status = 'completed' GROUP BY t.kind ORDER BY t.kind`,
  ).all(...args(w)) as { kind: string; count: number; amount: number; tendered: number }[];
}

export function taxTotals(db: Database, w: Window): { rateBp: number; taxable: number; tax: number }[] {
  return stmt(
    db,
    `SELECT x.rate_bp AS rateBp, sum(x.taxable) AS taxable, sum(x.tax) AS tax
       FROM sale s JOIN sale_tax x ON x.sale_id = s.id
      WHERE ${IN_WINDOW} AND s.status = 'completed' GROUP BY x.rate_bp ORDER BY x.rate_bp DESC`,
  ).all(...args(w)) as { rateBp: number; taxable: number; tax: number }[];
}

/** Items sold: pieces of 'each' lines, one per weighed line; and the number of lines. */
export function itemTotals(db: Database, w: Window): { items: number; lines: number } {
  return stmt(
    db,
    `SELECT coalesce(sum(CASE WHEN l.unit = 'each' THEN l.quantity_milli / 1000 ELSE 1 END), 0) AS items, count(l.line_no) AS lines
       FROM sale s JOIN sale_line l ON l.sale_id = s.id
      WHERE ${IN_WINDOW} AND s.status = 'completed'`,
  ).get(...args(w)) as { items: number; lines: number };
}

/**
 * Completed sales per local hour (the process's time zone, as the business date uses). SQLite's
 * 'localtime' costs microseconds a row (it calls localtime_r each time), so the query groups by quarter
 * hours of UTC with plain string work and each quarter's start is turned into a local hour here: right
 * for every offset (all are whole quarter hours) and across daylight-saving changes.
 */
export function hourTotals(db: Database, w: Window, timeZone: string): { hour: number; count: number; amount: number }[] {
  const quarters = stmt(
    db,
    `SELECT substr(s.closed_at, 1, 13) AS utcHour, cast(substr(s.closed_at, 15, 2) AS INTEGER) / 15 AS quarter, count(*) AS count, sum(s.total + s.rounding) AS amount
       FROM sale s WHERE ${IN_WINDOW} AND s.status = 'completed' GROUP BY utcHour, quarter`,
  ).all(...args(w)) as { utcHour: string; quarter: number; count: number; amount: number }[];
  return localHours(quarters.map((q) => ({ start: `${q.utcHour}:${String(q.quarter * 15).padStart(2, '0')}`, count: q.count, amount: q.amount })), timeZone);
}

/** Quarter totals (named by their UTC start 'YYYY-MM-DDTHH:MM') summed into the store's wall-clock hours they fall in. */
export function localHours(quarters: readonly { start: string; count: number; amount: number }[], timeZone: string): { hour: number; count: number; amount: number }[] {
  const hours = new Map<number, { hour: number; count: number; amount: number }>();
  for (const q of quarters) {
    const hour = wallClockAt(new Date(`${q.start}:00.000Z`), timeZone).hour;
    const h = hours.get(hour) ?? { hour, count: 0, amount: 0 };
    h.count += q.count;
    h.amount += q.amount;
    hours.set(hour, h);
  }
  return [...hours.values()].sort((a, b) => a.hour - b.hour);
}

export interface WindowRefundRow {
  id: string;
  saleId: string;
  tenderKind: string;
  amount: number;
  walletAmount: number;
  cashAmount: number;
  isVoid: 0 | 1;
  userId: string | null;
  userName: string | null;
  /** The refund this row is a leg of (its own id for a refund of one leg). */
  refundGroup: string;
  /** How many legs that refund has. */
  legs: number;
}

/** Refunds (and same-day voids) that became final in the window, on sales of this terminal. */
export function refundsInWindow(db: Database, w: Window): WindowRefundRow[] {
  return stmt(
    db,
    `SELECT r.id, r.sale_id AS saleId, r.tender_kind AS tenderKind, r.amount, r.wallet_amount AS walletAmount, r.cash_amount AS cashAmount,
            r.is_void AS isVoid, r.user_id AS userId, u.name AS userName, coalesce(r.refund_group, r.id) AS refundGroup,
            (SELECT count(*) FROM refund g WHERE g.refund_group = r.refund_group) AS legs
       FROM refund r JOIN sale s ON s.id = r.sale_id LEFT JOIN user u ON u.id = r.user_id
      WHERE r.status = 'refunded' AND r.finished_at > ? AND r.finished_at <= ? AND s.terminal_id = ?
      ORDER BY r.finished_at, r.id`,
  ).all(w.from ?? '', w.to, w.terminalId) as WindowRefundRow[];
}

/**
 * Cross-border (issue 18): the wallet tenders of the window's completed sales by wallet, provider and the currency the
 * customer paid in, with what the customers paid in it as the wallets' replies said (payment.payer_amount, summed as
 * stored: never from a rate). Tenders whose payment kept no payer side (a reply that gave none) have payerCurrency null.
 */
export interface PayerTenderRow {
  wallet: string;
  provider: string;
  payerCurrency: string | null;
  count: number;
  amount: number;
  payerAmount: number;
}

export function payerTenderTotals(db: Database, w: Window): PayerTenderRow[] {
  return stmt(
    db,
    `SELECT t.kind AS wallet, p.provider, p.payer_currency AS payerCurrency, count(*) AS count, sum(t.amount) AS amount, coalesce(sum(p.payer_amount), 0) AS payerAmount
       FROM sale s JOIN sale_tender t ON t.sale_id = s.id JOIN payment p ON p.id = t.payment_id
      WHERE ${IN_WINDOW} AND s.status = 'completed' GROUP BY t.kind, p.provider, p.payer_currency`,
  ).all(...args(w)) as PayerTenderRow[];
}

/**
 * The wallet parts of the window's refunds (and same-day voids) by wallet, provider and payer currency (the refund's
 * own when its reply gave one, else its payment's): what went back in the store's currency, and in the customer's
 * where the refund's reply said (`payerRefunds`); `withoutPayer`/`withoutPayerAmount`: those whose reply gave none.
 */
export interface PayerRefundRow {
  wallet: string;
  provider: string;
  payerCurrency: string | null;
  count: number;
  amount: number;
  payerRefunds: number;
  withoutPayer: number;
  withoutPayerAmount: number;
}

export function payerRefundTotals(db: Database, w: Window): PayerRefundRow[] {
  return stmt(
    db,
    `SELECT r.tender_kind AS wallet, p.provider, coalesce(r.payer_currency, p.payer_currency) AS payerCurrency, count(*) AS count,
            sum(r.wallet_amount) AS amount, coalesce(sum(r.payer_amount), 0) AS payerRefunds,
            sum(r.payer_amount IS NULL) AS withoutPayer, coalesce(sum(CASE WHEN r.payer_amount IS NULL THEN r.wallet_amount END), 0) AS withoutPayerAmount
       FROM refund r JOIN sale s ON s.id = r.sale_id JOIN payment p ON p.id = r.payment_id
      WHERE r.status = 'refunded' AND r.wallet_amount > 0 AND r.finished_at > ? AND r.finished_at <= ? AND s.terminal_id = ?
      GROUP BY r.tender_kind, p.provider, coalesce(r.payer_currency, p.payer_currency)`,
  ).all(w.from ?? '', w.to, w.terminalId) as PayerRefundRow[];
}

/** The legs of a refund, leg 1 first: their ids and amounts, whatever their state. */
export function refundGroupLegs(db: Database, refundGroup: string): { id: string; amount: number }[] {
  return stmt(db, 'SELECT id, amount FROM refund WHERE refund_group = ? ORDER BY leg_no').all(refundGroup) as { id: string; amount: number }[];
}

/** The taxable amount of each refund's lines, by rate. */
export function refundLineTaxables(db: Database, refundId: string): { rateBp: number; amount: number }[] {
  return stmt(
    db,
    `SELECT s.tax_rate_bp AS rateBp, sum(l.amount) AS amount
       FROM refund_line l JOIN sale_line s ON s.sale_id = l.sale_id AND s.line_no = l.line_no
      WHERE l.refund_id = ? GROUP BY s.tax_rate_bp`,
  ).all(refundId) as { rateBp: number; amount: number }[];
}

export function saleTaxSplit(db: Database, saleId: string): { rateBp: number; taxable: number }[] {
  return stmt(db, 'SELECT rate_bp AS rateBp, taxable FROM sale_tax WHERE sale_id = ? ORDER BY rate_bp DESC').all(saleId) as { rateBp: number; taxable: number }[];
}

/** Cash the drawer took in completed sales of the window: handed over, change given back, kept. */
export function cashTaken(db: Database, w: Window): { tendered: number; change: number; kept: number } {
  return stmt(
    db,
    `SELECT coalesce(sum(t.tendered), 0) AS tendered, coalesce(sum(t.tendered - t.amount), 0) AS change, coalesce(sum(t.amount), 0) AS kept
       FROM sale s JOIN sale_tender t ON t.sale_id = s.id
      WHERE ${IN_WINDOW} AND s.status = 'completed' AND t.kind = 'cash'`,
  ).get(...args(w)) as { tendered: number; change: number; kept: number };
}

// --- Z reports ---

export interface ZReportRow {
  terminal_id: string;
  z_no: number;
  business_date: string;
  from_at: string | null;
  to_at: string;
  taken_by: string;
  currency: string;
  sales_count: number;
  gross: number;
  discounts: number;
  refunds: number;
  net: number;
  tax: number;
  report: string;
}

export function lastZReport(db: Database, terminalId: string): ZReportRow | undefined {
  return stmt(db, 'SELECT * FROM z_report WHERE terminal_id = ? ORDER BY z_no DESC LIMIT 1').get(terminalId) as ZReportRow | undefined;
}

export function zReportForDate(db: Database, terminalId: string, businessDate: string): ZReportRow | undefined {
  return stmt(db, 'SELECT * FROM z_report WHERE terminal_id = ? AND business_date = ?').get(terminalId, businessDate) as ZReportRow | undefined;
}

export function findZReport(db: Database, terminalId: string, zNo: number): ZReportRow | undefined {
  return stmt(db, 'SELECT * FROM z_report WHERE terminal_id = ? AND z_no = ?').get(terminalId, zNo) as ZReportRow | undefined;
}

export function listZReports(db: Database, terminalId: string, limit: number, beforeNo: number | null): Omit<ZReportRow, 'report'>[] {
  return stmt(
    db,
    `SELECT terminal_id, z_no, business_date, from_at, to_at, taken_by, currency, sales_count, gross, discounts, refunds, net, tax
       FROM z_report WHERE terminal_id = ? AND z_no < ? ORDER BY z_no DESC LIMIT ?`,
  ).all(terminalId, beforeNo ?? Number.MAX_SAFE_INTEGER, limit) as Omit<ZReportRow, 'report'>[];
}

export function zReportsBetween(db: Database, terminalId: string, fromDate: string, toDate: string): ZReportRow[] {
  return stmt(db, 'SELECT * FROM z_report WHERE terminal_id = ? AND business_date BETWEEN ? AND ? ORDER BY z_no').all(terminalId, fromDate, toDate) as ZReportRow[];
}

export function insertZReport(db: Database, row: ZReportRow): void {
  stmt(
    db,
    `INSERT INTO z_report (terminal_id, z_no, business_date, from_at, to_at, taken_by, currency, sales_count, gross, discounts, refunds, net, tax, report)
     VALUES (@terminal_id, @z_no, @business_date, @from_at, @to_at, @taken_by, @currency, @sales_count, @gross, @discounts, @refunds, @net, @tax, @report)`,
  ).run(row);
}

/** An X report as printed (migration 0034): kept as taken, sent up as an `x_report` fact. */
export interface XReportRow {
  id: string;
  terminal_id: string;
  business_date: string;
  from_at: string | null;
  taken_at: string;
  taken_by: string;
  currency: string;
  sales_count: number;
  gross: number;
  discounts: number;
  refunds: number;
  net: number;
  tax: number;
  report: string;
}

export function insertXReport(db: Database, row: XReportRow): void {
  stmt(
    db,
    `INSERT INTO x_report (id, terminal_id, business_date, from_at, taken_at, taken_by, currency, sales_count, gross, discounts, refunds, net, tax, report)
     VALUES (@id, @terminal_id, @business_date, @from_at, @taken_at, @taken_by, @currency, @sales_count, @gross, @discounts, @refunds, @net, @tax, @report)`,
  ).run(row);
}

export function findXReport(db: Database, id: string): XReportRow | undefined {
  return stmt(db, 'SELECT * FROM x_report WHERE id = ?').get(id) as XReportRow | undefined;
}

// --- quarter-hour totals (migration 0011's triggers keep them with every sale) ---

/** The quarter an ISO instant falls in, as the triggers name it: 'YYYY-MM-DDTHH:MM' (UTC, MM = 00/15/30/45). */
export function quarterOf(iso: string): string {
  return `${iso.slice(0, 14)}${String(Math.floor(Number(iso.slice(14, 16)) / 15) * 15).padStart(2, '0')}`;
}

/** Quarters strictly between two quarter names ('' = from the first). */
export interface QuarterRange {
  terminalId: string;
  after: string;
  before: string;
}

const Q_RANGE = 'terminal_id = ? AND q > ? AND q < ?';
const qArgs = (r: QuarterRange) => [r.terminalId, r.after, r.before] as const;

export function saleQuarterTotals(db: Database, r: QuarterRange): SaleTotalsRow[] {
  return (
    stmt(
      db,
      `SELECT status, closed_by AS userId, sum(count) AS count, sum(gross) AS gross, sum(discounts) AS discounts, sum(total) AS total,
              sum(rounding) AS rounding, sum(tax) AS tax, sum(change) AS change
         FROM report_sale_q WHERE ${Q_RANGE} GROUP BY status, closed_by`,
    ).all(...qArgs(r)) as SaleTotalsRow[]
  ).map((row) => ({ ...row, userId: row.userId === '' ? null : row.userId }));
}

export function tenderQuarterTotals(db: Database, r: QuarterRange): { kind: string; count: number; amount: number; tendered: number }[] {
  return stmt(
    db,
    `SELECT kind, sum(count) AS count, sum(amount) AS amount, sum(tendered) AS tendered FROM report_tender_q WHERE ${Q_RANGE} GROUP BY kind ORDER BY kind`,
  ).all(...qArgs(r)) as { kind: string; count: number; amount: number; tendered: number }[];
}

export function taxQuarterTotals(db: Database, r: QuarterRange): { rateBp: number; taxable: number; tax: number }[] {
  return stmt(db, `SELECT rate_bp AS rateBp, sum(taxable) AS taxable, sum(tax) AS tax FROM report_tax_q WHERE ${Q_RANGE} GROUP BY rate_bp`).all(
    ...qArgs(r),
  ) as { rateBp: number; taxable: number; tax: number }[];
}

export function itemQuarterTotals(db: Database, r: QuarterRange): { items: number; lines: number } {
  return stmt(db, `SELECT coalesce(sum(items), 0) AS items, coalesce(sum(lines), 0) AS lines FROM report_item_q WHERE ${Q_RANGE}`).get(...qArgs(r)) as {
    items: number;
    lines: number;
  };
}

/** Completed sales per quarter (what the hourly figures are summed from). */
export function quarterTakings(db: Database, r: QuarterRange): { q: string; count: number; amount: number }[] {
  return stmt(
    db,
    `SELECT q, sum(count) AS count, sum(total + rounding) AS amount FROM report_sale_q WHERE ${Q_RANGE} AND status = 'completed' GROUP BY q ORDER BY q`,
  ).all(...qArgs(r)) as { q: string; count: number; amount: number }[];
}

/**
 * Completed sales of one business date (as stored: the date of the Z that closes them), per UTC quarter
 * of their closing time: what the hourly chart's clock-hour bars are summed from (localHours).
 */
export function takingsQuartersOfDate(db: Database, terminalId: string, businessDate: string): { start: string; count: number; amount: number }[] {
  return stmt(
    db,
    `SELECT substr(closed_at, 1, 14) || printf('%02d', cast(substr(closed_at, 15, 2) AS INTEGER) / 15 * 15) AS start,
            sum(status = 'completed') AS count, coalesce(sum(CASE WHEN status = 'completed' THEN total + rounding END), 0) AS amount
       FROM sale WHERE terminal_id = ? AND business_date = ? AND status IN ('completed', 'voided')
      GROUP BY start HAVING count > 0 ORDER BY start`,
  ).all(terminalId, businessDate) as { start: string; count: number; amount: number }[];
}

/** Completed sales' tenders by kind over business dates from..to, from the day totals kept with each sale (keyed by its stored business date). */
export function tendersOfBusinessDates(db: Database, from: string, to: string): { kind: string; count: number; amount: number }[] {
  return stmt(
    db,
    'SELECT kind, sum(count) AS count, sum(amount) AS amount FROM daily_tender_total WHERE business_date >= ? AND business_date <= ? GROUP BY kind ORDER BY kind',
  ).all(from, to) as { kind: string; count: number; amount: number }[];
}
