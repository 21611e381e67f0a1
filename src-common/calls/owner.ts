/** Owner: shifts, cash in and out, X and Z reports, charts, exports (issue 7). */
import { z } from 'zod';
import { Approval, Id, Language, Minor, PositiveMinor, TenderKind } from '../schemas';
import { call, NoInput, type CallSpec } from './spec';

/** Opening, cash in/out and closing are the cashier's or the owner's (a cashier's cash-out needs an owner's PIN). */
const Tills = ['cashier', 'owner'] as const;
const Owner = ['owner'] as const;

const NonNegativeMinor = z.number().int().min(0).max(1_000_000_000_00);
const LocalDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date like 2026-11-22');
const Reason = z.string().trim().min(1).max(100);
const Person = z.object({ id: z.string(), name: z.string() }).nullable();

export const CashMovementView = z.object({
  id: Id,
  kind: z.enum(['in', 'out']),
  amount: PositiveMinor,
  reason: z.string(),
  user: Person,
  approvedBy: Person,
  at: z.string(),
});
export type CashMovementView = z.infer<typeof CashMovementView>;

/** The drawer's cash of a shift: expected = float + kept − cashRefunds + cashIn − cashOut (kept = tendered − change). */
export const ShiftCash = z.object({
  float: Minor,
  tendered: Minor,
  change: Minor,
  kept: Minor,
  cashRefunds: Minor,
  cashIn: Minor,
  cashOut: Minor,
  expected: Minor,
});
export type ShiftCash = z.infer<typeof ShiftCash>;

const ShiftFields = {
  shiftId: Id,
  openedAt: z.string(),
  openedBy: Person,
  closedAt: z.string().nullable(),
  closedBy: Person,
  counted: Minor.nullable(),
  /** counted − expected: positive over, negative short. */
  overShort: Minor.nullable(),
  note: z.string().nullable(),
  /** Cash in and out of the shift (whoever made them): the cashier sees these even in a blind view. */
  movements: z.array(CashMovementView),
};

/**
 * A shift as its caller may see it. Blind count (cash control): a cashier's view of an open shift leaves
 * out the expected cash and its parts (`blind: true`, `cash: null`), so she counts the drawer without
 * knowing what it should hold; the close answer then shows her the expected cash and the over/short, the
 * count being recorded by then. The owner's view, and every closed shift, has `blind: false` and the cash.
 */
export const ShiftView = z.discriminatedUnion('blind', [
  z.object({ ...ShiftFields, blind: z.literal(false), cash: ShiftCash }),
  z.object({ ...ShiftFields, blind: z.literal(true), cash: z.null() }),
]);
export type ShiftView = z.infer<typeof ShiftView>;

const Count = z.number().int().nonnegative();

export const ReportView = z.object({
  kind: z.enum(['x', 'z']),
  zNo: z.number().int().positive().nullable(),
  /** The business day this report covers (a Z closes it). */
  businessDate: z.string(),
  /** Facts with from < t ≤ to; from null = since the first. */
  from: z.string().nullable(),
  to: z.string(),
  takenBy: Person,
  currency: z.string(),
  /** Before discounts. */
  gross: Minor,
  discounts: Minor,
  /** gross − discounts: the sales' totals. */
  sales: Minor,
  /** Cash rounding (抹零 negative). */
  rounding: Minor,
  refunds: Minor,
  /** sales + rounding − refunds: what the tenders took, less what went back. */
  net: Minor,
  /** Tax in the net (sales' tax − refunds' tax). */
  tax: Minor,
  /** Of the wallet tenders, what merchants funded themselves (the acquirer's payment_list): the shop receives that much less. Absent in Z reports taken before it was kept. */
  merchantDiscounts: Minor.optional(),
  /** Savings by promotion (in `discounts`), from what each sale stored. Absent in Z reports taken before promotions. */
  promotions: z.array(z.object({ promotionId: z.string(), name: z.string(), kind: z.string(), sales: Count, saving: Minor })).optional(),
  counts: z.object({ sales: Count, refunds: Count, voids: Count, cartVoids: Count, saleVoids: Count, items: Count, lines: Count }),
  taxes: z.array(
    z.object({ rateBp: z.number().int(), taxable: Minor, tax: Minor, refundTaxable: Minor, refundTax: Minor, netTaxable: Minor, netTax: Minor }),
  ),
  tenders: z.array(z.object({ kind: TenderKind, count: Count, amount: Minor, refundCount: Count, refunds: Minor, net: Minor })),
  wallets: z.array(z.object({ kind: TenderKind, count: Count, amount: Minor, refundCount: Count, refunds: Minor, net: Minor })),
  cashiers: z.array(z.object({ userId: z.string().nullable(), name: z.string(), count: Count, amount: Minor, refundCount: Count, refunds: Minor })),
  hours: z.array(z.object({ hour: z.number().int().min(0).max(23), count: Count, amount: Minor })),
  cash: z.object({ tendered: Minor, change: Minor, kept: Minor, refunds: Minor, cashIn: Minor, cashOut: Minor, net: Minor }),
  /**
   * Cross-border (issue 18): in a store whose currency is not CNY, the wallet tenders by wallet, provider and the
   * currency the customers paid in (null: payments whose reply gave no payer side), in the store's currency
   * (`amount`, `refunds`, `net`) and in the customers' as the wallets' replies said (`payerAmount`, `payerRefunds`,
   * `payerNet`), summed as stored, never computed from a rate. A refund whose reply gave no payer amount is not in
   * `payerRefunds`: `refundsWithoutPayer` counts those and `refundsWithoutPayerAmount` is what they returned in the
   * store's currency. Absent in a CNY store and in reports taken before.
   */
  payers: z
    .array(
      z.object({
        wallet: TenderKind,
        provider: z.string(),
        payerCurrency: z.string().nullable(),
        count: Count,
        amount: Minor,
        payerAmount: Minor,
        refundCount: Count,
        refunds: Minor,
        payerRefunds: Minor,
        refundsWithoutPayer: Count,
        refundsWithoutPayerAmount: Minor,
        net: Minor,
        payerNet: Minor,
      }),
    )
    .optional(),
  /**
   * Members' points (issue 16). Redemptions as a discount are inside `discounts`; as a tender they are part of
   * `sales` that no tender took (tenders + redeemedAsTender = sales + rounding). Refunds give redeemed points back
   * (`returned`, their worth) and take earned ones back. Absent in Z reports taken before members.
   */
  members: z
    .object({
      earned: z.object({ count: Count, points: z.number().int() }),
      redeemed: z.object({ count: Count, points: z.number().int(), amount: Minor, asTender: Minor, asDiscount: Minor }),
      returned: z.object({ count: Count, points: z.number().int(), amount: Minor }),
      takenBack: z.object({ count: Count, points: z.number().int(), uncollected: z.number().int() }),
    })
    .optional(),
});
export type ReportView = z.infer<typeof ReportView>;

export const ZSummary = z.object({
  zNo: z.number().int().positive(),
  businessDate: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  salesCount: Count,
  gross: Minor,
  refunds: Minor,
  net: Minor,
  tax: Minor,
});
export type ZSummary = z.infer<typeof ZSummary>;

export const PrintOutcome = z.object({ queued: z.literal(true), columns: z.number().int().positive() });

export const HourlyChart = z.object({
  date: z.string(),
  /** The same weekday a week before. */
  compareDate: z.string(),
  hours: z.array(z.object({ hour: z.number().int().min(0).max(23), amount: Minor, count: Count, compareAmount: Minor, compareCount: Count })),
});
export type HourlyChart = z.infer<typeof HourlyChart>;

export const WalletMix = z.object({
  from: z.string(),
  to: z.string(),
  kinds: z.array(z.object({ kind: TenderKind, count: Count, amount: Minor })),
});
export type WalletMix = z.infer<typeof WalletMix>;

/** Completed sales: how many, and what the tenders took for them (total + cash rounding). */
export const Takings = z.object({ count: Count, amount: Minor });
export type Takings = z.infer<typeof Takings>;
const TodayTenderRow = { count: Count, amount: Minor, refundCount: Count, refunds: Minor, net: Minor };

/** The owner's today at a glance: the current business day so far, beside the same weekday a week before. */
export const TodayView = z.object({
  businessDate: z.string(),
  /** The same weekday a week before. */
  compareDate: z.string(),
  /** The instant the figures were read at. */
  at: z.string(),
  currency: z.string(),
  /** What the tenders took for today's sales. */
  sales: Takings,
  /** sales − refunds. */
  net: Minor,
  /** sales.amount / sales.count to the fen (half up); null before the first sale. */
  averageTicket: Minor.nullable(),
  /** Refunds (same-day voids included) that became final today. */
  refunds: z.object({ count: Count, amount: Minor }),
  /** Cash, all wallets together, other. */
  tenders: z.array(z.object({ group: z.enum(['cash', 'wallet', 'other']), ...TodayTenderRow })),
  wallets: z.array(z.object({ kind: TenderKind, ...TodayTenderRow })),
  /** The ten products that took the most today, as sold (refunds not taken off). */
  topSellers: z.array(
    z.object({ productId: z.string(), sku: z.string(), name: z.string(), nameEn: z.string().nullable(), unit: z.enum(['each', 'kg']), quantityMilli: z.number().int(), amount: Minor }),
  ),
  /** The clock hour now: today so far, the same hour a week before up to the same minute, and that hour whole. */
  thisHour: z.object({ hour: z.number().int().min(0).max(23), today: Takings, lastWeek: Takings, lastWeekWhole: Takings }),
  /** The business day so far, the same weekday a week before up to the same time, and that day whole. */
  daySoFar: z.object({ today: Takings, lastWeek: Takings, lastWeekWhole: Takings }),
  /** Active products with stock below the threshold (whole units), lowest first; `count` of all of them, `items` the first 20. */
  lowStock: z.object({
    threshold: z.number().int().nonnegative(),
    count: Count,
    items: z.array(z.object({ productId: z.string(), sku: z.string(), name: z.string(), nameEn: z.string().nullable(), unit: z.enum(['each', 'kg']), stockMilli: z.number().int() })),
  }),
});
export type TodayView = z.infer<typeof TodayView>;

export const ExportKind = z.enum(['sales', 'payments', 'zreports']);
export type ExportKind = z.infer<typeof ExportKind>;
/** A file name in <dataDir>/exports/ as export.create made it: no directories, no dots but the extension. */
export const ExportName = z.string().regex(/^((sales|payments|zreports)-\d{8}-\d{8}|catalog-\d{8})-[0-9A-Za-z]{6,32}\.csv$/, 'an export file name');
export const EXPORT_PAGE_BYTES = 512 * 1024;

export const ownerCalls = {
  'shift.current': call({
    input: () => NoInput,
    output: () => ShiftView.nullable(),
    access: Tills,
    summary: "This terminal's open shift with its expected cash so far (a cashier's view is blind: no expected cash until it is closed)",
  }),
  'shift.open': call({
    input: () => z.object({ float: NonNegativeMinor }).strict(),
    output: () => ShiftView,
    access: Tills,
    summary: 'Open a shift with the float counted into the drawer (one open shift per terminal)',
  }),
  'shift.cashIn': call({
    input: () => z.object({ amount: PositiveMinor, reason: Reason }).strict(),
    output: () => ShiftView,
    access: Tills,
    summary: 'Record cash put into the drawer of the open shift, with a reason',
  }),
  'shift.cashOut': call({
    input: () => z.object({ amount: PositiveMinor, reason: Reason, approval: Approval.optional() }).strict(),
    output: () => ShiftView,
    access: Tills,
    summary: "Record cash taken out of the drawer, with a reason (a cashier needs an owner's PIN)",
  }),
  'shift.close': call({
    input: () => z.object({ counted: NonNegativeMinor, note: z.string().trim().max(200).optional() }).strict(),
    output: () => ShiftView,
    access: Tills,
    summary: 'Close the open shift with the counted cash: expected, counted and the over/short are kept',
  }),
  'shift.list': call({
    input: () => z.object({ limit: z.number().int().min(1).max(100).optional() }).strict(),
    output: () => z.array(ShiftView),
    access: Owner,
    summary: 'The latest shifts of this terminal, newest first',
  }),

  'report.x': call({ input: () => NoInput, output: () => ReportView, access: Owner, summary: 'X report: the business day so far (since the last Z), viewed only (printing one keeps it)' }),
  'report.takeZ': call({
    input: () => NoInput,
    output: () => ReportView,
    access: Owner,
    summary: 'Z report: closes the business day (since the last Z), numbered without gaps, stored for good',
  }),
  'report.listZ': call({
    input: () => z.object({ beforeNo: z.number().int().positive().optional(), limit: z.number().int().min(1).max(100).optional() }).strict(),
    output: () => z.array(ZSummary),
    access: Owner,
    summary: 'Past Z reports, newest first',
  }),
  'report.getZ': call({ input: () => z.object({ zNo: z.number().int().positive() }).strict(), output: () => ReportView, access: Owner, summary: 'One Z report as it was taken' }),
  'report.print': call({
    input: () => z.object({ zNo: z.number().int().positive().optional() }).strict(),
    output: () => PrintOutcome,
    access: Owner,
    summary: 'Print a Z report, or without zNo take an X report (kept as printed and sent to the store server) and print it',
  }),

  'owner.today': call({
    input: () => NoInput,
    output: () => TodayView,
    access: Owner,
    summary: "Today at a glance: the business day's net, sales, average ticket, refunds, tenders and wallets, top sellers, this hour and the day so far beside the same weekday last week, low stock",
  }),

  'chart.hourly': call({
    input: () => z.object({ date: LocalDate.optional() }).strict(),
    output: () => HourlyChart,
    access: Owner,
    summary: 'Takings by clock hour of a business day (the current one by default) beside the same weekday a week before',
  }),
  'chart.walletMix': call({
    input: () => z.object({ from: LocalDate, to: LocalDate }).strict(),
    output: () => WalletMix,
    access: Owner,
    summary: 'Takings by tender kind (the wallet mix) over business dates',
  }),

  'export.create': call({
    input: () => z
      .object({
        kind: ExportKind,
        from: LocalDate,
        to: LocalDate,
        /** Of the column names and the words in cells (statuses, wallets); default the receipt language. */
        language: Language.optional(),
      })
      .strict(),
    output: () => z.object({ name: ExportName, rows: Count, bytes: Count }),
    access: Owner,
    summary: 'Write a CSV (UTF-8 with BOM) of sales, payments or Z reports for a range of business dates (the Z report days) to <dataDir>/exports/',
  }),
  'export.read': call({
    input: () => z.object({ name: ExportName, offset: z.number().int().nonnegative() }).strict(),
    output: () => z.object({ data: z.string(), offset: Count, bytes: Count, size: Count, done: z.boolean() }),
    access: Owner,
    summary: 'One page (≤ 512 KiB, base64) of an export file, from offset',
  }),
} as const satisfies Record<string, CallSpec>;

export const ownerEvents = {
  /** A sale (till or kiosk) was completed or a refund became final: the owner's today page reads its figures again. Owners only. */
  'owner.dayChanged': z.object({ cause: z.enum(['sale', 'refund']) }),
} as const satisfies Record<string, z.ZodType>;
