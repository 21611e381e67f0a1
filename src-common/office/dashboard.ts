/**
 * The back office's dashboard and reports (server/office/areas/dashboard.ts, reports.ts), parsed by the web app.
 * Money is integer fen; dates are the tills' business dates ('YYYY-MM-DD'); quantities in thousandths.
 */
import { z } from 'zod';

export const BusinessDate = z.string().regex(/^\d{4}-\d\d-\d\d$/);
const Fen = z.number().int();
const Count = z.number().int().min(0);

/** A longest range one call covers: the dashboard a quarter, the reports and exports a year. */
export const MAX_DASHBOARD_DAYS = 93;
export const MAX_REPORT_DAYS = 366;

export const TenderTotals = z.object({
  kind: z.string(),
  /** Taken on sales (not voided). */
  amount: Fen,
  /** Refunded to this tender. */
  refunds: Fen,
  net: Fen,
});
export type TenderTotals = z.infer<typeof TenderTotals>;

/** Sums over the facts; net = sales + rounding − refunds (the till's Z report rule). */
export const Totals = z.object({
  salesCount: Count,
  gross: Fen,
  discounts: Fen,
  /** Sum of the sales' totals before cash rounding. */
  sales: Fen,
  rounding: Fen,
  tax: Fen,
  refundCount: Count,
  refunds: Fen,
  net: Fen,
  /** (sales + rounding) / salesCount, to the fen; 0 without sales. */
  averageTicket: Fen,
  tenders: z.array(TenderTotals),
});
export type Totals = z.infer<typeof Totals>;

export const TillTotals = z.object({ terminalId: z.string(), name: z.string(), totals: Totals });
export const StoreTotals = z.object({ storeId: z.string(), name: z.string(), totals: Totals, tills: z.array(TillTotals) });
export type StoreTotals = z.infer<typeof StoreTotals>;

export const RangeQuery = z.object({
  from: BusinessDate,
  to: BusinessDate,
  /** One store; absent: every store the account can see. */
  store: z.string().regex(/^[0-9A-Za-z:_-]{1,64}$/).optional(),
});

export const DashboardQuery = RangeQuery.extend({
  /** The viewer's IANA time zone, for the hours of the day. */
  tz: z.string().min(1).max(64).default('Asia/Shanghai'),
});

export const TillSync = z.object({
  storeId: z.string(),
  terminalId: z.string(),
  name: z.string(),
  lastContactAt: z.string().nullable(),
  lastUploadAt: z.string().nullable(),
  /** Seconds since its last upload (null: never uploaded). */
  secondsSinceUpload: z.number().nullable(),
  /** Facts the till said it still holds (null: it never said). */
  factsWaiting: z.number().int().nullable(),
  /** No upload for longer than STALE_SYNC_SECONDS, or never. */
  stale: z.boolean(),
});
export type TillSync = z.infer<typeof TillSync>;
export const STALE_SYNC_SECONDS = 15 * 60;

export const Dashboard = z.object({
  from: BusinessDate,
  to: BusinessDate,
  /** The same range a week earlier (same weekdays), for the hours chart. */
  compareFrom: BusinessDate,
  compareTo: BusinessDate,
  timeZone: z.string(),
  chain: Totals,
  stores: z.array(StoreTotals),
  /** 24 hours of the viewer's day: sales (count, total + rounding) in the range and a week earlier. */
  hours: z.array(z.object({ hour: z.number().int().min(0).max(23), salesCount: Count, amount: Fen, compareCount: Count, compareAmount: Fen })),
  topSellers: z.array(z.object({ productId: z.string(), name: z.string(), unit: z.string(), quantityMilli: z.number().int(), net: Fen })),
  /** The lowest stock levels of active products (no thresholds are kept on the server): at or below zero first. */
  lowStock: z.array(z.object({ storeId: z.string(), productId: z.string(), name: z.string(), unit: z.string(), stockMilli: z.number().int() })),
  tills: z.array(TillSync),
  differences: z.object({
    /** The tills do not send acquirer reconciliation results to the server: only what it does hold is shown. */
    reconciliationOnServer: z.literal(false),
    /** Cash counted at a shift's close against what the till expected. */
    cashOverShort: z.array(z.object({ storeId: z.string(), terminalId: z.string(), shiftId: z.string(), businessDate: BusinessDate, closedAt: z.string(), expectedCash: Fen, countedCash: Fen, overShort: Fen })),
    /** A till's Z reports of a date against the same date's facts on the server (a difference: facts missing or late). */
    zAgainstFacts: z.array(z.object({ storeId: z.string(), terminalId: z.string(), businessDate: BusinessDate, zNet: Fen, factsNet: Fen, difference: Fen })),
  }),
});
export type Dashboard = z.infer<typeof Dashboard>;

// ---------------------------------------------------------------- reports

export const ZReportRow = z.object({
  storeId: z.string(),
  terminalId: z.string(),
  terminalName: z.string(),
  zNo: z.number().int(),
  businessDate: BusinessDate,
  currency: z.string(),
  salesCount: Count,
  gross: Fen,
  discounts: Fen,
  refunds: Fen,
  net: Fen,
  tax: Fen,
});
export type ZReportRow = z.infer<typeof ZReportRow>;
export const ZReportList = z.object({ reports: z.array(ZReportRow) });
/** One Z as the till sent it (its full document). */
export const ZReportDetail = ZReportRow.extend({ report: z.record(z.string(), z.unknown()) });

/** An X report a till printed (the open business day until `takenAt`), as received. */
export const XReportRow = z.object({
  storeId: z.string(),
  terminalId: z.string(),
  terminalName: z.string(),
  xId: z.string(),
  businessDate: BusinessDate,
  takenAt: z.string(),
  currency: z.string(),
  salesCount: Count,
  gross: Fen,
  discounts: Fen,
  refunds: Fen,
  net: Fen,
  tax: Fen,
});
export type XReportRow = z.infer<typeof XReportRow>;
export const XReportList = z.object({ reports: z.array(XReportRow) });
export const XReportDetail = XReportRow.extend({ report: z.record(z.string(), z.unknown()) });

/** Sums of the tills' Z reports of a date (null: no Z received for it). */
export const ZSums = z.object({ count: Count, salesCount: Count, gross: Fen, discounts: Fen, refunds: Fen, net: Fen, tax: Fen });
export type ZSums = z.infer<typeof ZSums>;

export const DayReport = z.object({
  businessDate: BusinessDate,
  chain: Totals,
  chainZ: ZSums.nullable(),
  stores: z.array(StoreTotals.extend({ z: ZSums.nullable(), tills: z.array(TillTotals.extend({ z: ZSums.nullable() })) })),
});
export type DayReport = z.infer<typeof DayReport>;
export const DayReports = z.object({ from: BusinessDate, to: BusinessDate, days: z.array(DayReport) });
export type DayReports = z.infer<typeof DayReports>;

// ---------------------------------------------------------------- exports

export const ExportRequest = RangeQuery.extend({
  format: z.enum(['csv', 'xlsx']),
  /** days: the day reports (chain, store, till rows per date); sales: one row per sale. */
  content: z.enum(['days', 'sales']),
  /** Of the column names. */
  language: z.enum(['zh-CN', 'en']).default('zh-CN'),
  /** The zone of the sales' closing times. */
  tz: z.string().min(1).max(64).default('Asia/Shanghai'),
});
export type ExportRequest = z.infer<typeof ExportRequest>;

export const ExportState = z.object({
  exportId: z.string(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  /** Rows written and rows to write (known before the first row). */
  done: Count,
  total: Count,
  fileName: z.string(),
  error: z.string().nullable(),
});
export type ExportState = z.infer<typeof ExportState>;
