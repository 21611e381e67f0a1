/// <reference lib="dom" />
/**
 * Kiosk browsing (issue 17, point 9), in Chromium at 1080×1920 with a simulated serial scanner: name-first cards,
 * best sellers first, search by pinyin initials on the kiosk's own letter keys, the scan prompt, 删除 as a real
 * button; and the screenshots test-results/ux/kiosk-{shop,review,pay,done}-{zh-CN,en}.png.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { launchChromium } from '../helpers/browser';
import { openApiSocket, queryTerminalDb, startHostProcess, type ApiSocket, type HostProcess } from '../helpers/host';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../helpers/pty';

const UX = 'test-results/ux';
const PORTRAIT = { width: 1080, height: 1920 };

interface Row {
  id: string;
  name: string;
  name_en: string | null;
  pinyin_initials: string;
}

describe('kiosk browsing in Chromium at 1080×1920', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  let pair: PtyPair;
  let scanner: Peer;
  let drinks: Row[];
  /** The two drinks last by name, sold at the till before the kiosk opens: 3 of the first, 1 of the second. */
  let bestSeller: Row;
  let runnerUp: Row;
  const db = <T,>(sql: string, ...params: unknown[]) => queryTerminalDb<T>(host.ready, sql, ...params);

  async function sellAtTill(api: ApiSocket, productId: string, pieces: number) {
    const added = await api.call('sale.addProduct', { productId, quantityMilli: pieces * 1000 });
    if (!added.ok) throw new Error(JSON.stringify(added.error));
    const done = await api.call('sale.complete', { tenders: [{ kind: 'cash', amount: added.value.cashDue }] });
    if (!done.ok) throw new Error(JSON.stringify(done.error));
  }

  const orderItems = () => page.getByTestId('kiosk-order-items').textContent();
  const cardIds = () => page.getByTestId('kiosk-product').evaluateAll((els) => els.map((e) => e.getAttribute('data-product-id')!));
  const type = async (letters: string) => {
    for (const letter of letters) await page.locator(`[data-testid="kiosk-search-key"][data-key="${letter}"]`).click();
  };
  const resultIds = async () => {
    await expect.poll(() => page.getByTestId('kiosk-search-results').locator('[data-testid="kiosk-product"]').count()).toBeGreaterThan(0);
    return page.getByTestId('kiosk-search-results').locator('[data-testid="kiosk-product"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-product-id')!));
  };

  /** From the shop: to the order, pay with a wallet code at the scanner, and the done screen; screenshots on the way. */
  async function reviewPayAndFinish(language: 'zh-CN' | 'en') {
    await page.getByTestId('kiosk-review').click();
    await page.getByTestId('kiosk-review-step').waitFor();
    await page.screenshot({ path: `${UX}/kiosk-review-${language}.png` });
    await page.getByTestId('kiosk-pay').click();
    await page.getByTestId('kiosk-method-code').waitFor();
    await page.screenshot({ path: `${UX}/kiosk-pay-${language}.png` });
    await scanner.write(new TextEncoder().encode(`${sandboxPaymentCode('wechat', '0000')}\r`));
    await page.getByTestId('kiosk-done').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: `${UX}/kiosk-done-${language}.png` });
    await page.getByTestId('kiosk-finish').click();
    await page.getByTestId('kiosk-attract').waitFor();
  }

  beforeAll(async () => {
    mkdirSync(UX, { recursive: true });
    pair = (await createPtyPair())!;
    host = await startHostProcess({
      config: { kioskMode: true, devices: [{ id: 'scanner', role: 'scanner', transport: { kind: 'serial', path: pair.a, baudRate: 9600 }, suffix: 'CR' }] },
    });
    scanner = await openPeer(pair.b);
    const api = await openApiSocket(host.ready);
    for (let i = 0; i < 300; i++) {
      const r = await api.call('devices.status', {});
      if (r.ok && r.value.every((d) => d.state === 'idle')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    drinks = db<Row>(
      "SELECT p.id, p.name, p.name_en, p.pinyin_initials FROM product p JOIN category c ON c.id = p.category_id WHERE c.name = '饮料' AND p.unit = 'each' AND p.price > 0 AND p.active = 1",
    ).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    [runnerUp, bestSeller] = drinks.slice(-2) as [Row, Row];
    const users = await api.call('auth.users', {});
    const cashier = users.ok ? users.value.find((u) => u.role === 'cashier')!.id : '';
    expect((await api.call('auth.signIn', { userId: cashier, pin: '1111' })).ok).toBe(true);
    await sellAtTill(api, bestSeller.id, 3);
    await sellAtTill(api, runnerUp.id, 1);
    api.close();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: PORTRAIT, deviceScaleFactor: 1, hasTouch: true });
    await page.goto(`${host.ready.url}#/kiosk?token=${host.ready.token}`);
    await page.getByTestId('kiosk-attract').waitFor({ timeout: 15_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await scanner?.close();
    await pair?.close();
    await killAllSocat();
  });

  it('shows name-first cards, best sellers of the last 30 trading days first, then by name; a category colour, no made-up glyphs', async () => {
    await page.getByTestId('kiosk-start').click();
    await page.getByTestId('kiosk-shop').waitFor();
    await expect.poll(() => page.getByTestId('kiosk-product').count()).toBe(drinks.length);
    const rest = drinks.filter((p) => p.id !== bestSeller.id && p.id !== runnerUp.id).map((p) => p.id);
    expect(await cardIds()).toEqual([bestSeller.id, runnerUp.id, ...rest]);

    const first = page.getByTestId('kiosk-product').first();
    // The name is what a card shows first, in big type; no picture with a character drawn in it.
    expect(await first.getByTestId('kiosk-product-name').textContent()).toBe(bestSeller.name);
    expect(await first.evaluate((card) => card.textContent!.startsWith(card.querySelector('[data-testid="kiosk-product-name"]')!.textContent!))).toBe(true);
    const nameSize = await first.getByTestId('kiosk-product-name').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    expect(nameSize).toBeGreaterThanOrEqual(26);
    expect(await page.getByTestId('kiosk-products').locator('svg text').count()).toBe(0);
    // One visual per category: every drink carries the drinks badge; another category its own.
    expect(new Set(await page.getByTestId('kiosk-products').locator('svg[data-picture]').evaluateAll((els) => els.map((e) => e.getAttribute('data-picture'))))).toEqual(
      new Set(['drinks']),
    );
    await page.getByTestId('kiosk-category').nth(2).click();
    await expect.poll(() => page.getByTestId('kiosk-products').locator('svg[data-picture]').first().getAttribute('data-picture')).toBe('snacks');
    // Every card is a big touch target.
    const heights = await page.getByTestId('kiosk-product').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(48);
    await page.getByTestId('kiosk-category').first().click();
  });

  it('prompts to scan, and a barcode scanned at the kiosk’s scanner goes on the order', async () => {
    const prompt = page.getByTestId('kiosk-scan-prompt');
    expect(await prompt.isVisible()).toBe(true);
    expect(await prompt.textContent()).toContain('扫码加购');
    const [barcode] = db<{ code: string; name: string }>(
      "SELECT b.barcode AS code, p.name FROM product_barcode b JOIN product p ON p.id = b.product_id WHERE p.unit = 'each' AND p.price > 0 AND p.active = 1 ORDER BY p.sku LIMIT 1",
    );
    await scanner.write(new TextEncoder().encode(`${barcode!.code}\r`));
    await expect.poll(orderItems, { timeout: 10_000 }).toMatch(/^1 /);
  });

  it('searches by pinyin initials on its own letter keys (KL finds 可乐), adds a match with a tap, and says when nothing matches', async () => {
    await page.getByTestId('kiosk-search').click();
    await page.getByTestId('kiosk-search-pad').waitFor();
    expect(await page.getByTestId('kiosk-categories').count()).toBe(0);
    // The letter keys are big enough for a finger.
    const keyHeights = await page.getByTestId('kiosk-search-key').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    expect(keyHeights).toHaveLength(26);
    expect(Math.min(...keyHeights)).toBeGreaterThanOrEqual(48);

    await type('kl');
    expect(await page.getByTestId('kiosk-search').inputValue()).toBe('kl');
    const found = await resultIds();
    const byId = new Map(db<Row>('SELECT id, name, name_en, pinyin_initials FROM product').map((p) => [p.id, p]));
    for (const id of found) {
      const p = byId.get(id)!;
      expect(`${p.pinyin_initials} ${p.name.toLowerCase()} ${(p.name_en ?? '').toLowerCase()}`).toContain('kl');
    }
    expect(found.map((id) => byId.get(id)!.name).some((name) => name.startsWith('可口可乐'))).toBe(true);
    await page.screenshot({ path: `${UX}/kiosk-search-zh-CN.png` });

    await page.getByTestId('kiosk-search-results').locator('[data-testid="kiosk-product"]').first().click();
    await expect.poll(orderItems).toMatch(/^2 /);

    await page.getByTestId('kiosk-search-clear').click();
    await type('qqqqx');
    await expect.poll(() => page.getByTestId('kiosk-search-none').textContent()).toContain('qqqqx');
    await page.getByTestId('kiosk-search-delete').click();
    expect(await page.getByTestId('kiosk-search').inputValue()).toBe('qqqq');

    await page.getByTestId('kiosk-search-done').click();
    await page.getByTestId('kiosk-categories').waitFor();
    expect(await page.getByTestId('kiosk-search-pad').count()).toBe(0);
    await page.screenshot({ path: `${UX}/kiosk-shop-zh-CN.png` });
  });

  it('makes 删除 a real 48 px button that takes the line off, then is paid (screens in Chinese)', async () => {
    await page.getByTestId('kiosk-product').nth(2).click();
    await expect.poll(orderItems).toMatch(/^3 /);
    await page.getByTestId('kiosk-review').click();
    await expect.poll(() => page.getByTestId('kiosk-line').count()).toBe(3);
    const remove = page.getByTestId('kiosk-line-remove').last();
    const look = await remove.evaluate((b) => {
      const s = getComputedStyle(b);
      return { height: b.getBoundingClientRect().height, width: b.getBoundingClientRect().width, border: parseFloat(s.borderTopWidth), underline: s.textDecorationLine };
    });
    expect(look.height).toBeGreaterThanOrEqual(48);
    expect(look.width).toBeGreaterThanOrEqual(48);
    expect(look.border).toBeGreaterThan(0);
    expect(look.underline).toBe('none');
    expect(await remove.textContent()).toContain('删除');
    await remove.click();
    await expect.poll(() => page.getByTestId('kiosk-line').count()).toBe(2);
    await page.getByTestId('kiosk-keep-shopping').click();
    await page.getByTestId('kiosk-shop').waitFor();
    await reviewPayAndFinish('zh-CN');
  });

  it('browses and searches in English (COLA finds Coca-Cola) and is paid (screens in English)', async () => {
    await page.getByTestId('kiosk-language-en').click();
    await page.getByTestId('kiosk-start').click();
    await page.getByTestId('kiosk-shop').waitFor();
    expect(await page.getByTestId('kiosk-scan-prompt').textContent()).toContain('Scan here');
    expect(await page.getByTestId('kiosk-product').first().getByTestId('kiosk-product-name').textContent()).toBe(bestSeller.name_en ?? bestSeller.name);
    await page.getByTestId('kiosk-search').click();
    await type('cola');
    const byId = new Map(db<Row>('SELECT id, name, name_en, pinyin_initials FROM product').map((p) => [p.id, p]));
    const found = await resultIds();
    expect(found.map((id) => byId.get(id)!.name_en ?? '').some((name) => name.startsWith('Coca-Cola'))).toBe(true);
    await page.getByTestId('kiosk-search-results').locator('[data-testid="kiosk-product"]').first().click();
    await expect.poll(orderItems).toMatch(/^1 /);
    await page.getByTestId('kiosk-search-done').click();
    await page.getByTestId('kiosk-product').first().click();
    await expect.poll(orderItems).toMatch(/^2 /);
    await page.screenshot({ path: `${UX}/kiosk-shop-en.png` });
    await reviewPayAndFinish('en');
  });
});
