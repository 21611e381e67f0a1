/// <reference lib="dom" />
/**
 * The technician's payment providers tab in Chromium through the built host, against the WeChat Pay v3 sandbox
 * (merchant certificate by openssl, RSA keys): WeChat Pay v3 is set up by hand with a merchant certificate that ends
 * in 10 days (named as ending soon, before the first sale), WeChat routed to it, and at the till a WeChat code is
 * paid through WeChat Pay v3. Screenshots for people go to test-results/ux/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WechatV3Sandbox } from '../../src-main/acquirer/wechat/sandbox-v3';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { blockingFindings, describeFindings, runAxe, settle } from '../helpers/axe';
import { launchChromium, signIn } from '../helpers/browser';
import { type HostProcess, queryTerminalDb, startHostProcess } from '../helpers/host';
import { makeWechatV3Keys, startTestWechatV3Sandbox, testWechatV3Settings, type WechatV3Keys } from '../helpers/wechat-v3-sandbox';

const SHOTS = 'test-results/ux';

describe('the technician’s payment providers tab with WeChat Pay v3 (Chromium, built host)', () => {
  let browser: Browser;
  let keys: WechatV3Keys;
  let sandbox: WechatV3Sandbox;
  let host: HostProcess;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    keys = makeWechatV3Keys(10);
    sandbox = await startTestWechatV3Sandbox(keys);
    browser = await launchChromium();
    host = await startHostProcess({ config: {} });
    // axe is injected as a script: the page's CSP is bypassed for the test only (as accessibility.test.ts does).
    page = await browser.newPage({ viewport: { width: 1366, height: 900 }, bypassCSP: true });
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

  it('names WeChat Pay v3 as not set up, then sets it up by hand and names its merchant certificate ending soon', async () => {
    const row = page.getByTestId('gateway-provider-wechat_v3');
    await expect.poll(() => row.getByTestId('gateway-problem-not_configured').count(), { timeout: 10_000 }).toBe(1);
    const settings = testWechatV3Settings(sandbox, keys);
    for (const key of ['baseUrl', 'appId', 'mchId', 'merchantSerialNo', 'merchantCertPem', 'merchantKeyPem', 'platformPublicKeyPem', 'platformSerial', 'caPem'] as const) {
      await page.getByTestId(`gateway-wechatV3-${key}`).fill(settings[key]!);
    }
    await page.getByTestId('gateway-wechatV3-save').click();
    await expect.poll(() => row.getByTestId('gateway-problem-not_configured').count(), { timeout: 10_000 }).toBe(0);
    expect(await row.textContent()).toContain('已设置');
    expect(await row.getByTestId('gateway-problem-certificate_expiring').textContent()).toContain('30 天内到期');
    // The private key is not shown again.
    expect(await page.getByTestId('gateway-wechatV3-merchantKeyPem').inputValue()).toBe('');
  });

  it('names why a key is refused: a serial that is not the certificate’s', async () => {
    const settings = testWechatV3Settings(sandbox, keys);
    await page.getByTestId('gateway-wechatV3-merchantKeyPem').fill(settings.merchantKeyPem);
    await page.getByTestId('gateway-wechatV3-merchantSerialNo').fill('ABCDEF0123456789');
    await page.getByTestId('gateway-wechatV3-save').click();
    await expect.poll(() => page.getByText('证书序列号与商户 API 证书不符').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.getByTestId('gateway-wechatV3-merchantSerialNo').fill(settings.merchantSerialNo);
  });

  it('routes WeChat to WeChat Pay v3; the page passes axe in both languages', async () => {
    await page.getByTestId('gateway-route-wechat').selectOption('wechat_v3');
    await page.getByTestId('gateway-routes-save').click();
    await expect.poll(() => page.getByTestId('gateway-route-wechat').inputValue(), { timeout: 10_000 }).toBe('wechat_v3');
    for (const language of ['zh-CN', 'en'] as const) {
      await settle(page);
      const lines = describeFindings(`technician payment-routes v3 ${language}`, blockingFindings(await runAxe(page)));
      expect(lines).toEqual([]);
      await page.screenshot({ path: `${SHOTS}/payment-routes-v3-${language}.png`, fullPage: true });
      await page.getByTestId('switch-language').click();
    }
  });

  it('at the till: no WeChat merchant QR, and a WeChat code is paid through WeChat Pay v3', async () => {
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
    expect(await page.getByTestId('qr-wechat').count()).toBe(0);
    const before = sandbox.orders().length;
    await page.getByTestId('payment-code').fill(sandboxPaymentCode('wechat', '0000'));
    await page.getByTestId('payment-code').press('Enter');
    await expect.poll(() => page.getByTestId('receipt-dialog').count(), { timeout: 15_000 }).toBe(1);
    expect(sandbox.orders().length).toBe(before + 1);
    expect(sandbox.orders().at(-1)?.tradeState).toBe('SUCCESS');
  });
});
