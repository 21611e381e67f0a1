/**
 * Members and points (issue 16) through the whole terminal in process: a real SQLite file, the sales, payments
 * (embedded sandbox acquirer) and refunds services. Every figure is worked out from the prices sold, to the point
 * and to the fen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-common/roles';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { buildFact } from '../../src-main/sync/facts';
import { startTestPos, type TestPos } from '../helpers/pos';
import Sqlite from 'better-sqlite3';
import { join } from 'node:path';

describe('members and points at the till', () => {
  let t: TestPos;
  let cashier: Session;
  let owner: Session;
  let p: { id: string; price: number }[];

  beforeAll(async () => {
    t = await startTestPos({ cashRounding: 'none', acquirer: { sandboxSpeed: 0.02 } });
    cashier = await t.signedIn('cashier');
    owner = await t.signedIn('owner');
    p = t.query<{ id: string; price: number }>(
      "SELECT id, price FROM product WHERE unit = 'each' AND active = 1 AND price BETWEEN 500 AND 3000 GROUP BY price ORDER BY price DESC LIMIT 2",
    );
    expect(p).toHaveLength(2);
    await t.ok(cashier, 'shift.open', { float: 10000 }).catch(() => undefined);
  });
  afterAll(() => t?.close());

  const balance = (memberId: string) => t.query<{ b: number }>('SELECT coalesce(sum(delta), 0) AS b FROM member_points WHERE member_id = ?', memberId)[0]!.b;
  const ledger = (saleId: string) => t.query<{ reason: string; delta: number; amount: number; uncollected: number }>('SELECT reason, delta, amount, uncollected FROM member_points WHERE sale_id = ? ORDER BY rowid', saleId);

  async function sell(memberId: string | null, lines: [number, number][]) {
    if (memberId) await t.ok(cashier, 'sale.setMember', { memberId });
    for (const [i, qty] of lines) await t.ok(cashier, 'sale.addProduct', { productId: p[i]!.id, quantityMilli: qty * 1000 });
    return (await t.ok(cashier, 'sale.current', {}))!;
  }

  let member: { memberId: string; qr: string };

  it('makes a member at the till from a mainland mobile, once, and finds them by phone or by their QR, masked', async () => {
    expect(await t.call(cashier, 'member.create', { phone: '12812345678', name: null })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const made = await t.ok(cashier, 'member.create', { phone: '13812345678', name: '王芳' });
    expect(made).toMatchObject({ maskedPhone: '138****5678', name: '王芳', balance: 0, anonymised: false });
    expect(JSON.stringify(made)).not.toContain('13812345678');
    expect(await t.call(cashier, 'member.create', { phone: '13812345678', name: null })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'phone_taken' } } });
    expect(await t.ok(cashier, 'member.find', { phone: '13812345678' })).toMatchObject({ memberId: made.memberId });
    expect(await t.ok(cashier, 'member.find', { phone: '13900000000' })).toBeNull();
    expect(await t.ok(cashier, 'member.find', { qr: made.qr })).toMatchObject({ memberId: made.memberId });
    member = made;
  });

  it('earns points per yuan paid, rounded down, credited with the sale', async () => {
    const cart = await sell(member.memberId, [[0, 2], [1, 1]]);
    const total = p[0]!.price * 2 + p[1]!.price;
    expect(cart.total).toBe(total);
    expect(cart.member).toMatchObject({ memberId: member.memberId, maskedPhone: '138****5678', balance: 0 });
    const done = await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: total }] });
    expect(ledger(done.saleId)).toEqual([{ reason: 'earn', delta: Math.floor(total / 100), amount: 0, uncollected: 0 }]);
    expect(balance(member.memberId)).toBe(Math.floor(total / 100));
    expect(t.query<{ member_id: string }>('SELECT member_id FROM sale WHERE id = ?', done.saleId)[0]!.member_id).toBe(member.memberId);
  });

  it('redeems points as an order discount: whole steps, within the cap; debited with the sale; earned on what was paid', async () => {
    // Enough points for the tests below: a big sale paid by WeChat.
    await sell(member.memberId, [[0, 10]]);
    expect((await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') })).status).toBe('paid');
    await expect.poll(() => t.query<{ n: number }>("SELECT count(*) AS n FROM sale WHERE status = 'open'")[0]!.n).toBe(0);
    const before = balance(member.memberId);
    expect(before).toBeGreaterThanOrEqual(200);

    const cart = await sell(member.memberId, [[1, 1]]);
    const price = p[1]!.price;
    expect(await t.call(cashier, 'sale.redeemPoints', { points: 150 })).toMatchObject({ ok: false, error: { details: { reason: 'points_not_redeemable', step: 100 } } });
    const redeemed = await t.ok(cashier, 'sale.redeemPoints', { points: 100 });
    expect(redeemed.points).toEqual({ mode: 'discount', points: 100, amount: 100 });
    expect(redeemed.total).toBe(price - 100);
    expect(redeemed.orderDiscount).toBe(100);
    expect(redeemed.lines.every((l) => l.net >= 0)).toBe(true);
    // Half the total at most (the default cap): ask for everything, get the cap.
    const cap = Math.floor(Math.floor(price / 2) / 100) * 100;
    const max = await t.call(cashier, 'sale.redeemPoints', { points: cap + 100 });
    expect(max).toMatchObject({ ok: false, error: { details: { max: Math.min(cap, Math.floor(before / 100) * 100) } } });

    // Paid by wallet: the acquirer is asked for the total after the points.
    expect((await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('alipay', '0000') })).status).toBe('paid');
    await expect.poll(() => t.query<{ status: string }>('SELECT status FROM sale WHERE id = ?', cart.saleId)[0]!.status).toBe('completed');
    expect(t.query<{ amount: number }>('SELECT amount FROM payment WHERE sale_id = ?', cart.saleId)[0]!.amount).toBe(price - 100);
    expect(ledger(cart.saleId)).toEqual([
      { reason: 'redeem', delta: -100, amount: 100, uncollected: 0 },
      { reason: 'earn', delta: Math.floor((price - 100) / 100), amount: 0, uncollected: 0 },
    ]);
    expect(balance(member.memberId)).toBe(before - 100 + Math.floor((price - 100) / 100));

    const receipt = await t.ok(cashier, 'sale.receipt', { saleId: cart.saleId });
    expect(receipt.text).toContain('会员：138****5678');
    expect(receipt.text).toContain('积分抵扣：100 分（¥1.00）');
    expect(receipt.text).toContain(`积分余额：${balance(member.memberId)}`);
    expect(receipt.text).not.toContain('13812345678');
  });

  it('debits nothing for a sale voided (or parked) with points on it: the points are the member’s again', async () => {
    const before = balance(member.memberId);
    const ledgerRows = () => t.query<{ n: number }>('SELECT count(*) AS n FROM member_points')[0]!.n;
    const rows = ledgerRows();
    await sell(member.memberId, [[0, 1]]);
    expect((await t.ok(cashier, 'sale.redeemPoints', { points: 100 })).points).toMatchObject({ points: 100 });
    await t.ok(cashier, 'sale.suspend', {});
    expect(balance(member.memberId)).toBe(before);
    const [parked] = await t.ok(cashier, 'sale.listSuspended', {});
    const resumed = await t.ok(cashier, 'sale.resume', { saleId: parked!.saleId });
    expect(resumed.points).toMatchObject({ points: 100 }); // still asked for, still not debited
    await t.ok(cashier, 'sale.void', { reason: '顾客不要了' });
    expect(ledgerRows()).toBe(rows);
    expect(balance(member.memberId)).toBe(before);
  });

  it('redeems points as a tender when the owner says so: the total stays, the cash due is less, a points line on the receipt', async () => {
    const rules = (await t.ok(owner, 'settings.get', {})).memberPoints;
    await t.ok(owner, 'admin.updateSettings', { memberPoints: { ...rules, redeemAs: 'tender', earnPerYuan: 2 } });
    const audit = t.query<{ details: string }>("SELECT details FROM audit_log WHERE action = 'settings.update' AND subject = 'memberPoints' ORDER BY seq DESC LIMIT 1")[0]!;
    expect(JSON.parse(audit.details)).toMatchObject({ from: { redeemAs: 'discount', earnPerYuan: 1 }, to: { redeemAs: 'tender', earnPerYuan: 2 } });

    const before = balance(member.memberId);
    const cart = await sell(member.memberId, [[0, 1]]);
    const price = p[0]!.price;
    const withPoints = await t.ok(cashier, 'sale.redeemPoints', { points: 200 });
    expect(withPoints.total).toBe(price);
    expect(withPoints.cashDue).toBe(price - 200);
    expect(await t.call(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: price - 201 }] })).toMatchObject({ ok: false });
    const done = await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: price - 200 }] });
    expect(done.change).toBe(0);
    expect(ledger(cart.saleId)).toEqual([
      { reason: 'redeem', delta: -200, amount: 200, uncollected: 0 },
      { reason: 'earn', delta: Math.floor(((price - 200) * 2) / 100), amount: 0, uncollected: 0 },
    ]);
    expect(balance(member.memberId)).toBe(before - 200 + Math.floor(((price - 200) * 2) / 100));
    const receipt = await t.ok(cashier, 'sale.receipt', { saleId: cart.saleId });
    expect(receipt.receipt.tenders[0]).toEqual({ kind: 'points', amount: 200 });
    expect(receipt.text).toMatch(/积分抵扣\s+¥2\.00/);

    // A refund of it all gives the cash back, the redeemed points back, and takes the earned ones.
    const afterSale = balance(member.memberId);
    const refund = await t.ok(owner, 'refund.request', { saleId: cart.saleId, reason: '退货' });
    expect(refund).toMatchObject({ status: 'refunded', amount: price - 200, cashAmount: price - 200 });
    expect(ledger(cart.saleId).slice(2)).toEqual([
      { reason: 'refund_redeem', delta: 200, amount: 200, uncollected: 0 },
      { reason: 'refund_earn', delta: -Math.floor(((price - 200) * 2) / 100), amount: 0, uncollected: 0 },
    ]);
    expect(balance(member.memberId)).toBe(afterSale + 200 - Math.floor(((price - 200) * 2) / 100));
    await t.ok(owner, 'admin.updateSettings', { memberPoints: rules });
  });

  it('shows the day’s member points in the X report, to the point and the fen', async () => {
    const x = await t.ok(owner, 'report.x', {});
    const rows = t.query<{ reason: string; redeemed_as: string | null; n: number; points: number; amount: number }>(
      'SELECT reason, redeemed_as, count(*) AS n, sum(delta) AS points, sum(amount) AS amount FROM member_points GROUP BY reason, redeemed_as',
    );
    const row = (reason: string, as: string | null = null) => rows.find((r) => r.reason === reason && r.redeemed_as === as);
    expect(x.members).toEqual({
      earned: { count: row('earn')!.n, points: row('earn')!.points },
      redeemed: { count: 2, points: 300, amount: 300, asTender: 200, asDiscount: 100 },
      returned: { count: 1, points: 200, amount: 200 },
      takenBack: { count: 1, points: -row('refund_earn')!.points, uncollected: 0 },
    });
    // Tenders and points redeemed as a tender make up the sales (less refunds).
    const tenders = x.tenders.reduce((sum, r) => sum + r.amount, 0);
    expect(tenders + x.members!.redeemed.asTender).toBe(x.sales + x.rounding);
  });

  it('sends each ledger row to the store server as a member_points fact without personal data', () => {
    const db = new Sqlite(join(t.dataDir, 'pos.sqlite'), { readonly: true });
    try {
      const rows = db.prepare("SELECT seq, kind, ref_id, variant, recorded_at FROM sync_fact WHERE kind = 'member_points' ORDER BY seq").all() as never[];
      expect(rows.length).toBeGreaterThanOrEqual(6);
      for (const row of rows) {
        const built = buildFact(db, row, 1, 'T');
        expect(built.ok).toBe(true);
        expect(JSON.stringify(built)).not.toContain('13812345678');
      }
    } finally {
      db.close();
    }
  });

  it('lets only the owner list members, see a history and anonymise one; the ledger and sales stay', async () => {
    expect(await t.call(cashier, 'member.search', { query: '5678' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const found = await t.ok(owner, 'member.search', { query: '5678' });
    expect(found.map((m) => m.memberId)).toEqual([member.memberId]);
    const history = await t.ok(owner, 'member.history', { memberId: member.memberId });
    expect(history.sales.length).toBe(4);
    expect(history.points[0]!.reason).toBe('refund_earn');
    const points = balance(member.memberId);
    expect(await t.call(cashier, 'member.anonymise', { memberId: member.memberId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const gone = await t.ok(owner, 'member.anonymise', { memberId: member.memberId });
    expect(gone).toMatchObject({ maskedPhone: null, name: null, anonymised: true, balance: points });
    expect(t.query('SELECT phone, name FROM member WHERE id = ?', member.memberId)).toEqual([{ phone: null, name: null }]);
    expect(await t.ok(cashier, 'member.find', { phone: '13812345678' })).toBeNull();
    expect(await t.ok(cashier, 'member.find', { qr: member.qr })).toBeNull();
    expect(t.query<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE action = 'members.anonymise' AND subject = ?", member.memberId)[0]!.n).toBe(1);
    expect((await t.ok(owner, 'member.history', { memberId: member.memberId })).sales.length).toBe(4);
  });
});
