/// <reference lib="dom" />
/**
 * The dashboard and reports in Chromium against the real store server on real PostgreSQL, with three built tills
 * (A1, A2 in store A; B1 in store B): each sells in cash and by wallet through the sandbox, A1 refunds part of a
 * wallet sale, each takes its Z and syncs; the dashboard's figures for the chain, store A and store B equal the
 * tills' own Z reports to the fen; the reports page shows each till's Z equal to the day report; a day report
 * export is downloaded as CSV and XLSX and parsed back equal to the page. Screenshots in test-results/back-office/.
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallOutput } from '../../src-common/contract';
import { formatMoney } from '../../src-common/money';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { queryTerminalDb } from '../helpers/host';
import { OWNER, ok, signInOffice, startOfficeWorld, synced, until, type OfficeWorld, type Till } from '../helpers/office-world';

const SHOTS = 'test-results/back-office';
const yuan = (fen: number) => formatMoney(fen, 'CNY');

describe('the back office dashboard and reports equal the tills’ Z reports (Chromium, real server, three tills)', () => {
  let world: OfficeWorld;
  const z: Record<'A1' | 'A2' | 'B1', CallOutput<'report.takeZ'>> = {} as never;
  let date: string;

  async function sellOne(till: Till, productId: string, pay: 'cash' | 'wechat' | 'alipay'): Promise<{ saleId: string; total: number }> {
    await ok(till.cashier, 'sale.addProduct', { productId, quantityMilli: 2000 });
    const cart = (await ok(till.cashier, 'sale.current', {}))!;
    if (pay === 'cash') await ok(till.cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
    else expect((await ok(till.cashier, 'payment.payByCode', { code: sandboxPaymentCode(pay, '0000') })).status).toBe('paid');
    return { saleId: cart.saleId, total: cart.total };
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    world = await startOfficeWorld();
    const { server, stores, tills } = world;
    for (const [key, sku, price] of [['A', 'OOLONG-A', 650], ['B', 'OOLONG-B', 500]] as const) {
      const put = await server.admin.call('PUT', `/v1/admin/stores/${stores[key]}/products/${sku}`, { body: { sku, name: '门店乌龙茶', price, taxRateBp: 1300, unit: 'each' } });
      expect(put.status).toBe(200);
    }
    for (const [till, sku, price] of [[tills.A1, 'OOLONG-A', 650], [tills.A2, 'OOLONG-A', 650], [tills.B1, 'OOLONG-B', 500]] as const) {
      await synced(till);
      await until(`the price on ${till.name}`, async () => {
        await synced(till);
        return queryTerminalDb<{ price: number }>(till.host.ready, 'SELECT price FROM product WHERE id = ?', sku)[0]?.price === price ? true : undefined;
      });
    }
    await sellOne(tills.A1, 'OOLONG-A', 'cash');
    const wallet = await sellOne(tills.A1, 'OOLONG-A', 'wechat');
    expect((await ok(tills.A1.owner, 'refund.request', { saleId: wallet.saleId, amount: 300, reason: '少了一瓶' })).status).toBe('refunded');
    await sellOne(tills.A2, 'OOLONG-A', 'cash');
    await sellOne(tills.A2, 'OOLONG-A', 'alipay');
    await sellOne(tills.B1, 'OOLONG-B', 'cash');
    await sellOne(tills.B1, 'OOLONG-B', 'wechat');
    for (const name of ['A1', 'A2', 'B1'] as const) {
      z[name] = await ok(tills[name].owner, 'report.takeZ', {});
      await synced(tills[name]);
    }
    date = z.A1.businessDate;
    expect([z.A2.businessDate, z.B1.businessDate]).toEqual([date, date]);
  }, 240_000);
  afterAll(() => world?.close());

  /** Shows the Z's business date on the page's range picker (the default is today's, which it is unless the day turned mid-test). */
  async function showDate(page: Page, prefix: string) {
    await page.getByTestId(`${prefix}-from`).fill(date);
    await page.getByTestId(`${prefix}-to`).fill(date);
  }

  const net = (names: readonly ('A1' | 'A2' | 'B1')[]) => names.reduce((s, n) => s + z[n].net, 0);

  it('shows the chain, store A and store B equal to the tills’ Z reports to the fen, on a desktop and a phone', async () => {
    const page = await world.openOffice();
    await signInOffice(page, OWNER.login, OWNER.password);
    await page.getByTestId('office-dashboard').waitFor({ timeout: 10_000 });
    await showDate(page, 'dash-range');
    await expect.poll(() => page.getByTestId('dash-content').getAttribute('data-range'), { timeout: 10_000 }).toBe(`${date}/${date}`);

    // The figures the tills printed: four sales of 2 × 6.50 in A, two of 2 × 5.00 in B, 3.00 refunded.
    expect(net(['A1', 'A2', 'B1'])).toBe(1300 * 4 + 1000 * 2 - 300);
    expect(await page.getByTestId('dash-kpis-net').textContent()).toBe(yuan(net(['A1', 'A2', 'B1'])));
    expect(await page.getByTestId('dash-kpis-sales').textContent()).toBe(String(z.A1.counts.sales + z.A2.counts.sales + z.B1.counts.sales));
    expect(await page.getByTestId('dash-kpis-refunds').textContent()).toBe(yuan(z.A1.refunds + z.A2.refunds + z.B1.refunds));
    const tenderNet = (kind: string) => (['A1', 'A2', 'B1'] as const).reduce((s, n) => s + (z[n].tenders.find((t) => t.kind === kind)?.net ?? 0), 0);
    for (const kind of ['cash', 'wechat', 'alipay']) expect(await page.getByTestId(`dash-tender-${kind}-net`).textContent()).toBe(yuan(tenderNet(kind)));
    for (const name of ['A1', 'A2', 'B1'] as const) {
      const till = world.tills[name];
      const row = page.locator(`[data-testid="dash-till-row"][data-id="${world.stores[till.storeKey]}/${till.terminalId}"]`);
      expect(await row.getByTestId('dash-till-net').textContent()).toBe(yuan(z[name].net));
    }
    expect(await page.getByTestId('dash-sync-summary').textContent()).toContain('15');
    await page.screenshot({ path: `${SHOTS}/dashboard.png`, fullPage: true });

    for (const [key, names] of [['A', ['A1', 'A2']], ['B', ['B1']]] as const) {
      await page.getByTestId('office-store-picker').selectOption(world.stores[key]);
      await expect.poll(() => page.getByTestId('dash-scope').textContent(), { timeout: 10_000 }).toBe(key === 'A' ? '一号店' : '二号店');
      await expect.poll(() => page.getByTestId('dash-kpis-net').textContent(), { timeout: 10_000 }).toBe(yuan(net(names)));
    }

    const phone = await world.openOffice({ width: 390, height: 844 });
    // signInOffice waits for the account's name, which a phone's header leaves out.
    await phone.getByTestId('office-login').fill(OWNER.login);
    await phone.getByTestId('office-password').fill(OWNER.password);
    await phone.getByTestId('office-signin-submit').click();
    await phone.getByTestId('office-dashboard').waitFor({ timeout: 10_000 });
    await showDate(phone, 'dash-range');
    await expect.poll(() => phone.getByTestId('dash-kpis-net').textContent(), { timeout: 10_000 }).toBe(yuan(net(['A1', 'A2', 'B1'])));
    // Nothing wider than the phone's screen.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: `${SHOTS}/dashboard-phone.png`, fullPage: true });
    await phone.close();
    await page.close();
  });

  it('shows each till’s Z as received equal to the day report, and exports it as CSV and XLSX equal to the page', async () => {
    const page = await world.openOffice();
    await signInOffice(page, OWNER.login, OWNER.password);
    await page.getByTestId('office-nav-reports').click();
    await page.getByTestId('office-reports').waitFor({ timeout: 10_000 });
    await showDate(page, 'rep-range');
    const chainRow = page.getByTestId('rep-chain-row');
    await expect.poll(() => chainRow.getByTestId('rep-chain-net').textContent(), { timeout: 10_000 }).toBe(yuan(net(['A1', 'A2', 'B1'])));
    expect(await chainRow.getByTestId('rep-chain-z').textContent()).toBe(yuan(net(['A1', 'A2', 'B1'])));
    const tillRows = page.getByTestId('rep-till-row');
    expect(await tillRows.count()).toBe(3);
    for (const text of await tillRows.allTextContents()) expect(text).toContain('一致');
    await page.screenshot({ path: `${SHOTS}/reports.png`, fullPage: true });

    await page.getByTestId('rep-tab-z').click();
    await expect.poll(() => page.getByTestId('rep-z-row').count(), { timeout: 10_000 }).toBe(3);
    expect((await page.getByTestId('rep-z-net').allTextContents()).sort()).toEqual((['A1', 'A2', 'B1'] as const).map((n) => yuan(z[n].net)).sort());
    await page.getByTestId('rep-z-row').first().getByRole('button').click();
    await expect.poll(async () => JSON.parse((await page.getByTestId('rep-z-detail').textContent()) ?? '{}').kind, { timeout: 10_000 }).toBe('z');
    // No till printed an X report: its table below the Zs says so (the X reports' own API test: server/office/areas/x-reports.test.ts).
    await expect.poll(() => page.getByText('这段时间没有收到 X 报表。').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('rep-x').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/reports-z.png`, fullPage: true });

    const download = async (format: 'csv' | 'xlsx') => {
      await page.getByTestId('rep-export-format').selectOption(format);
      await page.getByTestId('rep-export-start').click();
      const link = page.getByTestId('rep-export-download');
      await expect.poll(() => page.getByTestId('rep-export-state').getAttribute('data-state'), { timeout: 20_000 }).toBe('done');
      const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
      return readFile((await file.path())!);
    };
    const csv = await download('csv');
    await page.screenshot({ path: `${SHOTS}/reports-export.png`, fullPage: true });
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parseCsv(csv.toString('utf8').slice(1), { columns: true }) as Record<string, string>[];
    const fen = (s: string) => Math.round(Number(s) * 100);
    expect(fen(rows.find((r) => r['层级'] === '全部门店')!['净额']!)).toBe(net(['A1', 'A2', 'B1']));
    expect(fen(rows.find((r) => r['层级'] === '门店' && r['门店'] === '一号店')!['净额']!)).toBe(net(['A1', 'A2']));
    expect(rows.filter((r) => r['层级'] === '收银机').map((r) => fen(r['净额']!)).sort((a, b) => a - b)).toEqual([z.A1.net, z.A2.net, z.B1.net].sort((a, b) => a - b));

    const xlsx = await download('xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const chain = Array.from({ length: sheet.rowCount - 1 }, (_, i) => sheet.getRow(i + 2)).find((r) => r.getCell(header.indexOf('层级') + 1).value === '全部门店')!;
    expect(Math.round(Number(chain.getCell(header.indexOf('净额') + 1).value) * 100)).toBe(net(['A1', 'A2', 'B1']));
    await page.close();
  });

  it('shows a store manager of A her store only', async () => {
    await world.addAccount('manager-a', '李店长', 'correct horse battery', [{ storeId: world.stores.A, role: 'manager' }]);
    const page = await world.openOffice();
    await signInOffice(page, 'manager-a', 'correct horse battery');
    await page.getByTestId('office-dashboard').waitFor({ timeout: 10_000 });
    await showDate(page, 'dash-range');
    await expect.poll(() => page.getByTestId('dash-kpis-net').textContent(), { timeout: 10_000 }).toBe(yuan(net(['A1', 'A2'])));
    expect(await page.getByTestId('dash-till-row').count()).toBe(2);
    await page.close();
  });
});
