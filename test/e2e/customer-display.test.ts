/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type HostProcess, queryTerminalDb, startHostProcess } from '../helpers/host';

const SHOTS = 'test-results/ux';
/** The customer displays shops own: small 7" and 10" panels and a full-HD second monitor. */
const SIZES = [
  { width: 800, height: 480 },
  { width: 1024, height: 600 },
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;

/** The customer display fits its screen: no scrolling, the total and the newest line in view, the store named. */
describe('the customer display at the sizes shops use', () => {
  let host: HostProcess;
  let browser: Browser;
  let till: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    host = await startHostProcess();
    browser = await launchChromium();
    till = await openTerminalPage(browser, host.ready, { width: 1366, height: 768 });
    await signIn(till, '收银员 01', '1111');
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  /** What does not fit: a scrollbar's worth of overflow, or an element cut by the viewport's edge. */
  const overflow = (page: Page) =>
    page.evaluate(() => ({
      x: document.documentElement.scrollWidth - window.innerWidth,
      y: document.documentElement.scrollHeight - window.innerHeight,
    }));
  async function inView(page: Page, testId: string) {
    const box = (await page.getByTestId(testId).last().boundingBox())!;
    const { width, height } = page.viewportSize()!;
    return box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 0.5 && box.y + box.height <= height + 0.5;
  }

  it('rings up fourteen items at the till', async () => {
    const barcodes = queryTerminalDb<{ barcode: string }>(
      host.ready,
      "SELECT b.barcode FROM product p JOIN product_barcode b ON b.product_id = p.id WHERE p.active = 1 AND p.unit = 'each' AND length(b.barcode) = 13 GROUP BY p.id ORDER BY p.sku LIMIT 14",
    );
    for (const [i, { barcode }] of barcodes.entries()) {
      await till.getByTestId('scan-input').fill(barcode);
      await till.getByTestId('scan-input').press('Enter');
      await expect.poll(() => till.getByTestId('cart-line').count()).toBe(i + 1);
    }
  });

  for (const size of SIZES) {
    it(`fits ${size.width}×${size.height}: store name, the newest lines with quantities and the total in view, nothing to scroll`, async () => {
      const page = await browser.newPage({ viewport: size });
      await page.goto(`${host.ready.url}#/customer?token=${host.ready.token}`);
      await expect.poll(() => page.getByTestId('customer-line').count()).toBe(14);
      // The store's name comes with the settings, which may land after the sale's lines.
      await expect.poll(() => page.getByTestId('customer-store').textContent()).toBe('演示便利店');
      expect(await overflow(page)).toEqual({ x: 0, y: 0 });
      expect(await inView(page, 'customer-total')).toBe(true);
      expect(await inView(page, 'customer-line')).toBe(true); // the newest (last) line
      expect(await page.getByTestId('customer-line').last().textContent()).toMatch(/1.*¥\d+\.\d\d$/);
      // Readable from the customer's side of the counter: the total at least a tenth of the screen's height.
      const total = (await page.getByTestId('customer-total').boundingBox())!;
      expect(total.height).toBeGreaterThanOrEqual(size.height * 0.09);
      await page.screenshot({ path: `${SHOTS}/customer-${size.width}x${size.height}.png` });
      await page.close();
    });
  }

  it('fits the same four sizes with its words in English', async () => {
    await till.getByTestId('switch-language').click();
    try {
      for (const size of SIZES) {
        const page = await browser.newPage({ viewport: size });
        await page.goto(`${host.ready.url}#/customer?token=${host.ready.token}`);
        await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
        await expect.poll(() => page.getByTestId('customer-line').count()).toBe(14);
        expect(await overflow(page)).toEqual({ x: 0, y: 0 });
        expect(await inView(page, 'customer-total')).toBe(true);
        await page.screenshot({ path: `${SHOTS}/customer-${size.width}x${size.height}-en.png` });
        await page.close();
      }
    } finally {
      await till.getByTestId('switch-language').click();
    }
  });

  it('shows the merchant QR large enough to scan at arm’s length, whole, on the smallest display', async () => {
    const page = await browser.newPage({ viewport: SIZES[0] });
    await page.goto(`${host.ready.url}#/customer?token=${host.ready.token}`);
    await expect.poll(() => page.getByTestId('customer-line').count()).toBe(14);
    await till.keyboard.press('F12');
    await till.getByTestId('qr-wechat').click();
    await expect.poll(() => page.getByTestId('customer-qr').count()).toBe(1);
    const qr = (await page.getByTestId('customer-qr').boundingBox())!;
    expect(qr.width).toBeGreaterThanOrEqual(280);
    expect(await inView(page, 'customer-qr')).toBe(true);
    expect(await inView(page, 'customer-total')).toBe(true);
    expect(await overflow(page)).toEqual({ x: 0, y: 0 });
    await page.screenshot({ path: `${SHOTS}/customer-qr-800x480.png` });
    await page.close();
  });
});
