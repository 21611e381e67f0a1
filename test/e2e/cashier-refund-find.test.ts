/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../drivers/receipt/escpos-decode';
import { formatMoney } from '../../src-common/money';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type ApiSocket, type HostProcess, openApiSocket, queryTerminalDb, startHostProcess } from '../helpers/host';
import { createPtyPair, killAllSocat, openPeer, simulatePrinter, type Peer, type PtyPair } from '../helpers/pty';

const SHOTS = 'test-results/ux';
const VIEWPORT = { width: 1366, height: 768 };

/**
 * Issue 17, point 4: a customer without a paper receipt. The refund dialog opens on today's sales of this till; the
 * cashier finds the sale by its amount or by the last four digits of the order number the customer's wallet shows,
 * or scans the printed receipt's QR with the scanner (a simulated serial scanner on a socat pseudo-terminal; the QR
 * read back from the bytes the simulated receipt printer received). The confirm button is in view at 1366×768
 * however many lines the sale has, and the refunds move exactly the money of the lines returned.
 */
describe('a cashier finds the sale to refund without its receipt number', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  const pairs: PtyPair[] = [];
  let scanner: Peer;
  let printer: Peer;
  let printerSim: ReturnType<typeof simulatePrinter>;
  let api: ApiSocket;
  const db = <T>(sql: string, ...params: unknown[]) => queryTerminalDb<T>(host.ready, sql, ...params);
  /** The sales made before the cashier's screen opens, oldest first, with the QR their printed receipt carries. */
  const sales: { name: string; saleId: string; total: number; lines: number[]; barcode: string }[] = [];
  const code = sandboxPaymentCode('wechat', '0000');

  async function until(ready: () => Promise<boolean>, timeoutMs = 15_000) {
    for (const deadline = Date.now() + timeoutMs; !(await ready()); ) {
      if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** One sale through the core's API as the cashier; waits for its receipt on the printer and keeps the QR printed. */
  async function sell(name: string, items: { productId: string; quantity: number }[], tender: 'cash' | 'wechat') {
    printer.clear();
    let cart;
    for (const item of items) {
      const r = await api.call('sale.addProduct', { productId: item.productId, quantityMilli: item.quantity * 1000 });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      cart = r.value;
    }
    const saleId = cart!.saleId;
    const done = tender === 'cash' ? await api.call('sale.complete', { tenders: [{ kind: 'cash', amount: cart!.cashDue }] }) : await api.call('payment.payByCode', { code });
    if (!done.ok) throw new Error(JSON.stringify(done.error));
    const printed = decodeEscPos(await printer.readUntil((bytes) => decodeEscPos(bytes).commands.some((c) => c.type === 'cut'), 10_000));
    const lines = db<{ net: number }>('SELECT net FROM sale_line WHERE sale_id = ? ORDER BY line_no', saleId).map((l) => l.net);
    const total = db<{ total: number }>("SELECT total FROM sale WHERE id = ? AND status = 'completed'", saleId)[0]!.total;
    // A till without a store server prints no QR (a phone could not open it): the receipt number as a CODE128 barcode.
    expect(printed.qr).toEqual([]);
    sales.push({ name, saleId, total, lines, barcode: printed.barcodes[0] ?? '' });
  }
  const sale = (name: string) => sales.find((s) => s.name === name)!;
  const shownRows = async () => page.getByTestId('refund-sale-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-sale-id')));
  /** Fully visible in the window without scrolling anything, and what a click at its centre reaches. */
  const clickableInView = (testId: string) =>
    page.getByTestId(testId).evaluate((el) => {
      const box = el.getBoundingClientRect();
      const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
      return box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth && (hit === el || el.contains(hit));
    });
  const ledgerRefunds = (refundRequestNo: string) => {
    const conn = new Sqlite(join(host.ready.dataDir, 'sandbox-acquirer.sqlite'), { readonly: true });
    try {
      return conn.prepare("SELECT amount FROM txn WHERE type = 'refund' AND status = 'SUCCESS' AND refund_request_no = ?").all(refundRequestNo);
    } finally {
      conn.close();
    }
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const [scannerPty, printerPty] = await Promise.all([createPtyPair(), createPtyPair()]);
    pairs.push(scannerPty!, printerPty!);
    host = await startHostProcess({
      config: {
        acquirer: { sandboxSpeed: 0.1 },
        devices: [
          { id: 'scanner', role: 'scanner', transport: { kind: 'serial', path: scannerPty!.a, baudRate: 9600 }, suffix: 'CR' },
          { id: 'printer', role: 'printer', transport: { kind: 'serial', path: printerPty!.a, baudRate: 9600 }, columns: 48, statusPollMs: 100 },
        ],
      },
    });
    [scanner, printer] = await Promise.all([openPeer(scannerPty!.b), openPeer(printerPty!.b)]);
    printerSim = simulatePrinter(printer);
    api = await openApiSocket(host.ready);
    await until(async () => {
      const r = await api.call('devices.status', {});
      return r.ok && r.value.length === 2 && r.value.every((d) => d.state === 'idle');
    });
    const users = await api.call('auth.users', {});
    await api.call('auth.signIn', { userId: users.ok ? users.value.find((u) => u.role === 'cashier')!.id : '', pin: '1111' });

    // Four sales of today, among them one of nine different items paid by WeChat.
    const products = db<{ id: string }>("SELECT id FROM product WHERE active = 1 AND unit = 'each' AND price BETWEEN 150 AND 2000 ORDER BY sku LIMIT 12");
    await sell('cash-one', [{ productId: products[0]!.id, quantity: 1 }], 'cash');
    await sell('wallet-many', products.slice(1, 10).map((p) => ({ productId: p.id, quantity: 1 })), 'wechat');
    await sell('cash-three', [{ productId: products[10]!.id, quantity: 3 }], 'cash');
    await sell('cash-two', [{ productId: products[11]!.id, quantity: 2 }], 'cash');

    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, VIEWPORT);
    await signIn(page, '收银员 01', '1111');
    await page.getByTestId('scan-input').waitFor();
  });
  afterAll(async () => {
    api?.close();
    printerSim?.stop();
    await browser?.close();
    await host?.stop();
    for (const peer of [scanner, printer]) await peer?.close();
    for (const pair of pairs) await pair.close();
    await killAllSocat();
  });

  it('opens on today’s sales, newest first, with time, receipt number, amount and the wallet’s last four, never the payment code', async () => {
    await page.keyboard.press('F9');
    await expect.poll(shownRows, { timeout: 10_000 }).toEqual(sales.map((s) => s.saleId).reverse());
    const totals = await page.getByTestId('refund-sale-total').allTextContents();
    expect(totals).toEqual(sales.map((s) => formatMoney(s.total, 'CNY')).reverse());
    const acquirerSn = db<{ acquirer_sn: string }>("SELECT acquirer_sn FROM payment WHERE sale_id = ? AND status = 'paid'", sale('wallet-many').saleId)[0]!.acquirer_sn;
    const walletRow = page.locator(`[data-testid="refund-sale-row"][data-sale-id="${sale('wallet-many').saleId}"]`);
    expect(await walletRow.textContent()).toContain(`微信支付 ···${acquirerSn.slice(-4)}`);
    expect(await walletRow.locator('td').first().textContent()).toMatch(/^\d{2}:\d{2}$/);
    expect(await page.content()).not.toContain(code);
    expect(await page.content()).not.toContain(code.slice(-8));
    await page.screenshot({ path: `${SHOTS}/refund-find-zh-CN.png` });
  });

  it('finds a sale by its amount typed in yuan, and by nothing else of a wrong amount', async () => {
    const target = sale('cash-three');
    await page.getByTestId('refund-filter-amount').fill((target.total / 100).toFixed(2));
    const same = sales.filter((s) => s.total === target.total).map((s) => s.saleId).reverse();
    await expect.poll(shownRows, { timeout: 10_000 }).toEqual(same);
    await page.getByTestId('refund-filter-amount').fill(((target.total + 1) / 100).toFixed(2));
    await expect.poll(() => page.getByTestId('refund-sales-empty').count(), { timeout: 10_000 }).toBe(1);
    // Opened from the list: its one line, and back to the list with the filter kept.
    await page.getByTestId('refund-filter-amount').fill((target.total / 100).toFixed(2));
    await expect.poll(shownRows, { timeout: 10_000 }).toEqual(same);
    await page.locator(`[data-testid="refund-sale-row"][data-sale-id="${target.saleId}"]`).getByTestId('refund-sale-pick').click();
    await expect.poll(() => page.getByTestId('refund-line').count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId('refund-back').click();
    expect(await page.getByTestId('refund-filter-amount').inputValue()).toBe((target.total / 100).toFixed(2));
    await page.getByTestId('refund-cancel').click();
    await expect.poll(() => page.getByTestId('refund-dialog').count()).toBe(0);
  });

  it('finds the wallet sale by the last four of its order number; with nine lines the confirm button stays in view at 1366×768, and the refund is right to the fen', async () => {
    const target = sale('wallet-many');
    const acquirerSn = db<{ acquirer_sn: string }>("SELECT acquirer_sn FROM payment WHERE sale_id = ? AND status = 'paid'", target.saleId)[0]!.acquirer_sn;
    await page.keyboard.press('F9');
    await page.getByTestId('refund-filter-last4').fill(acquirerSn.slice(-4));
    await expect.poll(shownRows, { timeout: 10_000 }).toEqual([target.saleId]);
    await page.getByTestId('refund-sale-row').click();
    await expect.poll(() => page.getByTestId('refund-line').count(), { timeout: 10_000 }).toBe(target.lines.length);

    // The sale's lines, the reason, the owner's approval and the void offer are more than the screen holds: they
    // scroll inside the dialog, the confirm button does not move.
    const scroll = await page.locator('.refund-scroll').evaluate((el) => ({ scrollable: el.scrollHeight > el.clientHeight }));
    expect(scroll.scrollable).toBe(true);
    expect(await clickableInView('refund-submit')).toBe(true);
    await page.screenshot({ path: `${SHOTS}/refund-lines-zh-CN.png` });
    await page.getByTestId('refund-quantity').nth(0).fill('1');
    await page.getByTestId('refund-quantity').nth(4).fill('1');
    await page.getByTestId('refund-approval-pin').fill('8888');
    expect(await clickableInView('refund-submit')).toBe(true);
    await page.getByTestId('refund-submit').click();
    await expect.poll(() => page.getByTestId('refund-result').getAttribute('data-status'), { timeout: 15_000 }).toBe('refunded');

    const expected = target.lines[0]! + target.lines[4]!;
    expect(await page.getByTestId('refund-result').textContent()).toContain(formatMoney(expected, 'CNY'));
    expect(await page.getByTestId('refund-result').textContent()).toContain('已退款至微信支付');
    expect(await clickableInView('refund-close')).toBe(true);
    const [refund] = db<{ amount: number; refund_request_no: string }>('SELECT amount, refund_request_no FROM refund WHERE sale_id = ?', target.saleId);
    expect(refund!.amount).toBe(expected);
    expect(ledgerRefunds(refund!.refund_request_no)).toEqual([{ amount: expected }]);
    await page.getByTestId('refund-close').click();
  });

  it('finds a cash sale by scanning the barcode printed on its receipt; the cash handed back is the line’s amount', async () => {
    const target = sale('cash-one');
    expect(target.barcode).toMatch(/^[0-9A-Z]{4}-\d{6}$/);
    const receiptNumber = target.barcode;
    await page.keyboard.press('F9');
    await expect.poll(shownRows, { timeout: 10_000 }).toHaveLength(sales.length);
    await scanner.write(new TextEncoder().encode(`${target.barcode}\r`));
    await expect.poll(() => page.getByTestId('refund-line').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('refund-dialog').textContent()).toContain(receiptNumber);
    expect(db("SELECT COUNT(*) AS n FROM sale WHERE status = 'open'")).toEqual([{ n: 0 }]); // the scan rang nothing up

    await page.getByTestId('refund-quantity').first().fill('1');
    await page.getByTestId('refund-approval-pin').fill('8888');
    expect(await clickableInView('refund-submit')).toBe(true);
    await page.getByTestId('refund-submit').click();
    await expect.poll(() => page.getByTestId('refund-result').getAttribute('data-status'), { timeout: 15_000 }).toBe('refunded');
    expect(await page.getByTestId('refund-cash').textContent()).toContain(formatMoney(target.lines[0]!, 'CNY'));
    expect(db<{ amount: number; cash_amount: number }>('SELECT amount, cash_amount FROM refund WHERE sale_id = ?', target.saleId)).toEqual([
      { amount: target.lines[0]!, cash_amount: target.lines[0]! },
    ]);
    await page.getByTestId('refund-close').click();

    // Listed again: the refunded sales say so.
    await page.keyboard.press('F9');
    const row = page.locator(`[data-testid="refund-sale-row"][data-sale-id="${target.saleId}"]`);
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('已全额退款');
    await page.getByTestId('refund-cancel').click();
    await expect.poll(() => page.getByTestId('refund-dialog').count()).toBe(0);
  });

  it('in English: the same list and filters', async () => {
    await page.getByTestId('switch-language').click();
    await page.keyboard.press('F9');
    await expect.poll(shownRows, { timeout: 10_000 }).toHaveLength(sales.length);
    expect(await page.getByTestId('refund-dialog').textContent()).toContain("Today's sales");
    expect(await page.getByTestId('refund-dialog').textContent()).toContain('WeChat Pay ···');
    await page.screenshot({ path: `${SHOTS}/refund-find-en.png` });
    await page.getByTestId('refund-cancel').click();
    await expect.poll(() => page.getByTestId('refund-dialog').count()).toBe(0);
    await page.getByTestId('switch-language').click();
  });
});
