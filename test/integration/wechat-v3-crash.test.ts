import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WechatV3Sandbox } from '../../src-main/acquirer/wechat/sandbox-v3';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { DEFAULT_USERS } from '../../src-main/services/auth';
import { openApiSocket, startHostProcess, tempDir, type HostProcess } from '../helpers/host';
import { makeWechatV3Keys, startTestWechatV3Sandbox, testWechatV3Settings, type WechatV3Keys } from '../helpers/wechat-v3-sandbox';

/**
 * Fault injection for WeChat Pay direct by API v3, as wechat-crash.test.ts for v2: the terminal is killed (SIGKILL)
 * after a WeChat payment is committed and sent to WeChat (the v3 sandbox, in this test's process, lives on), before
 * its answer is recorded. After a restart the payment must be paid once or reversed at WeChat.
 */
function read<T>(path: string, sql: string, ...params: unknown[]): T[] {
  const db = new Sqlite(path, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a terminal killed in the middle of a WeChat Pay v3 payment', () => {
  let keys: WechatV3Keys;
  const sandboxes: WechatV3Sandbox[] = [];
  const hosts: HostProcess[] = [];

  beforeAll(() => {
    keys = makeWechatV3Keys();
  });
  afterAll(async () => {
    for (const h of hosts) await h.stop();
    for (const s of sandboxes) await s.close();
  });

  /** `scale`: how slowly WeChat pays the held request (5000: 2 s × scale). */
  async function crashDuringPayment(scale: number, timings: Record<string, number>) {
    const sandbox = await startTestWechatV3Sandbox(keys, { scale });
    sandboxes.push(sandbox);
    const dataDir = tempDir('pos-wx3-crash-');
    const config = { acquirer: { mode: 'sandbox', timeouts: { payMs: 10_000, queryMs: 2000, otherMs: 2000 }, timings } };
    const first = await startHostProcess({ dataDir, config });
    hosts.push(first);
    const api = await openApiSocket(first.ready);
    const users = await api.call('auth.users', {});
    const idOf = (role: string) => (users.ok ? users.value.find((u) => u.role === role)!.id : '');
    await api.call('auth.signIn', { userId: idOf('technician'), pin: DEFAULT_USERS.find((u) => u.role === 'technician')!.pin });
    expect((await api.call('gateway.setWechatV3', testWechatV3Settings(sandbox, keys))).ok).toBe(true);
    expect((await api.call('gateway.setRoutes', { routes: [{ wallet: 'wechat', provider: 'wechat_v3' }] })).ok).toBe(true);
    await api.call('auth.signIn', { userId: idOf('cashier'), pin: DEFAULT_USERS[0]!.pin });
    const products = await api.call('catalog.search', { query: 'kkkl' });
    await api.call('sale.scan', { code: products.ok ? products.value[0]!.barcodes[0]! : '' });
    const cart = await api.call('sale.current', {});
    const total = cart.ok ? cart.value!.total : 0;

    // 5000: WeChat holds the request (the order is paid 2 s later); the terminal dies waiting for the answer.
    void api.call('payment.payByCode', { code: sandboxPaymentCode('wechat', '5000') });
    const posDb = join(dataDir, 'pos.sqlite');
    const clientSn = await waitFor(() => read<{ client_sn: string }>(posDb, 'SELECT client_sn FROM payment')[0]?.client_sn, 'the committed payment');
    await waitFor(() => (sandbox.order(clientSn) ? true : undefined), 'the order at WeChat');
    first.process.kill('SIGKILL');
    await first.stop();
    expect(read<{ status: string; provider: string }>(posDb, 'SELECT status, provider FROM payment')[0]).toEqual({ status: 'submitted', provider: 'wechat_v3' });

    const second = await startHostProcess({ dataDir, config });
    hosts.push(second);
    const status = await waitFor(() => {
      const [row] = read<{ status: string; sale_status: string }>(posDb, 'SELECT p.status, s.status AS sale_status FROM payment p JOIN sale s ON s.id = p.sale_id');
      return row && ['paid', 'failed', 'reversed', 'needs_attention'].includes(row.status) && (row.status !== 'paid' || row.sale_status === 'completed') ? row : undefined;
    }, 'the payment to be resolved after the restart');
    await second.stop();
    return { status, order: sandbox.order(clientSn), total, orders: sandbox.orders().filter((o) => o.outTradeNo === clientSn).length };
  }

  it('finds the payment paid after the restart and completes the sale, charged once', async () => {
    const { status, order, total, orders } = await crashDuringPayment(1, { pollIntervalMs: 100, pollDeadlineMs: 10_000, cancelRetryMs: 100, maxCancelAttempts: 5 });
    expect(status).toEqual({ status: 'paid', sale_status: 'completed' });
    expect(orders).toBe(1);
    expect(order).toMatchObject({ tradeState: 'SUCCESS', total: total, refunded: 0 });
  });

  it('reverses at WeChat a payment still unconfirmed at the deadline; the sale stays open', async () => {
    // WeChat would pay it only after 40 s: the terminal's deadline (200 ms) has passed by the time it is back up.
    const { status, order, total } = await crashDuringPayment(20, { pollIntervalMs: 100, pollDeadlineMs: 200, cancelRetryMs: 100, maxCancelAttempts: 5 });
    expect(status).toEqual({ status: 'reversed', sale_status: 'open' });
    expect(order).toMatchObject({ tradeState: 'REVOKED', total: total });
  });
});
