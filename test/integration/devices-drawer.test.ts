import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-common/roles';
import { DEFAULT_USERS } from '../../src-main/services/auth';
import { startTestPos, type TestPos } from '../helpers/pos';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../helpers/pty';

/** A cash drawer on its own serial line (a socat pty; the test holds the drawer's end and counts the bytes). */
describe('a cash drawer on its own serial line', () => {
  let t: TestPos;
  let pair: PtyPair;
  let drawer: Peer;
  let cashier: Session;
  let owner: Session;
  let technician: Session;

  beforeAll(async () => {
    pair = await createPtyPair();
    t = await startTestPos({ devices: [{ id: 'drawer', role: 'drawer', transport: { kind: 'serial', path: pair.a, baudRate: 9600 } }] });
    drawer = await openPeer(pair.b);
    [cashier, owner, technician] = await Promise.all([t.signedIn('cashier'), t.signedIn('owner'), t.signedIn('technician')]);
    for (const deadline = Date.now() + 10_000; (await t.ok(technician, 'devices.status', {}))[0]?.state !== 'idle'; ) {
      if (Date.now() > deadline) throw new Error('the drawer did not open within 10 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  afterAll(async () => {
    await t?.close();
    await drawer?.close();
    await pair?.close();
    await killAllSocat();
  });

  const noSaleAudit = () =>
    t
      .query<{ actor_role: string; details: string }>("SELECT actor_role, details FROM audit_log WHERE action = 'drawer.noSale' ORDER BY seq")
      .map((r) => ({ role: r.actor_role, ...(JSON.parse(r.details) as Record<string, unknown>) }));

  it('opens on a cash sale with the default byte (BEL), even with no printer', async () => {
    const [product] = await t.ok(cashier, 'catalog.search', { query: 'kkkl', limit: 1 });
    const cart = await t.ok(cashier, 'sale.scan', { code: product!.barcodes[0]! });
    await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.total }] });
    expect([...(await drawer.readUntil((b) => b.length >= 1, 10_000))]).toEqual([0x07]);
  });

  it('refuses a cashier’s no sale without an owner’s approval, opening nothing', async () => {
    drawer.clear();
    expect(await t.call(cashier, 'drawer.noSale', { reason: 'change for the float' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', details: { needsApproval: true, reason: 'needs_approval' } },
    });
    // A cashier cannot approve for herself.
    const cashierId = await t.userId('cashier');
    expect(await t.call(cashier, 'drawer.noSale', { reason: 'x', approval: { userId: cashierId, pin: DEFAULT_USERS.find((u) => u.role === 'cashier')!.pin } })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(noSaleAudit()).toEqual([]);
    // The next opening brings exactly its own byte: nothing was sent for the refused ones.
    await t.ok(cashier, 'drawer.noSale', { reason: 'change for the float', approval: { userId: await t.userId('owner'), pin: '8888' } });
    expect([...(await drawer.readUntil((b) => b.length >= 1, 10_000))]).toEqual([0x07]);
    expect(noSaleAudit()).toEqual([{ role: 'cashier', reason: 'change for the float', approvedBy: await t.userId('owner'), opened: true }]);
  });

  it('opens for an owner directly, audited', async () => {
    drawer.clear();
    await t.ok(owner, 'drawer.noSale', { reason: 'count the float' });
    expect([...(await drawer.readUntil((b) => b.length >= 1, 10_000))]).toEqual([0x07]);
    expect(noSaleAudit().at(-1)).toEqual({ role: 'owner', reason: 'count the float', opened: true });
  });

  it('sends the configured open bytes from the technician’s test button', async () => {
    await t.ok(technician, 'devices.save', {
      device: { id: 'drawer', role: 'drawer', transport: { kind: 'serial', path: pair.a, baudRate: 9600 }, openBytes: [0x1b, 0x70, 0x00, 0x19, 0xfa] },
    });
    await expect.poll(async () => (await t.ok(technician, 'devices.status', {}))[0]?.state, { timeout: 10_000 }).toBe('idle');
    drawer.clear();
    await t.ok(technician, 'devices.openDrawer', {});
    expect([...(await drawer.readUntil((b) => b.length >= 5, 10_000))]).toEqual([0x1b, 0x70, 0x00, 0x19, 0xfa]);
    expect(t.query<{ action: string; actor_role: string }>("SELECT action, actor_role FROM audit_log WHERE action = 'devices.openDrawer'")).toEqual([
      { action: 'devices.openDrawer', actor_role: 'technician' },
    ]);
    expect(await t.call(cashier, 'devices.openDrawer', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
