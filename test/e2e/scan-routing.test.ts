/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { launchChromium, signIn } from '../helpers/browser';
import { type HostProcess, openApiSocket, queryTerminalDb, startHostProcess } from '../helpers/host';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../helpers/pty';

/**
 * Scans decided in the core, seen from the real cashier screen in Chromium: a simulated serial scanner on a socat
 * pseudo-terminal, two cashier windows open at once, and every WebSocket frame either window received.
 */
describe('two cashier screens and a scanner: the core decides each scan once', () => {
  let host: HostProcess;
  let browser: Browser;
  let pair: PtyPair;
  let scanner: Peer;
  const frames = new Map<Page, string[]>();

  /** Waits for the devices to open (a hook cannot use expect.poll). */
  async function until(ready: () => Promise<boolean>, timeoutMs = 15_000) {
    for (const deadline = Date.now() + timeoutMs; !(await ready()); ) {
      if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const scan = (code: string) => scanner.write(new TextEncoder().encode(`${code}\r`));
  const db = <T>(sql: string, ...params: unknown[]) => queryTerminalDb<T>(host.ready, sql, ...params);
  /** A cashier window, with every frame its WebSocket receives kept. */
  async function cashierWindow(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    const received: string[] = [];
    frames.set(page, received);
    page.on('websocket', (ws) => ws.on('framereceived', (frame) => received.push(String(frame.payload))));
    await page.goto(`${host.ready.url}#token=${host.ready.token}`);
    return page;
  }

  beforeAll(async () => {
    pair = await createPtyPair();
    host = await startHostProcess({
      config: {
        acquirer: { sandboxSpeed: 0.1 },
        devices: [{ id: 'scanner', role: 'scanner', transport: { kind: 'serial', path: pair.a, baudRate: 9600 }, suffix: 'CR' }],
      },
    });
    scanner = await openPeer(pair.b);
    browser = await launchChromium();
    const api = await openApiSocket(host.ready);
    await until(async () => {
      const r = await api.call('devices.status', {});
      return r.ok && r.value.every((d) => d.state === 'idle');
    });
    api.close();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await scanner?.close();
    await pair?.close();
    await killAllSocat();
  });

  it('shows a scan made before any screen opened and adds it when the cashier chooses, adds each scan once with two screens open, pays by code unseen, finds a receipt for a refund; a later held scan discarded', async () => {
    const product = db<{ barcode: string }>(
      "SELECT b.barcode FROM product p JOIN product_barcode b ON b.product_id = p.id WHERE p.unit = 'each' AND p.price > 0 AND length(b.barcode) = 13 LIMIT 1",
    )[0]!;

    // Scanned with no cashier screen open: nothing is lost, nothing is sold yet.
    await scan(product.barcode);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(db("SELECT COUNT(*) AS n FROM sale WHERE status = 'open'")).toEqual([{ n: 0 }]);

    // The first cashier screen opens: the held scan is shown, not sold (it may have been a price check); the cashier
    // adds it with the keyboard (focus stays in the scan field).
    const first = await cashierWindow();
    await signIn(first, '收银员 01', '1111');
    await first.getByTestId('scan-input').waitFor();
    await first.getByTestId('held-scans').waitFor({ timeout: 10_000 });
    expect(await first.getByTestId('held-scans').textContent()).toContain(product.barcode);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await first.getByTestId('cart-line').count()).toBe(0);
    expect(db("SELECT COUNT(*) AS n FROM sale WHERE status = 'open'")).toEqual([{ n: 0 }]);
    await first.keyboard.press('Alt+A');
    await expect.poll(() => first.getByTestId('cart-line').count(), { timeout: 10_000 }).toBe(1);
    expect(await first.getByTestId('held-scans').count()).toBe(0);

    // A second cashier screen (another window) on the same till.
    const second = await cashierWindow();
    await signIn(second, '收银员 01', '1111');
    await second.getByTestId('scan-input').waitFor();
    await expect.poll(() => second.getByTestId('cart-line').count(), { timeout: 10_000 }).toBe(1);
    expect(await second.getByTestId('held-scans').count()).toBe(0); // added once, on the first screen

    // One scan, one more piece: both screens show quantity 2 (each screen adding it would make 3).
    await scan(product.barcode);
    for (const page of [first, second]) await expect.poll(() => page.getByTestId('line-quantity').first().textContent(), { timeout: 10_000 }).toBe('2');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await first.getByTestId('line-quantity').first().textContent()).toBe('2');
    expect(db("SELECT COUNT(*) AS n FROM sale WHERE status = 'open'")).toEqual([{ n: 1 }]);

    // The pay step on the first screen: the scanner's next code is the customer's, paid without any screen seeing it.
    await first.keyboard.press('F12');
    await first.getByTestId('cash-tendered').waitFor();
    const code = sandboxPaymentCode('wechat', '0000');
    await scan(code);
    await expect.poll(() => first.getByTestId('receipt-dialog').count(), { timeout: 15_000 }).toBe(1);
    expect(await first.getByTestId('receipt-text').textContent()).toContain('微信支付');
    expect(db<{ kind: string }>("SELECT t.kind FROM sale_tender t JOIN sale s ON s.id = t.sale_id WHERE s.status = 'completed'")).toEqual([{ kind: 'wechat' }]);
    // The other screen's cart emptied with the sale.
    await expect.poll(() => second.getByTestId('cart-line').count(), { timeout: 10_000 }).toBe(0);

    // With the refund dialog open, the receipt's number scanned finds the sale there (no item is rung up).
    const receiptNumber = (await first.getByTestId('receipt-dialog').textContent())!.match(/[0-9A-Z]{4}-\d{6}/)![0];
    await first.getByTestId('next-customer').click();
    await first.keyboard.press('F9');
    await first.getByTestId('refund-receipt-number').waitFor();
    await scan(receiptNumber);
    await expect.poll(() => first.getByTestId('refund-line').count(), { timeout: 10_000 }).toBe(1);
    expect(await first.getByTestId('refund-receipt-number').count()).toBe(0);
    expect(db("SELECT COUNT(*) AS n FROM sale WHERE status = 'open'")).toEqual([{ n: 0 }]);

    for (const page of [first, second]) {
      const received = frames.get(page)!;
      expect(received.length).toBeGreaterThan(0);
      for (const frame of received) expect(frame).not.toContain(code);
      expect(await page.content()).not.toContain(code);
    }

    // Both windows closed, a scan is made; the next cashier discards it with the keyboard: it never reaches a sale.
    for (const page of [first, second]) await page.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await scan(product.barcode);
    const third = await cashierWindow();
    await signIn(third, '收银员 01', '1111');
    await third.getByTestId('held-scans').waitFor({ timeout: 10_000 });
    await third.keyboard.press('Alt+D');
    await expect.poll(() => third.getByTestId('held-scans').count(), { timeout: 10_000 }).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await third.getByTestId('cart-line').count()).toBe(0);
    expect(db("SELECT COUNT(*) AS n FROM sale WHERE status = 'open'")).toEqual([{ n: 0 }]);
  });
});
