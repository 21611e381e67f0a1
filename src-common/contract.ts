/**
 * The API contract: every call and every event, declared once.
 * Main's handler map and the renderer's client are both typed from this module, and main validates
 * every input (and output) against these schemas. Adding a feature = one entry here + one handler + UI.
 */
import { z } from 'zod';
import { call, Managers, NoInput, Staff, Technicians, type CallSpec } from './calls/spec';
import { mayCall, type Access, type Caller } from './roles';
import { mergeDisjoint } from './merge-disjoint';
import { adminCalls, adminEvents } from './calls/admin';
import { devicesCalls, devicesEvents } from './calls/devices';
import { historyCalls, historyEvents } from './calls/history';
import { gatewayCalls } from './calls/gateway';
import { kioskCalls, kioskEvents } from './calls/kiosk';
import { scanCalls, scanEvents } from './calls/scan';
import { Surface } from './surface';
import { ExportName, ownerCalls, ownerEvents } from './calls/owner';
import { UploadId, uploadsCalls, uploadsEvents } from './calls/uploads';
import { syncCalls, syncEvents } from './calls/sync';
import { catalogCalls, catalogEvents } from './calls/catalog';
import { membersCalls } from './calls/members';
import { stockCalls } from './calls/stock';
import { scaleCalls, scaleEvents } from './calls/scale';
import { promotionsCalls } from './calls/promotions';
import {
  Approval,
  Cart,
  CatalogImportReport,
  CompletedSale,
  DeviceStatus,
  Discount,
  Id,
  Language,
  PaymentsStatus,
  PositiveMinor,
  PaymentView,
  RefundAsk,
  Product,
  PublicUser,
  QuantityMilli,
  Receipt,
  Refundable,
  VoidAsk,
  RefundView,
  Settings,
  SuspendedSale,
  TenderInput,
  StatementView,
  TerminalStatus,
  WalletKind,
} from './schemas';

export { Language, Settings, TerminalStatus } from './schemas';
export type { CallSpec } from './calls/spec';

const LoopDelay = z.object({
  maxMs: z.number().nonnegative(),
  p50Ms: z.number().nonnegative(),
  p99Ms: z.number().nonnegative(),
  meanMs: z.number().nonnegative(),
  samples: z.number().int().nonnegative(),
  windowMs: z.number().nonnegative(),
  /** The longest stall, and how much of it the core's thread waited for a CPU it was ready to use (null: not known on this system). */
  longestStall: z.object({ ms: z.number().nonnegative(), waitingForCpuMs: z.number().nonnegative().nullable() }),
  /** The longest the core held its loop itself: a stall less its wait for a CPU. */
  longestHeldMs: z.number().nonnegative(),
  /** How long the core's thread ran over that stall's interval (null: not known): the rest of the held time it slept in a synchronous call. */
  longestHeldOnCpuMs: z.number().nonnegative().nullable(),
  /** When that stall ended (null: none in the window). */
  longestHeldAt: z.iso.datetime().nullable(),
  /** The stalls over the goal of 20 ms, the 16 longest, each with when it ended (to set beside the machine's own record of that time). */
  longStalls: z.array(
    z.object({
      ms: z.number().nonnegative(),
      waitingForCpuMs: z.number().nonnegative().nullable(),
      onCpuMs: z.number().nonnegative().nullable(),
      endedAt: z.iso.datetime(),
    }),
  ),
  /** The core's thread's nice value (Linux; null elsewhere): -8 where it could raise itself (src-main/thread-priority.ts). */
  coreNice: z.number().int().nullable(),
  /** Writes of the core that waited for the SQL worker's write (db/write-gate.ts) in the window. */
  writeWaits: z
    .object({
      waits: z.number().int().nonnegative(),
      longestWaitMs: z.number().nonnegative(),
      timeouts: z.number().int().nonnegative(),
      otherLongestHoldMs: z.number().nonnegative(),
      /** Starts that awaited the worker's write with the loop free (not stalls), and the longest. */
      asyncWaits: z.number().int().nonnegative(),
      longestAsyncWaitMs: z.number().nonnegative(),
    })
    .optional(),
});

/** The calls of the cashier screen and the terminal itself; the other areas' calls are in ./calls/. */
export const coreCalls = {
  'terminal.status': call({
    input: () => NoInput,
    output: () => TerminalStatus,
    access: 'any',
    summary: 'Identity and health of this terminal, read from its database',
  }),
  'terminal.eventLoop': call({
    input: () => z.object({ reset: z.boolean().optional() }).strict(),
    output: () => LoopDelay,
    access: Technicians,
    summary: "How long the core's event loop was kept from serving scans and calls since the last reset (ms); reset starts a new window",
  }),
  'settings.get': call({
    input: () => NoInput,
    output: () => Settings,
    access: 'any',
    summary: 'Terminal settings the UI needs at start',
  }),
  'settings.setLanguage': call({
    input: () => z.object({ language: Language }).strict(),
    output: () => Settings,
    access: 'any',
    summary: 'Switch the UI language of this terminal (kept across restarts)',
  }),

  'auth.users': call({ input: () => NoInput, output: () => z.array(PublicUser), access: 'any', summary: 'Who can sign in here' }),
  'auth.signIn': call({
    input: () => z.object({ userId: Id, pin: z.string().regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits') }).strict(),
    output: () => z.object({ user: PublicUser, mustChangePin: z.boolean() }),
    access: 'any',
    summary: 'Sign this screen in with a PIN',
  }),
  'auth.signOut': call({ input: () => NoInput, output: () => z.null(), access: 'any', summary: 'Sign this screen out' }),
  'auth.me': call({ input: () => NoInput, output: () => PublicUser.nullable(), access: 'any', summary: 'Who is signed in on this screen' }),

  'catalog.search': call({
    input: () => z.object({ query: z.string().max(100), limit: z.number().int().min(1).max(100).optional() }).strict(),
    output: () => z.array(Product),
    access: Staff,
    summary: 'Products by barcode, SKU, name or pinyin initials, as the cashier types',
  }),
  'catalog.importCsv': call({
    // The CSV itself (one message: fine over Electron's IPC, up to 1 MiB over the host's WebSocket), or a file
    // sent in pages beforehand (upload.begin / upload.page).
    input: () => z.union([z.object({ csv: z.string().max(20_000_000) }).strict(), z.object({ uploadId: UploadId }).strict()]),
    output: () => CatalogImportReport,
    access: Managers,
    summary: 'Import products from CSV (given, or uploaded in pages); bad rows are reported by line and skipped',
  }),
  'catalog.exportCsv': call({
    input: () => NoInput,
    output: () => z.object({ name: ExportName, rows: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() }),
    access: ['owner'],
    summary: 'Write the catalog as CSV (the import columns) to <dataDir>/exports/, read in pages with export.read',
  }),

  'sale.current': call({ input: () => NoInput, output: () => Cart.nullable(), access: Staff, summary: 'The open sale of the till (the kiosk has its own)' }),
  'sale.scan': call({
    // approval: an owner's PIN for a line beyond the stock when the store asks for one (settings.oversell 'pin').
    input: () => z.object({ code: z.string().min(1).max(64), approval: Approval.optional() }).strict(),
    output: () => Cart,
    access: Staff,
    summary: 'Add the product a scanned barcode or scale label names',
  }),
  'sale.addProduct': call({
    input: () => z.object({ productId: Id, quantityMilli: QuantityMilli.optional(), approval: Approval.optional() }).strict(),
    output: () => Cart,
    access: Staff,
    summary: 'Add a product picked from search',
  }),
  'sale.setQuantity': call({
    input: () => z.object({ lineId: Id, quantityMilli: QuantityMilli, approval: Approval.optional() }).strict(),
    output: () => Cart,
    access: Staff,
    summary: 'Change the quantity of a line',
  }),
  'sale.removeLine': call({ input: () => z.object({ lineId: Id }).strict(), output: () => Cart, access: Staff, summary: 'Remove a line' }),
  'sale.setLineDiscount': call({
    input: () => z.object({ lineId: Id, discount: Discount.nullable(), approval: Approval.optional() }).strict(),
    output: () => Cart,
    access: Staff,
    summary: "Discount one line (a cashier needs an owner's PIN)",
  }),
  'sale.setOrderDiscount': call({
    input: () => z.object({ discount: Discount.nullable(), approval: Approval.optional() }).strict(),
    output: () => Cart,
    access: Staff,
    summary: "Discount the whole sale (a cashier needs an owner's PIN)",
  }),
  'sale.beginPayment': call({
    input: () => NoInput,
    output: () => z.null(),
    access: Staff,
    summary: 'The cashier opened the pay step: the customer display shows the total',
  }),
  'sale.suspend': call({ input: () => NoInput, output: () => z.null(), access: Staff, summary: 'Park the open sale to serve another customer' }),
  'sale.listSuspended': call({ input: () => NoInput, output: () => z.array(SuspendedSale), access: Staff, summary: 'Parked sales' }),
  'sale.resume': call({ input: () => z.object({ saleId: Id }).strict(), output: () => Cart, access: Staff, summary: 'Bring a parked sale back' }),
  'sale.void': call({
    input: () => z
      .object({
        reason: z.string().trim().min(1).max(200),
        /** The kiosk's order: an owner or technician taking over one held for staff. Unset: the till's sale. */
        surface: Surface.optional(),
      })
      .strict(),
    output: () => z.null(),
    access: Staff,
    summary: 'Cancel the open sale (kept on record)',
  }),
  'sale.complete': call({
    input: () => z.object({ tenders: z.array(TenderInput).min(1).max(10) }).strict(),
    output: () => CompletedSale,
    access: Staff,
    summary: 'Take payment and close the sale in one durable transaction',
  }),
  'sale.reprint': call({
    input: () => z.object({ saleId: Id }).strict(),
    output: () => z.object({ queued: z.literal(true) }),
    access: Staff,
    summary: 'Print a completed sale’s receipt again on the receipt printer',
  }),
  'sale.findByReceipt': call({
    /** The printed number ("M6C8-000012", "12"), a receipt's e-receipt URL (its QR), or an older kiosk voucher's QR text (JZR1:…). */
    input: () => z.object({ receiptNumber: z.string().trim().min(1).max(300) }).strict(),
    output: () => z.object({ saleId: Id, receiptNumber: z.string(), total: z.number().int(), closedAt: z.string() }),
    access: Staff,
    summary: 'A completed sale by the number printed on its receipt (for refunds and reprints)',
  }),
  'sale.receipt': call({
    input: () => z.object({ saleId: Id }).strict(),
    output: () => z.object({ receipt: Receipt, text: z.string(), svg: z.string() }),
    access: Staff,
    summary: 'A completed sale’s receipt: document, plain text and preview',
  }),

  'payment.payByCode': call({
    /** `amount`: this part of the sale (1 ≤ amount ≤ still due, minor units); all that is still due when left out. */
    input: () => z.object({ code: z.string().min(1).max(80), amount: PositiveMinor.optional() }).strict(),
    output: () => PaymentView,
    access: Staff,
    summary: "Charge the open sale, or a part of it, to the customer's wallet payment code",
  }),
  'payment.payByQr': call({
    input: () => z.object({ wallet: WalletKind, amount: PositiveMinor.optional() }).strict(),
    output: () => PaymentView,
    access: Staff,
    summary: 'Show a merchant QR for the open sale, or a part of it; the customer scans it to pay',
  }),
  'payment.reverseParts': call({
    input: () => NoInput,
    output: () => z.array(PaymentView),
    access: Staff,
    summary: 'Give the paid wallet parts of the open sale back, each through its own provider (before voiding it)',
  }),
  'payment.cancel': call({
    input: () => z.object({ paymentId: Id }).strict(),
    output: () => PaymentView,
    access: Staff,
    summary: 'Stop waiting for the customer and reverse the payment',
  }),
  'payment.current': call({ input: () => NoInput, output: () => PaymentView.nullable(), access: Staff, summary: 'The latest payment of the open sale' }),
  'display.current': call({
    input: () => NoInput,
    output: () => z.object({ cart: Cart.nullable(), payment: PaymentView.nullable() }),
    access: 'any',
    summary: 'What the customer display shows now (it signs in as nobody)',
  }),
  'statement.download': call({
    input: () => z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).strict(),
    output: () => StatementView,
    access: Managers,
    summary: "Queue the download of the acquirer's statement for a day (retried until it lands)",
  }),
  'statement.get': call({
    input: () => z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).strict(),
    output: () => StatementView,
    access: Managers,
    summary: "The acquirer's statement for a day, as downloaded",
  }),
  'devices.status': call({ input: () => NoInput, output: () => z.array(DeviceStatus), access: 'any', summary: 'Every configured device and its state' }),
  'payment.status': call({ input: () => NoInput, output: () => PaymentsStatus, access: 'any', summary: 'Acquirer reachability and pending jobs' }),

  'refund.refundable': call({
    input: () => z.object({ saleId: Id }).strict(),
    output: () => Refundable,
    access: Staff,
    summary: 'What of a completed sale can still be refunded: its lines, its money, per tender',
  }),
  'refund.request': call({
    input: () => RefundAsk.extend({ approval: Approval.optional() }).strict(),
    output: () => RefundView,
    access: Staff,
    summary: "Refund items or an amount of a completed sale: to the wallet first, then cash (a cashier needs an owner's PIN)",
  }),
  'refund.voidSale': call({
    input: () => VoidAsk.extend({ approval: Approval.optional() }).strict(),
    output: () => RefundView,
    access: Staff,
    summary:
      "Void a sale of today as a whole (当日整单作废): its wallet payment reversed by the acquirer's cancel, cash handed back; once per sale, only with no refund (a cashier needs an owner's PIN)",
  }),
  'refund.retry': call({
    input: () => z.object({ refundId: Id }).strict(),
    output: () => RefundView,
    access: Staff,
    summary: 'Send a refund again with its same refund request number (never refunded twice)',
  }),
  'refund.get': call({ input: () => z.object({ refundId: Id }).strict(), output: () => RefundView, access: Staff, summary: 'One refund' }),
  'refund.forSale': call({ input: () => z.object({ saleId: Id }).strict(), output: () => z.array(RefundView), access: Staff, summary: 'The refunds of a sale, oldest first' }),
  'refund.receipt': call({
    input: () => z.object({ refundId: Id }).strict(),
    output: () => z.object({ receipt: Receipt, text: z.string(), svg: z.string() }),
    access: Staff,
    summary: 'A refund’s receipt: document, plain text and preview',
  }),
} as const satisfies Record<string, CallSpec>;

/** Every call; a name declared by two areas is an error at start-up (mergeDisjoint), never an override. */
/** Each area's calls, as declared; `calls` is their union. */
export const callsByArea = {
  core: coreCalls,
  devices: devicesCalls,
  admin: adminCalls,
  owner: ownerCalls,
  history: historyCalls,
  uploads: uploadsCalls,
  kiosk: kioskCalls,
  scan: scanCalls,
  sync: syncCalls,
  catalog: catalogCalls,
  members: membersCalls,
  stock: stockCalls,
  scale: scaleCalls,
  promotions: promotionsCalls,
  gateway: gatewayCalls,
} as const;
export const calls = mergeDisjoint('call', callsByArea) satisfies Record<string, CallSpec>;

export const coreEvents = {
  'settings.changed': Settings,
  /** The open sale changed (or closed: null); the customer display follows it. */
  'sale.changed': Cart.nullable(),
  'payment.changed': PaymentView,
  'device.status': DeviceStatus,
  'refund.changed': RefundView,
  /** The pay step began: what the customer owes (the customer display shows it). */
  'sale.paying': z.object({ saleId: Id, total: z.number().int() }),
  'sale.completed': z.object({ saleId: Id, receiptNumber: z.string(), total: z.number().int(), change: z.number().int() }),
} as const satisfies Record<string, z.ZodType>;

export const events = mergeDisjoint('event', {
  core: coreEvents,
  devices: devicesEvents,
  admin: adminEvents,
  owner: ownerEvents,
  history: historyEvents,
  uploads: uploadsEvents,
  kiosk: kioskEvents,
  scan: scanEvents,
  sync: syncEvents,
  catalog: catalogEvents,
  scale: scaleEvents,
}) satisfies Record<string, z.ZodType>;

/**
 * Events only some callers may receive; every other event goes to every connection, the customer display
 * (signed in as nobody) included. What a scan was used for: staff and kiosk screens only (a payment code is
 * masked in it, and never sent to any screen in clear).
 */
export const eventAccess: Readonly<Partial<Record<keyof typeof events, Access>>> = {
  'scan.outcome': [...Staff, 'kiosk'],
  'scan.heldChanged': Staff,
  'maintenance.progress': ['owner', 'technician'],
  'maintenance.worker': ['owner', 'technician'],
  'owner.dayChanged': ['owner'],
  // The store server's address and state are staff matters, not the customer display's.
  'sync.changed': Staff,
};

export function mayReceive(name: keyof typeof events, caller: Caller): boolean {
  return mayCall(eventAccess[name] ?? 'any', caller);
}

export type CallName = keyof typeof calls;
export type EventName = keyof typeof events;
export type CallInput<K extends CallName> = z.input<(typeof calls)[K]['input']>;
export type CallParsedInput<K extends CallName> = z.output<(typeof calls)[K]['input']>;
export type CallOutput<K extends CallName> = z.output<(typeof calls)[K]['output']>;
export type EventPayload<K extends EventName> = z.output<(typeof events)[K]>;

export const callNames = Object.freeze(Object.keys(calls)) as readonly CallName[];
export const eventNames = Object.freeze(Object.keys(events)) as readonly EventName[];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.hasOwn(calls, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/** The wire envelope of the WebSocket transport (Electron IPC carries the same shapes). */
export const RequestEnvelope = z.object({
  id: z.number().int().nonnegative(),
  call: z.string().max(100),
  input: z.unknown(),
});
export type RequestEnvelope = z.infer<typeof RequestEnvelope>;
