/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPayerAmount } from '../../src-common/cross-border';
import { formatMoney } from '../../src-common/money';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type HostProcess, queryTerminalDb, startHostProcess } from '../helpers/host';

const ARTIFACTS = 'test-results/e2e';

/**
 * A store in Japan (JPY) with WeChat Pay routed to the built-in WeChat Pay v2 sandbox (issue 18): a Chinese customer
 * pays by WeChat, and the owner's X report shows the yen beside the CNY the customer paid, as the wallet's reply said.
 */
describe('the owner reads a cross-border store’s report: yen beside the customers’ CNY', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  const db = (sql: string, ...params: unknown[]): unknown[] => queryTerminalDb(host.ready, sql, ...params);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    host = await startHostProcess({
      config: { currency: 'JPY', acquirer: { directSandboxes: ['wechat_v2'], sandboxSpeed: 0.1, timings: { pollIntervalMs: 200, pollDeadlineMs: 20_000, cancelRetryMs: 200, maxCancelAttempts: 5 } } },
    });
    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 900 });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('a WeChat sale in yen, then the X report’s customers-paid table in CNY to the fen', async () => {
    await signIn(page, '收银员 01', '1111');
    await page.getByTestId('scan-input').waitFor();
    const [product] = db(
      "SELECT b.barcode, p.price FROM product p JOIN product_barcode b ON b.product_id = p.id WHERE p.active = 1 AND p.unit = 'each' AND length(b.barcode) = 13 ORDER BY p.price DESC LIMIT 1",
    ) as { barcode: string; price: number }[];
    await page.getByTestId('scan-input').fill(product!.barcode);
    await page.getByTestId('scan-input').press('Enter');
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(1);
    await page.keyboard.press('F12');
    await page.getByTestId('pay-dialog').waitFor();
    await page.getByTestId('payment-code').fill(sandboxPaymentCode('wechat', '0000'));
    await page.getByTestId('payment-code').press('Enter');
    await expect.poll(() => page.getByTestId('receipt-dialog').count(), { timeout: 20_000 }).toBe(1);
    const [paid] = db("SELECT provider, amount, currency, payer_currency, payer_amount FROM payment WHERE status = 'paid'") as {
      provider: string;
      amount: number;
      currency: string;
      payer_currency: string;
      payer_amount: number;
    }[];
    expect(paid).toMatchObject({ provider: 'wechat_v2', amount: product!.price, currency: 'JPY', payer_currency: 'CNY' });
    await page.getByTestId('next-customer').click();

    const owner = await openTerminalPage(browser, host.ready, { width: 1366, height: 1000 });
    try {
      await signIn(owner, '店长', '8888');
      await owner.getByTestId('workspace-owner').click();
      await owner.getByTestId('tab-reports').click();
      await expect.poll(() => owner.getByTestId('report-view').getAttribute('data-kind')).toBe('x');
      const row = owner.getByTestId('report-payer-wechat-wechat_v2');
      await expect.poll(() => row.count()).toBe(1);
      expect(await row.locator('td').first().textContent()).toBe('微信支付 · 微信支付直连 (API v2)');
      expect(await row.locator('td').nth(2).textContent()).toBe(formatMoney(paid!.amount, 'JPY'));
      expect(await row.getByTestId('payer-paid').textContent()).toBe(formatPayerAmount(paid!.payer_amount, 'CNY'));
      expect(await row.getByTestId('payer-net').textContent()).toBe(formatPayerAmount(paid!.payer_amount, 'CNY'));
      expect(await owner.getByTestId('report-payers').locator('caption').textContent()).toContain('JPY');
      await owner.getByTestId('report-payers').scrollIntoViewIfNeeded();
      await owner.screenshot({ path: `${ARTIFACTS}/cross-border-x-report.png` });
    } finally {
      await owner.close();
    }
  });
});
