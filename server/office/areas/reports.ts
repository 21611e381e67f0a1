/**
 * Reports: each till's Z reports as received, and day reports of stores and the chain built from the facts (beside
 * the sums of the tills' Zs of the same date, which they equal when every fact has arrived), and their exports.
 */
import type { DayReports} from '../../../src-common/office/dashboard';
import { ExportRequest, MAX_REPORT_DAYS, RangeQuery, XReportDetail, ZReportDetail, type DayReport, type XReportRow, type ZReportRow } from '../../../src-common/office/dashboard';
import type { Db } from '../../database';
import { isTimeZone } from '../../../src-common/business-day';
import { ApiError, notFound, parse, readJson, SMALL_BODY_BYTES } from '../../http';
import { requireStore } from '../access';
import { checkRange, factCells, storeTotals, sumCells, sumZ, terminalNames, zRows, type NamedStore } from '../figures';
import { cancelExport, exportFile, exportState, startExport } from '../exports';
import { OFFICE_ID, type OfficeRoute } from '../route';
import { scopedStores } from './dashboard';

/** Day reports of the range, newest date first: the chain, each store, each till, each beside its Zs. */
export async function dayReports(db: Db, stores: readonly NamedStore[], from: string, to: string): Promise<DayReports> {
  const ids = stores.map((s) => s.storeId);
  const [cells, names, zs] = await Promise.all([factCells(db, ids, from, to), terminalNames(db, ids), zRows(db, ids, from, to)]);
  const dates = [...new Set([...cells.map((c) => c.businessDate), ...zs.map((z) => z.businessDate)])].sort().reverse();
  const cellsOf = groupBy(cells, (c) => c.businessDate);
  const zOf = groupBy(zs, (z) => z.businessDate);
  const days: DayReport[] = dates.map((businessDate) => {
    const dayCells = cellsOf.get(businessDate) ?? [];
    const dayZ = zOf.get(businessDate) ?? [];
    return {
      businessDate,
      chain: sumCells(dayCells),
      chainZ: sumZ(dayZ),
      stores: storeTotals(stores, dayCells, names).map((s) => {
        const storeZ = dayZ.filter((z) => z.storeId === s.storeId);
        // A till that sent a Z but has no sales that date still has its row.
        const tills = [...s.tills];
        for (const z of storeZ) {
          if (!tills.some((t) => t.terminalId === z.terminalId)) tills.push({ terminalId: z.terminalId, name: names.get(`${s.storeId}\u0000${z.terminalId}`) ?? z.terminalId, totals: sumCells([]) });
        }
        return { ...s, z: sumZ(storeZ), tills: tills.map((t) => ({ ...t, z: sumZ(storeZ.filter((z) => z.terminalId === t.terminalId)) })) };
      }),
    };
  });
  return { from, to, days };
}

function groupBy<T>(list: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of list) {
    const k = keyOf(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export async function zReportList(db: Db, ids: readonly string[], from: string, to: string): Promise<ZReportRow[]> {
  const { rows } = await db.query<ZReportRow>(
    `SELECT z.store_id AS "storeId", z.terminal_id AS "terminalId", coalesce(t.name, z.terminal_id) AS "terminalName", z.z_no AS "zNo",
            z.business_date AS "businessDate", z.currency, z.sales_count AS "salesCount", z.gross, z.discounts, z.refunds, z.net, z.tax
       FROM z_report z
       LEFT JOIN terminal t ON t.store_id = z.store_id AND t.terminal_id = z.terminal_id
      WHERE z.store_id = ANY($1) AND z.business_date BETWEEN $2 AND $3
      ORDER BY z.business_date DESC, "terminalName", z.z_no DESC`,
    [ids, from, to],
  );
  const names = await terminalNames(db, ids);
  return rows.map((r) => ({ ...r, terminalName: names.get(`${r.storeId}\u0000${r.terminalId}`) ?? r.terminalName }));
}

/** The X reports the tills printed in the range, newest first (`xId`: one of them only). */
export async function xReportList(db: Db, ids: readonly string[], from: string, to: string, xId?: string): Promise<(XReportRow & { report?: Record<string, unknown> })[]> {
  const { rows } = await db.query<XReportRow & { report?: Record<string, unknown> }>(
    `SELECT x.store_id AS "storeId", x.terminal_id AS "terminalId", x.terminal_id AS "terminalName", x.x_id AS "xId",
            to_char(x.business_date, 'YYYY-MM-DD') AS "businessDate", to_char(x.taken_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "takenAt",
            x.currency, x.sales_count AS "salesCount", x.gross, x.discounts, x.refunds, x.net, x.tax${xId ? ', x.report' : ''}
       FROM x_report x
      WHERE x.store_id = ANY($1) AND x.business_date BETWEEN $2 AND $3 ${xId ? 'AND x.x_id = $4' : ''}
      ORDER BY x.taken_at DESC
      LIMIT 500`,
    xId ? [ids, from, to, xId] : [ids, from, to],
  );
  const names = await terminalNames(db, ids);
  return rows.map((r) => ({ ...r, terminalName: names.get(`${r.storeId}\u0000${r.terminalId}`) ?? r.terminalId }));
}

export const reportRoutes: OfficeRoute[] = [
  {
    method: 'GET',
    path: /^\/reports\/x$/,
    handler: async (ctx, r) => {
      const q = parse(RangeQuery, r.query, 'query');
      checkRange(q.from, q.to, MAX_REPORT_DAYS);
      const stores = await scopedStores(ctx.db, r.user, q.store);
      return { reports: await xReportList(ctx.db, stores.map((s) => s.storeId), q.from, q.to) };
    },
  },
  {
    method: 'GET',
    path: new RegExp(`^/reports/x/${OFFICE_ID}/${OFFICE_ID}$`),
    handler: async (ctx, r) => {
      const [storeId, xId] = r.params as [string, string];
      requireStore(r.user, storeId, 'read');
      const [row] = await xReportList(ctx.db, [storeId], '0001-01-01', '9999-12-31', xId);
      if (!row) throw notFound('X report');
      return parse(XReportDetail, row, 'reply');
    },
  },
  {
    method: 'GET',
    path: /^\/reports\/z$/,
    handler: async (ctx, r) => {
      const q = parse(RangeQuery, r.query, 'query');
      checkRange(q.from, q.to, MAX_REPORT_DAYS);
      const stores = await scopedStores(ctx.db, r.user, q.store);
      return { reports: await zReportList(ctx.db, stores.map((s) => s.storeId), q.from, q.to) };
    },
  },
  {
    method: 'GET',
    path: new RegExp(`^/reports/z/${OFFICE_ID}/${OFFICE_ID}/(\\d{1,9})$`),
    handler: async (ctx, r) => {
      const [storeId, terminalId, zNo] = r.params as [string, string, string];
      requireStore(r.user, storeId, 'read');
      const { rows } = await ctx.db.query<{ businessDate: string; report: Record<string, unknown> }>(
        `SELECT business_date AS "businessDate", report FROM z_report WHERE store_id = $1 AND terminal_id = $2 AND z_no = $3`,
        [storeId, terminalId, Number(zNo)],
      );
      if (!rows[0]) throw notFound('Z report');
      const row = (await zReportList(ctx.db, [storeId], rows[0].businessDate, rows[0].businessDate)).find((z) => z.terminalId === terminalId && z.zNo === Number(zNo))!;
      return parse(ZReportDetail, { ...row, report: rows[0].report }, 'reply');
    },
  },
  {
    method: 'GET',
    path: /^\/reports\/days$/,
    handler: async (ctx, r) => {
      const q = parse(RangeQuery, r.query, 'query');
      checkRange(q.from, q.to, MAX_REPORT_DAYS);
      return dayReports(ctx.db, await scopedStores(ctx.db, r.user, q.store), q.from, q.to);
    },
  },
  {
    method: 'POST',
    path: /^\/reports\/exports$/,
    status: 202,
    handler: async (ctx, r) => {
      const request = parse(ExportRequest, await readJson(r.req, SMALL_BODY_BYTES));
      checkRange(request.from, request.to, MAX_REPORT_DAYS);
      if (!isTimeZone(request.tz)) throw new ApiError('bad_request', `Unknown time zone ${request.tz}`);
      const stores = await scopedStores(ctx.db, r.user, request.store);
      return startExport(ctx.db, r.user, stores, request);
    },
  },
  {
    method: 'GET',
    path: new RegExp(`^/reports/exports/${OFFICE_ID}$`),
    handler: async (_ctx, r) => exportState(r.user, r.params[0]!),
  },
  {
    method: 'DELETE',
    path: new RegExp(`^/reports/exports/${OFFICE_ID}$`),
    handler: async (_ctx, r) => cancelExport(r.user, r.params[0]!),
  },
  {
    method: 'GET',
    path: new RegExp(`^/reports/exports/${OFFICE_ID}/file$`),
    handler: async (_ctx, r) => exportFile(r.user, r.params[0]!),
  },
];
