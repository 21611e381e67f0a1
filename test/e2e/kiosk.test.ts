/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src-common/money';
import { decodeEscPos } from '../../drivers/receipt/escpos-decode';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { launchChromium } from '../helpers/browser';
import { openApiSocket, startHostProcess, type HostProcess } from '../helpers/host';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../helpers/pty';

const SHOTS = 'test-results/kiosk';
const PORTRAIT = { width: 1080, height: 1920 };

/** A receipt printer on the far end of a pty: keeps what it is sent, answers DLE EOT like an Epson (paper end: n=2 0x32, n=4 0x7E). */
function simulatePrinter(peer: Peer) {
  let paperOut = false;
  let seen = 0;
  const timer = setInterval(() => {
    const bytes = peer.received;
    if (bytes.length < seen) seen = 0;
    for (; seen + 2 < bytes.length; seen++) {
      if (bytes[seen] === 0x10 && bytes[seen + 1] === 0x04) {
        const n = bytes[seen + 2];
        void peer.write(Uint8Array.of(!paperOut ? 0x12 : n === 4 ? 0x7e : n === 2 ? 0x32 : 0x12));
        seen += 2;
      }
    }
  }, 10);
  return { setPaperOut: (value: boolean) => (paperOut = value), stop: () => clearInterval(timer) };
}

function query<T>(dataDir: string, sql: string, ...params: unknown[]): T[] {
  const db = new Sqlite(join(dataDir, 'pos.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

async function openKiosk(browser: Browser, host: HostProcess, options: { fakeClock?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: PORTRAIT, deviceScaleFactor: 1, hasTouch: true });
  if (options.fakeClock) await page.clock.install();
  await page.goto(`${host.ready.url}#/kiosk?token=${host.ready.token}`);
  await page.getByTestId('kiosk-attract').waitFor({ timeout: 15_000 });
  return page;
}

/** From the attract screen: start, add products of the first category by position (repeats add again), open the order. */
async function order(page: Page, picks: number[]): Promise<void> {
  await page.getByTestId('kiosk-start').click();
  await page.getByTestId('kiosk-shop').waitFor();
  for (const [i, pick] of picks.entries()) {
    await page.getByTestId('kiosk-product').nth(pick).click();
    await expect.poll(() => page.getByTestId('kiosk-order-items').textContent()).toMatch(new RegExp(`^${i + 1} `));
  }
}

describe('self-service kiosk in Chromium at 1080×1920, with a simulated scanner and receipt printer', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  const pairs: PtyPair[] = [];
  let scanner: Peer;
  let printer: Peer;
  let printerSim: ReturnType<typeof simulatePrinter>;
  const db = <T,>(sql: string, ...params: unknown[]) => query<T>(host.ready.dataDir, sql, ...params);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const [scannerPty, printerPty] = await Promise.all([createPtyPair(), createPtyPair()]);
    pairs.push(scannerPty!, printerPty!);
    host = await startHostProcess({
      config: {
        kioskMode: true,
        acquirer: { timings: { pollIntervalMs: 200, pollDeadlineMs: 30_000, cancelRetryMs: 200, maxCancelAttempts: 5 } },
        devices: [
          { id: 'scanner', role: 'scanner', transport: { kind: 'serial', path: scannerPty!.a, baudRate: 9600 }, suffix: 'CR' },
          { id: 'printer', role: 'printer', transport: { kind: 'serial', path: printerPty!.a, baudRate: 9600 }, columns: 48, statusPollMs: 200 },
        ],
      },
    });
    [scanner, printer] = await Promise.all([openPeer(scannerPty!.b), openPeer(printerPty!.b)]);
    printerSim = simulatePrinter(printer);
    // Devices open in the background: wait until the terminal reports both idle.
    const api = await openApiSocket(host.ready);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const r = await api.call('devices.status', {});
      const states = r.ok ? r.value.map((d) => `${d.id}:${d.state}`).sort() : [];
      if (states.join() === 'printer:idle,scanner:idle') break;
      if (Date.now() > deadline) throw new Error(`devices not ready: ${states.join()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    api.close();
    browser = await launchChromium();
    page = await openKiosk(browser, host);
  });
  afterAll(async () => {
    printerSim?.stop();
    await browser?.close();
    await host?.stop();
    for (const peer of [scanner, printer]) await peer?.close();
    for (const pair of pairs) await pair.close();
    await killAllSocat();
  });

  it('takes an order and is paid with a wallet code shown to the kiosk’s scanner (PIN wait); the order number is shown big and the receipt printed', async () => {
    await page.screenshot({ path: `${SHOTS}/1-attract.png` });
    expect(await page.evaluate(() => getComputedStyle(document.body).userSelect)).toBe('none');
    const contextMenuBlocked = await page.evaluate(() => !document.body.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true })));
    expect(contextMenuBlocked).toBe(true);

    await order(page, [0, 1, 0]);
    await page.screenshot({ path: `${SHOTS}/2-categories.png` });
    const ids = await page.getByTestId('kiosk-product').evaluateAll((els) => els.slice(0, 2).map((e) => e.getAttribute('data-product-id')!));
    const prices = ids.map((id) => db<{ price: number }>('SELECT price FROM product WHERE id = ?', id)[0]!.price);
    const total = 2 * prices[0]! + prices[1]!;
    expect(await page.getByTestId('kiosk-order-total').textContent()).toBe(formatMoney(total, 'CNY'));

    await page.getByTestId('kiosk-review').click();
    await expect.poll(() => page.getByTestId('kiosk-line').count()).toBe(2);
    expect(await page.getByTestId('kiosk-line-quantity').first().textContent()).toBe('2');
    expect(await page.getByTestId('kiosk-review-total').textContent()).toBe(formatMoney(total, 'CNY'));
    expect(await page.getByTestId('kiosk-notice').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/3-cart.png` });

    await page.getByTestId('kiosk-pay').click();
    await page.getByTestId('kiosk-method-code').waitFor();
    expect(await page.getByTestId('kiosk-pay-total').textContent()).toBe(formatMoney(total, 'CNY'));
    await page.screenshot({ path: `${SHOTS}/4-pay.png` });

    // The customer shows Alipay's payment code to the scanner; Alipay then waits 3 s for their PIN.
    printer.clear();
    const code = sandboxPaymentCode('alipay', '1030');
    await scanner.write(new TextEncoder().encode(`${code}\r`));
    await expect.poll(() => page.getByTestId('kiosk-paying').getAttribute('data-status'), { timeout: 10_000 }).toBe('pending');
    expect(await page.getByTestId('kiosk-pay-message').textContent()).toBe('请在手机上输入支付密码');
    expect(await page.getByTestId('kiosk-start-over').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/5-paying-pin.png` });

    await page.getByTestId('kiosk-done').waitFor({ timeout: 15_000 });
    const [sale] = db<{ id: string; receipt_no: number; total: number; closed_by: string | null }>(
      "SELECT id, receipt_no, total, closed_by FROM sale WHERE status = 'completed' ORDER BY closed_at DESC LIMIT 1",
    );
    expect(sale).toMatchObject({ total, closed_by: null });
    const receiptNumber = (await page.getByTestId('kiosk-order-number').getAttribute('data-receipt-number'))!;
    expect(receiptNumber).toMatch(new RegExp(`^[0-9A-Z]{4}-${String(sale!.receipt_no).padStart(6, '0')}$`));
    expect(await page.getByTestId('kiosk-order-number').textContent()).toBe(String(sale!.receipt_no).padStart(3, '0'));
    // No store server: no QR a phone could not open; the paper receipt carries the number as a barcode.
    expect(await page.getByTestId('kiosk-ereceipt-qr').count()).toBe(0);
    expect(await page.getByTestId('kiosk-receipt-printing').count()).toBe(1);
    const done = (await page.getByTestId('kiosk-done').textContent()) ?? '';
    expect(done).not.toContain('电子小票');
    expect(db('SELECT kind, wallet, status FROM payment WHERE sale_id = ?', sale!.id)).toEqual([{ kind: 'code', wallet: 'alipay', status: 'paid' }]);
    await page.screenshot({ path: `${SHOTS}/6-done.png` });

    const printed = decodeEscPos(await printer.readUntil((bytes) => decodeEscPos(bytes).commands.some((c) => c.type === 'cut'), 10_000));
    const text = printed.lines.map((l) => l.text).join('\n');
    expect(text).toContain(receiptNumber);
    expect(text).toContain(formatMoney(total, 'CNY').replace('¥', ''));
    expect(text).toContain('支付宝');
    expect(text).not.toContain(code);
    expect(printed.qr).toEqual([]);
    expect(printed.barcodes).toEqual([receiptNumber]);

    await page.getByTestId('kiosk-finish').click();
    await page.getByTestId('kiosk-attract').waitFor();
  });

  it('takes an order in English and is paid by the customer scanning the merchant QR on screen', async () => {
    await page.getByTestId('kiosk-language-en').click();
    await page.getByTestId('kiosk-large-text').click();
    await order(page, [2]);
    await page.screenshot({ path: `${SHOTS}/7-categories-english-large.png` });
    expect(await page.getByTestId('kiosk-category').first().textContent()).toBe('Drinks');
    await page.getByTestId('kiosk-review').click();
    await page.getByTestId('kiosk-pay').click();
    await page.getByTestId('kiosk-qr-wechat').click();
    const qr = page.getByTestId('kiosk-merchant-qr');
    await qr.waitFor({ timeout: 10_000 });
    const url = (await qr.getAttribute('data-qr'))!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sandbox\/scan\//);
    expect(await page.getByTestId('kiosk-paying').getAttribute('data-status')).toBe('pending');
    await page.screenshot({ path: `${SHOTS}/8-paying-qr.png` });

    // The customer's phone: the sandbox plays the wallet app paying the merchant QR.
    const paid = await fetch(`${url}?wallet=wechat`, { method: 'POST' });
    expect(paid.status).toBeLessThan(400);
    await page.getByTestId('kiosk-done').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('kiosk-done').textContent()).toContain('Payment successful');
    expect(db("SELECT kind, wallet FROM payment WHERE status = 'paid' ORDER BY created_at")).toEqual([
      { kind: 'code', wallet: 'alipay' },
      { kind: 'qr', wallet: 'wechat' },
    ]);
    await page.screenshot({ path: `${SHOTS}/9-done-english.png` });
    await page.getByTestId('kiosk-finish').click();
    await page.getByTestId('kiosk-attract').waitFor();
    // The next customer starts in the terminal's language, at normal size.
    expect(await page.getByTestId('kiosk-start').textContent()).toContain('轻触屏幕开始');
  });

  it('says before paying that paper receipts are not possible while the printer is out of paper', async () => {
    printerSim.setPaperOut(true);
    await order(page, [1]);
    await page.getByTestId('kiosk-review').click();
    await expect.poll(() => page.getByTestId('kiosk-notice').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('kiosk-notice').textContent()).toContain('小票打印机缺纸');
    expect(await page.getByTestId('kiosk-works-receipt').getAttribute('data-ok')).toBe('false');
    expect(await page.getByTestId('kiosk-works-payCode').getAttribute('data-ok')).toBe('true');
    expect(await page.getByTestId('kiosk-pay').isEnabled()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/10-paper-out.png` });
    printerSim.setPaperOut(false);
    await page.getByTestId('kiosk-start-over').click();
    await page.getByTestId('kiosk-attract').waitFor();
  });

  it('adds items scanned at the kiosk’s scanner, and takes the payment code from a keyboard-wedge scanner too', async () => {
    await order(page, [4, 4]);
    const [scanned] = db<{ barcode: string; name: string }>(
      "SELECT b.barcode, p.name FROM product p JOIN product_barcode b ON b.product_id = p.id WHERE p.unit = 'each' AND p.active = 1 AND p.price > 0 AND length(b.barcode) = 13 ORDER BY p.sku DESC LIMIT 1",
    );
    await scanner.write(new TextEncoder().encode(`${scanned!.barcode}\r`));
    await expect.poll(() => page.getByTestId('kiosk-order-items').textContent(), { timeout: 10_000 }).toMatch(/^3 /);
    await page.getByTestId('kiosk-review').click();
    expect(await page.getByTestId('kiosk-review-step').textContent()).toContain(scanned!.name);
    await page.getByTestId('kiosk-pay').click();
    await page.getByTestId('kiosk-method-code').waitFor();
    // A wedge scanner types the code far faster than a person, then Enter.
    await page.keyboard.type(sandboxPaymentCode('wechat', '0000'), { delay: 4 });
    await page.keyboard.press('Enter');
    await page.getByTestId('kiosk-done').waitFor({ timeout: 15_000 });
    const [sale] = db<{ total: number }>("SELECT total FROM sale WHERE status = 'completed' ORDER BY closed_at DESC LIMIT 1");
    expect(await page.getByTestId('kiosk-done').textContent()).toContain(formatMoney(sale!.total, 'CNY'));
    expect(db<{ wallet: string }>("SELECT wallet FROM payment WHERE status = 'paid' ORDER BY created_at DESC LIMIT 1")).toEqual([{ wallet: 'wechat' }]);
    await page.getByTestId('kiosk-finish').click();
    await page.getByTestId('kiosk-attract').waitFor();
  });

  it('returns to the attract screen after “still there?” and clears the order (fast clock), never while a payment is in flight', async () => {
    const idle = await openKiosk(browser, host, { fakeClock: true });
    await order(idle, [3]);
    const saleId = db<{ id: string }>("SELECT id FROM sale WHERE status = 'open'")[0]!.id;
    await idle.clock.fastForward(61_000);
    await idle.getByTestId('kiosk-idle').waitFor();
    expect(Number(await idle.getByTestId('kiosk-idle-seconds').textContent())).toBeGreaterThan(10);
    await idle.screenshot({ path: `${SHOTS}/11-idle-prompt.png` });
    // "I'm still here" keeps the order; a second silence asks again, and nobody answers.
    await idle.getByTestId('kiosk-idle-stay').click();
    await expect.poll(() => idle.getByTestId('kiosk-idle').count()).toBe(0);
    await idle.clock.fastForward(61_000);
    await idle.getByTestId('kiosk-idle').waitFor();
    await idle.clock.fastForward(16_000);
    await idle.getByTestId('kiosk-attract').waitFor({ timeout: 10_000 });
    expect(db('SELECT status, void_reason FROM sale WHERE id = ?', saleId)).toEqual([{ status: 'voided', void_reason: 'kiosk: nobody there (idle timeout)' }]);

    // With a merchant QR waiting to be paid, minutes of silence change nothing.
    await order(idle, [0]);
    await idle.getByTestId('kiosk-review').click();
    await idle.getByTestId('kiosk-pay').click();
    await idle.getByTestId('kiosk-qr-alipay').click();
    const qr = idle.getByTestId('kiosk-merchant-qr');
    await qr.waitFor({ timeout: 10_000 });
    await idle.clock.fastForward(120_000);
    await idle.clock.runFor(1_000);
    expect(await idle.getByTestId('kiosk-idle').count()).toBe(0);
    expect(await idle.getByTestId('kiosk-paying').count()).toBe(1);
    const paid = await fetch(`${await qr.getAttribute('data-qr')}?wallet=alipay`, { method: 'POST' });
    expect(paid.status).toBeLessThan(400);
    await idle.getByTestId('kiosk-done').waitFor({ timeout: 15_000 });
    await idle.close();
  });

  it('holds an order whose last payment needs attention: only “ask staff”, no way to pay again, no idle reset', async () => {
    // The order and a failed payment through another kiosk session; needs_attention (a reversal never confirmed)
    // is then written into the payment row, since the sandbox confirms every reversal.
    const api = await openApiSocket(host.ready);
    const staff = await openApiSocket(host.ready);
    try {
      expect(await api.call('kiosk.begin', {})).toMatchObject({ ok: true });
      const menu = await api.call('kiosk.menu', {});
      const added = await api.call('kiosk.add', { productId: menu.ok ? menu.value.categories[0]!.products[0]!.id : '' });
      const saleId = added.ok ? added.value.saleId : '';
      expect(await api.call('kiosk.payByCode', { code: sandboxPaymentCode('alipay', '3000') })).toMatchObject({ ok: true, value: { status: 'failed' } });
      const rw = new Sqlite(join(host.ready.dataDir, 'pos.sqlite'));
      try {
        rw.prepare("UPDATE payment SET status = 'needs_attention', state = json_set(state, '$.status', 'needs_attention') WHERE sale_id = ?").run(saleId);
      } finally {
        rw.close();
      }

      // A kiosk screen opened now goes straight to the held pay step (no attract screen first).
      const screen = await browser.newPage({ viewport: PORTRAIT, deviceScaleFactor: 1, hasTouch: true });
      await screen.clock.install();
      await screen.goto(`${host.ready.url}#/kiosk?token=${host.ready.token}`);
      await screen.getByTestId('kiosk-pay-attention').waitFor({ timeout: 15_000 });
      expect(await screen.getByTestId('kiosk-pay-message').textContent()).toContain('请勿重复付款');
      for (const id of ['kiosk-start-over', 'kiosk-qr-wechat', 'kiosk-method-code', 'kiosk-pay-back']) expect(await screen.getByTestId(id).count()).toBe(0);
      await screen.screenshot({ path: `${SHOTS}/11b-needs-attention.png` });

      // A payment code shown to the scanner now starts nothing, and minutes of silence clear nothing.
      await scanner.write(new TextEncoder().encode(`${sandboxPaymentCode('wechat', '0000')}\r`));
      await screen.clock.fastForward(120_000);
      await screen.clock.runFor(1_000);
      expect(await screen.getByTestId('kiosk-idle').count()).toBe(0);
      expect(await screen.getByTestId('kiosk-pay-attention').count()).toBe(1);
      expect(db('SELECT status FROM payment WHERE sale_id = ?', saleId)).toEqual([{ status: 'needs_attention' }]);
      expect(db('SELECT status FROM sale WHERE id = ?', saleId)).toEqual([{ status: 'open' }]);

      // Staff take it over at the counter, naming the kiosk's order (the till's own sale is another): the kiosk sees
      // the sale go (sale.changed) and starts again.
      const users = await staff.call('auth.users', {});
      await staff.call('auth.signIn', { userId: users.ok ? users.value.find((u) => u.role === 'owner')!.id : '', pin: '8888' });
      expect(await staff.call('sale.void', { reason: 'checked with the acquirer', surface: 'kiosk' })).toMatchObject({ ok: true });
      await screen.getByTestId('kiosk-attract').waitFor({ timeout: 10_000 });
      await screen.close();
    } finally {
      api.close();
      staff.close();
    }
  });

  it('is left only with a technician’s PIN, through five taps in the corner', async () => {
    for (let i = 0; i < 5; i++) await page.getByTestId('kiosk-corner').click({ position: { x: 20, y: 20 } });
    await page.getByTestId('kiosk-exit').waitFor();
    for (const digit of '1111') await page.getByTestId(`kiosk-exit-key-${digit}`).click();
    await page.getByTestId('kiosk-exit-key-ok').click();
    await expect.poll(() => page.getByTestId('kiosk-exit-error').textContent()).toContain('PIN 错误');
    await page.screenshot({ path: `${SHOTS}/12-exit.png` });
    for (const digit of '9999') await page.getByTestId(`kiosk-exit-key-${digit}`).click();
    await page.getByTestId('kiosk-exit-key-ok').click();
    await page.getByTestId('signed-in-user').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('signed-in-user').textContent()).toContain('技术员');
    expect(db<{ action: string }>("SELECT action FROM audit_log WHERE action LIKE 'kiosk.%' ORDER BY seq").map((r) => r.action)).toEqual([
      'kiosk.exitRefused',
      'kiosk.exit',
    ]);
  });
});

describe('self-service kiosk when the acquirer cannot be reached', () => {
  let host: HostProcess;
  let browser: Browser;

  beforeAll(async () => {
    // Nothing listens on the discard port: enrolment fails, so wallet payments are impossible.
    host = await startHostProcess({ config: { kioskMode: true, acquirer: { baseUrl: 'http://127.0.0.1:9/' } } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  it('says what still works before the customer starts paying, and lets nobody pay', async () => {
    const page = await openKiosk(browser, host);
    await order(page, [0]);
    await page.getByTestId('kiosk-review').click();
    await expect.poll(() => page.getByTestId('kiosk-notice').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByTestId('kiosk-notice').textContent()).toContain('网络中断');
    expect(await page.getByTestId('kiosk-works-payCode').getAttribute('data-ok')).toBe('false');
    expect(await page.getByTestId('kiosk-works-payQr').getAttribute('data-ok')).toBe('false');
    expect(await page.getByTestId('kiosk-works-eReceipt').getAttribute('data-ok')).toBe('false'); // no store server
    expect(await page.getByTestId('kiosk-pay').isDisabled()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/13-offline.png` });
  });
});
