/**
 * Self-service kiosk (issue 8). A kiosk screen begins a session of the session-only role `kiosk`
 * (src-common/roles.ts), and that session can make these calls and the `any` ones, nothing else: a narrow
 * surface over the sales, payments and devices services (no discounts, no refunds, no reports, no voids
 * but its own order's).
 */
import { z } from 'zod';
import { Id, Language, Minor, PaymentView, PublicUser } from '../schemas';
import { call, NoInput, type CallSpec } from './spec';

const Kiosk = ['kiosk'] as const;

/** The category a product's placeholder picture is drawn for (colour and icon); `other` for shop-made categories. */
export const KioskPictureKey = z.enum(['drinks', 'alcohol', 'snacks', 'instant', 'dairy', 'grocery', 'frozen', 'fresh', 'household', 'care', 'other']);
export type KioskPictureKey = z.infer<typeof KioskPictureKey>;

export const KioskProduct = z.object({
  id: Id,
  name: z.string(),
  nameEn: z.string().nullable(),
  price: Minor,
  picture: KioskPictureKey,
});
export type KioskProduct = z.infer<typeof KioskProduct>;

export const KioskCategory = z.object({
  id: Id,
  name: z.string(),
  nameEn: z.string().nullable(),
  picture: KioskPictureKey,
  products: z.array(KioskProduct),
});
export type KioskCategory = z.infer<typeof KioskCategory>;

export const KioskOrderLine = z.object({
  lineId: Id,
  productId: Id,
  name: z.string(),
  nameEn: z.string().nullable(),
  /** Whole pieces: the kiosk sells nothing by weight. */
  quantity: z.number().int().positive(),
  unitPrice: Minor,
  /** What the line costs after any discount. */
  net: Minor,
});
export type KioskOrderLine = z.infer<typeof KioskOrderLine>;

/** The customer's order: the terminal's open sale, as the kiosk shows it. */
export const KioskOrder = z.object({
  saleId: Id,
  currency: z.string(),
  lines: z.array(KioskOrderLine),
  items: z.number().int().nonnegative(),
  total: Minor,
});
export type KioskOrder = z.infer<typeof KioskOrder>;

/** What works now, said before the customer starts paying. */
export const KioskStatus = z.object({
  acquirer: z.enum(['online', 'offline', 'recovering']),
  printer: z.enum(['ready', 'paper_out', 'unavailable', 'none']),
  scanner: z.enum(['ready', 'unavailable', 'none']),
  /** Paying by showing the wallet's payment code to the kiosk's scanner. */
  payByCode: z.boolean(),
  /** Paying by scanning the merchant QR shown on screen. */
  payByQr: z.boolean(),
  /** A paper receipt can be printed now. */
  printReceipt: z.boolean(),
  /** The done screen shows an e-receipt QR a phone opens (the kiosk has a store server). */
  eReceipt: z.boolean(),
});
export type KioskStatus = z.infer<typeof KioskStatus>;

export const KioskStart = z.object({
  storeName: z.string(),
  currency: z.string(),
  /** The terminal's language: the attract screen starts in it; a customer's choice lasts one order. */
  language: Language,
  /** An order left open (a reload mid-order): shown again, or cleared by the idle timer. */
  order: KioskOrder.nullable(),
  /**
   * A payment still in flight for that order, or its last one if that needs attention (the customer may have
   * been charged): the kiosk goes straight back to the pay step, which then only asks the customer to get staff.
   */
  payment: PaymentView.nullable(),
});
export type KioskStart = z.infer<typeof KioskStart>;

export const KioskFinished = z.object({
  saleId: Id,
  /** The receipt number is the order number, shown big. */
  receiptNumber: z.string(),
  total: Minor,
  currency: z.string(),
  wallet: z.string().nullable(),
  issuedAt: z.string(),
  /** The e-receipt's URL for a QR the customer's phone opens (src-common/e-receipt.ts); null without a store server. */
  eReceipt: z.string().nullable(),
  /** The paper receipt went to the printer's queue (the terminal prints every completed sale). */
  printing: z.boolean(),
});
export type KioskFinished = z.infer<typeof KioskFinished>;

export const KioskQrWallet = z.enum(['wechat', 'alipay', 'unionpay']);

export const kioskCalls = {
  'kiosk.begin': call({
    input: () => NoInput,
    output: () => KioskStart,
    access: 'any',
    summary:
      'Make this screen a self-service kiosk (refused unless the terminal is in kiosk mode; an open sale with goods sold by weight is the counter’s: refused, sale_open_elsewhere, and the screen waits)',
  }),
  'kiosk.status': call({ input: () => NoInput, output: () => KioskStatus, access: Kiosk, summary: 'What works now: wallet payments, the scanner, the printer' }),
  'kiosk.menu': call({
    input: () => NoInput,
    output: () => z.object({ categories: z.array(KioskCategory) }),
    access: Kiosk,
    summary: 'Categories with the products a customer can pick (sold by the piece), best sellers of the last 30 trading days first',
  }),
  'kiosk.search': call({
    input: () => z.object({ query: z.string().trim().min(1).max(40) }).strict(),
    output: () => z.object({ products: z.array(KioskProduct) }),
    access: Kiosk,
    summary: 'Products the customer can pick whose name, English name or pinyin initials match what was typed (可乐 or kl), best match first',
  }),
  'kiosk.order': call({ input: () => NoInput, output: () => KioskOrder.nullable(), access: Kiosk, summary: 'The current order' }),
  'kiosk.add': call({ input: () => z.object({ productId: Id }).strict(), output: () => KioskOrder, access: Kiosk, summary: 'Add one of a product' }),
  'kiosk.scan': call({
    input: () => z.object({ code: z.string().trim().min(1).max(64) }).strict(),
    output: () => KioskOrder,
    access: Kiosk,
    summary: "Add one of the product whose barcode the customer scanned at the kiosk's scanner",
  }),
  'kiosk.setQuantity': call({
    input: () => z.object({ lineId: Id, quantity: z.number().int().min(1).max(99) }).strict(),
    output: () => KioskOrder,
    access: Kiosk,
    summary: 'Change how many of a line',
  }),
  'kiosk.remove': call({ input: () => z.object({ lineId: Id }).strict(), output: () => KioskOrder, access: Kiosk, summary: 'Take a line off the order' }),
  'kiosk.clear': call({
    input: () => z.object({ reason: z.enum(['customer', 'idle']) }).strict(),
    output: () => z.null(),
    access: Kiosk,
    summary: 'Cancel the order (kept on record as voided); refused while a payment is in flight or needs attention',
  }),
  'kiosk.beginPayment': call({
    input: () => NoInput,
    output: () => z.object({ order: KioskOrder, status: KioskStatus }),
    access: Kiosk,
    summary: 'The customer went to pay: the total, and what works now',
  }),
  'kiosk.payByCode': call({
    input: () => z.object({ code: z.string().min(1).max(80) }).strict(),
    output: () => PaymentView,
    access: Kiosk,
    summary: "Pay the order with the wallet payment code the customer showed the kiosk's scanner",
  }),
  'kiosk.payByQr': call({
    input: () => z.object({ wallet: KioskQrWallet }).strict(),
    output: () => PaymentView,
    access: Kiosk,
    summary: 'Show a merchant QR for the order; the customer scans it with the wallet app',
  }),
  'kiosk.payment': call({ input: () => NoInput, output: () => PaymentView.nullable(), access: Kiosk, summary: "The order's latest payment" }),
  'kiosk.cancelPayment': call({
    input: () => z.object({ paymentId: Id }).strict(),
    output: () => PaymentView,
    access: Kiosk,
    summary: "Stop waiting for the customer and reverse the order's payment",
  }),
  'kiosk.finished': call({
    input: () => z.object({ saleId: Id }).strict(),
    output: () => KioskFinished,
    access: Kiosk,
    summary: 'An order this kiosk was paid for: its order (receipt) number and QR e-receipt',
  }),
  'kiosk.exit': call({
    input: () => z.object({ userId: Id, pin: z.string().regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits') }).strict(),
    output: () => PublicUser,
    access: Kiosk,
    summary: "Leave the kiosk: a technician's PIN signs this screen in as that technician",
  }),
} as const satisfies Record<string, CallSpec>;

export const kioskEvents = {} as const satisfies Record<string, z.ZodType>;
