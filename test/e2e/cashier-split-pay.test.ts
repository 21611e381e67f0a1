/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src-common/money';
import { maskCode } from '../../src-common/mask';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type HostProcess, queryTerminalDb, startHostProcess } from '../helpers/host';

const ARTIFACTS = 'test-results/e2e';

/**
 * A sale paid in parts at the till (issue 18), through the embedded sandbox acquirer: the cashier types this part's
 * amount before the customer's code, the pay dialog lists the paid part and what remains, and the rest is taken by
 * cash (change from cash only) or by a second wallet; paid parts are given back before a sale can be voided.
 */
describe('a cashier splits one sale across a wallet and cash, and across two wallets', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  let product: { barcode: string; price: number };
  const db = (sql: string, ...params: unknown[]): unknown[] => queryTerminalDb(host.ready, sql, ...params);
  const yuan = (fen: number) => (fen / 100).toFixed(2);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    host = await startHostProcess({
      config: { acquirer: { sandboxSpeed: 0.1, timings: { pollIntervalMs: 200, pollDeadlineMs: 20_000, cancelRetryMs: 200, maxCancelAttempts: 5 } } },
    });
    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 800 });
    await signIn(page, '收银员 01', '1111');
    await page.getByTestId('scan-input').waitFor();
    product = (db(
      "SELECT b.barcode, p.price FROM product p JOIN product_barcode b ON b.product_id = p.id WHERE p.active = 1 AND p.unit = 'each' AND length(b.barcode) = 13 AND p.price BETWEEN 500 AND 3000 ORDER BY p.price LIMIT 1",
    ) as { barcode: string; price: number }[])[0]!;
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  /** A sale of three of the product, at the pay step; returns its total. */
  async function saleAtPayStep(): Promise<number> {
    for (let i = 0; i < 3; i++) {
      await page.getByTestId('scan-input').fill(product.barcode);
      await page.getByTestId('scan-input').press('Enter');
    }
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(1);
    // All three scans on the line (its first scan shows the line; a loaded machine shows the others later).
    await expect.poll(() => page.getByTestId('line-quantity').first().textContent()).toBe('3');
    await page.keyboard.press('F12');
    await page.getByTestId('pay-dialog').waitFor();
    return product.price * 3;
  }

  /** Pays `amount` of the open sale with a wallet code paid at once; the pay dialog comes back listing the part. */
  async function payPart(code: string, amount: number, partsAfter: number) {
    await page.getByTestId('part-amount').fill(yuan(amount));
    await page.getByTestId('payment-code').fill(code);
    await page.getByTestId('payment-code').press('Enter');
    // The file's first payment starts the embedded acquirer's side; on a loaded CI machine (ci34, 2026-12-07) the
    // first part was not listed within 15 s, cause not traced: the wait is a bound, not what is tested.
    await expect.poll(() => page.getByTestId('paid-part').count(), { timeout: 40_000 }).toBe(partsAfter);
  }

  const openSaleId = () => (db("SELECT id FROM sale WHERE status = 'open'") as { id: string }[])[0]?.id;

  /**
   * The embedded sandbox acquirer's ledger says this order was paid two days ago: the sandbox then refuses its
   * reversal as the aggregator does ("过了当天无法撤单": CANCEL_ERROR UPAY_CANCEL_INVALID_ORDER_STATE).
   */
  function paidTwoDaysAgoAtAcquirer(clientSn: string) {
    const ledger = new Sqlite(join(host.ready.dataDir, 'sandbox-acquirer.sqlite'));
    try {
      const changed = ledger.prepare('UPDATE upay_order SET finished_at = ? WHERE client_sn = ?').run(new Date(Date.now() - 2 * 24 * 3600_000).toISOString(), clientSn);
      expect(changed.changes).toBe(1);
    } finally {
      ledger.close();
    }
  }
  const acquirerOrder = (clientSn: string) => {
    const ledger = new Sqlite(join(host.ready.dataDir, 'sandbox-acquirer.sqlite'), { readonly: true });
    try {
      return ledger.prepare('SELECT status, amount FROM upay_order WHERE client_sn = ?').get(clientSn);
    } finally {
      ledger.close();
    }
  };

  it('takes ¥x by WeChat, then the rest in cash with change from the cash only; the customer display shows what remains', async () => {
    const customer = await browser.newPage({ viewport: { width: 800, height: 600 } });
    await customer.goto(`${host.ready.url}#/customer?token=${host.ready.token}`);
    const total = await saleAtPayStep();
    // The part's amount is prefilled with all that is due.
    expect(await page.getByTestId('part-amount').inputValue()).toBe(yuan(total));
    const saleId = openSaleId()!;
    const wechatPart = product.price + 1; // a part that is no whole number of items
    const code = sandboxPaymentCode('wechat', '0000');
    await payPart(code, wechatPart, 1);

    const rest = total - wechatPart;
    expect(await page.getByTestId('paid-part').textContent()).toContain(maskCode(code));
    expect(await page.getByTestId('paid-part').textContent()).toContain(formatMoney(wechatPart, 'CNY'));
    expect(await page.getByTestId('paid-part').textContent()).toContain('微信支付');
    expect(await page.getByTestId('pay-remaining').textContent()).toBe(formatMoney(rest, 'CNY'));
    expect(await page.getByTestId('pay-due').textContent()).toBe(formatMoney(rest, 'CNY'));
    await expect.poll(() => page.getByTestId('part-amount').inputValue()).toBe(yuan(rest));
    await page.screenshot({ path: `${ARTIFACTS}/split-pay-part.png` });
    await expect.poll(() => customer.getByTestId('customer-remaining').textContent()).toBe(`已付 ${formatMoney(wechatPart, 'CNY')} · 还需支付 ${formatMoney(rest, 'CNY')}`);
    await customer.close();

    // More than is still due is refused in the dialog, before anything is sent.
    await page.getByTestId('part-amount').fill(yuan(rest + 1));
    await page.getByTestId('payment-code').fill(sandboxPaymentCode('alipay', '0000'));
    await page.getByTestId('payment-code').press('Enter');
    await expect.poll(() => page.getByTestId('pay-code-error').textContent()).toContain('待付金额');
    expect(db('SELECT count(*) AS n FROM payment WHERE sale_id = ?', saleId)).toEqual([{ n: 1 }]);
    await page.getByTestId('payment-code').fill('');

    // The rest in cash: a round ¥ amount over it, the change from the cash only.
    const tendered = Math.ceil((rest + 1) / 1000) * 1000;
    await page.getByTestId('cash-tendered').fill(yuan(tendered));
    expect(await page.getByTestId('pay-change').textContent()).toBe(formatMoney(tendered - rest, 'CNY'));
    await page.getByTestId('pay-complete').click();
    await expect.poll(() => page.getByTestId('receipt-dialog').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByTestId('receipt-change').textContent()).toBe(formatMoney(tendered - rest, 'CNY'));
    const receipt = (await page.getByTestId('receipt-text').textContent()) ?? '';
    expect(receipt).toContain('微信支付');
    expect(receipt).toContain(maskCode(code));
    expect(db('SELECT kind, amount, tendered FROM sale_tender WHERE sale_id = ? ORDER BY seq', saleId)).toEqual([
      { kind: 'wechat', amount: wechatPart, tendered: wechatPart },
      { kind: 'cash', amount: rest, tendered },
    ]);
    await page.screenshot({ path: `${ARTIFACTS}/split-pay-cash-receipt.png` });
    await page.getByTestId('next-customer').click();
    await expect.poll(() => page.getByTestId('receipt-dialog').count()).toBe(0);
  });

  it('takes ¥x by WeChat, then the rest by Alipay: one receipt, two wallet tenders', async () => {
    const total = await saleAtPayStep();
    const saleId = openSaleId()!;
    const wechatPart = Math.floor(total / 3);
    await payPart(sandboxPaymentCode('wechat', '0000'), wechatPart, 1);
    // The dialog now asks for the rest: Alipay takes it as prefilled.
    await expect.poll(() => page.getByTestId('part-amount').inputValue()).toBe(yuan(total - wechatPart));
    const alipayCode = sandboxPaymentCode('alipay', '0000');
    await page.getByTestId('payment-code').fill(alipayCode);
    await page.getByTestId('payment-code').press('Enter');
    await expect.poll(() => page.getByTestId('receipt-dialog').count(), { timeout: 15_000 }).toBe(1);
    const receipt = (await page.getByTestId('receipt-text').textContent()) ?? '';
    expect(receipt).toContain('微信支付');
    expect(receipt).toContain('支付宝');
    expect(receipt).toContain(maskCode(alipayCode));
    expect(db('SELECT kind, amount FROM sale_tender WHERE sale_id = ? ORDER BY seq', saleId)).toEqual([
      { kind: 'wechat', amount: wechatPart },
      { kind: 'alipay', amount: total - wechatPart },
    ]);
    expect(db("SELECT status FROM sale WHERE id = ?", saleId)).toEqual([{ status: 'completed' }]);
    await page.screenshot({ path: `${ARTIFACTS}/split-pay-two-wallets.png` });
    await page.getByTestId('next-customer').click();
    await expect.poll(() => page.getByTestId('receipt-dialog').count()).toBe(0);
  });

  it('will not void a sale with a paid part until the part is given back', async () => {
    const total = await saleAtPayStep();
    const saleId = openSaleId()!;
    await payPart(sandboxPaymentCode('wechat', '0000'), Math.floor(total / 2), 1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('pay-dialog').count()).toBe(0);
    // F8: refused, saying why.
    await page.keyboard.press('F8');
    await page.getByTestId('void-dialog').locator('.choice-list button').first().click();
    await expect.poll(() => page.getByTestId('error').first().textContent()).toContain('本单已部分付款');
    expect(db('SELECT status FROM sale WHERE id = ?', saleId)).toEqual([{ status: 'open' }]);
    await page.keyboard.press('Escape');

    // At the pay step: give the part back (two presses), then the sale can be voided.
    await page.keyboard.press('F12');
    await page.getByTestId('reverse-parts').click();
    await page.getByTestId('reverse-parts').click();
    await expect.poll(() => page.getByTestId('paid-part').count(), { timeout: 15_000 }).toBe(0);
    expect(db('SELECT status FROM payment WHERE sale_id = ?', saleId)).toEqual([{ status: 'reversed' }]);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('payment-code');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('pay-dialog').count()).toBe(0);
    await page.keyboard.press('F8');
    await page.getByTestId('void-dialog').locator('.choice-list button').first().click();
    await expect.poll(() => db('SELECT status FROM sale WHERE id = ?', saleId)).toEqual([{ status: 'voided' }]);
  });

  it('refunds a sale paid by WeChat and Alipay in one action: the dialog lists each wallet’s part, one receipt; each refunded once at the acquirer', async () => {
    const total = await saleAtPayStep();
    const saleId = openSaleId()!;
    const wechatPart = Math.floor(total / 3);
    await payPart(sandboxPaymentCode('wechat', '0000'), wechatPart, 1);
    await page.getByTestId('payment-code').fill(sandboxPaymentCode('alipay', '0000'));
    await page.getByTestId('payment-code').press('Enter');
    await expect.poll(() => page.getByTestId('receipt-dialog').count(), { timeout: 15_000 }).toBe(1);
    await page.getByTestId('next-customer').click();
    await expect.poll(() => page.getByTestId('receipt-dialog').count()).toBe(0);

    await page.keyboard.press('F9');
    await page.locator(`[data-testid="refund-sale-row"][data-sale-id="${saleId}"]`).click({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('refund-line').count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId('refund-quantity').first().fill('3');
    await page.getByTestId('refund-approval-pin').fill('8888');
    await page.getByTestId('refund-submit').click();
    await expect.poll(() => page.getByTestId('refund-result').getAttribute('data-status'), { timeout: 15_000 }).toBe('refunded');
    const result = (await page.getByTestId('refund-result').textContent()) ?? '';
    expect(result).toContain(`已退款至微信支付 ${formatMoney(wechatPart, 'CNY')}、支付宝 ${formatMoney(total - wechatPart, 'CNY')}`);
    expect(await page.getByTestId('refund-leg').evaluateAll((legs) => legs.map((l) => l.getAttribute('data-status')))).toEqual(['refunded', 'refunded']);
    await expect.poll(() => page.getByTestId('refund-receipt-text').textContent(), { timeout: 10_000 }).toContain('分 2 笔退回');
    // The items that came back are on it, once.
    const [line] = db('SELECT name FROM sale_line WHERE sale_id = ?', saleId) as { name: string }[];
    expect(((await page.getByTestId('refund-receipt-text').textContent()) ?? '').split(line!.name).length - 1).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}/split-pay-refund-legs.png` });
    // At the acquirer: each payment refunded its own part, once.
    const ledger = new Sqlite(join(host.ready.dataDir, 'sandbox-acquirer.sqlite'), { readonly: true });
    try {
      const payments = db("SELECT client_sn, amount FROM payment WHERE sale_id = ? AND status = 'paid' ORDER BY created_at", saleId) as { client_sn: string; amount: number }[];
      expect(payments.map((p) => ledger.prepare("SELECT amount FROM txn WHERE client_sn = ? AND type = 'refund' AND status = 'SUCCESS'").all(p.client_sn))).toEqual([
        [{ amount: wechatPart }],
        [{ amount: total - wechatPart }],
      ]);
    } finally {
      ledger.close();
    }
    await page.getByTestId('refund-close').click();
    await expect.poll(() => page.getByTestId('refund-dialog').count()).toBe(0);
  });

  it('a refund whose second leg the acquirer refuses says it is partly refunded, never that nothing went back', async () => {
    const total = await saleAtPayStep();
    const saleId = openSaleId()!;
    const wechatPart = Math.floor(total / 2);
    await payPart(sandboxPaymentCode('wechat', '0000'), wechatPart, 1);
    await page.getByTestId('payment-code').fill(sandboxPaymentCode('unionpay', '0000'));
    await page.getByTestId('payment-code').press('Enter');
    await expect.poll(() => page.getByTestId('receipt-dialog').count(), { timeout: 15_000 }).toBe(1);
    await page.getByTestId('next-customer').click();
    const [, unionpay] = db("SELECT client_sn FROM payment WHERE sale_id = ? AND status = 'paid' ORDER BY created_at", saleId) as { client_sn: string }[];
    // The acquirer's order of the UnionPay part was cancelled at its end: it refuses that leg.
    const ledger = new Sqlite(join(host.ready.dataDir, 'sandbox-acquirer.sqlite'));
    try {
      expect(ledger.prepare("UPDATE upay_order SET status = 'CANCELED' WHERE client_sn = ?").run(unionpay!.client_sn).changes).toBe(1);
    } finally {
      ledger.close();
    }

    await page.keyboard.press('F9');
    await page.locator(`[data-testid="refund-sale-row"][data-sale-id="${saleId}"]`).click({ timeout: 10_000 });
    await page.getByTestId('refund-quantity').first().fill('3');
    await page.getByTestId('refund-approval-pin').fill('8888');
    await page.getByTestId('refund-submit').click();
    await expect.poll(() => page.getByTestId('refund-result').getAttribute('data-status'), { timeout: 15_000 }).toBe('failed');
    const result = (await page.getByTestId('refund-result').textContent()) ?? '';
    expect(result).toContain(`部分退回：微信支付 ${formatMoney(wechatPart, 'CNY')} 已退回；云闪付 ${formatMoney(total - wechatPart, 'CNY')} 未退回`);
    expect(result).not.toContain('未退出任何款项');
    expect(await page.getByTestId('refund-leg').evaluateAll((legs) => legs.map((l) => l.getAttribute('data-status')))).toEqual(['refunded', 'failed']);
    await page.screenshot({ path: `${ARTIFACTS}/split-pay-refund-partly.png` });
    await page.getByTestId('refund-close').click();
    await expect.poll(() => page.getByTestId('refund-dialog').count()).toBe(0);
  });

  it('says which part the acquirer would not give back and why; the other part goes back, and cash takes the rest', async () => {
    const total = await saleAtPayStep();
    const saleId = openSaleId()!;
    const wechatPart = Math.floor(total / 3);
    const alipayPart = Math.floor(total / 4);
    await payPart(sandboxPaymentCode('wechat', '0000'), wechatPart, 1);
    await payPart(sandboxPaymentCode('alipay', '0000'), alipayPart, 2);
    const [wechat, alipay] = db("SELECT client_sn, wallet FROM payment WHERE sale_id = ? AND status = 'paid' ORDER BY created_at, rowid", saleId) as { client_sn: string; wallet: string }[];
    expect([wechat!.wallet, alipay!.wallet]).toEqual(['wechat', 'alipay']);
    paidTwoDaysAgoAtAcquirer(wechat!.client_sn);

    await page.getByTestId('reverse-parts').click();
    await page.getByTestId('reverse-parts').click();
    // The Alipay part goes back; the WeChat part stays, saying so in the cashier's language, with the acquirer's reason.
    await expect.poll(() => page.getByTestId('paid-part').count(), { timeout: 15_000 }).toBe(1);
    const refusal = page.getByTestId('paid-part-not-reversed');
    await expect.poll(() => refusal.count(), { timeout: 15_000 }).toBe(1);
    const text = (await refusal.textContent()) ?? '';
    expect(text).toContain(`微信支付 ${formatMoney(wechatPart, 'CNY')} 未能退回`);
    expect(text).toContain('UPAY_CANCEL_INVALID_ORDER_STATE');
    expect(text).toContain('请收取余款完成交易');
    expect(await refusal.getAttribute('role')).toBe('alert');
    // The scanner's field has the focus again, and Escape closes the dialog.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('payment-code');
    expect(await page.getByTestId('paid-part').textContent()).toContain('微信支付');
    await page.screenshot({ path: `${ARTIFACTS}/split-pay-reversal-refused.png` });
    expect(db('SELECT wallet, status FROM payment WHERE sale_id = ? ORDER BY created_at, rowid', saleId)).toEqual([
      { wallet: 'wechat', status: 'paid' },
      { wallet: 'alipay', status: 'reversed' },
    ]);
    expect(acquirerOrder(wechat!.client_sn)).toEqual({ status: 'PAID', amount: wechatPart });
    expect(acquirerOrder(alipay!.client_sn)).toEqual({ status: 'CANCELED', amount: alipayPart });

    // In English as well (the dialog closed and opened again keeps saying it).
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('pay-dialog').count()).toBe(0);
    await page.getByTestId('switch-language').click();
    await page.keyboard.press('F12');
    await expect.poll(() => refusal.textContent()).toContain(`WeChat Pay ${formatMoney(wechatPart, 'CNY')} was not given back: the provider refused the reversal (UPAY_CANCEL_INVALID_ORDER_STATE`);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('pay-dialog').count()).toBe(0);
    await page.getByTestId('switch-language').click();
    await page.keyboard.press('F12');
    await expect.poll(() => refusal.textContent()).toContain('未能退回');

    // The dialog is still usable: what is due is the sale less the part kept, and cash completes the sale.
    const rest = total - wechatPart;
    expect(await page.getByTestId('pay-remaining').textContent()).toBe(formatMoney(rest, 'CNY'));
    expect(await page.getByTestId('reverse-parts').isEnabled()).toBe(true);
    await page.getByTestId('cash-tendered').fill(yuan(rest));
    await page.getByTestId('pay-complete').click();
    await expect.poll(() => page.getByTestId('receipt-dialog').count(), { timeout: 15_000 }).toBe(1);
    expect(db('SELECT kind, amount FROM sale_tender WHERE sale_id = ? ORDER BY seq', saleId)).toEqual([
      { kind: 'wechat', amount: wechatPart },
      { kind: 'cash', amount: rest },
    ]);
    await page.getByTestId('next-customer').click();
    await expect.poll(() => page.getByTestId('receipt-dialog').count()).toBe(0);
  });

});
