/**
 * The owner's sales history through the API of the whole terminal (in process, real SQLite file, the
 * embedded sandbox acquirer over HTTP for the wallet sales): every search filter, keyset paging newest
 * first, a sale's detail, and refunds from the history confirmed with the owner's own PIN.
 */
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-common/roles';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { businessDateOf, defaultBusinessDayRule } from '../../src-common/business-day';
import { startTestPos, type TestPos } from '../helpers/pos';

describe('sales history: search, paging, detail, refund', () => {
  let t: TestPos;
  let cashier: Session;
  let owner: Session;
  let technician: Session;
  let cashierId: string;
  let ownerId: string;
  let products: { id: string; price: number }[];
  /** Every completed sale made here, oldest first. */
  const made: { saleId: string; receiptNumber: string; total: number; by: 'cashier' | 'owner'; tender: string }[] = [];

  beforeAll(async () => {
    t = await startTestPos({ acquirer: { sandboxSpeed: 0.02, timings: { pollIntervalMs: 40, pollDeadlineMs: 1500, cancelRetryMs: 40, maxCancelAttempts: 5 } } });
    cashier = await t.signedIn('cashier');
    owner = await t.signedIn('owner');
    technician = await t.signedIn('technician');
    cashierId = await t.userId('cashier');
    ownerId = await t.userId('owner');
    products = t.query<{ id: string; price: number }>("SELECT id, price FROM product WHERE unit = 'each' AND active = 1 AND price >= 100 ORDER BY price, sku LIMIT 3");

    // Seven sales: cash and wallets, by the cashier and by the owner, with known totals.
    const sell = async (session: Session, by: 'cashier' | 'owner', quantities: number[], tender: 'cash' | 'wechat' | 'alipay') => {
      for (const [i, q] of quantities.entries()) if (q > 0) await t.ok(session, 'sale.addProduct', { productId: products[i]!.id, quantityMilli: q * 1000 });
      const cart = (await t.ok(session, 'sale.current', {}))!;
      if (tender === 'cash') await t.ok(session, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
      else expect((await t.ok(session, 'payment.payByCode', { code: sandboxPaymentCode(tender, '0000') })).status).toBe('paid');
      const sale = t.query<{ receipt_no: number; total: number }>('SELECT receipt_no, total FROM sale WHERE id = ?', cart.saleId)[0]!;
      const found = await t.ok(owner, 'sale.findByReceipt', { receiptNumber: String(sale.receipt_no) });
      made.push({ saleId: cart.saleId, receiptNumber: found.receiptNumber, total: sale.total, by, tender });
    };
    await sell(cashier, 'cashier', [1, 0, 0], 'cash');
    await sell(cashier, 'cashier', [0, 2, 0], 'wechat');
    await sell(cashier, 'cashier', [1, 1, 0], 'cash');
    await sell(owner, 'owner', [0, 0, 1], 'alipay');
    await sell(cashier, 'cashier', [1, 0, 0], 'wechat');
    await sell(owner, 'owner', [2, 0, 1], 'cash');
    await sell(cashier, 'cashier', [0, 1, 0], 'alipay');
  });
  afterAll(() => t?.close());

  const ids = (rows: { saleId: string }[]) => rows.map((r) => r.saleId);
  /** The sales made here that a predicate keeps, newest first, as the history must list them. */
  const expected = (keep: (s: (typeof made)[number]) => boolean) => made.filter(keep).map((s) => s.saleId).reverse();

  it('lists every completed sale newest first, with totals, tenders and cashier', async () => {
    const page = await t.ok(owner, 'history.search', {});
    expect(ids(page.rows)).toEqual(expected(() => true));
    expect(page.nextCursor).toBeNull();
    const first = page.rows.at(-1)!;
    expect(first).toMatchObject({ receiptNumber: made[0]!.receiptNumber, total: made[0]!.total, tenders: ['cash'], cashierId, cashierName: '收银员 01', refunded: 0 });
    expect(page.rows[0]!.tenders).toEqual(['alipay']);
  });

  it('pages with a keyset cursor: no sale twice, none missed, in order', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await t.ok(owner, 'history.search', { limit: 3, ...(cursor ? { cursor } : {}) });
      expect(page.rows.length).toBeLessThanOrEqual(3);
      seen.push(...ids(page.rows));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(expected(() => true));
    expect(await t.call(owner, 'history.search', { cursor: 'not-a-cursor' })).toMatchObject({ ok: false, error: { code: 'validation_failed', details: { reason: 'bad_cursor' } } });
  });

  it('finds a sale by its receipt number as printed, or by its number alone', async () => {
    const target = made[3]!;
    expect(ids((await t.ok(owner, 'history.search', { receiptNumber: target.receiptNumber })).rows)).toEqual([target.saleId]);
    expect(ids((await t.ok(owner, 'history.search', { receiptNumber: String(Number(target.receiptNumber.slice(-6))) })).rows)).toEqual([target.saleId]);
    expect((await t.ok(owner, 'history.search', { receiptNumber: '999999' })).rows).toEqual([]);
    expect(await t.call(owner, 'history.search', { receiptNumber: 'ZZZZ-000001' })).toMatchObject({ ok: false, error: { details: { reason: 'bad_receipt_number' } } });
  });

  it('finds sales by exact amount to the fen, and by a range with ends included', async () => {
    const total = made[1]!.total;
    expect(ids((await t.ok(owner, 'history.search', { amount: total })).rows)).toEqual(expected((s) => s.total === total));
    expect((await t.ok(owner, 'history.search', { amount: total + 1 })).rows.filter((r) => r.total !== total + 1)).toEqual([]);
    const sorted = [...new Set(made.map((s) => s.total))].sort((a, b) => a - b);
    const [low, high] = [sorted[1]!, sorted[sorted.length - 2]!];
    expect(ids((await t.ok(owner, 'history.search', { amountMin: low, amountMax: high })).rows)).toEqual(expected((s) => s.total >= low && s.total <= high));
    expect(ids((await t.ok(owner, 'history.search', { amountMin: high })).rows)).toEqual(expected((s) => s.total >= high));
    expect(await t.call(owner, 'history.search', { amount: 1, amountMax: 2 })).toMatchObject({ ok: false, error: { details: { reason: 'amount_and_range' } } });
    expect(await t.call(owner, 'history.search', { amountMin: 5, amountMax: 2 })).toMatchObject({ ok: false, error: { details: { reason: 'empty_range' } } });
  });

  it('finds sales by wallet, by tender kind and by cashier', async () => {
    expect(ids((await t.ok(owner, 'history.search', { wallet: 'wechat' })).rows)).toEqual(expected((s) => s.tender === 'wechat'));
    expect(ids((await t.ok(owner, 'history.search', { tender: 'wallet' })).rows)).toEqual(expected((s) => s.tender !== 'cash'));
    expect(ids((await t.ok(owner, 'history.search', { tender: 'cash' })).rows)).toEqual(expected((s) => s.tender === 'cash'));
    expect((await t.ok(owner, 'history.search', { tender: 'cash', wallet: 'alipay' })).rows).toEqual([]);
    expect(ids((await t.ok(owner, 'history.search', { cashierId: ownerId })).rows)).toEqual(expected((s) => s.by === 'owner'));
    expect(ids((await t.ok(owner, 'history.search', { cashierId, wallet: 'alipay' })).rows)).toEqual(expected((s) => s.by === 'cashier' && s.tender === 'alipay'));
  });

  it("finds sales by the shop's days, both ends included", async () => {
    const today = businessDateOf(new Date(), defaultBusinessDayRule());
    const tomorrow = businessDateOf(new Date(Date.now() + 24 * 3600_000), defaultBusinessDayRule());
    const yesterday = businessDateOf(new Date(Date.now() - 24 * 3600_000), defaultBusinessDayRule());
    expect(ids((await t.ok(owner, 'history.search', { from: today, to: today })).rows)).toEqual(expected(() => true));
    expect((await t.ok(owner, 'history.search', { from: tomorrow })).rows).toEqual([]);
    expect((await t.ok(owner, 'history.search', { to: yesterday })).rows).toEqual([]);
    expect(await t.call(owner, 'history.search', { from: '2026-02-30' })).toMatchObject({ ok: false, error: { details: { reason: 'bad_date' } } });
  });

  it('finds a sale by the business date stored with it, though today’s day rule would give it another', async () => {
    // As a sale closed just after midnight under an earlier rule (the day turning at 04:00) keeps yesterday's date.
    const today = businessDateOf(new Date(), defaultBusinessDayRule());
    const yesterday = businessDateOf(new Date(Date.now() - 24 * 3600_000), defaultBusinessDayRule());
    const moved = made[2]!;
    const writer = new Sqlite(join(t.dataDir, 'pos.sqlite'));
    try {
      writer.prepare('UPDATE sale SET business_date = ? WHERE id = ?').run(yesterday, moved.saleId);
      expect(ids((await t.ok(owner, 'history.search', { from: yesterday, to: yesterday })).rows)).toEqual([moved.saleId]);
      expect(ids((await t.ok(owner, 'history.search', { from: today, to: today })).rows)).toEqual(expected((s) => s !== moved));
    } finally {
      writer.prepare('UPDATE sale SET business_date = ? WHERE id = ?').run(today, moved.saleId);
      writer.close();
    }
  });

  it("shows a sale's lines, tenders and payment attempts with masked codes", async () => {
    const wallet = made[1]!;
    const detail = await t.ok(owner, 'history.sale', { saleId: wallet.saleId });
    expect(detail).toMatchObject({ receiptNumber: wallet.receiptNumber, total: wallet.total, cashierName: '收银员 01', refundable: wallet.total, refunds: [] });
    expect(detail.lines).toHaveLength(1);
    expect(detail.lines[0]).toMatchObject({ quantityMilli: 2000, net: wallet.total });
    expect(detail.tenders).toEqual([expect.objectContaining({ kind: 'wechat', amount: wallet.total })]);
    expect(detail.payments).toHaveLength(1);
    expect(detail.payments[0]).toMatchObject({ wallet: 'wechat', status: 'paid', amount: wallet.total });
    expect(detail.payments[0]!.maskedCode).toMatch(/^\d{4}\*{10}\d{4}$/);
    expect(await t.call(owner, 'history.sale', { saleId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('refunds from the history only with the signed-in owner’s own PIN; a wrong PIN records nothing', async () => {
    const target = made[4]!; // a WeChat sale
    const refunds = () => t.query<{ n: number }>('SELECT count(*) AS n FROM refund')[0]!.n;
    const before = refunds();
    const input = { saleId: target.saleId, lines: [{ lineNo: 1, quantityMilli: 1000 }], reason: '顾客退货' };
    expect(await t.call(owner, 'history.refund', { ...input, pin: '0000' })).toMatchObject({ ok: false, error: { code: 'wrong_pin' } });
    expect(refunds()).toBe(before);
    expect(await t.call(cashier, 'history.refund', { ...input, pin: '1111' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.call(technician, 'history.refund', { ...input, pin: '9999' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const refund = await t.ok(owner, 'history.refund', { ...input, pin: '8888' });
    expect(refund).toMatchObject({ status: 'refunded', kind: 'wallet', tenderKind: 'wechat', amount: target.total, approvedBy: ownerId });
    const row = (await t.ok(owner, 'history.search', { receiptNumber: target.receiptNumber })).rows[0]!;
    expect(row.refunded).toBe(target.total);
    const detail = await t.ok(owner, 'history.sale', { saleId: target.saleId });
    expect(detail.refundable).toBe(0);
    expect(detail.refunds.map((r) => r.refundId)).toEqual([refund.refundId]);
  });

  it('voids a sale of today from the history with the owner’s own PIN', async () => {
    const target = made[0]!; // a cash sale
    expect(await t.call(owner, 'history.voidSale', { saleId: target.saleId, reason: '整单作废', pin: '1234' })).toMatchObject({ ok: false, error: { code: 'wrong_pin' } });
    expect(t.query('SELECT id FROM refund WHERE sale_id = ?', target.saleId)).toEqual([]);
    const voided = await t.ok(owner, 'history.voidSale', { saleId: target.saleId, reason: '整单作废', pin: '8888' });
    expect(voided).toMatchObject({ void: true, status: 'refunded', kind: 'cash', amount: target.total, approvedBy: ownerId });
    expect((await t.ok(owner, 'history.search', { receiptNumber: target.receiptNumber })).rows[0]).toMatchObject({ refunded: target.total, refundsPending: 0 });
  });

  it("is the owner's: cashiers and technicians (who may be outside installers) cannot search the takings", async () => {
    expect(await t.call(cashier, 'history.search', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.call(technician, 'history.search', { limit: 1 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await t.ok(owner, 'history.search', { limit: 1 })).rows).toHaveLength(1);
    expect(await t.call(owner, 'history.search', { limit: 0 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await t.call(owner, 'history.search', { nonsense: 1 } as never)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });
});
