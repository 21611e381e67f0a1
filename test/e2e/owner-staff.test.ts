/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type HostProcess, queryTerminalDb, startHostProcess } from '../helpers/host';

/** The owner manages the shop's staff from the till's back office (cashiers and owners; never a technician). */
describe("the owner's staff page on the till", () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    host = await startHostProcess();
    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 768 });
    await signIn(page, '店长', '8888');
    await page.getByTestId('workspace-owner').click();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('adds a cashier with a first PIN; offers no technician role; the new cashier can sign in', async () => {
    await page.getByTestId('tab-staff').click();
    await page.getByTestId('users-panel').waitFor();
    const roles = await page.getByTestId('new-user-role').locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(roles).toEqual(['cashier', 'owner']);
    await page.getByTestId('new-user-name').fill('收银员 02');
    await page.getByTestId('new-user-pin').fill('2468');
    await page.getByTestId('new-user-create').click();
    await expect.poll(() => page.locator('[data-testid="user-row"][data-user="收银员 02"]').count()).toBe(1);
    expect(queryTerminalDb<{ role: string; active: number }>(host.ready, "SELECT role, active FROM user WHERE name = '收银员 02'")).toEqual([{ role: 'cashier', active: 1 }]);

    await page.getByRole('button', { name: /退出|Sign out/ }).click();
    await signIn(page, '收银员 02', '2468');
    await expect.poll(() => page.getByTestId('signed-in-user').textContent()).toContain('收银员 02');
  });
});
