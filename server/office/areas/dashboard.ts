/**
 * The dashboard (the back office's landing page): a range of business dates across the stores in scope — totals
 * for the chain, each store and each till, by tender; sales by hour beside the same weekdays a week earlier; top
 * sellers; the lowest stock levels; tills that have not synced; and the differences the server can see (cash
 * over/short at shift close, Z reports against the facts). Every figure is a sum over the stored facts, in fen.
 */
import type { Dashboard} from '../../../src-common/office/dashboard';
import { DashboardQuery, MAX_DASHBOARD_DAYS, STALE_SYNC_SECONDS } from '../../../src-common/office/dashboard';
import { isTimeZone } from '../../../src-common/business-day';
import type { Db } from '../../database';
import { ApiError, parse } from '../../http';
import { storesInScope, visibleStores, type OfficeUser } from '../access';
import { addDays, checkRange, factCells, namesOf, storeTotals, sumCells, sumZ, zRows, type Cell, type NamedStore } from '../figures';
import type { OfficeRoute } from '../route';

const TOP_SELLERS = 10;
const LOW_STOCK = 10;

/** The stores a range call covers (one asked for, checked, or every visible one), with their names, in the account's order. */
export async function scopedStores(db: Db, user: OfficeUser, store: string | undefined): Promise<NamedStore[]> {
  const ids = await storesInScope(db, user, store ? [store] : undefined);
  const visible = await visibleStores(db, user);
  const named = visible.filter((s) => ids.includes(s.storeId)).map((s) => ({ storeId: s.storeId, name: s.name }));
  if (store && named.length === 0) throw new ApiError('bad_request', 'Store not found', undefined, 404);
  return named;
}

interface DateRange {
  readonly from: string;
  readonly to: string;
}

export interface DashboardInput {
  readonly stores: readonly NamedStore[];
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  /** For tests and the bench: the moment "now" is (the tills' sync ages). */
  readonly now?: Date;
}

/** The dashboard's figures for stores already checked (the handler checks access; the bench calls this directly). */
export async function dashboardFigures(db: Db, input: DashboardInput): Promise<Dashboard> {
  const { from, to, timeZone } = input;
  const ids = input.stores.map((s) => s.storeId);
  const compareFrom = addDays(from, -7);
  const compareTo = addDays(to, -7);
  const [cells, byHour, topSellers, lowStock, terminals, overShort, zs] = await Promise.all([
    factCells(db, ids, from, to),
    salesByHour(db, ids, { from, to }, { from: compareFrom, to: compareTo }, timeZone),
    topSellersOf(db, ids, from, to),
    db.query<{ storeId: string; productId: string; name: string; unit: string; stockMilli: number }>(
      `SELECT l.store_id AS "storeId", l.product_id AS "productId", p.name, p.unit, l.stock_milli AS "stockMilli"
         FROM stock_level l JOIN product p ON p.store_id = l.store_id AND p.product_id = l.product_id
        WHERE l.store_id = ANY($1) AND p.active AND NOT p.deleted
        ORDER BY l.stock_milli, p.name LIMIT ${LOW_STOCK}`,
      [ids],
    ),
    // Every till (revoked ones too, for the names of their facts) in one read; times as ISO text, which a chain's
    // 1,500 tills parse much faster than into Dates.
    db.query<{ store_id: string; terminal_id: string; name: string; revoked: boolean; lastContactAt: string | null; lastUploadAt: string | null; secondsSinceUpload: number | null; factsWaiting: number | null }>(
      `SELECT t.store_id, t.terminal_id, t.name, t.revoked_at IS NOT NULL AS revoked,
              to_char(t.last_contact_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "lastContactAt",
              to_char(t.last_upload_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "lastUploadAt",
              extract(epoch FROM $2::timestamptz - t.last_upload_at)::float8 AS "secondsSinceUpload",
              CASE WHEN t.waiting_stream IS NOT NULL THEN greatest(t.highest_seq - coalesce(s.acked_seq, 0), 0)::int END AS "factsWaiting"
         FROM terminal t
         LEFT JOIN fact_stream s ON s.store_id = t.store_id AND s.stream = t.waiting_stream
        WHERE t.store_id = ANY($1)
        ORDER BY t.last_upload_at NULLS FIRST, t.name`,
      [ids, (input.now ?? new Date()).toISOString()],
    ),
    // A shift's close carries no business date: the closes on the range's calendar dates in the viewer's zone.
    db.query<{ storeId: string; terminalId: string; shiftId: string; closedAt: string; expectedCash: number; countedCash: number; overShort: number; businessDate: string }>(
      `SELECT store_id AS "storeId", terminal_id AS "terminalId", payload->>'shiftId' AS "shiftId", payload->>'closedAt' AS "closedAt",
              (payload->>'expectedCash')::bigint AS "expectedCash", (payload->>'countedCash')::bigint AS "countedCash",
              (payload->>'overShort')::bigint AS "overShort", to_char(recorded_at AT TIME ZONE $4, 'YYYY-MM-DD') AS "businessDate"
         FROM fact
        WHERE store_id = ANY($1) AND kind = 'shift_close'
          AND recorded_at >= ($2::date)::timestamp AT TIME ZONE $4 AND recorded_at < ($3::date + 1)::timestamp AT TIME ZONE $4
          AND coalesce((payload->>'overShort')::bigint, 0) <> 0
        ORDER BY recorded_at DESC LIMIT 50`,
      [ids, from, to, timeZone],
    ),
    zRows(db, ids, from, to),
  ]);

  const names = namesOf(terminals.rows);
  const stores = storeTotals(input.stores, cells, names);
  const [hours, compareHours] = byHour;
  const hourly = Array.from({ length: 24 }, (_, hour) => ({
    hour,
    salesCount: hours.get(hour)?.n ?? 0,
    amount: hours.get(hour)?.amount ?? 0,
    compareCount: compareHours.get(hour)?.n ?? 0,
    compareAmount: compareHours.get(hour)?.amount ?? 0,
  }));
  return {
    from, to, compareFrom, compareTo, timeZone,
    chain: sumCells(cells),
    stores,
    hours: hourly,
    topSellers,
    lowStock: lowStock.rows,
    tills: terminals.rows
      .filter((t) => !t.revoked)
      .map((t) => ({
        storeId: t.store_id,
        terminalId: t.terminal_id,
        name: names.get(`${t.store_id}\u0000${t.terminal_id}`) ?? t.name,
        lastContactAt: t.lastContactAt,
        lastUploadAt: t.lastUploadAt,
        secondsSinceUpload: t.secondsSinceUpload === null ? null : Math.max(0, Math.round(t.secondsSinceUpload)),
        factsWaiting: t.factsWaiting,
        stale: t.secondsSinceUpload === null || t.secondsSinceUpload > STALE_SYNC_SECONDS,
      })),
    differences: {
      reconciliationOnServer: false,
      cashOverShort: overShort.rows.map((r) => ({ ...r, expectedCash: r.expectedCash ?? 0, countedCash: r.countedCash ?? 0 })),
      zAgainstFacts: zAgainstFacts(cells, zs),
    },
  };
}

type Hours = Map<number, { n: number; amount: number }>;

/**
 * Sales (count and total + rounding) by the hour they closed in the viewer's zone, of a range and of the range to
 * compare it with, from the rollup of UTC hours in one read. A zone whose offset is not whole hours then (India's
 * +5:30) splits UTC hours: its hours are read from the sales.
 */
export async function salesByHour(db: Db, ids: readonly string[], range: DateRange, compare: DateRange, timeZone: string): Promise<[Hours, Hours]> {
  const { rows } = await db.query<{ compare: boolean; hour: number; split: boolean; n: number; amount: number }>(
    // The two ranges overlap when the range is longer than a week: a row in both counts in both.
    {
      name: 'rollup-hours',
      text: `SELECT c.compare, extract(hour FROM h.hour AT TIME ZONE $4)::int AS hour,
            bool_or(extract(minute FROM h.hour AT TIME ZONE $4) <> 0) AS split, sum(h.sales_count)::int AS n, sum(h.amount) AS amount
       FROM sale_hour_till_day h
      CROSS JOIN LATERAL (VALUES (false, h.business_date BETWEEN $2 AND $3), (true, h.business_date BETWEEN $5 AND $6)) c(compare, inside)
      WHERE h.store_id = ANY($1) AND (h.business_date BETWEEN $2 AND $3 OR h.business_date BETWEEN $5 AND $6) AND c.inside
      GROUP BY 1, 2`,
      values: [ids, range.from, range.to, timeZone, compare.from, compare.to],
    },
  );
  if (rows.some((r) => r.split)) {
    return Promise.all([salesByHourFromSales(db, ids, range.from, range.to, timeZone), salesByHourFromSales(db, ids, compare.from, compare.to, timeZone)]);
  }
  const of = (compared: boolean): Hours => new Map(rows.filter((r) => r.compare === compared).map((r) => [r.hour, { n: r.n, amount: r.amount }]));
  return [of(false), of(true)];
}

/** The same hours summed from the sales themselves. */
export async function salesByHourFromSales(db: Db, ids: readonly string[], from: string, to: string, timeZone: string): Promise<Map<number, { n: number; amount: number }>> {
  const { rows } = await db.query<{ hour: number; n: number; amount: number }>(
    `SELECT extract(hour FROM closed_at AT TIME ZONE $4)::int AS hour, count(*)::int AS n, sum(total + rounding) AS amount
       FROM sale WHERE store_id = ANY($1) AND business_date BETWEEN $2 AND $3 AND voided_at IS NULL
      GROUP BY 1`,
    [ids, from, to, timeZone],
  );
  return new Map(rows.map((r) => [r.hour, { n: r.n, amount: r.amount }]));
}

export interface TopSeller {
  readonly productId: string;
  readonly name: string;
  readonly unit: string;
  readonly quantityMilli: number;
  readonly net: number;
}

/**
 * The range's best-selling products by net, from the store-day product rollup (voided sales already out), in one
 * pass: a product's name is the greatest its rows carry (one name across stores and days but for a renaming).
 */
export async function topSellersOf(db: Db, ids: readonly string[], from: string, to: string): Promise<TopSeller[]> {
  const { rows } = await db.query<TopSeller>({
    name: 'rollup-top-sellers',
    text: `SELECT product_id AS "productId", max(name) AS name, max(unit) AS unit, sum(quantity_milli) AS "quantityMilli", sum(net) AS net
             FROM sale_product_day WHERE store_id = ANY($1) AND business_date BETWEEN $2 AND $3
            GROUP BY product_id HAVING sum(line_count) > 0 ORDER BY sum(net) DESC, product_id LIMIT ${TOP_SELLERS}`,
    values: [ids, from, to],
  });
  return rows;
}

/** The same top sellers summed from the sales' lines, voided sales left out. */
export async function topSellersFromLines(db: Db, ids: readonly string[], from: string, to: string): Promise<Omit<TopSeller, 'name' | 'unit'>[]> {
  const { rows } = await db.query<Omit<TopSeller, 'name' | 'unit'>>(
    `SELECT l.product_id AS "productId", sum(l.quantity_milli) AS "quantityMilli", sum(l.net) AS net
       FROM sale_line l
      WHERE l.store_id = ANY($1) AND l.business_date BETWEEN $2 AND $3
        AND NOT EXISTS (SELECT 1 FROM sale_void v WHERE v.store_id = l.store_id AND v.sale_id = l.sale_id)
      GROUP BY l.product_id ORDER BY sum(l.net) DESC, l.product_id LIMIT ${TOP_SELLERS}`,
    [ids, from, to],
  );
  return rows;
}

/** Each till-date with a Z whose net differs from the facts' net of that till and date. */
function zAgainstFacts(cells: readonly Cell[], zs: Awaited<ReturnType<typeof zRows>>) {
  const groups = new Map<string, typeof zs>();
  for (const z of zs) {
    const k = `${z.storeId}\u0000${z.terminalId}\u0000${z.businessDate}`;
    groups.set(k, [...(groups.get(k) ?? []), z]);
  }
  const byKey = new Map(cells.map((c) => [`${c.storeId}\u0000${c.terminalId}\u0000${c.businessDate}`, c]));
  const out = [];
  for (const [k, list] of groups) {
    const [storeId, terminalId, businessDate] = k.split('\u0000') as [string, string, string];
    const cell = byKey.get(k);
    const facts = sumCells(cell ? [cell] : []);
    const zNet = sumZ(list)!.net;
    if (zNet !== facts.net) out.push({ storeId, terminalId, businessDate, zNet, factsNet: facts.net, difference: facts.net - zNet });
  }
  return out.sort((a, b) => b.businessDate.localeCompare(a.businessDate) || a.terminalId.localeCompare(b.terminalId));
}

export const dashboardRoutes: OfficeRoute[] = [
  {
    method: 'GET',
    path: /^\/dashboard$/,
    handler: async (ctx, r) => {
      const q = parse(DashboardQuery, r.query, 'query');
      checkRange(q.from, q.to, MAX_DASHBOARD_DAYS);
      if (!isTimeZone(q.tz)) throw new ApiError('bad_request', `Unknown time zone ${q.tz}`);
      const stores = await scopedStores(ctx.db, r.user, q.store);
      return dashboardFigures(ctx.db, { stores, from: q.from, to: q.to, timeZone: q.tz });
    },
  },
];
