/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gtinCheckDigit } from '../../src-common/barcode';
import { formatMoney } from '../../src-common/money';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type HostProcess, queryTerminalDb, startHostProcess } from '../helpers/host';

const ARTIFACTS = 'test-results/e2e';

interface Row {
  id: string;
  name: string;
  price: number;
  stock_milli: number;
  barcode: string;
  plu: string | null;
}

describe('a cashier sells for cash in Chromium through the host', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  const db = (sql: string, ...params: unknown[]): unknown[] => queryTerminalDb(host.ready, sql, ...params);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    host = await startHostProcess();
    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 800 });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  const scanField = () => page.getByTestId('scan-input');
  async function scan(code: string) {
    await scanField().fill(code);
    await scanField().press('Enter');
  }

  it('signs in with the cashier PIN', async () => {
    await signIn(page, '收银员 01', '1111');
    await expect.poll(() => page.getByTestId('signed-in-user').textContent()).toContain('收银员');
    await expect.poll(() => scanField().evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('scans three items (one a scale label), changes a quantity, applies an approved discount, pays cash and sees the change', async () => {
    const products = db(
      `SELECT p.id, p.name, p.price, p.stock_milli, b.barcode, p.plu FROM product p JOIN product_barcode b ON b.product_id = p.id
       WHERE p.active = 1 AND p.unit = 'each' AND length(b.barcode) = 13 GROUP BY p.id ORDER BY p.sku LIMIT 2`,
    ) as Row[];
    const [a, b] = products as [Row, Row];
    const w = (db(`SELECT id, name, price, stock_milli, plu, '' AS barcode FROM product WHERE unit = 'kg' AND plu IS NOT NULL AND active = 1 LIMIT 1`) as Row[])[0]!;
    const labelPrice = 1585;
    const labelBody = `20${w.plu!.padStart(5, '0')}${String(labelPrice).padStart(5, '0')}`;

    await scan(a.barcode);
    await scan(b.barcode);
    await scan(labelBody + gtinCheckDigit(labelBody));
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(3);
    await expect.poll(() => page.getByTestId('customer-total').count()).toBe(0); // the cashier page is not the customer display

    // The item scanned last is highlighted; quantity of the second line becomes 3.
    await page.getByTestId('cart-line').nth(1).click();
    await page.keyboard.press('F2');
    await page.getByTestId('quantity-input').fill('3');
    await page.getByTestId('quantity-input').press('Enter');
    await expect.poll(() => page.getByTestId('line-quantity').nth(1).textContent()).toBe('3');
    await expect.poll(() => page.getByTestId('quantity-dialog').count()).toBe(0);

    // 10% off the order: a cashier needs the owner's PIN.
    await page.keyboard.press('F5');
    await page.getByTestId('discount-value').fill('10');
    await page.getByTestId('approval-pin').fill('8888');
    await page.getByTestId('discount-ok').click();
    await expect.poll(() => page.getByTestId('discount-dialog').count()).toBe(0);
    const subtotal = a.price + 3 * b.price + labelPrice;
    const discount = Math.floor((subtotal * 1000 + 5000) / 10000); // 10%, half up
    const total = subtotal - discount;
    await expect.poll(() => page.getByTestId('total').textContent()).toBe(formatMoney(total, 'CNY'));
    expect(await page.getByTestId('subtotal').textContent()).toBe(formatMoney(subtotal, 'CNY'));
    await page.screenshot({ path: `${ARTIFACTS}/sale-cart.png` });

    await page.keyboard.press('F12');
    const tendered = Math.ceil(total / 10000) * 10000;
    await page.getByTestId('cash-tendered').fill((tendered / 100).toFixed(2));
    await expect.poll(() => page.getByTestId('pay-change').textContent()).toBe(formatMoney(tendered - total, 'CNY'));
    await page.screenshot({ path: `${ARTIFACTS}/sale-pay.png` });
    await page.getByTestId('pay-complete').click();

    await expect.poll(() => page.getByTestId('receipt-change').textContent()).toBe(formatMoney(tendered - total, 'CNY'));
    const receipt = (await page.getByTestId('receipt-text').textContent()) ?? '';
    for (const name of [a.name, b.name, w.name]) expect(receipt).toContain(name.slice(0, 6));
    expect(receipt).toContain(formatMoney(total, 'CNY'));
    expect(receipt).toContain(formatMoney(tendered - total, 'CNY'));
    expect(receipt).toMatch(/税/);
    await page.screenshot({ path: `${ARTIFACTS}/sale-receipt.png` });

    const [sale] = db("SELECT id, total, change_given, receipt_no FROM sale WHERE status = 'completed'") as { id: string; total: number; change_given: number; receipt_no: number }[];
    expect(sale).toMatchObject({ total, change_given: tendered - total, receipt_no: 1 });
    const stock = (id: string) => (db('SELECT stock_milli AS s FROM product WHERE id = ?', id)[0] as { s: number }).s;
    expect(stock(a.id)).toBe(a.stock_milli - 1000);
    expect(stock(b.id)).toBe(b.stock_milli - 3000);
    expect(stock(w.id)).toBeLessThan(w.stock_milli);

    await page.getByTestId('next-customer').click();
    await expect.poll(() => page.getByTestId('cart-empty').count()).toBe(1);
  });

  it('pays cash by keyboard alone: F12 then the amount received and Enter; Enter alone takes exact cash; too little is owed, in amber', async () => {
    const [item] = db(
      `SELECT p.id, p.name, p.price, p.stock_milli, b.barcode, p.plu FROM product p JOIN product_barcode b ON b.product_id = p.id
       WHERE p.active = 1 AND p.unit = 'each' AND length(b.barcode) = 13 AND p.price BETWEEN 150 AND 4900 GROUP BY p.id ORDER BY p.sku LIMIT 1`,
    ) as Row[];
    const completedTotals = () =>
      db(
        `SELECT s.total, s.change_given AS change, (SELECT sum(tendered) FROM sale_tender t WHERE t.sale_id = s.id AND t.kind = 'cash') AS tendered
           FROM sale s WHERE s.status = 'completed' ORDER BY s.closed_at DESC, s.receipt_no DESC LIMIT 1`,
      )[0];

    // "50" + Enter: cash received, the sale completes with the change.
    const sell = async () => {
      await scan(item!.barcode);
      await expect.poll(() => page.getByTestId('total').textContent()).toBe(formatMoney(item!.price, 'CNY'));
    };
    await sell();
    await page.keyboard.press('F12');
    await expect.poll(() => page.getByTestId('payment-code').evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('50');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('receipt-change').textContent()).toBe(formatMoney(5000 - item!.price, 'CNY'));
    expect(completedTotals()).toMatchObject({ total: item!.price, tendered: 5000, change: 5000 - item!.price });
    await page.getByTestId('next-customer').click();

    // Enter alone: exact cash, no change.
    await sell();
    await page.keyboard.press('F12');
    await expect.poll(() => page.getByTestId('payment-code').evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('receipt-change').textContent()).toBe(formatMoney(0, 'CNY'));
    expect(completedTotals()).toMatchObject({ total: item!.price, tendered: item!.price, change: 0 });
    await page.getByTestId('next-customer').click();

    // "1" + Enter on a bill above ¥1: taken as cash tendered, the rest shown as owed (amber), nothing completed.
    await sell();
    await page.keyboard.press('F12');
    await page.keyboard.type('1');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('pay-change').textContent()).toBe(formatMoney(item!.price - 100, 'CNY'));
    expect(await page.getByTestId('cash-tendered').inputValue()).toBe('1.00');
    const owedColour = await page.getByTestId('pay-change').evaluate((el) => getComputedStyle(el).color);
    expect(owedColour).toBe('rgb(245, 158, 11)');
    expect(await page.getByTestId('pay-dialog').count()).toBe(1);
    // An EAN-13 product barcode is 13 digits: never cash, and said to be a product.
    await page.getByTestId('payment-code').fill(item!.barcode);
    await page.getByTestId('payment-code').press('Enter');
    await expect.poll(() => page.getByTestId('pay-code-error').textContent()).toBe('这是商品条码，不是付款码。');
    expect(await page.getByTestId('cash-tendered').inputValue()).toBe('1.00');
    await page.getByTestId('payment-code').fill('');
    expect(await page.getByTestId('pay-code-error').count()).toBe(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('pay-dialog').count()).toBe(0);
    await page.keyboard.press('F3');
    await expect.poll(() => page.getByTestId('cart-empty').count()).toBe(1);
  });

  it('shows an error inside the dialog the cashier is looking at, not behind its backdrop, and clears it on the next good action', async () => {
    const [item] = db(
      `SELECT p.id, p.name, p.price, p.stock_milli, b.barcode, p.plu FROM product p JOIN product_barcode b ON b.product_id = p.id
       WHERE p.active = 1 AND p.unit = 'each' AND length(b.barcode) = 13 GROUP BY p.id ORDER BY p.sku LIMIT 1`,
    ) as Row[];
    await scan(item!.barcode);
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(1);
    await page.keyboard.press('F5');
    await page.getByTestId('discount-value').fill('10');
    await page.getByTestId('approval-pin').fill('0000');
    await page.getByTestId('discount-ok').click();
    const inDialog = page.getByTestId('discount-dialog').getByTestId('error');
    await expect.poll(() => inDialog.count()).toBe(1);
    expect(await page.getByTestId('error').count()).toBe(1); // no second copy in the banner behind the backdrop
    expect(await inDialog.getAttribute('data-code')).toBe('wrong_pin');
    await page.getByTestId('approval-pin').fill('8888');
    await page.getByTestId('discount-ok').click();
    await expect.poll(() => page.getByTestId('discount-dialog').count()).toBe(0);
    expect(await page.getByTestId('error').count()).toBe(0);
    await page.keyboard.press('F3');
    await expect.poll(() => page.getByTestId('cart-empty').count()).toBe(1);
  });

  it('shows an unknown barcode as an error and changes nothing', async () => {
    const before = db('SELECT count(*) AS n FROM sale_event');
    await scan('6900000000014');
    await expect.poll(() => page.getByTestId('error').textContent()).toContain('6900000000014');
    expect(await page.getByTestId('cart-empty').count()).toBe(1);
    expect(db('SELECT count(*) AS n FROM sale_event')).toEqual(before);
  });
});
