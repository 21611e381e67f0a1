import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-common/roles';
import type { AlipaySandbox } from '../../src-main/acquirer/alipay/sandbox';
import { startWechatV2Sandbox, type WechatV2Sandbox } from '../../src-main/acquirer/wechat/sandbox-v2';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { makeAlipayKeys, startTestAlipaySandbox, testAlipaySettings } from '../helpers/alipay-sandbox';
import { settledPayment as settledWhole, startDirectProviderTill, type SettledPayment } from '../helpers/direct-provider';
import { type TestPos } from '../helpers/pos';
import { buildFact, unackedFacts } from '../../src-main/sync/facts';
import { RefundFact } from '../../src-common/sync-protocol';
import { tempDir } from '../helpers/host';
import { makeWechatCertificates, TEST_MERCHANT, testWechatSettings } from '../helpers/wechat-sandbox';

/**
 * One sale paid in parts across providers on ONE till (issue 18): WeChat → WeChat Pay v2 direct, Alipay → Alipay
 * direct, UnionPay → the aggregator (its embedded sandbox), each over real HTTP(S) to its own sandbox. Each ledger
 * must hold exactly its part, to the fen; the sale completes once, with one tender per part; the paid parts freeze
 * the sale; a failed or unknown part leaves the rest due; refunds go back part by part to each provider.
 */
describe('one sale paid in parts across WeChat direct, the aggregator and Alipay direct', () => {
  let wechat: WechatV2Sandbox;
  /** How far the WeChat sandbox's clock runs ahead (its reversal window is 7 days). */
  let wechatAheadMs = 0;
  let alipay: AlipaySandbox;
  let t: TestPos;
  let cashier: Session;
  let owner: Session;
  /** A product at ¥10.00: ten make a ¥100.00 sale. */
  let tenYuan: { barcode: string; price: number };

  beforeAll(async () => {
    const certs = makeWechatCertificates();
    const keys = makeAlipayKeys();
    wechat = await startWechatV2Sandbox({
      dbPath: join(tempDir('wechat-sandbox-'), 'wechat-v2.sqlite'),
      tls: { cert: certs.server.cert, key: certs.server.key, clientCa: certs.merchantCa },
      merchant: TEST_MERCHANT,
      scale: 0.02,
      now: () => new Date(Date.now() + wechatAheadMs),
    });
    alipay = await startTestAlipaySandbox(keys, { scale: 0.02 });
    t = await startDirectProviderTill();
    const technician = await t.signedIn('technician');
    cashier = await t.signedIn('cashier');
    owner = await t.signedIn('owner');
    await t.ok(technician, 'gateway.setWechatV2', testWechatSettings(wechat, certs));
    await t.ok(technician, 'gateway.setAlipay', testAlipaySettings(alipay, keys));
    await t.ok(technician, 'gateway.setRoutes', {
      routes: [
        { wallet: 'wechat', provider: 'wechat_v2' },
        { wallet: 'alipay', provider: 'alipay' },
      ],
    });
    const product = (await t.ok(cashier, 'catalog.search', { query: 'AD钙奶' })).find((p) => p.price === 1000)!;
    tenYuan = { barcode: product.barcodes[0]!, price: product.price };
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await wechat?.close();
    await alipay?.close();
  });

  /** An open sale of `count` × ¥10.00. */
  async function saleOfTenYuan(count: number) {
    const first = await t.ok(cashier, 'sale.scan', { code: tenYuan.barcode });
    if (count > 1) await t.ok(cashier, 'sale.setQuantity', { lineId: first.lines[0]!.lineId, quantityMilli: count * 1000 });
    const cart = (await t.ok(cashier, 'sale.current', {}))!;
    expect(cart.total).toBe(count * tenYuan.price);
    return cart;
  }

  /** The aggregator sandbox's successful transactions of an order: [type, amount]. */
  function aggregatorLedger(clientSn: string): { type: string; amount: number }[] {
    const db = new Sqlite(join(t.dataDir, 'sandbox-acquirer.sqlite'), { readonly: true });
    try {
      return db.prepare("SELECT type, amount FROM txn WHERE client_sn = ? AND status = 'SUCCESS' ORDER BY rowid").all(clientSn) as { type: string; amount: number }[];
    } finally {
      db.close();
    }
  }

  /**
   * A part once it is final; when paid, once its sale is completed or still open with more due (the helper of the
   * whole-sale tests waits for the sale's completion).
   */
  async function settledPayment(t: TestPos, paymentId: string): Promise<SettledPayment> {
    const until = Date.now() + 10_000;
    for (;;) {
      const [row] = t.query<SettledPayment & { sale_id: string }>(
        'SELECT p.status, p.failure_code, s.status AS sale_status, p.provider, p.client_sn, p.amount, p.acquirer_sn, p.sale_id FROM payment p JOIN sale s ON s.id = p.sale_id WHERE p.id = ?',
        paymentId,
      );
      const final = row && ['paid', 'failed', 'reversed', 'needs_attention'].includes(row.status);
      if (final && row.status !== 'paid') return row;
      if (final && row.sale_status === 'completed') return row;
      if (final && row.sale_status === 'open') {
        const cart = await t.ok(cashier, 'sale.current', {});
        if (cart?.saleId === row.sale_id && (cart.stillDue ?? 0) > 0) return row;
      }
      if (Date.now() > until) throw new Error(`payment ${paymentId} still ${row?.status}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  void settledWhole;

  async function refundSettled(refundId: string) {
    const until = Date.now() + 15_000;
    for (;;) {
      const [row] = t.query<{ status: string; provider: string; wallet_amount: number; cash_amount: number; payment_id: string | null }>(
        'SELECT status, provider, wallet_amount, cash_amount, payment_id FROM refund WHERE id = ?',
        refundId,
      );
      if (row && ['refunded', 'failed', 'needs_attention'].includes(row.status)) return row;
      if (Date.now() > until) throw new Error(`refund ${refundId} still ${row?.status}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  let splitSale: { saleId: string; parts: { paymentId: string; clientSn: string; provider: string; amount: number }[] };

  it('pays ¥100.00 as ¥30.00 WeChat direct + ¥50.00 UnionPay (aggregator) + ¥20.00 Alipay direct: three ledgers, three tenders, one sale', async () => {
    const xBefore = await t.ok(owner, 'report.x', {});
    const cart = await saleOfTenYuan(10);
    expect(cart.total).toBe(10000);

    // Part 1: ¥30.00 by WeChat, to WeChat Pay direct.
    const first = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000'), amount: 3000 });
    expect(first).toMatchObject({ status: 'paid', amount: 3000, remaining: 7000, failureCode: null });
    const firstRow = await settledPayment(t, first.paymentId);
    expect(firstRow).toMatchObject({ status: 'paid', provider: 'wechat_v2', amount: 3000, sale_status: 'open' });

    // The sale stays open, frozen, with the part shown and the rest due.
    const open = (await t.ok(cashier, 'sale.current', {}))!;
    expect(open).toMatchObject({ saleId: cart.saleId, total: 10000, stillDue: 7000, cashDue: 7000 });
    expect(open.paidParts).toEqual([{ paymentId: first.paymentId, wallet: 'wechat', maskedCode: expect.stringMatching(/\*+0000$/), amount: 3000 }]);
    for (const [name, input] of [
      ['sale.scan', { code: tenYuan.barcode }],
      ['sale.setQuantity', { lineId: cart.lines[0]!.lineId, quantityMilli: 1000 }],
      ['sale.removeLine', { lineId: cart.lines[0]!.lineId }],
      ['sale.setOrderDiscount', { discount: { kind: 'percent', basisPoints: 1000 } }],
      ['sale.suspend', {}],
      ['sale.void', { reason: '顾客走了' }],
    ] as const) {
      const result = await t.call(owner, name, input as never);
      expect(result, name).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'paid_parts', paid: 3000, stillDue: 7000 } } });
    }
    expect((await t.ok(cashier, 'sale.current', {}))!.total).toBe(10000);

    // A part is 1 ≤ amount ≤ what is still due, refused before anything is sent.
    const tooMuch = await t.call(cashier, 'payment.payByCode', { code: sandboxPaymentCode('unionpay', '0000'), amount: 7001 });
    expect(tooMuch).toMatchObject({ ok: false, error: { code: 'validation_failed', details: { reason: 'exceeds_due', stillDue: 7000 } } });
    expect(await t.call(cashier, 'payment.payByCode', { code: sandboxPaymentCode('unionpay', '0000'), amount: 0 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await t.call(cashier, 'payment.payByCode', { code: sandboxPaymentCode('unionpay', '0000'), amount: 12.5 })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(t.query('SELECT count(*) AS n FROM payment WHERE sale_id = ?', cart.saleId)).toEqual([{ n: 1 }]);

    // Part 2: ¥50.00 by UnionPay, through the aggregator.
    const second = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('unionpay', '0000'), amount: 5000 });
    expect(second).toMatchObject({ status: 'paid', amount: 5000, remaining: 2000 });
    const secondRow = await settledPayment(t, second.paymentId);
    expect(secondRow).toMatchObject({ provider: 'aggregator', sale_status: 'open' });

    // Part 3: Alipay for all that is still due (no amount given).
    const third = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('alipay', '0000') });
    expect(third.amount).toBe(2000);
    const thirdRow = await settledPayment(t, third.paymentId);
    expect(thirdRow).toMatchObject({ status: 'paid', provider: 'alipay', sale_status: 'completed' });
    expect(await t.ok(cashier, 'sale.current', {})).toBeNull();

    // Each provider's own ledger holds exactly its part, and no other part.
    expect(wechat.order(firstRow.client_sn)).toMatchObject({ tradeState: 'SUCCESS', totalFee: 3000, refunded: 0 });
    expect(aggregatorLedger(secondRow.client_sn)).toEqual([{ type: 'pay', amount: 5000 }]);
    expect(alipay.order(thirdRow.client_sn)).toMatchObject({ tradeStatus: 'TRADE_SUCCESS', totalAmount: 2000, refunded: 0 });
    expect(wechat.order(secondRow.client_sn)).toBeUndefined();
    expect(wechat.order(thirdRow.client_sn)).toBeUndefined();
    expect(alipay.order(firstRow.client_sn)).toBeUndefined();
    expect(aggregatorLedger(firstRow.client_sn)).toEqual([]);
    expect(aggregatorLedger(thirdRow.client_sn)).toEqual([]);

    // One completed sale, one tender per part with its payment, wallet and masked code.
    expect(t.query('SELECT status, total, change_given AS change FROM sale WHERE id = ?', cart.saleId)).toEqual([{ status: 'completed', total: 10000, change: 0 }]);
    expect(t.query('SELECT kind, amount, tendered, payment_id AS paymentId, reference FROM sale_tender WHERE sale_id = ? ORDER BY seq', cart.saleId)).toEqual([
      { kind: 'wechat', amount: 3000, tendered: 3000, paymentId: first.paymentId, reference: expect.stringMatching(/0000$/) },
      { kind: 'unionpay', amount: 5000, tendered: 5000, paymentId: second.paymentId, reference: expect.stringMatching(/0000$/) },
      { kind: 'alipay', amount: 2000, tendered: 2000, paymentId: third.paymentId, reference: expect.stringMatching(/0000$/) },
    ]);
    // The sale's completion was queued with each part and ran once: no completion job is left open.
    expect(t.query("SELECT count(*) AS n FROM job WHERE kind = 'payment.completeSale' AND status IN ('queued', 'running')")).toEqual([{ n: 0 }]);

    // The day's report counts the sale once, its parts under their own tenders.
    const x = await t.ok(owner, 'report.x', {});
    expect(x.counts.sales - xBefore.counts.sales).toBe(1);
    expect(x.sales - xBefore.sales).toBe(10000);
    const tenderOf = (r: typeof x, kind: string) => r.tenders.find((row) => row.kind === kind) ?? { count: 0, amount: 0 };
    for (const [kind, amount] of [
      ['wechat', 3000],
      ['unionpay', 5000],
      ['alipay', 2000],
    ] as const) {
      expect({ kind, count: tenderOf(x, kind).count - tenderOf(xBefore, kind).count, amount: tenderOf(x, kind).amount - tenderOf(xBefore, kind).amount }).toEqual({ kind, count: 1, amount });
    }
    splitSale = {
      saleId: cart.saleId,
      parts: [firstRow, secondRow, thirdRow].map((r, i) => ({ paymentId: [first, second, third][i]!.paymentId, clientSn: r.client_sn, provider: r.provider, amount: r.amount })),
    };
  });

  it('refunds the split sale part by part, each to its own provider, never more than its part; the Z report nets each tender to zero', async () => {
    const [wechatPart, unionpayPart, alipayPart] = splitSale.parts;
    const xBefore = await t.ok(owner, 'report.x', {});
    const refunded: { provider: string; wallet_amount: number; payment_id: string | null }[] = [];
    // ¥50.00 first: only the UnionPay part can take it back whole, so it goes there (not ¥30.00 WeChat + the rest).
    for (const part of [unionpayPart!, wechatPart!, alipayPart!]) {
      const refund = await t.ok(owner, 'refund.request', { saleId: splitSale.saleId, amount: part.amount, reason: '退货' });
      const row = await refundSettled(refund.refundId);
      expect(row.status).toBe('refunded');
      refunded.push({ provider: row.provider, wallet_amount: row.wallet_amount, payment_id: row.payment_id });
    }
    expect(refunded).toEqual([unionpayPart!, wechatPart!, alipayPart!].map((p) => ({ provider: p.provider, wallet_amount: p.amount, payment_id: p.paymentId })));
    expect(wechat.order(wechatPart!.clientSn)).toMatchObject({ totalFee: 3000, refunded: 3000 });
    expect(aggregatorLedger(unionpayPart!.clientSn)).toEqual([
      { type: 'pay', amount: 5000 },
      { type: 'refund', amount: 5000 },
    ]);
    expect(alipay.order(alipayPart!.clientSn)).toMatchObject({ totalAmount: 2000, refunded: 2000 });
    expect(await t.call(owner, 'refund.request', { saleId: splitSale.saleId, amount: 1, reason: '退货' })).toMatchObject({ ok: false, error: { details: { reason: 'nothing_left' } } });

    // The Z report: each part's tender took its amount and gave it back, once.
    const z = await t.ok(owner, 'report.takeZ', {});
    const tenderOf = (kind: string) => z.tenders.find((row) => row.kind === kind)!;
    const before = (kind: string) => xBefore.tenders.find((row) => row.kind === kind)!;
    for (const part of splitSale.parts) {
      const kind = { wechat_v2: 'wechat', aggregator: 'unionpay', alipay: 'alipay' }[part.provider]!;
      expect({ kind, refundCount: tenderOf(kind).refundCount - before(kind).refundCount, refunds: tenderOf(kind).refunds - before(kind).refunds }).toEqual({ kind, refundCount: 1, refunds: part.amount });
      expect(tenderOf(kind).amount).toBe(before(kind).amount);
    }
    expect(z.refunds - xBefore.refunds).toBe(10000);
  });

  /** A completed sale of `count` × ¥10.00 paid by the given parts (wallet code per part; the last may be cash). */
  async function splitSaleOf(count: number, parts: readonly { wallet: 'wechat' | 'alipay' | 'unionpay' | 'cash'; amount: number }[]) {
    const cart = await saleOfTenYuan(count);
    const paid: { paymentId: string; clientSn: string; provider: string; amount: number; wallet: string }[] = [];
    for (const part of parts) {
      if (part.wallet === 'cash') {
        await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: part.amount }] });
        continue;
      }
      const p = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode(part.wallet, '0000'), amount: part.amount });
      const row = await settledPayment(t, p.paymentId);
      expect(row.status).toBe('paid');
      paid.push({ paymentId: p.paymentId, clientSn: row.client_sn, provider: row.provider, amount: part.amount, wallet: part.wallet });
    }
    expect(t.query('SELECT status FROM sale WHERE id = ?', cart.saleId)).toEqual([{ status: 'completed' }]);
    return { saleId: cart.saleId, parts: paid };
  }

  /** A refund once every leg is final (refunded, failed or waiting for a person). */
  async function groupSettled(refundId: string) {
    const until = Date.now() + 15_000;
    for (;;) {
      const legs = t.query<{ id: string; leg_no: number; status: string; provider: string; tender_kind: string; wallet_amount: number; cash_amount: number; payment_id: string | null; receipt_no: number | null; failure_code: string | null }>(
        'SELECT id, leg_no, status, provider, tender_kind, wallet_amount, cash_amount, payment_id, receipt_no, failure_code FROM refund WHERE refund_group = ? ORDER BY leg_no',
        refundId,
      );
      if (legs.length && legs.every((l) => ['refunded', 'failed', 'needs_attention'].includes(l.status))) return legs;
      if (Date.now() > until) throw new Error(`refund ${refundId} still ${legs.map((l) => l.status).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('refunds a ¥100.00 sale paid ¥60.00 WeChat + ¥40.00 Alipay in one action: a leg to each provider, one receipt listing both', async () => {
    const sale = await splitSaleOf(10, [
      { wallet: 'wechat', amount: 6000 },
      { wallet: 'alipay', amount: 4000 },
    ]);
    const [w, a] = sale.parts;
    const xBefore = await t.ok(owner, 'report.x', {});
    // Everything: all the lines, all the money.
    const refund = await t.ok(owner, 'refund.request', { saleId: sale.saleId, reason: '整单退货' });
    expect(refund).toMatchObject({ amount: 10000, walletAmount: 10000, cashAmount: 0 });
    expect(refund.legs?.map((l) => [l.leg, l.tenderKind, l.walletAmount])).toEqual([
      [1, 'wechat', 6000],
      [2, 'alipay', 4000],
    ]);
    const legs = await groupSettled(refund.refundId);
    expect(legs).toEqual([
      expect.objectContaining({ leg_no: 1, status: 'refunded', provider: 'wechat_v2', tender_kind: 'wechat', wallet_amount: 6000, cash_amount: 0, payment_id: w!.paymentId }),
      expect.objectContaining({ leg_no: 2, status: 'refunded', provider: 'alipay', tender_kind: 'alipay', wallet_amount: 4000, cash_amount: 0, payment_id: a!.paymentId }),
    ]);
    expect(legs[0]!.id).toBe(refund.refundId);
    // Each provider's own ledger gave back exactly its part, once.
    expect(wechat.order(w!.clientSn)).toMatchObject({ totalFee: 6000, refunded: 6000 });
    expect(alipay.order(a!.clientSn)).toMatchObject({ totalAmount: 4000, refunded: 4000 });
    // The lines (and the stock) on the last leg: all ten back.
    expect(t.query('SELECT refund_id, quantity_milli, amount FROM refund_line WHERE refund_id IN (?, ?)', legs[0]!.id, legs[1]!.id)).toEqual([{ refund_id: legs[1]!.id, quantity_milli: 10_000, amount: 10000 }]);
    const whole = await t.ok(owner, 'refund.get', { refundId: refund.refundId });
    expect(whole).toMatchObject({ status: 'refunded', amount: 10000, walletAmount: 10000, receiptNumber: expect.stringMatching(/-R\d{6}$/) });
    expect(await t.ok(owner, 'refund.forSale', { saleId: sale.saleId })).toHaveLength(1);

    // One receipt: both wallets with their amounts, the total, each leg's number.
    const receipt = await t.ok(owner, 'refund.receipt', { refundId: refund.refundId });
    expect(receipt.receipt.total).toBe(10000);
    expect(receipt.receipt.lines.map((l) => [l.quantityMilli, l.net])).toEqual([[10_000, 10000]]);
    expect(receipt.receipt.taxes.reduce((sum, x) => sum + x.taxable, 0)).toBe(10000);
    expect(receipt.receipt.tenders.map((x) => [x.kind, x.amount])).toEqual([
      ['wechat', 6000],
      ['alipay', 4000],
    ]);
    const numbers = whole.legs!.map((l) => l.receiptNumber);
    expect(receipt.text).toContain(`分 2 笔退回：${numbers.join('、')}`);
    expect(receipt.receipt.receiptNumber).toBe(numbers[1]);

    // The day's report: one refund, each leg under its own tender, the tax of the whole refund once.
    const x = await t.ok(owner, 'report.x', {});
    expect(x.counts.refunds - xBefore.counts.refunds).toBe(1);
    expect(x.refunds - xBefore.refunds).toBe(10000);
    const tender = (r: typeof x, kind: string) => r.tenders.find((row) => row.kind === kind) ?? { refunds: 0, refundCount: 0 };
    expect(tender(x, 'wechat').refunds - tender(xBefore, 'wechat').refunds).toBe(6000);
    expect(tender(x, 'alipay').refunds - tender(xBefore, 'alipay').refunds).toBe(4000);
    const taxable = (r: typeof x) => r.taxes.reduce((sum, row) => sum + row.refundTaxable, 0);
    const refundTax = (r: typeof x) => r.taxes.reduce((sum, row) => sum + row.refundTax, 0);
    expect(taxable(x) - taxable(xBefore)).toBe(10000);
    expect(refundTax(x) - refundTax(xBefore)).toBe(receipt.receipt.taxes.reduce((sum, row) => sum + row.tax, 0));
    expect(await t.call(owner, 'refund.request', { saleId: sale.saleId, amount: 1, reason: '退货' })).toMatchObject({ ok: false, error: { details: { reason: 'nothing_left' } } });

    // Sent up as a fact per leg, each a whole refund under its own tender (what a store server of before sums), with its place in the refund.
    const db = new Sqlite(join(t.dataDir, 'pos.sqlite'), { readonly: true });
    try {
      const facts = unackedFacts(db, 0, 100_000)
        .filter((row) => row.kind === 'refund' && (row.ref_id === legs[0]!.id || row.ref_id === legs[1]!.id))
        .map((row) => buildFact(db, row, 1, 'T'))
        .flatMap((built) => (built.ok && built.fact.kind === 'refund' ? [RefundFact.parse(built.fact.payload)] : []));
      expect(facts.map((f) => [f.tenderKind, f.walletAmount, f.cashAmount, f.amount, f.refundGroup, f.leg, f.legs, f.lines.length])).toEqual([
        ['wechat', 6000, 0, 6000, refund.refundId, 1, 2, 0],
        ['alipay', 4000, 0, 4000, refund.refundId, 2, 2, 1],
      ]);
    } finally {
      db.close();
    }
  });

  it('refunds ¥70.00 of a sale paid ¥30.00 WeChat + ¥20.00 Alipay + ¥50.00 cash: the wallet parts first, then ¥20.00 in cash on the last leg', async () => {
    const sale = await splitSaleOf(10, [
      { wallet: 'wechat', amount: 3000 },
      { wallet: 'alipay', amount: 2000 },
      { wallet: 'cash', amount: 5000 },
    ]);
    const [w, a] = sale.parts;
    const refund = await t.ok(owner, 'refund.request', { saleId: sale.saleId, amount: 7000, reason: '退货' });
    const legs = await groupSettled(refund.refundId);
    expect(legs.map((l) => [l.leg_no, l.status, l.tender_kind, l.wallet_amount, l.cash_amount])).toEqual([
      [1, 'refunded', 'wechat', 3000, 0],
      [2, 'refunded', 'alipay', 2000, 2000],
    ]);
    expect(wechat.order(w!.clientSn)).toMatchObject({ refunded: 3000 });
    expect(alipay.order(a!.clientSn)).toMatchObject({ refunded: 2000 });
    const receipt = await t.ok(owner, 'refund.receipt', { refundId: refund.refundId });
    expect(receipt.receipt.tenders.map((x) => [x.kind, x.amount])).toEqual([
      ['wechat', 3000],
      ['alipay', 2000],
      ['cash', 2000],
    ]);
    expect(await t.ok(owner, 'refund.get', { refundId: refund.refundId })).toMatchObject({ status: 'refunded', amount: 7000, walletAmount: 5000, cashAmount: 2000 });
    // What is left is cash only.
    expect(await t.ok(owner, 'refund.refundable', { saleId: sale.saleId })).toMatchObject({ refundable: 3000 });
  });

  it('a leg the acquirer refuses stops the refund there: the legs after it are not sent; retried once it can go, the rest follows', async () => {
    const sale = await splitSaleOf(10, [
      { wallet: 'unionpay', amount: 5000 },
      { wallet: 'wechat', amount: 5000 },
    ]);
    const [u, w] = sale.parts;
    // The aggregator's ledger says its order is fully refunded already (as if refunded elsewhere): it refuses leg 1.
    const setAggregatorOrder = (status: string, refunded: number) => {
      const db = new Sqlite(join(t.dataDir, 'sandbox-acquirer.sqlite'));
      try {
        db.pragma('busy_timeout = 5000');
        expect(db.prepare('UPDATE upay_order SET status = ?, refunded = ? WHERE client_sn = ?').run(status, refunded, u!.clientSn).changes).toBe(1);
      } finally {
        db.close();
      }
    };
    setAggregatorOrder('REFUNDED', 5000);
    const refund = await t.ok(owner, 'refund.request', { saleId: sale.saleId, reason: '整单退货' });
    const legs = await groupSettled(refund.refundId);
    expect(legs.map((l) => [l.leg_no, l.status, l.tender_kind, l.failure_code])).toEqual([
      [1, 'failed', 'unionpay', expect.any(String)],
      [2, 'failed', 'wechat', 'previous_leg_failed'],
    ]);
    expect(wechat.order(w!.clientSn)).toMatchObject({ refunded: 0 });
    expect(aggregatorLedger(u!.clientSn)).toEqual([{ type: 'pay', amount: 5000 }]);
    const failed = await t.ok(owner, 'refund.get', { refundId: refund.refundId });
    expect(failed).toMatchObject({ status: 'failed', failureCode: legs[0]!.failure_code, legs: [{ leg: 1, status: 'failed' }, { leg: 2, status: 'failed', failureCode: 'previous_leg_failed' }] });
    // Nothing was given back, so nothing is reserved: all of it is still refundable; no receipt.
    expect(await t.ok(owner, 'refund.refundable', { saleId: sale.saleId })).toMatchObject({ refundable: 10000 });
    expect(await t.call(owner, 'refund.receipt', { refundId: refund.refundId })).toMatchObject({ ok: false, error: { code: 'conflict' } });

    // The order can be refunded again at the acquirer: retrying the refund (through any of its legs) sends again from
    // its first leg not through (leg 1, same request number), then leg 2.
    setAggregatorOrder('PAID', 0);
    await t.ok(owner, 'refund.retry', { refundId: legs[1]!.id });
    const after = await groupSettled(refund.refundId);
    expect(after.map((l) => [l.leg_no, l.status])).toEqual([
      [1, 'refunded'],
      [2, 'refunded'],
    ]);
    expect(aggregatorLedger(u!.clientSn)).toEqual([
      { type: 'pay', amount: 5000 },
      { type: 'refund', amount: 5000 },
    ]);
    expect(wechat.order(w!.clientSn)).toMatchObject({ refunded: 5000 });
    expect(await t.ok(owner, 'refund.get', { refundId: refund.refundId })).toMatchObject({ status: 'refunded', amount: 10000 });
  });

  it('a leg refused after the one before went through: partly refunded, said so; the report counts the leg that went, with its share of the tax', async () => {
    const sale = await splitSaleOf(10, [
      { wallet: 'wechat', amount: 7000 },
      { wallet: 'unionpay', amount: 3000 },
    ]);
    const [w, u] = sale.parts;
    const ledger = new Sqlite(join(t.dataDir, 'sandbox-acquirer.sqlite'));
    try {
      ledger.pragma('busy_timeout = 5000');
      // The aggregator's order was cancelled at its end: it refuses leg 2.
      expect(ledger.prepare("UPDATE upay_order SET status = 'CANCELED' WHERE client_sn = ?").run(u!.clientSn).changes).toBe(1);
    } finally {
      ledger.close();
    }
    const xBefore = await t.ok(owner, 'report.x', {});
    const refund = await t.ok(owner, 'refund.request', { saleId: sale.saleId, reason: '整单退货' });
    const legs = await groupSettled(refund.refundId);
    expect(legs.map((l) => [l.leg_no, l.status, l.wallet_amount])).toEqual([
      [1, 'refunded', 7000],
      [2, 'failed', 3000],
    ]);
    expect(wechat.order(w!.clientSn)).toMatchObject({ refunded: 7000 });
    expect(aggregatorLedger(u!.clientSn)).toEqual([{ type: 'pay', amount: 3000 }]);
    expect(await t.ok(owner, 'refund.get', { refundId: refund.refundId })).toMatchObject({ status: 'failed', amount: 10000, legs: [{ status: 'refunded' }, { status: 'failed' }] });
    // What went back is taken; the rest (¥30.00 on UnionPay, and the items) can still be refunded.
    expect(await t.ok(owner, 'refund.refundable', { saleId: sale.saleId })).toMatchObject({ refunded: 7000, pending: 0, refundable: 3000 });
    const x = await t.ok(owner, 'report.x', {});
    expect(x.refunds - xBefore.refunds).toBe(7000);
    expect(x.counts.refunds - xBefore.counts.refunds).toBe(1);
    const taxable = (r: typeof x) => r.taxes.reduce((sum, row) => sum + row.refundTaxable, 0);
    expect(taxable(x) - taxable(xBefore)).toBe(7000);
    const rate = x.taxes.find((row) => row.refundTaxable !== (xBefore.taxes.find((b) => b.rateBp === row.rateBp)?.refundTaxable ?? 0))!;
    const before = xBefore.taxes.find((b) => b.rateBp === rate.rateBp) ?? { refundTax: 0 };
    expect(rate.refundTax - before.refundTax).toBe(Math.round((7000 * rate.rateBp) / (10_000 + rate.rateBp)));
  });

  it('voids today’s sale paid ¥30.00 WeChat + ¥50.00 UnionPay (aggregator) + ¥20.00 Alipay: each part reversed through its own provider', async () => {
    const sale = await splitSaleOf(10, [
      { wallet: 'wechat', amount: 3000 },
      { wallet: 'unionpay', amount: 5000 },
      { wallet: 'alipay', amount: 2000 },
    ]);
    const [w, u, a] = sale.parts;
    expect((await t.ok(owner, 'refund.refundable', { saleId: sale.saleId })).voidable).toBe(true);
    const voided = await t.ok(owner, 'refund.voidSale', { saleId: sale.saleId, reason: '收银错误' });
    expect(voided).toMatchObject({ void: true, amount: 10000 });
    const legs = await groupSettled(voided.refundId);
    expect(legs.map((l) => [l.leg_no, l.status, l.provider, l.wallet_amount])).toEqual([
      [1, 'refunded', 'wechat_v2', 3000],
      [2, 'refunded', 'aggregator', 5000],
      [3, 'refunded', 'alipay', 2000],
    ]);
    expect(wechat.order(w!.clientSn)).toMatchObject({ tradeState: 'REVOKED', totalFee: 3000 });
    expect(aggregatorLedger(u!.clientSn)).toEqual([
      { type: 'pay', amount: 5000 },
      { type: 'cancel', amount: 5000 },
    ]);
    expect(alipay.order(a!.clientSn)).toMatchObject({ tradeStatus: 'TRADE_CLOSED', closedBy: 'cancel', refunded: 2000 });
    const receipt = await t.ok(owner, 'refund.receipt', { refundId: voided.refundId });
    expect(receipt.receipt.kind).toBe('void');
    expect(receipt.receipt.tenders.map((x) => [x.kind, x.amount])).toEqual([
      ['wechat', 3000],
      ['unionpay', 5000],
      ['alipay', 2000],
    ]);
    // Voided once: never again.
    expect(await t.call(owner, 'refund.voidSale', { saleId: sale.saleId, reason: '再来' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('a part that fails, or whose request is lost, leaves the rest due and charges nothing; cash takes the rest with change from cash only', async () => {
    const cart = await saleOfTenYuan(8);
    const paid = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000'), amount: 2550 });
    const paidRow = await settledPayment(t, paid.paymentId);

    // Declined (insufficient funds) at Alipay: nothing charged, ¥54.50 still due.
    const declined = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('alipay', '3000'), amount: 3000 });
    const declinedRow = await settledPayment(t, declined.paymentId);
    expect(declinedRow).toMatchObject({ status: 'failed', failure_code: 'insufficient_funds' });
    // HTTP 500 at the aggregator, no order made: unknown, cancelled, failed; nothing charged.
    const lost = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('unionpay', '6000'), amount: 3000 });
    const lostRow = await settledPayment(t, lost.paymentId);
    expect(lostRow.status).toBe('failed');
    expect(aggregatorLedger(lostRow.client_sn)).toEqual([]);
    expect(alipay.order(declinedRow.client_sn)?.tradeStatus).not.toBe('TRADE_SUCCESS');
    const open = (await t.ok(cashier, 'sale.current', {}))!;
    expect(open).toMatchObject({ saleId: cart.saleId, stillDue: 8000 - 2550, cashDue: 8000 - 2550 });
    expect(open.paidParts!.map((p) => p.paymentId)).toEqual([paid.paymentId]);

    // Cash for the rest: ¥60.00 handed over for ¥54.50, ¥5.50 change; a wallet tender typed as an amount is refused.
    expect(await t.call(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: 5000 }] })).toMatchObject({ ok: false, error: { code: 'validation_failed', details: { remaining: 450 } } });
    expect(await t.call(cashier, 'sale.complete', { tenders: [{ kind: 'wechat', amount: 5450 }] })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const done = await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: 6000 }] });
    expect(done).toMatchObject({ saleId: cart.saleId, total: 8000, change: 550 });
    expect(t.query('SELECT kind, amount, tendered, payment_id AS paymentId FROM sale_tender WHERE sale_id = ? ORDER BY seq', cart.saleId)).toEqual([
      { kind: 'wechat', amount: 2550, tendered: 2550, paymentId: paid.paymentId },
      { kind: 'cash', amount: 5450, tendered: 6000, paymentId: null },
    ]);
    expect(wechat.order(paidRow.client_sn)).toMatchObject({ tradeState: 'SUCCESS', totalFee: 2550 });
  });

  it('a sale with paid parts is not voided until its parts are reversed, each through its own provider', async () => {
    await saleOfTenYuan(5);
    const a = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000'), amount: 1000 });
    const b = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('alipay', '0000'), amount: 1500 });
    const c = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('unionpay', '0000'), amount: 500 });
    const rows = [await settledPayment(t, a.paymentId), await settledPayment(t, b.paymentId), await settledPayment(t, c.paymentId)];
    expect(await t.call(cashier, 'sale.void', { reason: '顾客不要了' })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'paid_parts', paid: 3000, stillDue: 2000 } } });

    const reversing = await t.ok(cashier, 'payment.reverseParts', {});
    expect(reversing.map((p) => p.paymentId)).toEqual([a.paymentId, b.paymentId, c.paymentId]);
    // The screens show the parts as going back until each provider answers.
    expect((await t.ok(cashier, 'sale.current', {}))!.paidParts!.map((p) => p.reversing)).toEqual([true, true, true]);
    // While the parts go back, the rest is not taken in cash (the parts would be tenders of a sale while their money
    // goes back), nor is a new part taken.
    expect(await t.call(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: 2000 }] })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'reversing_parts' } } });
    const during = await t.call(cashier, 'payment.payByCode', { code: sandboxPaymentCode('unionpay', '0000') });
    expect(during).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'reversing_parts' } } });

    const until = Date.now() + 10_000;
    while (t.query<{ n: number }>("SELECT count(*) AS n FROM payment WHERE id IN (?, ?, ?) AND status = 'reversed'", a.paymentId, b.paymentId, c.paymentId)[0]!.n < 3) {
      if (Date.now() > until) throw new Error('the parts were not reversed');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(wechat.order(rows[0]!.client_sn)).toMatchObject({ tradeState: 'REVOKED', totalFee: 1000 });
    expect(alipay.order(rows[1]!.client_sn)).toMatchObject({ tradeStatus: 'TRADE_CLOSED', closedBy: 'cancel', totalAmount: 1500, refunded: 1500 });
    expect(aggregatorLedger(rows[2]!.client_sn)).toEqual([
      { type: 'pay', amount: 500 },
      { type: 'cancel', amount: 500 },
    ]);
    // Recorded: who asked, and what each provider said.
    expect(t.query<{ type: string }>("SELECT type FROM payment_event WHERE payment_id = ? AND type LIKE 'part_%' ORDER BY id", a.paymentId).map((e) => e.type)).toEqual([
      'part_reversal_requested',
      'part_reversal',
      'part_reversed',
    ]);
    const unfrozen = (await t.ok(cashier, 'sale.current', {}))!;
    expect(unfrozen).toMatchObject({ stillDue: 5000, paidParts: [] });
    await t.ok(cashier, 'sale.void', { reason: '顾客不要了' });
    expect(await t.ok(cashier, 'sale.current', {})).toBeNull();
  });

  it('a merchant QR can be a part too: Alipay precreates the part, the rest by WeChat code', async () => {
    const cart = await saleOfTenYuan(4);
    const qr = await t.ok(cashier, 'payment.payByQr', { wallet: 'alipay', amount: 1234 });
    expect(qr).toMatchObject({ status: 'pending', amount: 1234, qrCode: expect.any(String) });
    const [pending] = t.query<{ client_sn: string }>('SELECT client_sn FROM payment WHERE id = ?', qr.paymentId);
    expect(alipay.order(pending!.client_sn)).toMatchObject({ tradeStatus: 'WAIT_BUYER_PAY', totalAmount: 1234 });
    // One payment in flight per sale: the next part waits for this one.
    expect(await t.call(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'payment_in_progress' } } });
    alipay.customerPays(pending!.client_sn);
    const qrRow = await settledPayment(t, qr.paymentId);
    expect(qrRow).toMatchObject({ status: 'paid', amount: 1234, sale_status: 'open' });
    const rest = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') });
    expect(rest.amount).toBe(4000 - 1234);
    const restRow = await settledPayment(t, rest.paymentId);
    expect(restRow.sale_status).toBe('completed');
    expect(alipay.order(qrRow.client_sn)).toMatchObject({ tradeStatus: 'TRADE_SUCCESS', totalAmount: 1234 });
    expect(wechat.order(restRow.client_sn)).toMatchObject({ tradeState: 'SUCCESS', totalFee: 4000 - 1234 });
    expect(t.query('SELECT kind, amount FROM sale_tender WHERE sale_id = ? ORDER BY seq', cart.saleId)).toEqual([
      { kind: 'alipay', amount: 1234 },
      { kind: 'wechat', amount: 4000 - 1234 },
    ]);
  });

  it('a part the provider will not reverse stays paid and the sale stays frozen; cash takes the rest', async () => {
    const cart = await saleOfTenYuan(3);
    const part = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000'), amount: 1000 });
    const row = await settledPayment(t, part.paymentId);
    // Eight days later at WeChat: past its 7-day reversal window (REVERSE_EXPIRE).
    wechatAheadMs = 8 * 24 * 3600_000;
    try {
      await t.ok(cashier, 'payment.reverseParts', {});
      const until = Date.now() + 10_000;
      while (t.query<{ n: number }>("SELECT count(*) AS n FROM job WHERE kind = 'payment.reversePart' AND subject = ? AND status = 'failed'", `payment:${part.paymentId}`)[0]!.n === 0) {
        if (Date.now() > until) throw new Error('the reversal did not end');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      wechatAheadMs = 0;
    }
    expect(t.query('SELECT status FROM payment WHERE id = ?', part.paymentId)).toEqual([{ status: 'paid' }]);
    expect(wechat.order(row.client_sn)).toMatchObject({ tradeState: 'SUCCESS', totalFee: 1000 });
    // Shown as paid again, no longer as going back, with WeChat's refusal for the cashier to read.
    expect((await t.ok(cashier, 'sale.current', {}))!.paidParts).toEqual([
      {
        paymentId: part.paymentId,
        wallet: 'wechat',
        maskedCode: expect.any(String),
        amount: 1000,
        reversalFailed: { reason: 'refused', providerMessage: expect.stringContaining('REVERSE_EXPIRE') },
      },
    ]);
    expect(await t.call(cashier, 'sale.void', { reason: '顾客不要了' })).toMatchObject({ ok: false, error: { details: { reason: 'paid_parts' } } });
    const done = await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: 2000 }] });
    expect(done).toMatchObject({ saleId: cart.saleId, change: 0 });
    expect(t.query('SELECT kind, amount FROM sale_tender WHERE sale_id = ? ORDER BY seq', cart.saleId)).toEqual([
      { kind: 'wechat', amount: 1000 },
      { kind: 'cash', amount: 2000 },
    ]);
  });

  it('reverseParts refuses when there is nothing to reverse', async () => {
    await saleOfTenYuan(1);
    expect(await t.call(cashier, 'payment.reverseParts', {})).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'no_paid_parts' } } });
    await t.ok(cashier, 'sale.void', { reason: 'test' });
  });
});
