/// <reference lib="dom" />
/**
 * Stock on the till and shifts that cannot be skipped (issue 16), in Chromium through the host: the owner receives
 * 4 of an item and the level shows 4; a cashier whose till has no shift scans it, is asked to open one with the
 * float, and the held scan lands once it is open; selling the fifth shows the stock notice on the line, and with the
 * PIN setting the sixth waits for the owner's PIN; a count of 3 shows expected 4 and posts −1; the handover prints a
 * slip (decoded from the simulated printer's bytes) whose totals are the shift's to the fen.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../drivers/receipt/escpos-decode';
import { formatMoney } from '../../src-common/money';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { openApiSocket, queryTerminalDb, startHostProcess, type ApiSocket, type HostProcess } from '../helpers/host';
import { createPtyPair, killAllSocat, openPeer, simulatePrinter, type Peer, type PtyPair } from '../helpers/pty';

const SHOTS = 'test-results/ux';
const yuan = (fen: number) => formatMoney(fen, 'CNY');

describe('stock and shifts at the till', () => {
  let host: HostProcess;
  let browser: Browser;
  let owner: Page;
  let cashier: Page;
  let api: ApiSocket;
  let pair: PtyPair;
  let printer: Peer;
  let printerSim: ReturnType<typeof simulatePrinter>;
  let item: { id: string; barcode: string; price: number; name: string };
  const db = <T,>(sql: string, ...params: unknown[]): T[] => queryTerminalDb<T>(host.ready, sql, ...params);
  const levelOf = () => db<{ stock_milli: number }>('SELECT stock_milli FROM product WHERE id = ?', item.id)[0]!.stock_milli;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    pair = await createPtyPair();
    // No test shift: this test is about the till without one.
    host = await startHostProcess({
      openShift: false,
      config: { devices: [{ id: 'printer', role: 'printer', transport: { kind: 'serial', path: pair.a, baudRate: 9600 }, columns: 32, statusPollMs: 100 }] },
    });
    printer = await openPeer(pair.b);
    printerSim = simulatePrinter(printer);
    api = await openApiSocket(host.ready);
    for (const deadline = Date.now() + 10_000; ; await new Promise((resolve) => setTimeout(resolve, 50))) {
      const r = await api.call('devices.status', {});
      if (r.ok && r.value.length === 1 && r.value[0]!.state === 'idle') break;
      if (Date.now() > deadline) throw new Error('the printer is not ready');
    }
    item = db<{ id: string; barcode: string; price: number; name: string }>(
      `SELECT p.id, b.barcode, p.price, p.name FROM product p JOIN product_barcode b ON b.product_id = p.id
        WHERE p.active = 1 AND p.unit = 'each' AND length(b.barcode) = 13 AND p.price BETWEEN 200 AND 2000 ORDER BY p.sku LIMIT 1`,
    )[0]!;
    // Setup as the owner would with a count: nothing of this item on the shelf yet.
    const users = await api.call('auth.users', {});
    await api.call('auth.signIn', { userId: users.ok ? users.value.find((u) => u.role === 'owner')!.id : '', pin: '8888' });
    const zero = await api.call('stock.count', { lines: [{ productId: item.id, countedMilli: 0 }] });
    if (!zero.ok) throw new Error(JSON.stringify(zero.error));

    browser = await launchChromium();
    owner = await openTerminalPage(browser, host.ready, { width: 1366, height: 900 });
    await signIn(owner, '店长', '8888');
    await owner.getByTestId('workspace-owner').click();
    await owner.getByTestId('tab-stock').click();
    cashier = await openTerminalPage(browser, host.ready, { width: 1366, height: 800 });
    await signIn(cashier, '收银员 01', '1111');
    await cashier.getByTestId('scan-input').waitFor();
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

  const levelShown = async () => {
    await owner.getByTestId('stock-search').fill(item.barcode);
    const row = owner.locator(`[data-testid="stock-row"][data-product-id="${item.id}"]`);
    await row.waitFor();
    return (await row.getByTestId('stock-level').textContent())!.trim();
  };
  const scan = async (code: string) => {
    await cashier.getByTestId('scan-input').fill(code);
    await cashier.getByTestId('scan-input').press('Enter');
  };
  const lineQuantity = () => cashier.getByTestId('line-quantity').first().textContent();

  it('receives 4 of an item from a supplier, and the level shows 4', async () => {
    await owner.getByTestId('receive-supplier').fill('农夫山泉经销商');
    await owner.getByTestId('receive-product').fill(item.barcode);
    await owner.getByTestId('receive-product').press('Enter');
    await owner.getByTestId('receive-line').waitFor();
    await owner.getByTestId('receive-quantity').fill('4');
    await owner.getByTestId('receive-cost').fill('1.20');
    await owner.getByTestId('receive-post').click();
    await expect.poll(() => owner.getByTestId('stock-posted').textContent()).toContain('农夫山泉经销商');
    await expect.poll(levelShown).toMatch(/^4\b/);
    expect(levelOf()).toBe(4_000);
    expect(db('SELECT reason, delta_milli AS delta, unit_cost AS cost FROM stock_movement WHERE product_id = ? ORDER BY rowid DESC LIMIT 1', item.id)).toEqual([{ reason: 'receive', delta: 4_000, cost: 120 }]);
    await owner.screenshot({ path: `${SHOTS}/owner-stock-zh-CN.png`, fullPage: true });
  });

  it('asks a cashier with no open shift to open one, then adds the scan it held', async () => {
    await scan(item.barcode);
    await cashier.getByTestId('open-shift-dialog').waitFor();
    expect(await cashier.getByTestId('open-shift-held').textContent()).toContain(item.barcode);
    expect(await cashier.getByTestId('cart-line').count()).toBe(0);
    await cashier.getByTestId('open-shift-float').fill('100.00');
    await cashier.getByTestId('open-shift-submit').click();
    await expect.poll(() => cashier.getByTestId('cart-line').count()).toBe(1);
    expect(await lineQuantity()).toBe('1');
    expect(db<{ float_amount: number }>('SELECT float_amount FROM shift WHERE closed_at IS NULL')).toEqual([{ float_amount: 10_000 }]);
  });

  it('warns on the line once the sale holds more than is in stock, and the sale goes on', async () => {
    for (let n = 2; n <= 4; n++) {
      await scan(item.barcode);
      await expect.poll(lineQuantity).toBe(String(n));
    }
    expect(await cashier.getByTestId('line-stock-short').count()).toBe(0);
    await scan(item.barcode);
    await expect.poll(lineQuantity).toBe('5');
    expect(await cashier.getByTestId('line-stock-short').textContent()).toContain('4');
  });

  it('with the PIN setting, the next one beyond the stock waits for an owner’s PIN', async () => {
    await owner.getByTestId('stock-oversell').selectOption('pin');
    await expect.poll(() => db<{ value: string }>("SELECT value FROM setting WHERE key = 'oversell'").map((r) => r.value)).toEqual(['"pin"']);
    await scan(item.barcode);
    await cashier.getByTestId('oversell-dialog').waitFor();
    expect(await lineQuantity()).toBe('5');
    await cashier.getByTestId('oversell-approval-pin').fill('8888');
    await cashier.getByTestId('oversell-approve').click();
    await expect.poll(lineQuantity).toBe('6');
    expect(db("SELECT action FROM audit_log WHERE action = 'sale.oversellApproved'")).toHaveLength(1);
    // Back to one for this customer (lowering never asks).
    await cashier.getByTestId('key-quantity').click();
    await cashier.getByTestId('quantity-input').fill('1');
    await cashier.getByTestId('quantity-input').press('Enter');
    await expect.poll(lineQuantity).toBe('1');
  });

  it('counts 3 on the shelf: expected 4 is shown before posting, −1 is posted, and the level shows 3', async () => {
    await owner.getByTestId('count-product').fill(item.barcode);
    await owner.getByTestId('count-product').press('Enter');
    await owner.getByTestId('count-line').waitFor();
    expect((await owner.getByTestId('count-expected').textContent())!.trim()).toBe('4');
    await owner.getByTestId('count-counted').fill('3');
    expect((await owner.getByTestId('count-difference').textContent())!.trim()).toBe('-1');
    await owner.getByTestId('count-post').click();
    await expect.poll(levelShown).toMatch(/^3\b/);
    expect(db('SELECT reason, delta_milli AS delta FROM stock_movement WHERE product_id = ? ORDER BY rowid DESC LIMIT 1', item.id)).toEqual([{ reason: 'count', delta: -1_000 }]);
  });

  it('hands the shift over and prints a slip with the shift’s totals to the fen', async () => {
    await cashier.getByTestId('key-pay').click();
    await cashier.getByTestId('pay-dialog').waitFor();
    await cashier.getByTestId('cash-tendered').fill('50.00');
    await cashier.getByTestId('pay-complete').click();
    await cashier.getByTestId('receipt-dialog').waitFor();
    await cashier.getByTestId('next-customer').click();
    expect(levelOf()).toBe(2_000);
    // The sale's receipt first (it ends with a cut), so the slip is read on its own.
    await printer.readUntil((bytes) => decodeEscPos(bytes).commands.some((c) => c.type === 'cut'), 10_000);
    printer.clear();
    await cashier.getByTestId('workspace-shift').click();
    await cashier.getByTestId('handover-form').waitFor();
    // The cashier counts blind: the float and the sale, 1 fen short.
    await cashier.getByTestId('handover-counted').fill(((10_000 + item.price - 1) / 100).toFixed(2));
    await cashier.getByTestId('handover-next').selectOption({ label: '店长' });
    await cashier.getByTestId('handover-pin').fill('8888');
    await cashier.getByTestId('handover-float').fill('50.00');
    await cashier.getByTestId('handover-submit').click();
    await cashier.getByTestId('handover-done').waitFor();
    expect(await cashier.getByTestId('shift-over-short').getAttribute('data-amount')).toBe('-1');

    const slip = decodeEscPos(await printer.readUntil((bytes) => decodeEscPos(bytes).lines.some((l) => l.text.includes('交接班单')) && decodeEscPos(bytes).commands.some((c) => c.type === 'cut'), 10_000));
    // The printer's GB18030 text prints the yuan sign full-width (￥).
    const text = slip.lines.map((l) => l.text.replace(/\s+/g, ' ').replace(/￥/g, '¥').trim());
    expect(text).toEqual(
      expect.arrayContaining([
        '交接班单',
        '交班 收银员 01',
        '接班 店长',
        `备用金 ${yuan(10_000)}`,
        '销售笔数 1',
        `销售额 ${yuan(item.price)}`,
        `现金 ×1 ${yuan(item.price)}`,
        `应有现金 ${yuan(10_000 + item.price)}`,
        `实点现金 ${yuan(10_000 + item.price - 1)}`,
        `长短款 ${yuan(-1)}`,
        `接班备用金 ${yuan(5_000)}`,
      ]),
    );
    expect(db<{ opened_by: string; float_amount: number }>('SELECT u.name AS opened_by, s.float_amount FROM shift s JOIN user u ON u.id = s.opened_by WHERE s.closed_at IS NULL')).toEqual([
      { opened_by: '店长', float_amount: 5_000 },
    ]);
  });

  it('shows the stock panel in English too', async () => {
    await owner.getByTestId('switch-language').click();
    await expect.poll(() => owner.getByTestId('stock-panel').locator('h2').textContent()).toBe('Stock');
    await owner.getByTestId('stock-search').fill('');
    await owner.screenshot({ path: `${SHOTS}/owner-stock-en.png`, fullPage: true });
  });
});
