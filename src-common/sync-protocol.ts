/**
 * The store-sync protocol between a till and the store server (server/), version 1: one place for both sides.
 * Transport: HTTPS (the server's self-signed certificate is pinned by its SHA-256 fingerprint at enrolment),
 * JSON bodies, paths under /v1. Every reply that is not 2xx is `SyncErrorReply`.
 *
 * Up (facts): every immutable fact a till writes gets a per-terminal sequence number (`seq`, 1, 2, 3 …) in the
 * transaction that writes it. The till uploads facts in `seq` order, in batches, under a `stream` id: a ULID the
 * till makes once, and makes anew when it learns its sequence went back (restored from a backup). The server
 * stores a fact once per (store, fact id), whatever the stream, and answers the highest contiguous `seq` it holds
 * for that stream. The till never forgets a fact before it is acknowledged.
 *
 * Down (store data): `GET /v1/pull?since=<version>` returns what changed after that version, with deletion
 * markers; the till applies a whole reply in one transaction and remembers `version`.
 */
import { z } from 'zod';
import { PromotionRuleInput } from './calls/promotions';
import { MAINLAND_MOBILE } from './member-code';
import { ReceiptToken } from './e-receipt';
import { PayerCurrency, PayerMinor, RateText } from './cross-border';

export const SYNC_API_VERSION = 'v1';

/** Largest batch a till sends, in facts and in bytes of JSON body; the server refuses anything bigger with 413. */
export const MAX_FACTS_PER_BATCH = 500;
export const MAX_BATCH_BYTES = 2 * 1024 * 1024;

const Minor = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const NonNegMinor = Minor.min(0);
const Text = (max: number) => z.string().max(max);
/** The till's ids: ULIDs made on the terminal (and a few `kind:n` composites); never free text. */
const FactId = z.string().regex(/^[0-9A-Za-z:_-]{1,64}$/);
const IsoTime = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?(Z|[+-]\d\d:\d\d)$/);
const BusinessDate = z.string().regex(/^\d{4}-\d\d-\d\d$/);
const TenderKind = z.enum(['cash', 'wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay', 'other']);
const Currency = z.string().regex(/^[A-Z]{3}$/);

// ---------------------------------------------------------------- errors

export const SyncErrorCode = z.enum([
  'bad_request', // malformed JSON or a body that fails these schemas (details: the first issues)
  'unauthorized', // no, unknown or revoked credential
  'forbidden', // a credential of another store
  'enrolment_code_invalid', // unknown, used or expired code
  'stream_diverged', // (stream, seq) already holds another fact id: the till was restored; start a new stream
  'payload_too_large',
  'rate_limited', // HTTP 429 with Retry-After (seconds), also in details.retryAfterSeconds: the till waits that long
  'unavailable', // PostgreSQL down: retry later
]);
export type SyncErrorCode = z.infer<typeof SyncErrorCode>;
export const SyncErrorReply = z.object({
  error: z.object({ code: SyncErrorCode, message: z.string(), details: z.unknown().optional() }),
});
export type SyncErrorReply = z.infer<typeof SyncErrorReply>;

// ---------------------------------------------------------------- enrolment

/** POST /v1/enrol (no credential; the one-time code is the credential). */
export const EnrolRequest = z.object({
  code: z.string().regex(/^[0-9A-Z]{4}-?[0-9A-Z]{4}(-?[0-9A-Z]{4})?$/),
  terminalId: FactId,
  terminalName: Text(40).min(1),
  appVersion: Text(40),
});
export type EnrolRequest = z.infer<typeof EnrolRequest>;
export const EnrolReply = z.object({
  storeId: z.string(),
  storeName: z.string(),
  terminalId: FactId,
  /** Sent as `Authorization: Bearer <credential>` on every later call; the server keeps only its hash. */
  credential: z.string().min(32),
});
export type EnrolReply = z.infer<typeof EnrolReply>;

// ---------------------------------------------------------------- facts (up)

export const SaleFact = z.object({
  saleId: FactId,
  receiptNo: z.number().int().positive(),
  businessDate: BusinessDate,
  openedAt: IsoTime,
  closedAt: IsoTime,
  currency: Currency,
  subtotal: Minor,
  discountTotal: Minor,
  total: Minor,
  rounding: Minor,
  taxTotal: Minor,
  changeGiven: NonNegMinor,
  cashierId: FactId.nullable(),
  shiftId: FactId.nullable(),
  lines: z
    .array(
      z.object({
        lineNo: z.number().int().positive(),
        productId: FactId,
        sku: Text(64),
        name: Text(200),
        unit: z.enum(['each', 'kg']),
        quantityMilli: z.number().int().positive(),
        unitPrice: Minor,
        gross: Minor,
        lineDiscount: Minor,
        orderDiscount: Minor,
        net: Minor,
        taxRateBp: z.number().int().min(0).max(10000),
      }),
    )
    .max(2000),
  taxes: z.array(z.object({ rateBp: z.number().int().min(0).max(10000), taxable: Minor, tax: Minor })).max(50),
  tenders: z
    .array(
      z.object({
        tenderId: FactId,
        seq: z.number().int().positive(),
        kind: TenderKind,
        amount: NonNegMinor,
        tendered: NonNegMinor,
        paymentId: FactId.nullable(),
        /** Merchant-funded wallet discount on this tender, if any (issue 13); 0 otherwise. */
        merchantDiscount: NonNegMinor.default(0),
      }),
    )
    .max(50),
  /** The e-receipt's token (src-common/e-receipt.ts): the customer's phone opens <public URL>/r/<token>. Absent from older tills. */
  receiptToken: ReceiptToken.optional(),
});
export type SaleFact = z.infer<typeof SaleFact>;

export const RefundFact = z.object({
  refundId: FactId,
  saleId: FactId,
  receiptNo: z.number().int().positive(),
  businessDate: BusinessDate,
  kind: z.enum(['wallet', 'cash']),
  tenderKind: TenderKind,
  amount: Minor.positive(),
  walletAmount: NonNegMinor,
  cashAmount: NonNegMinor,
  reason: Text(500),
  approvedBy: FactId,
  finishedAt: IsoTime,
  lines: z.array(z.object({ lineNo: z.number().int().positive(), quantityMilli: z.number().int().positive(), amount: NonNegMinor })).max(2000),
  /** Cross-border (issue 18): what went back to the customer's wallet in its currency, when the refund's reply said. Absent from older tills. */
  payerCurrency: PayerCurrency.optional(),
  payerAmount: PayerMinor.optional(),
  /**
   * A leg of a refund that went back to several wallet payments (issue 18): the refund's id (its leg 1), this leg's
   * number and how many legs it has. Each leg's amounts are its own, so a server that ignores these (an older one)
   * still sums the refunds right per tender; it counts each leg as a refund. Absent for a refund of one leg.
   */
  refundGroup: FactId.optional(),
  leg: z.number().int().positive().optional(),
  legs: z.number().int().min(2).optional(),
});
export type RefundFact = z.infer<typeof RefundFact>;

export const ZReportFact = z.object({
  zNo: z.number().int().positive(),
  businessDate: BusinessDate,
  fromAt: IsoTime.nullable(),
  toAt: IsoTime,
  currency: Currency,
  salesCount: z.number().int().min(0),
  gross: Minor,
  discounts: Minor,
  refunds: Minor,
  net: Minor,
  tax: Minor,
  /** The till's full Z document (the same JSON it prints from); stored as received. */
  report: z.record(z.string(), z.unknown()),
});
export type ZReportFact = z.infer<typeof ZReportFact>;

/** An X report as the till printed it (the open business day so far); the back office lists them beside the Zs. */
export const XReportFact = z.object({
  xId: FactId,
  businessDate: BusinessDate,
  fromAt: IsoTime.nullable(),
  takenAt: IsoTime,
  takenBy: FactId,
  currency: Currency,
  salesCount: z.number().int().min(0),
  gross: Minor,
  discounts: Minor,
  refunds: Minor,
  net: Minor,
  tax: Minor,
  report: z.record(z.string(), z.unknown()),
});
export type XReportFact = z.infer<typeof XReportFact>;

export const CashMovementFact = z.object({
  movementId: FactId,
  shiftId: FactId,
  kind: z.enum(['in', 'out']),
  amount: Minor.positive(),
  reason: Text(500),
  userId: FactId,
  approvedBy: FactId.nullable(),
  at: IsoTime,
});
export const ShiftFact = z.object({
  shiftId: FactId,
  openedAt: IsoTime,
  openedBy: FactId,
  floatAmount: NonNegMinor,
  /** null while open: a shift is sent when it opens (kind shift_open) and again when it closes (shift_close). */
  closedAt: IsoTime.nullable(),
  closedBy: FactId.nullable(),
  expectedCash: Minor.nullable(),
  countedCash: NonNegMinor.nullable(),
  overShort: Minor.nullable(),
});
export const StockMovementFact = z.object({
  movementId: FactId,
  productId: FactId,
  deltaMilli: z.number().int().refine((n) => n !== 0),
  reason: Text(32),
  ref: Text(64).nullable(),
  at: IsoTime,
  /** What one unit cost (fen), on goods received; absent from older tills and on every other movement. */
  unitCost: NonNegMinor.nullable().optional(),
});
export const VoidFact = z.object({ saleId: FactId, reason: Text(500), voidedBy: FactId.nullable(), at: IsoTime });
export const PaymentFact = z.object({
  paymentId: FactId,
  saleId: FactId.nullable(),
  wallet: Text(16),
  amount: Minor,
  status: Text(24),
  clientSn: Text(32),
  /** The acquirer's transaction number; never the customer's payment code. */
  acquirerSn: Text(64).nullable(),
  finishedAt: IsoTime.nullable(),
  // Issue 18; all optional: older tills do not send them.
  /** The provider that took it ('aggregator', 'wechat_v2', 'wechat_v3', 'alipay'). */
  provider: Text(32).optional(),
  /** ISO 4217 of `amount` (the store's currency). */
  currency: PayerCurrency.optional(),
  /** Cross-border: what the customer's wallet charged, minor units of payerCurrency, as its paid reply said (src-common/cross-border.ts). */
  payerCurrency: PayerCurrency.optional(),
  payerAmount: PayerMinor.optional(),
  /** The rate as the wallet wrote it, and the places its decimal point is shifted (WeChat v2's rate × 10^8: 8). */
  rate: RateText.optional(),
  rateScale: z.number().int().min(0).max(12).optional(),
});
export const AuditFact = z.object({
  auditId: FactId,
  at: IsoTime,
  userId: FactId.nullable(),
  action: Text(64),
  detail: z.record(z.string(), z.unknown()),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

/** One row of a member's points ledger (issue 16): no personal data, only the member's id. */
export const MemberPointsFact = z.object({
  entryId: FactId,
  memberId: FactId,
  reason: z.enum(['earn', 'redeem', 'refund_earn', 'refund_redeem']),
  delta: z.number().int(),
  amount: NonNegMinor,
  uncollected: z.number().int().min(0),
  redeemedAs: z.enum(['tender', 'discount']).nullable(),
  saleId: FactId,
  refundId: FactId.nullable(),
  businessDate: BusinessDate,
  at: IsoTime,
});

/**
 * A member made at a till (issue 16), sent so every till of the store finds them. The phone and name are personal
 * data (README, "Members and personal data"); a member anonymised before the fact leaves goes up without them.
 */
export const MemberFact = z.object({
  memberId: FactId,
  phone: z.string().regex(MAINLAND_MOBILE).nullable(),
  name: Text(40).min(1).nullable(),
  /** What the member QR holds (random, says nothing about the person). */
  code: z.string().regex(/^[0-9A-Za-z_-]{8,32}$/),
  createdAt: IsoTime,
  anonymisedAt: IsoTime.nullable(),
});
/** A member anonymised at a till: the server and the other tills drop the phone and name too. */
export const MemberAnonymisedFact = z.object({ memberId: FactId, at: IsoTime });

const factEnvelope = {
  seq: z.number().int().positive(),
  /**
   * Unique within the store: the fact row's own id (a ULID), or `kind:id` where one row yields two facts. A sale
   * fact's id is its sale's id (the server refuses another).
   */
  id: FactId,
  /** The till's clock when the fact was written; kept, never used to order (seq orders). */
  recordedAt: IsoTime,
};
export const Fact = z.discriminatedUnion('kind', [
  z.object({ ...factEnvelope, kind: z.literal('sale'), payload: SaleFact }),
  z.object({ ...factEnvelope, kind: z.literal('sale_void'), payload: VoidFact }),
  z.object({ ...factEnvelope, kind: z.literal('refund'), payload: RefundFact }),
  z.object({ ...factEnvelope, kind: z.literal('payment'), payload: PaymentFact }),
  z.object({ ...factEnvelope, kind: z.literal('cash_movement'), payload: CashMovementFact }),
  z.object({ ...factEnvelope, kind: z.literal('shift_open'), payload: ShiftFact }),
  z.object({ ...factEnvelope, kind: z.literal('shift_close'), payload: ShiftFact }),
  z.object({ ...factEnvelope, kind: z.literal('z_report'), payload: ZReportFact }),
  z.object({ ...factEnvelope, kind: z.literal('stock_movement'), payload: StockMovementFact }),
  z.object({ ...factEnvelope, kind: z.literal('audit'), payload: AuditFact }),
  z.object({ ...factEnvelope, kind: z.literal('member_points'), payload: MemberPointsFact }),
  z.object({ ...factEnvelope, kind: z.literal('member'), payload: MemberFact }),
  z.object({ ...factEnvelope, kind: z.literal('member_anonymised'), payload: MemberAnonymisedFact }),
  z.object({ ...factEnvelope, kind: z.literal('x_report'), payload: XReportFact }),
]);
export type Fact = z.infer<typeof Fact>;
export type FactKind = Fact['kind'];

/** POST /v1/facts: one batch, facts in increasing seq order (gaps inside a batch are refused). */
/**
 * What waits on the till as it sends a batch: the highest seq it holds in this stream, and how long the first fact
 * of the batch has waited (its own clock, both ends). Optional: an older till does not send it, an older server drops it.
 */
export const UploadWaiting = z.object({ highestSeq: z.number().int().min(0), oldestAgeMs: z.number().int().min(0) });
export const UploadRequest = z.object({
  stream: FactId,
  facts: z.array(Fact).min(1).max(MAX_FACTS_PER_BATCH),
  waiting: UploadWaiting.optional(),
});
export type UploadRequest = z.infer<typeof UploadRequest>;
/** Also the reply of GET /v1/stream?stream=<id> (ackedSeq 0 for a stream the server has never seen). */
export const UploadReply = z.object({ stream: FactId, ackedSeq: z.number().int().min(0) });
export type UploadReply = z.infer<typeof UploadReply>;

// ---------------------------------------------------------------- store data (down)

export const PulledProduct = z.object({
  id: FactId,
  sku: Text(64).min(1),
  name: Text(200).min(1),
  nameEn: Text(200).nullable(),
  /** The store's price (its override if it has one), minor units. */
  price: NonNegMinor,
  taxRateBp: z.number().int().min(0).max(10000),
  unit: z.enum(['each', 'kg']),
  categoryId: FactId.nullable(),
  plu: z.string().regex(/^\d{5}$/).nullable(),
  active: z.boolean(),
  barcodes: z.array(z.string().regex(/^\d{8,14}$/)).max(20),
  /** The product's member price (会员价), minor units; absent from an older server (the till keeps its own). */
  memberPrice: NonNegMinor.nullable().optional(),
});
export const PulledCategory = z.object({ id: FactId, name: Text(60).min(1), sort: z.number().int() });
export const PulledUser = z.object({
  id: FactId,
  name: Text(40).min(1),
  role: z.enum(['cashier', 'owner', 'technician']),
  /** The till's own PIN hash format (scrypt, as src-main/pin.ts writes it); PINs never travel. */
  pinHash: Text(300),
  active: z.boolean(),
});
export const PulledStock = z.object({ productId: FactId, stockMilli: z.number().int() });
export const Deletion = z.object({ entity: z.enum(['product', 'category', 'user']), id: FactId });
const BusinessDateOrNull = BusinessDate.nullable();
/** One of the store's promotions (issue 16): the till's own promotion definition, priced by the same engine. */
export const PulledPromotion = z.object({
  id: FactId,
  name: Text(40).min(1),
  active: z.boolean(),
  startDate: BusinessDateOrNull,
  endDate: BusinessDateOrNull,
  rule: PromotionRuleInput,
});
export type PulledPromotion = z.infer<typeof PulledPromotion>;
/** A member of the store as the tills need them to find and attach them (phone in full: the till masks it on screen). */
export const PulledMember = z.object({
  id: FactId,
  phone: z.string().regex(MAINLAND_MOBILE).nullable(),
  name: Text(40).nullable(),
  code: z.string().regex(/^[0-9A-Za-z_-]{8,32}$/),
  createdAt: IsoTime,
  anonymised: z.boolean(),
});
export type PulledMember = z.infer<typeof PulledMember>;
/** The sum of one member's points ledger at one other till of the store (the pulling till's own are never sent). */
export const PulledMemberPoints = z.object({ memberId: FactId, terminalId: FactId, points: z.number().int() });

/** GET /v1/pull?since=<version>; `more` says another page follows (pull again with since=version). */
export const PullReply = z.object({
  version: z.number().int().min(0),
  more: z.boolean(),
  storeName: Text(100),
  products: z.array(PulledProduct),
  categories: z.array(PulledCategory),
  users: z.array(PulledUser),
  /** Store settings the server owns (receipt header/footer, tax rates, store name/address); keys of the till's Settings. */
  settings: z.record(z.string(), z.unknown()),
  stock: z.array(PulledStock),
  deleted: z.array(Deletion),
  /** Issue 16; optional, so an older server's reply still parses (the till then keeps its own promotions and members). */
  promotions: z.array(PulledPromotion).optional(),
  /** Ids of promotions deleted on the server (only when pulling since > 0). */
  deletedPromotions: z.array(FactId).optional(),
  members: z.array(PulledMember).optional(),
  memberPoints: z.array(PulledMemberPoints).optional(),
});
export type PullReply = z.infer<typeof PullReply>;
