/**
 * Decides in the core what each scan is for, from what the terminal's screens are doing, so that a scan is used
 * once whatever number of screens are open:
 * - the till at its pay step: the customer's payment code, handed to the payments engine here (no screen ever
 *   sees it in clear); at the refund dialog: a receipt number or e-receipt URL for it (refused as an item
 *   elsewhere); otherwise an item for the till's open sale;
 *   a member QR at the selling step attaches that member to the till's sale (never held, refused at the kiosk);
 * - the kiosk at its pay step: the customer's payment code; before it: an item for the kiosk's order;
 * - no screen open for the scanner's surface: a payment code is refused, never kept; an item code is held (a few,
 *   briefly), never applied by itself:
 *   - the till's are shown to the till screens (`scan.held`, `scan.heldChanged`) and go onto a sale only when a
 *     cashier at the selling step chooses to add them (`scan.takeHeld`); they may have been price checks made
 *     while nobody was signed in, and the next customer must not pay for them;
 *   - the kiosk's belong to the order open when they were scanned (its screen reloading mid-order): added when the
 *     kiosk screen is back shopping on that same order, discarded when that order is gone or there was none, so a
 *     new customer never inherits another's items;
 *   with the technician's scanner monitor open, nothing is kept.
 * The technician's monitor is fed by the device manager directly (masked), whatever happens here.
 */
import { PosError } from '../../src-common/errors';
import { maskCode } from '../../src-common/mask';
import { tokenOfEReceiptUrl } from '../../src-common/e-receipt';
import { MEMBER_QR_PATTERN } from '../../src-common/member-code';
import { classifyPaymentCode, looksLikeProductBarcode } from '../../src-common/payment-code';
import type { Session } from '../../src-common/roles';
import type { HeldScan, ScanOutcome } from '../../src-common/calls/scan';
import type { Cart } from '../../src-common/schemas';
import { surfaceOfCaller, type Surface } from '../../src-common/surface';
import type { Clock } from '../clock';
import type { DomainEventBus, DomainEvents } from '../domain-events';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { OpenScreen, ScreenRegistry } from './screens';

export interface ScanRouterDeps {
  bus: DomainEventBus;
  events: EventBus;
  screens: ScreenRegistry;
  /** What each surface does with a code; each checks its own rules (the kiosk's held order, a payment in flight…). */
  till: {
    addItem(code: string, session: Session): Cart;
    /** `amount`: the part of the sale the screen's pay step asks for (all still due when absent). */
    payByCode(code: string, session: Session, amount?: number): Promise<unknown>;
    /** A member QR (JZM1:…): that member onto the open sale (issue 16). */
    attachMember?(qr: string, session: Session): Cart;
  };
  kiosk: {
    addItem(code: string, session: Session): { saleId: string };
    payByCode(code: string, session: Session): Promise<unknown>;
    /** The kiosk's open order, which a held kiosk scan belongs to. */
    openSaleId(): string | null;
  };
  /** The surface a device scanner serves. */
  surfaceOfScanner(deviceId: string): Surface;
  clock: Clock;
  log: Logger;
  hold?: { max: number; forMs: number };
  /** Awaited (when it returns a promise) before a scan is applied: the SQL worker's write, waited for off the thread. */
  writeTurn?: () => Promise<void> | null;
}

export interface ScanRouter {
  /** Routes one scan; the outcome is also sent to the surface's screens as `scan.outcome`. */
  route(scan: DomainEvents['scan.received']): Promise<ScanOutcome>;
  /** How many scans wait for a screen of the surface (for the technician's view and tests). */
  held(surface: Surface): number;
  /** The till's held scans, oldest first, for a staff screen to show. */
  heldScans(): HeldScan[];
  /** A cashier adds the held scans shown (only at the till's selling step) or discards them. */
  takeHeld(session: Session, request: { action: 'add' | 'discard'; ids: readonly string[] }): Promise<{ outcomes: ScanOutcome[]; discarded: number }>;
  stop(): void;
}

type Held = { id: string; scan: DomainEvents['scan.received']; at: number; saleId: string | null };

export const DEFAULT_HOLD = { max: 20, forMs: 2 * 60_000 };

/**
 * What a screen is never shown in clear: a payment code we take, or a long run of digits that may be one of a
 * wallet we do not (product barcodes are at most 14 digits; receipts and e-receipts have letters).
 */
function mayBeAPaymentCode(code: string): boolean {
  return classifyPaymentCode(code).ok || /^\d{16,}$/.test(code);
}

export function createScanRouter(deps: ScanRouterDeps): ScanRouter {
  const { bus, events, screens, till, kiosk, clock, log } = deps;
  const hold = deps.hold ?? DEFAULT_HOLD;
  const waiting: Record<Surface, Held[]> = { till: [], kiosk: [] };
  let heldSeq = 0;

  const surfaceAudience = (surface: Surface) => (session: Session) => screens.serves(session, surface);

  function outcome(surface: Surface, scan: DomainEvents['scan.received'], kind: ScanOutcome['kind'], extra: Partial<ScanOutcome> = {}): ScanOutcome {
    const code = scan.data.trim();
    const result: ScanOutcome = { surface, deviceId: scan.deviceId, kind, code: mayBeAPaymentCode(code) ? maskCode(code) : code, wasHeld: false, ...extra };
    events.emit('scan.outcome', result, surfaceAudience(surface));
    return result;
  }

  function refusal(error: unknown): { reason: string; message: string } {
    if (error instanceof PosError) {
      const reason = (error.details as { reason?: unknown } | undefined)?.reason;
      return { reason: typeof reason === 'string' ? reason : error.code, message: error.message };
    }
    log.error({ err: error }, 'scan failed');
    return { reason: 'internal', message: 'Unexpected error; see the log' };
  }

  function notAPaymentCode(surface: Surface, scan: DomainEvents['scan.received'], base: { wasHeld: boolean }): ScanOutcome {
    return looksLikeProductBarcode(scan.data)
      ? outcome(surface, scan, 'refused', { ...base, reason: 'product_barcode', message: 'That is a product barcode, not a payment code' })
      : outcome(surface, scan, 'refused', { ...base, reason: 'not_a_payment_code', message: 'Not a payment code' });
  }

  async function apply(screen: OpenScreen, scan: DomainEvents['scan.received'], wasHeld: boolean): Promise<ScanOutcome> {
    const { surface, session } = screen;
    const code = scan.data.trim();
    const isPaymentCode = classifyPaymentCode(code).ok;
    const base = { wasHeld };
    try {
      if (screen.surface === 'till') {
        if (screen.step === 'paying') {
          if (!isPaymentCode) return notAPaymentCode(surface, scan, base);
          const paying = till.payByCode(code, session, screen.partAmount);
          // The payment's progress reaches the screens as payment.changed; the scan is done once it is submitted.
          paying.catch((error: unknown) => outcome(surface, scan, 'refused', { ...base, ...refusal(error) }));
          return outcome(surface, scan, 'payment', base);
        }
        if (isPaymentCode) return outcome(surface, scan, 'refused', { ...base, reason: 'payment_code_not_at_pay_step', message: 'A payment code is taken at the pay step (F12)' });
        if (screen.step === 'refund') return outcome(surface, scan, 'receipt', base);
        // A receipt's e-receipt QR (its URL) at the selling step is no item: it is for the refund dialog.
        if (tokenOfEReceiptUrl(code)) return outcome(surface, scan, 'refused', { ...base, reason: 'receipt_not_item', message: 'That is a receipt: open refunds (F9) to find its sale' });
        if (MEMBER_QR_PATTERN.test(code) && till.attachMember) return outcome(surface, scan, 'member', { ...base, cart: till.attachMember(code, session) });
        const cart = till.addItem(code, session);
        return outcome(surface, scan, 'item', { ...base, cart });
      }
      if (screen.step === 'busy') return outcome(surface, scan, 'refused', { ...base, reason: 'not_now', message: 'The kiosk is not taking scans now' });
      if (screen.step === 'paying') {
        if (!isPaymentCode) return notAPaymentCode(surface, scan, base);
        const paying = kiosk.payByCode(code, session);
        paying.catch((error: unknown) => outcome(surface, scan, 'refused', { ...base, ...refusal(error) }));
        return outcome(surface, scan, 'payment', base);
      }
      if (isPaymentCode) return outcome(surface, scan, 'refused', { ...base, reason: 'pay_first', message: 'Show the payment code at the pay step' });
      if (MEMBER_QR_PATTERN.test(code)) return outcome(surface, scan, 'refused', { ...base, reason: 'member_at_till', message: 'Members are taken at the till' });
      if (tokenOfEReceiptUrl(code)) return outcome(surface, scan, 'refused', { ...base, reason: 'receipt_not_item', message: 'Returns are taken at the till' });
      kiosk.addItem(code, session);
      return outcome(surface, scan, 'item', base);
    } catch (error) {
      return outcome(surface, scan, 'refused', { ...base, ...refusal(error) });
    }
  }

  const isFresh = (h: Held) => clock.now().getTime() - h.at <= hold.forMs;
  const maskedIfPaymentLike = (code: string) => (mayBeAPaymentCode(code) ? maskCode(code) : code);

  /** Drops the surface's expired held scans; true when any went. */
  function expire(surface: Surface): boolean {
    const queue = waiting[surface];
    const fresh = queue.filter(isFresh);
    if (fresh.length === queue.length) return false;
    log.info({ surface, expired: queue.length - fresh.length }, 'held scans expired');
    waiting[surface] = fresh;
    return true;
  }

  function heldScans(): HeldScan[] {
    expire('till');
    return waiting.till.map((h) => ({ id: h.id, deviceId: h.scan.deviceId, code: maskedIfPaymentLike(h.scan.data.trim()), heldAt: new Date(h.at).toISOString() }));
  }

  const tellHeldChanged = () => events.emit('scan.heldChanged', { scans: heldScans() }, surfaceAudience('till'));

  function keep(surface: Surface, scan: DomainEvents['scan.received']): ScanOutcome {
    // A payment code is a bearer credential for a minute: never kept for later.
    if (classifyPaymentCode(scan.data).ok) {
      return outcome(surface, scan, 'refused', { reason: 'no_screen', message: 'No screen is open to take a payment' });
    }
    // A member QR is for the customer at the till now; held, it would name the next customer's sale.
    if (MEMBER_QR_PATTERN.test(scan.data.trim())) return outcome(surface, scan, 'refused', { reason: 'no_screen', message: 'No screen is open to take a member' });
    expire(surface);
    const queue = waiting[surface];
    queue.push({ id: `held-${++heldSeq}`, scan, at: clock.now().getTime(), saleId: surface === 'kiosk' ? kiosk.openSaleId() : null });
    if (queue.length > hold.max) queue.splice(0, queue.length - hold.max);
    log.info({ surface, deviceId: scan.deviceId, held: queue.length }, 'scan held: no screen open');
    const result = outcome(surface, scan, 'held');
    if (surface === 'till') tellHeldChanged();
    return result;
  }

  async function takeHeld(session: Session, request: { action: 'add' | 'discard'; ids: readonly string[] }) {
    const screen = screens.screenOf(session);
    // Added only where a scan would be an item now: not at the pay step (refused) nor the refund dialog (a receipt).
    if (request.action === 'add' && (screen?.surface !== 'till' || screen.step !== 'selling')) {
      throw new PosError('conflict', 'Held scans are added at the till’s selling step', { reason: 'not_selling' });
    }
    expire('till');
    const wanted = new Set(request.ids);
    // Taken at once (no await before), so two screens never both add one.
    const taken = waiting.till.filter((h) => wanted.has(h.id));
    waiting.till = waiting.till.filter((h) => !wanted.has(h.id));
    if (taken.length) tellHeldChanged();
    if (request.action === 'discard' || !screen || screen.surface !== 'till') {
      log.info({ discarded: taken.length, userId: session.caller.userId }, 'held scans discarded');
      return { outcomes: [], discarded: taken.length };
    }
    const outcomes: ScanOutcome[] = [];
    for (const h of taken) outcomes.push(await apply(screen, h.scan, true));
    log.info({ added: outcomes.filter((o) => o.kind === 'item').length, refused: outcomes.filter((o) => o.kind !== 'item').length, userId: session.caller.userId }, 'held scans added');
    return { outcomes, discarded: 0 };
  }

  /** The kiosk screen is back shopping: its held scans go onto the order they were made for, the rest are dropped. */
  function kioskShopping(screen: OpenScreen) {
    if (!waiting.kiosk.length) return;
    const queue = waiting.kiosk.splice(0);
    const order = kiosk.openSaleId();
    const same = queue.filter((h) => isFresh(h) && h.saleId !== null && h.saleId === order);
    if (queue.length !== same.length) log.info({ surface: 'kiosk', discarded: queue.length - same.length }, 'held kiosk scans discarded: not this order’s');
    if (!same.length) return;
    // In the order they were scanned; after the answers to the calls that screen already made.
    setImmediate(() => void same.reduce<Promise<unknown>>((prev, h) => prev.then(() => apply(screen, h.scan, true)), Promise.resolve()));
  }

  async function route(scan: DomainEvents['scan.received']): Promise<ScanOutcome> {
    const turn = deps.writeTurn?.();
    if (turn) await turn;
    // A scan typed into a screen is that screen's; a device scan goes to its surface's active screen.
    if (scan.from) {
      const screen = screens.screenOf(scan.from);
      if (!screen) {
        return outcome(surfaceOfCaller(scan.from.caller), scan, 'refused', { reason: 'no_screen', message: 'This screen does not take scans now' });
      }
      return apply(screen, scan, false);
    }
    const surface = deps.surfaceOfScanner(scan.deviceId);
    const screen = screens.active(surface);
    if (screen) return apply(screen, scan, false);
    // A technician testing the scanner: the monitor shows it; kept, it would land on the next customer's sale.
    if (screens.monitoring()) return outcome(surface, scan, 'monitor');
    return keep(surface, scan);
  }

  const offs = [
    bus.on('scan.received', (scan) => void route(scan)),
    // Only the kiosk's held scans are ever applied by a screen opening, and only at its shopping step; the till's
    // wait for a cashier's choice (takeHeld).
    screens.onReport((screen) => {
      if (screen.surface === 'kiosk' && screen.step === 'shopping') kioskShopping(screen);
    }),
  ];

  return {
    route,
    held: (surface) => waiting[surface].length,
    heldScans,
    takeHeld,
    stop: () => offs.forEach((off) => off()),
  };
}
