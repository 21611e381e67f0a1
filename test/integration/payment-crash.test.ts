import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { DEFAULT_USERS } from '../../src-main/services/auth';
import { readDb as read, waitFor } from '../helpers/db-probe';
import { openApiSocket, startHostProcess, tempDir, type HostProcess } from '../helpers/host';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox-process';

/**
 * Fault injection: the terminal is killed (SIGKILL) after a wallet payment is committed and sent, before
 * its answer is recorded. The acquirer runs in its own process so it lives on. After a restart the payment
 * must end final, the customer charged at most once, and the sale completed or left open for the cashier.
 * crash-matrix.test.ts kills at random moments of every path; these two are the named cases.
 */
describe('a terminal killed in the middle of a wallet payment', () => {
  const sandboxes: SandboxProcess[] = [];
  const hosts: HostProcess[] = [];

  afterAll(async () => {
    for (const h of hosts) await h.stop();
    for (const s of sandboxes) s.stop();
  });

  /** `sandboxScale` stretches the acquirer's delays: how long after the hung request its order turns paid (2 s × scale). */
  async function crashDuringPayment(suffix: string, timings: Record<string, number>, sandboxScale = 1) {
    const ledgerPath = join(tempDir('pos-crash-acq-'), 'acquirer.sqlite');
    const sandbox = await startSandboxProcess(ledgerPath, sandboxScale);
    sandboxes.push(sandbox);
    const dataDir = tempDir('pos-crash-');
    const config = { acquirer: { mode: 'sandbox', baseUrl: sandbox.url, timeouts: { payMs: 10_000, queryMs: 2000, otherMs: 2000 }, timings } };
    const first = await startHostProcess({ dataDir, config });
    hosts.push(first);
    const api = await openApiSocket(first.ready);
    const users = await api.call('auth.users', {});
    const cashierId = users.ok ? users.value.find((u) => u.role === 'cashier')!.id : '';
    await api.call('auth.signIn', { userId: cashierId, pin: DEFAULT_USERS[0]!.pin });
    const products = await api.call('catalog.search', { query: 'kkkl' });
    const barcode = products.ok ? products.value[0]!.barcodes[0]! : '';
    await api.call('sale.scan', { code: barcode });
    const cart = await api.call('sale.current', {});
    const total = cart.ok ? cart.value!.total : 0;

    // Send the payment and do not wait for its answer: kill the terminal once the row is committed.
    void api.call('payment.payByCode', { code: sandboxPaymentCode('wechat', suffix) });
    const posDb = join(dataDir, 'pos.sqlite');
    const clientSn = await waitFor(() => read<{ client_sn: string }>(posDb, 'SELECT client_sn FROM payment')[0]?.client_sn, 'the committed payment');
    await waitFor(() => (read(ledgerPath, 'SELECT 1 FROM upay_order WHERE client_sn = ?', clientSn).length ? true : undefined), 'the order at the acquirer');
    first.process.kill('SIGKILL');
    await first.stop();
    expect(read<{ status: string }>(posDb, 'SELECT status FROM payment')[0]!.status).toBe('submitted');

    const second = await startHostProcess({ dataDir, config });
    hosts.push(second);
    const status = await waitFor(() => {
      const [row] = read<{ status: string; sale_status: string }>(
        posDb,
        'SELECT p.status, s.status AS sale_status FROM payment p JOIN sale s ON s.id = p.sale_id',
      );
      return row && ['paid', 'failed', 'reversed', 'needs_attention'].includes(row.status) && (row.status !== 'paid' || row.sale_status === 'completed')
        ? row
        : undefined;
    }, 'the payment to be resolved after the restart');
    const charges = read<{ type: string; amount: number }>(ledgerPath, "SELECT type, amount FROM txn WHERE client_sn = ? AND status = 'SUCCESS'", clientSn);
    await second.stop();
    return { status, charges, total };
  }

  it('finds the payment paid after the restart and completes the sale, charging once', async () => {
    // 5000: the acquirer holds the request (the order is paid 2 s later); the terminal dies waiting for the answer.
    const { status, charges, total } = await crashDuringPayment('5000', { pollIntervalMs: 100, pollDeadlineMs: 10_000, cancelRetryMs: 100, maxCancelAttempts: 5 });
    expect(status).toEqual({ status: 'paid', sale_status: 'completed' });
    expect(charges).toEqual([{ type: 'pay', amount: total }]);
  });

  it('reverses a payment still unconfirmed at the deadline, and the sale stays open for the cashier', async () => {
    // The same hung request, but the terminal's deadline (200 ms) has passed by the time it is back up, and the order
    // is still unpaid then (paid only after 60 s: a restart on a loaded machine can take longer than the usual 2 s).
    const { status, charges } = await crashDuringPayment('5000', { pollIntervalMs: 100, pollDeadlineMs: 200, cancelRetryMs: 100, maxCancelAttempts: 5 }, 30);
    expect(status).toEqual({ status: 'reversed', sale_status: 'open' });
    const net = charges.reduce((sum, c) => sum + (c.type === 'pay' ? c.amount : -c.amount), 0);
    expect(net).toBe(0);
  });
});
