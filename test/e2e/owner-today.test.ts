/// <reference lib="dom" />
/**
 * The owner's back office lands on 今日概况 (issue 17, point 6), in Chromium at 1366×768 through the host.
 * The owner's page stays open while a cashier on another screen makes a cash sale and a wallet sale: the
 * figures follow each sale by themselves (the `owner.dayChanged` event), and match the sales to the fen. The
 * report tables keep to a readable width. Screenshots: test-results/ux/owner-today-{zh-CN,en}.png.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemTimeZone, wallClockAt } from '../../src-common/business-day';
import { formatMoney } from '../../src-common/money';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type HostProcess, queryTerminalDb, startHostProcess } from '../helpers/host';

const SHOTS = 'test-results/ux';
const yuan = (fen: number) => formatMoney(fen, 'CNY');
const VIEWPORT = { width: 1366, height: 768 };

describe('the owner’s back office opens on today at a glance', () => {
  let host: HostProcess;
  let browser: Browser;
  let owner: Page;
  let till: Page;
  const db = <T,>(sql: string, ...params: unknown[]): T[] => queryTerminalDb<T>(host.ready, sql, ...params);
  const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent())!.trim();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    host = await startHostProcess({ config: { acquirer: { sandboxSpeed: 0.1, timings: { pollIntervalMs: 200, pollDeadlineMs: 20_000, cancelRetryMs: 200, maxCancelAttempts: 5 } } } });
    browser = await launchChromium();
    owner = await openTerminalPage(browser, host.ready, VIEWPORT);
    till = await openTerminalPage(browser, host.ready, VIEWPORT);
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  /** Two products sold by the piece, the first dearer than the second, with their barcodes. */
  const products = () =>
    db<{ barcode: string; price: number; name: string; sku: string }>(
      `SELECT b.barcode, p.price, p.name, p.sku FROM product_barcode b JOIN product p ON p.id = b.product_id
        WHERE p.active = 1 AND p.unit = 'each' AND length(b.barcode) = 13 AND p.price BETWEEN 300 AND 2000 ORDER BY p.price DESC, p.sku LIMIT 2`,
    );
  async function scan(code: string, lines: number) {
    await till.getByTestId('scan-input').fill(code);
    await till.getByTestId('scan-input').press('Enter');
    await expect.poll(() => till.getByTestId('cart-line').count()).toBe(lines);
  }
  async function nextCustomer() {
    await expect.poll(() => till.getByTestId('receipt-dialog').count(), { timeout: 15_000 }).toBe(1);
    await till.getByTestId('next-customer').click();
    await expect.poll(() => till.getByTestId('receipt-dialog').count()).toBe(0);
  }
  const lowStockInDb = () =>
    db<{ sku: string }>('SELECT sku FROM product WHERE active = 1 AND stock_milli < 10000 ORDER BY stock_milli, sku').map((r) => r.sku);

  it('lands on 今日概况 with a real empty state, and low stock from the catalog', async () => {
    await signIn(owner, '店长', '8888');
    await expect.poll(() => owner.getByTestId('signed-in-user').textContent()).toContain('店长');
    await owner.getByTestId('workspace-owner').click();
    // No tab clicked: the back office opens on today's page, not on the shift form.
    await owner.getByTestId('today-panel').locator('[data-testid="today-net"]').waitFor();
    expect(await owner.getByTestId('tab-today').getAttribute('aria-selected')).toBe('true');
    expect(await owner.getByTestId('tab-today').textContent()).toBe('今日概况');
    expect(await owner.getByTestId('shift-float').count()).toBe(0);

    expect(await text(owner, 'today-net')).toBe('¥0.00');
    expect(await text(owner, 'today-sales-count')).toBe('0');
    expect(await text(owner, 'today-average-ticket')).toBe('—');
    expect(await text(owner, 'today-refunds')).toBe('0 笔 · ¥0.00');
    for (const id of ['today-empty', 'today-tenders-empty', 'today-wallets-empty', 'today-top-sellers-empty']) expect(await owner.getByTestId(id).count(), id).toBe(1);
    expect(await owner.getByTestId('today-this-hour').getByTestId('change').textContent()).toBe('上周同时段没有销售');

    // The demo catalog has a few products under the default threshold (10): listed lowest first, as the database has them.
    const low = lowStockInDb();
    expect(low.length).toBeGreaterThan(0);
    expect(await owner.getByTestId('today-low-stock').getAttribute('data-count')).toBe(String(low.length));
    const listed = await owner.getByTestId('today-low-stock-item').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-sku')));
    expect(listed).toEqual(low.slice(0, 20));
  });

  it('follows a cash sale and a wallet sale made on another screen, to the fen', async () => {
    const [dear, cheap] = products();
    await signIn(till, '收银员', '1111');
    await till.getByTestId('scan-input').waitFor();

    // Cash: two of the dear product and one of the cheap one, ¥100 handed over.
    await scan(dear!.barcode, 1);
    await scan(dear!.barcode, 1);
    await scan(cheap!.barcode, 2);
    await till.getByTestId('key-pay').click();
    await till.getByTestId('pay-dialog').waitFor();
    await till.getByTestId('cash-tendered').fill('100');
    await till.getByTestId('pay-complete').click();
    await nextCustomer();
    // The owner's page read the figures again by itself.
    await expect.poll(() => text(owner, 'today-sales-count'), { timeout: 10_000 }).toBe('1');
    const cashTotal = 2 * dear!.price + cheap!.price;
    expect(await text(owner, 'today-net')).toBe(yuan(cashTotal));

    // WeChat: one of the cheap product, paid at once by the sandbox.
    await scan(cheap!.barcode, 1);
    await till.getByTestId('key-pay').click();
    await till.getByTestId('pay-dialog').waitFor();
    await till.getByTestId('payment-code').fill(sandboxPaymentCode('wechat', '0000'));
    await till.getByTestId('payment-code').press('Enter');
    await nextCustomer();
    await expect.poll(() => text(owner, 'today-sales-count'), { timeout: 10_000 }).toBe('2');

    // The figures, from the prices sold (no discounts, no rounding: the default store rounds nothing).
    const walletTotal = cheap!.price;
    const total = cashTotal + walletTotal;
    expect(db<{ total: number }>("SELECT sum(total + rounding) AS total FROM sale WHERE status = 'completed'")[0]!.total).toBe(total);
    expect(await text(owner, 'today-net')).toBe(yuan(total));
    expect(await text(owner, 'today-sales-amount')).toBe(yuan(total));
    expect(await text(owner, 'today-average-ticket')).toBe(yuan(Math.round(total / 2)));
    expect(await owner.getByTestId('today-empty').count()).toBe(0);

    const tender = (group: string, cell: string) => owner.getByTestId(`today-tender-${group}`).getByTestId(cell).textContent();
    expect([await tender('cash', 'count'), await tender('cash', 'amount'), await tender('cash', 'net')]).toEqual(['1', yuan(cashTotal), yuan(cashTotal)]);
    expect([await tender('wallet', 'count'), await tender('wallet', 'amount'), await tender('wallet', 'net')]).toEqual(['1', yuan(walletTotal), yuan(walletTotal)]);
    expect(await owner.getByTestId('today-wallet-wechat').getByTestId('net').textContent()).toBe(yuan(walletTotal));

    // Top sellers: the dear product (2 pieces) and the cheap one (2 pieces), by amount.
    const top = await owner.getByTestId('today-top-seller').evaluateAll((rows) =>
      rows.map((r) => [r.getAttribute('data-sku'), r.querySelector('[data-testid="quantity"]')!.textContent, r.querySelector('[data-testid="amount"]')!.textContent]),
    );
    const expectedTop = [
      [dear!.sku, '2', yuan(2 * dear!.price)],
      [cheap!.sku, '2', yuan(2 * cheap!.price)],
    ].sort((a, b) => Number(b[2]!.replace(/[¥,]/g, '')) - Number(a[2]!.replace(/[¥,]/g, '')));
    expect(top).toEqual(expectedTop);

    // This hour: the sales closed in the clock hour the page names (both, unless an hour turned between them).
    const hour = Number((await owner.getByTestId('today-this-hour').locator('h4').textContent())!.match(/（(\d\d):00/)![1]);
    const closed = db<{ closed_at: string; amount: number }>("SELECT closed_at, total + rounding AS amount FROM sale WHERE status = 'completed'");
    const inHour = closed.filter((s) => wallClockAt(new Date(s.closed_at), systemTimeZone()).hour === hour).reduce((sum, s) => sum + s.amount, 0);
    expect(await owner.getByTestId('today-this-hour').getByTestId('now-amount').textContent()).toBe(yuan(inHour));
    expect(await owner.getByTestId('today-day-so-far').getByTestId('now-amount').textContent()).toBe(yuan(total));
    // Nothing was sold a week ago: said so, not a percentage of zero.
    expect(await owner.getByTestId('today-day-so-far').getByTestId('change').textContent()).toBe('上周同时段没有销售');
    expect(await owner.getByTestId('today-day-so-far').getByTestId('last-week-whole').textContent()).toBe('上周当天共 ¥0.00（0 笔）');

    // Stock went down with the sales: the low-stock list follows the database.
    expect(await owner.getByTestId('today-low-stock').getAttribute('data-count')).toBe(String(lowStockInDb().length));
  });

  it('takes its low-stock threshold from the store settings, checked before it is saved', async () => {
    await owner.getByTestId('tab-settings').click();
    await owner.getByTestId('setting-lowStockThreshold').fill('很多');
    await owner.getByTestId('settings-save').click();
    await expect.poll(() => owner.getByTestId('setting-lowStockThreshold').getAttribute('aria-invalid')).toBe('true');
    expect(await owner.getByTestId('settings-panel').textContent()).toContain('请输入 0 到 100000 的整数');
    await owner.getByTestId('setting-lowStockThreshold').fill('30');
    await owner.getByTestId('settings-save').click();
    await expect.poll(() => owner.getByTestId('settings-message').count()).toBe(1);
    await owner.getByTestId('tab-today').click();
    await owner.getByTestId('today-low-stock').waitFor();
    const below30 = db<{ n: number }>('SELECT count(*) AS n FROM product WHERE active = 1 AND stock_milli < 30000')[0]!.n;
    expect(below30).toBeGreaterThan(lowStockInDb().length);
    expect(await owner.getByTestId('today-low-stock').getAttribute('data-count')).toBe(String(below30));
    expect(await owner.getByTestId('today-low-stock').textContent()).toContain('库存低于 30');
    expect(await owner.getByTestId('today-low-stock-item').count()).toBe(Math.min(20, below30));
    await owner.getByTestId('tab-settings').click();
    await owner.getByTestId('setting-lowStockThreshold').fill('10');
    await owner.getByTestId('settings-save').click();
    await expect.poll(() => owner.getByTestId('settings-message').count()).toBe(1);
    await owner.getByTestId('tab-today').click();
    await owner.getByTestId('today-low-stock').waitFor();
  });

  it('keeps its tables to a readable width at 1366 px, in Chinese and in English (screenshots)', async () => {
    const widths = await owner.locator('[data-testid="today-panel"] table').evaluateAll((tables) => tables.map((t) => t.getBoundingClientRect().width));
    expect(widths.length).toBeGreaterThanOrEqual(3);
    for (const w of widths) expect(w).toBeLessThanOrEqual(720);
    // Every card is on screen side by side with another: nothing stretched across the page.
    const cards = await owner.locator('.today-card').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    for (const w of cards) expect(w).toBeLessThan(VIEWPORT.width / 2);
    await owner.screenshot({ path: `${SHOTS}/owner-today-zh-CN.png`, fullPage: true });

    await owner.getByTestId('switch-language').click();
    await expect.poll(() => owner.getByTestId('tab-today').textContent()).toBe('Today');
    expect(await text(owner, 'today-refunds')).toBe('0 · ¥0.00');
    await owner.screenshot({ path: `${SHOTS}/owner-today-en.png`, fullPage: true });

    // The charts' tender mix table was as wide as the screen; it keeps to its content now.
    await owner.getByTestId('tab-charts').click();
    await owner.getByTestId('mix-table').waitFor();
    const mixWidth = await owner.getByTestId('mix-table').evaluate((t) => t.getBoundingClientRect().width);
    expect(mixWidth).toBeLessThanOrEqual(720);
    await owner.getByTestId('switch-language').click();
  });
});
