/// <reference lib="dom" />
/**
 * The technician's payment providers tab of a store in yen (Chromium, built host): WeChat Pay v3 settings without
 * the global API's MCC are saved but named as a problem before the first sale, and routing WeChat to them is refused
 * with the reason; so is common mode (WeChat Pay Global has direct merchants in Hong Kong and the UK only); in
 * institutional mode with the sub-merchant the problems go, WeChat is routed, and a WeChat code at the till is paid
 * through the sandbox's global API in yen, for that sub-merchant.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WechatV3Sandbox } from '../../src-main/acquirer/wechat/sandbox-v3';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { blockingFindings, describeFindings, runAxe, settle } from '../helpers/axe';
import { launchChromium, signIn } from '../helpers/browser';
import { type HostProcess, queryTerminalDb, startHostProcess } from '../helpers/host';
import { makeWechatV3Keys, startTestWechatV3Sandbox, testWechatV3Settings, type WechatV3Keys } from '../helpers/wechat-v3-sandbox';

describe('WeChat Pay v3 global settings on the technician’s tab of a JPY store (Chromium, built host)', () => {
  let browser: Browser;
  let keys: WechatV3Keys;
  let sandbox: WechatV3Sandbox;
  let host: HostProcess;
  let page: Page;

  beforeAll(async () => {
    keys = makeWechatV3Keys(365);
    sandbox = await startTestWechatV3Sandbox(keys);
    browser = await launchChromium();
    host = await startHostProcess({ config: { currency: 'JPY' } });
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

  it('names settings without the MCC as a problem, and refuses to route WeChat to them', async () => {
    const settings = testWechatV3Settings(sandbox, keys);
    for (const key of ['baseUrl', 'appId', 'mchId', 'merchantSerialNo', 'merchantCertPem', 'merchantKeyPem', 'platformPublicKeyPem', 'platformSerial', 'caPem'] as const) {
      await page.getByTestId(`gateway-wechatV3-${key}`).fill(settings[key]!);
    }
    await page.getByTestId('gateway-wechatV3-save').click();
    const row = page.getByTestId('gateway-provider-wechat_v3');
    await expect.poll(() => row.getByTestId('gateway-problem-global_settings_incomplete').count(), { timeout: 10_000 }).toBe(1);
    expect(await row.getByTestId('gateway-problem-global_settings_incomplete').textContent()).toContain('MCC');
    await page.getByTestId('gateway-route-wechat').selectOption('wechat_v3');
    await page.getByTestId('gateway-routes-save').click();
    await expect.poll(() => page.getByText('不能路由到该通道：境外接口的设置不全').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(queryTerminalDb<{ n: number }>(host.ready, "SELECT count(*) AS n FROM payment_route WHERE wallet = 'wechat'")[0]!.n).toBe(0);
  });

  it('names common mode as unavailable in a JPY store (direct merchants: Hong Kong and the UK only)', async () => {
    const settings = testWechatV3Settings(sandbox, keys);
    await page.getByTestId('gateway-wechatV3-merchantKeyPem').fill(settings.merchantKeyPem);
    await page.getByTestId('gateway-wechatV3-merchantCategoryCode').fill('5499');
    await page.getByTestId('gateway-wechatV3-save').click();
    const row = page.getByTestId('gateway-provider-wechat_v3');
    await expect.poll(() => row.getByTestId('gateway-problem-global_settings_incomplete').count(), { timeout: 10_000 }).toBe(0);
    expect(await row.getByTestId('gateway-problem-global_common_mode_unavailable').textContent()).toContain('仅开放香港、英国商户');
    await page.getByTestId('gateway-route-wechat').selectOption('wechat_v3');
    await page.getByTestId('gateway-routes-save').click();
    await expect.poll(() => page.getByText('只能经机构接入微信支付境外接口').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(queryTerminalDb<{ n: number }>(host.ready, "SELECT count(*) AS n FROM payment_route WHERE wallet = 'wechat'")[0]!.n).toBe(0);
  });

  it('takes institutional mode with the sub-merchant, then routes WeChat to it; the page passes axe in both languages', async () => {
    const settings = testWechatV3Settings(sandbox, keys, 'institutional');
    await page.getByTestId('gateway-wechatV3-merchantKeyPem').fill(settings.merchantKeyPem);
    // Common mode has no sub-merchant lines; institutional mode shows them.
    expect(await page.getByTestId('gateway-wechatV3-subMchId').count()).toBe(0);
    await page.getByTestId('gateway-wechatV3-globalMode').selectOption('institutional');
    await page.getByTestId('gateway-wechatV3-subMchId').fill(settings.subMchId!);
    await page.getByTestId('gateway-wechatV3-save').click();
    const row = page.getByTestId('gateway-provider-wechat_v3');
    await expect.poll(() => row.getByTestId('gateway-problem-global_common_mode_unavailable').count(), { timeout: 10_000 }).toBe(0);
    expect(await row.getByTestId('gateway-problem-global_settings_incomplete').count()).toBe(0);
    await page.getByTestId('gateway-route-wechat').selectOption('wechat_v3');
    await page.getByTestId('gateway-routes-save').click();
    await expect.poll(() => queryTerminalDb<{ provider: string }>(host.ready, "SELECT provider FROM payment_route WHERE wallet = 'wechat'")[0]?.provider, { timeout: 10_000 }).toBe('wechat_v3');
    for (const language of ['zh-CN', 'en'] as const) {
      await settle(page);
      expect(describeFindings(`technician wechat v3 global ${language}`, blockingFindings(await runAxe(page)))).toEqual([]);
      await page.getByTestId('switch-language').click();
    }
  });

  it('at the till: a WeChat code is paid through the global API, in yen', async () => {
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
    const before = sandbox.requests().length;
    await page.getByTestId('payment-code').fill(sandboxPaymentCode('wechat', '0000'));
    await page.getByTestId('payment-code').press('Enter');
    await expect.poll(() => page.getByTestId('receipt-dialog').count(), { timeout: 15_000 }).toBe(1);
    expect(sandbox.requests().slice(before)).toEqual(['POST /v3/global/micropay/transactions/pay']);
    const [paid] = queryTerminalDb<{ client_sn: string; amount: number; currency: string; payer_amount: number }>(host.ready, "SELECT client_sn, amount, currency, payer_amount FROM payment WHERE status = 'paid'");
    expect(sandbox.order(paid!.client_sn)).toMatchObject({ api: 'global', subMchId: testWechatV3Settings(sandbox, keys, 'institutional').subMchId, currency: 'JPY', total: paid!.amount, payerTotal: paid!.payer_amount, tradeState: 'SUCCESS' });
    expect(paid!.currency).toBe('JPY');
  });
});
