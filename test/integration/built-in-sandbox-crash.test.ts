/**
 * A terminal killed (SIGKILL) in the middle of a payment to a built-in sandbox: unlike a sandbox run by the test, the
 * built-in one dies with the terminal, mid-request. After the restart it comes back with its ledger (the order it
 * took, paid 2 s after the request) on a new port, the provider's settings follow it, and the payment is found paid
 * by query, charged once.
 */
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { killMidPayment } from '../helpers/direct-provider-crash';
import type { HostProcess } from '../helpers/host';

function ordersOf(dataDir: string, clientSn: string): { total_amount: number; trade_status: string; due_status: string | null }[] {
  try {
    const db = new Sqlite(join(dataDir, 'direct-sandboxes', 'alipay.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT total_amount, trade_status, due_status FROM ali_order WHERE out_trade_no = ?').all(clientSn) as never;
    } finally {
      db.close();
    }
  } catch {
    return [];
  }
}

describe('a terminal killed in the middle of a payment to its built-in Alipay sandbox', () => {
  const hosts: HostProcess[] = [];
  afterAll(async () => {
    for (const h of hosts) await h.stop();
  });

  it('comes back with the sandbox’s ledger, finds the payment paid and completes the sale, charged once', async () => {
    const dataDir = () => hosts[0]!.ready.dataDir;
    const { status, clientSn, total } = await killMidPayment({
      hosts,
      wallet: 'alipay',
      provider: 'alipay',
      // The deadline counts from the request: a long one, so that a slow restart (both the terminal and its sandbox
      // start again) never turns the query into a reversal; the outcome is then the ledger's, paid.
      timings: { pollIntervalMs: 100, pollDeadlineMs: 60_000, cancelRetryMs: 100, maxCancelAttempts: 5 },
      hasOrder: (sn) => ordersOf(dataDir(), sn).length > 0,
      setUp: async (api) => {
        expect((await api.call('gateway.useBuiltInSandbox', { provider: 'alipay' })).ok).toBe(true);
        expect((await api.call('gateway.setRoutes', { routes: [{ wallet: 'alipay', provider: 'alipay' }] })).ok).toBe(true);
      },
    });
    expect(status).toEqual({ status: 'paid', sale_status: 'completed' });
    // One order, the one the first terminal sent, paid in full (the restarted sandbox settled it from its ledger).
    expect(ordersOf(dataDir(), clientSn)).toEqual([{ total_amount: total, trade_status: 'TRADE_SUCCESS', due_status: null }]);
  }, 90_000);
});
