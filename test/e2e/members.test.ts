/// <reference lib="dom" />
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../drivers/receipt/escpos-decode';
import { formatMoney } from '../../src-common/money';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type ApiSocket, type HostProcess, openApiSocket, queryTerminalDb, startHostProcess } from '../helpers/host';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../helpers/pty';

const UX = 'test-results/ux';
const PHONE = '13912345678';
const MASKED = '139****5678';

interface Item {
  id: string;
  price: number;
  barcode: string;
}

/**
 * Members and points in Chromium through the host (issue 16): a cashier makes a member from the phone number,
 * sells, the member earns points; on a later sale the member's QR is scanned and points are redeemed at the pay
 * step; the receipts decoded from the simulated printer's bytes show the masked phone and the points; the owner's
 * Z report shows the redemption to the fen; a refund takes the points back.
 */
describe('a member earns and redeems points at the till', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  let owner: Page;
  let printerPty: PtyPair;
  let printer: Peer;
  let api: ApiSocket;
  let item: Item;
  const db = <T,>(sql: string, ...params: unknown[]): T[] => queryTerminalDb<T>(host.ready, sql, ...params);
  const balance = () => db<{ b: number }>("SELECT coalesce(sum(p.delta), 0) AS b FROM member_points p JOIN member m ON m.id = p.member_id WHERE m.phone = ?", PHONE)[0]!.b;
  const yuan = (fen: number) => formatMoney(fen, 'CNY');

  beforeAll(async () => {
    mkdirSync(UX, { recursive: true });
    printerPty = await createPtyPair();
    host = await startHostProcess({
      config: { cashRounding: 'none', devices: [{ id: 'printer', role: 'printer', transport: { kind: 'serial', path: printerPty.a, baudRate: 9600 }, columns: 48 }] },
    });
    printer = await openPeer(printerPty.b);
    item = db<Item>(
      `SELECT p.id, p.price, b.barcode FROM product p JOIN product_barcode b ON b.product_id = p.id
        WHERE p.active = 1 AND p.unit = 'each' AND length(b.barcode) = 13 AND p.price BETWEEN 1500 AND 4000 GROUP BY p.id ORDER BY p.sku LIMIT 1`,
    )[0]!;
    // The owner, over the API: the shift the cashier sells in, and later the refund.
    api = await openApiSocket(host.ready);
    const users = await api.call('auth.users', {});
    if (!users.ok) throw new Error('no users');
    await api.call('auth.signIn', { userId: users.value.find((u) => u.role === 'owner')!.id, pin: '8888' });
    await api.call('shift.open', { float: 10000 });
    // 5 points a yuan (the owner's rule), so one sale earns enough to redeem on the next.
    expect(await api.call('admin.updateSettings', { memberPoints: { earnPerYuan: 5, redeemAs: 'discount', redeemPoints: 100, redeemValue: 100, redeemCapBp: 5000 } })).toMatchObject({ ok: true });

    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 800 });
    await signIn(page, '收银员 01', '1111');
    await page.getByTestId('scan-input').waitFor();
  });
  afterAll(async () => {
    api?.close();
    await browser?.close();
    await host?.stop();
    await printer?.close();
    await printerPty?.close();
    await killAllSocat();
  });

  async function scan(code: string) {
    await page.getByTestId('scan-input').fill(code);
    await page.getByTestId('scan-input').press('Enter');
  }
  /** The next receipt the printer cuts, as text. */
  async function printed(): Promise<string> {
    const bytes = await printer.readUntil((b) => decodeEscPos(b).commands.some((c) => c.type === 'cut'), 15_000);
    printer.clear();
    return decodeEscPos(bytes).lines.map((l) => l.text).join('\n');
  }

  let firstSale: { saleId: string; total: number };

  it('makes a member from the phone number at the till and sells to them: the member earns the owner’s points per yuan', async () => {
    await page.keyboard.press('F11');
    await page.getByTestId('member-dialog').waitFor();
    await page.getByTestId('member-phone').fill('1391234567'); // ten digits: not a phone yet
    expect(await page.getByTestId('member-find').isDisabled()).toBe(true);
    await page.getByTestId('member-phone').fill(PHONE);
    await page.getByTestId('member-find').click();
    await page.getByTestId('member-not-found').waitFor();
    await page.getByTestId('member-name').fill('李雷');
    await page.getByTestId('member-create').click();
    await expect.poll(() => page.getByTestId('member-badge').textContent()).toContain(MASKED);
    expect(await page.locator('main').textContent()).not.toContain(PHONE);

    await scan(item.barcode);
    await scan(item.barcode);
    await expect.poll(() => page.getByTestId('total').textContent()).toBe(yuan(2 * item.price));
    await page.screenshot({ path: `${UX}/cashier-member-zh-CN.png` });

    printer.clear();
    await page.keyboard.press('F12');
    await page.getByTestId('points-redeem').waitFor();
    await page.getByTestId('payment-code').press('Enter'); // exact cash
    await page.getByTestId('next-customer').waitFor();
    const receipt = await printed();
    const earned = Math.floor((2 * item.price * 5) / 100);
    expect(receipt).toContain(`会员：${MASKED}`);
    expect(receipt).toContain(`本单积分：${earned}`);
    expect(receipt).toContain(`积分余额：${earned}`);
    expect(receipt).not.toContain(PHONE);
    expect(balance()).toBe(earned);
    firstSale = db<{ saleId: string; total: number }>("SELECT id AS saleId, total FROM sale WHERE status = 'completed' ORDER BY closed_at DESC LIMIT 1")[0]!;
    await page.getByTestId('next-customer').click();
  });

  it('finds the member by scanning their QR, redeems points at the pay step, the total and cash right to the fen', async () => {
    const before = balance();
    expect(before).toBeGreaterThanOrEqual(100);
    const [{ code }] = db<{ code: string }>('SELECT code FROM member WHERE phone = ?', PHONE) as [{ code: string }];
    await scan(item.barcode);
    await scan(`JZM1:${code}`); // the member QR, scanned into the till's field
    await expect.poll(() => page.getByTestId('member-badge').textContent()).toContain(MASKED);
    await expect.poll(() => page.getByTestId('member-badge').textContent()).toContain(String(before));
    await page.keyboard.press('F12');
    await page.getByTestId('points-input').fill('150'); // not a whole step of 100
    await page.getByTestId('points-redeem-submit').click();
    await expect.poll(() => page.getByTestId('error').first().textContent()).toContain('100 的整数倍');
    await page.getByTestId('points-input').fill('100');
    await page.getByTestId('points-redeem-submit').click();
    await expect.poll(() => page.getByTestId('points-redeemed').textContent()).toContain('100 积分抵 ¥1.00');
    await expect.poll(() => page.getByTestId('total').textContent()).toBe(yuan(item.price - 100));
    await page.screenshot({ path: `${UX}/cashier-member-points-zh-CN.png` });
    await page.getByTestId('cash-tendered').fill(((item.price - 100) / 100).toFixed(2));
    printer.clear();
    await page.getByTestId('pay-complete').click();
    await page.getByTestId('next-customer').waitFor();
    const receipt = await printed();
    const earned = Math.floor(((item.price - 100) * 5) / 100);
    expect(receipt).toContain(`会员：${MASKED}`);
    expect(receipt).toMatch(/积分抵扣：100 分（[¥￥]1\.00）/);
    expect(receipt).toContain(`本单积分：${earned}`);
    expect(receipt).toContain(`积分余额：${before - 100 + earned}`);
    expect(receipt).not.toContain(PHONE);
    expect(balance()).toBe(before - 100 + earned);
    const [sale] = db<{ total: number; tendered: number }>(
      "SELECT s.total, (SELECT sum(amount) FROM sale_tender t WHERE t.sale_id = s.id) AS tendered FROM sale s WHERE s.status = 'completed' ORDER BY s.closed_at DESC LIMIT 1",
    );
    expect(sale).toEqual({ total: item.price - 100, tendered: item.price - 100 });
    await page.getByTestId('next-customer').click();
  });

  it('shows the member on the till in English too, and masked on the customer display', async () => {
    await page.keyboard.press('F11');
    await page.getByTestId('member-phone').fill(PHONE);
    await page.getByTestId('member-find').click();
    await page.getByTestId('member-attach').click();
    await scan(item.barcode);
    await page.getByTestId('switch-language').click();
    await expect.poll(() => page.getByTestId('member-badge').textContent()).toContain(`Member ${MASKED}`);
    await page.screenshot({ path: `${UX}/cashier-member-en.png` });
    await page.getByTestId('switch-language').click();
    // The customer display shows the member masked, never the number.
    const display = await openTerminalPage(browser, host.ready, { width: 1024, height: 600 }, '/customer');
    await expect.poll(() => display.getByTestId('customer-member').textContent()).toContain(MASKED);
    expect(await display.locator('body').textContent()).not.toContain(PHONE);
    await display.close();
  });

  let takenBack = 0;
  it('takes the earned points back with a refund, never below zero: what was spent is recorded as uncollected', async () => {
    const before = balance();
    const earned = Math.floor((firstSale.total * 5) / 100);
    const refund = await api.call('refund.request', { saleId: firstSale.saleId, reason: '退货' });
    expect(refund).toMatchObject({ ok: true, value: { status: 'refunded', amount: firstSale.total } });
    takenBack = Math.min(before, earned);
    expect(balance()).toBe(before - takenBack);
    expect(db("SELECT delta, uncollected FROM member_points WHERE sale_id = ? AND reason = 'refund_earn'", firstSale.saleId)).toEqual([
      { delta: -takenBack, uncollected: earned - takenBack },
    ]);
  });

  it('shows the day’s redemptions to the fen in the owner’s Z report', async () => {
    owner = await openTerminalPage(browser, host.ready, { width: 1440, height: 900 });
    await signIn(owner, '店长', '8888');
    await owner.getByTestId('workspace-owner').click();
    await owner.getByTestId('tab-reports').click();
    await owner.getByTestId('report-take-z').click();
    await owner.getByTestId('report-confirm-z').click();
    await expect.poll(() => owner.getByTestId('report-view').getAttribute('data-kind')).toBe('z');
    expect(await owner.getByTestId('report-points-redeemed').textContent()).toBe(`100 · ${yuan(100)} (1)`);
    expect(await owner.getByTestId('report-points-taken-back').textContent()).toBe(String(takenBack));

    await owner.getByTestId('tab-members').click();
    await owner.getByTestId('members-search').fill('5678');
    await owner.getByTestId('members-search').press('Enter');
    await expect.poll(() => owner.getByTestId('member-row').count()).toBe(1);
    await owner.getByTestId('member-row').click();
    await expect.poll(() => owner.getByTestId('member-sales').locator('tbody tr').count()).toBe(2);
    expect(await owner.getByTestId('member-history').textContent()).toContain(MASKED);
    expect(await owner.getByTestId('members-panel').textContent()).not.toContain(PHONE);
    await owner.screenshot({ path: `${UX}/owner-members-zh-CN.png` });
  });

  it('never writes the phone number to the log', () => {
    const dir = join(host.ready.dataDir, 'logs');
    const text = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain(PHONE);
  });
});
