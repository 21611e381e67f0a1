/**
 * Refunds through the API of the whole terminal (in process) against the embedded sandbox acquirer over
 * real HTTP. Written against the calls proposed for src-common/contract.ts:
 *   refund.refundable { saleId } → Refundable            refund.request { saleId, lines?, amount?, reason, approval? } → RefundView
 *   refund.retry { refundId } → RefundView                refund.get { refundId } → RefundView
 *   refund.voidSale { saleId, reason, approval? } → RefundView (void: true): 当日整单作废, a cancel at the acquirer
 *   refund.forSale { saleId } → RefundView[]              refund.receipt { refundId } → { receipt, text, svg }
 * (shapes: src-main/services/refunds.ts). The faults the job runner survives (lost replies, in progress until
 * the deadline, restarts) are tested on the service itself in src-main/services/refunds.test.ts.
 */
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src-common/errors';
import type { ReceiptDocument } from '../../src-common/receipt';
import type { Session } from '../../src-common/roles';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { DEFAULT_USERS } from '../../src-main/services/auth';
import type { RefundView } from '../../src-common/schemas';
import type { Refundable } from '../../src-main/services/refunds';
import { businessDateOf, defaultBusinessDayRule } from '../../src-common/business-day';
import { startTestPos, type TestPos } from '../helpers/pos';

type RefundCalls = {
  'refund.refundable': [{ saleId: string }, Refundable];
  'refund.request': [
    { saleId: string; lines?: { lineNo: number; quantityMilli: number }[]; amount?: number; reason: string; approval?: { userId: string; pin: string } },
    RefundView,
  ];
  'refund.voidSale': [{ saleId: string; reason: string; approval?: { userId: string; pin: string } }, RefundView];
  'refund.retry': [{ refundId: string }, RefundView];
  'refund.get': [{ refundId: string }, RefundView];
  'refund.forSale': [{ saleId: string }, RefundView[]];
  'refund.receipt': [{ refundId: string }, { receipt: ReceiptDocument; text: string; svg: string }];
};

describe('refunds through the API, against the sandbox acquirer over real HTTP', () => {
  let t: TestPos;
  let cashier: Session;
  let owner: Session;
  let ownerId: string;
  let products: { id: string }[];

  beforeAll(async () => {
    t = await startTestPos({
      acquirer: {
        sandboxSpeed: 0.02,
        timeouts: { payMs: 1000, queryMs: 1000, otherMs: 1000 },
        timings: { pollIntervalMs: 40, pollDeadlineMs: 1500, cancelRetryMs: 40, maxCancelAttempts: 5 },
      },
    });
    cashier = await t.signedIn('cashier');
    owner = await t.signedIn('owner');
    ownerId = await t.userId('owner');
    products = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'each' AND active = 1 AND price >= 100 ORDER BY sku LIMIT 3");
  });
  afterAll(() => t?.close());

  const call = <K extends keyof RefundCalls>(session: Session, name: K, input: RefundCalls[K][0]) =>
    t.pos.dispatch(name, input, session) as Promise<Result<RefundCalls[K][1]>>;
  const ok = async <K extends keyof RefundCalls>(session: Session, name: K, input: RefundCalls[K][0]) => {
    const result = await call(session, name, input);
    if (!result.ok) throw new Error(`${name} failed: ${JSON.stringify(result.error)}`);
    return result.value;
  };
  const ownerApproval = () => ({ userId: ownerId, pin: DEFAULT_USERS.find((u) => u.role === 'owner')!.pin });

  /** The sandbox's own ledger: successful refunds per client_sn, and what the merchant keeps. */
  function ledger() {
    const db = new Sqlite(join(t.dataDir, 'sandbox-acquirer.sqlite'), { readonly: true });
    try {
      const rows = db.prepare("SELECT client_sn AS clientSn, type, amount, refund_request_no AS refundRequestNo FROM txn WHERE status = 'SUCCESS' ORDER BY id").all() as {
        clientSn: string;
        type: string;
        amount: number;
        refundRequestNo: string | null;
      }[];
      return { rows, net: rows.reduce((sum, r) => sum + (r.type === 'pay' ? r.amount : -r.amount), 0) };
    } finally {
      db.close();
    }
  }
  const ledgerRefunds = (refundRequestNo: string) => ledger().rows.filter((r) => r.type === 'refund' && r.refundRequestNo === refundRequestNo);
  /** Everything but the pay on the sandbox's ledger for one order: its cancels and refunds. */
  const ledgerReversals = (clientSn: string) => ledger().rows.filter((r) => r.clientSn === clientSn && r.type !== 'pay').map((r) => ({ type: r.type, amount: r.amount }));
  const stock = (productId: string) => t.query<{ s: number }>('SELECT stock_milli AS s FROM product WHERE id = ?', productId)[0]!.s;
  const today = () =>
    Object.fromEntries(
      t.query<{ kind: string; count: number; amount: number }>('SELECT kind, count, amount FROM daily_refund_total WHERE business_date = ?', businessDateOf(new Date(), defaultBusinessDayRule())).map(
        (r) => [r.kind, { count: r.count, amount: r.amount }],
      ),
    );
  const facts = () =>
    t.query('SELECT (SELECT count(*) FROM refund) AS refunds, (SELECT count(*) FROM refund_line) AS lines, (SELECT count(*) FROM stock_movement) AS moves, (SELECT count(*) FROM job) AS jobs')[0];

  async function ring(lines: [number, number][]) {
    for (const [i, qty] of lines) await t.ok(cashier, 'sale.addProduct', { productId: products[i]!.id, quantityMilli: qty * 1000 });
    return (await t.ok(cashier, 'sale.current', {}))!;
  }
  async function walletSale(lines: [number, number][]) {
    const cart = await ring(lines);
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') });
    expect(payment.status).toBe('paid');
    const clientSn = t.query<{ client_sn: string }>('SELECT client_sn FROM payment WHERE id = ?', payment.paymentId)[0]!.client_sn;
    return { cart, clientSn };
  }
  async function cashSale(lines: [number, number][]) {
    const cart = await ring(lines);
    await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
    return cart;
  }

  it('refunds one line of a wallet sale with the owner’s PIN, once on the acquirer’s ledger, even when sent again', async () => {
    const { cart, clientSn } = await walletSale([[0, 2], [1, 1]]);
    const refundable = await ok(cashier, 'refund.refundable', { saleId: cart.saleId });
    expect(refundable).toMatchObject({ paid: cart.total, refundable: cart.total, tenders: [{ kind: 'wechat', wallet: true, amount: cart.total }] });
    const stockBefore = stock(products[1]!.id);
    const totalsBefore = today();

    const refund = await ok(cashier, 'refund.request', { saleId: cart.saleId, lines: [{ lineNo: 2, quantityMilli: 1000 }], reason: '顾客退货', approval: ownerApproval() });
    expect(refund).toMatchObject({ status: 'refunded', kind: 'wallet', tenderKind: 'wechat', amount: cart.lines[1]!.net, approvedBy: ownerId });
    expect(refund.refundRequestNo.length).toBeLessThanOrEqual(20);
    expect(ledgerRefunds(refund.refundRequestNo)).toEqual([{ clientSn, type: 'refund', amount: refund.amount, refundRequestNo: refund.refundRequestNo }]);
    expect(stock(products[1]!.id)).toBe(stockBefore + 1000);
    expect(today().wechat).toEqual({ count: (totalsBefore.wechat?.count ?? 0) + 1, amount: (totalsBefore.wechat?.amount ?? 0) + refund.amount });

    // Sent again: the same refund_request_no, no second refund anywhere.
    expect(await ok(cashier, 'refund.retry', { refundId: refund.refundId })).toMatchObject({ status: 'refunded', refundRequestNo: refund.refundRequestNo });
    expect(ledgerRefunds(refund.refundRequestNo)).toHaveLength(1);
    expect(stock(products[1]!.id)).toBe(stockBefore + 1000);
    expect(today().wechat!.amount).toBe((totalsBefore.wechat?.amount ?? 0) + refund.amount);

    // The other line works too; then a refund above what is left is refused and changes nothing.
    const second = await ok(owner, 'refund.request', { saleId: cart.saleId, lines: [{ lineNo: 1, quantityMilli: 1000 }], reason: '顾客退货' });
    expect(second).toMatchObject({ status: 'refunded', amount: cart.lines[0]!.net / 2 });
    expect(ledgerRefunds(second.refundRequestNo)).toHaveLength(1);
    const left = (await ok(owner, 'refund.refundable', { saleId: cart.saleId })).refundable;
    expect(left).toBe(cart.total - refund.amount - second.amount);
    const before = facts();
    const ledgerBefore = ledger().rows.length;
    expect(await call(owner, 'refund.request', { saleId: cart.saleId, amount: left + 1, reason: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { reason: 'exceeds_refundable', refundable: left } },
    });
    expect(await call(owner, 'refund.request', { saleId: cart.saleId, lines: [{ lineNo: 1, quantityMilli: 2000 }], reason: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { reason: 'exceeds_refundable', refundableQuantityMilli: 1000 } },
    });
    expect(facts()).toEqual(before);
    expect(ledger().rows.length).toBe(ledgerBefore);

    expect((await ok(cashier, 'refund.forSale', { saleId: cart.saleId })).map((r) => r.refundId)).toEqual([refund.refundId, second.refundId]);
    expect(await ok(cashier, 'refund.get', { refundId: second.refundId })).toEqual(second);
    const receipt = await ok(cashier, 'refund.receipt', { refundId: refund.refundId });
    expect(receipt.receipt).toMatchObject({ kind: 'refund', receiptNumber: refund.receiptNumber, total: refund.amount });
    expect(receipt.text).toContain('退货单');
    expect(receipt.text).toContain(refund.saleReceiptNumber);
    expect(receipt.svg).toContain('<svg');
  });

  it('refuses a cashier without an owner’s approval, and a wrong owner PIN, recording nothing', async () => {
    const { cart } = await walletSale([[2, 1]]);
    const before = facts();
    const ledgerBefore = ledger().rows.length;
    expect(await call(cashier, 'refund.request', { saleId: cart.saleId, reason: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', details: { needsApproval: true } },
    });
    expect(await call(cashier, 'refund.request', { saleId: cart.saleId, reason: 'x', approval: { userId: ownerId, pin: '0000' } })).toMatchObject({
      ok: false,
      error: { code: 'wrong_pin' },
    });
    const cashierPin = DEFAULT_USERS.find((u) => u.role === 'cashier')!.pin;
    expect(await call(cashier, 'refund.request', { saleId: cart.saleId, reason: 'x', approval: { userId: await t.userId('cashier'), pin: cashierPin } })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(facts()).toEqual(before);
    expect(ledger().rows.length).toBe(ledgerBefore);
    // A whole refund (no lines, no amount) with the approval goes through, to the wallet.
    const all = await ok(cashier, 'refund.request', { saleId: cart.saleId, reason: '整单退', approval: ownerApproval() });
    expect(all).toMatchObject({ status: 'refunded', amount: cart.total, walletAmount: cart.total, cashAmount: 0 });
  });

  it('records a cash sale’s refund at once, in cash, with the stock back', async () => {
    const cart = await cashSale([[0, 1], [1, 2]]);
    const stockBefore = stock(products[1]!.id);
    const cashBefore = today().cash ?? { count: 0, amount: 0 };
    const ledgerBefore = ledger().rows.length;
    const refund = await ok(owner, 'refund.request', { saleId: cart.saleId, lines: [{ lineNo: 2, quantityMilli: 2000 }], reason: '退货' });
    expect(refund).toMatchObject({ status: 'refunded', kind: 'cash', tenderKind: 'cash', amount: cart.lines[1]!.net, cashAmount: cart.lines[1]!.net, walletAmount: 0 });
    expect(stock(products[1]!.id)).toBe(stockBefore + 2000);
    expect(today().cash).toEqual({ count: cashBefore.count + 1, amount: cashBefore.amount + refund.amount });
    expect(ledger().rows.length).toBe(ledgerBefore);
    expect(await call(owner, 'refund.retry', { refundId: refund.refundId })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('never refunds more than was paid, whatever partial refunds are asked (property-style)', async () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 3; round++) {
      const { cart } = await walletSale([[0, 1 + random(2)], [1, 1 + random(2)], [2, 1]]);
      for (let step = 0; step < 6; step++) {
        const state = await ok(owner, 'refund.refundable', { saleId: cart.saleId });
        if (state.refundable === 0) break;
        const open = state.lines.filter((l) => l.refundableQuantityMilli > 0);
        const input =
          random(3) === 0 || open.length === 0
            ? { amount: 1 + random(state.refundable + 3) }
            : { lines: [{ lineNo: open[random(open.length)]!.lineNo, quantityMilli: 1000 * (1 + random(2)) }] };
        const result = await call(owner, 'refund.request', { saleId: cart.saleId, reason: 'p', ...input });
        if (!result.ok) expect(result.error.code).toBe('validation_failed');
        const after = await ok(owner, 'refund.refundable', { saleId: cart.saleId });
        expect(after.refunded + after.pending + after.refundable).toBe(cart.total);
      }
    }
  });

  it('voids a wallet sale of today with the owner’s PIN: one cancel for the full amount on the acquirer’s ledger, no refund; a second void is refused', async () => {
    const { cart, clientSn } = await walletSale([[0, 2], [1, 1], [2, 1]]);
    expect(await ok(cashier, 'refund.refundable', { saleId: cart.saleId })).toMatchObject({ voidable: true, refundable: cart.total });
    const stocks = products.map((p) => stock(p.id));
    const totalsBefore = today();
    const before = facts();
    expect(await call(cashier, 'refund.voidSale', { saleId: cart.saleId, reason: '顾客不要了' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', details: { needsApproval: true } },
    });
    expect(facts()).toEqual(before);

    const voided = await ok(cashier, 'refund.voidSale', { saleId: cart.saleId, reason: '顾客不要了', approval: ownerApproval() });
    expect(voided).toMatchObject({
      void: true, status: 'refunded', kind: 'wallet', tenderKind: 'wechat', amount: cart.total, walletAmount: cart.total, cashAmount: 0, approvedBy: ownerId,
    });
    expect(voided.lines.map((l) => [l.lineNo, l.quantityMilli, l.amount])).toEqual(cart.lines.map((l, i) => [i + 1, l.quantityMilli, l.net]));
    expect(ledgerReversals(clientSn)).toEqual([{ type: 'cancel', amount: cart.total }]);
    expect(stocks.map((s, i) => stock(products[i]!.id) - s)).toEqual([2000, 1000, 1000]);
    expect(today().wechat).toEqual({ count: (totalsBefore.wechat?.count ?? 0) + 1, amount: (totalsBefore.wechat?.amount ?? 0) + cart.total });
    const after = await ok(cashier, 'refund.refundable', { saleId: cart.saleId });
    expect(after).toMatchObject({ paid: cart.total, refunded: cart.total, pending: 0, refundable: 0, voidable: false });
    expect(after.lines.every((l) => l.refundableQuantityMilli === 0 && l.refundableAmount === 0 && l.refundedAmount === l.net)).toBe(true);
    expect(after.tenders).toEqual([expect.objectContaining({ kind: 'wechat', refunded: cart.total, refundable: 0 })]);

    // Twice: refused by the terminal's own state, nothing recorded, nothing sent; a retry of the void reverses nothing more.
    const done = facts();
    const rows = ledger().rows.length;
    expect(await call(owner, 'refund.voidSale', { saleId: cart.saleId, reason: '再作废' })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'already_voided' } } });
    expect(await call(owner, 'refund.request', { saleId: cart.saleId, amount: 1, reason: 'x' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await ok(owner, 'refund.retry', { refundId: voided.refundId })).toMatchObject({ status: 'refunded', receiptNumber: voided.receiptNumber });
    expect(facts()).toEqual(done);
    expect(ledger().rows.length).toBe(rows);
    expect(ledgerReversals(clientSn)).toEqual([{ type: 'cancel', amount: cart.total }]);
    expect(today().wechat!.amount).toBe((totalsBefore.wechat?.amount ?? 0) + cart.total);

    expect(await ok(cashier, 'refund.forSale', { saleId: cart.saleId })).toEqual([await ok(cashier, 'refund.get', { refundId: voided.refundId })]);
    const receipt = await ok(cashier, 'refund.receipt', { refundId: voided.refundId });
    expect(receipt.receipt).toMatchObject({ kind: 'void', receiptNumber: voided.receiptNumber, total: cart.total });
    expect(receipt.text).toContain('整单作废');
    expect(receipt.text).toContain(voided.saleReceiptNumber);
    expect(receipt.svg).toContain('<svg');
  });

  it('cannot void a sale that was partly refunded: refused before the acquirer is asked', async () => {
    const { cart, clientSn } = await walletSale([[0, 1], [1, 1]]);
    const refund = await ok(owner, 'refund.request', { saleId: cart.saleId, lines: [{ lineNo: 2, quantityMilli: 1000 }], reason: '退货' });
    expect(await ok(owner, 'refund.refundable', { saleId: cart.saleId })).toMatchObject({ voidable: false, refundable: cart.total - refund.amount });
    const before = facts();
    expect(await call(cashier, 'refund.voidSale', { saleId: cart.saleId, reason: 'x', approval: ownerApproval() })).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { reason: 'already_refunded' } },
    });
    expect(facts()).toEqual(before);
    expect(ledgerReversals(clientSn)).toEqual([{ type: 'refund', amount: refund.amount }]);
  });

  it('voids a cash sale at once: the cash handed back, stock and the day’s cash refunds right to the fen, the acquirer untouched', async () => {
    const cart = await cashSale([[0, 1], [1, 2]]);
    const stocks = [stock(products[0]!.id), stock(products[1]!.id)];
    const cashBefore = today().cash ?? { count: 0, amount: 0 };
    const rows = ledger().rows.length;
    const voided = await ok(owner, 'refund.voidSale', { saleId: cart.saleId, reason: '录入错误' });
    expect(voided).toMatchObject({ void: true, status: 'refunded', kind: 'cash', tenderKind: 'cash', amount: cart.cashDue, cashAmount: cart.cashDue, walletAmount: 0, attempts: 0 });
    expect(voided.receiptNumber).not.toBeNull();
    expect([stock(products[0]!.id) - stocks[0]!, stock(products[1]!.id) - stocks[1]!]).toEqual([1000, 2000]);
    expect(today().cash).toEqual({ count: cashBefore.count + 1, amount: cashBefore.amount + cart.cashDue });
    expect(await ok(owner, 'refund.refundable', { saleId: cart.saleId })).toMatchObject({ refunded: cart.cashDue, refundable: 0, voidable: false });
    expect(ledger().rows.length).toBe(rows);
    expect(await call(owner, 'refund.voidSale', { saleId: cart.saleId, reason: 'x' })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'already_voided' } } });
    expect(await call(owner, 'refund.retry', { refundId: voided.refundId })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect((await ok(owner, 'refund.receipt', { refundId: voided.refundId })).receipt).toMatchObject({ kind: 'void', tenders: [{ kind: 'cash', amount: cart.cashDue }] });
  });

  it('keeps the terminal’s records equal to the sandbox ledger and the day’s refund totals right to the fen', () => {
    const walletPaid = t.query<{ s: number }>("SELECT coalesce(sum(amount), 0) AS s FROM sale_tender WHERE payment_id IS NOT NULL")[0]!.s;
    const walletRefunded = t.query<{ s: number }>("SELECT coalesce(sum(wallet_amount), 0) AS s FROM refund WHERE status = 'refunded'")[0]!.s;
    expect(ledger().net).toBe(walletPaid - walletRefunded);
    // Voids went back as cancels (冲正), refunds as refunds.
    const walletVoided = t.query<{ s: number }>("SELECT coalesce(sum(wallet_amount), 0) AS s FROM refund WHERE status = 'refunded' AND is_void = 1")[0]!.s;
    expect(walletVoided).toBeGreaterThan(0);
    expect(ledger().rows.filter((r) => r.type === 'cancel').reduce((sum, r) => sum + r.amount, 0)).toBe(walletVoided);
    const byKind = t.query<{ kind: string; amount: number; count: number }>(
      `SELECT kind, sum(amount) AS amount, count(*) AS count FROM (
         SELECT tender_kind AS kind, wallet_amount AS amount FROM refund WHERE status = 'refunded' AND wallet_amount > 0
         UNION ALL SELECT 'cash', cash_amount FROM refund WHERE status = 'refunded' AND cash_amount > 0)
       GROUP BY kind ORDER BY kind`,
    );
    expect(t.query('SELECT kind, sum(amount) AS amount, sum(count) AS count FROM daily_refund_total GROUP BY kind ORDER BY kind')).toEqual(byKind);
    expect(t.query("SELECT count(*) AS n FROM refund WHERE status NOT IN ('refunded', 'failed')")).toEqual([{ n: 0 }]);
    expect(t.query("SELECT count(*) AS n FROM job WHERE kind = 'refund.send' AND status IN ('queued', 'running')")).toEqual([{ n: 0 }]);
  });
});
