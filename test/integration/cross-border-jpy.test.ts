/**
 * A store in Japan (JPY, no minor unit) selling to Chinese tourists (issue 18's "Done when"): over real HTTPS to the
 * WeChat Pay v2 and Alipay gateway sandboxes, each with its own configured JPY→CNY rate, one sale is paid by WeChat
 * (v2 direct) and one by Alipay direct, and the WeChat one is refunded in part. The receipts show the yen to the yen
 * and the CNY amounts and rates exactly as the sandboxes' replies gave them (the till computes none of them); the Z
 * report's sales, tenders and refunds are right to the yen; the payment and refund facts sent up carry the payer's side. A CNY
 * store's receipt from the same WeChat sandbox has no cross-border line.
 */
import Sqlite from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPayerAmount } from '../../src-common/cross-border';
import { formatMoney } from '../../src-common/money';
import { blocksToTextLines } from '../../src-common/receipt-text';
import type { Session } from '../../src-common/roles';
import type { AlipaySandbox } from '../../src-main/acquirer/alipay/sandbox';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import type { WechatV2Sandbox } from '../../src-main/acquirer/wechat/sandbox-v2';
import { layoutReport } from '../../src-main/services/reports';
import { buildFact, unackedFacts } from '../../src-main/sync/facts';
import { makeAlipayKeys, startTestAlipaySandbox, testAlipaySettings } from '../helpers/alipay-sandbox';
import { saleOf, settledPayment, startDirectProviderTill } from '../helpers/direct-provider';
import { startTestPos, type TestPos } from '../helpers/pos';
import { makeWechatCertificates, startTestWechatSandbox, testWechatSettings, type WechatCertificates } from '../helpers/wechat-sandbox';

/** The sandboxes' rates, in the test's hands: "1 JPY = <rate> CNY". Different per wallet, as each wallet fixes its own. */
const WECHAT_RATE = '0.0482';
const ALIPAY_RATE = '0.0479';
/** yen × rate in fen, rounded half up, worked out here independently of the sandboxes (rate has 4 decimals). */
const fenAt = (yen: number, rate: string) => Math.floor((yen * Number(rate.replace('0.', '')) + 50) / 100);

interface PaymentRow {
  client_sn: string;
  acquirer_sn: string;
  amount: number;
  currency: string;
  provider: string;
  payer_currency: string | null;
  payer_amount: number | null;
  payer_rate: string | null;
  payer_rate_scale: number | null;
}

async function refundSettled(t: TestPos, saleId: string): Promise<string> {
  const until = Date.now() + 10_000;
  for (;;) {
    const [row] = t.query<{ id: string; status: string }>('SELECT id, status FROM refund WHERE sale_id = ?', saleId);
    if (row && ['refunded', 'failed', 'needs_attention'].includes(row.status)) {
      expect(row.status).toBe('refunded');
      return row.id;
    }
    if (Date.now() > until) throw new Error(`refund of ${saleId} still ${row?.status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a JPY store paid by WeChat Pay and Alipay, the CNY from the wallets’ replies', () => {
  let certs: WechatCertificates;
  let wechat: WechatV2Sandbox;
  let alipay: AlipaySandbox;
  let t: TestPos;
  let cashier: Session;
  let owner: Session;
  let barcode: string;
  let unitPrice: number;
  const sales: Record<'wechat' | 'alipay', { saleId: string; total: number; paymentId: string }> = {} as never;

  beforeAll(async () => {
    certs = makeWechatCertificates();
    const keys = makeAlipayKeys();
    wechat = await startTestWechatSandbox(certs, { scale: 0.02, cnyRates: { JPY: WECHAT_RATE } });
    alipay = await startTestAlipaySandbox(keys, { scale: 0.02, cnyRates: { JPY: ALIPAY_RATE } });
    t = await startTestPos({
      currency: 'JPY',
      acquirer: { sandboxSpeed: 0.02, timeouts: { payMs: 1000, queryMs: 1000, otherMs: 1000 }, timings: { pollIntervalMs: 40, pollDeadlineMs: 1500, cancelRetryMs: 40, maxCancelAttempts: 5 } },
    });
    const technician = await t.signedIn('technician');
    cashier = await t.signedIn('cashier');
    owner = await t.signedIn('owner');
    await t.ok(technician, 'gateway.setWechatV2', testWechatSettings(wechat, certs));
    await t.ok(technician, 'gateway.setAlipay', testAlipaySettings(alipay, keys));
    await t.ok(technician, 'gateway.setRoutes', { routes: [{ wallet: 'wechat', provider: 'wechat_v2' }, { wallet: 'alipay', provider: 'alipay' }] });
    const product = (await t.ok(cashier, 'catalog.search', { query: 'kkkl' }))[0]!;
    barcode = product.barcodes[0]!;
    unitPrice = product.price;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await wechat?.close();
    await alipay?.close();
  });

  const paymentRow = (paymentId: string) =>
    t.query<PaymentRow>('SELECT client_sn, acquirer_sn, amount, currency, provider, payer_currency, payer_amount, payer_rate, payer_rate_scale FROM payment WHERE id = ?', paymentId)[0]!;

  it('pays by WeChat Pay v2 in yen; the customer’s CNY and the rate are kept as the reply gave them', async () => {
    const cart = await saleOf(t, cashier, barcode, 3);
    expect(cart.total).toBe(unitPrice * 3);
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') });
    expect((await settledPayment(t, payment.paymentId)).status).toBe('paid');
    const row = paymentRow(payment.paymentId);
    const order = wechat.order(row.client_sn)!;
    // The request went out in yen, and the ledger charged the customer CNY at its own rate.
    expect(order).toMatchObject({ feeType: 'JPY', totalFee: cart.total, tradeState: 'SUCCESS', rate: WECHAT_RATE, cashFee: fenAt(cart.total, WECHAT_RATE) });
    expect(row).toEqual({
      client_sn: row.client_sn,
      acquirer_sn: order.transactionId,
      amount: cart.total,
      currency: 'JPY',
      provider: 'wechat_v2',
      payer_currency: 'CNY',
      payer_amount: order.cashFee,
      // WeChat v2 writes the rate × 10^8.
      payer_rate: '4820000',
      payer_rate_scale: 8,
    });
    sales.wechat = { saleId: cart.saleId, total: cart.total, paymentId: payment.paymentId };
  });

  it('pays by Alipay direct in yen; pay_amount and trans_pay_rate kept as the reply gave them', async () => {
    const cart = await saleOf(t, cashier, barcode, 5);
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('alipay', '0000') });
    expect((await settledPayment(t, payment.paymentId)).status).toBe('paid');
    const row = paymentRow(payment.paymentId);
    const order = alipay.order(row.client_sn)!;
    expect(order).toMatchObject({ currency: 'JPY', totalAmount: cart.total, tradeStatus: 'TRADE_SUCCESS', rate: ALIPAY_RATE, payAmount: fenAt(cart.total, ALIPAY_RATE) });
    expect(row).toMatchObject({ acquirer_sn: order.tradeNo, amount: cart.total, currency: 'JPY', provider: 'alipay', payer_currency: 'CNY', payer_amount: order.payAmount, payer_rate: ALIPAY_RATE, payer_rate_scale: 0 });
    sales.alipay = { saleId: cart.saleId, total: cart.total, paymentId: payment.paymentId };
  });

  it('prints each receipt in yen with the CNY amount, the rate and the wallet’s transaction id from the reply', async () => {
    const yen = (n: number) => formatMoney(n, 'JPY');
    const cny = (fen: number) => `CNY ${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

    const w = await t.ok(cashier, 'sale.receipt', { saleId: sales.wechat.saleId });
    const wRow = paymentRow(sales.wechat.paymentId);
    expect(w.receipt.currency).toBe('JPY');
    expect(w.receipt.total).toBe(sales.wechat.total);
    expect(w.receipt.tenders).toEqual([
      expect.objectContaining({ kind: 'wechat', amount: sales.wechat.total, crossBorder: { payerCurrency: 'CNY', payerAmount: wRow.payer_amount, rate: { text: '4820000', scale: 8 }, transactionId: wRow.acquirer_sn } }),
    ]);
    const wText = w.text.split('\n').map((l) => l.trim());
    expect(wText).toContain(`标价 JPY ${yen(sales.wechat.total).slice(1)}`);
    expect(wText).toContain(`顾客支付 ${cny(wRow.payer_amount!)}`);
    expect(wText).toContain('汇率 1 JPY = 0.04820000 CNY');
    expect(w.text).toContain(wRow.acquirer_sn);
    expect(wText.some((l) => l.startsWith('微信支付') && l.endsWith(yen(sales.wechat.total)))).toBe(true);
    // The preview (receiptline SVG, one tspan per character) is drawn from the same lines.
    const svgText = w.svg.replace(/<[^>]+>/g, '').replaceAll('&#xa0;', ' ');
    expect(svgText).toContain(`顾客支付 ${cny(wRow.payer_amount!)}`);
    expect(svgText).toContain('汇率 1 JPY = 0.04820000 CNY');

    const a = await t.ok(cashier, 'sale.receipt', { saleId: sales.alipay.saleId });
    const aRow = paymentRow(sales.alipay.paymentId);
    const aText = a.text.split('\n').map((l) => l.trim());
    expect(aText).toContain(`顾客支付 ${cny(aRow.payer_amount!)}`);
    expect(aText).toContain(`汇率 1 JPY = ${ALIPAY_RATE} CNY`);
    expect(a.text).toContain(aRow.acquirer_sn);
  });

  it('refunds part of the WeChat sale in yen; the refund keeps and prints the CNY its reply gives back', async () => {
    const refundYen = unitPrice;
    await t.ok(owner, 'refund.request', { saleId: sales.wechat.saleId, amount: refundYen, reason: '退货' });
    const refundId = await refundSettled(t, sales.wechat.saleId);
    // The refund's share of what the customer paid in CNY (refund_fee / total_fee = cash_refund_fee / cash_fee), half up.
    const cashFee = paymentRow(sales.wechat.paymentId).payer_amount!;
    const expectedCny = Math.floor((2 * cashFee * refundYen + sales.wechat.total) / (2 * sales.wechat.total));
    expect(t.query('SELECT provider, currency, wallet_amount, payer_currency, payer_amount FROM refund WHERE id = ?', refundId)).toEqual([
      { provider: 'wechat_v2', currency: 'JPY', wallet_amount: refundYen, payer_currency: 'CNY', payer_amount: expectedCny },
    ]);
    expect(wechat.order(paymentRow(sales.wechat.paymentId).client_sn)).toMatchObject({ tradeState: 'REFUND', refunded: refundYen, totalFee: sales.wechat.total });
    const receipt = await t.ok(owner, 'refund.receipt', { refundId });
    expect(receipt.text.split('\n').map((l) => l.trim())).toContain(`退回顾客 CNY ${Math.floor(expectedCny / 100)}.${String(expectedCny % 100).padStart(2, '0')}`);
  });

  it('refunds part of the Alipay sale in yen; its reply gives no CNY, so none is kept', async () => {
    await t.ok(owner, 'refund.request', { saleId: sales.alipay.saleId, amount: unitPrice, reason: '退货' });
    const refundId = await refundSettled(t, sales.alipay.saleId);
    expect(t.query('SELECT provider, currency, wallet_amount, payer_currency, payer_amount FROM refund WHERE id = ?', refundId)).toEqual([
      { provider: 'alipay', currency: 'JPY', wallet_amount: unitPrice, payer_currency: null, payer_amount: null },
    ]);
    expect(alipay.order(paymentRow(sales.alipay.paymentId).client_sn)).toMatchObject({ tradeStatus: 'TRADE_SUCCESS', refunded: unitPrice });
  });

  /** The X and Z reports' customer side, worked out from the sandboxes' own ledgers (what each charged and gave back in CNY). */
  function payersFromLedgers() {
    const w = wechat.order(paymentRow(sales.wechat.paymentId).client_sn)!;
    const a = alipay.order(paymentRow(sales.alipay.paymentId).client_sn)!;
    expect(w.cashRefunded).toBeGreaterThan(0);
    return [
      {
        wallet: 'wechat',
        provider: 'wechat_v2',
        payerCurrency: 'CNY',
        count: 1,
        amount: w.totalFee,
        payerAmount: w.cashFee!,
        refundCount: 1,
        refunds: w.refunded,
        payerRefunds: w.cashRefunded!,
        refundsWithoutPayer: 0,
        refundsWithoutPayerAmount: 0,
        net: w.totalFee - w.refunded,
        payerNet: w.cashFee! - w.cashRefunded!,
      },
      {
        wallet: 'alipay',
        provider: 'alipay',
        payerCurrency: 'CNY',
        count: 1,
        amount: a.totalAmount,
        payerAmount: a.payAmount!,
        refundCount: 1,
        refunds: a.refunded,
        // Alipay's refund reply gave no CNY: nothing subtracted for it, and it is said so.
        payerRefunds: 0,
        refundsWithoutPayer: 1,
        refundsWithoutPayerAmount: a.refunded,
        net: a.totalAmount - a.refunded,
        payerNet: a.payAmount!,
      },
    ];
  }

  it('the X report shows, per wallet and provider, the yen and the CNY the customers paid as the replies said', async () => {
    const x = await t.ok(owner, 'report.x', {});
    expect(x.payers).toEqual(payersFromLedgers());
  });

  it('takes a Z report right to the yen and, from the replies, to the fen of CNY: sales, each tender, the refunds', async () => {
    const z = await t.ok(owner, 'report.takeZ', {});
    const total = sales.wechat.total + sales.alipay.total;
    expect(z).toMatchObject({ kind: 'z', currency: 'JPY', sales: total, refunds: 2 * unitPrice, net: total - 2 * unitPrice });
    const tender = (kind: string) => z.tenders.find((x) => x.kind === kind);
    expect(tender('wechat')).toMatchObject({ count: 1, amount: sales.wechat.total, refundCount: 1, refunds: unitPrice, net: sales.wechat.total - unitPrice });
    expect(tender('alipay')).toMatchObject({ count: 1, amount: sales.alipay.total, refundCount: 1, refunds: unitPrice, net: sales.alipay.total - unitPrice });
    const payers = payersFromLedgers();
    expect(z.payers).toEqual(payers);
    // Kept as taken: read back, and as the Z fact the store server receives.
    expect((await t.ok(owner, 'report.getZ', { zNo: z.zNo! })).payers).toEqual(payers);
    const db = new Sqlite(join(t.dataDir, 'pos.sqlite'), { readonly: true });
    try {
      const fact = unackedFacts(db, 0, 10_000)
        .filter((row) => row.kind === 'z_report')
        .map((row) => buildFact(db, row, 1, 'T'))
        .flatMap((built) => (built.ok && built.fact.kind === 'z_report' ? [built.fact.payload] : []));
      expect(fact.map((f) => (f.report as { payers?: unknown }).payers)).toEqual([payers]);
    } finally {
      db.close();
    }

    // Printed: each wallet and provider in yen, then the customers' CNY; the refund without a CNY amount said plainly.
    const lines = blocksToTextLines(layoutReport(z, 48, 'zh-CN', 'Asia/Tokyo'), 48).map((l) => l.replace(/\s+/g, ' ').trim());
    const [w, a] = payers;
    const at = lines.indexOf('顾客实付（按钱包回执）');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1, at + 11)).toEqual([
      `微信支付 · 微信直连 v2 ×1 ${formatMoney(w!.amount, 'JPY')}`,
      `退款 ×1 ${formatMoney(-w!.refunds, 'JPY')}`,
      `顾客支付 ${formatPayerAmount(w!.payerAmount, 'CNY')}`,
      `退回顾客 -${formatPayerAmount(w!.payerRefunds, 'CNY')}`,
      `顾客实付净额 ${formatPayerAmount(w!.payerNet, 'CNY')}`,
      `支付宝 · 支付宝直连 ×1 ${formatMoney(a!.amount, 'JPY')}`,
      `退款 ×1 ${formatMoney(-a!.refunds, 'JPY')}`,
      `顾客支付 ${formatPayerAmount(a!.payerAmount, 'CNY')}`,
      `回执未给出顾客币种金额的退款 ×1 ${formatMoney(-a!.refundsWithoutPayerAmount, 'JPY')}`,
      `顾客实付净额 ${formatPayerAmount(a!.payerNet, 'CNY')}`,
    ]);
    const english = blocksToTextLines(layoutReport(z, 48, 'en', 'Asia/Tokyo'), 48).map((l) => l.replace(/\s+/g, ' ').trim());
    expect(english).toContain(`Customers paid, net ${formatPayerAmount(w!.payerNet, 'CNY')}`);
    expect(english).toContain(`Refunds with no customer amount ×1 ${formatMoney(-a!.refundsWithoutPayerAmount, 'JPY')}`);
  });

  it('exports the Z with its currency and the customers’ CNY as the replies gave it', async () => {
    const day = (await t.ok(owner, 'report.listZ', {}))[0]!.businessDate;
    const made = await t.ok(owner, 'export.create', { kind: 'zreports', from: day, to: day });
    const text = Buffer.from((await t.ok(owner, 'export.read', { name: made.name, offset: 0 })).data, 'base64').toString('utf8');
    const [header, row] = text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(header!.split(',').slice(-6)).toEqual(['币种', '顾客币种', '顾客支付', '退回顾客', '未给出顾客金额的退款数', '顾客实付净额']);
    const [w, a] = payersFromLedgers();
    const plainCny = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
    expect(row!.split(',').slice(-6)).toEqual([
      'JPY',
      'CNY',
      plainCny(w!.payerAmount + a!.payerAmount),
      plainCny(w!.payerRefunds),
      '1',
      plainCny(w!.payerNet + a!.payerNet),
    ]);
  });

  it('exports the payments with the yen and the customer’s side as the replies gave it', async () => {
    const day = (await t.ok(owner, 'report.listZ', {}))[0]!.businessDate;
    const made = await t.ok(owner, 'export.create', { kind: 'payments', from: day, to: day });
    const text = Buffer.from((await t.ok(owner, 'export.read', { name: made.name, offset: 0 })).data, 'base64').toString('utf8');
    const [header, ...rows] = text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(header!.split(',').slice(5, 7)).toEqual(['金额', '币种']);
    expect(header!.split(',').slice(-5)).toEqual(['顾客币种', '顾客支付', '汇率', '退回顾客', '未给出顾客金额的退款数']);
    const plainCny = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
    const w = paymentRow(sales.wechat.paymentId);
    const a = paymentRow(sales.alipay.paymentId);
    const row = (clientSn: string) => rows.find((r) => r.startsWith(`${clientSn},`))!.split(',');
    expect(row(w.client_sn).slice(5, 7)).toEqual([String(sales.wechat.total), 'JPY']);
    // What the sandboxes' ledgers say each customer paid and got back in CNY; Alipay's refund reply gave no CNY.
    expect(row(w.client_sn).slice(-5)).toEqual(['CNY', plainCny(w.payer_amount!), '0.04820000', plainCny(wechat.order(w.client_sn)!.cashRefunded!), '0']);
    expect(row(a.client_sn).slice(-5)).toEqual(['CNY', plainCny(a.payer_amount!), ALIPAY_RATE, '0.00', '1']);
  });

  it('sends each paid payment up with its provider, currency and the customer’s CNY side', () => {
    const db = new Sqlite(join(t.dataDir, 'pos.sqlite'), { readonly: true });
    try {
      const facts = unackedFacts(db, 0, 10_000)
        .filter((row) => row.kind === 'payment')
        .map((row, i) => buildFact(db, row, i + 1, 'T'))
        .map((built) => {
          if (!built.ok) throw new Error(built.reason);
          return built.fact;
        });
      const byPayment = (id: string) => facts.find((f) => f.kind === 'payment' && f.payload.paymentId === id)?.payload;
      const w = paymentRow(sales.wechat.paymentId);
      expect(byPayment(sales.wechat.paymentId)).toMatchObject({ provider: 'wechat_v2', currency: 'JPY', amount: sales.wechat.total, payerCurrency: 'CNY', payerAmount: w.payer_amount, rate: '4820000', rateScale: 8 });
      const a = paymentRow(sales.alipay.paymentId);
      expect(byPayment(sales.alipay.paymentId)).toMatchObject({ provider: 'alipay', currency: 'JPY', amount: sales.alipay.total, payerCurrency: 'CNY', payerAmount: a.payer_amount, rate: ALIPAY_RATE, rateScale: 0 });
      // The refund's fact carries the CNY its reply gave back.
      const refunds = unackedFacts(db, 0, 10_000)
        .filter((row) => row.kind === 'refund')
        .map((row) => buildFact(db, row, 1, 'T'))
        .flatMap((built) => (built.ok && built.fact.kind === 'refund' ? [built.fact.payload] : []));
      const [refunded] = t.query<{ payer_amount: number }>('SELECT payer_amount FROM refund WHERE sale_id = ?', sales.wechat.saleId);
      expect(refunds).toEqual([
        expect.objectContaining({ saleId: sales.wechat.saleId, amount: unitPrice, payerCurrency: 'CNY', payerAmount: refunded!.payer_amount }),
        expect.objectContaining({ saleId: sales.alipay.saleId, amount: unitPrice }),
      ]);
      expect(refunds[1]).not.toHaveProperty('payerAmount');
    } finally {
      db.close();
    }
  });

  it('a CNY store paid by the same WeChat sandbox prints no cross-border line and keeps no payer side', async () => {
    const cnyTill = await startDirectProviderTill();
    try {
      const technician = await cnyTill.signedIn('technician');
      const cnyCashier = await cnyTill.signedIn('cashier');
      await cnyTill.ok(technician, 'gateway.setWechatV2', testWechatSettings(wechat, certs));
      await cnyTill.ok(technician, 'gateway.setRoutes', { routes: [{ wallet: 'wechat', provider: 'wechat_v2' }] });
      const cart = await saleOf(cnyTill, cnyCashier, barcode, 1);
      const payment = await cnyTill.ok(cnyCashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') });
      expect((await settledPayment(cnyTill, payment.paymentId)).status).toBe('paid');
      expect(cnyTill.query('SELECT currency, payer_currency, payer_amount, payer_rate FROM payment WHERE id = ?', payment.paymentId)).toEqual([
        { currency: 'CNY', payer_currency: null, payer_amount: null, payer_rate: null },
      ]);
      const receipt = await cnyTill.ok(cnyCashier, 'sale.receipt', { saleId: cart.saleId });
      expect(receipt.receipt.tenders[0]).not.toHaveProperty('crossBorder');
      for (const word of ['标价', '顾客支付', '汇率', '交易号', 'CNY']) expect(receipt.text).not.toContain(word);
      // Its X and Z reports are as before: no customer side, printed or in the document.
      const cnyOwner = await cnyTill.signedIn('owner');
      expect(await cnyTill.ok(cnyOwner, 'report.x', {})).not.toHaveProperty('payers');
      const z = await cnyTill.ok(cnyOwner, 'report.takeZ', {});
      expect(z).not.toHaveProperty('payers');
      expect(z.tenders).toEqual([expect.objectContaining({ kind: 'wechat', count: 1, amount: cart.total })]);
      const printed = blocksToTextLines(layoutReport(z, 48, 'zh-CN', 'Asia/Shanghai'), 48).join('\n');
      for (const word of ['顾客实付', '顾客支付', 'CNY']) expect(printed).not.toContain(word);
    } finally {
      await cnyTill.close();
    }
  });
});
