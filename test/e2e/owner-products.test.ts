/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gtinCheckDigit } from '../../src-common/barcode';
import { extendPrice, formatMoney } from '../../src-common/money';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type HostProcess, openApiSocket, queryTerminalDb, startHostProcess, tempDir } from '../helpers/host';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../helpers/pty';

const SHOTS = 'test-results/ux';
const ean13 = (body12: string) => body12 + gtinCheckDigit(body12);

/**
 * The owner keeps the products on the till itself (no store server): adds one with a barcode and a category, changes
 * its price, and a cashier's scanner then sells it at the new price; a barcode of another product is refused naming
 * it; a CSV is previewed with its bad rows before the good ones are imported; the cashier's product grid adds goods
 * without a barcode (weighed ones by a typed weight, never 1 kg); an enrolled till's products screen is read-only.
 */
describe("the owner's products screen and the cashier's product grid", () => {
  const dataDir = tempDir();
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  let pair: PtyPair;
  let scanner: Peer;
  const db = <T>(sql: string, ...params: unknown[]) => queryTerminalDb<T>(host.ready, sql, ...params);
  const scan = (code: string) => scanner.write(new TextEncoder().encode(`${code}\r`));
  const config = () => ({ devices: [{ id: 'scanner', role: 'scanner', transport: { kind: 'serial', path: pair.a, baudRate: 9600 }, suffix: 'CR' }] });

  async function until(ready: () => Promise<boolean>, timeoutMs = 15_000) {
    for (const deadline = Date.now() + timeoutMs; !(await ready()); ) {
      if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function startTill() {
    host = await startHostProcess({ dataDir, config: config() });
    const api = await openApiSocket(host.ready);
    await until(async () => {
      const r = await api.call('devices.status', {});
      return r.ok && r.value.every((d) => d.state === 'idle');
    });
    api.close();
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 768 });
  }

  async function openProducts() {
    await signIn(page, '店长', '8888');
    await page.getByTestId('workspace-owner').click();
    await page.getByTestId('tab-products').click();
    await page.getByTestId('products-panel').waitFor();
  }

  async function signOut() {
    await page.getByRole('button', { name: /退出|Sign out/ }).click();
  }

  const row = (sku: string) => page.locator(`[data-testid="product-row"][data-sku="${sku}"]`);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    pair = await createPtyPair();
    scanner = await openPeer(pair.b);
    browser = await launchChromium();
    await startTill();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await scanner?.close();
    await pair?.close();
    await killAllSocat();
  });

  const BARCODE = ean13('690000000123');
  const FIELDS = 'SELECT p.name, p.price, p.pinyin_initials, p.active, c.name AS category FROM product p LEFT JOIN category c ON c.id = p.category_id WHERE p.sku = ?';

  it('adds a product with a barcode and a new category, then changes its price; both audited', async () => {
    expect(db('SELECT 1 FROM product_barcode WHERE barcode = ?', BARCODE)).toEqual([]);
    await openProducts();
    await expect.poll(() => page.getByTestId('product-row').count()).toBe(50);
    await expect.poll(() => page.getByTestId('products-page').textContent()).toMatch(/共 \d{3,} 条/);
    await page.screenshot({ path: `${SHOTS}/owner-products-zh-CN.png` });

    await page.getByTestId('product-add').click();
    await page.getByTestId('product-name').fill('手工馒头');
    await page.getByTestId('product-name-en').fill('Steamed bun');
    await page.getByTestId('product-sku').fill('BK9001');
    await page.getByTestId('product-price').fill('2.50');
    await page.getByTestId('product-new-category').fill('面点');
    await page.getByTestId('product-add-category').click();
    await expect.poll(() => page.getByTestId('product-category').locator('option:checked').textContent()).toBe('面点');
    await page.getByTestId('product-barcode').first().fill(BARCODE);
    await page.getByTestId('product-save').click();
    await expect.poll(() => page.getByTestId('product-form').count()).toBe(0);
    expect(db(FIELDS, 'BK9001')).toEqual([{ name: '手工馒头', price: 250, pinyin_initials: 'sgmt', active: 1, category: '面点' }]);

    await page.getByTestId('products-search').fill('sgmt');
    await expect.poll(() => row('BK9001').getByTestId('product-price-cell').textContent()).toBe('¥2.50');
    await row('BK9001').getByTestId('product-edit').click();
    await page.getByTestId('product-price').fill('2.80');
    await page.getByTestId('product-save').click();
    await expect.poll(() => row('BK9001').getByTestId('product-price-cell').textContent()).toBe('¥2.80');
    expect(db<{ price: number }>('SELECT price FROM product WHERE sku = ?', 'BK9001')).toEqual([{ price: 280 }]);
    expect(db<{ action: string }>("SELECT action FROM audit_log WHERE action LIKE 'catalog.%' ORDER BY seq").map((r) => r.action)).toEqual([
      'catalog.addCategory',
      'catalog.addProduct',
      'catalog.updateProduct',
    ]);
  });

  it('refuses a barcode another product carries, naming that product', async () => {
    const taken = db<{ barcode: string; name: string }>(
      "SELECT b.barcode, p.name FROM product p JOIN product_barcode b ON b.product_id = p.id WHERE p.sku <> 'BK9001' AND length(b.barcode) = 13 AND b.barcode NOT LIKE '0%' LIMIT 1",
    )[0]!;
    await page.getByTestId('product-add').click();
    await page.getByTestId('product-name').fill('另一个馒头');
    await page.getByTestId('product-sku').fill('BK9002');
    await page.getByTestId('product-price').fill('1.00');
    await page.getByTestId('product-barcode').first().fill(taken.barcode);
    await page.getByTestId('product-save').click();
    const error = page.getByTestId('product-form').getByTestId('error');
    await expect.poll(() => error.textContent()).toContain(`条码 ${taken.barcode} 已属于商品「${taken.name}」`);
    expect(db('SELECT 1 FROM product WHERE sku = ?', 'BK9002')).toEqual([]);
    await page.getByTestId('product-cancel').click();
    await expect.poll(() => page.getByTestId('product-form').count()).toBe(0);
  });

  it('previews a CSV with two bad rows named by line and column, then imports the good rows', async () => {
    const csv = [
      'sku,barcodes,name,price,tax_rate,unit,category',
      `CSV001,${ean13('690000000456')},豆沙包,3.00,13%,each,面点`,
      'CSV002,,花卷,1.999,13%,each,面点',
      'CSV003,,葱油饼,4.50,13%,each,面点',
      'CSV004,6900000004561,肉包,3.50,13%,each,面点',
    ].join('\n');
    await page.getByTestId('products-import').click();
    await page.getByTestId('csv-file').setInputFiles({ name: 'products.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const preview = page.getByTestId('csv-preview');
    await preview.waitFor();
    expect(await preview.getAttribute('data-to-add')).toBe('2');
    const errors = await page.getByTestId('csv-error').evaluateAll((rows) => rows.map((r) => [(r as HTMLElement).dataset.line, (r as HTMLElement).dataset.column]));
    expect(errors).toEqual([
      ['3', 'price'],
      ['5', 'barcodes'],
    ]);
    await expect.poll(() => page.getByTestId('csv-error').first().textContent()).toContain('1.999');
    expect(db('SELECT 1 FROM product WHERE sku LIKE ?', 'CSV%')).toEqual([]);

    await page.getByTestId('csv-confirm').click();
    await expect.poll(() => page.getByTestId('csv-result').getAttribute('data-inserted')).toBe('2');
    expect(db<{ sku: string }>("SELECT sku FROM product WHERE sku LIKE 'CSV%' ORDER BY sku").map((r) => r.sku)).toEqual(['CSV001', 'CSV003']);
  });

  it('shows the screen in English too', async () => {
    await page.getByTestId('products-search').fill('');
    await page.getByTestId('switch-language').click();
    await expect.poll(() => page.getByTestId('products-panel').locator('h2').textContent()).toBe('Products');
    await expect.poll(() => page.getByTestId('product-row').count()).toBe(50);
    await page.screenshot({ path: `${SHOTS}/owner-products-en.png` });
    await page.getByTestId('switch-language').click();
    await expect.poll(() => page.getByTestId('products-panel').locator('h2').textContent()).toBe('商品管理');
  });

  it("a cashier's scanner sells the product at its new price; the grid adds goods without a barcode, a weighed one by typed weight", async () => {
    await signOut();
    await signIn(page, '收银员 01', '1111');
    await page.getByTestId('scan-input').waitFor();
    await scan(BARCODE);
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(1);
    await expect.poll(() => page.getByTestId('line-amount').first().textContent()).toBe('¥2.80');
    await expect.poll(() => page.getByTestId('total').textContent()).toContain('2.80');

    // The grid: 面点 → 葱油饼 (no barcode), one touch.
    await page.locator('[data-testid="grid-category"][data-category="面点"]').click();
    await page.locator('[data-testid="grid-product"][data-sku="CSV003"]').click();
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(2);
    await expect.poll(() => page.getByTestId('line-amount').nth(1).textContent()).toBe('¥4.50');
    await page.screenshot({ path: `${SHOTS}/cashier-grid-zh-CN.png` });

    // Keys are big enough to touch and reachable from the keyboard.
    const sizes = await page.getByTestId('grid-product').evaluateAll((keys) => keys.map((k) => k.getBoundingClientRect().height));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(64);
    await page.getByTestId('grid-back').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('grid-category').count()).toBeGreaterThan(1);

    // A weighed product from the grid asks for its weight: 0.5 kg, never 1 kg.
    const weighed = db<{ sku: string; category: string; price: number }>(
      "SELECT p.sku, c.name AS category, p.price FROM product p JOIN category c ON c.id = p.category_id WHERE p.unit = 'kg' AND p.active = 1 ORDER BY p.name LIMIT 1",
    )[0]!;
    await page.locator(`[data-testid="grid-category"][data-category="${weighed.category}"]`).click();
    await page.locator(`[data-testid="grid-product"][data-sku="${weighed.sku}"]`).click();
    // No scale on this till: the weigh dialog asks for a typed weight.
    await page.getByTestId('weigh-dialog').waitFor();
    await page.getByTestId('weigh-typed').fill('0.5');
    await page.getByTestId('weigh-add').click();
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(3);
    await expect.poll(() => page.getByTestId('line-quantity').nth(2).textContent()).toMatch(/^0\.50*\s*kg$/);
    await expect.poll(() => page.getByTestId('line-amount').nth(2).textContent()).toBe(formatMoney(extendPrice(weighed.price, 500), 'CNY'));
    await expect.poll(() => page.getByTestId('weigh-dialog').count()).toBe(0);
    await page.keyboard.press('F8');
    await page.getByTestId('void-dialog').getByRole('button').first().click();
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(0);
    await signOut();
  });

  it('on a till enrolled with a store server the products screen is read-only and main refuses the editors', async () => {
    await page.close();
    await host.stop();
    const file = new Sqlite(join(dataDir, 'pos.sqlite'));
    file
      .prepare(
        "INSERT INTO sync_link (singleton, server_url, cert_pem, fingerprint, store_id, store_name, terminal_id, sealed_credential, enrolled_at, stream_id, pulled_version) VALUES (1, 'https://127.0.0.1:9', 'pem', 'AA:BB', 'S', '店', 'T', 'v1.x', ?, 'ST', 3)",
      )
      .run(new Date().toISOString());
    file.close();
    await startTill();
    await openProducts();
    await page.getByTestId('products-managed').waitFor();
    expect(await page.getByTestId('products-managed').textContent()).toBe('由门店服务器管理');
    await page.getByTestId('managed-by-server').waitFor();
    await expect.poll(() => page.getByTestId('product-row').count()).toBe(50);
    expect(await page.getByTestId('product-add').count()).toBe(0);
    expect(await page.getByTestId('product-edit').count()).toBe(0);
    expect(await page.getByTestId('products-import').count()).toBe(0);

    const api = await openApiSocket(host.ready);
    const users = await api.call('auth.users', {});
    const owner = users.ok ? (users.value as { id: string; name: string }[]).find((u) => u.name === '店长')! : null;
    expect((await api.call('auth.signIn', { userId: owner!.id, pin: '8888' })).ok).toBe(true);
    const productId = db<{ id: string }>('SELECT id FROM product WHERE sku = ?', 'BK9001')[0]!.id;
    const refused = await api.call('catalog.setActive', { productId, active: false });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', details: { reason: 'managed_by_store_server' } } });
    api.close();
    expect(db('SELECT active FROM product WHERE id = ?', productId)).toEqual([{ active: 1 }]);
  });
});
