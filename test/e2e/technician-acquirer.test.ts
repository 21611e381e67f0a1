/// <reference lib="dom" />
/**
 * The technician's acquirer screen in Chromium through the built host: a live terminal (its old config.json still
 * holding an activation code and the vendor key, which the start drops) is enrolled from the screen, which refuses
 * a plain http address and says what happened to the activation; a sandbox terminal shows its key's rotation.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type HostProcess, queryTerminalDb, startHostProcess } from '../helpers/host';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function openAcquirerSettings(page: Page) {
  await signIn(page, '技术员', '9999');
  await page.getByTestId('technician-screen').waitFor({ timeout: 10_000 });
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('acquirer-settings').waitFor({ timeout: 10_000 });
}

describe('the technician’s acquirer screen (Chromium, built host)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe('a live terminal', () => {
    let host: HostProcess;
    let page: Page;
    beforeAll(async () => {
      const port = await closedPort();
      host = await startHostProcess({
        config: { acquirer: { mode: 'live', baseUrl: `https://127.0.0.1:${port}/`, vendorSn: '91800123', vendorKey: 'old-vendor-key-123', activationCode: 'OLD-CODE-4411' } },
      });
      page = await openTerminalPage(browser, host.ready, { width: 1366, height: 900 });
      await openAcquirerSettings(page);
    });
    afterAll(async () => {
      await page?.close();
      await host?.stop();
    });

    it('started without the stored code and vendor key: both are gone from config.json', () => {
      const written = readFileSync(join(host.ready.dataDir, 'config.json'), 'utf8');
      expect(written).not.toContain('OLD-CODE-4411');
      expect(written).not.toContain('old-vendor-key-123');
      expect(JSON.parse(written)).toMatchObject({ acquirer: { mode: 'live', vendorSn: '91800123' } });
      expect(queryTerminalDb(host.ready, 'SELECT count(*) AS n FROM acquirer_terminal')).toEqual([{ n: 0 }]);
    });

    it('refuses a plain http address for live mode beside the field', async () => {
      expect(await page.getByTestId('acquirer-mode').textContent()).toBe('正式');
      await page.getByTestId('acquirer-mode-select').selectOption('live');
      await page.getByTestId('acquirer-baseUrl').fill('http://api.shouqianba.com');
      await page.getByTestId('acquirer-save').click();
      await expect.poll(() => page.getByTestId('field-error-baseUrl').textContent(), { timeout: 10_000 }).toContain('https://');
      expect(JSON.parse(readFileSync(join(host.ready.dataDir, 'config.json'), 'utf8')).acquirer.baseUrl).not.toBe('http://api.shouqianba.com');
    });

    it('enrols from the vendor’s identity and a code typed once, and says what happened; the code is cleared and kept nowhere', async () => {
      expect(await page.getByTestId('vendor-sn').inputValue()).toBe('91800123');
      expect(await page.getByTestId('enrol').isDisabled()).toBe(true);
      await page.getByTestId('vendor-key').fill('vendor-key-typed-0001');
      await page.getByTestId('app-id').fill('2025000000009999');
      await page.getByTestId('activation-code').fill('NEW-CODE-5522');
      await page.getByTestId('enrol').click();
      await expect.poll(() => page.getByTestId('enrol-problem').textContent(), { timeout: 15_000 }).toContain('激活码未被使用');
      expect(await page.getByTestId('activation-code').inputValue()).toBe('');
      expect(await page.getByTestId('vendor-key').inputValue()).toBe('');
      expect(await page.getByTestId('last-checkin').textContent()).toBe('—');
      const everything = JSON.stringify(queryTerminalDb(host.ready, 'SELECT * FROM audit_log')) + readFileSync(join(host.ready.dataDir, 'config.json'), 'utf8');
      expect(everything).not.toContain('NEW-CODE-5522');
      expect(everything).not.toContain('vendor-key-typed-0001');
    });
  });

  describe('a sandbox terminal', () => {
    let host: HostProcess;
    let page: Page;
    beforeAll(async () => {
      host = await startHostProcess();
      page = await openTerminalPage(browser, host.ready, { width: 1366, height: 900 });
      await openAcquirerSettings(page);
    });
    afterAll(async () => {
      await page?.close();
      await host?.stop();
    });

    it('shows the key’s rotation: last checkin, its Beijing date and the next checkin', async () => {
      // The sandbox enrols by itself at start; the screen shows it once reloaded.
      await expect
        .poll(
          async () => {
            await page.getByTestId('tab-audit').click();
            await page.getByTestId('tab-settings').click();
            return page.getByTestId('next-checkin').textContent({ timeout: 5_000 });
          },
          { timeout: 15_000 },
        )
        .not.toBe('—');
      expect(await page.getByTestId('last-checkin').textContent()).not.toBe('—');
      const [row] = queryTerminalDb<{ key_date: string }>(host.ready, 'SELECT key_date FROM acquirer_terminal');
      expect(await page.getByTestId('key-rotation').textContent()).toContain(row!.key_date);
      expect(await page.getByTestId('vendor-key').count()).toBe(0);
    });
  });
});
