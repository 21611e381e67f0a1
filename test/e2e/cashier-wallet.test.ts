/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { formatMoney } from '../../src-common/money';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskCode } from '../../src-common/mask';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type HostProcess, openApiSocket, queryTerminalDb, startHostProcess } from '../helpers/host';

const ARTIFACTS = 'test-results/e2e';

describe('a cashier takes a WeChat payment that waits for the PIN', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  const db = (sql: string, ...params: unknown[]): unknown[] => queryTerminalDb(host.ready, sql, ...params);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // PIN waits ×0.1: a 1200 code waits 2 s; the terminal polls every 200 ms.
    host = await startHostProcess({
      config: { acquirer: { sandboxSpeed: 0.1, timings: { pollIntervalMs: 200, pollDeadlineMs: 20_000, cancelRetryMs: 200, maxCancelAttempts: 5 } } },
    });
    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 800 });
    await signIn(page, '收银员 01', '1111');
    await page.getByTestId('scan-input').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  /** Pays the open sale with a wallet code that is paid at once; returns the printed receipt number. */
  async function payWithWalletCode(code: string): Promise<string> {
    await page.keyboard.press('F12');
    await page.getByTestId('payment-code').fill(code);
    await page.getByTestId('payment-code').press('Enter');
    await expect.poll(() => page.getByTestId('receipt-dialog').count(), { timeout: 15_000 }).toBe(1);
    const receiptNumber = (await page.getByTestId('receipt-dialog').textContent())!.match(/[0-9A-Z]{4}-\d{6}/)![0];
    await page.getByTestId('next-customer').click();
    await expect.poll(() => page.getByTestId('receipt-dialog').count()).toBe(0);
    return receiptNumber;
  }

  /** Opens the refund dialog (F9) on a sale found by its receipt number. */
  async function openRefund(receiptNumber: string): Promise<void> {
    await page.keyboard.press('F9');
    await page.getByTestId('refund-receipt-number').fill(receiptNumber);
    await page.getByTestId('refund-receipt-number').press('Enter');
  }

  it('shows the waiting state, then completes; the receipt names the wallet and masks the code', async () => {
    const [product] = db(
      "SELECT b.barcode, p.price FROM product p JOIN product_barcode b ON b.product_id = p.id WHERE p.active = 1 AND p.unit = 'each' AND length(b.barcode) = 13 LIMIT 1",
    ) as { barcode: string; price: number }[];
    await page.getByTestId('scan-input').fill(product!.barcode);
    await page.getByTestId('scan-input').press('Enter');
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(1);

    await page.keyboard.press('F12');
    const code = sandboxPaymentCode('wechat', '1200');
    await page.getByTestId('payment-code').fill(code);
    await page.getByTestId('payment-code').press('Enter');

    await expect.poll(() => page.getByTestId('payment-status').getAttribute('data-status')).toBe('pending');
    expect(await page.getByTestId('payment-dialog').textContent()).toContain('等待顾客在手机上输入密码确认');
    expect(await page.getByTestId('payment-countdown').textContent()).toMatch(/最多再等 \d+ 秒/);
    await page.screenshot({ path: `${ARTIFACTS}/wallet-waiting.png` });

    await expect.poll(() => page.getByTestId('receipt-dialog').count(), { timeout: 15_000 }).toBe(1);
    // A wallet sale ends on what the wallet took and how (not a big "change ¥0.00").
    expect(await page.getByTestId('receipt-change').count()).toBe(0);
    expect(await page.getByTestId('receipt-wallet-paid').textContent()).toBe(formatMoney(product!.price, 'CNY'));
    expect(await page.getByTestId('receipt-dialog').textContent()).toContain('微信支付已收款');
    expect(await page.getByTestId('receipt-wallet-code').textContent()).toBe(`付款码 ${maskCode(code)}`);
    const receipt = (await page.getByTestId('receipt-text').textContent()) ?? '';
    expect(receipt).toContain('微信支付');
    expect(receipt).toContain(maskCode(code));
    expect(receipt).not.toContain(code);
    await page.screenshot({ path: `${ARTIFACTS}/wallet-receipt.png` });

    expect(db("SELECT kind, amount FROM sale_tender WHERE kind = 'wechat'")).toEqual([{ kind: 'wechat', amount: product!.price }]);
    expect(db('SELECT status FROM payment')).toEqual([{ status: 'paid' }]);
    await page.getByTestId('next-customer').click();
  });

  it('says what to do next when the customer has insufficient funds, and the sale stays open', async () => {
    const [product] = db("SELECT b.barcode FROM product_barcode b JOIN product p ON p.id = b.product_id WHERE p.unit = 'each' AND length(b.barcode) = 13 LIMIT 1") as {
      barcode: string;
    }[];
    await page.getByTestId('scan-input').fill(product!.barcode);
    await page.getByTestId('scan-input').press('Enter');
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(1);
    await page.keyboard.press('F12');
    await page.getByTestId('payment-code').fill(sandboxPaymentCode('alipay', '3000'));
    await page.getByTestId('payment-code').press('Enter');
    await expect.poll(() => page.getByTestId('payment-status').getAttribute('data-status')).toBe('failed');
    expect(await page.getByTestId('payment-dialog').textContent()).toContain('余额不足');
    await page.getByTestId('payment-back').click();
    await expect.poll(() => page.getByTestId('pay-dialog').count()).toBe(1);
  });

  it('shows a merchant QR on the cashier screen and the customer display; the customer "scans" it and the sale completes', async () => {
    const customer = await browser.newPage({ viewport: { width: 800, height: 600 } });
    await customer.goto(`${host.ready.url}#/customer?token=${host.ready.token}`);
    await page.keyboard.press('Escape'); // close the pay dialog the previous test returned to
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(1); // the sale left open by the declined payment
    await page.keyboard.press('F12');
    await page.getByTestId('qr-wechat').click();
    const qr = page.getByTestId('merchant-qr');
    await qr.waitFor();
    const url = (await qr.getAttribute('data-qr'))!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sandbox\/scan\//);
    await expect.poll(() => customer.getByTestId('customer-qr').count()).toBe(1);
    expect(await customer.getByTestId('customer-qr').getAttribute('data-qr')).toBe(url);
    await page.screenshot({ path: `${ARTIFACTS}/wallet-qr.png` });
    await customer.screenshot({ path: `${ARTIFACTS}/customer-qr.png` });

    // The customer's phone: the sandbox plays the wallet app paying the merchant QR.
    const paid = await fetch(`${url}?wallet=wechat`, { method: 'POST' });
    expect(paid.status).toBeLessThan(400);

    await expect.poll(() => page.getByTestId('receipt-dialog').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByTestId('receipt-text').textContent()).toContain('微信支付');
    await expect.poll(() => customer.getByTestId('customer-change').count()).toBe(1);
    expect(db("SELECT kind FROM payment WHERE status = 'paid' ORDER BY created_at")).toEqual([{ kind: 'code' }, { kind: 'qr' }]);
    await customer.close();
  });

  it('refunds part of a wallet sale with the owner’s PIN; a retried refund shows on the acquirer’s ledger once', async () => {
    const [product] = db("SELECT b.barcode, p.price FROM product_barcode b JOIN product p ON p.id = b.product_id WHERE p.unit = 'each' AND length(b.barcode) = 13 LIMIT 1") as {
      barcode: string;
      price: number;
    }[];
    await page.getByTestId('next-customer').click();
    for (let i = 0; i < 2; i++) {
      await page.getByTestId('scan-input').fill(product!.barcode);
      await page.getByTestId('scan-input').press('Enter');
    }
    await expect.poll(() => page.getByTestId('line-quantity').first().textContent()).toBe('2');
    await openRefund(await payWithWalletCode(sandboxPaymentCode('alipay', '0000')));
    await page.getByTestId('refund-quantity').first().fill('1');
    await page.getByTestId('refund-approval-pin').fill('8888');
    await page.getByTestId('refund-submit').click();
    await expect.poll(() => page.getByTestId('refund-result').getAttribute('data-status'), { timeout: 15_000 }).toBe('refunded');
    expect(await page.getByTestId('refund-result').textContent()).toContain('已退款至支付宝');
    await expect.poll(() => page.getByTestId('refund-receipt-text').count()).toBe(1);
    expect(await page.getByTestId('refund-receipt-text').textContent()).toContain(product!.price === 0 ? '' : '退');
    await page.screenshot({ path: `${ARTIFACTS}/refund-done.png` });

    const [refund] = db('SELECT id, refund_request_no, amount FROM refund') as { id: string; refund_request_no: string; amount: number }[];
    expect(refund!.amount).toBe(product!.price);
    const ledgerRefunds = () => {
      const conn = new Sqlite(join(host.ready.dataDir, 'sandbox-acquirer.sqlite'), { readonly: true });
      try {
        return conn.prepare("SELECT amount FROM txn WHERE type = 'refund' AND status = 'SUCCESS' AND refund_request_no = ?").all(refund!.refund_request_no);
      } finally {
        conn.close();
      }
    };
    expect(ledgerRefunds()).toEqual([{ amount: product!.price }]);

    // The same refund sent again (same refund request number) moves no more money.
    const api = await openApiSocket(host.ready);
    const users = await api.call('auth.users', {});
    await api.call('auth.signIn', { userId: users.ok ? users.value.find((u) => u.role === 'owner')!.id : '', pin: '8888' });
    expect(await api.call('refund.retry', { refundId: refund!.id })).toMatchObject({ ok: true, value: { status: 'refunded' } });
    api.close();
    expect(ledgerRefunds()).toEqual([{ amount: product!.price }]);
    await page.getByTestId('refund-close').click();
  });

  it('voids a wallet sale of today through the refund dialog with the owner’s PIN; the acquirer’s ledger shows the cancel once', async () => {
    const [product] = db("SELECT b.barcode, p.price FROM product_barcode b JOIN product p ON p.id = b.product_id WHERE p.unit = 'each' AND length(b.barcode) = 13 LIMIT 1") as {
      barcode: string;
      price: number;
    }[];
    await page.getByTestId('scan-input').fill(product!.barcode);
    await page.getByTestId('scan-input').press('Enter');
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(1);
    const receiptNumber = await payWithWalletCode(sandboxPaymentCode('wechat', '0000'));
    await openRefund(receiptNumber);
    await page.getByTestId('refund-void').waitFor();
    await page.getByTestId('refund-approval-pin').fill('8888');
    await page.getByTestId('refund-void').click();
    // The first click asks to confirm; the second voids.
    await expect.poll(() => page.getByTestId('refund-void').getAttribute('data-confirm')).toBe('true');
    await page.screenshot({ path: `${ARTIFACTS}/void-confirm.png` });
    await page.getByTestId('refund-void').click();
    await expect.poll(() => page.getByTestId('refund-result').getAttribute('data-status'), { timeout: 15_000 }).toBe('refunded');
    expect(await page.getByTestId('refund-result').getAttribute('data-void')).toBe('true');
    expect(await page.getByTestId('refund-result').textContent()).toContain('整单已作废，款项已退回微信支付');
    await expect.poll(() => page.getByTestId('refund-receipt-text').count()).toBe(1);
    expect(await page.getByTestId('refund-receipt-text').textContent()).toContain('整单作废');
    await page.screenshot({ path: `${ARTIFACTS}/void-done.png` });
    await page.getByTestId('refund-close').click();

    const [voided] = db('SELECT r.amount, r.status, p.client_sn FROM refund r JOIN payment p ON p.id = r.payment_id WHERE r.is_void = 1') as {
      amount: number;
      status: string;
      client_sn: string;
    }[];
    expect(voided).toMatchObject({ amount: product!.price, status: 'refunded' });
    const ledger = () => {
      const conn = new Sqlite(join(host.ready.dataDir, 'sandbox-acquirer.sqlite'), { readonly: true });
      try {
        return conn.prepare("SELECT type, amount FROM txn WHERE client_sn = ? AND status = 'SUCCESS' ORDER BY id").all(voided!.client_sn);
      } finally {
        conn.close();
      }
    };
    expect(ledger()).toEqual([
      { type: 'pay', amount: product!.price },
      { type: 'cancel', amount: product!.price },
    ]);

    // Found again: nothing left to refund, and no second void is offered.
    await openRefund(receiptNumber);
    await expect.poll(() => page.getByTestId('refund-line').count()).toBe(1);
    expect(await page.getByTestId('refund-void').count()).toBe(0);
    expect(await page.getByTestId('refund-quantity').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    expect(ledger()).toHaveLength(2);
  });
});
