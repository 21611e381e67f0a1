/// <reference lib="dom" />
/**
 * E-receipts end to end: a cash sale on till A1 (enrolled in store A) prints on a simulated receipt printer; the QR
 * payload is read from the printer's bytes (the ESC/POS `GS ( k` store command: the printer draws the QR itself from
 * exactly these bytes, so this is what a phone's camera reads); a customer's phone (390×844 Chromium) opens that URL
 * on the real store server after the till synced, and sees the lines and total to the fen, then the partial refund.
 * The same URL scanned at A1's refund lookup finds the sale; a forged token shows the plain not-found page; the kiosk's
 * done screen on A1 shows the same kind of URL as its QR. Screenshots: test-results/back-office/e-receipt*.png.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../drivers/receipt/escpos-decode';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../../drivers/sim/pty';
import { E_RECEIPT_TOKEN, tokenOfEReceiptUrl } from '../../src-common/e-receipt';
import { formatMoney } from '../../src-common/money';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { ok, startOfficeWorld, synced, until, type OfficeWorld } from '../helpers/office-world';

const SHOTS = 'test-results/back-office';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 768 };
const WATER = { id: 'EREC-WATER', sku: 'EREC-WATER', name: '农夫山泉 550ml <b>特价</b>', price: 250 };
const COLA = { id: 'EREC-COLA', sku: 'EREC-COLA', name: '可口可乐 330ml', price: 350 };

describe('e-receipts: from a printed receipt’s QR to the customer’s phone (Chromium, real server, real tills)', () => {
  let world: OfficeWorld;
  let printerPty: PtyPair;
  let printer: Peer;
  let url = '';
  let saleId = '';

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    printerPty = await createPtyPair();
    world = await startOfficeWorld({
      tillConfig: { A1: { devices: [{ id: 'printer', role: 'printer', transport: { kind: 'serial', path: printerPty.a, baudRate: 115200 }, columns: 32 }] } },
    });
    printer = await openPeer(printerPty.b, 115200);
    for (const p of [WATER, COLA]) {
      const put = await world.server.admin.call('PUT', `/v1/admin/stores/${world.stores.A}/products/${p.id}`, {
        body: { sku: p.sku, name: p.name, price: p.price, taxRateBp: 1300, unit: 'each' },
      });
      expect(put.status).toBe(200);
    }
    // Until A1 has pulled the store's version with both products.
    const [{ version }] = (await world.server.sql<{ version: string }>(`SELECT version FROM store WHERE store_id = $1`, [world.stores.A])) as [{ version: string }];
    await synced(world.tills.A1, (s) => s.state === 'online' && s.pulledVersion >= Number(version));
  });
  afterAll(async () => {
    await world?.close();
    await printer?.close();
    await printerPty?.close();
    await killAllSocat();
  });

  it('prints the e-receipt’s URL as the receipt’s QR; the phone opens it with the lines and total to the fen', async () => {
    const { cashier } = world.tills.A1;
    printer.clear();
    await ok(cashier, 'sale.addProduct', { productId: WATER.id, quantityMilli: 3000 });
    const cart = await ok(cashier, 'sale.addProduct', { productId: COLA.id, quantityMilli: 1000 });
    expect(cart.total).toBe(3 * 250 + 350);
    const done = await ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: 2000 }] });
    saleId = done.saleId;

    const printed = decodeEscPos(await printer.readUntil((bytes) => decodeEscPos(bytes).commands.some((c) => c.type === 'cut'), 15_000));
    expect(printed.qr).toHaveLength(1);
    expect(printed.barcodes).toEqual([]);
    url = printed.qr[0]!;
    // No public URL set on this server: the till's own address of it.
    expect(url.startsWith(`${world.server.server.url}/r/`)).toBe(true);
    const token = tokenOfEReceiptUrl(url)!;
    expect(token).toMatch(E_RECEIPT_TOKEN);
    expect(printed.lines.map((l) => l.text).join('\n')).toContain('扫码查看电子小票');

    // Before the till uploads the sale the server knows nothing of it; after, the page is there.
    await synced(world.tills.A1);
    expect(await world.server.sql(`SELECT sale_id FROM e_receipt WHERE token = $1`, [token])).toEqual([{ sale_id: saleId }]);

    const phone = await world.browser.newPage({ viewport: PHONE, ignoreHTTPSErrors: true, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const response = await phone.goto(url);
    expect(response?.status()).toBe(200);
    await phone.getByTestId('e-receipt').waitFor();
    expect(await phone.getByTestId('e-receipt-store').textContent()).toBe('一号店');
    expect(await phone.getByTestId('e-receipt-number').textContent()).toBe(done.receiptNumber);
    const lines = await phone.getByTestId('e-receipt-line').allTextContents();
    expect(lines).toHaveLength(2);
    // The hostile-looking name is shown as text, never as markup.
    expect(lines[0]).toContain(WATER.name);
    expect(await phone.locator('[data-testid="e-receipt-line"] b').count()).toBe(0);
    expect(lines[0]).toContain(`3 × ${formatMoney(250, 'CNY')}`);
    expect(await phone.getByTestId('e-receipt-line-gross').allTextContents()).toEqual([formatMoney(750, 'CNY'), formatMoney(350, 'CNY')]);
    expect(await phone.getByTestId('e-receipt-total').textContent()).toBe(`合计 Total${formatMoney(1100, 'CNY')}`);
    // Cash as handed over, and the change.
    expect(await phone.getByTestId('e-receipt-tender').textContent()).toBe(`现金 Cash${formatMoney(2000, 'CNY')}`);
    expect(await phone.getByTestId('e-receipt').textContent()).toContain(`找零 Change${formatMoney(900, 'CNY')}`);
    // A phone-width page: nothing wider than the screen.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    // No script runs on it, and none could: the policy allows none.
    expect(await phone.evaluate(() => document.scripts.length)).toBe(0);
    expect(response?.headers()['content-security-policy']).toMatch(/^default-src 'none'/);
    await phone.screenshot({ path: `${SHOTS}/e-receipt-phone.png`, fullPage: true });
    await phone.close();

    const desktop = await world.browser.newPage({ viewport: DESKTOP, ignoreHTTPSErrors: true });
    await desktop.goto(url);
    await desktop.getByTestId('e-receipt').waitFor();
    await desktop.screenshot({ path: `${SHOTS}/e-receipt.png` });
    await desktop.close();
  });

  it('finds the sale at the till from the scanned URL, and shows its refund once the till has synced it', async () => {
    const { owner } = world.tills.A1;
    expect(await ok(owner, 'sale.findByReceipt', { receiptNumber: url })).toMatchObject({ saleId, total: 1100 });
    // Another till of the store does not hold this sale: it says so rather than finding another.
    const other = await world.tills.A2.owner.call('sale.findByReceipt', { receiptNumber: url });
    expect(other).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const refund = await ok(owner, 'refund.request', { saleId, lines: [{ lineNo: 2, quantityMilli: 1000 }], reason: '退货' });
    expect(refund).toMatchObject({ status: 'refunded', amount: 350 });
    await synced(world.tills.A1);
    const phone = await world.browser.newPage({ viewport: PHONE, ignoreHTTPSErrors: true, isMobile: true });
    await phone.goto(url);
    await until('the refund on the page', async () => ((await phone.getByTestId('e-receipt-refund').count()) === 1 ? true : (await phone.reload(), undefined)), 15_000);
    expect(await phone.getByTestId('e-receipt-refund').textContent()).toContain(`-${formatMoney(350, 'CNY')}`);
    await phone.close();
  });

  it('shows one plain not-found page for a forged token', async () => {
    const token = tokenOfEReceiptUrl(url)!;
    const forged = url.replace(token, `${token.slice(0, 21)}${token.endsWith('A') ? 'B' : 'A'}`);
    const phone = await world.browser.newPage({ viewport: PHONE, ignoreHTTPSErrors: true, isMobile: true });
    const response = await phone.goto(forged);
    expect(response?.status()).toBe(404);
    await phone.getByTestId('e-receipt-not-found').waitFor();
    expect(await phone.textContent('body')).not.toContain('一号店');
    await phone.screenshot({ path: `${SHOTS}/e-receipt-not-found.png` });
    await phone.close();
  });

  it('shows the e-receipt’s URL as the kiosk’s QR on its done screen', async () => {
    // A2 (store A, no printer) turned into a kiosk by its technician.
    const { host, technician } = world.tills.A2;
    await ok(technician, 'admin.updateSettings', { kioskMode: true });
    const kiosk = await world.browser.newPage({ viewport: { width: 1080, height: 1920 }, hasTouch: true });
    await kiosk.goto(`${host.ready.url}#/kiosk?token=${host.ready.token}`);
    await kiosk.getByTestId('kiosk-attract').waitFor({ timeout: 15_000 });
    await kiosk.getByTestId('kiosk-start').click();
    await kiosk.getByTestId('kiosk-shop').waitFor();
    await kiosk.getByTestId('kiosk-product').first().click();
    await kiosk.getByTestId('kiosk-review').click();
    await kiosk.getByTestId('kiosk-pay').click();
    await kiosk.getByTestId('kiosk-method-code').waitFor();
    // The customer's payment code, from a keyboard-wedge scanner (keystrokes a few ms apart, then Enter). On a loaded
    // machine the keystrokes can come too far apart to read as a scan (the kiosk then ignores them): scanned again.
    await until('the kiosk to take the payment code', async () => {
      if (await kiosk.getByTestId('kiosk-method-code').isVisible()) {
        await kiosk.keyboard.type(sandboxPaymentCode('wechat', '0000'), { delay: 5 });
        await kiosk.keyboard.press('Enter');
      }
      await kiosk.getByTestId('kiosk-done').waitFor({ timeout: 8_000 }).catch(() => undefined);
      return (await kiosk.getByTestId('kiosk-done').isVisible()) ? true : undefined;
    }, 40_000);
    const qr = (await kiosk.getByTestId('kiosk-ereceipt-qr').getAttribute('data-qr'))!;
    expect(qr.startsWith(`${world.server.server.url}/r/`)).toBe(true);
    expect(tokenOfEReceiptUrl(qr)).toMatch(E_RECEIPT_TOKEN);
    // No printer on A2: the QR is the customer's only receipt, and says so.
    expect(await kiosk.getByTestId('kiosk-done').textContent()).toContain('本次不打印小票，请用手机扫码查看电子小票');
    await kiosk.screenshot({ path: `${SHOTS}/e-receipt-kiosk-done.png` });
    await kiosk.close();
  });
});
