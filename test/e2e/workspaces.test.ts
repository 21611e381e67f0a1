/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { startHostProcess, type HostProcess } from '../helpers/host';

/** Which screens each role reaches from the top bar (main checks every call anyway). */
describe('workspaces per role', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // No test shift: the cashier opens hers on screen.
    host = await startHostProcess({ openShift: false });
    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 800 });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('gives a cashier the till and her shift: she opens it with a float and goes back to selling; she counts blind and closes it', async () => {
    await signIn(page, '收银员 01', '1111');
    await page.getByTestId('scan-input').waitFor();
    expect(await page.getByTestId('workspace-owner').count()).toBe(0);
    await page.getByTestId('workspace-shift').click();
    await page.getByTestId('shift-float').fill('300');
    await page.getByTestId('shift-open').click();
    // Blind count: no expected cash for the cashier, only the instruction to count.
    await expect.poll(() => page.getByTestId('shift-blind').textContent()).toContain('盲点：请清点');
    expect(await page.getByTestId('shift-expected').count()).toBe(0);
    expect(await page.getByTestId('shift-cash').count()).toBe(0);
    await page.getByTestId('workspace-cashier').click();
    await page.getByTestId('scan-input').waitFor();
    await page.getByTestId('workspace-shift').click();
    await page.getByTestId('shift-blind').waitFor();
    expect(await page.getByTestId('shift-expected').count()).toBe(0);
    // She counts ¥310.00 against the float of ¥300.00: the close shows her the over/short.
    await page.getByTestId('shift-counted').fill('310');
    await page.getByTestId('shift-close').click();
    await expect.poll(() => page.getByTestId('shift-over-short').getAttribute('data-kind')).toBe('over');
    expect(await page.getByTestId('shift-over-short').getAttribute('data-amount')).toBe('1000');
    expect(await page.getByTestId('shift-over-short').textContent()).toBe('长款 ¥10.00');
    expect(await page.getByTestId('closed-expected').textContent()).toBe('¥300.00');
    await page.getByTestId('workspace-cashier').click();
    await page.getByTestId('scan-input').waitFor();
    await page.getByTestId('signed-in-user').getByRole('button').click();
  });

  it('gives the owner the store settings in the back office, without the technician-only fields', async () => {
    await signIn(page, '店长', '8888');
    await page.getByTestId('workspace-owner').click();
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('settings-save').waitFor();
    expect(await page.getByTestId('setting-storeName').isEditable()).toBe(true);
    expect(await page.getByTestId('setting-kioskMode').isEnabled()).toBe(false);
    expect(await page.getByTestId('workspace-technician').count()).toBe(0);
  });
});
