/**
 * Shapes that cross the API, as zod schemas (main validates with them; types are inferred from them).
 * Money is integer minor units; quantities are thousandths (1 each = 1000); tax rates basis points.
 */
import { z } from 'zod';
import { isTimeZone } from './business-day';
import { WALLETS } from './payment-code';
import { Role } from './roles';

export const Minor = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
export const PositiveMinor = z.number().int().positive().max(1_000_000_000_00);
export const QuantityMilli = z.number().int().positive().max(1_000_000_000);
export const Id = z.string().min(1).max(64);

export const Language = z.enum(['zh-CN', 'en']);
export type Language = z.infer<typeof Language>;

export const CashRoundingSetting = z.enum(['none', 'nearest-0.1', 'down-0.1']);
export type CashRoundingSetting = z.infer<typeof CashRoundingSetting>;

/** A named VAT rate (basis points) a product may carry; the console lists them for the catalog and receipts. */
export const TaxRateSetting = z.object({ name: z.string(), rateBp: z.number().int().min(0).max(10000) });
export type TaxRateSetting = z.infer<typeof TaxRateSetting>;

/** Whole units (pieces or kg); 0 lists only products whose stock went below zero. */
export const LowStockThreshold = z.number().int().min(0).max(100_000);
export const DEFAULT_LOW_STOCK_THRESHOLD = 10;

/**
 * Members' points (issue 16). Earned: `earnPerYuan` points per whole yuan (major unit) of what the sale took after
 * discounts, not counting the part paid with points, rounded down. Redeemed in steps of `redeemPoints` points, each
 * worth `redeemValue` minor units, at most `redeemCapBp` of the sale's total; as a tender (the total stays, points
 * pay part of it) or as an order discount (the total comes down), per `redeemAs`.
 */
export const MemberPointsSetting = z.object({
  earnPerYuan: z.number().int().min(0).max(100),
  redeemAs: z.enum(['tender', 'discount']),
  redeemPoints: z.number().int().min(1).max(100_000),
  redeemValue: z.number().int().min(1).max(100_000),
  redeemCapBp: z.number().int().min(0).max(10_000),
});
export type MemberPointsSetting = z.infer<typeof MemberPointsSetting>;
export const DEFAULT_MEMBER_POINTS: MemberPointsSetting = { earnPerYuan: 1, redeemAs: 'discount', redeemPoints: 100, redeemValue: 100, redeemCapBp: 5000 };

export const Settings = z.object({
  /** The till's screen language (the top bar's switch). */
  language: Language,
  /** What customer receipts are printed in: a store setting, not whatever language the cashier's screen is in. */
  receiptLanguage: Language,
  storeName: z.string(),
  storeAddress: z.string(),
  taxId: z.string(),
  currency: z.string().length(3),
  cashRounding: CashRoundingSetting,
  receiptHeader: z.array(z.string()),
  receiptFooter: z.array(z.string()),
  taxRates: z.array(TaxRateSetting),
  /** This terminal is a self-service kiosk: it starts full-screen on the kiosk screen. */
  kioskMode: z.boolean(),
  /** The store's IANA time zone: business days, reports and exports follow its wall clock (src-common/business-day.ts). */
  timeZone: z.string().refine(isTimeZone, 'time_zone_unknown'),
  /** The wall-clock hour at which the business day (the Z report's day) turns: 4 = a sale at 01:30 is the day before's. */
  businessDayTurnsAtHour: z.number().int().min(0).max(23),
  /** The till's short name printed on receipts (e.g. 1号收银台); empty: derived (src-common/receipt.ts tillNameOf). */
  tillName: z.string(),
  /** The owner's today page lists active products whose stock is below this many units (pieces, or kg for weighed goods). */
  lowStockThreshold: LowStockThreshold,
  memberPoints: MemberPointsSetting,
  /** A line beyond the stock: 'warn' shows the level on the line, 'pin' needs an owner's PIN first, 'off' says nothing. */
  oversell: z.enum(['warn', 'pin', 'off']),
});
export type Settings = z.infer<typeof Settings>;

export const TerminalStatus = z.object({
  terminalId: z.string(),
  createdAt: z.string(),
  startCount: z.number().int().nonnegative(),
  lastStartedAt: z.string(),
  schemaVersion: z.number().int().nonnegative(),
  sqliteVersion: z.string(),
  journalMode: z.string(),
  appVersion: z.string(),
  acquirerMode: z.enum(['sandbox', 'live']),
  storeName: z.string(),
  currency: z.string(),
  products: z.number().int().nonnegative(),
});
export type TerminalStatus = z.infer<typeof TerminalStatus>;

export const PublicUser = z.object({ id: Id, name: z.string(), role: Role });
export type PublicUser = z.infer<typeof PublicUser>;

export const Approval = z.object({ userId: Id, pin: z.string().regex(/^\d{4,8}$/) }).strict();

export const Product = z.object({
  id: Id,
  sku: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  price: Minor,
  taxRateBp: z.number().int().min(0).max(10000),
  unit: z.enum(['each', 'kg']),
  stockMilli: z.number().int(),
  categoryId: z.string().nullable(),
  categoryName: z.string().nullable(),
  active: z.boolean(),
  barcodes: z.array(z.string()),
  plu: z.string().nullable(),
});
export type Product = z.infer<typeof Product>;

export const Discount = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('amount'), amount: PositiveMinor }).strict(),
  z.object({ kind: z.literal('percent'), basisPoints: z.number().int().min(1).max(10000) }).strict(),
]);
export type Discount = z.infer<typeof Discount>;

export const AppliedPromotion = z.object({
  promotionId: z.string(),
  name: z.string(),
  kind: z.enum(['special', 'member_price', 'nth_item', 'bundle', 'spend_save']),
  saving: Minor,
});

export const CartLine = z.object({
  lineId: Id,
  productId: Id,
  sku: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  unit: z.enum(['each', 'kg']),
  quantityMilli: z.number().int().positive(),
  unitPrice: Minor,
  /** Weighed-goods label with the price printed on it: the quantity cannot be changed. */
  weighed: z.boolean(),
  discount: Discount.nullable(),
  gross: Minor,
  /** Promotions on this line (specials, member price, Nth item, bundles: src-common/promotions.ts) and their savings. */
  promotions: z.array(AppliedPromotion),
  promotionSaving: Minor,
  /** The line's share of the order's 满减 (Cart.spendSave). */
  orderPromotionSaving: Minor,
  lineDiscount: Minor,
  orderDiscount: Minor,
  net: Minor,
  taxRateBp: z.number().int(),
  /** The cart holds more of this product than is in stock (settings.oversell not 'off'): the level, for the notice. */
  stockShort: z.object({ levelMilli: z.number().int() }).optional(),
});
export type CartLine = z.infer<typeof CartLine>;

export const TaxRow = z.object({ rateBp: z.number().int(), taxable: Minor, tax: Minor });

export const Cart = z.object({
  saleId: Id,
  status: z.enum(['open', 'suspended']),
  currency: z.string(),
  lines: z.array(CartLine),
  /** The line the last scan touched, for highlighting. */
  lastLineId: Id.nullable(),
  orderDiscountSpec: Discount.nullable(),
  subtotal: Minor,
  /** Σ of every promotion's saving (lines and 满减): subtotal − promotionTotal − manual discounts = total. */
  promotionTotal: Minor,
  /** The order's 满减, if one applies. */
  spendSave: AppliedPromotion.nullable(),
  lineDiscountTotal: Minor,
  orderDiscount: Minor,
  total: Minor,
  taxes: z.array(TaxRow),
  taxTotal: Minor,
  /** What the customer pays in cash, after the terminal's cash rounding. */
  cashDue: Minor,
  cashRounding: Minor,
  /** The member attached to the sale (issue 16): the phone masked, the balance before this sale. */
  member: z.object({ memberId: Id, maskedPhone: z.string(), name: z.string().nullable(), balance: z.number().int() }).nullable().optional(),
  /** Points the member redeems on this sale, debited when it completes; `amount` is their worth (minor units). */
  points: z.object({ mode: z.enum(['tender', 'discount']), points: z.number().int().positive(), amount: PositiveMinor }).nullable().optional(),
  /**
   * Wallet parts already paid on this open sale (issue 18: one sale paid in parts), oldest first. While there are
   * any the sale is frozen (the parts were paid for this amount); `cashDue` is then what is left, cash-rounded.
   */
  paidParts: z
    .array(
      z.object({
        paymentId: Id,
        wallet: z.string().nullable(),
        maskedCode: z.string().nullable(),
        amount: PositiveMinor,
        /** Being given back to the customer now (payment.reverseParts); a part the provider would not reverse stays without it. */
        reversing: z.boolean().optional(),
        /**
         * The last reversal asked for ended without giving this part back: `refused` by the provider (its words in
         * `providerMessage`), or `unconfirmed` after every attempt. The part stays paid; gone once a new one is asked.
         */
        reversalFailed: z.object({ reason: z.enum(['refused', 'unconfirmed']), providerMessage: z.string().nullable() }).optional(),
      }),
    )
    .optional(),
  /** What the sale still asks for: the amount to pay less the paid parts (before cash rounding). */
  stillDue: Minor.optional(),
});
export type Cart = z.infer<typeof Cart>;

export const SuspendedSale = z.object({ saleId: Id, suspendedAt: z.string(), lines: z.number().int(), total: Minor });

export const WalletKind = z.enum(WALLETS);
export const TenderKind = z.enum(['cash', 'wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay', 'other']);
export type TenderKind = z.infer<typeof TenderKind>;

export const TenderInput = z.object({ kind: TenderKind, amount: PositiveMinor }).strict();

const ReceiptLineSchema = z.object({
  name: z.string(),
  quantityMilli: z.number().int(),
  unit: z.enum(['each', 'kg']),
  unitPrice: Minor,
  gross: Minor,
  promotions: z.array(z.object({ name: z.string(), saving: Minor })).readonly().optional(),
  discount: Minor,
  net: Minor,
  taxRateBp: z.number().int(),
});

export const Receipt = z.object({
  language: Language,
  currency: z.string(),
  kind: z.enum(['sale', 'refund', 'void']),
  header: z.object({
    storeName: z.string(),
    address: z.string().optional(),
    taxId: z.string().optional(),
    lines: z.array(z.string()).readonly(),
  }),
  receiptNumber: z.string(),
  tillName: z.string(),
  cashier: z.string(),
  issuedAt: z.string(),
  lines: z.array(ReceiptLineSchema).readonly(),
  subtotal: Minor,
  promotions: z.array(z.object({ name: z.string(), saving: Minor })).readonly().optional(),
  discountTotal: Minor,
  total: Minor,
  rounding: Minor,
  taxes: z.array(TaxRow).readonly(),
  tenders: z
    .array(
      z.object({
        kind: z.string(),
        amount: Minor,
        reference: z.string().optional(),
        /** A cross-border wallet tender's customer side, as the wallet's reply gave it (src-common/receipt.ts). */
        crossBorder: z
          .object({
            payerCurrency: z.string(),
            payerAmount: Minor,
            rate: z.object({ text: z.string(), scale: z.number().int() }).optional(),
            transactionId: z.string().optional(),
          })
          .optional(),
      }),
    )
    .readonly(),
  change: Minor,
  footer: z.array(z.string()).readonly(),
  qr: z.string().optional(),
  barcode: z.string().optional(),
});

export const CompletedSale = z.object({
  saleId: Id,
  receiptNo: z.number().int().positive(),
  receiptNumber: z.string(),
  total: Minor,
  change: Minor,
  receipt: Receipt,
});
export type CompletedSale = z.infer<typeof CompletedSale>;

export const CatalogImportReport = z.object({
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  skipped: z.array(z.object({ line: z.number().int(), code: z.string(), message: z.string() })),
});

export const PaymentStatus = z.enum(['submitted', 'pending', 'unknown', 'cancelling', 'paid', 'failed', 'reversed', 'needs_attention']);

export const PaymentView = z.object({
  paymentId: Id,
  saleId: Id,
  status: PaymentStatus,
  wallet: z.string().nullable(),
  /** Never the whole code. */
  maskedCode: z.string().nullable(),
  amount: Minor,
  /** Epoch ms when the terminal stops waiting for the customer and reverses. */
  deadline: z.number().int(),
  failureCode: z.string().nullable(),
  failureMessage: z.string().nullable(),
  /** The merchant QR's content while it can be paid (shown on the screens as a QR code). */
  qrCode: z.string().nullable(),
  /** A paid part of a sale still open: what the sale still asks for (the screens stay at the pay step for the rest). */
  remaining: Minor.optional(),
});
export type PaymentView = z.infer<typeof PaymentView>;

export const PaymentsStatus = z.object({ online: z.boolean(), pendingJobs: z.number().int(), recovering: z.number().int() });

export const RefundStatus = z.enum(['submitted', 'in_progress', 'unknown', 'refunded', 'failed', 'needs_attention']);

export const RefundLineInput = z.object({ lineNo: z.number().int().positive().max(100_000), quantityMilli: QuantityMilli }).strict();

/** What a refund asks for (items, or an amount), and why; each way in adds how it is approved. */
export const RefundAsk = z.object({
  saleId: Id,
  lines: z.array(RefundLineInput).min(1).max(500).optional(),
  amount: PositiveMinor.optional(),
  reason: z.string().trim().min(1).max(200),
});
/** Voiding a whole sale of today, and why. */
export const VoidAsk = z.object({ saleId: Id, reason: z.string().trim().min(1).max(200) });

export const RefundView = z.object({
  refundId: Id,
  saleId: Id,
  /** The original sale's receipt number. */
  saleReceiptNumber: z.string(),
  /** The refund's own receipt number, once refunded. */
  receiptNumber: z.string().nullable(),
  /** Sent unchanged on every retry (≤ 20 characters). */
  refundRequestNo: z.string(),
  kind: z.enum(['wallet', 'cash']),
  /** The wallet part's tender kind ('wechat', …), or 'cash'. */
  tenderKind: z.string(),
  amount: Minor,
  walletAmount: Minor,
  /** Handed back by the cashier once the refund is refunded. */
  cashAmount: Minor,
  status: RefundStatus,
  reason: z.string(),
  approvedBy: Id,
  userId: Id.nullable(),
  lines: z.array(z.object({ lineNo: z.number().int().positive(), name: z.string(), unit: z.enum(['each', 'kg']), quantityMilli: z.number().int().positive(), amount: Minor })),
  attempts: z.number().int().nonnegative(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  failureCode: z.string().nullable(),
  failureMessage: z.string().nullable(),
  /** A same-day void of the whole sale (当日整单作废): its wallet part reversed by the acquirer's cancel. */
  void: z.boolean(),
  /**
   * A refund of a sale paid in parts that goes back to several wallet payments (issue 18): its legs, sent in this
   * order, each a refund at its own provider (the cash part, if any, on the last). The figures above are the whole:
   * `status` the most pressing of the legs', `failureCode`/`failureMessage` those of the leg in trouble. Absent for a
   * refund of one payment.
   */
  legs: z
    .array(
      z.object({
        refundId: Id,
        leg: z.number().int().positive(),
        tenderKind: z.string(),
        walletAmount: Minor,
        cashAmount: Minor,
        status: RefundStatus,
        refundRequestNo: z.string(),
        receiptNumber: z.string().nullable(),
        failureCode: z.string().nullable(),
        failureMessage: z.string().nullable(),
      }),
    )
    .optional(),
});
export type RefundView = z.infer<typeof RefundView>;

export const Refundable = z.object({
  saleId: Id,
  receiptNumber: z.string(),
  currency: z.string(),
  total: Minor,
  paid: Minor,
  refunded: Minor,
  pending: Minor,
  refundable: Minor,
  lines: z.array(
    z.object({
      lineNo: z.number().int().positive(),
      productId: Id,
      sku: z.string(),
      name: z.string(),
      unit: z.enum(['each', 'kg']),
      quantityMilli: z.number().int().positive(),
      net: Minor,
      refundedQuantityMilli: z.number().int().nonnegative(),
      refundedAmount: Minor,
      refundableQuantityMilli: z.number().int().nonnegative(),
      refundableAmount: Minor,
    }),
  ),
  tenders: z.array(
    z.object({
      seq: z.number().int().positive(),
      kind: z.string(),
      wallet: z.boolean(),
      amount: Minor,
      reference: z.string().nullable(),
      refunded: Minor,
      refundable: Minor,
    }),
  ),
  /** The whole sale can be voided now (refund.voidSale): completed today, nothing refunded or under way, never voided. */
  voidable: z.boolean(),
});
export type Refundable = z.infer<typeof Refundable>;

/**
 * Where a day's statement comes from: the acquirer's statement file (the sandbox's own `/sandbox/statement`), or,
 * against the live Shouqianba API that has no statement endpoint, a query of each of the terminal's orders of the
 * day (the full statement is in the acquirer's merchant back office).
 */
export const StatementSource = z.enum(['statement_file', 'order_query']);
export type StatementSource = z.infer<typeof StatementSource>;

export const StatementView = z.object({
  date: z.string(),
  status: z.enum(['queued', 'downloaded']),
  /** Of the stored copy when there is one, else the one a download uses on this terminal. */
  source: StatementSource,
  downloadedAt: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  rows: z.array(
    z.object({
      clientSn: z.string(),
      acquirerSn: z.string(),
      type: z.enum(['pay', 'refund', 'cancel']),
      wallet: z.string().nullable(),
      amount: Minor,
      status: z.string(),
      finishedAt: z.string(),
      refundRequestNo: z.string().nullable(),
    }),
  ),
});

export const DeviceStatus = z.object({
  id: z.string(),
  role: z.enum(['scanner', 'printer', 'display', 'drawer', 'scale']),
  transportId: z.string(),
  state: z.enum(['closed', 'idle', 'busy', 'error']),
  detail: z.string().nullable(),
  /** Print jobs waiting for the printer (printers only). */
  queued: z.number().int(),
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;

