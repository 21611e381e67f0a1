/**
 * The self-service kiosk: a narrow customer-facing layer over the sales, payments and devices services.
 * It holds no money logic of its own: an order is the kiosk surface's open sale (the till has its own), payments
 * are the payments engine's, the receipt is printed by the device connection like every completed sale's.
 */
import type { DeviceManager } from '../../drivers/devices/manager';
import type { KioskCategory, KioskFinished, KioskOrder, KioskPictureKey, KioskProduct, KioskStart, KioskStatus } from '../../src-common/calls/kiosk';
import { PosError } from '../../src-common/errors';
import { kioskCaller, type Caller, type Session } from '../../src-common/roles';
import type { Cart, PaymentView, Product } from '../../src-common/schemas';
import type { Clock } from '../clock';
import type { DomainEventBus } from '../domain-events';
import type { Logger } from '../log';
import type { AuditService } from './audit';
import type { AuthService, PublicUser } from './auth';
import type { CatalogService } from './catalog';
import { DEMO_CATEGORIES } from './demo-catalog-data';
import type { PaymentsService } from './payments';
import type { SalesService } from './sales';
import type { SettingsService } from './settings';

export interface KioskDeps {
  settings: SettingsService;
  catalog: CatalogService;
  sales: SalesService;
  payments: PaymentsService;
  devices: Pick<DeviceManager, 'statuses'>;
  auth: AuthService;
  audit: AuditService;
  bus: DomainEventBus;
  /** Thousandths of each product sold over the last 30 trading days (db/queries/popularity.ts): best sellers first. */
  quantitySold: () => ReadonlyMap<string, number>;
  /** Asks the acquirer something harmless; true when it answered (used when the payments engine last found it away). */
  probeAcquirer: () => Promise<boolean>;
  clock: Clock;
  log: Logger;
  /** Whether a sale's receipt carries an e-receipt QR (the till has a store server); none: never. */
  eReceipts?: () => boolean;
}

export interface KioskService {
  begin(session: Session): KioskStart;
  status(): KioskStatus;
  menu(): { categories: KioskCategory[] };
  /** What the customer typed (a name, or its pinyin initials) → the products they can pick, best match first. */
  search(query: string): Promise<KioskProduct[]>;
  order(): KioskOrder | null;
  add(productId: string, session: Session): KioskOrder;
  scan(code: string, session: Session): KioskOrder;
  setQuantity(lineId: string, quantity: number, session: Session): KioskOrder;
  remove(lineId: string, session: Session): KioskOrder;
  clear(reason: 'customer' | 'idle', session: Session): void;
  beginPayment(): Promise<{ order: KioskOrder; status: KioskStatus }>;
  payByCode(code: string, session: Session): Promise<PaymentView>;
  payByQr(wallet: 'wechat' | 'alipay' | 'unionpay', session: Session): Promise<PaymentView>;
  payment(): PaymentView | null;
  cancelPayment(paymentId: string, session: Session): Promise<PaymentView>;
  finished(saleId: string): KioskFinished;
  exit(userId: string, pin: string, session: Session): Promise<PublicUser>;
}

const FINAL = new Set(['paid', 'failed', 'reversed', 'needs_attention']);
/**
 * A payment ending `needs_attention` (a reversal never confirmed, or paid a different amount) may have charged
 * the customer: final for the payments engine, but the kiosk holds the order for a person. No other payment, no
 * order change, no clearing (the idle timer would void it) until staff have looked.
 */
const NEEDS_ATTENTION = 'needs_attention';
/** How many paid-for orders `finished` remembers (the kiosk asks for the one that just completed). */
const REMEMBERED_SALES = 50;

const pictureByCategoryName = new Map<string, { key: KioskPictureKey; nameEn: string }>(
  DEMO_CATEGORIES.filter((c) => c.key !== 'weighed').map((c) => [c.name, { key: c.key as KioskPictureKey, nameEn: c.nameEn }]),
);

/** How many matches the kiosk shows, and how many of the till's matches it looks through for them (some are weighed). */
const SEARCH_RESULTS = 24;
const SEARCH_CANDIDATES = 60;

/** What a customer can pick at the kiosk: sold by the piece, with a price. */
const sellsHere = (p: Product) => p.active && p.unit === 'each' && p.price > 0;

function kioskProduct(p: Product): KioskProduct {
  const picture = p.categoryName === null ? undefined : pictureByCategoryName.get(p.categoryName);
  return { id: p.id, name: p.name, nameEn: p.nameEn, price: p.price, picture: picture?.key ?? 'other' };
}

export function orderOf(cart: Cart): KioskOrder {
  return {
    saleId: cart.saleId,
    currency: cart.currency,
    lines: cart.lines.map((l) => ({
      lineId: l.lineId,
      productId: l.productId,
      name: l.name,
      nameEn: l.nameEn,
      quantity: Math.max(1, Math.round(l.quantityMilli / 1000)),
      unitPrice: l.unitPrice,
      net: l.net,
    })),
    items: cart.lines.reduce((sum, l) => sum + Math.max(1, Math.round(l.quantityMilli / 1000)), 0),
    total: cart.total,
  };
}

export function createKioskService(deps: KioskDeps): KioskService {
  const { settings, catalog, sales, payments, devices, auth, audit, bus, probeAcquirer, clock, log } = deps;
  /** When the acquirer last answered a kiosk's check (the payments engine only learns it from payments). */
  let reachedAt = -Infinity;
  const REACHED_FOR_MS = 60_000;
  /** Sales a kiosk session started a payment for: `finished` answers for these only. */
  const paidHere: string[] = [];
  const remember = (saleId: string) => {
    if (paidHere.includes(saleId)) return;
    paidHere.push(saleId);
    if (paidHere.length > REMEMBERED_SALES) paidHere.shift();
  };

  function status(): KioskStatus {
    const acquirer = payments.status();
    const reachable = acquirer.online || clock.now().getTime() - reachedAt < REACHED_FOR_MS;
    const online = acquirer.recovering > 0 ? 'recovering' : reachable ? 'online' : 'offline';
    const all = devices.statuses();
    const printerDevice = all.find((d) => d.role === 'printer');
    const printer: KioskStatus['printer'] = !printerDevice
      ? 'none'
      : printerDevice.detail === 'paper_out'
        ? 'paper_out'
        : printerDevice.state === 'idle' || printerDevice.state === 'busy'
          ? 'ready'
          : 'unavailable';
    const scanners = all.filter((d) => d.role === 'scanner');
    const scanner: KioskStatus['scanner'] = !scanners.length ? 'none' : scanners.some((d) => d.state === 'idle' || d.state === 'busy') ? 'ready' : 'unavailable';
    return {
      acquirer: online,
      printer,
      scanner,
      // Without a serial scanner a keyboard-wedge scanner may still be there: only a scanner known to be away stops it.
      payByCode: online === 'online' && scanner !== 'unavailable',
      payByQr: online === 'online',
      printReceipt: printer === 'ready',
      eReceipt: deps.eReceipts?.() ?? false,
    };
  }

  const isWeighed = (line: Cart['lines'][number]) => line.unit !== 'each' || line.weighed;

  /** The kiosk's order: the kiosk surface's open sale (the till's sale is never the kiosk's). */
  const kioskCart = (): Cart | null => sales.current('kiosk');

  /** Refuses anything but waiting for staff while the order's latest payment needs attention. */
  function refuseIfNeedsAttention(cart: Cart | null) {
    const payment = cart ? payments.forOpenSale(cart.saleId) : null;
    if (payment?.status === NEEDS_ATTENTION) {
      throw new PosError('conflict', 'The last payment of this order needs a member of staff: the customer may have been charged', {
        reason: 'needs_attention',
        paymentId: payment.paymentId,
      });
    }
  }

  /** The order, checked before it is changed: the kiosk's, and not held for staff. */
  function changeableCart(): Cart | null {
    const cart = kioskCart();
    refuseIfNeedsAttention(cart);
    return cart;
  }

  function currentOrder(): KioskOrder | null {
    const cart = kioskCart();
    return cart ? orderOf(cart) : null;
  }

  function requireOrder(): KioskOrder {
    const cart = changeableCart();
    if (!cart || cart.lines.length === 0) throw new PosError('conflict', 'The order is empty', { reason: 'empty_order' });
    return orderOf(cart);
  }

  function requireKioskProduct(productId: string) {
    const product = catalog.get(productId);
    if (!product || !product.active) throw new PosError('not_found', 'No such product', { productId });
    // Goods sold by weight need the scale and a person: not at the kiosk.
    if (product.unit !== 'each') throw new PosError('validation_failed', 'Sold by weight: ask at the counter', { reason: 'sold_by_weight', productId });
    if (product.price <= 0) throw new PosError('validation_failed', 'Not priced: ask at the counter', { reason: 'not_priced', productId });
    return product;
  }

  function lineOf(lineId: string) {
    const line = changeableCart()?.lines.find((l) => l.lineId === lineId);
    if (!line) throw new PosError('not_found', 'No such line in the order', { lineId });
    // A weighed line is the counter's (the scale): never changed at the kiosk.
    if (isWeighed(line)) throw new PosError('conflict', 'Sold by weight: ask at the counter', { reason: 'sold_by_weight', lineId });
    return line;
  }

  const inFlight = (payment: PaymentView | null) => (payment && !FINAL.has(payment.status) ? payment : null);
  /** What `begin` hands back: a payment still in flight, or one held for staff (the screen blocks on it). */
  const resumable = (payment: PaymentView | null) => (payment && (!FINAL.has(payment.status) || payment.status === NEEDS_ATTENTION) ? payment : null);

  return {
    begin(session) {
      const current = settings.get();
      if (!current.kioskMode) throw new PosError('forbidden', 'This terminal is not in kiosk mode', { reason: 'kiosk_mode_off' });
      // The screen is a kiosk from here on, even when the open sale is refused below: it can only wait (and begin
      // again) or be left with a technician's PIN.
      session.caller = kioskCaller;
      const cart = kioskCart();
      const payment = cart ? resumable(payments.forOpenSale(cart.saleId)) : null;
      if (cart && payment) remember(cart.saleId);
      log.info({ resumedOrder: cart?.saleId ?? null, payment: payment?.status ?? null }, 'kiosk session began');
      return { storeName: current.storeName, currency: current.currency, language: current.language, order: cart ? orderOf(cart) : null, payment };
    },

    status,

    menu() {
      const sold = deps.quantitySold();
      const bySales = (a: Product, b: Product) => (sold.get(b.id) ?? 0) - (sold.get(a.id) ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
      const categories: KioskCategory[] = [];
      for (const category of catalog.categories()) {
        const picture = pictureByCategoryName.get(category.name);
        const products = catalog.byCategory(category.id).filter(sellsHere).sort(bySales).map(kioskProduct);
        if (products.length) categories.push({ id: category.id, name: category.name, nameEn: picture?.nameEn ?? null, picture: picture?.key ?? 'other', products });
      }
      return { categories };
    },

    async search(query) {
      // The till's search index (names, English names, SKUs, pinyin initials), then only what the kiosk sells.
      const found = await catalog.search(query, SEARCH_CANDIDATES);
      return found.filter(sellsHere).slice(0, SEARCH_RESULTS).map(kioskProduct);
    },

    order: currentOrder,

    add(productId, session) {
      changeableCart();
      requireKioskProduct(productId);
      return orderOf(sales.addProduct(productId, 1000, session));
    },

    scan(code, session) {
      // Nothing scanned counts while the order is held for staff (a payment code above all: no second charge).
      changeableCart();
      // Product barcodes and SKUs only: a scale label (weighed goods) is for the counter, like those goods.
      const product = catalog.lookupBarcode(code) ?? catalog.lookupSku(code);
      if (!product) throw new PosError('not_found', 'Unknown barcode', { reason: 'unknown_barcode', code: code.slice(0, 64) });
      requireKioskProduct(product.id);
      return orderOf(sales.addProduct(product.id, 1000, session));
    },

    setQuantity(lineId, quantity, session) {
      lineOf(lineId);
      return orderOf(sales.setQuantity(lineId, quantity * 1000, session));
    },

    remove(lineId, session) {
      lineOf(lineId);
      return orderOf(sales.removeLine(lineId, session));
    },

    clear(reason, session) {
      // Never void the counter's sale, nor an order whose customer may have been charged.
      const cart = changeableCart();
      if (!cart) return;
      if (inFlight(payments.forOpenSale(cart.saleId))) {
        throw new PosError('conflict', 'A payment for this order is in progress', { reason: 'payment_in_progress' });
      }
      sales.voidSale(reason === 'idle' ? 'kiosk: nobody there (idle timeout)' : 'kiosk: cancelled by the customer', session);
      log.info({ saleId: cart.saleId, reason }, 'kiosk order cleared');
    },

    async beginPayment() {
      const order = requireOrder();
      if (!payments.status().online) {
        // Found away earlier: ask again now, so a kiosk does not stay "offline" once the network is back.
        const answered = await probeAcquirer().catch((error: unknown) => {
          log.info({ err: error }, 'acquirer still not reachable');
          return false;
        });
        if (answered) reachedAt = clock.now().getTime();
      }
      // The kiosk's own pay step, a core fact like the till's (the customer display follows the till only).
      bus.publish('sale.paying', { surface: 'kiosk', saleId: order.saleId, total: order.total });
      return { order, status: status() };
    },

    async payByCode(code, session) {
      const order = requireOrder();
      remember(order.saleId);
      return payments.payByCode(code, session);
    },

    async payByQr(wallet, session) {
      const order = requireOrder();
      remember(order.saleId);
      return payments.payByQr(wallet, session);
    },

    payment() {
      const cart = kioskCart();
      return cart ? payments.forOpenSale(cart.saleId) : null;
    },

    async cancelPayment(paymentId, session) {
      const cart = kioskCart();
      const payment = cart ? payments.forOpenSale(cart.saleId) : null;
      if (!payment || payment.paymentId !== paymentId) throw new PosError('not_found', 'No such payment for this order', { paymentId });
      return payments.cancel(paymentId, session);
    },

    finished(saleId) {
      if (!paidHere.includes(saleId)) throw new PosError('not_found', 'Not an order paid at this kiosk', { saleId });
      const receipt = sales.receipt(saleId);
      const wallet = receipt.tenders.find((t) => t.kind !== 'cash')?.kind ?? null;
      return {
        saleId,
        receiptNumber: receipt.receiptNumber,
        total: receipt.total,
        currency: receipt.currency,
        wallet,
        issuedAt: receipt.issuedAt,
        // The e-receipt's URL when the kiosk has a store server (the receipt's own QR); none without one.
        eReceipt: receipt.qr ?? null,
        printing: status().printReceipt,
      };
    },

    async exit(userId, pin, session) {
      const before: Caller = session.caller;
      let user: PublicUser;
      try {
        // The PIN check of sign-in, with its lockout: five wrong PINs lock the user for a while.
        user = await auth.approve({ userId, pin }, ['technician']);
      } catch (error) {
        const code = error instanceof PosError ? error.code : 'internal';
        audit.record({ actor: before, action: 'kiosk.exitRefused', subject: userId, details: { code } });
        throw error;
      }
      session.caller = { role: user.role, userId: user.id };
      audit.record({ actor: session.caller, action: 'kiosk.exit', subject: user.id, details: { name: user.name } });
      log.info({ userId: user.id }, 'kiosk left by a technician');
      return user;
    },
  };
}
