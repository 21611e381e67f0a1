/**
 * The SIGKILL test of a direct provider (WeChat Pay v2, v3, Alipay), as payment-crash.test.ts for the aggregator: a
 * built host pays a sale by a wallet code the provider's sandbox holds (5000: paid 2 s × scale later), is killed once
 * the order exists at the provider and the payment is committed as submitted, and is started again on its data.
 * Returns the payment as the restarted terminal settles it.
 */
import { join } from 'node:path';
import { readDb, waitFor } from './db-probe';
import { expect } from 'vitest';
import type { Wallet } from '../../src-common/payment-code';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { DEFAULT_USERS } from '../../src-main/services/auth';
import { openApiSocket, startHostProcess, tempDir, type ApiSocket, type HostProcess } from './host';



export interface DirectProviderCrash {
  /** Every host started, for the file's afterAll to stop. */
  hosts: HostProcess[];
  wallet: Wallet;
  provider: string;
  /** Saves the provider's settings and routes the wallet to it (the technician is signed in on `api`). */
  setUp(api: ApiSocket): Promise<void>;
  /** Whether the provider's sandbox holds an order of this client_sn. */
  hasOrder(clientSn: string): boolean;
  /** The payment engine's timings (the deadline decides paid or reversed). */
  timings: Record<string, number>;
}

export async function killMidPayment(c: DirectProviderCrash): Promise<{ status: { status: string; sale_status: string }; clientSn: string; total: number }> {
  const dataDir = tempDir(`pos-${c.provider}-crash-`);
  const config = { acquirer: { mode: 'sandbox', timeouts: { payMs: 10_000, queryMs: 2000, otherMs: 2000 }, timings: c.timings } };
  const first = await startHostProcess({ dataDir, config });
  c.hosts.push(first);
  const api = await openApiSocket(first.ready);
  const users = await api.call('auth.users', {});
  const idOf = (role: string) => (users.ok ? users.value.find((u) => u.role === role)!.id : '');
  await api.call('auth.signIn', { userId: idOf('technician'), pin: DEFAULT_USERS.find((u) => u.role === 'technician')!.pin });
  await c.setUp(api);
  await api.call('auth.signIn', { userId: idOf('cashier'), pin: DEFAULT_USERS[0]!.pin });
  const products = await api.call('catalog.search', { query: 'kkkl' });
  await api.call('sale.scan', { code: products.ok ? products.value[0]!.barcodes[0]! : '' });
  const cart = await api.call('sale.current', {});
  const total = cart.ok ? cart.value!.total : 0;

  // 5000: the provider holds the request; the terminal dies waiting for the answer.
  void api.call('payment.payByCode', { code: sandboxPaymentCode(c.wallet, '5000') });
  const posDb = join(dataDir, 'pos.sqlite');
  const clientSn = await waitFor(() => readDb<{ client_sn: string }>(posDb, 'SELECT client_sn FROM payment')[0]?.client_sn, 'the committed payment');
  await waitFor(() => (c.hasOrder(clientSn) ? true : undefined), `the order at ${c.provider}`);
  first.process.kill('SIGKILL');
  await first.stop();
  expect(readDb<{ status: string; provider: string }>(posDb, 'SELECT status, provider FROM payment')[0]).toEqual({ status: 'submitted', provider: c.provider });

  const second = await startHostProcess({ dataDir, config });
  c.hosts.push(second);
  const status = await waitFor(() => {
    const [row] = readDb<{ status: string; sale_status: string }>(posDb, 'SELECT p.status, s.status AS sale_status FROM payment p JOIN sale s ON s.id = p.sale_id');
    return row && ['paid', 'failed', 'reversed', 'needs_attention'].includes(row.status) && (row.status !== 'paid' || row.sale_status === 'completed') ? row : undefined;
  }, 'the payment to be resolved after the restart');
  await second.stop();
  return { status, clientSn, total };
}
