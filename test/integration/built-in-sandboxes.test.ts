/**
 * The direct providers' built-in sandboxes (sandbox mode): the technician chooses one per provider and the terminal
 * runs it in a thread of its own (the built out/main/direct-sandbox-worker.js) over HTTPS with a CA made for it,
 * makes both sides' keys, and stores its settings sealed; routing a wallet to it works at once. A sale per provider
 * is paid and partly refunded, and each sandbox's own ledger file (read here as a person with sqlite3 would) agrees
 * to the fen. After a restart the sandboxes come back with their ledgers on new ports and the settings follow; a
 * live terminal has no such option and refuses it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayStatus } from '../../src-common/calls/gateway';
import type { Session } from '../../src-common/roles';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { saleOf, settledPayment } from '../helpers/direct-provider';
import { startTestPos, type TestPos } from '../helpers/pos';

/**
 * Sandboxes 50× faster than the real providers; the till's timeouts stay generous (every code here is paid at once,
 * so they cost nothing), so that a slow first request to a thread just started is never taken for a fault.
 */
const SANDBOX_SPEED = {
  sandboxSpeed: 0.02,
  timeouts: { payMs: 5000, queryMs: 5000, otherMs: 5000 },
  timings: { pollIntervalMs: 40, pollDeadlineMs: 20_000, cancelRetryMs: 40, maxCancelAttempts: 5 },
};

/** Rows of a built-in sandbox's ledger file in the data directory, read-only. */
function ledger<T>(dataDir: string, provider: string, sql: string, ...params: unknown[]): T[] {
  const db = new Sqlite(join(dataDir, 'direct-sandboxes', `${provider}.sqlite`), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

const providerOf = (status: GatewayStatus, id: string) => status.providers.find((p) => p.provider === id)!;

async function refundSettled(t: TestPos, saleId: string): Promise<{ status: string; provider: string; wallet_amount: number }> {
  const until = Date.now() + 10_000;
  for (;;) {
    const [row] = t.query<{ status: string; provider: string; wallet_amount: number }>('SELECT status, provider, wallet_amount FROM refund WHERE sale_id = ? ORDER BY created_at DESC', saleId);
    if (row && ['refunded', 'failed', 'needs_attention'].includes(row.status)) return row;
    if (Date.now() > until) throw new Error(`refund of ${saleId} still ${row?.status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('built-in sandboxes of the direct providers (sandbox mode)', () => {
  let t: TestPos;
  let dataDir: string;
  let technician: Session;
  let cashier: Session;
  let owner: Session;
  let barcode: string;
  /** Sales paid before the restart, refunded after it. */
  const paidBefore: Record<string, { saleId: string; clientSn: string; total: number }> = {};
  let identityBefore: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    t = await startTestPos({ acquirer: SANDBOX_SPEED });
    dataDir = t.dataDir;
    technician = await t.signedIn('technician');
    cashier = await t.signedIn('cashier');
    owner = await t.signedIn('owner');
    barcode = (await t.ok(cashier, 'catalog.search', { query: 'kkkl' }))[0]!.barcodes[0]!;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  async function payAndRefund(wallet: 'wechat' | 'alipay', items: number) {
    const cart = await saleOf(t, cashier, barcode, items);
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode(wallet, '0000') });
    const row = await settledPayment(t, payment.paymentId);
    expect(row.status).toBe('paid');
    expect(row.amount).toBe(cart.total);
    await t.ok(owner, 'refund.request', { saleId: cart.saleId, amount: 100, reason: '退货' });
    const refund = await refundSettled(t, cart.saleId);
    expect(refund).toMatchObject({ status: 'refunded', provider: row.provider, wallet_amount: 100 });
    return { cart, row };
  }

  it('offers the built-in sandboxes in sandbox mode only to technicians; a cashier is refused and nothing starts', async () => {
    const status = await t.ok(technician, 'gateway.status', {});
    expect(status.builtInSandboxes).toBe(true);
    expect(providerOf(status, 'wechat_v2')).toMatchObject({ configured: false, builtInSandbox: false, problems: ['not_configured'] });
    const refused = await t.call(cashier, 'gateway.useBuiltInSandbox', { provider: 'alipay' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.call(technician, 'gateway.useBuiltInSandbox', { provider: 'aggregator' } as never)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(existsSync(join(dataDir, 'direct-sandboxes', 'alipay.sqlite'))).toBe(false);
  });

  it('WeChat Pay v2: chosen, routed, a sale paid and 1.00 refunded over mutual TLS; the sandbox ledger agrees to the fen', async () => {
    const status = await t.ok(technician, 'gateway.useBuiltInSandbox', { provider: 'wechat_v2' });
    const v2 = providerOf(status, 'wechat_v2');
    expect(v2).toMatchObject({ configured: true, builtInSandbox: true, problems: [], settings: { signType: 'HMAC-SHA256', baseUrl: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/) } });
    expect(v2.settings).not.toHaveProperty('builtInSandbox');
    // Sealed at rest like typed settings: no key in the database, and the audit row says what was chosen, without secrets.
    const stored = JSON.stringify(t.query('SELECT * FROM payment_provider'));
    expect(stored).not.toContain('PRIVATE KEY');
    const [audit] = t.query<{ action: string; subject: string; details: string }>("SELECT action, subject, details FROM audit_log WHERE action = 'gateway.useBuiltInSandbox'");
    expect(audit).toMatchObject({ subject: 'wechat_v2' });
    expect(audit!.details).not.toContain('PRIVATE KEY');

    await t.ok(technician, 'gateway.setRoutes', { routes: [{ wallet: 'wechat', provider: 'wechat_v2' }] });
    const { cart, row } = await payAndRefund('wechat', 2);
    expect(row.provider).toBe('wechat_v2');
    expect(ledger(dataDir, 'wechat_v2', 'SELECT total_fee, fee_type, trade_state, transaction_id FROM wx_order WHERE out_trade_no = ?', row.client_sn)).toEqual([
      { total_fee: cart.total, fee_type: 'CNY', trade_state: 'REFUND', transaction_id: row.acquirer_sn },
    ]);
    expect(ledger(dataDir, 'wechat_v2', 'SELECT refund_fee, status FROM wx_refund WHERE out_trade_no = ?', row.client_sn)).toEqual([{ refund_fee: 100, status: 'SUCCESS' }]);
    paidBefore.wechat_v2 = { saleId: cart.saleId, clientSn: row.client_sn, total: cart.total };
  }, 60_000);

  it('Alipay: chosen, routed, a sale paid and 1.00 refunded; the ledger agrees to the fen', async () => {
    const status = await t.ok(technician, 'gateway.useBuiltInSandbox', { provider: 'alipay' });
    expect(providerOf(status, 'alipay')).toMatchObject({ configured: true, builtInSandbox: true, problems: [], settings: { gatewayUrl: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\/gateway\.do$/) } });
    await t.ok(technician, 'gateway.setRoutes', { routes: [{ wallet: 'wechat', provider: 'wechat_v2' }, { wallet: 'alipay', provider: 'alipay' }] });
    const { cart, row } = await payAndRefund('alipay', 3);
    expect(row.provider).toBe('alipay');
    expect(ledger(dataDir, 'alipay', 'SELECT total_amount, currency, trade_status, trade_no FROM ali_order WHERE out_trade_no = ?', row.client_sn)).toEqual([
      { total_amount: cart.total, currency: 'CNY', trade_status: 'TRADE_SUCCESS', trade_no: row.acquirer_sn },
    ]);
    expect(ledger(dataDir, 'alipay', 'SELECT refund_amount FROM ali_refund WHERE out_trade_no = ?', row.client_sn)).toEqual([{ refund_amount: 100 }]);
    paidBefore.alipay = { saleId: cart.saleId, clientSn: row.client_sn, total: cart.total };
  }, 60_000);

  it('WeChat Pay v3: chosen and WeChat routed to it instead of v2; a sale paid and 1.00 refunded; the ledger agrees', async () => {
    const status = await t.ok(technician, 'gateway.useBuiltInSandbox', { provider: 'wechat_v3' });
    expect(providerOf(status, 'wechat_v3')).toMatchObject({ configured: true, builtInSandbox: true, problems: [] });
    await t.ok(technician, 'gateway.setRoutes', { routes: [{ wallet: 'wechat', provider: 'wechat_v3' }, { wallet: 'alipay', provider: 'alipay' }] });
    const { cart, row } = await payAndRefund('wechat', 1);
    expect(row.provider).toBe('wechat_v3');
    expect(ledger(dataDir, 'wechat_v3', 'SELECT total, currency, trade_state, transaction_id FROM v3_order WHERE out_trade_no = ?', row.client_sn)).toEqual([
      { total: cart.total, currency: 'CNY', trade_state: 'REFUND', transaction_id: row.acquirer_sn },
    ]);
    expect(ledger(dataDir, 'wechat_v3', 'SELECT refund, status FROM v3_refund WHERE out_trade_no = ?', row.client_sn)).toEqual([{ refund: 100, status: 'SUCCESS' }]);
    paidBefore.wechat_v3 = { saleId: cart.saleId, clientSn: row.client_sn, total: cart.total };
    identityBefore = Object.fromEntries(status.providers.map((p) => [p.provider, p.settings]));
  }, 60_000);

  it('after a restart: the sandboxes come back with their ledgers on new ports, the settings follow, and sales made before are refunded', async () => {
    await t.close();
    t = await startTestPos({ acquirer: SANDBOX_SPEED }, dataDir);
    technician = await t.signedIn('technician');
    cashier = await t.signedIn('cashier');
    owner = await t.signedIn('owner');
    const status = await t.ok(technician, 'gateway.status', {});
    for (const id of ['wechat_v2', 'wechat_v3', 'alipay']) {
      const p = providerOf(status, id);
      expect(p).toMatchObject({ configured: true, builtInSandbox: true, problems: [] });
      // The same merchant (its ids and keys were kept), at the sandbox running now.
      const { baseUrl: _b, gatewayUrl: _g, ...same } = identityBefore[id]!;
      expect(p.settings).toMatchObject(same);
    }
    expect(status.routes.filter((r) => r.provider !== 'aggregator')).toEqual([
      { wallet: 'wechat', provider: 'wechat_v3' },
      { wallet: 'alipay', provider: 'alipay' },
    ]);

    // The address given is the one answering: a payment goes through at once.
    const { cart, row } = await payAndRefund('alipay', 1);
    expect(ledger(dataDir, 'alipay', 'SELECT out_trade_no, total_amount FROM ali_order ORDER BY created_at')).toEqual([
      { out_trade_no: paidBefore.alipay!.clientSn, total_amount: paidBefore.alipay!.total },
      { out_trade_no: row.client_sn, total_amount: cart.total },
    ]);

    // Sales paid before the restart are refunded again: each sandbox still knows its orders (and how much is left).
    for (const id of ['wechat_v2', 'wechat_v3', 'alipay'] as const) {
      const before = paidBefore[id]!;
      await t.ok(owner, 'refund.request', { saleId: before.saleId, amount: 50, reason: '再退一件' });
      expect(await refundSettled(t, before.saleId)).toMatchObject({ status: 'refunded', provider: id, wallet_amount: 50 });
    }
    expect(ledger(dataDir, 'wechat_v2', 'SELECT refund_fee FROM wx_refund WHERE out_trade_no = ? ORDER BY at', paidBefore.wechat_v2!.clientSn)).toEqual([{ refund_fee: 100 }, { refund_fee: 50 }]);
    expect(ledger(dataDir, 'wechat_v3', 'SELECT refund FROM v3_refund WHERE out_trade_no = ? ORDER BY at', paidBefore.wechat_v3!.clientSn)).toEqual([{ refund: 100 }, { refund: 50 }]);
    expect(ledger(dataDir, 'alipay', 'SELECT refund_amount FROM ali_refund WHERE out_trade_no = ? ORDER BY at', paidBefore.alipay!.clientSn)).toEqual([{ refund_amount: 100 }, { refund_amount: 50 }]);
  }, 90_000);

  it('a live terminal has no built-in sandbox: choosing one is refused with a clear error, and settings made for one are not used', async () => {
    await t.close();
    // The same data directory, now in live mode: the sandboxes are not started, the providers set to them say so.
    t = await startTestPos({ acquirer: { ...SANDBOX_SPEED, sandboxSpeed: 1, mode: 'live', baseUrl: 'https://127.0.0.1:9/' } }, dataDir);
    technician = await t.signedIn('technician');
    const status = await t.ok(technician, 'gateway.status', {});
    expect(status.builtInSandboxes).toBe(false);
    for (const id of ['wechat_v2', 'wechat_v3', 'alipay']) expect(providerOf(status, id).problems).toContain('built_in_sandbox_off');
    const auditRows = t.query("SELECT action FROM audit_log WHERE action = 'gateway.useBuiltInSandbox'").length;
    const refused = await t.call(technician, 'gateway.useBuiltInSandbox', { provider: 'wechat_v2' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', details: { reason: 'live_mode' } } });
    expect(!refused.ok && refused.error.message).toMatch(/sandbox mode only/);
    expect(t.query("SELECT action FROM audit_log WHERE action = 'gateway.useBuiltInSandbox'")).toHaveLength(auditRows);
    // A route to a provider whose sandbox is not running is refused too.
    expect(await t.call(technician, 'gateway.setRoutes', { routes: [{ wallet: 'alipay', provider: 'alipay' }] })).toMatchObject({ ok: false, error: { details: { reason: 'built_in_sandbox_off' } } });
  }, 60_000);
});

describe('acquirer.directSandboxes in config.json (the embedded default routing wallets to the direct sandboxes)', () => {
  let t: TestPos | null = null;
  afterAll(async () => {
    await t?.close();
  });

  async function statusOnceSetUp(till: TestPos, technician: Session, providers: string[]): Promise<GatewayStatus> {
    let status: GatewayStatus | null = null;
    await expect
      .poll(
        async () => {
          status = await till.ok(technician, 'gateway.status', {});
          return providers.filter((id) => providerOf(status!, id).builtInSandbox && status!.routes.some((r) => r.provider === id));
        },
        { timeout: 60_000, interval: 100 },
      )
      .toEqual(providers);
    return status!;
  }

  it('sets the listed providers up at their sandboxes by the terminal itself and routes their wallets; a WeChat and an Alipay code are paid there', async () => {
    const config = { acquirer: { ...SANDBOX_SPEED, directSandboxes: ['wechat_v2', 'alipay'] } };
    t = await startTestPos(config);
    const technician = await t.signedIn('technician');
    const cashier = await t.signedIn('cashier');
    const status = await statusOnceSetUp(t, technician, ['wechat_v2', 'alipay']);
    expect(status.routes.filter((r) => r.provider !== 'aggregator')).toEqual([
      { wallet: 'wechat', provider: 'wechat_v2' },
      { wallet: 'alipay', provider: 'alipay' },
    ]);
    expect(providerOf(status, 'wechat_v3')).toMatchObject({ configured: false });
    // Audited as the terminal's own doing (no user).
    expect(t.query("SELECT subject, actor_id FROM audit_log WHERE action = 'gateway.useBuiltInSandbox' ORDER BY seq")).toEqual([
      { subject: 'wechat_v2', actor_id: null },
      { subject: 'alipay', actor_id: null },
    ]);

    const barcode = (await t.ok(cashier, 'catalog.search', { query: 'kkkl' }))[0]!.barcodes[0]!;
    for (const [wallet, provider, table] of [['wechat', 'wechat_v2', 'wx_order'], ['alipay', 'alipay', 'ali_order']] as const) {
      const cart = await saleOf(t, cashier, barcode, 2);
      const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode(wallet, '0000') });
      const row = await settledPayment(t, payment.paymentId);
      expect(row).toMatchObject({ status: 'paid', provider, amount: cart.total });
      const amountColumn = table === 'wx_order' ? 'total_fee' : 'total_amount';
      expect(ledger(t.dataDir, provider, `SELECT ${amountColumn} AS amount FROM ${table} WHERE out_trade_no = ?`, row.client_sn)).toEqual([{ amount: cart.total }]);
    }

    // The technician's choice stands at the next start: Alipay sent back to the aggregator stays there.
    await t.ok(technician, 'gateway.setRoutes', { routes: [{ wallet: 'wechat', provider: 'wechat_v2' }] });
    const updatedAt = providerOf(status, 'alipay').updatedAt;
    const dataDir = t.dataDir;
    await t.close();
    t = await startTestPos(config, dataDir);
    const again = await t.ok(await t.signedIn('technician'), 'gateway.status', {});
    expect(again.routes.filter((r) => r.provider !== 'aggregator')).toEqual([{ wallet: 'wechat', provider: 'wechat_v2' }]);
    expect(providerOf(again, 'alipay')).toMatchObject({ builtInSandbox: true, problems: [], updatedAt });
  }, 120_000);
});

describe('a built-in sandbox that cannot start', () => {
  let t: TestPos | null = null;
  afterAll(async () => {
    await t?.close();
  });

  it('says why (no openssl to make its certificates) and changes nothing; once openssl is there, choosing it again works', async () => {
    t = await startTestPos({ acquirer: SANDBOX_SPEED });
    const technician = await t.signedIn('technician');
    const path = process.env.PATH;
    // The sandbox's thread gets this process's environment when it starts: no openssl on its PATH.
    process.env.PATH = join(t.dataDir, 'no-such-bin');
    let refused;
    try {
      refused = await t.call(technician, 'gateway.useBuiltInSandbox', { provider: 'wechat_v3' });
    } finally {
      process.env.PATH = path;
    }
    expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable', details: { reason: 'built_in_sandbox_failed', provider: 'wechat_v3' } } });
    expect(!refused.ok && refused.error.message).toMatch(/openssl command/);
    const status = await t.ok(technician, 'gateway.status', {});
    expect(providerOf(status, 'wechat_v3')).toMatchObject({ configured: false, builtInSandbox: false, problems: ['not_configured'] });
    expect(t.query("SELECT action FROM audit_log WHERE action = 'gateway.useBuiltInSandbox'")).toEqual([]);
    expect(existsSync(join(t.dataDir, 'direct-sandboxes', 'wechat_v3.identity'))).toBe(false);

    const chosen = await t.ok(technician, 'gateway.useBuiltInSandbox', { provider: 'wechat_v3' });
    expect(providerOf(chosen, 'wechat_v3')).toMatchObject({ configured: true, builtInSandbox: true, problems: [] });
  }, 60_000);
});
