/**
 * The owner's today page (owner.today, issue 17 point 6) through the whole terminal in process: real SQLite
 * file, the sales and refunds services, a WeChat payment against the embedded sandbox acquirer, the SQL worker
 * answering the call. A store in Asia/Shanghai (business day 04:00 → 04:00); the terminal's clock is moved by
 * the test across the same weekday last week, yesterday and today. Expected figures come from the prices sold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName } from '../../src-common/contract';
import { newSession, type Session } from '../../src-common/roles';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { startTestPos, type TestPos } from '../helpers/pos';

/** A Shanghai wall-clock time (UTC+8) on a day of November or December 2026. */
const local = (month: 11 | 12, day: number, hh: number, mm = 0) => new Date(Date.UTC(2026, month - 1, day, hh - 8, mm));
const TODAY = '2026-12-04'; // a Friday
const LAST_WEEK = '2026-11-27';

describe('today at a glance: the business day so far beside the same weekday last week, to the fen', () => {
  let t: TestPos;
  let now = local(11, 27, 9);
  let cashier: Session;
  let owner: Session;
  let p: { id: string; price: number; sku: string }[];
  const heard: EventName[] = [];

  beforeAll(async () => {
    t = await startTestPos(
      { timeZone: 'Asia/Shanghai', businessDayTurnsAtHour: 4, cashRounding: 'none', acquirer: { sandboxSpeed: 0.02 } },
      undefined,
      { clock: { now: () => now } },
    );
    t.pos.events.subscribe((name) => heard.push(name));
    cashier = await t.signedIn('cashier');
    owner = await t.signedIn('owner');
    p = t.query<{ id: string; price: number; sku: string }>(
      `SELECT id, price, sku FROM product WHERE sku IN (SELECT min(sku) FROM product WHERE unit = 'each' AND active = 1 AND price BETWEEN 200 AND 3000
         GROUP BY price ORDER BY price DESC LIMIT 3) ORDER BY price DESC`,
    );
    expect(new Set(p.map((x) => x.price)).size).toBe(3);
  });
  afterAll(() => t?.close());

  /** A sale at `at` of [product index, pieces]…, paid in cash or by WeChat; its id and total. */
  async function saleAt(at: Date, lines: [number, number][], tender: 'cash' | 'wechat' = 'cash') {
    now = at;
    for (const [i, qty] of lines) await t.ok(cashier, 'sale.addProduct', { productId: p[i]!.id, quantityMilli: qty * 1000 });
    const cart = (await t.ok(cashier, 'sale.current', {}))!;
    expect(cart.total).toBe(lines.reduce((sum, [i, qty]) => sum + p[i]!.price * qty, 0));
    if (tender === 'cash') await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
    else expect((await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') })).status).toBe('paid');
    await expect.poll(() => t.query<{ status: string }>('SELECT status FROM sale WHERE id = ?', cart.saleId)[0]?.status).toBe('completed');
    return { saleId: cart.saleId, total: cart.total };
  }
  /** A cash refund at `at` of one piece of a sale's first line; its amount. */
  async function refundAt(at: Date, saleId: string) {
    now = at;
    const refund = await t.ok(owner, 'refund.request', { saleId, lines: [{ lineNo: 1, quantityMilli: 1000 }], reason: '退货' });
    expect(refund.status).toBe('refunded');
    return refund.amount;
  }

  it('is the owner’s: a cashier is refused', async () => {
    expect(await t.call(cashier, 'owner.today', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('an empty day is zeros and empty lists, not errors', async () => {
    now = local(11, 20, 12);
    const today = await t.ok(owner, 'owner.today', {});
    expect(today).toMatchObject({
      businessDate: '2026-11-20',
      compareDate: '2026-11-13',
      currency: 'CNY',
      sales: { count: 0, amount: 0 },
      net: 0,
      averageTicket: null,
      refunds: { count: 0, amount: 0 },
      tenders: [],
      wallets: [],
      topSellers: [],
      thisHour: { hour: 12, today: { count: 0, amount: 0 }, lastWeek: { count: 0, amount: 0 }, lastWeekWhole: { count: 0, amount: 0 } },
      daySoFar: { today: { count: 0, amount: 0 }, lastWeek: { count: 0, amount: 0 }, lastWeekWhole: { count: 0, amount: 0 } },
    });
  });

  it('adds up today’s sales and refunds, this hour and the day so far beside last week, the top sellers', async () => {
    // The same weekday last week: 10:10, 14:20 (before this hour's minute), 14:50 (after it), 20:00; a refund that day.
    const lw1 = await saleAt(local(11, 27, 10, 10), [[0, 1]]);
    const lw2 = await saleAt(local(11, 27, 14, 20), [[1, 2]]);
    const lw3 = await saleAt(local(11, 27, 14, 50), [[2, 1]], 'wechat');
    const lw4 = await saleAt(local(11, 27, 20, 0), [[2, 3]]);
    await refundAt(local(11, 27, 21, 0), lw4.saleId);
    // Yesterday, late: 01:30 on the 4th is still the 3rd. Refunded in part today.
    const yesterday = await saleAt(local(12, 4, 1, 30), [[0, 2]]);
    // Today.
    const a = await saleAt(local(12, 4, 9, 0), [[0, 2], [2, 1]]);
    const b = await saleAt(local(12, 4, 14, 5), [[1, 1], [2, 2]], 'wechat');
    const c = await saleAt(local(12, 4, 14, 30), [[2, 1]]);
    const refunded = await refundAt(local(12, 4, 14, 40), yesterday.saleId);
    expect(refunded).toBe(p[0]!.price);

    heard.length = 0;
    now = local(12, 4, 14, 45);
    const today = await t.ok(owner, 'owner.today', {});
    const sales = a.total + b.total + c.total;
    expect(today.businessDate).toBe(TODAY);
    expect(today.compareDate).toBe(LAST_WEEK);
    expect(today.at).toBe(now.toISOString());
    expect(today.sales).toEqual({ count: 3, amount: sales });
    expect(today.refunds).toEqual({ count: 1, amount: refunded });
    expect(today.net).toBe(sales - refunded);
    expect(today.averageTicket).toBe(Math.round(sales / 3));
    expect(today.tenders).toEqual([
      { group: 'cash', count: 2, amount: a.total + c.total, refundCount: 1, refunds: refunded, net: a.total + c.total - refunded },
      { group: 'wallet', count: 1, amount: b.total, refundCount: 0, refunds: 0, net: b.total },
    ]);
    expect(today.wallets).toEqual([{ kind: 'wechat', count: 1, amount: b.total, refundCount: 0, refunds: 0, net: b.total }]);

    // Today's pieces and amounts per product (yesterday's and last week's sales are not today's).
    const sold = [
      { i: 0, qty: 2, amount: 2 * p[0]!.price },
      { i: 1, qty: 1, amount: p[1]!.price },
      { i: 2, qty: 4, amount: 4 * p[2]!.price },
    ].sort((x, y) => y.amount - x.amount || y.qty - x.qty);
    expect(today.topSellers.map((s) => [s.sku, s.quantityMilli, s.amount, s.unit])).toEqual(sold.map((s) => [p[s.i]!.sku, s.qty * 1000, s.amount, 'each']));

    // 14:00–14:45 today and a week before; that whole hour a week before; the day so far; that whole day.
    expect(today.thisHour).toEqual({
      hour: 14,
      today: { count: 2, amount: b.total + c.total },
      lastWeek: { count: 1, amount: lw2.total },
      lastWeekWhole: { count: 2, amount: lw2.total + lw3.total },
    });
    expect(today.daySoFar).toEqual({
      today: { count: 3, amount: sales },
      lastWeek: { count: 2, amount: lw1.total + lw2.total },
      lastWeekWhole: { count: 4, amount: lw1.total + lw2.total + lw3.total + lw4.total },
    });
  });

  it('at 01:30 it is still the day before (the business day turns at 04:00)', async () => {
    now = local(12, 5, 1, 30);
    const late = await t.ok(owner, 'owner.today', {});
    expect(late.businessDate).toBe(TODAY);
    expect(late.sales.count).toBe(3);
    expect(late.thisHour.hour).toBe(1);
    now = local(12, 5, 4, 0);
    expect((await t.ok(owner, 'owner.today', {})).sales).toEqual({ count: 0, amount: 0 });
  });

  it('lists low stock under the store’s threshold, which the owner sets and zod checks', async () => {
    const below = (units: number) => t.query<{ sku: string }>('SELECT sku FROM product WHERE active = 1 AND stock_milli < ? ORDER BY stock_milli, sku', units * 1000).map((r) => r.sku);
    const atDefault = await t.ok(owner, 'owner.today', {});
    expect(atDefault.lowStock.threshold).toBe(10);
    expect(atDefault.lowStock.count).toBe(below(10).length);
    expect(atDefault.lowStock.items.map((i) => i.sku)).toEqual(below(10).slice(0, 20));

    for (const bad of [-1, 1.5, 100_001, '5']) {
      expect(await t.call(owner, 'admin.updateSettings', { lowStockThreshold: bad as number })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    }
    expect(await t.ok(owner, 'admin.updateSettings', { lowStockThreshold: 30 })).toMatchObject({ changed: ['lowStockThreshold'], settings: { lowStockThreshold: 30 } });
    const at30 = await t.ok(owner, 'owner.today', {});
    expect(below(30).length).toBeGreaterThan(below(10).length);
    expect(at30.lowStock).toMatchObject({ threshold: 30, count: below(30).length });
    expect(at30.lowStock.items).toHaveLength(Math.min(20, below(30).length));
    // 0: only what went below zero (none here): a real empty list.
    await t.ok(owner, 'admin.updateSettings', { lowStockThreshold: 0 });
    expect((await t.ok(owner, 'owner.today', {})).lowStock).toEqual({ threshold: 0, count: 0, items: [] });
  });

  it('tells the owner’s screens when a sale completes or a refund becomes final', async () => {
    heard.length = 0;
    const sale = await saleAt(local(12, 5, 10, 0), [[1, 1]]);
    expect(heard.filter((n) => n === 'owner.dayChanged')).toHaveLength(1);
    await refundAt(local(12, 5, 10, 5), sale.saleId);
    expect(heard.filter((n) => n === 'owner.dayChanged')).toHaveLength(2);
  });
});

describe('today at a glance on a kiosk terminal', () => {
  let t: TestPos;

  beforeAll(async () => {
    t = await startTestPos({ kioskMode: true, acquirer: { sandboxSpeed: 0.1, timings: { pollIntervalMs: 50, pollDeadlineMs: 8000, cancelRetryMs: 50, maxCancelAttempts: 5 } } });
  });
  afterAll(() => t?.close());

  it('follows a kiosk customer’s sale too, which the till’s screens are never sent', async () => {
    const owner = await t.signedIn('owner');
    const kiosk = newSession();
    await t.ok(kiosk, 'kiosk.begin', {});
    const heard: { name: EventName; forOwner: boolean; forKiosk: boolean }[] = [];
    t.pos.events.subscribe((name, _payload, audience) => heard.push({ name, forOwner: audience?.(owner) ?? true, forKiosk: audience?.(kiosk) ?? true }));

    const { categories } = await t.ok(kiosk, 'kiosk.menu', {});
    const product = categories.flatMap((c) => c.products).find((p) => p.price > 0)!;
    await t.ok(kiosk, 'kiosk.add', { productId: product.id });
    await t.ok(kiosk, 'kiosk.beginPayment', {});
    expect(await t.ok(kiosk, 'kiosk.payByCode', { code: sandboxPaymentCode('wechat', '0000') })).toMatchObject({ status: 'paid' });
    await expect.poll(() => heard.filter((h) => h.name === 'owner.dayChanged').length).toBe(1);
    // The kiosk's sale.completed goes to the kiosk only; the owner's page hears of it all the same.
    expect(heard.find((h) => h.name === 'sale.completed')).toMatchObject({ forOwner: false, forKiosk: true });

    const today = await t.ok(owner, 'owner.today', {});
    expect(today.sales).toEqual({ count: 1, amount: product.price });
    expect(today.wallets).toEqual([{ kind: 'wechat', count: 1, amount: product.price, refundCount: 0, refunds: 0, net: product.price }]);
    expect(today.topSellers.map((s) => [s.productId, s.quantityMilli, s.amount])).toEqual([[product.id, 1000, product.price]]);
  });
});
