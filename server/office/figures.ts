/**
 * Sales figures of stores over a range of business dates, summed from the stored facts: per (store, date, till),
 * then folded into tills, stores, days and the chain. The same rules as the store's daily total
 * (server/api/admin.ts dailyTotals, which reads one store's one date): net = sales + rounding − refunds, voided
 * sales left out, tenders net of their refunds. This one reads the rollups the upload keeps of those facts
 * (server/migrations/0014_sales_rollups.sql: a row per store, date and till, and per tender kind), so a chain's day
 * of 500 stores is a few thousand rows; `factCellsFromSales` sums the projected sales themselves, for tests.
 */
import type { Db } from '../database';
import { ApiError } from '../http';
import type { Totals, ZSums } from '../../src-common/office/dashboard';

export interface Cell {
  readonly storeId: string;
  readonly businessDate: string;
  readonly terminalId: string;
  salesCount: number;
  gross: number;
  discounts: number;
  sales: number;
  rounding: number;
  tax: number;
  refundCount: number;
  refunds: number;
  tenders: Map<string, { amount: number; refunds: number }>;
}

const DAY_MS = 86_400_000;

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Every date of the range, in order. */
export function datesOf(from: string, to: string): string[] {
  return Array.from({ length: daysBetween(from, to) }, (_, i) => addDays(from, i));
}

/** A bad range is the caller's error (400), with what to change. */
export function checkRange(from: string, to: string, maxDays: number): void {
  if (Number.isNaN(Date.parse(`${from}T00:00:00Z`)) || Number.isNaN(Date.parse(`${to}T00:00:00Z`))) throw new ApiError('bad_request', 'from and to must be real dates (YYYY-MM-DD)');
  if (addDays(from, 0) !== from || addDays(to, 0) !== to) throw new ApiError('bad_request', 'from and to must be real dates (YYYY-MM-DD)');
  const days = daysBetween(from, to);
  if (days < 1) throw new ApiError('bad_request', 'from must not be after to');
  if (days > maxDays) throw new ApiError('bad_request', `A range of at most ${maxDays} days, please (asked: ${days})`);
}

const key = (storeId: string, date: string, terminalId: string) => `${storeId}\u0000${date}\u0000${terminalId}`;

type SalesRow = { store_id: string; business_date: string; terminal_id: string; n: number; gross: number; discounts: number; sales: number; rounding: number; tax: number };
type TenderRow = { store_id: string; business_date: string; terminal_id: string; kind: string; amount: number };
type RefundRow = { store_id: string; business_date: string; terminal_id: string; kind: string; n: number; amount: number };

/** The (store, date, till) cells of the range with any sale or refund, from the rollups. */
export async function factCells(db: Db, storeIds: readonly string[], from: string, to: string): Promise<Cell[]> {
  const args = [storeIds, from, to];
  // Named statements (planned once per connection): a chain's 500 store ids make planning a noticeable part of a call.
  // A row whose sales were all voided stays at zero: left out, as a till-date or tender kind without sales is. The
  // refunds come from the tender kinds' rows (the till rows hold the same refunds summed).
  const [tills, tenders] = await Promise.all([
    db.query<SalesRow>({
      name: 'rollup-till-day',
      text: `SELECT store_id, business_date, terminal_id, sales_count::int AS n, gross, discounts, sales, rounding, tax
               FROM sale_till_day WHERE store_id = ANY($1) AND business_date BETWEEN $2 AND $3 AND sales_count > 0`,
      values: args,
    }),
    db.query<{ store_id: string; business_date: string; terminal_id: string; kind: string; tender_count: number; amount: number; refund_count: number; refunds: number }>(
      {
        name: 'rollup-tender-till-day',
        text: `SELECT store_id, business_date, terminal_id, kind, tender_count, amount, refund_count::int AS refund_count, refunds
                 FROM sale_tender_till_day WHERE store_id = ANY($1) AND business_date BETWEEN $2 AND $3 AND (tender_count > 0 OR refund_count > 0)`,
        values: args,
      },
    ),
  ]);
  return foldCells(
    tills.rows,
    tenders.rows.filter((r) => r.tender_count > 0),
    tenders.rows.filter((r) => r.refund_count > 0).map((r) => ({ ...r, n: r.refund_count, amount: r.refunds })),
  );
}

/** The same cells summed from the projected sales, tenders and refunds (what the rollups must equal), for tests. */
export async function factCellsFromSales(db: Db, storeIds: readonly string[], from: string, to: string): Promise<Cell[]> {
  const args = [storeIds, from, to];
  const [sales, tenders, refunds] = await Promise.all([
    db.query<SalesRow>(
      `SELECT store_id, business_date, terminal_id, count(*)::int AS n, sum(subtotal) AS gross, sum(discount_total) AS discounts,
              sum(total) AS sales, sum(rounding) AS rounding, sum(tax_total) AS tax
         FROM sale WHERE store_id = ANY($1) AND business_date BETWEEN $2 AND $3 AND voided_at IS NULL
        GROUP BY store_id, business_date, terminal_id`,
      args,
    ),
    db.query<TenderRow>(
      `SELECT store_id, business_date, terminal_id, kind, sum(amount) AS amount
         FROM sale_tender WHERE store_id = ANY($1) AND business_date BETWEEN $2 AND $3 AND NOT voided
        GROUP BY store_id, business_date, terminal_id, kind`,
      args,
    ),
    db.query<RefundRow>(
      `SELECT store_id, business_date, terminal_id, tender_kind AS kind, count(*)::int AS n, sum(amount) AS amount
         FROM refund WHERE store_id = ANY($1) AND business_date BETWEEN $2 AND $3
        GROUP BY store_id, business_date, terminal_id, tender_kind`,
      args,
    ),
  ]);
  return foldCells(sales.rows, tenders.rows, refunds.rows);
}

function foldCells(sales: readonly SalesRow[], tenders: readonly TenderRow[], refunds: readonly RefundRow[]): Cell[] {
  const cells = new Map<string, Cell>();
  const cell = (storeId: string, businessDate: string, terminalId: string): Cell => {
    const k = key(storeId, businessDate, terminalId);
    let c = cells.get(k);
    if (!c) {
      c = { storeId, businessDate, terminalId, salesCount: 0, gross: 0, discounts: 0, sales: 0, rounding: 0, tax: 0, refundCount: 0, refunds: 0, tenders: new Map() };
      cells.set(k, c);
    }
    return c;
  };
  const tender = (c: Cell, kind: string) => {
    let t = c.tenders.get(kind);
    if (!t) c.tenders.set(kind, (t = { amount: 0, refunds: 0 }));
    return t;
  };
  for (const r of sales) Object.assign(cell(r.store_id, r.business_date, r.terminal_id), { salesCount: r.n, gross: r.gross, discounts: r.discounts, sales: r.sales, rounding: r.rounding, tax: r.tax });
  for (const r of tenders) tender(cell(r.store_id, r.business_date, r.terminal_id), r.kind).amount += r.amount;
  for (const r of refunds) {
    const c = cell(r.store_id, r.business_date, r.terminal_id);
    c.refundCount += r.n;
    c.refunds += r.amount;
    tender(c, r.kind).refunds += r.amount;
  }
  return [...cells.values()];
}

/** Cash first, then the wallets in a fixed order, then anything else by name. */
const TENDER_ORDER = ['cash', 'wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay', 'other'];
const tenderRank = (kind: string) => (TENDER_ORDER.includes(kind) ? TENDER_ORDER.indexOf(kind) : TENDER_ORDER.length);

/** Sums cells into one Totals. */
export function sumCells(cells: readonly Cell[]): Totals {
  const t = { salesCount: 0, gross: 0, discounts: 0, sales: 0, rounding: 0, tax: 0, refundCount: 0, refunds: 0 };
  const tenders = new Map<string, { amount: number; refunds: number }>();
  for (const c of cells) {
    for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += c[k];
    for (const [kind, v] of c.tenders) {
      const s = tenders.get(kind) ?? { amount: 0, refunds: 0 };
      s.amount += v.amount;
      s.refunds += v.refunds;
      tenders.set(kind, s);
    }
  }
  const taken = t.sales + t.rounding;
  return {
    ...t,
    net: taken - t.refunds,
    averageTicket: t.salesCount === 0 ? 0 : Math.round(taken / t.salesCount),
    tenders: [...tenders]
      .sort(([a], [b]) => tenderRank(a) - tenderRank(b) || a.localeCompare(b))
      .map(([kind, v]) => ({ kind, amount: v.amount, refunds: v.refunds, net: v.amount - v.refunds })),
  };
}

export interface NamedStore {
  readonly storeId: string;
  readonly name: string;
}

/**
 * Each till's name by store and terminal id. Tills often keep the shop's name as their own: where two tills of a
 * store share a name, the end of each one's id is added so the rows can be told apart.
 */
export async function terminalNames(db: Db, storeIds: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ store_id: string; terminal_id: string; name: string }>(
    `SELECT store_id, terminal_id, name FROM terminal WHERE store_id = ANY($1)`,
    [storeIds],
  );
  return namesOf(rows);
}

/** terminalNames' rule on terminal rows already read. */
export function namesOf(rows: readonly { store_id: string; terminal_id: string; name: string }[]): Map<string, string> {
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(`${r.store_id}\u0000${r.name}`, (seen.get(`${r.store_id}\u0000${r.name}`) ?? 0) + 1);
  return new Map(
    rows.map((r) => [`${r.store_id}\u0000${r.terminal_id}`, seen.get(`${r.store_id}\u0000${r.name}`)! > 1 ? `${r.name} · ${r.terminal_id.slice(-4)}` : r.name]),
  );
}

/** Stores (in the given order) with their tills' totals, tills by name; a store without sales has zero totals. */
export function storeTotals(stores: readonly NamedStore[], cells: readonly Cell[], names: Map<string, string>) {
  const byStore = new Map<string, Map<string, Cell[]>>();
  for (const c of cells) {
    let tills = byStore.get(c.storeId);
    if (!tills) byStore.set(c.storeId, (tills = new Map()));
    const list = tills.get(c.terminalId);
    if (list) list.push(c);
    else tills.set(c.terminalId, [c]);
  }
  return stores.map((s) => {
    const byTill = byStore.get(s.storeId) ?? new Map<string, Cell[]>();
    const tills = [...byTill]
      .map(([terminalId, list]) => ({ terminalId, name: names.get(`${s.storeId}\u0000${terminalId}`) ?? terminalId, totals: sumCells(list) }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.terminalId.localeCompare(b.terminalId));
    return { storeId: s.storeId, name: s.name, totals: sumCells([...byTill.values()].flat()), tills };
  });
}

export interface ZRow {
  readonly storeId: string;
  readonly terminalId: string;
  readonly businessDate: string;
  readonly salesCount: number;
  readonly gross: number;
  readonly discounts: number;
  readonly refunds: number;
  readonly net: number;
  readonly tax: number;
}

/** The Z reports received for the range (every one of a till's Zs of a date, as a till may close more than once). */
export async function zRows(db: Db, storeIds: readonly string[], from: string, to: string): Promise<ZRow[]> {
  const { rows } = await db.query<ZRow>(
    `SELECT store_id AS "storeId", terminal_id AS "terminalId", business_date AS "businessDate", sales_count AS "salesCount",
            gross, discounts, refunds, net, tax
       FROM z_report WHERE store_id = ANY($1) AND business_date BETWEEN $2 AND $3`,
    [storeIds, from, to],
  );
  return rows;
}

export function sumZ(rows: readonly ZRow[]): ZSums | null {
  if (rows.length === 0) return null;
  const z = { count: rows.length, salesCount: 0, gross: 0, discounts: 0, refunds: 0, net: 0, tax: 0 };
  for (const r of rows) for (const k of ['salesCount', 'gross', 'discounts', 'refunds', 'net', 'tax'] as const) z[k] += r[k];
  return z;
}
