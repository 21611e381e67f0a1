/// <reference lib="dom" />
/**
 * The customer paid, the till cannot record the sale yet (its closing transaction fails, as on a full disk): the
 * cashier's dialog says the customer has paid and the sale is still to be recorded, offers no way to charge again,
 * and the receipt follows by itself once the sale can be written. The failure is a real one of the sale's closing
 * transaction (a trigger in the host's database aborting it), lifted to stand for space freed.
 */
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type HostProcess, queryTerminalDb, startHostProcess } from '../helpers/host';

describe('a cashier whose paid wallet sale cannot be recorded at once', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;

  const writeDb = (sql: string) => {
    const db = new Sqlite(join(host.ready.dataDir, 'pos.sqlite'));
    try {
      db.pragma('busy_timeout = 5000');
      db.exec(sql);
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    host = await startHostProcess({
      config: { acquirer: { sandboxSpeed: 0.1, timings: { pollIntervalMs: 200, pollDeadlineMs: 20_000, cancelRetryMs: 200, maxCancelAttempts: 5 } } },
    });
    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 800 });
    await signIn(page, '收银员 01', '1111');
    await page.getByTestId('scan-input').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('says the customer has paid and the sale is pending, then shows the receipt once it is recorded', async () => {
    const [product] = queryTerminalDb<{ barcode: string }>(
      host.ready,
      "SELECT b.barcode FROM product p JOIN product_barcode b ON b.product_id = p.id WHERE p.active = 1 AND p.unit = 'each' AND length(b.barcode) = 13 LIMIT 1",
    );
    await page.getByTestId('scan-input').fill(product!.barcode);
    await page.getByTestId('scan-input').press('Enter');
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(1);

    writeDb(`CREATE TRIGGER test_sale_cannot_close BEFORE UPDATE OF status ON sale WHEN NEW.status = 'completed'
             BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END`);
    await page.keyboard.press('F12');
    await page.getByTestId('payment-code').fill(sandboxPaymentCode('wechat', '0000'));
    await page.getByTestId('payment-code').press('Enter');

    await expect.poll(() => page.getByTestId('payment-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('paid');
    expect(await page.getByTestId('sale-completion-pending').textContent()).toContain('顾客已付款');
    expect(await page.getByTestId('receipt-dialog').count()).toBe(0);

    writeDb('DROP TRIGGER test_sale_cannot_close');
    await expect.poll(() => page.getByTestId('receipt-dialog').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByTestId('receipt-text').textContent()).toContain('微信支付');
    expect(await page.getByTestId('payment-dialog').count()).toBe(0);
  }, 60_000);
});
