import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ScanOutcome } from '../../src-common/calls/scan';
import type { Cart } from '../../src-common/schemas';
import { decodeLed8 } from '../../drivers/display/decode';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { DEFAULT_USERS } from '../../src-main/services/auth';
import { openApiSocket, queryTerminalDb, startHostProcess, type ApiSocket, type HostProcess } from '../helpers/host';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../helpers/pty';

/**
 * Scans are decided in the core: the built host in its own process, scanners on socat pseudo-terminals read by
 * the real serialport driver, and screens as WebSocket connections that say what they are doing (as the
 * renderer does). Everything is asserted on what the screens receive and on the terminal's database.
 */
type EventMessage = { type: 'event'; name: string; payload: unknown };
const eventsNamed = <T>(socket: ApiSocket, name: string) =>
  socket.messages.filter((m): m is EventMessage => (m as EventMessage).type === 'event' && (m as EventMessage).name === name).map((m) => m.payload as T);

const FAST_ACQUIRER = { sandboxSpeed: 0.1, timings: { pollIntervalMs: 50, pollDeadlineMs: 8000, cancelRetryMs: 50, maxCancelAttempts: 5 } };

async function signIn(socket: ApiSocket, role: 'cashier' | 'owner'): Promise<void> {
  const users = await socket.call('auth.users', {});
  if (!users.ok) throw new Error('auth.users failed');
  const result = await socket.call('auth.signIn', { userId: users.value.find((u) => u.role === role)!.id, pin: DEFAULT_USERS.find((u) => u.role === role)!.pin });
  if (!result.ok) throw new Error(`sign-in failed: ${JSON.stringify(result.error)}`);
}

async function ok<T>(promise: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

/** One terminal per describe: the host with scanners on ptys, the screens opened by each test closed after it. */
function terminal(options: { kioskMode?: boolean; scanners: { id: string; surface?: 'till' | 'kiosk' }[]; ledDisplay?: boolean }) {
  const ctx = {
    host: null as unknown as HostProcess,
    scanners: new Map<string, Peer>(),
    display: null as Peer | null,
    sockets: [] as ApiSocket[],
    pairs: [] as PtyPair[],
  };
  const deviceCount = options.scanners.length + (options.ledDisplay ? 1 : 0);
  beforeAll(async () => {
    ctx.pairs = await Promise.all(Array.from({ length: deviceCount }, () => createPtyPair()));
    const displayPty = options.ledDisplay ? ctx.pairs.at(-1)! : null;
    ctx.host = await startHostProcess({
      config: {
        kioskMode: options.kioskMode ?? false,
        acquirer: FAST_ACQUIRER,
        devices: [
          ...options.scanners.map((s, i) => ({
            id: s.id,
            role: 'scanner',
            transport: { kind: 'serial', path: ctx.pairs[i]!.a, baudRate: 9600 },
            suffix: 'CR',
            ...(s.surface ? { surface: s.surface } : {}),
          })),
          ...(displayPty ? [{ id: 'price-display', role: 'display', transport: { kind: 'serial', path: displayPty.a, baudRate: 2400 }, protocol: 'led8' }] : []),
        ],
      },
    });
    for (const [i, s] of options.scanners.entries()) ctx.scanners.set(s.id, await openPeer(ctx.pairs[i]!.b));
    if (displayPty) ctx.display = await openPeer(displayPty.b, 2400);
    const probe = await openApiSocket(ctx.host.ready);
    for (let ready = false, deadline = Date.now() + 15_000; !ready; ) {
      const r = await probe.call('devices.status', {});
      ready = r.ok && r.value.length === deviceCount && r.value.every((d) => d.state === 'idle');
      if (!ready && Date.now() > deadline) throw new Error('scanners not idle within 15 s');
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    probe.close();
  });
  afterEach(() => {
    for (const socket of ctx.sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await ctx.host?.stop();
    for (const peer of ctx.scanners.values()) await peer.close();
    await ctx.display?.close();
    for (const pair of ctx.pairs) await pair.close();
    await killAllSocat();
  });
  return {
    ctx,
    screen: async () => {
      const socket = await openApiSocket(ctx.host.ready);
      ctx.sockets.push(socket);
      return socket;
    },
    /** An owner signed in on a screen that is not the till's (the back office): not a screen scans go to. */
    signedInElsewhere: async () => {
      const socket = await openApiSocket(ctx.host.ready);
      ctx.sockets.push(socket);
      await signIn(socket, 'owner');
      return socket;
    },
    scan: (scannerId: string, code: string) => ctx.scanners.get(scannerId)!.write(new TextEncoder().encode(`${code}\r`)),
    db: <T>(sql: string, ...params: unknown[]) => queryTerminalDb<T>(ctx.host.ready, sql, ...params),
  };
}

/** A barcode of a demo product sold by the piece. */
async function productBarcode(socket: ApiSocket, query = 'kkkl'): Promise<string> {
  const products = await ok(socket.call('catalog.search', { query, limit: 5 }));
  return products.find((p) => p.unit === 'each' && p.barcodes.length)!.barcodes[0]!;
}

describe('scans routed in the core: the till', () => {
  const t = terminal({ scanners: [{ id: 'scanner' }] });

  it('two cashier screens open: one device scan adds one item, and both screens show it', async () => {
    const first = await t.screen();
    const second = await t.screen();
    await signIn(first, 'cashier');
    await signIn(second, 'owner');
    await ok(first.call('screen.report', { surface: 'till', step: 'selling' }));
    await ok(second.call('screen.report', { surface: 'till', step: 'selling' }));
    const code = await productBarcode(first);

    await t.scan('scanner', code);
    await expect.poll(() => eventsNamed(first, 'scan.outcome').length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => eventsNamed(second, 'scan.outcome').length, { timeout: 10_000 }).toBe(1);
    // A second scan of the same code: the same line, quantity 2 (not 4, as when each screen added it).
    await t.scan('scanner', code);
    await expect.poll(() => eventsNamed(first, 'scan.outcome').length, { timeout: 10_000 }).toBe(2);

    const cart = await ok(first.call('sale.current', {}));
    expect(cart).toMatchObject({ lines: [{ quantityMilli: 2000 }] });
    expect(eventsNamed<ScanOutcome>(second, 'scan.outcome')).toEqual([
      expect.objectContaining({ surface: 'till', deviceId: 'scanner', kind: 'item', code, wasHeld: false }),
      expect.objectContaining({ kind: 'item', code }),
    ]);
    expect(eventsNamed<Cart | null>(second, 'sale.changed').at(-1)).toMatchObject({ saleId: cart!.saleId, lines: [{ quantityMilli: 2000 }] });
    expect(t.db('SELECT COUNT(*) AS n FROM sale_event WHERE sale_id = ? AND type IN (?, ?)', cart!.saleId, 'line_added', 'quantity_set')).toEqual([{ n: 2 }]);
    await ok(first.call('sale.void', { reason: 'test' }));
  });

  it('a scan with no screen open is held and shown when a cashier screen opens; only the cashier’s choice puts it on a sale', async () => {
    const code = await productBarcode(await t.signedInElsewhere(), '6');
    await t.scan('scanner', code);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.db("SELECT COUNT(*) AS n FROM sale WHERE status = 'open'")).toEqual([{ n: 0 }]);

    const cashier = await t.screen();
    await signIn(cashier, 'cashier');
    await ok(cashier.call('screen.report', { surface: 'till', step: 'selling' }));
    // Opening the screen applies nothing: the scan may have been a price check, not this customer's.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await ok(cashier.call('sale.current', {}))).toBeNull();
    expect(eventsNamed<ScanOutcome>(cashier, 'scan.outcome')).toEqual([]);
    const held = await ok(cashier.call('scan.held', {}));
    expect(held).toEqual([expect.objectContaining({ deviceId: 'scanner', code })]);

    // Not at the refund dialog (it would be taken as a receipt number) nor at the pay step: refused, still held.
    for (const step of ['refund', 'paying'] as const) {
      await ok(cashier.call('screen.report', { surface: 'till', step }));
      const refused = await cashier.call('scan.takeHeld', { action: 'add', ids: held.map((h) => h.id) });
      expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'not_selling' } } });
    }
    expect(await ok(cashier.call('scan.held', {}))).toHaveLength(1);

    await ok(cashier.call('screen.report', { surface: 'till', step: 'selling' }));
    const taken = await ok(cashier.call('scan.takeHeld', { action: 'add', ids: held.map((h) => h.id) }));
    expect(taken.outcomes).toEqual([expect.objectContaining({ kind: 'item', code, wasHeld: true })]);
    const cart = await ok(cashier.call('sale.current', {}));
    expect(cart?.lines).toHaveLength(1);
    expect(await ok(cashier.call('scan.held', {}))).toEqual([]);
    // Added once: asking again adds nothing.
    expect((await ok(cashier.call('scan.takeHeld', { action: 'add', ids: held.map((h) => h.id) }))).outcomes).toEqual([]);
    expect((await ok(cashier.call('sale.current', {})))?.lines[0]?.quantityMilli).toBe(1000);
    await ok(cashier.call('sale.void', { reason: 'test' }));
  });

  it('a screen that leaves the till (another workspace) holds scans and is told of them; discarded, they never reach a sale', async () => {
    const cashier = await t.screen();
    await signIn(cashier, 'cashier');
    await ok(cashier.call('screen.report', { surface: 'till', step: 'elsewhere' }));
    const code = await productBarcode(cashier);
    await t.scan('scanner', code);
    await expect.poll(() => eventsNamed<ScanOutcome>(cashier, 'scan.outcome').map((o) => o.kind), { timeout: 10_000 }).toEqual(['held']);
    const told = eventsNamed<{ scans: { id: string; code: string }[] }>(cashier, 'scan.heldChanged').at(-1)!;
    expect(told.scans.map((h) => h.code)).toEqual([code]);
    await ok(cashier.call('screen.report', { surface: 'till', step: 'selling' }));
    expect(await ok(cashier.call('scan.takeHeld', { action: 'discard', ids: told.scans.map((h) => h.id) }))).toEqual({ outcomes: [], discarded: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await ok(cashier.call('sale.current', {}))).toBeNull();
    expect(await ok(cashier.call('scan.held', {}))).toEqual([]);
    expect(eventsNamed<{ scans: unknown[] }>(cashier, 'scan.heldChanged').at(-1)!.scans).toEqual([]);
  });

  it('a receipt scanned while the refund dialog is open goes to that dialog, not onto a sale', async () => {
    const cashier = await t.screen();
    await signIn(cashier, 'cashier');
    await ok(cashier.call('screen.report', { surface: 'till', step: 'refund' }));
    await t.scan('scanner', 'M6C8-000012');
    await expect.poll(() => eventsNamed<ScanOutcome>(cashier, 'scan.outcome'), { timeout: 10_000 }).toEqual([
      expect.objectContaining({ kind: 'receipt', code: 'M6C8-000012' }),
    ]);
    expect(await ok(cashier.call('sale.current', {}))).toBeNull();
  });

  it('a payment code never reaches any connection in clear: refused while selling, paid at the pay step', async () => {
    const display = await t.screen(); // the customer display: signed in as nobody
    const owner = await t.screen();
    await signIn(owner, 'owner'); // signed in, in another workspace
    await ok(owner.call('screen.report', { surface: 'till', step: 'elsewhere' }));
    const cashier = await t.screen();
    await signIn(cashier, 'cashier');
    await ok(cashier.call('screen.report', { surface: 'till', step: 'selling' }));
    const watchers = [display, owner, cashier];

    const early = sandboxPaymentCode('wechat', '0000');
    await t.scan('scanner', early);
    await expect.poll(() => eventsNamed<ScanOutcome>(cashier, 'scan.outcome').length, { timeout: 10_000 }).toBe(1);
    expect(eventsNamed<ScanOutcome>(cashier, 'scan.outcome')[0]).toMatchObject({ kind: 'refused', reason: 'payment_code_not_at_pay_step', code: `${early.slice(0, 4)}${'*'.repeat(early.length - 8)}${early.slice(-4)}` });

    await t.scan('scanner', await productBarcode(cashier));
    await expect.poll(() => eventsNamed<ScanOutcome>(cashier, 'scan.outcome').length, { timeout: 10_000 }).toBe(2);
    await ok(cashier.call('sale.beginPayment', {}));
    const code = sandboxPaymentCode('wechat', '0000');
    await t.scan('scanner', code);
    await expect.poll(() => eventsNamed(cashier, 'sale.completed').length, { timeout: 15_000 }).toBe(1);
    const [completed] = eventsNamed<{ saleId: string }>(cashier, 'sale.completed');
    expect(t.db('SELECT kind FROM sale_tender WHERE sale_id = ?', completed!.saleId)).toEqual([{ kind: 'wechat' }]);
    expect(eventsNamed<ScanOutcome>(cashier, 'scan.outcome')[2]).toMatchObject({ kind: 'payment' });
    // The display showed the sale and its completion: it was connected throughout.
    expect(eventsNamed(display, 'sale.completed')).toHaveLength(1);
    expect(eventsNamed(display, 'scan.outcome')).toEqual([]);

    for (const socket of watchers) {
      for (const frame of socket.frames) {
        expect(frame).not.toContain(early);
        expect(frame).not.toContain(code);
        // Nor a long run of its digits (a code split or partly masked).
        expect(frame).not.toContain(code.slice(4, -4));
      }
    }
  });
});

describe('scans routed in the core: a part of a sale paid by a scanner', () => {
  const t = terminal({ scanners: [{ id: 'scanner' }] });

  it('a payment code scanned at the pay step pays the part the screen asks for; the next one pays the rest', async () => {
    const cashier = await t.screen();
    await signIn(cashier, 'cashier');
    await ok(cashier.call('screen.report', { surface: 'till', step: 'selling' }));
    const barcode = await productBarcode(cashier);
    for (let i = 0; i < 3; i++) await ok(cashier.call('sale.scan', { code: barcode }));
    const cart = (await ok(cashier.call('sale.current', {})))!;
    const part = Math.floor(cart.total / 3);
    await ok(cashier.call('screen.report', { surface: 'till', step: 'paying', partAmount: part }));
    await t.scan('scanner', sandboxPaymentCode('wechat', '0000'));
    await expect.poll(() => t.db("SELECT amount FROM payment WHERE status = 'paid'"), { timeout: 15_000 }).toEqual([{ amount: part }]);
    expect(t.db('SELECT status FROM sale WHERE id = ?', cart.saleId)).toEqual([{ status: 'open' }]);

    // The screen reports the pay step again without an amount: the next code pays all that is still due.
    await ok(cashier.call('screen.report', { surface: 'till', step: 'paying' }));
    await t.scan('scanner', sandboxPaymentCode('alipay', '0000'));
    await expect.poll(() => eventsNamed(cashier, 'sale.completed').length, { timeout: 15_000 }).toBe(1);
    expect(t.db('SELECT kind, amount FROM sale_tender WHERE sale_id = ? ORDER BY seq', cart.saleId)).toEqual([
      { kind: 'wechat', amount: part },
      { kind: 'alipay', amount: cart.total - part },
    ]);
  });

  it('a part amount more than is still due is refused, and nothing is sent', async () => {
    const cashier = await t.screen();
    await signIn(cashier, 'cashier');
    await ok(cashier.call('screen.report', { surface: 'till', step: 'selling' }));
    await ok(cashier.call('sale.scan', { code: await productBarcode(cashier) }));
    const cart = (await ok(cashier.call('sale.current', {})))!;
    await ok(cashier.call('screen.report', { surface: 'till', step: 'paying', partAmount: cart.total + 1 }));
    await t.scan('scanner', sandboxPaymentCode('wechat', '0000'));
    await expect.poll(() => eventsNamed<ScanOutcome>(cashier, 'scan.outcome').find((o) => o.kind === 'refused'), { timeout: 10_000 }).toMatchObject({ reason: 'exceeds_due' });
    expect(t.db('SELECT count(*) AS n FROM payment WHERE sale_id = ?', cart.saleId)).toEqual([{ n: 0 }]);
    await ok(cashier.call('sale.void', { reason: 'test' }));
  });
});

describe('scans routed in the core: a kiosk and a till on one terminal', () => {
  const t = terminal({ kioskMode: true, scanners: [{ id: 'kiosk-scanner' }, { id: 'till-scanner', surface: 'till' }], ledDisplay: true });

  it('kiosk mode on: a till scan never changes the kiosk’s order, and the kiosk’s scanner never the till’s sale', async () => {
    const kiosk = await t.screen();
    const start = await ok(kiosk.call('kiosk.begin', {}));
    expect(start.order).toBeNull();
    await ok(kiosk.call('screen.report', { surface: 'kiosk', step: 'shopping' }));
    const cashier = await t.screen();
    await signIn(cashier, 'cashier');
    await ok(cashier.call('screen.report', { surface: 'till', step: 'selling' }));
    const [tillCode, kioskCode] = [await productBarcode(cashier, 'kkkl'), await productBarcode(cashier, '6')];

    await t.scan('kiosk-scanner', kioskCode);
    await expect.poll(async () => (await ok(kiosk.call('kiosk.order', {})))?.items ?? 0, { timeout: 10_000 }).toBe(1);
    const order = (await ok(kiosk.call('kiosk.order', {})))!;

    await t.scan('till-scanner', tillCode);
    await t.scan('till-scanner', tillCode);
    await expect.poll(async () => (await ok(cashier.call('sale.current', {})))?.lines[0]?.quantityMilli ?? 0, { timeout: 10_000 }).toBe(2000);
    // A scan typed into the cashier's screen (keyboard wedge) is the till's too.
    expect(await ok(cashier.call('scan.submit', { code: tillCode }))).toMatchObject({ surface: 'till', kind: 'item' });

    expect(await ok(kiosk.call('kiosk.order', {}))).toEqual(order);
    const till = (await ok(cashier.call('sale.current', {})))!;
    expect(till.saleId).not.toBe(order.saleId);
    expect(till.lines).toHaveLength(1);
    // Each screen was sent its own surface's carts only.
    expect(eventsNamed<Cart | null>(kiosk, 'sale.changed').filter((c) => c && c.saleId === till.saleId)).toEqual([]);
    expect(eventsNamed<Cart | null>(cashier, 'sale.changed').filter((c) => c && c.saleId === order.saleId)).toEqual([]);
    expect(eventsNamed<ScanOutcome>(kiosk, 'scan.outcome').map((o) => o.surface)).toEqual(['kiosk']);
    expect(t.db("SELECT surface, COUNT(*) AS n FROM sale WHERE status = 'open' GROUP BY surface ORDER BY surface")).toEqual([
      { surface: 'kiosk', n: 1 },
      { surface: 'till', n: 1 },
    ]);
    // The till cannot void the kiosk's order by its own calls: its void is its own sale's.
    await ok(cashier.call('sale.void', { reason: 'test' }));
    expect(await ok(kiosk.call('kiosk.order', {}))).toEqual(order);

    // At the kiosk's pay step its scanner takes the customer's code; the kiosk is paid, the till untouched.
    await ok(kiosk.call('kiosk.beginPayment', {}));
    await ok(kiosk.call('screen.report', { surface: 'kiosk', step: 'paying' }));
    await t.scan('kiosk-scanner', sandboxPaymentCode('alipay', '0000'));
    await expect.poll(() => eventsNamed<{ saleId: string }>(kiosk, 'sale.completed').map((s) => s.saleId), { timeout: 15_000 }).toEqual([order.saleId]);
    expect(eventsNamed(cashier, 'sale.completed')).toEqual([]);
  });

  it('a kiosk scan made with no kiosk screen open is never inherited by a new customer, but comes back to its own order', async () => {
    const code = await productBarcode(await t.signedInElsewhere(), '6');
    // No kiosk screen yet, no order: the next customer must not start with it.
    await t.scan('kiosk-scanner', code);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const kiosk = await t.screen();
    await ok(kiosk.call('kiosk.begin', {}));
    await ok(kiosk.call('screen.report', { surface: 'kiosk', step: 'shopping' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await ok(kiosk.call('kiosk.order', {}))).toBeNull();
    expect(eventsNamed<ScanOutcome>(kiosk, 'scan.outcome')).toEqual([]);

    // The customer has an order and the screen reloads: a scan made meanwhile goes onto that same order.
    const product = (await ok(kiosk.call('kiosk.menu', {}))).categories[0]!.products[0]!;
    const order = await ok(kiosk.call('kiosk.add', { productId: product.id }));
    kiosk.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await t.scan('kiosk-scanner', code);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const back = await t.screen();
    expect((await ok(back.call('kiosk.begin', {}))).order?.saleId).toBe(order.saleId);
    await ok(back.call('screen.report', { surface: 'kiosk', step: 'shopping' }));
    await expect.poll(async () => (await ok(back.call('kiosk.order', {})))?.items ?? 0, { timeout: 10_000 }).toBe(2);
    expect(eventsNamed<ScanOutcome>(back, 'scan.outcome')).toEqual([expect.objectContaining({ kind: 'item', wasHeld: true })]);
    await ok(back.call('kiosk.clear', { reason: 'customer' }));
  });

  /** A kiosk, a signed-in till screen with a sale, and the customer display (nobody signed in). */
  async function kioskAndTill() {
    const display = await t.screen();
    const kiosk = await t.screen();
    await ok(kiosk.call('kiosk.begin', {}));
    await ok(kiosk.call('screen.report', { surface: 'kiosk', step: 'shopping' }));
    const cashier = await t.screen();
    await signIn(cashier, 'cashier');
    await ok(cashier.call('screen.report', { surface: 'till', step: 'selling' }));
    const tillSale = await ok(cashier.call('sale.scan', { code: await productBarcode(cashier, 'kkkl') }));
    const product = (await ok(kiosk.call('kiosk.menu', {}))).categories[0]!.products[0]!;
    const order = await ok(kiosk.call('kiosk.add', { productId: product.id }));
    return { display, kiosk, cashier, tillSale, order };
  }

  it('the till cannot cancel the kiosk customer’s payment, and neither its screens nor the customer display learn of it', async () => {
    const { display, kiosk, cashier, order } = await kioskAndTill();
    // The kiosk customer types a PIN (about 3 s in the fast sandbox): the payment is in flight.
    await ok(kiosk.call('kiosk.beginPayment', {}));
    await ok(kiosk.call('screen.report', { surface: 'kiosk', step: 'paying' }));
    await t.scan('kiosk-scanner', sandboxPaymentCode('wechat', '1300'));
    await expect.poll(() => eventsNamed<{ paymentId: string }>(kiosk, 'payment.changed').length, { timeout: 10_000 }).toBeGreaterThan(0);
    const paymentId = eventsNamed<{ paymentId: string }>(kiosk, 'payment.changed')[0]!.paymentId;

    const cancel = await cashier.call('payment.cancel', { paymentId });
    expect(cancel).toMatchObject({ ok: false, error: { code: 'forbidden', details: { reason: 'other_surface' } } });
    await expect.poll(() => eventsNamed<{ saleId: string }>(kiosk, 'sale.completed').map((s) => s.saleId), { timeout: 15_000 }).toEqual([order.saleId]);
    expect(t.db<{ status: string }>('SELECT status FROM payment WHERE id = ?', paymentId)).toEqual([{ status: 'paid' }]);
    // The sale's completion is published before the payment's final state: on a loaded machine the second frame may come a moment later.
    await expect.poll(() => eventsNamed<{ paymentId: string; status: string }>(kiosk, 'payment.changed').at(-1), { timeout: 5000 }).toMatchObject({ paymentId, status: 'paid' });
    for (const other of [cashier, display]) expect(eventsNamed<{ saleId: string }>(other, 'payment.changed').filter((p) => p.saleId === order.saleId)).toEqual([]);
    await ok(cashier.call('sale.void', { reason: 'test' }));
  });

  it('the customer display follows the till: the kiosk’s order never shows on it, whichever changed last', async () => {
    const { display, kiosk, cashier, tillSale, order } = await kioskAndTill();
    expect((await ok(display.call('display.current', {}))).cart?.saleId).toBe(tillSale.saleId);
    await ok(kiosk.call('kiosk.setQuantity', { lineId: order.lines[0]!.lineId, quantity: 2 }));
    await ok(kiosk.call('kiosk.clear', { reason: 'customer' }));
    await ok(cashier.call('sale.scan', { code: await productBarcode(cashier, 'kkkl') }));
    await expect.poll(() => eventsNamed<Cart | null>(display, 'sale.changed').length, { timeout: 10_000 }).toBe(2);
    expect(eventsNamed<Cart | null>(display, 'sale.changed').map((c) => c?.saleId)).toEqual([tillSale.saleId, tillSale.saleId]);
    expect((await ok(display.call('display.current', {}))).cart).toMatchObject({ saleId: tillSale.saleId, lines: [{ quantityMilli: 2000 }] });
    await ok(cashier.call('sale.void', { reason: 'test' }));
  });

  it('the price display (a device) follows the till: the kiosk’s order and pay step never reach it', async () => {
    const display = t.ctx.display!;
    const { kiosk, cashier, tillSale } = await kioskAndTill();
    const price = (bytes: Uint8Array) => decodeLed8(bytes);
    await display.readUntil((bytes) => price(bytes).lamp === 'price' && price(bytes).number === (tillSale.lines[0]!.unitPrice / 100).toFixed(2), 5000);
    display.clear();
    const order = (await ok(kiosk.call('kiosk.order', {})))!;
    await ok(kiosk.call('kiosk.setQuantity', { lineId: order.lines[0]!.lineId, quantity: 3 }));
    await ok(kiosk.call('kiosk.beginPayment', {}));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(display.received).toHaveLength(0);
    // The till's pay step: the display shows what the till's customer owes.
    await ok(cashier.call('sale.beginPayment', {}));
    const shown = price(await display.readUntil((bytes) => price(bytes).lamp === 'total', 5000));
    expect(shown.number).toBe((tillSale.total / 100).toFixed(2));
    await ok(kiosk.call('kiosk.clear', { reason: 'customer' }));
    await ok(cashier.call('sale.void', { reason: 'test' }));
  });
});
