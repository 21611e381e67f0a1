/// <reference lib="dom" />
/**
 * The built-in Alipay sandbox chosen in the technician's payment providers tab (Chromium, built host, the embedded
 * defaults of `npm start`): one click starts the sandbox inside the terminal and sets Alipay direct up at it, Alipay
 * is routed to it, and at the till an Alipay test code is paid through Alipay direct; the sandbox's own ledger file
 * in the data directory holds the order, to the fen.
 */
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { launchChromium, signIn } from '../helpers/browser';
import { type HostProcess, queryTerminalDb, startHostProcess } from '../helpers/host';

describe('the built-in Alipay sandbox in the technician’s payment providers tab (Chromium, built host)', () => {
  let browser: Browser;
  let host: HostProcess;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    host = await startHostProcess({ config: {} });
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${host.ready.url}#token=${host.ready.token}`);
    await signIn(page, '技术员', '9999');
    await page.getByTestId('technician-screen').waitFor({ timeout: 10_000 });
    await page.getByTestId('tab-payment-routes').click();
    await page.getByTestId('payment-routes-panel').waitFor({ timeout: 10_000 });
  }, 60_000);
  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await host?.stop();
  });

  it('offers 使用内置沙箱 for each direct provider; choosing it for Alipay sets Alipay direct up at the sandbox', async () => {
    const alipayRow = page.getByTestId('gateway-provider-alipay');
    await expect.poll(() => alipayRow.getByTestId('gateway-problem-not_configured').count(), { timeout: 10_000 }).toBe(1);
    for (const provider of ['wechat_v2', 'wechat_v3', 'alipay']) expect(await page.getByTestId(`gateway-builtin-${provider}`).textContent()).toBe('使用内置沙箱');
    // The aggregator has its own embedded sandbox already: no such button.
    expect(await page.getByTestId('gateway-builtin-aggregator').count()).toBe(0);

    await page.getByTestId('gateway-builtin-alipay').click();
    await expect.poll(() => alipayRow.getByTestId('gateway-builtin-in-use-alipay').count(), { timeout: 60_000 }).toBe(1);
    expect(await alipayRow.getByTestId('gateway-problem-not_configured').count()).toBe(0);
    expect(await alipayRow.textContent()).toContain('已设置');
    expect(await alipayRow.textContent()).toContain('正在使用内置沙箱');
    // The provider's settings are sealed in the terminal's database, marked as the built-in sandbox's.
    const [stored] = queryTerminalDb<{ settings: string; sealed_secrets: string }>(host.ready, "SELECT settings, sealed_secrets FROM payment_provider WHERE provider = 'alipay'");
    expect(JSON.parse(stored!.settings)).toMatchObject({ builtInSandbox: true, gatewayUrl: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\/gateway\.do$/) });
    expect(stored!.sealed_secrets).not.toContain('PRIVATE KEY');
  });

  it('routes Alipay to it; at the till an Alipay test code is paid through Alipay direct, and the sandbox’s ledger has the order', async () => {
    await page.getByTestId('gateway-route-alipay').selectOption('alipay');
    await page.getByTestId('gateway-routes-save').click();
    await expect.poll(() => queryTerminalDb(host.ready, "SELECT provider FROM payment_route WHERE wallet = 'alipay'"), { timeout: 10_000 }).toEqual([{ provider: 'alipay' }]);

    await page.getByTestId('signed-in-user').getByRole('button').click();
    await signIn(page, '收银员 01', '1111');
    await page.getByTestId('scan-input').waitFor();
    const [product] = queryTerminalDb<{ barcode: string }>(
      host.ready,
      "SELECT b.barcode FROM product p JOIN product_barcode b ON b.product_id = p.id WHERE p.active = 1 AND p.unit = 'each' AND length(b.barcode) = 13 LIMIT 1",
    );
    await page.getByTestId('scan-input').fill(product!.barcode);
    await page.getByTestId('scan-input').press('Enter');
    await expect.poll(() => page.getByTestId('cart-line').count(), { timeout: 10_000 }).toBe(1);
    await page.keyboard.press('F12');
    await page.getByTestId('pay-dialog').waitFor();
    await page.getByTestId('payment-code').fill(sandboxPaymentCode('alipay', '0000'));
    await page.getByTestId('payment-code').press('Enter');
    await expect.poll(() => page.getByTestId('receipt-dialog').count(), { timeout: 15_000 }).toBe(1);

    const [payment] = queryTerminalDb<{ client_sn: string; provider: string; amount: number; status: string }>(host.ready, 'SELECT client_sn, provider, amount, status FROM payment ORDER BY created_at DESC LIMIT 1');
    expect(payment).toMatchObject({ provider: 'alipay', status: 'paid' });
    const ledger = new Sqlite(join(host.ready.dataDir, 'direct-sandboxes', 'alipay.sqlite'), { readonly: true });
    try {
      expect(ledger.prepare('SELECT total_amount, trade_status FROM ali_order WHERE out_trade_no = ?').all(payment!.client_sn)).toEqual([{ total_amount: payment!.amount, trade_status: 'TRADE_SUCCESS' }]);
    } finally {
      ledger.close();
    }
  });
});
