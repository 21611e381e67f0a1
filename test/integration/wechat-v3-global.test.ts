/**
 * WeChat Pay v3 in a store not in CNY goes through WeChat Pay's global API (the domestic code payment takes CNY
 * only): the technician's screen names incomplete global settings before the first sale and refuses to route WeChat
 * to them; an institution pays for its sub-merchant (sp_mchid, sub_mchid); and the built-in sandbox of a till in
 * yen (acquirer.directSandboxes) is set up as a global merchant and paid through the global paths, to the yen.
 */
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayStatus } from '../../src-common/calls/gateway';
import type { Session } from '../../src-common/roles';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import type { WechatV3Sandbox } from '../../src-main/acquirer/wechat/sandbox-v3';
import { saleOf, settledPayment } from '../helpers/direct-provider';
import { startTestPos, type TestPos } from '../helpers/pos';
import { makeWechatV3Keys, startTestWechatV3Sandbox, TEST_V3_SUB_MCHID, testWechatV3Settings, type WechatV3Keys } from '../helpers/wechat-v3-sandbox';

const FAST = { sandboxSpeed: 0.02, timeouts: { payMs: 5000, queryMs: 5000, otherMs: 5000 }, timings: { pollIntervalMs: 40, pollDeadlineMs: 20_000, cancelRetryMs: 40, maxCancelAttempts: 5 } };
const v3Of = (status: GatewayStatus) => status.providers.find((p) => p.provider === 'wechat_v3')!;

async function refundSettled(t: TestPos, saleId: string): Promise<{ status: string; wallet_amount: number; currency: string; payer_currency: string | null; payer_amount: number | null }> {
  const until = Date.now() + 10_000;
  for (;;) {
    const [row] = t.query<{ status: string; wallet_amount: number; currency: string; payer_currency: string | null; payer_amount: number | null }>(
      'SELECT status, wallet_amount, currency, payer_currency, payer_amount FROM refund WHERE sale_id = ?',
      saleId,
    );
    if (row && ['refunded', 'failed', 'needs_attention'].includes(row.status)) return row;
    if (Date.now() > until) throw new Error(`refund of ${saleId} still ${row?.status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('WeChat Pay v3 global settings on the technician’s screen, and an institution paying for its sub-merchant', () => {
  let keys: WechatV3Keys;
  let sandbox: WechatV3Sandbox;
  let t: TestPos;
  let technician: Session;
  let cashier: Session;

  beforeAll(async () => {
    // A year: a certificate ending within 30 days is a problem of its own on this screen.
    keys = makeWechatV3Keys(365);
    sandbox = await startTestWechatV3Sandbox(keys, { scale: 0.02, cnyRates: { HKD: '0.9213' } });
    t = await startTestPos({ currency: 'HKD', acquirer: FAST });
    technician = await t.signedIn('technician');
    cashier = await t.signedIn('cashier');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  it('names settings without the MCC as a problem in an HKD store, offers no statement, and refuses to route WeChat to them', async () => {
    const status = await t.ok(technician, 'gateway.setWechatV3', testWechatV3Settings(sandbox, keys));
    expect(v3Of(status).problems).toEqual(['global_settings_incomplete']);
    expect(v3Of(status).capabilities).not.toContain('statement');
    const refused = await t.call(technician, 'gateway.setRoutes', { routes: [{ wallet: 'wechat', provider: 'wechat_v3' }] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'validation_failed', details: { reason: 'global_settings_incomplete', provider: 'wechat_v3' } } });
    expect((await t.ok(technician, 'gateway.status', {})).routes.find((r) => r.wallet === 'wechat')?.provider).toBe('aggregator');
  });

  it('takes common mode in HKD (Hong Kong has direct merchants); refuses settings whose mode and sub-merchant do not fit together, keeping what was stored', async () => {
    const common = await t.ok(technician, 'gateway.setWechatV3', testWechatV3Settings(sandbox, keys, 'common'));
    expect(v3Of(common).problems).toEqual([]);
    const before = v3Of(await t.ok(technician, 'gateway.status', {})).updatedAt;
    const { subMchId: _none, ...institutionalWithout } = testWechatV3Settings(sandbox, keys, 'institutional');
    expect(await t.call(technician, 'gateway.setWechatV3', institutionalWithout)).toMatchObject({ ok: false, error: { code: 'validation_failed', details: { reason: 'sub_merchant_missing' } } });
    expect(await t.call(technician, 'gateway.setWechatV3', { ...testWechatV3Settings(sandbox, keys, 'common'), subMchId: TEST_V3_SUB_MCHID })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { reason: 'sub_fields_in_common_mode' } },
    });
    expect(await t.call(technician, 'gateway.setWechatV3', { ...testWechatV3Settings(sandbox, keys, 'common'), merchantCategoryCode: '54' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(v3Of(await t.ok(technician, 'gateway.status', {})).updatedAt).toBe(before);
  });

  it('an institution pays for its sub-merchant in HKD (sp_mchid, sub_mchid) and refunds there, to the cent of the ledger', async () => {
    const status = await t.ok(technician, 'gateway.setWechatV3', testWechatV3Settings(sandbox, keys, 'institutional'));
    expect(v3Of(status)).toMatchObject({ problems: [], settings: { globalMode: 'institutional', subMchId: TEST_V3_SUB_MCHID, merchantCategoryCode: '5499' } });
    await t.ok(technician, 'gateway.setRoutes', { routes: [{ wallet: 'wechat', provider: 'wechat_v3' }] });
    const barcode = (await t.ok(cashier, 'catalog.search', { query: 'kkkl' }))[0]!.barcodes[0]!;
    const cart = await saleOf(t, cashier, barcode, 3);
    const before = sandbox.requests().length;
    const row = await settledPayment(t, (await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') })).paymentId);
    expect(row).toMatchObject({ status: 'paid', provider: 'wechat_v3', amount: cart.total });
    const order = sandbox.order(row.client_sn)!;
    expect(order).toMatchObject({ api: 'global', subMchId: TEST_V3_SUB_MCHID, currency: 'HKD', total: cart.total, tradeState: 'SUCCESS', transactionId: row.acquirer_sn });
    // HKD cents × 0.9213 → CNY fen, half up, as the sandbox plays WeChat's exchange.
    expect(order.payerTotal).toBe(Math.floor((cart.total * 9213 + 5000) / 10_000));
    expect(t.query('SELECT currency, payer_currency, payer_amount, payer_rate FROM payment WHERE client_sn = ?', row.client_sn)).toEqual([{ currency: 'HKD', payer_currency: 'CNY', payer_amount: order.payerTotal, payer_rate: null }]);

    const owner = await t.signedIn('owner');
    await t.ok(owner, 'refund.request', { saleId: cart.saleId, amount: 250, reason: '退货' });
    const refund = await refundSettled(t, cart.saleId);
    expect(refund).toEqual({ status: 'refunded', wallet_amount: 250, currency: 'HKD', payer_currency: 'CNY', payer_amount: Math.floor((2 * order.payerTotal! * 250 + cart.total) / (2 * cart.total)) });
    expect(sandbox.order(row.client_sn)).toMatchObject({ tradeState: 'REFUND', refunded: 250 });
    expect(sandbox.requests().slice(before).every((r) => r.includes(' /v3/global/'))).toBe(true);
  });
});

describe('the built-in WeChat v3 sandbox in a JPY store (acquirer.directSandboxes)', () => {
  let t: TestPos | null = null;
  afterAll(async () => {
    await t?.close();
  });

  it('is set up as an institution’s sub-merchant at the global API and paid and refunded through it, to the yen of its ledger', async () => {
    t = await startTestPos({ currency: 'JPY', acquirer: { ...FAST, directSandboxes: ['wechat_v3'] } });
    const till = t;
    const technician = await till.signedIn('technician');
    const cashier = await till.signedIn('cashier');
    let status: GatewayStatus | null = null;
    await expect
      .poll(
        async () => {
          status = await till.ok(technician, 'gateway.status', {});
          return status.routes.find((r) => r.wallet === 'wechat')?.provider;
        },
        { timeout: 60_000, interval: 100 },
      )
      .toBe('wechat_v3');
    const v3 = v3Of(status!);
    expect(v3).toMatchObject({ builtInSandbox: true, problems: [], settings: { globalMode: 'institutional', subMchId: expect.stringMatching(/^\d{10}$/), merchantCategoryCode: '5499' } });

    const barcode = (await till.ok(cashier, 'catalog.search', { query: 'kkkl' }))[0]!.barcodes[0]!;
    const cart = await saleOf(till, cashier, barcode, 2);
    const row = await settledPayment(till, (await till.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') })).paymentId);
    expect(row).toMatchObject({ status: 'paid', provider: 'wechat_v3', amount: cart.total });
    await till.ok(await till.signedIn('owner'), 'refund.request', { saleId: cart.saleId, amount: 9, reason: '退货' });
    expect(await refundSettled(till, cart.saleId)).toMatchObject({ status: 'refunded', wallet_amount: 9, currency: 'JPY', payer_currency: 'CNY' });

    const db = new Sqlite(join(till.dataDir, 'direct-sandboxes', 'wechat_v3.sqlite'), { readonly: true });
    try {
      expect(db.prepare('SELECT api, sub_mchid, total, currency, trade_state, transaction_id FROM v3_order WHERE out_trade_no = ?').all(row.client_sn)).toEqual([
        { api: 'global', sub_mchid: v3.settings.subMchId, total: cart.total, currency: 'JPY', trade_state: 'REFUND', transaction_id: row.acquirer_sn },
      ]);
      expect(db.prepare('SELECT refund, status FROM v3_refund WHERE out_trade_no = ?').all(row.client_sn)).toEqual([{ refund: 9, status: 'SUCCESS' }]);
    } finally {
      db.close();
    }
  }, 120_000);
});
