/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../drivers/receipt/escpos-decode';
import { DEFAULT_USERS } from '../../src-main/services/auth';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { openApiSocket, startHostProcess, type HostProcess } from '../helpers/host';
import { createPtyPair, killAllSocat, openPeer, simulatePrinter, type Peer, type PtyPair } from '../helpers/pty';

/**
 * The technician sets up hardware through the host in Chromium: a terminal with no devices, a simulated receipt
 * printer and scanner on socat pseudo-terminals (the real serialport driver on the terminal's end).
 */
describe('a technician assigns a printer and a scanner, test prints and watches a scan', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  const pairs: PtyPair[] = [];
  let printer: Peer;
  let scanner: Peer;
  let sim: ReturnType<typeof simulatePrinter>;

  beforeAll(async () => {
    const [printerPty, scannerPty] = await Promise.all([createPtyPair(), createPtyPair()]);
    pairs.push(printerPty!, scannerPty!);
    host = await startHostProcess({ config: {} });
    [printer, scanner] = await Promise.all([openPeer(printerPty!.b), openPeer(scannerPty!.b)]);
    sim = simulatePrinter(printer);
    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 900 });
    await signIn(page, '技术员', '9999');
    await page.getByTestId('technician-screen').waitFor();
  });
  afterAll(async () => {
    sim?.stop();
    await browser?.close();
    await host?.stop();
    for (const peer of [printer, scanner]) await peer?.close();
    for (const pair of pairs) await pair.close();
    await killAllSocat();
  });

  async function addSerialDevice(id: string, role: 'printer' | 'scanner', path: string) {
    await page.getByTestId('device-new').click();
    await page.getByTestId('device-id').fill(id);
    await page.getByTestId('device-role').selectOption(role);
    await page.getByTestId('device-transport').selectOption('serial');
    await page.getByTestId('device-path').fill(path);
    await page.getByTestId('device-baud').selectOption('9600');
    await page.getByTestId('device-save').click();
    await expect.poll(() => page.getByTestId(`device-state-${id}`).getAttribute('data-state'), { timeout: 15_000 }).toBe('idle');
  }

  it('assigns both devices, prints the status ticket, and shows a scan in the monitor', async () => {
    await page.getByTestId('tab-devices').click();
    await page.getByTestId('devices-panel').waitFor();
    // A bad line parameter is refused with the field named, and nothing is saved.
    await page.getByTestId('device-id').fill('Bad Id');
    await page.getByTestId('device-path').fill(pairs[0]!.a);
    await page.getByTestId('device-save').click();
    await expect.poll(() => page.getByTestId('device-form-error').textContent()).toContain('设备编号：只能用小写字母、数字和短横线');
    expect(await page.getByTestId('configured-devices').count()).toBe(0);

    await addSerialDevice('printer', 'printer', pairs[0]!.a);
    await addSerialDevice('scanner', 'scanner', pairs[1]!.a);

    const api = await openApiSocket(host.ready);
    const status = await api.call('terminal.status', {});
    api.close();
    if (!status.ok) throw new Error('terminal.status failed');

    printer.clear();
    await page.getByTestId('test-print').click();
    await expect.poll(() => page.getByTestId('devices-notice').textContent()).toBe('测试单已发送到打印机。');
    const ticket = decodeEscPos(await printer.readUntil((b) => decodeEscPos(b).commands.some((c) => c.type === 'cut'), 15_000));
    const text = ticket.lines.map((l) => l.text).join('\n');
    expect(text).toContain(`Terminal: ${status.value.terminalId}`);
    expect(text).toContain('printer (printer) serial:');
    expect(text).toContain('scanner (scanner) serial:');

    await page.getByTestId('tab-scanner-monitor').click();
    await expect.poll(() => page.getByTestId('scanner-monitor-panel').getAttribute('data-ready'), { timeout: 10_000 }).toBe('true');
    await scanner.write('6901939621608\r');
    const row = page.getByTestId('monitor-row').first();
    await expect.poll(() => row.getByTestId('monitor-text').textContent(), { timeout: 10_000 }).toBe('6901939621608');
    expect(await row.getByTestId('monitor-hex').textContent()).toBe('36 39 30 31 39 33 39 36 32 31 36 30 38 0D');
    expect(await row.getByTestId('monitor-symbology').textContent()).toBe('ean13');

    // A payment code is masked in the monitor, text and hex alike.
    await scanner.write('134567890123450000\r');
    await expect.poll(() => page.getByTestId('monitor-row').first().getByTestId('monitor-text').textContent(), { timeout: 10_000 }).toBe('1345**********0000');
    const hex = await page.getByTestId('monitor-row').first().getByTestId('monitor-hex').textContent();
    expect(hex).toBe('31 33 34 35 ** ** ** ** ** ** ** ** ** ** 30 30 30 30 0D');
  });

  it('refuses a cashier’s call to the device technician API in main', async () => {
    const api = await openApiSocket(host.ready);
    const users = await api.call('auth.users', {});
    if (!users.ok) throw new Error('auth.users failed');
    const cashier = users.value.find((u) => u.role === 'cashier')!;
    expect(await api.call('auth.signIn', { userId: cashier.id, pin: DEFAULT_USERS.find((u) => u.role === 'cashier')!.pin })).toMatchObject({ ok: true });
    expect(await api.call('devices.save', { device: { id: 'x', role: 'drawer', transport: { kind: 'serial', path: '/dev/null', baudRate: 9600 } } })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await api.call('devices.monitor', { afterSeq: 0 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await api.call('devices.testPrint', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    api.close();
  });
});
