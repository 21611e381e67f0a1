/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../drivers/receipt/escpos-decode';
import { DEFAULT_USERS } from '../../src-main/services/auth';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { openApiSocket, queryTerminalDb, startHostProcess, type HostProcess } from '../helpers/host';
import { createPtyPair, killAllSocat, openPeer, simulatePrinter, type Peer, type PtyPair } from '../helpers/pty';

/**
 * Issue 17, point 10: the Chinese screens speak Chinese. Real refusals from main (a bad device id, bad settings)
 * read as field names and reasons, with none of zod's English; the audit view names actions and shows money in
 * yuan; the receipt on the simulated printer names the till by its short name, never the terminal's 26-character id.
 */
const UX = 'test-results/ux';
/** What zod or a raw key looks like when it leaks to a screen. */
const LEAK = /Invalid|expected|received|must be|lower-case|Too (big|small)|device\.|settings\.|\b(admin|issues|audit|devices|errors)\.[a-z]/;

describe('no jargon and no mixed languages on the Chinese screens', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  let pair: PtyPair;
  let printer: Peer;
  let sim: ReturnType<typeof simulatePrinter>;
  const db = <T,>(sql: string, ...params: unknown[]) => queryTerminalDb<T>(host.ready, sql, ...params);

  beforeAll(async () => {
    mkdirSync(UX, { recursive: true });
    pair = await createPtyPair();
    host = await startHostProcess({ config: { devices: [{ id: 'printer', role: 'printer', transport: { kind: 'serial', path: pair.a, baudRate: 9600 } }] } });
    printer = await openPeer(pair.b);
    sim = simulatePrinter(printer);
    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 768 });
    await signIn(page, '技术员', '9999');
    await page.getByTestId('technician-screen').waitFor();
  });
  afterAll(async () => {
    sim?.stop();
    await browser?.close();
    await host?.stop();
    await printer?.close();
    await pair?.close();
    await killAllSocat();
  });

  it('words a refused device id by its field and rule, in Chinese', async () => {
    await page.getByTestId('tab-devices').click();
    await page.getByTestId('devices-panel').waitFor();
    await page.getByTestId('device-new').click();
    await page.getByTestId('device-id').fill('Bad Id');
    await page.getByTestId('device-path').fill('/dev/ttyUSB9');
    await page.getByTestId('device-save').click();
    const error = page.getByTestId('device-form-error');
    await expect.poll(() => error.textContent(), { timeout: 10_000 }).toContain('设备编号：只能用小写字母、数字和短横线');
    expect(await error.textContent()).not.toMatch(LEAK);
    await page.screenshot({ path: `${UX}/technician-device-error-zh-CN.png` });
  });

  it('words refused settings beside their fields, and saves a short till name', async () => {
    await page.getByTestId('tab-settings').click();
    const hour = await page.getByTestId('setting-businessDayTurnsAtHour').inputValue();
    await page.getByTestId('setting-tillName').fill('一号收银台一号收银台');
    await page.getByTestId('setting-businessDayTurnsAtHour').fill('25');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('field-error-tillName').textContent(), { timeout: 10_000 }).toBe('太长');
    expect(await page.getByTestId('field-error-businessDayTurnsAtHour').textContent()).toBe('请输入 0 到 23 的整点');
    expect(await page.getByTestId('settings-panel').textContent()).not.toMatch(LEAK);
    expect(db("SELECT key FROM setting WHERE key = 'tillName'")).toEqual([]);

    await page.getByTestId('setting-tillName').fill('1号收银台');
    await page.getByTestId('setting-businessDayTurnsAtHour').fill(hour);
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('settings-message').textContent(), { timeout: 10_000 }).toContain('收银台名称');
  });

  it('prints the short till name on the customer receipt, never the terminal id', async () => {
    const api = await openApiSocket(host.ready);
    const status = await api.call('terminal.status', {});
    api.close();
    if (!status.ok) throw new Error('terminal.status failed');
    const terminalId = status.value.terminalId;
    expect(terminalId).toHaveLength(26);

    const till = await openTerminalPage(browser, host.ready, { width: 1366, height: 768 });
    await signIn(till, '收银员 01', '1111');
    const [product] = db<{ barcode: string }>(
      "SELECT b.barcode FROM product p JOIN product_barcode b ON b.product_id = p.id WHERE p.active = 1 AND p.unit = 'each' AND length(b.barcode) = 13 LIMIT 1",
    );
    printer.clear();
    await till.getByTestId('scan-input').fill(product!.barcode);
    await till.getByTestId('scan-input').press('Enter');
    await expect.poll(() => till.getByTestId('cart-line').count(), { timeout: 10_000 }).toBe(1);
    await till.keyboard.press('F12');
    await expect.poll(() => till.getByTestId('payment-code').evaluate((el) => el === document.activeElement)).toBe(true);
    await till.keyboard.press('Enter'); // exact cash
    await till.getByTestId('receipt-change').waitFor();
    await till.close();

    const ticket = decodeEscPos(await printer.readUntil((b) => decodeEscPos(b).commands.some((c) => c.type === 'cut'), 15_000));
    const text = ticket.lines.map((l) => l.text).join('\n');
    expect(text).toContain('收银台: 1号收银台');
    expect(text).not.toContain(terminalId);
    expect(text).not.toContain(terminalId.slice(0, 10));
    // The receipt number as printed is the one the owner's history and exports show.
    const [sale] = db<{ receipt_no: number }>("SELECT receipt_no FROM sale WHERE status = 'completed' ORDER BY closed_at DESC LIMIT 1");
    expect(text).toContain(`单号: ${terminalId.slice(-4)}-${String(sale!.receipt_no).padStart(6, '0')}`);
  });

  it('shows the audit log in words: action names, the setting’s name, the float in yuan', async () => {
    // An owner opens a shift with ¥500.00 float through the API (recorded in fen: 50000).
    const api = await openApiSocket(host.ready);
    const users = await api.call('auth.users', {});
    if (!users.ok) throw new Error('auth.users failed');
    const owner = users.value.find((u) => u.role === 'owner')!;
    expect(await api.call('auth.signIn', { userId: owner.id, pin: DEFAULT_USERS.find((u) => u.role === 'owner')!.pin })).toMatchObject({ ok: true });
    // The test shift the sale above was rung in (test/helpers/shift.ts) is closed first.
    expect(await api.call('shift.close', { counted: 0 })).toMatchObject({ ok: true });
    const opened = await api.call('shift.open', { float: 50000 });
    api.close();
    expect(opened).toMatchObject({ ok: true });

    await page.getByTestId('tab-audit').click();
    const rows = page.getByTestId('audit-row');
    const shift = page.locator('[data-testid="audit-row"][data-action="shift.open"]').filter({ hasText: '¥500.00' });
    await expect.poll(() => shift.count(), { timeout: 10_000 }).toBe(1);
    expect(await shift.getByTestId('audit-action-label').textContent()).toBe('开班');
    expect(await shift.getByTestId('audit-details').textContent()).toBe('备用金：¥500.00');
    const setting = page.locator('[data-testid="audit-row"][data-action="settings.update"]').filter({ hasText: '1号收银台' });
    expect(await setting.getByTestId('audit-action-label').textContent()).toBe('修改设置');
    expect(await setting.getByTestId('audit-subject').textContent()).toBe('收银台名称');
    expect(await setting.getByTestId('audit-details').textContent()).toContain('1号收银台');
    const table = (await page.getByTestId('audit-panel').locator('table').textContent()) ?? '';
    expect(table).not.toMatch(LEAK);
    expect(table).not.toContain('50000');
    expect(table).not.toMatch(/[0-9A-HJKMNP-TV-Z]{26}/);
    // Every column is wider than one character: the action names sit on one line.
    const widths = await rows.first().locator('td').evaluateAll((cells) => cells.map((c) => (c as HTMLElement).getBoundingClientRect().width));
    for (const width of widths) expect(width).toBeGreaterThan(24);
    await page.screenshot({ path: `${UX}/technician-audit-zh-CN.png` });

    await page.getByTestId('switch-language').click();
    await expect.poll(() => shift.getByTestId('audit-action-label').textContent(), { timeout: 10_000 }).toBe('Shift opened');
    expect(await shift.getByTestId('audit-details').textContent()).toBe('Float: ¥500.00');
    await page.screenshot({ path: `${UX}/technician-audit-en.png` });
    await page.getByTestId('tab-devices').click();
    await page.getByTestId('device-new').click();
    await page.getByTestId('device-id').fill('Bad Id');
    await page.getByTestId('device-path').fill('/dev/ttyUSB9');
    await page.getByTestId('device-save').click();
    await expect.poll(() => page.getByTestId('device-form-error').textContent(), { timeout: 10_000 }).toContain('Device id: Lower-case letters');
    await page.screenshot({ path: `${UX}/technician-device-error-en.png` });
    await page.getByTestId('switch-language').click();
  });
});
