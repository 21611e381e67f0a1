/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src-common/money';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type HostProcess, queryTerminalDb, startHostProcess } from '../helpers/host';

const ARTIFACTS = 'test-results/e2e';
const HEADER_LINE = '会员日 每周三 全场9折';

describe('the technician console in Chromium through the host', () => {
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  const db = (sql: string, ...params: unknown[]): unknown[] => queryTerminalDb(host.ready, sql, ...params);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    host = await startHostProcess();
    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1366, height: 900 });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });

  async function signInAs(name: string, pin: string) {
    await signIn(page, name, pin);
    await expect.poll(() => page.getByTestId('signed-in-user').textContent(), { timeout: 10_000 }).toContain(name);
  }
  const storedHeader = () => db("SELECT value FROM setting WHERE key = 'receiptHeader'") as { value: string }[];
  // Not counting the test shift's opening (test/helpers/shift.ts): the cashier sells at the end.
  const auditRows = () => (db("SELECT count(*) AS n FROM audit_log WHERE action <> 'shift.open'")[0] as { n: number }).n;

  it('signs the technician in on the technician workspace, with a banner asking to change the first PIN', async () => {
    await signInAs('技术员', '9999');
    await expect.poll(() => page.getByTestId('technician-screen').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('pin-change-banner').count(), { timeout: 10_000 }).toBe(1);

    // The banner's dialog refuses a guessable PIN beside the field; nothing is changed.
    await page.getByTestId('pin-change-open').click();
    await page.getByTestId('pin-change-currentPin').fill('9999');
    await page.getByTestId('pin-change-newPin').fill('1234');
    await page.getByTestId('pin-change-repeat').fill('1234');
    await page.getByTestId('pin-change-save').click();
    await expect.poll(() => page.getByTestId('pin-change-error-newPin').textContent(), { timeout: 10_000 }).toContain('容易被猜到');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('pin-change-dialog').count()).toBe(0);
    expect(await page.getByTestId('pin-change-banner').count()).toBe(1);
    expect(db("SELECT must_change_pin AS m FROM user WHERE role = 'technician'")).toEqual([{ m: 1 }]);
  });

  it('refuses an invalid currency and an over-long header line beside the fields, saving nothing', async () => {
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('setting-currency').fill('RMBX');
    await page.getByTestId('setting-receiptHeader').fill('这一行小票抬头实在是太长了超过了二十四个汉字的宽度限制所以应该被拒绝');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('field-error-currency').textContent(), { timeout: 10_000 }).toContain('不支持的币种');
    expect(await page.getByTestId('field-error-receiptHeader').textContent()).toContain('超过小票宽度');
    expect(await page.getByTestId('error').getAttribute('data-code')).toBe('validation_failed');
    expect(db("SELECT key FROM setting WHERE key IN ('currency', 'receiptHeader')")).toEqual([]);
    expect(auditRows()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/technician-settings-invalid.png` });
  });

  it('saves a valid receipt header line and audits it', async () => {
    await page.getByTestId('setting-currency').fill('CNY');
    await page.getByTestId('setting-receiptHeader').fill(HEADER_LINE);
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('settings-message').textContent(), { timeout: 10_000 }).toContain('小票抬头');
    expect(storedHeader()).toEqual([{ value: JSON.stringify([HEADER_LINE]) }]);
    expect(await page.getByTestId('field-error-currency').count()).toBe(0);

    await page.getByTestId('tab-audit').click();
    const row = page.locator('[data-testid="audit-row"][data-action="settings.update"]');
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.textContent()).toContain(HEADER_LINE);
    await page.getByTestId('audit-verify').click();
    await expect.poll(() => page.getByTestId('audit-verify-result').getAttribute('data-ok'), { timeout: 10_000 }).toBe('true');
    expect(await page.getByTestId('audit-verify-result').textContent()).toContain('审计链完整');
    await page.screenshot({ path: `${ARTIFACTS}/technician-audit.png` });
  });

  it("shows every background job with its state and each attempt's outcome in diagnostics", async () => {
    // A statement download that failed once, then landed; and a payment query still queued.
    const write = new Sqlite(join(host.ready.dataDir, 'pos.sqlite'));
    try {
      write.pragma('busy_timeout = 5000');
      const job = write.prepare(
        "INSERT INTO job (id, kind, subject, payload, status, run_at, attempts, last_error, created_at, updated_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '2026-12-04T10:00:00.000Z', '2026-12-04T10:00:05.000Z', ?)",
      );
      job.run('JOB-STMT', 'statement.download', 'statement:2026-12-03', '{"date":"2026-12-03"}', 'done', 0, 2, 'connect ECONNREFUSED', '2026-12-04T10:00:05.000Z');
      job.run('JOB-PAY', 'payment.query', 'payment:PAY-E2E', '{"paymentId":"PAY-E2E"}', 'queued', Date.now() + 3_600_000, 0, null, null);
      const attempt = write.prepare("INSERT INTO job_attempt (job_id, attempt, started_at, ended_at, outcome, error) VALUES ('JOB-STMT', ?, '2026-12-04T10:00:00.000Z', '2026-12-04T10:00:01.000Z', ?, ?)");
      attempt.run(1, 'retry', 'connect ECONNREFUSED');
      attempt.run(2, 'done', null);
    } finally {
      write.close();
    }
    await page.getByTestId('tab-diagnostics').click();
    await expect.poll(() => page.getByTestId('jobs-open').textContent(), { timeout: 10_000 }).toBe('payment.query 1');
    const rows = page.getByTestId('job-row');
    expect(await rows.count()).toBe(2);
    // Open jobs first, then the finished ones.
    expect(await rows.nth(0).getAttribute('data-status')).toBe('queued');
    expect(await rows.nth(0).textContent()).toContain('排队中');
    const done = rows.nth(1);
    expect(await done.textContent()).toContain('statement:2026-12-03');
    expect(await done.textContent()).toContain('已完成');
    await done.locator('summary').click();
    const history = done.getByTestId('job-history').locator('li');
    expect(await history.count()).toBe(2);
    expect(await history.nth(0).textContent()).toMatch(/#1 .*稍后重试 · connect ECONNREFUSED/);
    expect(await history.nth(1).textContent()).toMatch(/#2 .*完成/);
    await page.screenshot({ path: `${ARTIFACTS}/technician-jobs.png` });
  });

  it('sets the store’s time zone and the business day’s turn hour, refusing an unknown zone beside its field', async () => {
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('setting-timeZone').fill('Mars/Olympus');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('field-error-timeZone').textContent(), { timeout: 10_000 }).toContain('未知的时区');
    expect(db("SELECT key FROM setting WHERE key IN ('timeZone', 'businessDayTurnsAtHour')")).toEqual([]);

    await page.getByTestId('setting-timeZone').fill('Asia/Shanghai');
    await page.getByTestId('setting-businessDayTurnsAtHour').fill('5');
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('settings-message').textContent(), { timeout: 10_000 }).toContain('营业日切换时刻');
    expect(db("SELECT key, value FROM setting WHERE key IN ('timeZone', 'businessDayTurnsAtHour') ORDER BY key")).toEqual(
      expect.arrayContaining([{ key: 'businessDayTurnsAtHour', value: '5' }]),
    );
  });

  it('runs the full database check in the worker and shows its progress line, ending done', async () => {
    await page.getByTestId('tab-diagnostics').click();
    await page.getByTestId('db-full-check').click();
    const line = page.locator('[data-testid="maintenance-operation"][data-operation="database.full_check"]');
    await expect.poll(() => line.getAttribute('data-state'), { timeout: 10_000 }).toBe('done');
    expect(await line.textContent()).toContain('完整检查数据库');
    await expect.poll(() => page.locator('[data-testid="db-health"] dt').first().textContent(), { timeout: 10_000 }).toBe('完整检查');
    await page.screenshot({ path: `${ARTIFACTS}/technician-maintenance.png` });
  });

  it("prints the new header line on the cashier's next receipt", async () => {
    await page.getByTestId('signed-in-user').getByRole('button').click();
    await signInAs('收银员 01', '1111');
    const [product] = db(
      `SELECT p.price, b.barcode FROM product p JOIN product_barcode b ON b.product_id = p.id
       WHERE p.active = 1 AND p.unit = 'each' AND length(b.barcode) = 13 ORDER BY p.sku LIMIT 1`,
    ) as { price: number; barcode: string }[];
    await page.getByTestId('scan-input').fill(product!.barcode);
    await page.getByTestId('scan-input').press('Enter');
    await expect.poll(() => page.getByTestId('cart-line').count(), { timeout: 10_000 }).toBe(1);
    await page.keyboard.press('F12');
    const tendered = Math.ceil(product!.price / 10000) * 10000;
    await page.getByTestId('cash-tendered').fill((tendered / 100).toFixed(2));
    await page.getByTestId('pay-complete').click();
    await expect.poll(() => page.getByTestId('receipt-change').textContent(), { timeout: 10_000 }).toBe(formatMoney(tendered - product!.price, 'CNY'));
    const receipt = (await page.getByTestId('receipt-text').textContent()) ?? '';
    expect(receipt).toContain(HEADER_LINE);
    await page.screenshot({ path: `${ARTIFACTS}/technician-receipt-header.png` });
  });
});
