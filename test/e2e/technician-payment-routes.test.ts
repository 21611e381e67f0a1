/// <reference lib="dom" />
/**
 * The technician's payment providers tab in Chromium through the built host, against the WeChat Pay v2 sandbox
 * (certificates made by openssl): WeChat direct is set up by hand, its certificate's end shown, WeChat routed to
 * it, and at the till the pay dialog offers no WeChat merchant QR (WeChat direct has none) while a WeChat code
 * is paid through WeChat. Screenshots for people go to test-results/ux/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WechatV2Sandbox } from '../../src-main/acquirer/wechat/sandbox-v2';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { blockingFindings, describeFindings, runAxe, settle } from '../helpers/axe';
import { launchChromium, signIn } from '../helpers/browser';
import { type HostProcess, queryTerminalDb, startHostProcess } from '../helpers/host';
import { makeWechatCertificates, startTestWechatSandbox, testWechatSettings, type WechatCertificates } from '../helpers/wechat-sandbox';

const SHOTS = 'test-results/ux';

describe('the technician’s payment providers tab (Chromium, built host)', () => {
  let browser: Browser;
  let certs: WechatCertificates;
  let sandbox: WechatV2Sandbox;
  let host: HostProcess;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    certs = makeWechatCertificates();
    sandbox = await startTestWechatSandbox(certs);
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

  it('names WeChat direct as not set up, then sets it up by hand and shows its certificate’s end', async () => {
    const v2Row = page.getByTestId('gateway-provider-wechat_v2');
    await expect.poll(() => v2Row.getByTestId('gateway-problem-not_configured').count(), { timeout: 10_000 }).toBe(1);
    const settings = testWechatSettings(sandbox, certs);
    await page.getByTestId('gateway-wechat-baseUrl').fill(settings.baseUrl);
    await page.getByTestId('gateway-wechat-appId').fill(settings.appId);
    await page.getByTestId('gateway-wechat-mchId').fill(settings.mchId);
    await page.getByTestId('gateway-wechat-apiKey').fill(settings.apiKey);
    await page.getByTestId('gateway-wechat-certPem').fill(settings.certPem);
    await page.getByTestId('gateway-wechat-keyPem').fill(settings.keyPem);
    await page.getByTestId('gateway-wechat-caPem').fill(settings.caPem!);
    await page.getByTestId('gateway-wechat-save').click();
    await expect.poll(() => v2Row.getByTestId('gateway-problem-not_configured').count(), { timeout: 10_000 }).toBe(0);
    expect(await v2Row.textContent()).toContain('已设置');
    // The key is not shown again.
    expect(await page.getByTestId('gateway-wechat-apiKey').inputValue()).toBe('');
  });

  it('routes WeChat to WeChat Pay direct; the page passes axe in both languages', async () => {
    await page.getByTestId('gateway-route-wechat').selectOption('wechat_v2');
    await page.getByTestId('gateway-routes-save').click();
    await expect.poll(() => page.getByTestId('gateway-route-wechat').inputValue(), { timeout: 10_000 }).toBe('wechat_v2');
    for (const language of ['zh-CN', 'en'] as const) {
      await settle(page);
      const lines = describeFindings(`technician payment-routes ${language}`, blockingFindings(await runAxe(page)));
      expect(lines).toEqual([]);
      await page.screenshot({ path: `${SHOTS}/payment-routes-${language}.png`, fullPage: true });
      await page.getByTestId('switch-language').click();
    }
  });

  it('at the till: no WeChat merchant QR, and a WeChat code is paid through WeChat Pay direct', async () => {
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
