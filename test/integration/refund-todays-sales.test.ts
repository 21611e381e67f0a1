/**
 * The refund dialog's lookup (refund.todaysSales) through the whole terminal: in process, a real SQLite file, the
 * embedded sandbox acquirer over HTTP for the wallet sale, the terminal's clock moved by the test. A store in
 * Asia/Shanghai whose business day turns at 04:00: yesterday's sales and the hours after today's turn are told apart,
 * and the times the cashier types are the store's wall clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSession, type Session } from '../../src-common/roles';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { startTestPos, type TestPos } from '../helpers/pos';

describe('refund.todaysSales: this terminal’s sales of the open business day', () => {
  let t: TestPos;
  let now = new Date('2026-12-03T12:00:00Z');
  let cashier: Session;
  let product: { id: string; price: number };
  const sold: Record<string, { saleId: string; total: number }> = {};

  /** A sale of `quantity` pieces at `at` (UTC), paid in cash or by WeChat; kept under `name`. */
  async function sellAt(name: string, at: string, quantity: number, tender: 'cash' | 'wechat') {
    now = new Date(at);
    const cart = await t.ok(cashier, 'sale.addProduct', { productId: product.id, quantityMilli: quantity * 1000 });
    if (tender === 'cash') await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
    else expect((await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') })).status).toBe('paid');
    sold[name] = { saleId: cart.saleId, total: cart.total };
  }

  beforeAll(async () => {
    t = await startTestPos({ timeZone: 'Asia/Shanghai', acquirer: { sandboxSpeed: 0.02 } }, undefined, { clock: { now: () => now } });
    cashier = await t.signedIn('cashier');
    product = t.query<{ id: string; price: number }>("SELECT id, price FROM product WHERE unit = 'each' AND active = 1 AND price >= 100 ORDER BY price, sku LIMIT 1")[0]!;
    await sellAt('yesterday', '2026-12-03T12:00:00Z', 1, 'cash'); // 20:00 on the 3rd
    await sellAt('lateNight', '2026-12-03T19:30:00Z', 1, 'cash'); // 03:30 on the 4th: still the 3rd's business day
    await sellAt('morning', '2026-12-04T01:10:00Z', 2, 'cash'); // 09:10
    await sellAt('noon', '2026-12-04T04:20:00Z', 1, 'wechat'); // 12:20
    await sellAt('afternoon', '2026-12-04T07:45:00Z', 2, 'cash'); // 15:45
    now = new Date('2026-12-04T08:00:00Z');
  });
  afterAll(() => t?.close());

  const ids = (rows: { saleId: string }[]) => rows.map((r) => r.saleId);

  it('opens on today’s sales, newest first, with the store’s time, the amount and the wallet’s last four, never the payment code', async () => {
    const today = await t.ok(cashier, 'refund.todaysSales', {});
    expect(today.businessDate).toBe('2026-12-04');
    expect(ids(today.rows)).toEqual([sold.afternoon!.saleId, sold.noon!.saleId, sold.morning!.saleId]);
    expect(today.rows.map((r) => r.time)).toEqual(['15:45', '12:20', '09:10']);
    expect(today.rows.map((r) => r.total)).toEqual([product.price * 2, product.price, product.price * 2]);

    const acquirerSn = t.query<{ acquirer_sn: string }>("SELECT acquirer_sn FROM payment WHERE sale_id = ? AND status = 'paid'", sold.noon!.saleId)[0]!.acquirer_sn;
    expect(today.rows[1]!.tenders).toEqual([{ kind: 'wechat', amount: product.price, referenceTail: acquirerSn.slice(-4) }]);
    expect(today.rows[0]!.tenders).toEqual([{ kind: 'cash', amount: product.price * 2, referenceTail: null }]);
    expect(JSON.stringify(today)).not.toContain(sandboxPaymentCode('wechat', '0000').slice(4, 12));
  });

  it('narrows by amount (fen), the last four, a time window on the wall clock and the receipt number', async () => {
    const find = async (input: Parameters<typeof t.ok<'refund.todaysSales'>>[2]) => ids((await t.ok(cashier, 'refund.todaysSales', input)).rows);
    expect(await find({ amount: product.price * 2 })).toEqual([sold.afternoon!.saleId, sold.morning!.saleId]);
    expect(await find({ amount: product.price * 2 + 1 })).toEqual([]);
    const acquirerSn = t.query<{ acquirer_sn: string }>('SELECT acquirer_sn FROM payment WHERE sale_id = ?', sold.noon!.saleId)[0]!.acquirer_sn;
    expect(await find({ lastFour: acquirerSn.slice(-4) })).toEqual([sold.noon!.saleId]);
    expect(await find({ from: '12:00', to: '13:00' })).toEqual([sold.noon!.saleId]);
    expect(await find({ from: '09:10' })).toEqual([sold.afternoon!.saleId, sold.noon!.saleId, sold.morning!.saleId]);
    expect(await find({ to: '09:10' })).toEqual([]);
    expect(await find({ amount: product.price * 2, from: '12:00' })).toEqual([sold.afternoon!.saleId]);
    const receipt = (await t.ok(cashier, 'sale.findByReceipt', { receiptNumber: String(t.query<{ receipt_no: number }>('SELECT receipt_no FROM sale WHERE id = ?', sold.morning!.saleId)[0]!.receipt_no) })).receiptNumber;
    expect(await find({ receiptNumber: receipt })).toEqual([sold.morning!.saleId]);
    // Yesterday's receipt is not in today's list (it is still found by its number, sale.findByReceipt).
    const yesterdays = t.query<{ receipt_no: number }>('SELECT receipt_no FROM sale WHERE id = ?', sold.yesterday!.saleId)[0]!.receipt_no;
    expect(await find({ receiptNumber: String(yesterdays) })).toEqual([]);
    expect(await find({ receiptNumber: `ZZZZ-${String(yesterdays).padStart(6, '0')}` })).toEqual([]);
    expect(await t.call(cashier, 'refund.todaysSales', { lastFour: '12a4' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await t.call(cashier, 'refund.todaysSales', { from: '25:00' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });

  it('after the turn hour the list is the new day’s; a signed-out caller gets nothing', async () => {
    now = new Date('2026-12-04T20:30:00Z'); // 04:30 on the 5th
    expect(await t.ok(cashier, 'refund.todaysSales', {})).toEqual({ businessDate: '2026-12-05', rows: [], more: false });
    expect(await t.call(newSession(), 'refund.todaysSales', {})).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });
});
