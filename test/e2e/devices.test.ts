/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src-common/money';
import { decodeLed8 } from '../../drivers/display/decode';
import { decodeEscPos } from '../../drivers/receipt/escpos-decode';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type HostProcess, openApiSocket, queryTerminalDb, startHostProcess } from '../helpers/host';
import { createPtyPair, killAllSocat, openPeer, simulatePrinter, type Peer, type PtyPair } from '../helpers/pty';

/**
 * A cash sale with real serial devices: the real serialport driver on one end of socat pseudo-terminals,
 * simulators (the test) on the other: a scanner that types a code + CR, a receipt printer whose bytes are
 * decoded back into text, and a Chinese 8-digit LED price display.
 */
describe('a cashier sells with a simulated scanner, receipt printer and LED price display', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  const pairs: PtyPair[] = [];
  let scanner: Peer;
  let printer: Peer;
  let display: Peer;
  let printerSim: ReturnType<typeof simulatePrinter>;

  beforeAll(async () => {
    const [scannerPty, printerPty, displayPty] = await Promise.all([createPtyPair(), createPtyPair(), createPtyPair()]);
    pairs.push(scannerPty!, printerPty!, displayPty!);
    host = await startHostProcess({
      config: {
        devices: [
          { id: 'scanner', role: 'scanner', transport: { kind: 'serial', path: scannerPty!.a, baudRate: 9600 }, suffix: 'CR' },
          { id: 'printer', role: 'printer', transport: { kind: 'serial', path: printerPty!.a, baudRate: 9600 }, columns: 48, statusPollMs: 100, drawer: { pin: 2 } },
          { id: 'price-display', role: 'display', transport: { kind: 'serial', path: displayPty!.a, baudRate: 2400 }, protocol: 'led8' },
        ],
      },
    });
    [scanner, printer, display] = await Promise.all([openPeer(scannerPty!.b), openPeer(printerPty!.b), openPeer(displayPty!.b, 2400)]);
    printerSim = simulatePrinter(printer);
    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 800 });
    await signIn(page, '收银员 01', '1111');
    await page.getByTestId('scan-input').waitFor();
  });
  afterAll(async () => {
    printerSim?.stop();
    await browser?.close();
    await host?.stop();
    for (const peer of [scanner, printer, display]) await peer?.close();
    for (const pair of pairs) await pair.close();
    await killAllSocat();
  });

  it('rings up what the scanner sends, then prints the receipt with a drawer kick and shows price, total and change', async () => {
    const product = queryTerminalDb<{ name: string; price: number; barcode: string }>(
      host.ready,
      "SELECT p.name, p.price, b.barcode FROM product p JOIN product_barcode b ON b.product_id = p.id WHERE p.unit = 'each' AND length(b.barcode) = 13 LIMIT 1",
    )[0]!;

    // Devices open in the background: wait until the terminal reports every one idle.
    const api = await openApiSocket(host.ready);
    await expect
      .poll(async () => {
        const r = await api.call('devices.status', {});
        return r.ok ? r.value.map((d) => `${d.id}:${d.state}`).sort() : [];
      })
      .toEqual(['price-display:idle', 'printer:idle', 'scanner:idle']);
    api.close();
    await scanner.write(new TextEncoder().encode(`${product.barcode}\r`));
    await expect.poll(() => page.getByTestId('cart-line').count(), { timeout: 10_000 }).toBe(1);
    await scanner.write(new TextEncoder().encode(`${product.barcode}\r`));
    await expect.poll(() => page.getByTestId('line-quantity').first().textContent()).toBe('2');

    // The LED display showed the item's price.
    const priceShown = await display.readUntil((bytes) => decodeLed8(bytes).lamp === 'price', 5000);
    expect(decodeLed8(priceShown).number).toBe((product.price / 100).toFixed(2));

    const total = 2 * product.price;
    await page.keyboard.press('F12');
    // At the pay step the display shows what the customer owes.
    const totalShown = decodeLed8(await display.readUntil((bytes) => decodeLed8(bytes).lamp === 'total', 5000));
    expect(totalShown.number).toBe((total / 100).toFixed(2));
    const tendered = Math.ceil(total / 10000) * 10000;
    await page.getByTestId('cash-tendered').fill((tendered / 100).toFixed(2));
    await page.getByTestId('pay-complete').click();
    await expect.poll(() => page.getByTestId('receipt-change').textContent()).toBe(formatMoney(tendered - total, 'CNY'));

    // The printer received the receipt (Chinese included), a cut and the drawer kick.
    const printed = decodeEscPos(await printer.readUntil((bytes) => decodeEscPos(bytes).commands.some((c) => c.type === 'drawerKick'), 10_000));
    const text = printed.lines.map((l) => l.text).join('\n');
    expect(text).toContain(product.name.slice(0, 6));
    expect(text).toContain(formatMoney(total, 'CNY').replace('¥', ''));
    expect(text).toContain('找零');
    expect(printed.commands.filter((c) => c.type === 'drawerKick')).toHaveLength(1);
    expect(printed.commands.some((c) => c.type === 'cut')).toBe(true);

    // Reprint from the receipt dialog: the same receipt again, without another drawer kick.
    printer.clear();
    await page.getByTestId('reprint').click();
    await expect.poll(() => page.getByTestId('reprint-status').textContent()).toBe('已发送到小票打印机');
    const again = decodeEscPos(await printer.readUntil((bytes) => decodeEscPos(bytes).commands.some((c) => c.type === 'cut'), 10_000));
    expect(again.lines.map((l) => l.text).join('\n')).toContain(product.name.slice(0, 6));
    expect(again.commands.filter((c) => c.type === 'drawerKick')).toEqual([]);

    // The display ended on the change.
    const final = decodeLed8(await display.readUntil((bytes) => decodeLed8(bytes).lamp === 'change', 5000));
    expect(final.number).toBe(((tendered - total) / 100).toFixed(2));
  });

  it('shows a printer out of paper in the top bar and on the completion screen, and prints the held receipt once paper is back', async () => {
    const product = queryTerminalDb<{ name: string; price: number; barcode: string }>(
      host.ready,
      "SELECT p.name, p.price, b.barcode FROM product p JOIN product_barcode b ON b.product_id = p.id WHERE p.unit = 'each' AND length(b.barcode) = 13 ORDER BY p.sku DESC LIMIT 1",
    )[0]!;
    await page.getByTestId('next-customer').click();
    const chip = page.getByTestId('device-chip-printer');
    await expect.poll(() => chip.getAttribute('data-health')).toBe('ok');

    printerSim.setPaperOut(true);
    await expect.poll(() => chip.textContent(), { timeout: 5000 }).toBe('小票打印机 · 缺纸');
    expect(await chip.getAttribute('data-health')).toBe('down');

    await scanner.write(new TextEncoder().encode(`${product.barcode}\r`));
    await expect.poll(() => page.getByTestId('cart-line').count(), { timeout: 10_000 }).toBe(1);
    await page.keyboard.press('F12');
    await page.getByTestId('payment-code').press('Enter'); // exact cash
    const printState = page.getByTestId('receipt-print-state');
    await expect.poll(() => printState.textContent(), { timeout: 5000 }).toBe('小票未打印：缺纸（处理后自动打印）');
    expect(await printState.getAttribute('data-state')).toBe('held');

    printer.clear();
    printerSim.setPaperOut(false);
    await expect.poll(() => printState.getAttribute('data-state'), { timeout: 10_000 }).toBe('printed');
    const printed = decodeEscPos(await printer.readUntil((bytes) => decodeEscPos(bytes).commands.some((c) => c.type === 'cut'), 10_000));
    expect(printed.lines.map((l) => l.text).join('\n')).toContain(product.name.slice(0, 6));
    await expect.poll(() => chip.getAttribute('data-health')).toBe('ok');
    await page.screenshot({ path: 'test-results/e2e/printer-paper-out.png' });
  });
});
