/// <reference lib="dom" />
/**
 * Alipay direct set up by hand in the technician's payment providers tab (Chromium, built host) against the Alipay
 * gateway sandbox over HTTPS: the app's keys pasted, the provider named set up, Alipay routed to it; at the till the
 * pay dialog still offers the Alipay merchant QR (trade.precreate) and an Alipay code is paid through Alipay direct.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlipaySandbox } from '../../src-main/acquirer/alipay/sandbox';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { launchChromium, signIn } from '../helpers/browser';
import { type HostProcess, queryTerminalDb, startHostProcess } from '../helpers/host';
import { makeAlipayKeys, startTestAlipaySandbox, testAlipaySettings, type AlipayKeys } from '../helpers/alipay-sandbox';

describe('Alipay direct in the technician’s payment providers tab (Chromium, built host)', () => {
  let browser: Browser;
  let keys: AlipayKeys;
  let sandbox: AlipaySandbox;
  let host: HostProcess;
  let page: Page;

  beforeAll(async () => {
    keys = makeAlipayKeys();
    sandbox = await startTestAlipaySandbox(keys);
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
    await sandbox?.close();
  });

  it('refuses a key that is not an RSA key, then sets Alipay direct up and clears the private key from the form', async () => {
    const alipayNotConfigured = () => page.getByTestId('gateway-provider-alipay').getByTestId('gateway-problem-not_configured').count();
    await expect.poll(alipayNotConfigured, { timeout: 10_000 }).toBe(1);
    const settings = testAlipaySettings(sandbox, keys);
    await page.getByTestId('gateway-alipay-gatewayUrl').fill(settings.gatewayUrl);
    await page.getByTestId('gateway-alipay-appId').fill(settings.appId);
    await page.getByTestId('gateway-alipay-privateKeyPem').fill('-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----');
    await page.getByTestId('gateway-alipay-alipayPublicKeyPem').fill(settings.alipayPublicKeyPem);
    await page.getByTestId('gateway-alipay-caPem').fill(settings.caPem!);
    await page.getByTestId('gateway-alipay-save').click();
    await expect.poll(() => page.getByText('无法读取应用私钥或支付宝公钥').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await alipayNotConfigured()).toBe(1);

    await page.getByTestId('gateway-alipay-privateKeyPem').fill(settings.privateKeyPem);
    await page.getByTestId('gateway-alipay-save').click();
    await expect.poll(alipayNotConfigured, { timeout: 10_000 }).toBe(0);
    expect(await page.getByTestId('gateway-provider-alipay').textContent()).toContain('已设置');
    expect(await page.getByTestId('gateway-alipay-privateKeyPem').inputValue()).toBe('');
  });

  it('routes Alipay to Alipay direct; at the till the Alipay merchant QR is still offered and an Alipay code is paid through Alipay', async () => {
    await page.getByTestId('gateway-route-alipay').selectOption('alipay');
    await page.getByTestId('gateway-routes-save').click();
    await expect.poll(() => page.getByTestId('gateway-route-alipay').inputValue(), { timeout: 10_000 }).toBe('alipay');

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
    await expect.poll(() => page.getByTestId('qr-alipay').count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId('payment-code').fill(sandboxPaymentCode('alipay', '0000'));
    await page.getByTestId('payment-code').press('Enter');
    await expect.poll(() => page.getByTestId('receipt-dialog').count(), { timeout: 15_000 }).toBe(1);
    const [payment] = queryTerminalDb<{ client_sn: string; provider: string; amount: number }>(host.ready, 'SELECT client_sn, provider, amount FROM payment ORDER BY created_at DESC LIMIT 1');
    expect(payment!.provider).toBe('alipay');
    expect(sandbox.order(payment!.client_sn)).toMatchObject({ tradeStatus: 'TRADE_SUCCESS', totalAmount: payment!.amount });
  });
});
