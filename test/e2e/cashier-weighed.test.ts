/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extendPrice, formatMoney } from '../../src-common/money';
import { createScaleSimulator, type ScaleSimulator } from '../../drivers/sim/scale';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type HostProcess, queryTerminalDb, startHostProcess } from '../helpers/host';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../helpers/pty';

const SHOTS = 'test-results/ux';

/**
 * A cashier sells goods by weight in Chromium: picked by name, weighed on a Toledo 8217 scale simulator on a socat
 * pty (a bag tared, the goods moving, then still at 0.512 kg), and with no scale, typed. The technician sees the
 * live weight.
 */
describe('a cashier sells weighed goods', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  let pair: PtyPair;
  let peer: Peer;
  let sim: ScaleSimulator;
  let product: { id: string; sku: string; name: string; name_en: string | null; price: number };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    pair = await createPtyPair();
    peer = await openPeer(pair.b);
    sim = createScaleSimulator(peer, { protocol: 'toledo8217' });
    host = await startHostProcess({
      config: { devices: [{ id: 'scale', role: 'scale', protocol: 'toledo8217', transport: { kind: 'serial', path: pair.a, baudRate: 9600, dataBits: 7, parity: 'even' } }] },
    });
    product = queryTerminalDb<typeof product>(host.ready, "SELECT id, sku, name, name_en, price FROM product WHERE unit = 'kg' AND active = 1 AND price > 0 ORDER BY sku LIMIT 1")[0]!;
    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 800 });
    await signIn(page, '收银员 01', '1111');
    await page.getByTestId('scan-input').waitFor();
  });
  afterAll(async () => {
    sim?.stop();
    await browser?.close();
    await host?.stop();
    await peer?.close();
    await pair?.close();
    await killAllSocat();
  });

  const kgText = () => page.getByTestId('weigh-kg').textContent();
  const stable = () => page.getByTestId('weigh-stable').getAttribute('data-stable');
  const yuan = (fen: number) => formatMoney(fen, 'CNY');

  /** Types the product's name in the scan field and takes the first result, as a cashier does. */
  async function pickByName(name: string) {
    await expect
      .poll(async () => {
        await page.getByTestId('scan-input').fill(name);
        return page.getByTestId('search-results').isVisible();
      }, { timeout: 15_000 })
      .toBe(true);
    await page.getByTestId('search-results').getByRole('option').first().click();
    await page.getByTestId('weigh-dialog').waitFor();
  }

  it('picks the item by name, tares the bag, waits out the motion and adds 0.512 kg at the price to the fen', async () => {
    await pickByName(product.name);
    sim.place(100); // the bag
    await expect.poll(kgText).toBe('0.100 kg');
    await expect.poll(stable).toBe('true');
    await page.getByTestId('weigh-tare').click();
    await expect.poll(kgText).toBe('0.000 kg');
    expect(sim.commands).toContain('T');

    sim.setWeight(640);
    sim.setMotion(true);
    await expect.poll(stable).toBe('false');
    expect(await page.getByTestId('weigh-add').isDisabled()).toBe(true);

    sim.place(612);
    await expect.poll(kgText).toBe('0.512 kg');
    await expect.poll(stable).toBe('true');
    const amount = extendPrice(product.price, 512);
    expect(await page.getByTestId('weigh-amount').textContent()).toBe(yuan(amount));
    await page.screenshot({ path: `${SHOTS}/cashier-weigh-zh-CN.png` });
    await page.getByTestId('weigh-add').click();

    await expect.poll(() => page.getByTestId('weigh-dialog').count()).toBe(0);
    const line = page.getByTestId('cart-line').last();
    expect(await line.getByTestId('line-quantity').textContent()).toBe('0.512kg');
    expect(await line.getByTestId('line-amount').textContent()).toBe(yuan(amount));
    const [row] = queryTerminalDb<{ quantity: number }>(host.ready, "SELECT json_extract(data, '$.quantityMilli') AS quantity FROM sale_event WHERE type = 'line_added' ORDER BY id DESC LIMIT 1");
    expect(row?.quantity).toBe(512);
  });

  it('shows the technician the live weight and the frames', async () => {
    const tech = await openTerminalPage(browser, host.ready, { width: 1366, height: 800 });
    await signIn(tech, '技术员', '9999');
    await tech.getByTestId('tab-scale').click();
    await expect.poll(() => tech.getByTestId('scale-live').textContent()).toBe('0.512 kg');
    await expect.poll(() => tech.getByTestId('scale-stable').getAttribute('data-stable')).toBe('true');
    await expect.poll(async () => (await tech.getByTestId('scale-frame').allTextContents()).some((text) => text.includes('02 30 30 2e 35 31 32 4e 0d') && text.includes('0.512 kg · 净重'))).toBe(true);
    await tech.screenshot({ path: `${SHOTS}/technician-scale-zh-CN.png` });
    await tech.close();
  });

  it('in English, shows the same dialog', async () => {
    await page.getByTestId('switch-language').click();
    await pickByName(product.name_en ?? product.name);
    await expect.poll(kgText).toBe('0.512 kg');
    await expect.poll(stable).toBe('true');
    await page.screenshot({ path: `${SHOTS}/cashier-weigh-en.png` });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('weigh-dialog').count()).toBe(0);
    await page.getByTestId('switch-language').click();
  });

  it('with the scale gone, asks for the weight and adds the typed 0.512 kg', async () => {
    sim.stop();
    await peer.close();
    await pair.unplug();
    const before = await page.getByTestId('cart-line').count();
    await pickByName(product.name);
    await page.getByTestId('weigh-no-scale').waitFor();
    expect(await page.getByTestId('weigh-add').isDisabled()).toBe(true);
    await page.getByTestId('weigh-typed').fill('0');
    expect(await page.getByTestId('weigh-add').isDisabled()).toBe(true);
    await page.getByTestId('weigh-typed').fill('0.5125');
    expect(await page.getByTestId('weigh-add').isDisabled()).toBe(true);
    await page.getByTestId('weigh-typed').fill('0.512');
    expect(await page.getByTestId('weigh-amount').textContent()).toBe(yuan(extendPrice(product.price, 512)));
    await page.getByTestId('weigh-add').click();
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(before + 1);
    const line = page.getByTestId('cart-line').last();
    expect(await line.getByTestId('line-quantity').textContent()).toBe('0.512kg');
    expect(await line.getByTestId('line-amount').textContent()).toBe(yuan(extendPrice(product.price, 512)));
  });

  it('keyed by its SKU, the item is not added as 1 kg: the weigh dialog opens', async () => {
    const before = await page.getByTestId('cart-line').count();
    await page.getByTestId('scan-input').fill(product.sku);
    await page.getByTestId('scan-input').press('Enter');
    await page.getByTestId('weigh-dialog').waitFor();
    expect(await page.getByTestId('cart-line').count()).toBe(before);
    await page.keyboard.press('Escape');
  });
});
