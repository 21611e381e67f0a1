/**
 * Shifts, X/Z reports, charts and exports through the dispatcher of the whole terminal (in process), with
 * real sales, a wallet payment against the embedded sandbox acquirer and refunds. Expected figures are
 * computed here from the facts in the database, independently of the report code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-common/roles';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { DEFAULT_USERS } from '../../src-main/services/auth';
import { addDays, businessDateOf, defaultBusinessDayRule } from '../../src-common/business-day';
import { startTestPos, type TestPos } from '../helpers/pos';

describe('the owner’s day through the API: shift, cash in/out, X and Z reports, charts, exports', () => {
  let t: TestPos;
  let cashier: Session;
  let owner: Session;
  let ownerId: string;
  let products: { id: string; price: number }[];

  beforeAll(async () => {
    t = await startTestPos({
      acquirer: {
        sandboxSpeed: 0.02,
        timeouts: { payMs: 1000, queryMs: 1000, otherMs: 1000 },
        timings: { pollIntervalMs: 40, pollDeadlineMs: 20_000, cancelRetryMs: 40, maxCancelAttempts: 5 },
      },
    }, undefined, { openShift: false });
    cashier = await t.signedIn('cashier');
    owner = await t.signedIn('owner');
    ownerId = await t.userId('owner');
    products = t.query<{ id: string; price: number }>("SELECT id, price FROM product WHERE unit = 'each' AND active = 1 AND price >= 100 ORDER BY sku LIMIT 3");
  });
  afterAll(() => t?.close());

  const ownerApproval = () => ({ userId: ownerId, pin: DEFAULT_USERS.find((u) => u.role === 'owner')!.pin });
  async function ring(lines: [number, number][]) {
    for (const [i, qty] of lines) await t.ok(cashier, 'sale.addProduct', { productId: products[i]!.id, quantityMilli: qty * 1000 });
    return (await t.ok(cashier, 'sale.current', {}))!;
  }

  it('refuses what needs an open shift, and the reports to a cashier', async () => {
    expect(await t.call(cashier, 'shift.current', {})).toEqual({ ok: true, value: null });
    expect(await t.call(cashier, 'shift.cashIn', { amount: 100, reason: '零钱' })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'no_open_shift' } } });
    expect(await t.call(cashier, 'shift.close', { counted: 0 })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'no_open_shift' } } });
    expect(await t.call(cashier, 'report.x', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.call(cashier, 'shift.open', { float: -1 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    // A cashier's first sale needs an open shift (issue 16): nothing is opened, nothing sold.
    expect(await t.call(cashier, 'sale.addProduct', { productId: products[0]!.id })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'no_open_shift' } } });
    expect(await t.call(cashier, 'sale.current', {})).toEqual({ ok: true, value: null });
  });

  it('an empty day reports zeros, not errors', async () => {
    const x = await t.ok(owner, 'report.x', {});
    expect(x).toMatchObject({ kind: 'x', zNo: null, gross: 0, discounts: 0, sales: 0, refunds: 0, net: 0, tax: 0, tenders: [], taxes: [], hours: [] });
    expect(x.counts).toEqual({ sales: 0, refunds: 0, voids: 0, cartVoids: 0, saleVoids: 0, items: 0, lines: 0 });
    expect(x.cash).toEqual({ tendered: 0, change: 0, kept: 0, refunds: 0, cashIn: 0, cashOut: 0, net: 0 });
  });

  it('runs a shift: float, cash and wallet sales, a partial refund, cash in and out; it closes with the over/short to the fen', async () => {
    const opened = await t.ok(cashier, 'shift.open', { float: 20_000 });
    // Blind count: the cashier's answer has no cash figures; the owner's view has them.
    expect(opened).toMatchObject({ blind: true, cash: null });
    expect((await t.ok(owner, 'shift.current', {}))!.cash).toEqual({ float: 20_000, tendered: 0, change: 0, kept: 0, cashRefunds: 0, cashIn: 0, cashOut: 0, expected: 20_000 });
    expect(await t.call(owner, 'shift.open', { float: 0 })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'shift_open', shiftId: opened.shiftId } } });

    // Cash sale with change, another cash sale, a wallet sale.
    const first = await ring([[0, 2], [1, 1]]);
    const handed = Math.ceil((first.cashDue + 1) / 10_000) * 10_000;
    const sold = await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: handed }] });
    expect(sold.change).toBe(handed - first.cashDue);
    const second = await ring([[2, 1]]);
    await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: second.cashDue }] });
    const third = await ring([[1, 3]]);
    expect((await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') })).status).toBe('paid');

    // A partial cash refund of the first sale, a partial wallet refund of the third.
    const cashRefund = await t.ok(owner, 'refund.request', { saleId: first.saleId, lines: [{ lineNo: 1, quantityMilli: 1000 }], reason: '退货' });
    expect(cashRefund).toMatchObject({ status: 'refunded', cashAmount: first.lines[0]!.net / 2 });
    const walletRefund = await t.ok(cashier, 'refund.request', { saleId: third.saleId, lines: [{ lineNo: 1, quantityMilli: 1000 }], reason: '退货', approval: ownerApproval() });
    expect(walletRefund).toMatchObject({ status: 'refunded', walletAmount: third.lines[0]!.net / 3, cashAmount: 0 });

    // Cash in by the cashier; a cash-out needs the owner's PIN from a cashier; not more than the drawer holds.
    await t.ok(cashier, 'shift.cashIn', { amount: 5_000, reason: '补零钱' });
    expect(await t.call(cashier, 'shift.cashOut', { amount: 3_000, reason: '存银行' })).toMatchObject({ ok: false, error: { code: 'forbidden', details: { needsApproval: true } } });
    expect(await t.call(cashier, 'shift.cashOut', { amount: 3_000, reason: '存银行', approval: { userId: ownerId, pin: '0000' } })).toMatchObject({
      ok: false,
      error: { code: 'wrong_pin' },
    });
    const ownersView = (await t.ok(owner, 'shift.current', {}))!;
    if (ownersView.blind) throw new Error('the owner’s view is never blind');
    const drawer = ownersView.cash.expected;
    expect(await t.call(owner, 'shift.cashOut', { amount: drawer + 1, reason: '存银行' })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { reason: 'exceeds_drawer', available: drawer } },
    });
    const afterOut = await t.ok(cashier, 'shift.cashOut', { amount: 3_000, reason: '存银行', approval: ownerApproval() });
    expect(afterOut.movements.map((m) => [m.kind, m.amount, m.reason, m.approvedBy?.id ?? null])).toEqual([
      ['in', 5_000, '补零钱', null],
      ['out', 3_000, '存银行', ownerId],
    ]);

    // Expected cash from the facts: float + cash kept by sales − cash refunded + in − out.
    const kept = t.query<{ v: number }>("SELECT coalesce(sum(amount), 0) AS v FROM sale_tender WHERE kind = 'cash'")[0]!.v;
    const changeGiven = t.query<{ v: number }>('SELECT coalesce(sum(change_given), 0) AS v FROM sale')[0]!.v;
    const tendered = t.query<{ v: number }>("SELECT coalesce(sum(tendered), 0) AS v FROM sale_tender WHERE kind = 'cash'")[0]!.v;
    expect(kept).toBe(first.cashDue + second.cashDue);
    expect(tendered - changeGiven).toBe(kept);
    const expected = 20_000 + kept - cashRefund.cashAmount + 5_000 - 3_000;
    // The owner's shift.current has the expected cash to the fen.
    const full = (await t.ok(owner, 'shift.current', {}))!;
    expect(full.blind).toBe(false);
    expect(full.cash).toEqual({ float: 20_000, tendered, change: changeGiven, kept, cashRefunds: cashRefund.cashAmount, cashIn: 5_000, cashOut: 3_000, expected });
    // The cashier's shift.current (and her cash-out answer) has no expected figure nor its parts: her own movements only.
    const blindView = (await t.ok(cashier, 'shift.current', {}))!;
    expect(afterOut).toMatchObject({ blind: true, cash: null });
    expect(blindView).toMatchObject({ shiftId: opened.shiftId, blind: true, cash: null, counted: null, overShort: null });
    expect(blindView.movements.map((m) => [m.kind, m.amount])).toEqual([
      ['in', 5_000],
      ['out', 3_000],
    ]);
    expect(JSON.stringify(blindView)).not.toMatch(/expected|kept|tendered|float|cashRefunds|cashIn|cashOut/);

    // A wallet payment still waiting for the customer's PIN keeps the shift open, and the refusal names it.
    await ring([[0, 1]]);
    const waiting = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('alipay', '1150') });
    expect(waiting.status).toBe('pending');
    const orderNo = t.query<{ client_sn: string }>('SELECT client_sn FROM payment WHERE id = ?', waiting.paymentId)[0]!.client_sn;
    const refused = await t.call(cashier, 'shift.close', { counted: expected });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'unresolved', payments: [{ paymentId: waiting.paymentId, orderNo }] } } });
    expect((refused as { error: { details: { jobs: { kind: string }[] } } }).error.details.jobs.map((j) => j.kind)).toContain('payment.query');
    await expect.poll(() => t.query<{ status: string }>('SELECT status FROM payment WHERE id = ?', waiting.paymentId)[0]!.status, { timeout: 15_000 }).toBe('paid');
    await expect.poll(async () => (await t.ok(cashier, 'payment.status', {})).pendingJobs, { timeout: 15_000 }).toBe(0);

    const closed = await t.ok(cashier, 'shift.close', { counted: expected - 50, note: '少了五毛' });
    expect(closed).toMatchObject({ counted: expected - 50, overShort: -50, note: '少了五毛', cash: { expected } });
    expect(closed.closedAt).not.toBeNull();
    expect(await t.call(cashier, 'shift.close', { counted: 0 })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'no_open_shift' } } });
    expect(t.query<{ action: string }>("SELECT action FROM audit_log WHERE action LIKE 'shift.%' ORDER BY seq").map((r) => r.action)).toEqual([
      'shift.open',
      'shift.cashIn',
      'shift.cashOut',
      'shift.close',
    ]);
    expect((await t.ok(owner, 'shift.list', {}))[0]).toEqual(closed);
  });

  it('reports the day to the fen (X), takes the Z once, and the next day starts at zero', async () => {
    // Independent figures from the facts.
    const sales = t.query<{ subtotal: number; discount_total: number; total: number; rounding: number; tax_total: number }>(
      "SELECT subtotal, discount_total, total, rounding, tax_total FROM sale WHERE status = 'completed'",
    );
    const refunds = t.query<{ amount: number; cash_amount: number; wallet_amount: number; tender_kind: string }>("SELECT * FROM refund WHERE status = 'refunded'");
    const sum = <T>(rows: T[], f: (r: T) => number) => rows.reduce((s, r) => s + f(r), 0);
    const gross = sum(sales, (s) => s.subtotal);
    const salesTotal = sum(sales, (s) => s.total);
    const rounding = sum(sales, (s) => s.rounding);
    const refunded = sum(refunds, (r) => r.amount);

    const x = await t.ok(owner, 'report.x', {});
    expect(x).toMatchObject({ kind: 'x', gross, sales: salesTotal, rounding, refunds: refunded, net: salesTotal + rounding - refunded });
    expect(x.counts).toMatchObject({ sales: 4, refunds: 2, voids: 0 });
    expect(x.counts.items).toBe(2 + 1 + 1 + 3 + 1);
    expect(sum(x.tenders, (r) => r.net)).toBe(x.net);
    expect(sum(x.tenders, (r) => r.amount)).toBe(salesTotal + rounding);
    const cash = x.tenders.find((r) => r.kind === 'cash')!;
    const wechat = x.tenders.find((r) => r.kind === 'wechat')!;
    const alipay = x.tenders.find((r) => r.kind === 'alipay')!;
    expect(cash).toMatchObject({ count: 2, refundCount: 1, refunds: sum(refunds, (r) => r.cash_amount) });
    expect(wechat).toMatchObject({ count: 1, refundCount: 1, refunds: sum(refunds, (r) => r.wallet_amount) });
    expect(x.wallets.map((w) => w.kind)).toEqual(['wechat', 'alipay']);
    expect(alipay.refunds).toBe(0);
    expect(sum(x.taxes, (r) => r.netTax)).toBe(x.tax);
    expect(sum(x.taxes, (r) => r.tax)).toBe(sum(sales, (s) => s.tax_total));
    expect(sum(x.hours, (h) => h.amount)).toBe(salesTotal + rounding);
    expect(x.cashiers).toEqual([expect.objectContaining({ name: '收银员 01', count: 4, amount: salesTotal + rounding, refundCount: 1 }), expect.objectContaining({ name: '店长', count: 0, refundCount: 1 })]);
    expect(x.cash).toMatchObject({ cashIn: 5_000, cashOut: 3_000, refunds: sum(refunds, (r) => r.cash_amount) });

    const z = await t.ok(owner, 'report.takeZ', {});
    expect(z).toMatchObject({ kind: 'z', zNo: 1, from: null, gross, net: x.net, tax: x.tax, takenBy: { id: ownerId } });
    expect({ ...z, kind: 'x', zNo: null, to: x.to, takenBy: null }).toEqual(x);
    const again = await t.call(owner, 'report.takeZ', {});
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'day_closed', zNo: 1, businessDate: z.businessDate } } });
    expect(await t.ok(owner, 'report.getZ', { zNo: 1 })).toEqual(z);
    expect(await t.ok(owner, 'report.listZ', {})).toEqual([{ zNo: 1, businessDate: z.businessDate, from: null, to: z.to, salesCount: 4, gross, refunds: refunded, net: z.net, tax: z.tax }]);
    expect(await t.call(owner, 'report.getZ', { zNo: 2 })).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // After the Z: the next business day, empty.
    const next = await t.ok(owner, 'report.x', {});
    expect(next).toMatchObject({ from: z.to, gross: 0, net: 0, refunds: 0, tenders: [] });
    expect(next.businessDate).toBe(addDays(z.businessDate, 1));
    // No printer configured: a clear refusal, the Z stays taken.
    expect(await t.call(owner, 'report.print', { zNo: 1 })).toMatchObject({ ok: false, error: { code: 'unavailable', details: { reason: 'no_printer' } } });
  });

  it('charts the day by hour and the wallet mix', async () => {
    const today = businessDateOf(new Date(), defaultBusinessDayRule()); // the Z's business day, as the charts and exports use
    const chart = await t.ok(owner, 'chart.hourly', {});
    expect(chart.date).toBe(today);
    expect(chart.hours).toHaveLength(24);
    const takings = t.query<{ v: number }>("SELECT sum(total + rounding) AS v FROM sale WHERE status = 'completed'")[0]!.v;
    expect(chart.hours.reduce((s, h) => s + h.amount, 0)).toBe(takings);
    expect(chart.hours.reduce((s, h) => s + h.compareAmount, 0)).toBe(0);
    const mix = await t.ok(owner, 'chart.walletMix', { from: today, to: today });
    expect(mix.kinds.map((k) => k.kind).sort()).toEqual(['alipay', 'cash', 'wechat']);
    expect(mix.kinds.reduce((s, k) => s + k.amount, 0)).toBe(takings);
    expect(await t.call(owner, 'chart.walletMix', { from: today, to: '2000-01-01' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });

  it('exports sales as UTF-8 CSV with a BOM, read back in pages; names cannot leave the exports folder', async () => {
    const today = businessDateOf(new Date(), defaultBusinessDayRule()); // the Z's business day, as the charts and exports use
    const made = await t.ok(owner, 'export.create', { kind: 'sales', from: today, to: today });
    expect(made.rows).toBe(4);
    const page = await t.ok(owner, 'export.read', { name: made.name, offset: 0 });
    expect(page).toMatchObject({ offset: 0, size: made.bytes, bytes: made.bytes, done: true });
    const text = Buffer.from(page.data, 'base64').toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trimEnd().split('\r\n');
    // Column names and statuses in the receipt language (Chinese here), a column per tender, the receipt number as printed.
    expect(lines[0]).toBe('单号,营业日,结账时间,状态,收银员,行数,商品金额,优惠,应收,抹零,税额,现金,微信支付,支付宝,云闪付,数字人民币,京东支付,翼支付,其他,找零,已退款,作废原因,币种');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toContain('收银员 01');
    expect(lines[1]).toMatch(/^[0-9A-Z]{4}-\d{6},\d{4}-\d\d-\d\d,[^,]+,已完成,/);
    expect(text).not.toMatch(/cash:|wechat:/);
    const english = await t.ok(owner, 'export.create', { kind: 'sales', from: today, to: today, language: 'en' });
    const englishText = Buffer.from((await t.ok(owner, 'export.read', { name: english.name, offset: 0 })).data, 'base64').toString('utf8');
    expect(englishText.slice(1, englishText.indexOf('\r\n'))).toBe(
      'Receipt no.,Business date,Closed at,Status,Cashier,Lines,Gross,Discounts,Total,Rounding,Tax,Cash,WeChat Pay,Alipay,UnionPay QuickPass,e-CNY,JD Pay,BestPay,Other,Change,Refunded,Void reason,Currency',
    );
    const payments = await t.ok(owner, 'export.create', { kind: 'payments', from: today, to: today });
    expect(payments.rows).toBe(2);
    const closedDay = (await t.ok(owner, 'report.listZ', {}))[0]!.businessDate;
    const zs = await t.ok(owner, 'export.create', { kind: 'zreports', from: closedDay, to: closedDay });
    expect(zs.rows).toBe(1);
    expect(t.query<{ subject: string }>("SELECT subject FROM audit_log WHERE action = 'export.create' ORDER BY seq").map((r) => r.subject)).toEqual([made.name, english.name, payments.name, zs.name]);
    for (const name of ['../pos.sqlite', 'sales-20260101-20260101-AAAAAAAAAA.csv/../../pos.sqlite', '/etc/passwd']) {
      expect(await t.call(owner, 'export.read', { name, offset: 0 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    }
    expect(await t.call(owner, 'export.read', { name: 'sales-20260101-20260101-AAAAAAAAAA.csv', offset: 0 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
