/// <reference lib="dom" />
/**
 * The technician's store-server tab with the shop's own CA (made by openssl here) instead of a confirmed
 * fingerprint, in Chromium through the built host, against an HTTPS server that follows the sync contract and
 * presents a certificate that CA signed for 127.0.0.1: the server's own certificate pasted instead of the CA's,
 * an expired CA, and a private key are refused in words with nothing sent; the CA opened from a .pem file enrols,
 * and the status shows the CA's fingerprint. Screenshots for people go to test-results/ux/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type HostProcess, startHostProcess, tempDir } from '../helpers/host';
import { startContractServer, type ContractServer } from '../helpers/sync-contract-server';
import { makeCa, serverCertificateOf, type TestCa } from '../helpers/test-ca';

const SHOTS = 'test-results/ux';
/** YYYYMMDDHHMMSSZ, as openssl takes a date. */
const opensslDate = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
const DAY = 86_400_000;

describe('enrolling with the shop’s CA certificate (Chromium, built host)', () => {
  let browser: Browser;
  let server: ContractServer;
  let host: HostProcess;
  let page: Page;
  let shopCa: TestCa;
  let expiredCa: TestCa;
  let serverCert: { cert: string; key: string };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    shopCa = makeCa('本店 CA', { start: opensslDate(new Date(Date.now() - DAY)), end: opensslDate(new Date(Date.now() + 30 * DAY)) });
    expiredCa = makeCa('old shop CA', { start: '20200101000000Z', end: '20200215120000Z' });
    serverCert = serverCertificateOf(shopCa, 'store-server', 'IP:127.0.0.1');
    server = await startContractServer({ certificate: { ...serverCert, fingerprint: '' } });
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

  const refusedWith = async (pem: string, words: string) => {
    await page.getByTestId('sync-ca-pem').fill(pem);
    await page.getByTestId('sync-enrol-ca').click();
    await expect.poll(() => page.getByTestId('error').textContent(), { timeout: 10_000 }).toContain(words);
  };

  it('offers the CA choice beside the fingerprint; the CA form needs a certificate and a code', async () => {
    await page.getByTestId('sync-server-url').fill(server.url);
    expect(await page.getByTestId('sync-trust-pin').isChecked()).toBe(true);
    expect(await page.getByTestId('sync-ca').count()).toBe(0);
    await page.getByTestId('sync-trust-ca').check();
    await page.getByTestId('sync-ca').waitFor();
    // The fingerprint flow's button is gone; the CA one waits for both fields.
    expect(await page.getByTestId('sync-read-certificate').count()).toBe(0);
    expect(await page.getByTestId('sync-enrol-ca').isDisabled()).toBe(true);
    await page.getByTestId('sync-code').fill(server.enrolmentCode('store-a'));
    expect(await page.getByTestId('sync-enrol-ca').isDisabled()).toBe(true);
  });

  it('refuses the server’s own certificate, an expired CA and a private key in words, sending nothing', async () => {
    await refusedWith(serverCert.cert, '不是 CA 证书');
    await refusedWith(expiredCa.cert, '过期');
    expect(await page.getByTestId('error').textContent()).toMatch(/已于 2020\D+2\D+15\b/);
    await refusedWith(shopCa.key, '这是私钥');
    await refusedWith('hello', '不是 PEM 格式');
    expect(server.requests).toEqual([]);
    expect(await page.getByTestId('sync-enrol').count()).toBe(1);
  });

  it('enrols with the CA opened from a .pem file; the status shows the CA’s fingerprint and the chip says synced', async () => {
    const file = join(tempDir('ca-file-'), 'shop-ca.pem');
    writeFileSync(file, shopCa.cert);
    await page.getByTestId('sync-ca-pem').fill('');
    await page.getByTestId('sync-ca-file').setInputFiles(file);
    await expect.poll(() => page.getByTestId('sync-ca-pem').inputValue()).toBe(shopCa.cert);
    expect(await page.getByTestId('sync-ca-file-name').textContent()).toContain('shop-ca.pem');
    await page.screenshot({ path: `${SHOTS}/sync-enrol-ca-zh-CN.png` });

    await page.getByTestId('sync-enrol-ca').click();
    await page.getByTestId('sync-status').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('sync-status-store').textContent()).toContain('一号店');
    expect(await page.getByTestId('sync-status-caFingerprint').textContent()).toBe(`CA 证书指纹${shopCa.fingerprint}`);
    await expect.poll(() => page.getByTestId('sync-chip').getAttribute('data-state'), { timeout: 20_000 }).toBe('online');
    await expect.poll(() => page.getByTestId('sync-run').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(server.requests.some((r) => r.path.startsWith('/v1/enrol') && r.status === 200)).toBe(true);

    await page.getByTestId('switch-language').click();
    await expect.poll(() => page.getByTestId('sync-status-caFingerprint').textContent()).toBe(`CA certificate fingerprint${shopCa.fingerprint}`);
    await page.screenshot({ path: `${SHOTS}/sync-ca-en.png` });
  });
});
