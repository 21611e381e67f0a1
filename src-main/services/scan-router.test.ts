import { describe, expect, it } from 'vitest';
import { PosError } from '../../src-common/errors';
import { newSession, type Session } from '../../src-common/roles';
import type { HeldScan, ScanOutcome } from '../../src-common/calls/scan';
import type { Cart } from '../../src-common/schemas';
import { createDomainEventBus } from '../domain-events';
import type { EventBus } from '../events';
import { createScanRouter } from './scan-router';
import { createScreenRegistry } from './screens';

const EAN = '6901939621608';
const WECHAT_CODE = '134567890123450000';

/** The router over the real screen registry and domain bus; the surfaces record what they were asked. */
function routerWith(options: { kioskMode?: boolean; addItem?: (code: string) => void } = {}) {
  let now = Date.parse('2026-12-04T10:00:00Z');
  const bus = createDomainEventBus((error) => {
    throw error;
  });
  const screens = createScreenRegistry();
  const done: string[] = [];
  const sent: { outcome: ScanOutcome; to: Session[] }[] = [];
  const heldChanged: { scans: HeldScan[]; to: Session[] }[] = [];
  const sessions: Session[] = [];
  const kioskOrder = { saleId: null as string | null };
  const events = {
    emit: (name: string, payload: unknown, audience?: (s: Session) => boolean) => {
      const to = sessions.filter((s) => !audience || audience(s));
      if (name === 'scan.heldChanged') heldChanged.push({ ...(payload as { scans: HeldScan[] }), to });
      else sent.push({ outcome: payload as ScanOutcome, to });
    },
    subscribe: () => () => undefined,
  } as unknown as EventBus;
  const router = createScanRouter({
    bus,
    events,
    screens,
    till: {
      addItem: (code, session) => {
        options.addItem?.(code);
        done.push(`till item ${code} by ${session.caller.userId}`);
        return { saleId: 'S1', lastLineId: 'L1', lines: [] } as unknown as Cart;
      },
      payByCode: async (code) => void done.push(`till pay ${code}`),
      attachMember: (qr, session) => {
        done.push(`till member ${qr} by ${session.caller.userId}`);
        return { saleId: 'S1', lastLineId: null, lines: [] } as unknown as Cart;
      },
    },
    kiosk: {
      addItem: (code) => (done.push(`kiosk item ${code}`), { saleId: 'K1' }),
      payByCode: async (code) => void done.push(`kiosk pay ${code}`),
      openSaleId: () => kioskOrder.saleId,
    },
    surfaceOfScanner: () => (options.kioskMode ? 'kiosk' : 'till'),
    clock: { now: () => new Date(now) },
    log: { info: () => undefined, error: () => undefined } as never,
  });
  const open = (role: 'cashier' | 'owner' | 'technician' | 'kiosk', userId: string | null = role === 'kiosk' ? null : role) => {
    const session = newSession();
    session.caller = { role, userId };
    sessions.push(session);
    return { session, close: screens.connect(session) };
  };
  const scan = (data: string) => bus.publish('scan.received', { deviceId: 'scanner', data, symbology: 'ean13' });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { router, screens, done, sent, heldChanged, kioskOrder, open, scan, settle, advance: (ms: number) => (now += ms) };
}

describe('scan router', () => {
  it('uses a device scan once, at the till screen that reported last, whatever number of screens are open', async () => {
    const r = routerWith();
    const a = r.open('cashier', 'U1');
    const b = r.open('owner', 'U2');
    r.screens.report(a.session, { surface: 'till', step: 'selling' });
    r.screens.report(b.session, { surface: 'till', step: 'selling' });
    r.scan(EAN);
    await r.settle();
    expect(r.done).toEqual([`till item ${EAN} by U2`]);
    // Both till screens are told, once each.
    expect(r.sent).toEqual([{ outcome: expect.objectContaining({ kind: 'item', code: EAN }), to: [a.session, b.session] }]);
  });

  it('at the pay step sends a payment code to the payments engine, and tells the screens only a masked code', async () => {
    const r = routerWith();
    const till = r.open('cashier');
    r.screens.report(till.session, { surface: 'till', step: 'paying' });
    r.scan(WECHAT_CODE);
    r.scan(EAN);
    await r.settle();
    expect(r.done).toEqual([`till pay ${WECHAT_CODE}`]);
    expect(r.sent.map((s) => s.outcome)).toEqual([
      expect.objectContaining({ kind: 'payment', code: '1345**********0000' }),
      expect.objectContaining({ kind: 'refused', reason: 'product_barcode', code: EAN }),
    ]);
    expect(JSON.stringify(r.sent)).not.toContain(WECHAT_CODE);
  });

  it('masks a long run of digits that may be another wallet’s payment code, and shows receipts and barcodes as scanned', async () => {
    const r = routerWith();
    const till = r.open('cashier');
    r.screens.report(till.session, { surface: 'till', step: 'refund' });
    for (const code of ['99123456789012345678', 'M6C8-000012', 'JZR1:M6C8-000012:350:20261204:0123456789ABCDEF']) r.scan(code);
    await r.settle();
    expect(r.sent.map((s) => s.outcome.code)).toEqual(['9912************5678', 'M6C8-000012', 'JZR1:M6C8-000012:350:20261204:0123456789ABCDEF']);
  });

  it('sends an e-receipt’s URL to the refund dialog as scanned, and never rings it up as an item', async () => {
    const url = 'https://receipts.example.cn/r/AbCdEfGhIjKlMnOpQrSt_-';
    const r = routerWith();
    const till = r.open('cashier');
    r.screens.report(till.session, { surface: 'till', step: 'refund' });
    r.scan(url);
    await r.settle();
    r.screens.report(till.session, { surface: 'till', step: 'selling' });
    r.scan(url);
    await r.settle();
    expect(r.sent.map((s) => [s.outcome.kind, s.outcome.code, s.outcome.reason])).toEqual([
      ['receipt', url, undefined],
      ['refused', url, 'receipt_not_item'],
    ]);
    expect(r.done).toEqual([]);
  });

  it('refuses a payment code while selling and with no screen open: never used, never held', async () => {
    const r = routerWith();
    r.scan(WECHAT_CODE);
    const till = r.open('cashier');
    r.screens.report(till.session, { surface: 'till', step: 'selling' });
    r.scan(WECHAT_CODE);
    await r.settle();
    expect(r.done).toEqual([]);
    expect(r.router.held('till')).toBe(0);
    expect(r.sent.map((s) => [s.outcome.kind, s.outcome.reason])).toEqual([
      ['refused', 'no_screen'],
      ['refused', 'payment_code_not_at_pay_step'],
    ]);
  });

  it('holds the last 20 item scans for 2 minutes, shows them to the till, and adds them only when a cashier chooses', async () => {
    const r = routerWith();
    const elsewhere = r.open('owner'); // signed in, in the back office: told of the held scans, not a till screen
    for (let i = 0; i < 25; i++) r.scan(`69000000000${String(i).padStart(2, '0')}`);
    expect(r.router.held('till')).toBe(20);
    expect(r.heldChanged.at(-1)!.scans.map((h) => h.code)).toEqual(Array.from({ length: 20 }, (_, i) => `69000000000${String(i + 5).padStart(2, '0')}`));
    expect(r.heldChanged.at(-1)!.to).toEqual([elsewhere.session]);
    r.advance(60_000);
    r.scan('6900000000099');
    r.advance(61_000); // the first 20 are now 2 min 1 s old; the last one 61 s
    const kiosk = r.open('kiosk');
    r.screens.report(kiosk.session, { surface: 'kiosk', step: 'shopping' });
    const till = r.open('cashier');
    r.screens.report(till.session, { surface: 'till', step: 'selling' });
    await r.settle();
    // A screen opening applies nothing: the next customer must not pay for scans made before.
    expect(r.done).toEqual([]);
    const shown = r.router.heldScans();
    expect(shown).toEqual([expect.objectContaining({ code: '6900000000099', deviceId: 'scanner' })]);

    const taken = await r.router.takeHeld(till.session, { action: 'add', ids: shown.map((h) => h.id) });
    expect(taken.outcomes).toEqual([expect.objectContaining({ kind: 'item', code: '6900000000099', wasHeld: true })]);
    expect(r.done).toEqual(['till item 6900000000099 by cashier']);
    expect(r.router.held('till')).toBe(0);
    expect(r.heldChanged.at(-1)!.scans).toEqual([]);
    // Taken once: a second screen asking for the same ones gets nothing.
    expect(await r.router.takeHeld(till.session, { action: 'add', ids: shown.map((h) => h.id) })).toEqual({ outcomes: [], discarded: 0 });
    expect(r.done).toHaveLength(1);
  });

  it('adds held scans only at the selling step: the pay step and the refund dialog keep them; discarding drops them', async () => {
    const r = routerWith();
    r.scan(EAN);
    r.scan('6901939621615');
    const till = r.open('cashier');
    const ids = r.router.heldScans().map((h) => h.id);
    for (const step of ['paying', 'refund'] as const) {
      r.screens.report(till.session, { surface: 'till', step });
      await expect(r.router.takeHeld(till.session, { action: 'add', ids })).rejects.toMatchObject({ code: 'conflict', details: { reason: 'not_selling' } });
    }
    await r.settle();
    expect(r.done).toEqual([]);
    expect(r.router.held('till')).toBe(2);
    expect(await r.router.takeHeld(till.session, { action: 'discard', ids: ids.slice(0, 1) })).toEqual({ outcomes: [], discarded: 1 });
    r.screens.report(till.session, { surface: 'till', step: 'selling' });
    expect((await r.router.takeHeld(till.session, { action: 'add', ids })).outcomes.map((o) => o.code)).toEqual(['6901939621615']);
    expect(r.done).toEqual(['till item 6901939621615 by cashier']);
  });

  it('adds a held kiosk scan only to the order it was made for; a new customer never inherits it', async () => {
    const r = routerWith({ kioskMode: true });
    // No kiosk screen, no order: held, then dropped when the kiosk screen opens (a new customer).
    r.scan(EAN);
    expect(r.router.held('kiosk')).toBe(1);
    const kiosk = r.open('kiosk');
    r.screens.report(kiosk.session, { surface: 'kiosk', step: 'shopping' });
    await r.settle();
    expect(r.done).toEqual([]);
    expect(r.router.held('kiosk')).toBe(0);

    // The screen reloads mid-order: held for order K1; not taken at the pay step; added when back shopping on K1.
    r.kioskOrder.saleId = 'K1';
    kiosk.close();
    r.scan(EAN);
    const again = r.open('kiosk');
    r.screens.report(again.session, { surface: 'kiosk', step: 'paying' });
    r.screens.report(again.session, { surface: 'kiosk', step: 'busy' });
    await r.settle();
    expect(r.done).toEqual([]);
    expect(r.router.held('kiosk')).toBe(1);
    r.screens.report(again.session, { surface: 'kiosk', step: 'shopping' });
    await r.settle();
    expect(r.done).toEqual([`kiosk item ${EAN}`]);
    expect(r.sent.at(-1)!.outcome).toMatchObject({ surface: 'kiosk', kind: 'item', wasHeld: true });

    // Held for K1, but K1 was paid and K2 is another customer's: dropped.
    again.close();
    r.scan(EAN);
    r.kioskOrder.saleId = 'K2';
    const third = r.open('kiosk');
    r.screens.report(third.session, { surface: 'kiosk', step: 'shopping' });
    await r.settle();
    expect(r.done).toHaveLength(1);
    expect(r.router.held('kiosk')).toBe(0);
    expect(r.heldChanged).toEqual([]); // the kiosk's are never offered to the till's screens
  });

  it('sends a scan typed into a screen (keyboard wedge) to that screen’s surface, and refuses one from a screen not selling', async () => {
    const r = routerWith({ kioskMode: true });
    const kiosk = r.open('kiosk');
    r.screens.report(kiosk.session, { surface: 'kiosk', step: 'shopping' });
    const till = r.open('cashier');
    r.screens.report(till.session, { surface: 'till', step: 'selling' });
    expect(await r.router.route({ deviceId: 'wedge', data: EAN, symbology: 'unknown', from: till.session })).toMatchObject({ surface: 'till', kind: 'item' });
    r.scan(EAN); // the device scanner serves the kiosk in kiosk mode
    await r.settle();
    expect(r.done).toEqual([`till item ${EAN} by cashier`, `kiosk item ${EAN}`]);
    const away = r.open('owner');
    expect(await r.router.route({ deviceId: 'wedge', data: EAN, symbology: 'unknown', from: away.session })).toMatchObject({ kind: 'refused', reason: 'no_screen' });
  });

  it('tells the screens why a scan was refused, with the reason the service gave', async () => {
    const r = routerWith({
      addItem: () => {
        throw new PosError('validation_failed', 'The barcode’s check digit is wrong: scan it again', { reason: 'bad_check_digit' });
      },
    });
    const till = r.open('cashier');
    r.screens.report(till.session, { surface: 'till', step: 'selling' });
    r.scan('6901939621609');
    await r.settle();
    expect(r.sent.map((s) => s.outcome)).toEqual([expect.objectContaining({ kind: 'refused', reason: 'bad_check_digit', message: expect.stringContaining('check digit') })]);
  });

  it('keeps nothing scanned while the technician’s scanner monitor is open, but never takes a cashier’s scan', async () => {
    const r = routerWith();
    const technician = r.open('technician');
    r.screens.report(technician.session, { surface: 'till', step: 'monitor' });
    r.scan(EAN);
    await r.settle();
    expect(r.router.held('till')).toBe(0);
    expect(r.sent.map((s) => s.outcome.kind)).toEqual(['monitor']);
    const till = r.open('cashier');
    r.screens.report(till.session, { surface: 'till', step: 'selling' });
    await r.settle();
    expect(r.done).toEqual([]); // the test scan did not land on the sale
    r.scan(EAN);
    await r.settle();
    expect(r.done).toEqual([`till item ${EAN} by cashier`]);
  });

  it('forgets a screen when its connection closes: scans are held again', async () => {
    const r = routerWith();
    const till = r.open('cashier');
    r.screens.report(till.session, { surface: 'till', step: 'selling' });
    till.close();
    r.scan(EAN);
    await r.settle();
    expect(r.done).toEqual([]);
    expect(r.router.held('till')).toBe(1);
  });

  it('holds scans while the cashier is signed out, and offers them (never adds them) when a cashier is back at the till', async () => {
    const r = routerWith();
    const till = r.open('cashier');
    r.screens.report(till.session, { surface: 'till', step: 'selling' });
    till.session.caller = { role: null, userId: null }; // signed out: the sign-in screen
    r.scan(EAN);
    await r.settle();
    expect(r.router.held('till')).toBe(1);
    expect(r.heldChanged.at(-1)!.to).toEqual([]); // nobody signed in is told what was scanned
    till.session.caller = { role: 'cashier', userId: 'U3' };
    r.screens.report(till.session, { surface: 'till', step: 'selling' });
    await r.settle();
    expect(r.done).toEqual([]);
    await r.router.takeHeld(till.session, { action: 'add', ids: r.router.heldScans().map((h) => h.id) });
    expect(r.done).toEqual([`till item ${EAN} by U3`]);
  });

  it('attaches a member from a member QR at the till’s selling step; never holds one, nor takes one at the kiosk or the pay step', async () => {
    const QR = 'JZM1:AbCdEfGh12345678';
    const r = routerWith();
    const a = r.open('cashier', 'U1');
    r.scan(QR); // no screen open: refused, not kept for the next customer
    await r.settle();
    expect(r.router.held('till')).toBe(0);
    expect(r.sent.at(-1)?.outcome).toMatchObject({ kind: 'refused', reason: 'no_screen' });
    r.screens.report(a.session, { surface: 'till', step: 'selling' });
    r.scan(QR);
    await r.settle();
    expect(r.done).toEqual([`till member ${QR} by U1`]);
    expect(r.sent.at(-1)?.outcome).toMatchObject({ kind: 'member', code: QR });
    r.screens.report(a.session, { surface: 'till', step: 'paying' });
    r.scan(QR);
    await r.settle();
    expect(r.sent.at(-1)?.outcome).toMatchObject({ kind: 'refused', reason: 'not_a_payment_code' });
    const k = routerWith({ kioskMode: true });
    const kiosk = k.open('kiosk');
    k.screens.report(kiosk.session, { surface: 'kiosk', step: 'shopping' });
    k.scan(QR);
    await k.settle();
    expect(k.done).toEqual([]);
    expect(k.sent.at(-1)?.outcome).toMatchObject({ kind: 'refused', reason: 'member_at_till' });
  });
});
