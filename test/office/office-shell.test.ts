/// <reference lib="dom" />
/**
 * The web back office's shell in Chromium against the real store server on real PostgreSQL: the first owner's
 * set-up from the admin token, sign-in, the stores list, a store manager who sees only her store, sign-out.
 * Screenshots go to test-results/back-office/.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { officeClient } from '../../server/testing/office';
import { startTestServer, type TestServer } from '../../server/testing/server';
import { launchChromium } from '../helpers/browser';
import type { Browser } from 'playwright-core';

const SHOTS = 'test-results/back-office';

describe('the back office’s sign-in and stores (Chromium, real server)', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sets up the owner with the admin token, signs in, adds two stores, and signs out', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, ignoreHTTPSErrors: true });
    await page.goto(`${server.server.url}/`);
    await page.getByTestId('office-setup').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: `${SHOTS}/setup.png` });
    await page.getByTestId('office-setup-token').fill('wrong token');
    await page.getByTestId('office-setup-name').fill('王老板');
    await page.getByTestId('office-setup-login').fill('boss');
    await page.getByTestId('office-setup-password').fill('correct horse battery');
    await page.getByTestId('office-setup-again').fill('correct horse battery');
    await page.getByTestId('office-setup-submit').click();
    await expect.poll(() => page.getByTestId('office-setup-error').textContent(), { timeout: 10_000 }).toContain('管理员令牌不对');
    await page.getByTestId('office-setup-token').fill(server.server.adminToken);
    await page.getByTestId('office-setup-submit').click();

    await page.getByTestId('office-signin').waitFor({ timeout: 10_000 });
    await page.getByTestId('office-login').fill('boss');
    await page.getByTestId('office-password').fill('wrong password!');
    await page.getByTestId('office-signin-submit').click();
    await expect.poll(() => page.getByTestId('office-signin-error').textContent(), { timeout: 10_000 }).toContain('登录名或密码不对');
    await page.getByTestId('office-password').fill('correct horse battery');
    await page.screenshot({ path: `${SHOTS}/sign-in.png` });
    await page.getByTestId('office-signin-submit').click();
    await expect.poll(() => page.getByTestId('office-user').textContent(), { timeout: 10_000 }).toBe('王老板 · 老板');

    await page.getByTestId('office-nav-stores').click();
    await page.getByTestId('office-empty').waitFor({ timeout: 10_000 });
    for (const name of ['一号店', '二号店']) {
      await page.getByTestId('office-store-name').fill(name);
      await page.getByTestId('office-store-add').click();
      await expect.poll(() => page.getByTestId('office-store-row').allTextContents(), { timeout: 10_000 }).toContainEqual(expect.stringContaining(name));
    }
    await page.screenshot({ path: `${SHOTS}/stores.png` });
    expect(await page.getByTestId('office-store-picker').locator('option').allTextContents()).toEqual(['全部门店', '一号店', '二号店']);

    await page.getByTestId('office-signout').click();
    await page.getByTestId('office-signin').waitFor({ timeout: 10_000 });
    await page.reload();
    await page.getByTestId('office-signin').waitFor({ timeout: 10_000 });
    await page.close();
  });

  it('shows a store manager only her store, with no picker and no way to add a store', async () => {
    const owner = officeClient(server);
    await owner.signIn('boss', 'correct horse battery');
    const stores = (await owner.call('GET', '/stores')).body.stores as { storeId: string; name: string }[];
    const { createOfficeAccount } = await import('../../server/testing/office');
    await createOfficeAccount(server.server.databaseUrl, { login: 'li.na', name: '李店长', password: 'manager password', grants: [{ storeId: stores[1]!.storeId, role: 'manager' }] });

    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, ignoreHTTPSErrors: true });
    await page.goto(`${server.server.url}/office/#/stores`);
    await page.getByTestId('office-login').fill('li.na');
    await page.getByTestId('office-password').fill('manager password');
    await page.getByTestId('office-signin-submit').click();
    await page.getByTestId('office-stores').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('office-store-row').allTextContents(), { timeout: 10_000 }).toEqual([expect.stringContaining('二号店')]);
    expect(await page.getByTestId('office-store-picker').count()).toBe(0);
    expect(await page.getByTestId('office-store-add').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/stores-manager-phone.png` });
    await page.close();
  });
});
