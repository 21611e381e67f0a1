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

  const drawerAudit = (action: string) =>
    t
      .query<{ seq: number; actor_role: string; details: string }>('SELECT seq, actor_role, details FROM audit_log WHERE action = ? ORDER BY seq', action)
      .map((r) => ({ seq: r.seq, role: r.actor_role, ...(JSON.parse(r.details) as { opened?: boolean | null; requestSeq?: number } & Record<string, unknown>) }));
  /** The openings: outcome rows, each with the seq of its request row. */
  const noSaleAudit = () =>
    drawerAudit('drawer.noSale')
      .filter((r) => r.opened === true)
      .map(({ seq: _seq, requestSeq: _requestSeq, ...r }) => r);
  /** Every row of an opening is a request (opened: null) followed by its outcome, which points back to it. */
  const expectRequestedBeforeOutcome = (action: string) => {
    const rows = drawerAudit(action);
    const outcomes = rows.filter((r) => r.opened !== null);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(rows).toHaveLength(outcomes.length * 2);
    for (const outcome of outcomes) {
      const request = rows.find((r) => r.seq === outcome.requestSeq);
      expect(request).toMatchObject({ opened: null, role: outcome.role });
      expect(request!.seq).toBeLessThan(outcome.seq);
      expect({ ...request, seq: 0, opened: 0 }).toEqual({ ...outcome, seq: 0, opened: 0, requestSeq: undefined, error: undefined });
    }
  };

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
    expect(drawerAudit('drawer.noSale')).toEqual([]);
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
    expectRequestedBeforeOutcome('drawer.noSale');
  });

  it('records the request before the drawer is sent anything: a refused kick leaves the request and a failed outcome', async () => {
    await t.ok(technician, 'devices.save', {
      device: { id: 'drawer', role: 'drawer', transport: { kind: 'serial', path: '/dev/jiezhang-no-such-drawer', baudRate: 9600 } },
    });
    const before = drawerAudit('drawer.noSale').length;
    expect(await t.call(owner, 'drawer.noSale', { reason: 'drawer away' })).toMatchObject({ ok: false, error: { code: 'unavailable', details: { reason: 'drawer_unavailable' } } });
    const [request, outcome] = drawerAudit('drawer.noSale').slice(before);
    expect(request).toEqual({ seq: request!.seq, role: 'owner', reason: 'drawer away', opened: null });
    expect(outcome).toMatchObject({ role: 'owner', reason: 'drawer away', opened: false, requestSeq: request!.seq });
    expectRequestedBeforeOutcome('drawer.noSale');
    await t.ok(technician, 'devices.save', { device: { id: 'drawer', role: 'drawer', transport: { kind: 'serial', path: pair.a, baudRate: 9600 } } });
    await expect.poll(async () => (await t.ok(technician, 'devices.status', {}))[0]?.state, { timeout: 10_000 }).toBe('idle');
  });

  it('sends the configured open bytes from the technician’s test button', async () => {
    await t.ok(technician, 'devices.save', {
      device: { id: 'drawer', role: 'drawer', transport: { kind: 'serial', path: pair.a, baudRate: 9600 }, openBytes: [0x1b, 0x70, 0x00, 0x19, 0xfa] },
    });
    await expect.poll(async () => (await t.ok(technician, 'devices.status', {}))[0]?.state, { timeout: 10_000 }).toBe('idle');
    drawer.clear();
    await t.ok(technician, 'devices.openDrawer', {});
    expect([...(await drawer.readUntil((b) => b.length >= 5, 10_000))]).toEqual([0x1b, 0x70, 0x00, 0x19, 0xfa]);
    expect(drawerAudit('devices.openDrawer').map(({ role, opened }) => ({ role, opened }))).toEqual([
      { role: 'technician', opened: null },
      { role: 'technician', opened: true },
    ]);
    expectRequestedBeforeOutcome('devices.openDrawer');
    expect(await t.call(cashier, 'devices.openDrawer', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
