/// <reference lib="dom" />
/**
 * Issue 16 in Chromium through the host: the owner creates a 满减 and a 第二件半价 on the till's Promotions tab; a
 * cashier (her own screen, her own session) sells goods that trigger both; the cart shows them; the receipt decoded
 * from the bytes the simulated serial printer received shows both savings and the total to the fen; the Z report
 * shows the savings by promotion to the fen.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../drivers/receipt/escpos-decode';
import { formatMoney } from '../../src-common/money';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type ApiSocket, type HostProcess, openApiSocket, queryTerminalDb, startHostProcess } from '../helpers/host';
import { createPtyPair, killAllSocat, openPeer, simulatePrinter, type Peer, type PtyPair } from '../helpers/pty';

const SHOTS = 'test-results/ux';
const VIEWPORT = { width: 1366, height: 900 };
const yuan = (fen: number) => formatMoney(fen, 'CNY');

describe('promotions: the owner sets them up, a cashier sells them, the receipt and the Z report show them', () => {
  let host: HostProcess;
  let browser: Browser;
  let ownerPage: Page;
  let cashierPage: Page;
  let pair: PtyPair;
  let printer: Peer;
  let printerSim: ReturnType<typeof simulatePrinter>;
  let api: ApiSocket;
  const db = <T,>(sql: string, ...params: unknown[]) => queryTerminalDb<T>(host.ready, sql, ...params);
  let a: { barcode: string; price: number; name: string };
  let b: { barcode: string; price: number; name: string };
  let halfSaving: number;
  let threshold: number;
  const spendSaving = 300;

  async function until(ready: () => Promise<boolean>, timeoutMs = 15_000) {
    for (const deadline = Date.now() + timeoutMs; !(await ready()); ) {
      if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    pair = (await createPtyPair())!;
    host = await startHostProcess({
      config: {
        acquirer: { sandboxSpeed: 0.1 },
        devices: [{ id: 'printer', role: 'printer', transport: { kind: 'serial', path: pair.a, baudRate: 9600 }, columns: 48, statusPollMs: 100 }],
      },
    });
    printer = await openPeer(pair.b);
    printerSim = simulatePrinter(printer);
    api = await openApiSocket(host.ready);
    await until(async () => {
      const r = await api.call('devices.status', {});
      return r.ok && r.value.length === 1 && r.value[0]!.state === 'idle';
    });
    const pick = (offset: number) =>
      db<{ barcode: string; price: number; name: string }>(
        `SELECT b.barcode, p.price, p.name FROM product_barcode b JOIN product p ON p.id = b.product_id
          WHERE p.active = 1 AND p.unit = 'each' AND length(b.barcode) = 13 AND p.price BETWEEN 300 AND 3000 ORDER BY p.sku LIMIT 1 OFFSET ?`,
        offset,
      )[0]!;
    [a, b] = [pick(0), pick(5)];
    halfSaving = Math.round(a.price / 2); // half-up, as the engine rounds
    // Reached exactly by two of a and one of b (judged before 第二件半价, after unit prices).
    threshold = Math.floor((2 * a.price + b.price) / 100) * 100;
    browser = await launchChromium();
    ownerPage = await openTerminalPage(browser, host.ready, VIEWPORT);
    cashierPage = await openTerminalPage(browser, host.ready, VIEWPORT);
  });
  afterAll(async () => {
    api?.close();
    printerSim?.stop();
    await browser?.close();
    await host?.stop();
    await printer?.close();
    await pair?.close();
    await killAllSocat();
  });

  it('the owner creates a 满减 and a 第二件半价 on the till', async () => {
    const page = ownerPage;
    await signIn(page, '店长', '8888');
    await page.getByTestId('workspace-owner').click();
    await page.getByTestId('tab-promotions').click();
    await page.getByTestId('promotions-panel').waitFor();

    await page.getByTestId('promotion-kind').selectOption('spend_save');
    await page.getByTestId('promotion-name').fill(`满${threshold / 100}减3`);
    await page.getByTestId('promotion-threshold').fill((threshold / 100).toFixed(2));
    await page.getByTestId('promotion-saving').fill('3');
    await page.getByTestId('promotion-save').click();
    await expect.poll(() => page.getByTestId('promotion-row').count()).toBe(1);

    await page.getByTestId('promotion-kind').selectOption('nth_item');
    await page.getByTestId('promotion-name').fill('第二件半价');
    await page.getByTestId('promotion-product').fill(a.barcode);
    await page.getByTestId('promotion-nth').fill('2');
    await page.getByTestId('promotion-percent').fill('50');
    await page.getByTestId('promotion-save').click();
    await expect.poll(() => page.getByTestId('promotion-row').count()).toBe(2);
    expect(await page.getByTestId('promotion-status').allTextContents()).toEqual(['生效中', '生效中']);
    expect(await page.getByTestId('promotions-list').textContent()).toContain(`${a.name} 第2件 减50%`);

    expect(db<{ kind: string; rule: string }>('SELECT kind, rule FROM promotion ORDER BY created_at').map((r) => [r.kind, JSON.parse(r.rule)])).toEqual([
      ['spend_save', { kind: 'spend_save', threshold, saving: spendSaving, repeating: false, categoryId: null }],
      ['nth_item', { kind: 'nth_item', productId: expect.any(String), nth: 2, discount: { kind: 'percent_off', basisPoints: 5000 } }],
    ]);
    await page.getByTestId('promotions-panel').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: `${SHOTS}/owner-promotions-zh-CN.png` });
    await page.getByTestId('switch-language').click();
    await expect.poll(() => page.getByTestId('promotion-status').first().textContent()).toBe('In force');
    await page.screenshot({ path: `${SHOTS}/owner-promotions-en.png` });
    await page.getByTestId('switch-language').click();
    await expect.poll(() => page.getByTestId('promotion-status').first().textContent()).toBe('生效中');
  });

  it('a cashier sells goods that trigger both: the cart and the printed receipt show each saving and the total to the fen', async () => {
    const page = cashierPage;
    await signIn(page, '收银员 01', '1111');
    await page.getByTestId('scan-input').waitFor();
    const scan = async (code: string, lines: number) => {
      await page.getByTestId('scan-input').fill(code);
      await page.getByTestId('scan-input').press('Enter');
      await expect.poll(() => page.getByTestId('cart-line').count()).toBe(lines);
    };
    await scan(a.barcode, 1);
    await scan(b.barcode, 2);
    await expect.poll(() => page.getByTestId('cart-spend-save').count()).toBe(0);
    await scan(a.barcode, 2);

    const expected = 2 * a.price + b.price - halfSaving - spendSaving;
    await expect.poll(() => page.getByTestId('line-promotion').allTextContents()).toEqual([`第二件半价 -${yuan(halfSaving)}`]);
    expect(await page.getByTestId('cart-spend-save').textContent()).toContain(`满${threshold / 100}减3 -${yuan(spendSaving)}`);
    expect(await page.getByTestId('promotion-total').textContent()).toBe(`-${yuan(halfSaving + spendSaving)}`);
    expect(await page.getByTestId('total').textContent()).toBe(yuan(expected));
    await page.screenshot({ path: `${SHOTS}/cart-promotions-zh-CN.png` });
    const display = await browser.newPage({ viewport: { width: 1024, height: 600 } });
    await display.goto(`${host.ready.url}#/customer?token=${host.ready.token}`);
    await expect.poll(() => display.getByTestId('customer-total').textContent()).toBe(yuan(expected));
    expect(await display.getByTestId('customer-promotions').textContent()).toContain(`-${yuan(halfSaving + spendSaving)}`);
    await display.close();

    printer.clear();
    await page.getByTestId('key-pay').click();
    await page.getByTestId('pay-dialog').waitFor();
    expect(await page.getByTestId('pay-due').textContent()).toBe(yuan(expected));
    await page.getByTestId('cash-tendered').fill((expected / 100).toFixed(2));
    await page.getByTestId('pay-complete').click();
    await expect.poll(() => page.getByTestId('receipt-dialog').count(), { timeout: 15_000 }).toBe(1);

    const printed = decodeEscPos(await printer.readUntil((bytes) => decodeEscPos(bytes).commands.some((c) => c.type === 'cut'), 10_000));
    // The printer's font has the full-width yen sign (GB18030): compared as the screen writes it.
    const text = printed.lines.map((l) => l.text.replace(/\s+/g, ' ').replaceAll('￥', '¥').trim());
    expect(text).toContain(`第二件半价 -${yuan(halfSaving)}`);
    expect(text).toContain(`满${threshold / 100}减3 -${yuan(spendSaving)}`);
    expect(text).toContain(`合计 ${yuan(expected)}`);
    expect(text).toContain(`小计 ${yuan(2 * a.price + b.price)}`);
    expect(db<{ total: number }>("SELECT total FROM sale WHERE status = 'completed'")).toEqual([{ total: expected }]);
    await page.getByTestId('next-customer').click();
  });

  it('the Z report shows the savings by promotion to the fen', async () => {
    const page = ownerPage;
    await page.getByTestId('tab-reports').click();
    await page.getByTestId('report-take-z').click();
    await page.getByTestId('report-confirm-z').click();
    await expect.poll(() => page.getByTestId('report-view').getAttribute('data-kind')).toBe('z');
    const rows = await page.getByTestId('report-promotion').allTextContents();
    expect(rows).toEqual(
      [
        [`满${threshold / 100}减3`, spendSaving],
        ['第二件半价', halfSaving],
      ]
        // Largest saving first; a tie keeps the older promotion (the 满减, created first) first, as the report orders them.
        .sort((x, y) => (y[1] as number) - (x[1] as number))
        .map(([name, saving]) => `${name as string} · 1 笔${yuan(-(saving as number))}`),
    );
  });

  it('the owner makes a 满减 on one category; a cart of that category’s goods gets it, other goods do not count', async () => {
    const category = db<{ id: string; name: string }>(
      'SELECT c.id, c.name FROM product_barcode pb JOIN product p ON p.id = pb.product_id JOIN category c ON c.id = p.category_id WHERE pb.barcode = ?',
      b.barcode,
    )[0]!;
    expect(category).toBeDefined();
    const page = ownerPage;
    await page.getByTestId('tab-promotions').click();
    await page.getByTestId('promotion-kind').selectOption('spend_save');
    await page.getByTestId('promotion-name').fill('品类满减');
    await page.getByTestId('promotion-threshold').fill((b.price / 100).toFixed(2));
    await page.getByTestId('promotion-saving').fill('1');
    await page.getByTestId('promotion-category').selectOption(category.id);
    await page.getByTestId('promotion-save').click();
    await expect.poll(() => page.getByTestId('promotion-row').count()).toBe(3);
    expect(await page.getByTestId('promotions-list').textContent()).toContain(`${category.name}：满${yuan(b.price)}减${yuan(100)}`);
    expect(db<{ rule: string }>("SELECT rule FROM promotion WHERE name = '品类满减'").map((r) => JSON.parse(r.rule))).toEqual([
      { kind: 'spend_save', threshold: b.price, saving: 100, repeating: false, categoryId: category.id },
    ]);

    const cashier = cashierPage;
    await cashier.getByTestId('scan-input').fill(a.barcode);
    await cashier.getByTestId('scan-input').press('Enter');
    await expect.poll(() => cashier.getByTestId('cart-line').count()).toBe(1);
    // a alone is not of that category (or not enough of it): no 满减 yet
    const aCategory = db<{ category_id: string | null }>('SELECT p.category_id FROM product_barcode pb JOIN product p ON p.id = pb.product_id WHERE pb.barcode = ?', a.barcode)[0]!.category_id;
    if (aCategory !== category.id || a.price < b.price) expect(await cashier.getByTestId('cart-spend-save').count()).toBe(0);
    await cashier.getByTestId('scan-input').fill(b.barcode);
    await cashier.getByTestId('scan-input').press('Enter');
    await expect.poll(() => cashier.getByTestId('cart-line').count()).toBe(2);
    await expect.poll(() => cashier.getByTestId('cart-spend-save').textContent()).toContain(`品类满减 -${yuan(100)}`);
    expect(await cashier.getByTestId('total').textContent()).toBe(yuan(a.price + b.price - 100));
  });
});
