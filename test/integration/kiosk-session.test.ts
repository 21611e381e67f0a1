import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callNames, calls, type CallName } from '../../src-common/contract';
import { newSession, Role, type Session } from '../../src-common/roles';
import { PublicUser } from '../../src-common/schemas';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { DEFAULT_USERS, MAX_PIN_ATTEMPTS } from '../../src-main/services/auth';
import { eReceiptText, verifyEReceipt } from '../../src-main/services/kiosk-receipt';
import { until } from '../helpers/transport';
import { startTestPos, type TestPos } from '../helpers/pos';

const FAST_ACQUIRER = {
  sandboxSpeed: 0.1,
  timings: { pollIntervalMs: 50, pollDeadlineMs: 8000, cancelRetryMs: 50, maxCancelAttempts: 5 },
};
const PIN = (role: string) => DEFAULT_USERS.find((u) => u.role === role)!.pin;

describe('a kiosk session on a terminal that is not in kiosk mode', () => {
  let t: TestPos;
  beforeAll(async () => {
    t = await startTestPos({ kioskMode: false });
    // Let the terminal finish enrolling with the sandbox before it is closed again.
    await until(() => t.query('SELECT 1 FROM acquirer_terminal').length > 0);
  });
  afterAll(() => t?.close());

  it('is refused and leaves the session as it was', async () => {
    const session = newSession();
    const result = await t.call(session, 'kiosk.begin', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden', details: { reason: 'kiosk_mode_off' } } });
    expect(session.caller).toEqual({ role: null, userId: null });
    expect(await t.call(session, 'kiosk.menu', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });
});

describe('a kiosk session on a terminal in kiosk mode', () => {
  let t: TestPos;
  let kiosk: Session;

  beforeAll(async () => {
    t = await startTestPos({ kioskMode: true, acquirer: FAST_ACQUIRER });
    kiosk = newSession();
    await t.ok(kiosk, 'kiosk.begin', {});
  });
  afterAll(() => t?.close());

  it('has the session-only role kiosk, which no user can have', async () => {
    expect(kiosk.caller).toEqual({ role: 'kiosk', userId: null });
    expect(Role.safeParse('kiosk').success).toBe(false);
    expect(PublicUser.safeParse({ id: 'x', name: 'x', role: 'kiosk' }).success).toBe(false);
    expect(await t.ok(kiosk, 'auth.me', {})).toBeNull();
    // The users table itself refuses the role.
    const Sqlite = (await import('better-sqlite3')).default;
    const db = new Sqlite(`${t.dataDir}/pos.sqlite`);
    try {
      expect(() =>
        db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('k', 'k', 'kiosk', 'x', 'now')").run(),
      ).toThrow(/CHECK constraint failed/);
    } finally {
      db.close();
    }
  });

  it('can reach no staff call: every call of the contract that is not open to anyone or to kiosks is forbidden', async () => {
    const staffOnly = callNames.filter((name) => calls[name].access !== 'any' && !(calls[name].access as readonly string[]).includes('kiosk'));
    expect(staffOnly.length).toBeGreaterThan(30);
    for (const name of staffOnly) {
      const result = await t.call(kiosk, name, {} as never);
      expect({ name, result }).toMatchObject({ name, result: { ok: false, error: { code: 'forbidden' } } });
    }
    expect(kiosk.caller.role).toBe('kiosk');
  });

  it('cannot sign in as staff: only kiosk.exit (a technician PIN, audited) leaves kiosk mode', async () => {
    const ownerId = await t.userId('owner');
    const result = await t.call(kiosk, 'auth.signIn', { userId: ownerId, pin: '8888' });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden', details: { reason: 'kiosk_session' } } });
    expect(kiosk.caller.role).toBe('kiosk');
    // Signing out first does not turn the kiosk screen into a blank staff sign-in either.
    await t.ok(kiosk, 'auth.signOut', {});
    expect(kiosk.caller.role).toBe('kiosk');
    expect(await t.call(kiosk, 'auth.signIn', { userId: ownerId, pin: '8888' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('is the only session that can make kiosk calls', async () => {
    // Calls every screen makes (screen.report, scan.submit) are open to staff and kiosk alike: not kiosk calls.
    const kioskOnly: CallName[] = callNames.filter((name) => calls[name].access !== 'any' && (calls[name].access as readonly string[]).every((role) => role === 'kiosk'));
    expect(kioskOnly).toContain('kiosk.payByCode');
    for (const role of ['cashier', 'owner', 'technician'] as const) {
      const staff = await t.signedIn(role);
      for (const name of kioskOnly) {
        expect({ role, name, result: await t.call(staff, name, {} as never) }).toMatchObject({ result: { ok: false, error: { code: 'forbidden' } } });
      }
    }
  });

  it('lists categories with pictures, without goods sold by weight', async () => {
    const { categories } = await t.ok(kiosk, 'kiosk.menu', {});
    expect(categories.map((c) => c.picture)).toEqual(['drinks', 'alcohol', 'snacks', 'instant', 'dairy', 'grocery', 'frozen', 'fresh', 'household', 'care']);
    expect(categories[0]).toMatchObject({ name: '饮料', nameEn: 'Drinks' });
    const ids = categories.flatMap((c) => c.products.map((p) => p.id));
    const kg = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'kg'");
    expect(kg.length).toBeGreaterThan(0);
    expect(ids.some((id) => kg.some((k) => k.id === id))).toBe(false);
    expect(await t.call(kiosk, 'kiosk.add', { productId: kg[0]!.id })).toMatchObject({ ok: false, error: { details: { reason: 'sold_by_weight' } } });
  });

  it('takes an order, pays it with a wallet code, and gives the order number and a verifiable e-receipt', async () => {
    const { categories } = await t.ok(kiosk, 'kiosk.menu', {});
    const [a, b] = categories[0]!.products;
    await t.ok(kiosk, 'kiosk.add', { productId: a!.id });
    let order = await t.ok(kiosk, 'kiosk.add', { productId: b!.id });
    order = await t.ok(kiosk, 'kiosk.setQuantity', { lineId: order.lines[0]!.lineId, quantity: 3 });
    expect(order.items).toBe(4);
    expect(order.total).toBe(3 * a!.price + b!.price);
    order = await t.ok(kiosk, 'kiosk.remove', { lineId: order.lines[1]!.lineId });
    expect(order.total).toBe(3 * a!.price);

    const { status } = await t.ok(kiosk, 'kiosk.beginPayment', {});
    expect(status).toMatchObject({ acquirer: 'online', printer: 'none', scanner: 'none', payByCode: true, payByQr: true, printReceipt: false });
    const payment = await t.ok(kiosk, 'kiosk.payByCode', { code: sandboxPaymentCode('wechat', '0000') });
    expect(payment).toMatchObject({ status: 'paid', amount: 3 * a!.price });

    const finished = await t.ok(kiosk, 'kiosk.finished', { saleId: order.saleId });
    expect(finished).toMatchObject({ total: 3 * a!.price, wallet: 'wechat', printing: false });
    expect(finished.receiptNumber).toMatch(/^[0-9A-Z]{4}-\d{6}$/);
    // No store server: no QR a phone could not open (the receipt prints its number as a barcode instead).
    expect(finished.eReceipt).toBeNull();
    const [sale] = t.query<{ closed_at: string; closed_by: string | null }>('SELECT closed_at, closed_by FROM sale WHERE id = ?', order.saleId);
    expect(sale!.closed_by).toBeNull();
    const receipt = await t.ok(await t.signedIn('owner'), 'sale.receipt', { saleId: order.saleId });
    expect(receipt.receipt).toMatchObject({ barcode: finished.receiptNumber });
    expect(receipt.receipt.qr).toBeUndefined();
    expect(await t.ok(kiosk, 'kiosk.order', {})).toBeNull();

    // At the counter, staff scan the barcode (the receipt number) to find the sale (refunds, reprints); a return voucher
    // printed before e-receipts (JZR1:…) still works, and a forged one is refused.
    const staff = await t.signedIn('owner');
    expect(await t.ok(staff, 'sale.findByReceipt', { receiptNumber: finished.receiptNumber })).toMatchObject({ saleId: order.saleId, total: 3 * a!.price });
    const facts = { saleId: order.saleId, receiptNumber: finished.receiptNumber, total: 3 * a!.price, closedAt: sale!.closed_at };
    const voucher = eReceiptText(facts);
    expect(verifyEReceipt(voucher, facts)).toBe(true);
    expect(await t.ok(staff, 'sale.findByReceipt', { receiptNumber: voucher })).toMatchObject({ saleId: order.saleId, total: 3 * a!.price });
    expect(await t.call(staff, 'sale.findByReceipt', { receiptNumber: voucher.replace(`:${3 * a!.price}:`, `:${3 * a!.price + 100}:`) })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { reason: 'e_receipt_mismatch' } },
    });

    // Another session's sales are not this kiosk's to show.
    const cashier = await t.signedIn('cashier');
    await t.ok(cashier, 'sale.addProduct', { productId: a!.id });
    const cash = await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: a!.price }] });
    expect(await t.call(kiosk, 'kiosk.finished', { saleId: cash.saleId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('adds what the customer scans: product barcodes, never goods sold by weight', async () => {
    const [each] = t.query<{ id: string; barcode: string; price: number }>(
      "SELECT p.id, b.barcode, p.price FROM product p JOIN product_barcode b ON b.product_id = p.id WHERE p.unit = 'each' AND p.active = 1 AND length(b.barcode) = 13 LIMIT 1",
    );
    const order = await t.ok(kiosk, 'kiosk.scan', { code: ` ${each!.barcode} ` });
    expect(order.lines).toEqual([expect.objectContaining({ productId: each!.id, quantity: 1, net: each!.price })]);
    expect(await t.call(kiosk, 'kiosk.scan', { code: '6900000000000' })).toMatchObject({ ok: false, error: { code: 'not_found', details: { reason: 'unknown_barcode' } } });
    const [kg] = t.query<{ sku: string }>("SELECT sku FROM product WHERE unit = 'kg' LIMIT 1");
    expect(await t.call(kiosk, 'kiosk.scan', { code: kg!.sku })).toMatchObject({ ok: false, error: { details: { reason: 'sold_by_weight' } } });
    await t.ok(kiosk, 'kiosk.clear', { reason: 'customer' });
    expect(t.query('SELECT void_reason FROM sale WHERE id = ?', order.saleId)).toEqual([{ void_reason: 'kiosk: cancelled by the customer' }]);
  });

  it('clears an order with a reason, but never while its payment is in flight', async () => {
    const { categories } = await t.ok(kiosk, 'kiosk.menu', {});
    const order = await t.ok(kiosk, 'kiosk.add', { productId: categories[1]!.products[0]!.id });
    // A 3 s PIN wait at sandbox speed ×0.1: 300 ms.
    const payment = await t.ok(kiosk, 'kiosk.payByCode', { code: sandboxPaymentCode('alipay', '1030') });
    expect(payment.status).toBe('pending');
    expect(await t.call(kiosk, 'kiosk.clear', { reason: 'idle' })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'payment_in_progress' } } });
    await until(() => t.query<{ status: string }>('SELECT status FROM sale WHERE id = ?', order.saleId)[0]?.status === 'completed');

    const next = await t.ok(kiosk, 'kiosk.add', { productId: categories[1]!.products[0]!.id });
    await t.ok(kiosk, 'kiosk.clear', { reason: 'idle' });
    expect(t.query('SELECT status, void_reason FROM sale WHERE id = ?', next.saleId)).toEqual([{ status: 'voided', void_reason: 'kiosk: nobody there (idle timeout)' }]);
    expect(await t.ok(kiosk, 'kiosk.order', {})).toBeNull();
  });

  it("is left only with a technician's PIN; wrong PINs lock, and every attempt is audited", async () => {
    const technician = await t.userId('technician');
    const cashier = await t.userId('cashier');
    const refusedCashier = await t.call(kiosk, 'kiosk.exit', { userId: cashier, pin: PIN('cashier') });
    expect(refusedCashier).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(kiosk.caller.role).toBe('kiosk');

    const left = await t.ok(kiosk, 'kiosk.exit', { userId: technician, pin: PIN('technician') });
    expect(left).toMatchObject({ id: technician, role: 'technician' });
    expect(kiosk.caller).toEqual({ role: 'technician', userId: technician });

    const again = newSession();
    await t.ok(again, 'kiosk.begin', {});
    for (let i = 1; i < MAX_PIN_ATTEMPTS; i++) {
      expect(await t.call(again, 'kiosk.exit', { userId: technician, pin: '0000' })).toMatchObject({
        ok: false,
        error: { code: 'wrong_pin', details: { attemptsLeft: MAX_PIN_ATTEMPTS - i } },
      });
    }
    expect(await t.call(again, 'kiosk.exit', { userId: technician, pin: '0000' })).toMatchObject({ ok: false, error: { code: 'locked' } });
    // Locked: even the right PIN does not open it now.
    expect(await t.call(again, 'kiosk.exit', { userId: technician, pin: PIN('technician') })).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(again.caller.role).toBe('kiosk');

    const audit = t.query<{ action: string; actor_role: string | null; details: string }>(
      "SELECT action, actor_role, details FROM audit_log WHERE action LIKE 'kiosk.%' ORDER BY seq",
    );
    expect(audit.map((a) => `${a.action}:${a.actor_role}:${(JSON.parse(a.details) as { code?: string }).code ?? ''}`)).toEqual([
      'kiosk.exitRefused:kiosk:forbidden',
      'kiosk.exit:technician:',
      ...Array.from({ length: MAX_PIN_ATTEMPTS - 1 }, () => 'kiosk.exitRefused:kiosk:wrong_pin'),
      'kiosk.exitRefused:kiosk:locked',
      'kiosk.exitRefused:kiosk:locked',
    ]);
    expect(audit.every((a) => !a.details.includes(PIN('technician')) && !a.details.includes('0000'))).toBe(true);
  });

  it("never tries a non-technician's PIN at the exit pad: no probing, no locking the owner out from the kiosk", async () => {
    const ownerId = await t.userId('owner');
    const screen = newSession();
    await t.ok(screen, 'kiosk.begin', {});
    expect(screen.caller.role).toBe('kiosk');
    for (let i = 0; i < 6; i++) {
      expect(await t.call(screen, 'kiosk.exit', { userId: ownerId, pin: '0000' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(await t.call(screen, 'kiosk.exit', { userId: ownerId, pin: '8888' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(screen.caller.role).toBe('kiosk');
    expect(t.query<{ failed_attempts: number; locked_until: string | null }>('SELECT failed_attempts, locked_until FROM user WHERE id = ?', ownerId)).toEqual([
      { failed_attempts: 0, locked_until: null },
    ]);
    expect((await t.signedIn('owner')).caller.role).toBe('owner');
  });
});

describe('a kiosk order held for staff, and a sale that is the counter’s', () => {
  let t: TestPos;
  beforeAll(async () => {
    t = await startTestPos({ kioskMode: true, acquirer: FAST_ACQUIRER });
  });
  afterAll(() => t?.close());

  /**
   * needs_attention is reached here by writing it into the payment row (a writable handle on the test's SQLite
   * file, as the role test above does): the sandbox confirms every reversal, so "never confirmed" cannot be
   * played against it in a test of this length. The row is a real, failed payment of the kiosk's order first.
   */
  function markNeedsAttention(paymentId: string) {
    return import('better-sqlite3').then(({ default: Sqlite }) => {
      const db = new Sqlite(`${t.dataDir}/pos.sqlite`);
      try {
        db.prepare(
          "UPDATE payment SET status = 'needs_attention', state = json_set(state, '$.status', 'needs_attention'), failure_code = 'other', failure_message = 'The acquirer never confirmed the reversal' WHERE id = ?",
        ).run(paymentId);
      } finally {
        db.close();
      }
    });
  }

  it('refuses another payment, payment-code scans and clearing while the last payment needs attention; a new screen goes back to it', async () => {
    const kiosk = newSession();
    await t.ok(kiosk, 'kiosk.begin', {});
    const { categories } = await t.ok(kiosk, 'kiosk.menu', {});
    const order = await t.ok(kiosk, 'kiosk.add', { productId: categories[0]!.products[0]!.id });
    await t.ok(kiosk, 'kiosk.beginPayment', {});
    const failed = await t.ok(kiosk, 'kiosk.payByCode', { code: sandboxPaymentCode('alipay', '3000') });
    expect(failed).toMatchObject({ status: 'failed' });
    await markNeedsAttention(failed.paymentId);
    expect(await t.ok(kiosk, 'kiosk.payment', {})).toMatchObject({ paymentId: failed.paymentId, status: 'needs_attention' });

    const held = { ok: false, error: { code: 'conflict', details: { reason: 'needs_attention' } } };
    const code = sandboxPaymentCode('wechat', '0000');
    expect(await t.call(kiosk, 'kiosk.payByCode', { code })).toMatchObject(held);
    expect(await t.call(kiosk, 'kiosk.payByQr', { wallet: 'alipay' })).toMatchObject(held);
    expect(await t.call(kiosk, 'kiosk.scan', { code })).toMatchObject(held);
    expect(await t.call(kiosk, 'kiosk.beginPayment', {})).toMatchObject(held);
    expect(await t.call(kiosk, 'kiosk.clear', { reason: 'idle' })).toMatchObject(held);
    expect(await t.call(kiosk, 'kiosk.clear', { reason: 'customer' })).toMatchObject(held);
    expect(await t.call(kiosk, 'kiosk.add', { productId: categories[0]!.products[1]!.id })).toMatchObject(held);

    // Nothing was charged again, nothing voided: the sale waits, open, for a person.
    expect(t.query('SELECT status FROM payment WHERE sale_id = ?', order.saleId)).toEqual([{ status: 'needs_attention' }]);
    expect(t.query('SELECT status FROM sale WHERE id = ?', order.saleId)).toEqual([{ status: 'open' }]);

    // A reloaded (or reconnected) kiosk screen is given the payment, to show "ask staff" rather than the pay step.
    const reloaded = newSession();
    expect(await t.ok(reloaded, 'kiosk.begin', {})).toMatchObject({
      order: { saleId: order.saleId },
      payment: { paymentId: failed.paymentId, status: 'needs_attention' },
    });

    // Staff take over at the counter: the kiosk's order, named (the till's own sale is another one); not a cashier.
    const cashier = await t.signedIn('cashier');
    expect(await t.call(cashier, 'sale.void', { reason: 'x', surface: 'kiosk' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.call(cashier, 'sale.void', { reason: 'x' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const owner = await t.signedIn('owner');
    await t.ok(owner, 'sale.void', { reason: 'checked with the acquirer: not charged', surface: 'kiosk' });
    expect(await t.ok(newSession(), 'kiosk.begin', {})).toMatchObject({ order: null, payment: null });
  });

  it('has an order of its own: the counter’s open sale is never the kiosk’s, and neither changes the other', async () => {
    const cashier = await t.signedIn('cashier');
    const [kg] = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'kg' AND active = 1 AND price > 0 LIMIT 1");
    const counter = await t.ok(cashier, 'sale.addWeighed', { productId: kg!.id, weight: { source: 'typed', grams: 1250 } });

    const kiosk = newSession();
    expect(await t.ok(kiosk, 'kiosk.begin', {})).toMatchObject({ order: null, payment: null });
    const { categories } = await t.ok(kiosk, 'kiosk.menu', {});
    const order = await t.ok(kiosk, 'kiosk.add', { productId: categories[0]!.products[0]!.id });
    expect(order.saleId).not.toBe(counter.saleId);
    // The counter's line is not the kiosk's to change.
    expect(await t.call(kiosk, 'kiosk.setQuantity', { lineId: counter.lines[0]!.lineId, quantity: 2 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await t.call(kiosk, 'kiosk.remove', { lineId: counter.lines[0]!.lineId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // Nor the kiosk's line the counter's.
    expect(await t.call(cashier, 'sale.removeLine', { lineId: order.lines[0]!.lineId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    await t.ok(kiosk, 'kiosk.clear', { reason: 'customer' });
    expect(await t.ok(cashier, 'sale.current', {})).toMatchObject({ saleId: counter.saleId, lines: [{ lineId: counter.lines[0]!.lineId, quantityMilli: 1250 }] });
    expect(t.query('SELECT id, status, surface FROM sale WHERE id IN (?, ?) ORDER BY surface', counter.saleId, order.saleId)).toEqual([
      { id: order.saleId, status: 'voided', surface: 'kiosk' },
      { id: counter.saleId, status: 'open', surface: 'till' },
    ]);
    await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: counter.total + 1000 }] });
  });
});
