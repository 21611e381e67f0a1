/// <reference lib="dom" />
/**
 * The technician's store-server tab in Chromium through the built host, against an HTTPS server that follows the
 * sync contract (certificate made by openssl): the fingerprint read from the server is shown to compare with the
 * one openssl printed, a wrong code is refused in words, the right one enrols, and the top bar's chip and the
 * status say the till is synced. Screenshots for people go to test-results/ux/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type HostProcess, startHostProcess } from '../helpers/host';
import { startContractServer, type ContractServer } from '../helpers/sync-contract-server';

const SHOTS = 'test-results/ux';

describe('the technician’s store-server tab (Chromium, built host)', () => {
  let browser: Browser;
  let server: ContractServer;
  let host: HostProcess;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startContractServer();
    server.addStore('store-a', '一号店');
    browser = await launchChromium();
    host = await startHostProcess({ config: {} });
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 900 });
    await signIn(page, '技术员', '9999');
    await page.getByTestId('technician-screen').waitFor({ timeout: 10_000 });
    await page.getByTestId('tab-sync').click();
    await page.getByTestId('sync-enrol').waitFor({ timeout: 10_000 });
  });
  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await host?.stop();
    await server?.close();
  });

  it('shows the server certificate’s fingerprint, the one openssl printed, before anything is sent', async () => {
    expect(await page.getByTestId('sync-chip').count()).toBe(0);
    await page.getByTestId('sync-server-url').fill(server.url);
    await page.getByTestId('sync-read-certificate').click();
    await expect.poll(() => page.getByTestId('sync-fingerprint').textContent(), { timeout: 10_000 }).toBe(server.fingerprint);
    expect(server.requests).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/sync-enrol-zh-CN.png` });
  });

  it('refuses a wrong code in words, then enrols with the right one; the chip and the status say synced', async () => {
    await page.getByTestId('sync-code').fill('ZZZZ-ZZZZ');
    await page.getByTestId('sync-enrol-confirm').click();
    await expect.poll(() => page.getByTestId('error').textContent(), { timeout: 10_000 }).toContain('加入码无效');

    await page.getByTestId('sync-code').fill(server.enrolmentCode('store-a'));
    await page.getByTestId('sync-enrol-confirm').click();
    await page.getByTestId('sync-status').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('sync-status-store').textContent()).toContain('一号店');
    await expect.poll(() => page.getByTestId('sync-chip').getAttribute('data-state'), { timeout: 20_000 }).toBe('online');
    await expect.poll(() => page.getByTestId('sync-chip').textContent(), { timeout: 20_000 }).toBe('门店服务器 · 已同步');
    await expect.poll(() => page.getByTestId('sync-run').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(server.facts.length).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/sync-zh-CN.png` });

    await page.getByTestId('switch-language').click();
    await expect.poll(() => page.getByTestId('sync-chip').textContent(), { timeout: 10_000 }).toBe('Store server · synced');
    await page.screenshot({ path: `${SHOTS}/sync-en.png` });
  });

  it('when the server is down the chip says offline', async () => {
    server.mode = 'down';
    await page.getByTestId('sync-now').click();
    await expect.poll(() => page.getByTestId('sync-chip').getAttribute('data-state'), { timeout: 20_000 }).toBe('offline');
    server.mode = 'ok';
  });
});
