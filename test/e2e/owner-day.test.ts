/// <reference lib="dom" />
/**
 * The owner's small day in Chromium through the host: a shift opened with a float, two cash sales and a
 * WeChat sale, a partial refund, a cash-out; the shift closes short and the screen says so; the Z report's
 * numbers match the facts to the fen; a second Z for the day is refused; the next day reports zeros.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src-common/money';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type HostProcess, queryTerminalDb, startHostProcess } from '../helpers/host';

const ARTIFACTS = 'test-results/e2e';
const yuan = (fen: number) => formatMoney(fen, 'CNY');

describe('the owner runs a small day: shift, sales, refund, cash-out, close, Z report', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  const db = <T,>(sql: string, ...params: unknown[]): T[] => queryTerminalDb<T>(host.ready, sql, ...params);
  const one = <T,>(sql: string, ...params: unknown[]): T => db<{ v: T }>(sql, ...params)[0]!.v;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // No test shift: the owner opens hers on screen.
    host = await startHostProcess({ openShift: false, config: { acquirer: { sandboxSpeed: 0.1, timings: { pollIntervalMs: 200, pollDeadlineMs: 20_000, cancelRetryMs: 200, maxCancelAttempts: 5 } } } });
    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 900 });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  const owner = async (tab: 'shift' | 'reports') => {
    await page.getByTestId('workspace-owner').click();
    await page.getByTestId(`tab-${tab}`).click();
  };
  const cashier = async () => {
    await page.getByTestId('workspace-cashier').click();
    await page.getByTestId('scan-input').waitFor();
  };
  /** Three products for the day: a 13 % one, a 9 % one, and another 13 % one. */
  const products = () => {
    const pick = (rate: number, offset: number) =>
      db<{ barcode: string; price: number }>(
        `SELECT b.barcode, p.price FROM product_barcode b JOIN product p ON p.id = b.product_id
          WHERE p.active = 1 AND p.unit = 'each' AND length(b.barcode) = 13 AND p.price >= 200 AND p.tax_rate_bp = ? ORDER BY p.sku LIMIT 1 OFFSET ?`,
        rate,
        offset,
      )[0]!;
    return [pick(1300, 0), pick(900, 0), pick(1300, 3)];
  };
  async function scan(code: string, lines: number) {
    await page.getByTestId('scan-input').fill(code);
    await page.getByTestId('scan-input').press('Enter');
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(lines);
  }
  async function receiptNumber(): Promise<string> {
    await expect.poll(() => page.getByTestId('receipt-dialog').count(), { timeout: 15_000 }).toBe(1);
    const number = (await page.getByTestId('receipt-dialog').textContent())!.match(/[0-9A-Z]{4}-\d{6}/)![0];
    await page.getByTestId('next-customer').click();
    await expect.poll(() => page.getByTestId('receipt-dialog').count()).toBe(0);
    return number;
  }
  /** The pay key (F12) as a button: Playwright waits until it is enabled for the cart on screen. */
  const openPay = async () => {
    await page.getByTestId('key-pay').click();
    await page.getByTestId('pay-dialog').waitFor();
  };
  async function payCash(tendered: number | null): Promise<string> {
    await openPay();
    const due = (await page.getByTestId('pay-due').textContent())!;
    await page.getByTestId('cash-tendered').fill(tendered === null ? due.replace(/[¥,]/g, '') : (tendered / 100).toFixed(2));
    await page.getByTestId('pay-complete').click();
    return receiptNumber();
  }

  it('an empty day’s report shows zeros', async () => {
    await signIn(page, '店长', '8888');
    await expect.poll(() => page.getByTestId('signed-in-user').textContent()).toContain('店长');
    await owner('reports');
    await expect.poll(() => page.getByTestId('report-view').getAttribute('data-kind')).toBe('x');
    for (const id of ['report-gross', 'report-refunds', 'report-net', 'report-tax']) expect((await page.getByTestId(id).textContent())!.replace('-', '')).toBe('¥0.00');
    expect(await page.getByTestId('report-sales-count').textContent()).toBe('0');
    expect(await page.getByTestId('report-empty').count()).toBe(1);
  });

  it('runs the day and closes the shift short, shown on screen to the fen', async () => {
    await owner('shift');
    await page.getByTestId('shift-float').fill('200');
    await page.getByTestId('shift-open').click();
    await expect.poll(() => page.getByTestId('shift-expected').textContent()).toBe('¥200.00');

    const [a, b, c] = products();
    await cashier();
    await scan(a!.barcode, 1);
    await scan(b!.barcode, 2);
    await scan(a!.barcode, 2);
    const first = await payCash(Math.ceil((2 * a!.price + b!.price + 1) / 10_000) * 10_000);
    await scan(c!.barcode, 1);
    await payCash(null);
    await scan(b!.barcode, 1);
    await openPay();
    // 9150: the acquirer's payment_list says the shop funded ¥1.50 of it (a merchant discount).
    await page.getByTestId('payment-code').fill(sandboxPaymentCode('wechat', '9150'));
    await page.getByTestId('payment-code').press('Enter');
    await receiptNumber();

    // A partial refund of the first sale: one of its two units of product a, in cash.
    await page.getByTestId('key-refund').click();
    await page.getByTestId('refund-receipt-number').fill(first);
    await page.getByTestId('refund-receipt-number').press('Enter');
    await page.getByTestId('refund-quantity').first().fill('1');
    await page.getByTestId('refund-submit').click();
    await expect.poll(() => page.getByTestId('refund-result').getAttribute('data-status'), { timeout: 15_000 }).toBe('refunded');
    await page.getByTestId('refund-close').click();

    await owner('shift');
    await page.getByTestId('cash-amount').fill('50');
    await page.getByTestId('cash-reason').fill('存银行');
    await page.getByTestId('cash-out').click();
    await expect.poll(() => page.getByTestId('shift-cash-out').textContent()).toBe('-¥50.00');

    const kept = one<number>("SELECT sum(amount) AS v FROM sale_tender WHERE kind = 'cash'");
    const cashRefunded = one<number>("SELECT sum(cash_amount) AS v FROM refund WHERE status = 'refunded'");
    expect(cashRefunded).toBe(a!.price);
    const expected = 20_000 + kept - cashRefunded - 5_000;
    await expect.poll(() => page.getByTestId('shift-expected').textContent()).toBe(yuan(expected));
    await page.screenshot({ path: `${ARTIFACTS}/owner-shift.png` });

    await page.getByTestId('shift-counted').fill(((expected - 130) / 100).toFixed(2));
    await page.getByTestId('shift-close').click();
    await expect.poll(() => page.getByTestId('shift-over-short').getAttribute('data-kind')).toBe('short');
    expect(await page.getByTestId('shift-over-short').getAttribute('data-amount')).toBe('-130');
    expect(await page.getByTestId('shift-over-short').textContent()).toBe('短款 ¥1.30');
    expect(await page.getByTestId('closed-expected').textContent()).toBe(yuan(expected));
    expect(db('SELECT expected_cash, counted_cash, over_short FROM shift')).toEqual([{ expected_cash: expected, counted_cash: expected - 130, over_short: -130 }]);
    await expect.poll(() => page.getByTestId('shift-history').locator('tbody tr').count()).toBe(1);
    expect(await page.getByTestId('shift-history').textContent()).toContain('-¥1.30');
    await page.screenshot({ path: `${ARTIFACTS}/owner-shift-closed.png` });
  });

  it('takes the Z report with numbers to the fen; a second Z for the day is refused; the next day shows zeros', async () => {
    const f = db<{ gross: number; sales: number; rounding: number; tax: number; n: number }>(
      "SELECT sum(subtotal) AS gross, sum(total) AS sales, sum(rounding) AS rounding, sum(tax_total) AS tax, count(*) AS n FROM sale WHERE status = 'completed'",
    )[0]!;
    const refunds = one<number>("SELECT sum(amount) AS v FROM refund WHERE status = 'refunded'");
    const cashTaken = one<number>("SELECT sum(amount) AS v FROM sale_tender WHERE kind = 'cash'");
    const wechatTaken = one<number>("SELECT sum(amount) AS v FROM sale_tender WHERE kind = 'wechat'");
    // The refund's tax: its line at its rate, as on its receipt.
    const refundTax = db<{ amount: number; rate: number }>(
      'SELECT l.amount, s.tax_rate_bp AS rate FROM refund_line l JOIN sale_line s ON s.sale_id = l.sale_id AND s.line_no = l.line_no',
    ).reduce((sum, r) => sum + Math.floor((2 * r.amount * r.rate + 10_000 + r.rate) / (2 * (10_000 + r.rate))), 0); // half-up, in integers
    expect(f.n).toBe(3);

    await owner('reports');
    await page.getByTestId('report-take-z').click();
    await page.getByTestId('report-confirm-z').click();
    await expect.poll(() => page.getByTestId('report-view').getAttribute('data-kind')).toBe('z');
    expect(await page.getByTestId('report-view').getAttribute('data-z-no')).toBe('1');
    expect(await page.getByTestId('report-gross').textContent()).toBe(yuan(f.gross));
    expect(await page.getByTestId('report-refunds').textContent()).toBe(yuan(-refunds));
    expect(await page.getByTestId('report-net').textContent()).toBe(yuan(f.sales + f.rounding - refunds));
    expect(await page.getByTestId('report-tax').textContent()).toBe(yuan(f.tax - refundTax));
    expect(await page.getByTestId('report-merchant-discounts').textContent()).toBe(yuan(150));
    // By rate: the sales' tax at each rate, less the refund's (its line was a 13 % one).
    const byRate = (rate: number) => one<number>('SELECT coalesce(sum(tax), 0) AS v FROM sale_tax WHERE rate_bp = ?', rate);
    expect(await page.getByTestId('report-tax-1300').getByTestId('tax').textContent()).toBe(yuan(byRate(1300) - refundTax));
    expect(await page.getByTestId('report-tax-900').getByTestId('tax').textContent()).toBe(yuan(byRate(900)));
    expect(await page.getByTestId('report-sales-count').textContent()).toBe('3');
    expect(await page.getByTestId('report-refund-count').textContent()).toBe('1');
    const tender = (kind: string, cell: string) => page.getByTestId(`report-tender-${kind}`).getByTestId(cell).textContent();
    expect(await tender('cash', 'amount')).toBe(yuan(cashTaken));
    expect(await tender('cash', 'refunds')).toBe(yuan(-refunds));
    expect(await tender('cash', 'net')).toBe(yuan(cashTaken - refunds));
    expect(await tender('wechat', 'amount')).toBe(yuan(wechatTaken));
    expect(await tender('wechat', 'net')).toBe(yuan(wechatTaken));
    // The wallet table says what its columns are.
    const walletTable = page.locator('table', { has: page.getByTestId('report-wallet-wechat') });
    expect(await walletTable.locator('th').allTextContents()).toEqual(['钱包', '笔数', '净额', '占比']);
    await expect.poll(() => page.getByTestId('report-z-row').count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}/owner-z-report.png` });

    // No printer here: a clear message; the Z stays taken.
    await page.getByTestId('report-print').click();
    await expect.poll(() => page.getByTestId('error').textContent()).toContain('未配置小票打印机');

    await page.getByTestId('report-take-z').click();
    await page.getByTestId('report-confirm-z').click();
    await expect.poll(() => page.getByTestId('error').getAttribute('data-code')).toBe('conflict');
    expect(await page.getByTestId('error').textContent()).toMatch(/已日结（Z 1）/);
    expect(one<number>('SELECT count(*) AS v FROM z_report')).toBe(1);

    await page.getByTestId('report-x').click();
    await expect.poll(() => page.getByTestId('report-view').getAttribute('data-kind')).toBe('x');
    expect(await page.getByTestId('report-net').textContent()).toBe('¥0.00');
    expect(await page.getByTestId('report-gross').textContent()).toBe('¥0.00');
    expect(await page.getByTestId('report-empty').count()).toBe(1);
  });

  it('charts the day with uPlot and downloads the sales CSV in pages as one file', async () => {
    await page.getByTestId('workspace-owner').click();
    await page.getByTestId('tab-charts').click();
    await expect.poll(() => page.getByTestId('chart-hourly').locator('canvas').count()).toBe(1);
    await expect.poll(() => page.getByTestId('chart-wallet-mix').locator('canvas').count()).toBe(1);
    const cash = one<number>("SELECT sum(amount) AS v FROM sale_tender WHERE kind = 'cash'");
    expect(await page.getByTestId('mix-cash').textContent()).toContain(yuan(cash));
    await page.screenshot({ path: `${ARTIFACTS}/owner-charts.png` });

    await page.getByTestId('tab-export').click();
    await page.getByTestId('export-create').click();
    await expect.poll(() => page.getByTestId('export-result').getAttribute('data-rows')).toBe('3');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
    const path = await download.path();
    const saved = readFileSync(path);
    expect(saved.length).toBe(Number(await page.getByTestId('export-result').getAttribute('data-bytes')));
    const text = saved.toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.trimEnd().split('\r\n')).toHaveLength(4);
    // Column names in the screen's language, the receipt number as printed.
    const [header, first] = text.slice(1).split('\r\n');
    expect(header!.startsWith('单号,营业日,结账时间,状态,收银员')).toBe(true);
    expect(first).toMatch(/^[0-9A-Z]{4}-\d{6},/);
    expect(download.suggestedFilename()).toMatch(/^sales-\d{8}-\d{8}-\w+\.csv$/);
  });
});
