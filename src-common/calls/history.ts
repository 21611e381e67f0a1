/** Owner: sales history and reconciliation with the acquirer (issue 7). */
import { z } from 'zod';
import { Id, Minor, RefundAsk, RefundView, StatementSource, VoidAsk, WalletKind } from '../schemas';
import { call, Owners, Staff, type CallSpec } from './spec';

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD');
const Fen = z.number().int().min(0).max(1_000_000_000_00);
const Pin = z.string().regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits');

export const HistorySearch = z
  .object({
    /** As printed ("M6C8-000012"), or just its number ("12"). */
    receiptNumber: z.string().trim().max(20).optional(),
    /** Exact total in fen; or amountMin / amountMax (either end open). */
    amount: Fen.optional(),
    amountMin: Fen.optional(),
    amountMax: Fen.optional(),
    wallet: WalletKind.optional(),
    tender: z.enum(['cash', 'wallet', 'other']).optional(),
    cashierId: Id.optional(),
    /** The shop's days, both included. */
    from: LocalDate.optional(),
    to: LocalDate.optional(),
    cursor: z.string().min(1).max(200).optional(),
    limit: z.number().int().min(1).max(100).optional(),
  })
  .strict();

export const HistoryRow = z.object({
  saleId: Id,
  receiptNumber: z.string(),
  closedAt: z.string(),
  businessDate: z.string(),
  total: Minor,
  currency: z.string(),
  cashierId: Id.nullable(),
  cashierName: z.string().nullable(),
  tenders: z.array(z.string()),
  refunded: Minor,
  refundsPending: z.number().int().nonnegative(),
});
export type HistoryRow = z.infer<typeof HistoryRow>;

export const HistoryPage = z.object({ rows: z.array(HistoryRow), nextCursor: z.string().nullable() });

export const SaleDetail = z.object({
  saleId: Id,
  receiptNumber: z.string(),
  currency: z.string(),
  openedAt: z.string(),
  closedAt: z.string(),
  businessDate: z.string(),
  cashierName: z.string().nullable(),
  subtotal: Minor,
  discountTotal: Minor,
  total: Minor,
  rounding: Minor,
  taxTotal: Minor,
  change: Minor,
  lines: z.array(
    z.object({
      lineNo: z.number().int().positive(),
      sku: z.string(),
      name: z.string(),
      unit: z.enum(['each', 'kg']),
      quantityMilli: z.number().int().positive(),
      unitPrice: Minor,
      gross: Minor,
      discount: Minor,
      net: Minor,
      taxRateBp: z.number().int(),
    }),
  ),
  taxes: z.array(z.object({ rateBp: z.number().int(), taxable: Minor, tax: Minor })),
  tenders: z.array(z.object({ kind: z.string(), amount: Minor, tendered: Minor, reference: z.string().nullable(), paymentId: Id.nullable() })),
  payments: z.array(
    z.object({
      paymentId: Id,
      clientSn: z.string(),
      kind: z.enum(['code', 'qr']),
      wallet: z.string().nullable(),
      /** Never the whole code. */
      maskedCode: z.string().nullable(),
      amount: Minor,
      status: z.string(),
      acquirerSn: z.string().nullable(),
      failureMessage: z.string().nullable(),
      createdAt: z.string(),
      finishedAt: z.string().nullable(),
    }),
  ),
  refunds: z.array(RefundView),
  refundable: Minor,
});
export type SaleDetail = z.infer<typeof SaleDetail>;

export const ItemState = z.enum(['matched', 'missing_local', 'missing_statement', 'amount_mismatch', 'status_mismatch']);
export type ItemState = z.infer<typeof ItemState>;

export const ReconciliationItem = z.object({
  key: z.string(),
  type: z.enum(['pay', 'refund', 'cancel']),
  state: ItemState,
  clientSn: z.string(),
  refundRequestNo: z.string().nullable(),
  wallet: z.string().nullable(),
  statement: z
    .object({ amount: Minor, acquirerSn: z.string().nullable(), status: z.string(), finishedAt: z.string().nullable(), date: z.string() })
    .nullable(),
  local: z
    .object({
      kind: z.enum(['payment', 'refund']),
      id: Id,
      saleId: Id,
      receiptNumber: z.string().nullable(),
      amount: Minor,
      status: z.string(),
      finishedAt: z.string().nullable(),
      counts: z.boolean(),
    })
    .nullable(),
  difference: Minor,
  detail: z.enum(['reversed', 'other_day', 'duplicate']).nullable(),
  resolution: z.object({ note: z.string(), by: Id, byName: z.string().nullable(), at: z.string() }).nullable(),
});
export type ReconciliationItem = z.infer<typeof ReconciliationItem>;

const SideTotals = z.object({ count: z.number().int(), pays: Minor, refunds: Minor, net: Minor });

export const Reconciliation = z.object({
  /** The acquirer's day (its statement day, Beijing's calendar day). */
  date: z.string(),
  /** The terminal's business days (the Z report's) that the acquirer's day overlaps. */
  businessDates: z.array(z.string()),
  statement: z.object({
    state: z.enum(['none', 'downloading', 'downloaded']),
    /** Of the stored copy when there is one, else the one a download uses on this terminal. */
    source: StatementSource,
    downloadedAt: z.string().nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    rows: z.number().int(),
  }),
  summary: z.object({
    matched: z.number().int(),
    missingLocal: z.number().int(),
    missingStatement: z.number().int(),
    amountMismatch: z.number().int(),
    statusMismatch: z.number().int(),
    resolved: z.number().int(),
    open: z.number().int(),
  }),
  totals: z.object({ statement: SideTotals, local: SideTotals }),
  items: z.array(ReconciliationItem),
});
export type Reconciliation = z.infer<typeof Reconciliation>;

const WallTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time is HH:MM');

/** The till's refund dialog: this terminal's sales of the open business day, narrowed as the customer remembers them. */
export const TodaysSalesLookup = z
  .object({
    /** Exact total in fen. */
    amount: Fen.optional(),
    /** The last four digits of the wallet payment's order number (what the customer's wallet app shows). */
    lastFour: z.string().regex(/^\d{4}$/, 'four digits').optional(),
    /** The store's wall clock, both ends of [from, to) optional. */
    from: WallTime.optional(),
    to: WallTime.optional(),
    /** As printed ("M6C8-000012"), or just its number ("12"). */
    receiptNumber: z.string().trim().max(20).optional(),
    limit: z.number().int().min(1).max(200).optional(),
  })
  .strict();

export const TodaysSale = z.object({
  saleId: Id,
  receiptNumber: z.string(),
  closedAt: z.string(),
  /** HH:MM on the store's wall clock. */
  time: z.string(),
  total: Minor,
  currency: z.string(),
  /** Each tender; a wallet's with the last four of its payment's acquirer order number, never the payment code. */
  tenders: z.array(z.object({ kind: z.string(), amount: Minor, referenceTail: z.string().nullable() })),
  refunded: Minor,
  refundsPending: z.number().int().nonnegative(),
});
export type TodaysSale = z.infer<typeof TodaysSale>;

export const TodaysSales = z.object({ businessDate: z.string(), rows: z.array(TodaysSale), more: z.boolean() });
export type TodaysSales = z.infer<typeof TodaysSales>;

export const historyCalls = {
  'refund.todaysSales': call({
    input: () => TodaysSalesLookup,
    output: () => TodaysSales,
    access: Staff,
    summary: "This terminal's completed sales of the open business day, newest first, by amount, payment's last four, time and receipt number (the refund dialog)",
  }),

  'history.search': call({
    input: () => HistorySearch,
    output: () => HistoryPage,
    access: Owners,
    summary: 'Completed sales, newest first, by receipt number, amount, wallet, tender, cashier and days; paged',
  }),
  'history.sale': call({
    input: () => z.object({ saleId: Id }).strict(),
    output: () => SaleDetail,
    access: Owners,
    summary: 'One completed sale: lines, tenders, payment attempts (codes masked), refunds',
  }),
  'history.refund': call({
    input: () => RefundAsk.extend({ pin: Pin }).strict(),
    output: () => RefundView,
    access: Owners,
    summary: "Refund from the history: the signed-in owner confirms with their own PIN (checked here), then as refund.request",
  }),
  'history.voidSale': call({
    input: () => VoidAsk.extend({ pin: Pin }).strict(),
    output: () => RefundView,
    access: Owners,
    summary: 'Void a sale of today from the history: the signed-in owner confirms with their own PIN, then as refund.voidSale',
  }),
  'reconcile.day': call({
    input: () => z.object({ date: LocalDate }).strict(),
    output: () => Reconciliation,
    access: Owners,
    summary: "The acquirer's statement of a (Beijing) day against this terminal's payments and refunds: matches and differences, totals per side",
  }),
  'reconcile.resolve': call({
    input: () => z.object({ date: LocalDate, key: z.string().min(1).max(200), note: z.string().trim().min(1).max(500) }).strict(),
    output: () => ReconciliationItem,
    access: Owners,
    summary: 'Mark a difference resolved with a note (audited); it stays listed, as resolved',
  }),
} as const satisfies Record<string, CallSpec>;

export const historyEvents = {} as const satisfies Record<string, z.ZodType>;
