import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSession, type Session } from '../../src-common/roles';
import { DEFAULT_USERS } from '../../src-main/services/auth';
import { startTestPos, type TestPos } from '../helpers/pos';

const pinOf = (role: 'cashier' | 'owner') => DEFAULT_USERS.find((u) => u.role === role)!.pin;

/** Stock and shifts through the API (issue 16), on a real database file: what a cashier and an owner are answered. */
describe('stock and shifts through the API', () => {
  let t: TestPos;
  let cashier: Session;
  let owner: Session;
  let ownerId: string;
  let cashierId: string;
  let productId: string;

  beforeAll(async () => {
    t = await startTestPos({ kioskMode: true }, undefined, { openShift: false });
    cashier = await t.signedIn('cashier');
    owner = await t.signedIn('owner');
    ownerId = await t.userId('owner');
    cashierId = await t.userId('cashier');
    productId = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'each' AND active = 1 ORDER BY sku LIMIT 1")[0]!.id;
  });
  afterAll(() => t?.close());

  const stockOf = async () => (await t.ok(owner, 'stock.levels', { limit: 1000 })).find((l) => l.productId === productId)!;

  it('refuses the till’s first line without an open shift, but not the kiosk’s', async () => {
    expect(await t.call(cashier, 'sale.addProduct', { productId })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'no_open_shift' } } });
    expect(await t.call(cashier, 'sale.current', {})).toEqual({ ok: true, value: null });
    const kiosk = newSession();
    await t.ok(kiosk, 'kiosk.begin', {});
    expect((await t.ok(kiosk, 'kiosk.add', { productId })).lines).toHaveLength(1);
    await t.ok(kiosk, 'kiosk.clear', { reason: 'customer' });
  });

  it('receives 4, warns a cashier selling the fifth on the line, and lets the sale go on', async () => {
    // A count of nothing on the shelf first, so the level is what this test received.
    await t.ok(owner, 'stock.count', { lines: [{ productId, countedMilli: 0 }] });
    expect((await stockOf()).stockMilli).toBe(0);
    await t.ok(owner, 'stock.receive', { supplier: '供应商甲', lines: [{ productId, quantityMilli: 4_000, unitCost: 120 }] });
    expect(await stockOf()).toMatchObject({ stockMilli: 4_000, low: true }); // the store's line is 10
    expect(t.query('SELECT reason, delta_milli AS delta, unit_cost AS unitCost FROM stock_movement WHERE product_id = ? ORDER BY rowid DESC LIMIT 1', productId)).toEqual([
      { reason: 'receive', delta: 4_000, unitCost: 120 },
    ]);

    await t.ok(cashier, 'shift.open', { float: 10_000 });
    const four = await t.ok(cashier, 'sale.addProduct', { productId, quantityMilli: 4_000 });
    expect(four.lines[0]!.stockShort).toBeUndefined();
    const five = await t.ok(cashier, 'sale.addProduct', { productId });
    expect(five.lines).toHaveLength(1);
    expect(five.lines[0]).toMatchObject({ quantityMilli: 5_000, stockShort: { levelMilli: 4_000 } });
    await t.ok(cashier, 'sale.void', { reason: '测试' });
  });

  it('with the PIN setting, the line beyond the stock waits for an owner’s PIN; a wrong one keeps nothing', async () => {
    await t.ok(owner, 'admin.updateSettings', { oversell: 'pin' });
    await t.ok(cashier, 'sale.addProduct', { productId, quantityMilli: 4_000 });
    const refused = await t.call(cashier, 'sale.addProduct', { productId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', details: { needsApproval: true, reason: 'oversell', levelMilli: 4_000, cartMilli: 5_000 } } });
    expect((await t.ok(cashier, 'sale.current', {}))!.lines[0]!.quantityMilli).toBe(4_000);
    expect(await t.call(cashier, 'sale.addProduct', { productId, approval: { userId: cashierId, pin: pinOf('cashier') } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const approved = await t.ok(cashier, 'sale.addProduct', { productId, approval: { userId: ownerId, pin: pinOf('owner') } });
    expect(approved.lines[0]).toMatchObject({ quantityMilli: 5_000, stockShort: { levelMilli: 4_000 } });
    expect(t.query<{ details: string }>("SELECT details FROM audit_log WHERE action = 'sale.oversellApproved'").map((r) => JSON.parse(r.details))).toEqual([
      { approvedBy: ownerId, productId, quantityMilli: 5_000, levelMilli: 4_000 },
    ]);
    // Lowering a line never asks; the owner's own line is approved by herself.
    const lowered = await t.ok(cashier, 'sale.setQuantity', { lineId: approved.lines[0]!.lineId, quantityMilli: 2_000 });
    expect(lowered.lines[0]!.stockShort).toBeUndefined();
    await t.ok(cashier, 'sale.void', { reason: '测试' });
    await t.ok(owner, 'admin.updateSettings', { oversell: 'warn' });
  });

  it('hands the shift over: the count closes it, the next cashier opens hers with her PIN, in one step', async () => {
    await t.ok(cashier, 'sale.addProduct', { productId });
    const cart = (await t.ok(cashier, 'sale.current', {}))!;
    await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.total }] });
    const wrong = await t.call(cashier, 'shift.handover', { counted: 10_000 + cart.total, next: { userId: ownerId, pin: '0000' }, float: 5_000 });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'wrong_pin' } });
    expect((await t.ok(owner, 'shift.current', {}))!.closedAt).toBeNull();

    const done = await t.ok(cashier, 'shift.handover', { counted: 10_000 + cart.total - 100, next: { userId: ownerId, pin: pinOf('owner') }, float: 5_000 });
    expect(done.printed).toBe(false); // no printer on this till
    expect(done.closed).toMatchObject({ blind: false, counted: 10_000 + cart.total - 100, overShort: -100, cash: { float: 10_000, kept: cart.total, expected: 10_000 + cart.total } });
    expect(done.opened).toMatchObject({ closedAt: null, openedBy: { id: ownerId } });
    expect(done.opened.openedAt >= done.closed.closedAt!).toBe(true);
    expect((await t.ok(owner, 'shift.current', {}))!).toMatchObject({ shiftId: done.opened.shiftId, cash: { float: 5_000 } });
    expect(t.query<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'shift.handover'")[0]!.n).toBe(1);
  });
});
