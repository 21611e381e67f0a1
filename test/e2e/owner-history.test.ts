/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../drivers/receipt/escpos-decode';
import { maskCode } from '../../src-common/mask';
import { formatMoney } from '../../src-common/money';
import { SANDBOX_APP_ID, SANDBOX_VENDOR_KEY, SANDBOX_VENDOR_SN, startSandboxAcquirer, type SandboxAcquirer } from '../../src-main/acquirer/sandbox/server';
import { createShouqianbaAdapter } from '../../src-main/acquirer/shouqianba';
import { launchChromium, openTerminalPage, signIn } from '../helpers/browser';
import { type ApiSocket, type HostProcess, openApiSocket, queryTerminalDb, startHostProcess, tempDir } from '../helpers/host';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../helpers/pty';

const ARTIFACTS = 'test-results/e2e';
const WECHAT_CODE = '134567890123450000';
const ALIPAY_CODE = '281234567890120000';
const MERCHANT_APP_REFUND = 'APP20261122000002';

/**
 * The owner's back office in Chromium through the host: a small day is rung up by a cashier (over the
 * API), then the owner finds a sale by its receipt number in the history, views and reprints its receipt
 * (bytes read back from a simulated printer over socat), refunds part of it with their own PIN; then a
 * refund made in the acquirer's merchant app (the one injected mismatch) is the only difference the
 * reconciliation panel shows, and resolving it with a note marks it resolved.
 * The sandbox acquirer runs in this process and the host is configured with its address.
 */
describe('the owner finds, reprints and refunds a sale, and reconciles the day', () => {
  let sandbox: SandboxAcquirer;
  let host: HostProcess;
  let browser: Browser;
  let page: Page;
  let printerPty: PtyPair;
  let printer: Peer;
  let api: ApiSocket;
  const sales: Record<'cash' | 'wechat' | 'alipay', { saleId: string; receiptNumber: string; total: number }> = {} as never;
  const date = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const db = <T,>(sql: string, ...params: unknown[]): T[] => queryTerminalDb<T>(host.ready, sql, ...params);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    sandbox = await startSandboxAcquirer({ dbPath: join(tempDir('owner-e2e-acquirer-'), 'sandbox.sqlite'), port: 0, log: pino({ level: 'silent' }), speed: { scale: 0.1 } });
    printerPty = await createPtyPair();
    host = await startHostProcess({
      config: {
        acquirer: { baseUrl: sandbox.url, timings: { pollIntervalMs: 200, pollDeadlineMs: 20_000, cancelRetryMs: 200, maxCancelAttempts: 5 } },
        devices: [{ id: 'printer', role: 'printer', transport: { kind: 'serial', path: printerPty.a, baudRate: 9600 }, columns: 48 }],
      },
    });
    printer = await openPeer(printerPty.b);

    // The day, rung up by the cashier over the API: a cash sale, a WeChat sale and an Alipay sale.
    api = await openApiSocket(host.ready);
    const users = await api.call('auth.users', {});
    if (!users.ok) throw new Error('no users');
    await api.call('auth.signIn', { userId: users.value.find((u) => u.role === 'cashier')!.id, pin: '1111' });
    const [a, b] = db<{ id: string }>("SELECT id FROM product WHERE unit = 'each' AND active = 1 AND price >= 100 ORDER BY sku LIMIT 2");
    const ring = async (productId: string, quantityMilli: number) => {
      const r = await api.call('sale.addProduct', { productId, quantityMilli });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return r.value;
    };
    const receiptOf = async (saleId: string) => {
      const [row] = db<{ receipt_no: number; total: number }>('SELECT receipt_no, total FROM sale WHERE id = ?', saleId);
      const found = await api.call('sale.findByReceipt', { receiptNumber: String(row!.receipt_no) });
      if (!found.ok) throw new Error(JSON.stringify(found.error));
      return { saleId, receiptNumber: found.value.receiptNumber, total: row!.total };
    };
    const cash = await ring(a!.id, 1000);
    expect(await api.call('sale.complete', { tenders: [{ kind: 'cash', amount: cash.cashDue }] })).toMatchObject({ ok: true });
    sales.cash = await receiptOf(cash.saleId);
    for (const [kind, product, code] of [['wechat', b!, WECHAT_CODE], ['alipay', a!, ALIPAY_CODE]] as const) {
      const cart = await ring(product.id, 2000);
      expect(await api.call('payment.payByCode', { code })).toMatchObject({ ok: true, value: { status: 'paid' } });
      sales[kind] = await receiptOf(cart.saleId);
    }

    browser = await launchChromium();
    page = await openTerminalPage(browser, host.ready, { width: 1440, height: 900 });
    await signIn(page, '店长', '8888');
    await page.getByTestId('workspace-owner').click();
    await page.getByTestId('owner-screen').waitFor();
  });
  afterAll(async () => {
    api?.close();
    await browser?.close();
    await host?.stop();
    await printer?.close();
    await printerPty?.close();
    await killAllSocat();
    await sandbox?.close();
  });

  it('finds a sale by its receipt number, shows and reprints its receipt', async () => {
    await page.getByTestId('tab-history').click();
    await expect.poll(() => page.getByTestId('history-row').count(), { timeout: 10_000 }).toBe(3);
    // Newest first.
    expect(await page.getByTestId('history-row').first().getAttribute('data-receipt')).toBe(sales.alipay.receiptNumber);

    await page.getByTestId('history-receipt').fill(sales.wechat.receiptNumber);
    await page.getByTestId('history-search').click();
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(1);
    const row = page.getByTestId('history-row').first();
    expect(await row.getAttribute('data-receipt')).toBe(sales.wechat.receiptNumber);
    expect(await row.textContent()).toContain(formatMoney(sales.wechat.total, 'CNY'));
    expect(await row.textContent()).toContain('微信支付');

    await row.click();
    await page.getByTestId('history-drawer').waitFor();
    await expect.poll(() => page.getByTestId('history-detail-total').textContent()).toBe(formatMoney(sales.wechat.total, 'CNY'));
    expect(await page.getByTestId('history-masked-code').textContent()).toContain(maskCode(WECHAT_CODE));
    expect(await page.getByTestId('history-drawer').textContent()).not.toContain(WECHAT_CODE);
    await expect.poll(() => page.getByTestId('history-receipt-text').count()).toBe(1);
    const receipt = (await page.getByTestId('history-receipt-text').textContent()) ?? '';
    expect(receipt).toContain(sales.wechat.receiptNumber);
    expect(receipt).toContain('微信支付');
    await page.screenshot({ path: `${ARTIFACTS}/owner-history.png` });

    printer.clear();
    await page.getByTestId('history-reprint').click();
    await expect.poll(() => page.getByTestId('history-reprint-status').getAttribute('data-status')).toBe('queued');
    const printed = decodeEscPos(await printer.readUntil((bytes) => decodeEscPos(bytes).commands.some((c) => c.type === 'cut'), 10_000));
    const text = printed.lines.map((l) => l.text).join('\n');
    expect(text).toContain(sales.wechat.receiptNumber);
    expect(text).toContain(formatMoney(sales.wechat.total, 'CNY').replace('¥', ''));
  });

  it('refunds part of the sale with the owner’s own PIN (a wrong PIN refunds nothing)', async () => {
    await page.getByTestId('history-refund').click();
    await page.getByTestId('refund-dialog').waitFor();
    await expect.poll(() => page.getByTestId('refund-quantity').count()).toBe(1);
    await page.getByTestId('refund-quantity').first().fill('1');
    await page.getByTestId('refund-own-pin').fill('0000');
    await page.getByTestId('refund-submit').click();
    await expect.poll(() => page.getByTestId('error').getAttribute('data-code')).toBe('wrong_pin');
    expect(db('SELECT id FROM refund')).toEqual([]);

    await page.getByTestId('refund-own-pin').fill('8888');
    await page.getByTestId('refund-submit').click();
    await expect.poll(() => page.getByTestId('refund-result').getAttribute('data-status'), { timeout: 15_000 }).toBe('refunded');
    expect(await page.getByTestId('refund-result').textContent()).toContain('微信支付');
    await page.screenshot({ path: `${ARTIFACTS}/owner-history-refund.png` });
    await page.getByTestId('refund-close').click();

    const [refund] = db<{ amount: number; wallet_amount: number; status: string }>('SELECT amount, wallet_amount, status FROM refund');
    expect(refund).toEqual({ amount: sales.wechat.total / 2, wallet_amount: sales.wechat.total / 2, status: 'refunded' });
    await expect.poll(() => page.getByTestId('history-detail-refund').count()).toBe(1);
    expect(await page.getByTestId('history-detail-refund').getAttribute('data-status')).toBe('refunded');
    await expect.poll(() => page.getByTestId('history-row').first().textContent()).toContain(formatMoney(sales.wechat.total / 2, 'CNY'));
  });

  it('reconciles the day: the merchant-app refund is the only difference, and resolving it marks it resolved', async () => {
    // The injected mismatch: the owner also refunded ¥1.20 of the Alipay sale in the acquirer's merchant app.
    const [{ terminal_sn: terminalSn, client_sn: clientSn }] = db<{ terminal_sn: string; client_sn: string }>(
      'SELECT (SELECT terminal_sn FROM acquirer_terminal) AS terminal_sn, client_sn FROM payment WHERE sale_id = ?',
      sales.alipay.saleId,
    ) as [{ terminal_sn: string; client_sn: string }];
    const merchantApp = createShouqianbaAdapter({
      baseUrl: sandbox.url,
      vendorSn: SANDBOX_VENDOR_SN,
      vendorKey: SANDBOX_VENDOR_KEY,
      appId: SANDBOX_APP_ID,
      timeouts: { payMs: 5000, queryMs: 5000, otherMs: 5000 },
      log: pino({ level: 'silent' }),
    });
    const creds = { terminalSn, terminalKey: sandbox.ledger.terminal(terminalSn)!.key, keyDate: date };
    expect(await merchantApp.refund(creds, { clientSn, refundRequestNo: MERCHANT_APP_REFUND, amount: 120, operator: '商户App' })).toMatchObject({ kind: 'refunded' });

    await page.getByTestId('tab-reconciliation').click();
    expect(await page.getByTestId('reconcile-date').inputValue()).toBe(date);
    await expect.poll(() => page.getByTestId('reconcile-statement').getAttribute('data-state')).toBe('none');
    await page.getByTestId('reconcile-download').click();
    await expect.poll(() => page.getByTestId('reconcile-statement').getAttribute('data-state'), { timeout: 15_000 }).toBe('downloaded');
    // Sandbox mode: the sandbox's statement file, named as such (a live terminal reconciles by query of each order).
    expect(await page.getByTestId('reconcile-source').getAttribute('data-source')).toBe('statement_file');
    expect(await page.getByTestId('reconcile-source').textContent()).toContain('沙箱');

    const count = (state: string) => page.getByTestId(`reconcile-count-${state}`).getAttribute('data-count');
    await expect.poll(() => count('missing_local')).toBe('1');
    expect(await count('matched')).toBe('3');
    for (const state of ['missing_statement', 'amount_mismatch', 'status_mismatch', 'resolved']) expect(await count(state)).toBe('0');
    expect(await count('open')).toBe('1');
    const pays = sales.wechat.total + sales.alipay.total;
    expect(await page.getByTestId('reconcile-net-statement').textContent()).toBe(formatMoney(pays - sales.wechat.total / 2 - 120, 'CNY'));
    expect(await page.getByTestId('reconcile-net-local').textContent()).toBe(formatMoney(pays - sales.wechat.total / 2, 'CNY'));

    const items = page.getByTestId('reconcile-item');
    expect(await items.count()).toBe(1);
    const item = items.first();
    expect(await item.getAttribute('data-key')).toBe(`refund:${MERCHANT_APP_REFUND}`);
    expect(await item.getAttribute('data-state')).toBe('missing_local');
    expect(await item.getByTestId('reconcile-statement-amount').textContent()).toBe('¥1.20');
    expect(await item.getByTestId('reconcile-difference').textContent()).toBe('¥1.20');
    expect(await item.textContent()).toContain('本地缺失');
    await page.screenshot({ path: `${ARTIFACTS}/owner-reconciliation.png` });

    await item.getByTestId('reconcile-resolve').click();
    await page.getByTestId('reconcile-note').fill('店长在商户App退款1.20元，已核实');
    await page.getByTestId('reconcile-save').click();
    await expect.poll(() => page.getByTestId('reconcile-item').first().getAttribute('data-resolved')).toBe('true');
    expect(await page.getByTestId('reconcile-resolution').textContent()).toContain('店长在商户App退款1.20元，已核实');
    await expect.poll(() => count('resolved')).toBe('1');
    expect(await count('open')).toBe('0');
    await page.screenshot({ path: `${ARTIFACTS}/owner-reconciliation-resolved.png` });

    const audit = db<{ actor_role: string; subject: string }>("SELECT actor_role, subject FROM audit_log WHERE action = 'reconcile.resolve'");
    expect(audit).toEqual([{ actor_role: 'owner', subject: `${date} refund:${MERCHANT_APP_REFUND}` }]);
  });
});
