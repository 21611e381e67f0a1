/// <reference lib="dom" />
/**
 * Catalog and prices in Chromium, against the real store server on real PostgreSQL with three built tills (A1, A2
 * in store A; B1 in store B): the owner adds a product with a barcode and gives store A its own price; after the
 * tills sync, A1 finds it by its barcode and sells it at A's price and B1 at the chain's (to the fen), and the page
 * shows that A1, A2 and B1 have the change. Then an import with a bad row: the preview names the row and why,
 * nothing is written until the owner confirms. Screenshots: test-results/back-office/catalog.png, catalog-import.png.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogList } from '../../src-common/office/catalog';
import { ok, OWNER, sell, signInOffice, startOfficeWorld, synced, until, type OfficeWorld, type Till } from '../helpers/office-world';

const SHOTS = 'test-results/back-office';
const BARCODE = '6901234567892';

describe('the back office’s catalog and prices (Chromium, real server, three tills)', () => {
  let world: OfficeWorld;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    world = await startOfficeWorld();
    page = await world.openOffice({ width: 1366, height: 768 });
    await signInOffice(page, OWNER.login, OWNER.password);
  }, 240_000);
  afterAll(() => world?.close());

  /** Each till's chip on the product's row, by the world's name of the till (A1, A2, B1). */
  const chips = async () => {
    const byId = new Map(Object.entries(world.tills).map(([name, till]) => [till.terminalId, name]));
    const pairs = await page
      .getByTestId('catalog-row')
      .filter({ hasText: 'TEA-1L' })
      .getByTestId('catalog-till-chip')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-terminal') ?? '', e.getAttribute('data-has') ?? '']));
    return Object.fromEntries(pairs.map(([id, has]) => [byId.get(id!) ?? id, has]));
  };
  /** What a till's cashier finds by a barcode, once its sync has applied it. */
  const findOn = (till: Till, code: string) =>
    until(`${till.name} to have ${code}`, async () => {
      const hits = await ok(till.cashier, 'catalog.search', { query: code });
      return hits.length > 0 ? hits : undefined;
    });

  /** Syncs twice: the first pull applies the change, the second tells the server the version the till now has. */
  const syncTwice = async (till: Till) => {
    await synced(till);
    await synced(till);
  };

  it('adds a product with a barcode and a store price for A; A1 sells at A’s price, B1 at the chain’s, and the page shows who has it', async () => {
    await page.goto(`${world.server.server.url}/office/#/catalog`);
    await page.getByTestId('office-empty').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('office-empty').textContent()).toContain('还没有商品');

    // A category for it, renamed once (every store gets both).
    await page.getByTestId('catalog-new-category').click();
    await page.getByTestId('catalog-category-form').getByTestId('catalog-category-name').fill('茶');
    await page.getByTestId('catalog-category-form').getByTestId('catalog-category-save').click();
    const category = page.getByTestId('catalog-category-row');
    await category.waitFor({ timeout: 10_000 });
    await category.getByTestId('catalog-category-name').fill('茶饮料');
    await category.getByTestId('catalog-category-save').click();
    // The button is disabled while the rename is on its way too: the stored name is what says it is done.
    await expect
      .poll(async () => (await world.server.sql<{ name: string }>(`SELECT DISTINCT name FROM category`)).map((c) => c.name), { timeout: 10_000 })
      .toEqual(['茶饮料']);
    await expect.poll(() => category.getByTestId('catalog-category-save').isDisabled(), { timeout: 10_000 }).toBe(true);

    await page.getByTestId('catalog-new').click();
    await page.getByTestId('catalog-category').selectOption({ label: '茶饮料' });
    await page.getByTestId('catalog-sku').fill('TEA-1L');
    await page.getByTestId('catalog-name').fill('东方树叶 1L');
    await page.getByTestId('catalog-name-en').fill('Oriental Leaf tea 1L');
    await page.getByTestId('catalog-price').fill('3.5.0');
    await page.getByTestId('catalog-barcodes').fill(BARCODE);
    await page.getByTestId('catalog-save').click();
    await expect.poll(() => page.getByTestId('catalog-editor').getByRole('alert').first().textContent()).toContain('价格要写成元');
    await page.getByTestId('catalog-price').fill('12.50');
    await page.getByTestId('catalog-save').click();
    await page.getByTestId('catalog-row').filter({ hasText: 'TEA-1L' }).waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('catalog-chain-price').textContent()).toBe('¥12.50');
    expect(await page.getByTestId('catalog-row').filter({ hasText: 'TEA-1L' }).textContent()).toContain('茶饮料');

    const row = page.getByTestId('catalog-row').filter({ hasText: 'TEA-1L' });
    await row.getByTestId('catalog-prices').click();
    const storeA = page.locator(`[data-testid="catalog-store-row"][data-store="${world.stores.A}"]`);
    await storeA.getByTestId('catalog-store-price').fill('9.90');
    await storeA.getByTestId('catalog-store-price-save').click();
    await expect
      .poll(() => row.locator(`[data-testid="catalog-store-price-cell"][data-store="${world.stores.A}"]`).textContent(), { timeout: 10_000 })
      .toContain('¥9.90');
    expect(await row.locator(`[data-testid="catalog-store-price-cell"][data-store="${world.stores.B}"]`).textContent()).toBe('¥12.50');
    await page.getByTestId('catalog-store-prices-close').click();
    // No till has pulled the change yet.
    expect(await chips()).toEqual({ A1: 'no', A2: 'no', B1: 'no' });

    for (const till of Object.values(world.tills)) await syncTwice(till);
    const { A1, B1 } = world.tills;
    const found = async (till: Till) => {
      const hits = await findOn(till, BARCODE);
      expect(hits.map((p) => p.name)).toEqual(['东方树叶 1L']);
      return hits[0]!;
    };
    const onA1 = await found(A1);
    const onB1 = await found(B1);
    expect(onA1.price).toBe(990);
    expect(onB1.price).toBe(1250);
    expect(await sell(A1, onA1.id, 'cash')).toBe(990);
    expect(await sell(B1, onB1.id, 'cash', 2000)).toBe(2500);
    // The sales come back up with the price each store's till sold at.
    for (const till of [A1, B1]) await synced(till);
    const lines = await world.server.sql<{ store_id: string; unit_price: number; gross: number }>(`SELECT store_id, unit_price, gross FROM sale_line WHERE sku = 'TEA-1L' ORDER BY unit_price`);
    expect(lines.map((l) => [l.store_id, Number(l.unit_price), Number(l.gross)])).toEqual([
      [world.stores.A, 990, 990],
      [world.stores.B, 1250, 2500],
    ]);

    await page.reload();
    await expect.poll(chips, { timeout: 15_000 }).toEqual({ A1: 'yes', A2: 'yes', B1: 'yes' });
    await page.getByTestId('catalog-versions').locator('summary').click();
    await page.screenshot({ path: `${SHOTS}/catalog.png` });
  });

  it('previews an import with a bad row, names the row and why, writes nothing, then applies the good rows', async () => {
    const before = CatalogList.parse((await world.ownerApi.call('GET', '/catalog')).body).products.map((p) => p.sku);
    const csv = [
      'sku,barcodes,name,name_en,price,tax_rate,unit,category,active,plu',
      'APPLE-KG,,红富士苹果,Fuji apple,12.80,9%,kg,水果,1,12',
      'MILK-250,6901234567908,纯牛奶 250ml,Milk 250ml,3.999,9%,each,乳品,1,',
      'BREAD-1,6901234567915,全麦面包,Wholemeal bread,8.00,13%,个,烘焙,1,',
      `DUP-1,${BARCODE},撞码饮料,,5.00,13%,each,,1,`,
    ].join('\r\n');
    await page.getByTestId('catalog-import-open').click();
    await page.getByTestId('catalog-import-file').setInputFiles({ name: '商品表.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${csv}`) });
    await page.getByTestId('catalog-import-preview').waitFor({ timeout: 10_000 });
    const skipped = await page.getByTestId('catalog-import-skipped-row').allTextContents();
    expect(skipped).toHaveLength(2);
    expect(skipped[0]).toMatch(/^3价格不对.*more than 2 decimal places/);
    expect(skipped[1]).toMatch(/^5条码已被占用.*already belongs to sku TEA-1L/);
    expect(await page.getByTestId('catalog-import-row').allTextContents()).toEqual(['2APPLE-KG红富士苹果¥12.80新增', '4BREAD-1全麦面包¥8.00新增']);
    await page.screenshot({ path: `${SHOTS}/catalog-import.png`, fullPage: true });
    // Nothing written by the preview.
    expect(CatalogList.parse((await world.ownerApi.call('GET', '/catalog')).body).products.map((p) => p.sku)).toEqual(before);

    await page.getByTestId('catalog-import-apply').click();
    await expect.poll(() => page.getByTestId('catalog-import-done').textContent(), { timeout: 10_000 }).toContain('新增 2 个');
    await until('the imported rows in the list', async () => ((await page.getByTestId('catalog-row').count()) === 3 ? true : undefined), 10_000);
    const after = CatalogList.parse((await world.ownerApi.call('GET', '/catalog')).body).products;
    expect(after.map((p) => [p.sku, p.chainPrice, p.unit, p.plu])).toEqual([
      ['APPLE-KG', 1280, 'kg', '00012'],
      ['BREAD-1', 800, 'each', null],
      ['TEA-1L', 1250, 'each', null],
    ]);
    // B1 gets the imported bread at its next sync, at the chain's price.
    await synced(world.tills.B1);
    const bread = await findOn(world.tills.B1, '6901234567915');
    expect(bread.map((p) => [p.name, p.price])).toEqual([['全麦面包', 800]]);
  });
  it('shows a manager of A on a phone only A’s prices and tills, and lets her set A’s price, not the chain', async () => {
    await world.addAccount('li.a', '李店长', 'manager password', [{ storeId: world.stores.A, role: 'manager' }]);
    const phone = await world.openOffice({ width: 390, height: 844 });
    // signInOffice waits for the account's name, which a phone's header leaves out.
    await phone.getByTestId('office-login').fill('li.a');
    await phone.getByTestId('office-password').fill('manager password');
    await phone.getByTestId('office-signin-submit').click();
    await phone.getByTestId('office-user').waitFor({ state: 'attached', timeout: 10_000 });
    await phone.goto(`${world.server.server.url}/office/#/catalog`);
    const row = phone.getByTestId('catalog-row').filter({ hasText: 'TEA-1L' });
    await row.waitFor({ timeout: 10_000 });
    expect(await phone.getByTestId('catalog-new').count()).toBe(0);
    expect(await row.getByTestId('catalog-edit').count()).toBe(0);
    expect(await row.getByTestId('catalog-store-price-cell').evaluateAll((els) => els.map((e) => e.getAttribute('data-store')))).toEqual([world.stores.A]);
    expect(await row.getByTestId('catalog-till-chip').count()).toBe(2);
    await row.getByTestId('catalog-prices').click();
    expect(await phone.getByTestId('catalog-store-row').count()).toBe(1);
    await phone.getByTestId('catalog-store-price').fill('8.80');
    await phone.getByTestId('catalog-store-price-save').click();
    await expect.poll(() => row.getByTestId('catalog-store-price-cell').textContent(), { timeout: 10_000 }).toContain('¥8.80');
    await phone.getByTestId('catalog-store-prices-close').click();
    await phone.screenshot({ path: `${SHOTS}/catalog-phone.png`, fullPage: true });
    await phone.close();
    // A1 sells at A's new price after its next sync; B1 still at the chain's.
    await synced(world.tills.A1);
    await until('A1 to have the new price', async () => {
      const [tea] = await ok(world.tills.A1.cashier, 'catalog.search', { query: BARCODE });
      return tea?.price === 880 ? tea : undefined;
    });
    expect((await ok(world.tills.B1.cashier, 'catalog.search', { query: BARCODE }))[0]!.price).toBe(1250);
  });
});
