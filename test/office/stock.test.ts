/// <reference lib="dom" />
/**
 * 库存 in the web back office, in Chromium against the real store server on real PostgreSQL with the world's built
 * tills: the owner receives goods with their unit costs, till A1 sells some and syncs, the owner counts the shelf;
 * the page shows each level = received − sold ± the count's difference and the value at cost to the fen, and till A2
 * has the new levels after its next pull. Screenshots: stock.png, stock-count.png (and stock-phone.png).
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER, ok, sell, signInOffice, startOfficeWorld, synced, type OfficeWorld } from '../helpers/office-world';

const SHOTS = 'test-results/back-office';

describe('the back office’s stock page (Chromium, real server, three tills)', () => {
  let world: OfficeWorld;
  let page: Page;
  /** Asks the till to sync now, then reads its level of the product (the pull follows the upload). */
  const levelOnTill = async (till: OfficeWorld['tills']['A2'], productId: string) => {
    await ok(till.technician, 'sync.now', {});
    return (await ok(till.owner, 'stock.levels', { query: productId })).find((l) => l.productId === productId)?.stockMilli;
  };
  const row = (testId: string, productId: string) => page.locator(`[data-testid="${testId}"][data-product="${productId}"]`);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    world = await startOfficeWorld();
    const { A, B } = world.stores;
    for (const storeId of [A, B]) {
      for (const [id, name, unit, price] of [['COLA-330', '可口可乐 330ml', 'each', 350], ['APPLE-FUJI', '红富士苹果', 'kg', 1680]] as const) {
        const put = await world.server.admin.call('PUT', `/v1/admin/stores/${storeId}/products/${id}`, { body: { sku: id, name, price, taxRateBp: 900, unit } });
        expect(put.status).toBe(200);
      }
    }
    for (const till of Object.values(world.tills)) await synced(till);
  });
  afterAll(async () => {
    await page?.close();
    await world?.close();
  });

  it('receives with costs, takes in till A1’s sales, posts a count, and shows levels and value at cost to the fen', async () => {
    const { A } = world.stores;
    page = await world.openOffice();
    await signInOffice(page, OWNER.login, OWNER.password);
    await page.goto(`${world.server.server.url}/office/#/stock?store=${A}`);
    await page.getByTestId('stock-levels').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('stock-total-value').textContent(), { timeout: 10_000 }).toContain('¥0.00');

    // 进货: 24 cans at ¥1.85 and 2.5 kg of apples at ¥12.99/kg = ¥44.40 + ¥32.475 → ¥32.48: ¥76.88.
    await page.getByTestId('stock-tab-receive').click();
    await page.getByTestId('stock-doc-post').click();
    await expect.poll(() => page.getByTestId('stock-doc-problem').textContent()).toBe('请填写供应商');
    await page.getByTestId('stock-supplier').fill('太古可口可乐');
    await page.getByTestId('stock-doc-post').click();
    await expect.poll(() => page.getByTestId('stock-doc-problem').textContent()).toBe('请至少添加一行商品');
    await page.getByTestId('stock-doc-product').nth(0).selectOption('COLA-330');
    await page.getByTestId('stock-doc-quantity').nth(0).fill('24');
    await page.getByTestId('stock-doc-cost').nth(0).fill('1.85');
    await page.getByTestId('stock-doc-add').click();
    await page.getByTestId('stock-doc-product').nth(1).selectOption('APPLE-FUJI');
    await page.getByTestId('stock-doc-quantity').nth(1).fill('2.5');
    await page.getByTestId('stock-doc-cost').nth(1).fill('12.999');
    await page.getByTestId('stock-doc-post').click();
    await expect.poll(() => page.getByTestId('stock-doc-problem').textContent()).toBe('第 2 行：请填写进价，例如 3.50');
    await page.getByTestId('stock-doc-cost').nth(1).fill('12.99');
    expect(await page.getByTestId('stock-doc-problem').count()).toBe(0); // gone once the line is corrected
    await expect.poll(() => page.getByTestId('stock-receive-total').textContent()).toContain('¥76.88');
    await page.screenshot({ path: `${SHOTS}/stock-receive.png`, fullPage: true });
    await page.getByTestId('stock-doc-post').click();
    await expect.poll(() => page.getByTestId('stock-doc-done').textContent(), { timeout: 10_000 }).toBe('已入库 2 种商品，进货金额 ¥76.88');
    await expect.poll(() => page.getByTestId('stock-total-value').textContent(), { timeout: 10_000 }).toContain('¥76.88');

    // Till A1 takes the new levels, sells 3 cans (wechat) and 0.75 kg of apples (cash), and uploads.
    const a1 = world.tills.A1;
    await synced(a1);
    await sell(a1, 'COLA-330', 'wechat', 3000);
    // Weighed goods go in with their weight (typed here, as a cashier without a scale would).
    await ok(a1.cashier, 'sale.addWeighed', { productId: 'APPLE-FUJI', weight: { source: 'typed', grams: 750 } });
    await ok(a1.cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: (await ok(a1.cashier, 'sale.current', {}))!.cashDue }] });
    await synced(a1);

    // 盘点: the sheet shows the books after the sales (21 cans, 1.75 kg); 20 cans and 1.7 kg are on the shelf.
    await page.getByTestId('stock-tab-count').click();
    await expect.poll(() => row('stock-count-row', 'COLA-330').getByTestId('stock-count-expected').textContent(), { timeout: 10_000 }).toBe('21');
    expect(await row('stock-count-row', 'APPLE-FUJI').getByTestId('stock-count-expected').textContent()).toBe('1.75kg');
    // The search narrows the sheet; what was typed stays.
    await page.getByTestId('stock-count-search').fill('苹果');
    await expect.poll(() => page.getByTestId('stock-count-row').count()).toBe(1);
    await row('stock-count-row', 'APPLE-FUJI').getByTestId('stock-count-input').fill('1.7');
    await page.getByTestId('stock-count-search').fill('');
    await row('stock-count-row', 'COLA-330').getByTestId('stock-count-input').fill('20');
    expect(await row('stock-count-row', 'APPLE-FUJI').getByTestId('stock-count-input').inputValue()).toBe('1.7');
    expect(await row('stock-count-row', 'COLA-330').getByTestId('stock-count-delta').textContent()).toBe('-1');
    expect(await row('stock-count-row', 'APPLE-FUJI').getByTestId('stock-count-delta').textContent()).toBe('-0.05kg');
    await page.screenshot({ path: `${SHOTS}/stock-count.png`, fullPage: true });
    await page.getByTestId('stock-count-post').click();
    // −1 × ¥1.85 − 0.05 kg × ¥12.99 (¥0.6495 → ¥0.65) = −¥2.50
    await expect.poll(() => page.getByTestId('stock-doc-done').textContent(), { timeout: 10_000 }).toBe('盘点已过账：2 种商品有差异，差异金额 -¥2.50');

    // The levels: 24 − 3 − 1 = 20 cans (¥37.00); 2.5 − 0.75 − 0.05 = 1.7 kg (1.7 × ¥12.99 = ¥22.083 → ¥22.08); ¥59.08 in all.
    await page.getByTestId('stock-tab-levels').click();
    await expect.poll(() => row('stock-row', 'COLA-330').getByTestId('stock-level').textContent(), { timeout: 10_000 }).toBe('20');
    expect(await row('stock-row', 'COLA-330').getByTestId('stock-value').textContent()).toBe('¥37.00');
    expect(await row('stock-row', 'APPLE-FUJI').getByTestId('stock-level').textContent()).toBe('1.7kg');
    expect(await row('stock-row', 'APPLE-FUJI').getByTestId('stock-value').textContent()).toBe('¥22.08');
    await expect.poll(() => page.getByTestId('stock-total-value').textContent()).toContain('¥59.08');
    // Apples (1.7 kg) are below the store's line (10 units); cans get their own line of 25, and both are low.
    await row('stock-row', 'COLA-330').getByTestId('stock-line').fill('25');
    await row('stock-row', 'COLA-330').getByTestId('stock-line-save').click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: '已保存' }).count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId('stock-low-only').check();
    await expect.poll(() => page.getByTestId('stock-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-product')))).toEqual(['APPLE-FUJI', 'COLA-330']);
    await page.getByTestId('stock-low-only').uncheck();
    await page.screenshot({ path: `${SHOTS}/stock.png`, fullPage: true });

    // The server's own sum agrees, and till A2 has the new levels after its pull.
    const levels = await world.server.sql<{ product_id: string; stock_milli: number }>(`SELECT product_id, stock_milli FROM stock_level WHERE store_id = $1 AND product_id = ANY($2) ORDER BY product_id`, [A, ['COLA-330', 'APPLE-FUJI']]);
    expect(levels).toEqual([{ product_id: 'APPLE-FUJI', stock_milli: 1700 }, { product_id: 'COLA-330', stock_milli: 20_000 }]);
    await expect.poll(() => levelOnTill(world.tills.A2, 'COLA-330'), { timeout: 30_000 }).toBe(20_000);
    expect(await levelOnTill(world.tills.A2, 'APPLE-FUJI')).toBe(1700);
  });

  it('transfers cans from A to B, and the every-store view adds the two stores’ values', async () => {
    const { A, B } = world.stores;
    await page.getByTestId('stock-tab-transfer').click();
    await page.getByTestId('stock-transfer-to').selectOption(B);
    await page.getByTestId('stock-doc-product').nth(0).selectOption('COLA-330');
    await page.getByTestId('stock-doc-quantity').nth(0).fill('25');
    await page.getByTestId('stock-doc-post').click();
    await expect.poll(() => page.getByTestId('stock-doc-problem').textContent(), { timeout: 10_000 }).toContain('请先盘点');
    await page.getByTestId('stock-doc-quantity').nth(0).fill('8');
    await page.getByTestId('stock-doc-post').click();
    await expect.poll(() => page.getByTestId('stock-doc-done').textContent(), { timeout: 10_000 }).toBe('已调拨 1 种商品到 二号店');
    // A: 12 cans × ¥1.85 = ¥22.20 + ¥22.08 = ¥44.28; B: 8 × ¥1.85 = ¥14.80.
    await expect.poll(() => page.getByTestId('stock-total-value').textContent(), { timeout: 10_000 }).toContain('¥44.28');
    await page.goto(`${world.server.server.url}/office/#/stock`);
    await expect.poll(() => page.getByTestId('stock-summary-row').allTextContents(), { timeout: 10_000 }).toEqual([
      expect.stringContaining('¥44.28'),
      expect.stringContaining('¥14.80'),
    ]);
    expect(await page.getByTestId('stock-summary-total').textContent()).toBe('¥59.08');
    await expect.poll(() => levelOnTill(world.tills.B1, 'COLA-330'), { timeout: 30_000 }).toBe(8000);
    expect(A).not.toBe(B);

    const phone = await world.openOffice({ width: 390, height: 844 });
    // On a phone the header hides the account's name (signInOffice waits for it): wait for the page instead.
    await phone.getByTestId('office-login').fill(OWNER.login);
    await phone.getByTestId('office-password').fill(OWNER.password);
    await phone.getByTestId('office-signin-submit').click();
    await phone.getByTestId('office-signout').waitFor({ timeout: 10_000 });
    await phone.goto(`${world.server.server.url}/office/#/stock?store=${A}`);
    await phone.getByTestId('stock-row').first().waitFor({ timeout: 10_000 });
    await phone.screenshot({ path: `${SHOTS}/stock-phone.png`, fullPage: true });
    await phone.close();
  });
  it('shows a store manager of A her store’s stock only, and no store to transfer into', async () => {
    await world.addAccount('manager.a', '李店长', 'manager password', [{ storeId: world.stores.A, role: 'manager' }]);
    const manager = await world.openOffice();
    await signInOffice(manager, 'manager.a', 'manager password');
    await manager.goto(`${world.server.server.url}/office/#/stock`);
    await expect.poll(() => manager.getByTestId('stock-total-value').textContent(), { timeout: 10_000 }).toContain('¥44.28');
    expect(await manager.getByTestId('office-store-picker').count()).toBe(0);
    await manager.getByTestId('stock-tab-transfer').click();
    await expect.poll(() => manager.getByTestId('stock-transfer-none').textContent(), { timeout: 10_000 }).toContain('需要老板账号');
    await manager.close();
  });

  it('says what to do on a store without products', async () => {
    const created = await world.ownerApi.call('POST', '/stores', { body: { name: '三号店' } });
    expect(created.status).toBe(201);
    const owner = await world.openOffice();
    await signInOffice(owner, OWNER.login, OWNER.password);
    await owner.goto(`${world.server.server.url}/office/#/stock?store=${created.body.storeId as string}`);
    await expect.poll(() => owner.getByTestId('office-empty').textContent(), { timeout: 10_000 }).toContain('先在“商品”页为门店添加商品');
    await owner.getByTestId('stock-tab-count').click();
    await expect.poll(() => owner.getByTestId('office-empty').textContent(), { timeout: 10_000 }).toContain('这个门店还没有商品');
    await owner.getByTestId('stock-tab-documents').click();
    await expect.poll(() => owner.getByTestId('office-empty').textContent(), { timeout: 10_000 }).toContain('还没有单据');
    await owner.close();
  });
});
