import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { readDb, waitFor } from '../helpers/db-probe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { DEFAULT_USERS } from '../../src-main/services/auth';
import { openApiSocket, startHostProcess, tempDir, type HostProcess } from '../helpers/host';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox-process';

/**
 * Fault injection on a sale paid in parts (issue 18): the built host is killed (SIGKILL) after the LAST part is paid
 * and before the sale is recorded as completed. The acquirer runs in its own process and lives on. After a restart
 * the sale must be completed exactly once, with one tender per part, and each part charged exactly once.
 */

function write(path: string, sql: string): void {
  const db = new Sqlite(path);
  db.pragma('busy_timeout = 5000');
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}


describe('a terminal killed between the last part paid and the sale completed', () => {
  let sandbox: SandboxProcess;
  const ledgerPath = join(tempDir('pos-split-crash-acq-'), 'acquirer.sqlite');
  const hosts: HostProcess[] = [];
  const timings = { pollIntervalMs: 100, pollDeadlineMs: 10_000, cancelRetryMs: 100, maxCancelAttempts: 5 };

  beforeAll(async () => {
    sandbox = await startSandboxProcess(ledgerPath);
  });
  afterAll(async () => {
    for (const h of hosts) await h.stop();
    sandbox?.stop();
  });

  /** A host with a ¥-priced sale open and its first part (WeChat, a third of the total) paid. */
  async function saleWithFirstPartPaid() {
    const dataDir = tempDir('pos-split-crash-');
    const config = { acquirer: { mode: 'sandbox', baseUrl: sandbox.url, timeouts: { payMs: 10_000, queryMs: 2000, otherMs: 2000 }, timings } };
    const host = await startHostProcess({ dataDir, config });
    hosts.push(host);
    const api = await openApiSocket(host.ready);
    const users = await api.call('auth.users', {});
    const cashierId = users.ok ? users.value.find((u) => u.role === 'cashier')!.id : '';
    await api.call('auth.signIn', { userId: cashierId, pin: DEFAULT_USERS[0]!.pin });
    const products = await api.call('catalog.search', { query: 'kkkl' });
    const barcode = products.ok ? products.value[0]!.barcodes[0]! : '';
    for (let i = 0; i < 3; i++) await api.call('sale.scan', { code: barcode });
    const cart = await api.call('sale.current', {});
    const total = cart.ok ? cart.value!.total : 0;
    const firstAmount = Math.floor(total / 3);
    const first = await api.call('payment.payByCode', { code: sandboxPaymentCode('wechat', '0000'), amount: firstAmount });
    expect(first).toMatchObject({ ok: true, value: { status: 'paid', amount: firstAmount, remaining: total - firstAmount } });
    return { dataDir, config, host, api, total, firstAmount, posDb: join(dataDir, 'pos.sqlite') };
  }

  function charges(posDb: string) {
    return readDb<{ client_sn: string; amount: number }>(posDb, 'SELECT client_sn, amount FROM payment ORDER BY created_at').map((p) => ({
      amount: p.amount,
      txns: readDb<{ type: string; amount: number }>(ledgerPath, "SELECT type, amount FROM txn WHERE client_sn = ? AND status = 'SUCCESS'", p.client_sn),
    }));
  }

  async function restartAndSettle(dataDir: string, config: Record<string, unknown>, posDb: string) {
    const second = await startHostProcess({ dataDir, config });
    hosts.push(second);
    const sale = await waitFor(() => {
      const [row] = readDb<{ id: string; status: string }>(posDb, 'SELECT id, status FROM sale');
      return row?.status === 'completed' ? row : undefined;
    }, 'the sale to be completed after the restart');
    // Give a second completion every chance to happen (it must not): the jobs have run by now.
    await waitFor(() => (readDb<{ n: number }>(posDb, "SELECT count(*) AS n FROM job WHERE kind LIKE 'payment.%' AND status IN ('queued', 'running')")[0]!.n === 0 ? true : undefined), 'the payment jobs to end');
    await second.stop();
    return sale;
  }

  it('the last part is recorded paid but its sale could not be closed: the restarted till completes the sale once', async () => {
    const { dataDir, config, host, api, total, firstAmount, posDb } = await saleWithFirstPartPaid();
    // The sale's closing transaction fails (as on a full disk) until the trigger is dropped.
    write(posDb, `CREATE TRIGGER test_sale_cannot_close BEFORE UPDATE OF status ON sale WHEN NEW.status = 'completed'
                  BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END`);
    const last = await api.call('payment.payByCode', { code: sandboxPaymentCode('alipay', '0000') });
    expect(last).toMatchObject({ ok: true, value: { status: 'paid', amount: total - firstAmount, failureCode: 'sale_completion_pending', remaining: 0 } });
    expect(readDb(posDb, "SELECT status FROM payment WHERE status = 'paid'")).toHaveLength(2);
    expect(readDb<{ status: string }>(posDb, 'SELECT status FROM sale')[0]!.status).toBe('open');
    host.process.kill('SIGKILL');
    await host.stop();
    write(posDb, 'DROP TRIGGER test_sale_cannot_close');

    const sale = await restartAndSettle(dataDir, config, posDb);
    expect(readDb(posDb, 'SELECT kind, amount FROM sale_tender WHERE sale_id = ? ORDER BY seq', sale.id)).toEqual([
      { kind: 'wechat', amount: firstAmount },
      { kind: 'alipay', amount: total - firstAmount },
    ]);
    expect(readDb(posDb, "SELECT count(*) AS n FROM sale_event WHERE sale_id = ? AND type = 'completed'", sale.id)).toEqual([{ n: 1 }]);
    expect(charges(posDb)).toEqual([
      { amount: firstAmount, txns: [{ type: 'pay', amount: firstAmount }] },
      { amount: total - firstAmount, txns: [{ type: 'pay', amount: total - firstAmount }] },
    ]);
  });

  it('the till dies while giving the paid parts back: the restarted till finishes the reversal, each part reversed once', async () => {
    const { dataDir, config, host, api, firstAmount, posDb } = await saleWithFirstPartPaid();
    const second = await api.call('payment.payByCode', { code: sandboxPaymentCode('alipay', '0000'), amount: 1 });
    expect(second).toMatchObject({ ok: true, value: { status: 'paid', amount: 1 } });
    const reversing = await api.call('payment.reverseParts', {});
    expect(reversing.ok).toBe(true);
    // Killed at once: each reversal committed as a job, sent or not yet.
    host.process.kill('SIGKILL');
    await host.stop();
    expect(readDb<{ n: number }>(posDb, "SELECT count(*) AS n FROM job WHERE kind = 'payment.reversePart'")[0]!.n).toBe(2);

    const restarted = await startHostProcess({ dataDir, config });
    hosts.push(restarted);
    // At once, not when the dead run's lease on the job ends.
    await waitFor(() => (readDb<{ n: number }>(posDb, "SELECT count(*) AS n FROM payment WHERE status = 'reversed'")[0]!.n === 2 ? true : undefined), 'both parts reversed', 10_000);
    await waitFor(() => (readDb<{ n: number }>(posDb, "SELECT count(*) AS n FROM job WHERE kind LIKE 'payment.%' AND status IN ('queued', 'running')")[0]!.n === 0 ? true : undefined), 'the payment jobs to end');
    expect(readDb<{ status: string }>(posDb, 'SELECT status FROM sale')[0]!.status).toBe('open');
    // Each part paid once and reversed once at the acquirer: nothing kept, nothing returned twice.
    expect(charges(posDb)).toEqual([
      { amount: firstAmount, txns: [{ type: 'pay', amount: firstAmount }, { type: 'cancel', amount: firstAmount }] },
      { amount: 1, txns: [{ type: 'pay', amount: 1 }, { type: 'cancel', amount: 1 }] },
    ]);
    // Unfrozen: the cashier can void it now.
    const again = await openApiSocket(restarted.ready);
    const users = await again.call('auth.users', {});
    await again.call('auth.signIn', { userId: users.ok ? users.value.find((u) => u.role === 'cashier')!.id : '', pin: DEFAULT_USERS[0]!.pin });
    expect(await again.call('sale.void', { reason: '顾客不要了' })).toMatchObject({ ok: true });
    await restarted.stop();
  });

  /** A completed sale paid in two wallet parts (WeChat a third, Alipay the rest), and the owner's id for approvals. */
  async function completedSplitSale() {
    const started = await saleWithFirstPartPaid();
    const rest = await started.api.call('payment.payByCode', { code: sandboxPaymentCode('alipay', '0000') });
    expect(rest).toMatchObject({ ok: true, value: { status: 'paid', amount: started.total - started.firstAmount } });
    const saleId = await waitFor(() => readDb<{ id: string }>(started.posDb, "SELECT id FROM sale WHERE status = 'completed'")[0]?.id, 'the sale completed');
    const users = await started.api.call('auth.users', {});
    const ownerId = users.ok ? users.value.find((u) => u.role === 'owner')!.id : '';
    return { ...started, saleId, approval: { userId: ownerId, pin: DEFAULT_USERS[1]!.pin } };
  }

  /** Each leg of the sale's refund as the till has it, with the acquirer's successful refunds of its payment. */
  function refundLegs(posDb: string, saleId: string) {
    return readDb<{ leg_no: number; status: string; wallet_amount: number; client_sn: string }>(
      posDb,
      'SELECT r.leg_no, r.status, r.wallet_amount, p.client_sn FROM refund r JOIN payment p ON p.id = r.payment_id WHERE r.sale_id = ? ORDER BY r.leg_no',
      saleId,
    ).map((l) => ({
      leg: l.leg_no,
      status: l.status,
      amount: l.wallet_amount,
      acquirer: readDb<{ type: string; amount: number }>(ledgerPath, "SELECT type, amount FROM txn WHERE client_sn = ? AND status = 'SUCCESS' AND type = 'refund'", l.client_sn),
    }));
  }

  for (const when of ['as the refund is committed, before any answer', 'as the acquirer refunds the first leg', 'once the first leg is answered'] as const) {
    it(`the till dies ${when} in a whole refund of a sale paid by two wallets: after the restart each leg is refunded once`, async () => {
      const { dataDir, config, host, api, total, firstAmount, posDb, saleId, approval } = await completedSplitSale();
      const asked = api.call('refund.request', { saleId, reason: '整单退货', approval });
      if (when === 'once the first leg is answered') {
        expect(await asked).toMatchObject({ ok: true, value: { amount: total, legs: [{ leg: 1, status: 'refunded' }, { leg: 2 }] } });
      } else if (when === 'as the acquirer refunds the first leg') {
        // Killed as soon as the acquirer's ledger has leg 1's refund: its answer may not be recorded yet (then the
        // restarted till must find it by query, not refund it again).
        const [first] = readDb<{ client_sn: string }>(posDb, "SELECT client_sn FROM payment WHERE status = 'paid' ORDER BY created_at");
        await waitFor(() => (readDb(ledgerPath, "SELECT 1 FROM txn WHERE client_sn = ? AND type = 'refund'", first!.client_sn).length ? true : undefined), 'leg 1 at the acquirer', 10_000);
      } else {
        // Both legs and leg 1's job are committed in one transaction, before anything is sent.
        await waitFor(() => (readDb(posDb, 'SELECT 1 FROM refund WHERE sale_id = ?', saleId).length === 2 ? true : undefined), 'the committed legs', 10_000);
      }
      host.process.kill('SIGKILL');
      void asked.catch(() => undefined);
      await host.stop();
      const atKill = refundLegs(posDb, saleId);
      expect(atKill.map((l) => l.amount)).toEqual([firstAmount, total - firstAmount]);

      const restarted = await startHostProcess({ dataDir, config });
      hosts.push(restarted);
      await waitFor(() => (refundLegs(posDb, saleId).every((l) => l.status === 'refunded') ? true : undefined), 'both legs refunded', 15_000);
      await waitFor(() => (readDb<{ n: number }>(posDb, "SELECT count(*) AS n FROM job WHERE kind = 'refund.send' AND status IN ('queued', 'running')")[0]!.n === 0 ? true : undefined), 'the refund jobs to end');
      // The acquirer refunded each payment exactly its part, once, whatever the kill interrupted.
      expect(refundLegs(posDb, saleId)).toEqual([
        { leg: 1, status: 'refunded', amount: firstAmount, acquirer: [{ type: 'refund', amount: firstAmount }] },
        { leg: 2, status: 'refunded', amount: total - firstAmount, acquirer: [{ type: 'refund', amount: total - firstAmount }] },
      ]);
      // One refund, one receipt: each leg has its number, the stock came back once (on the last leg).
      expect(readDb<{ n: number }>(posDb, 'SELECT count(*) AS n FROM refund WHERE sale_id = ? AND receipt_no IS NOT NULL', saleId)[0]!.n).toBe(2);
      expect(readDb<{ n: number }>(posDb, "SELECT count(*) AS n FROM stock_movement WHERE ref IN (SELECT id FROM refund WHERE sale_id = ?)", saleId)[0]!.n).toBe(1);
      await restarted.stop();
    });
  }

  it('the till dies while the acquirer still holds the last part: found paid by query after the restart, the sale completed once', async () => {
    const { dataDir, config, host, api, total, firstAmount, posDb } = await saleWithFirstPartPaid();
    // 5000: the acquirer holds the request (paid 2 s later); the terminal dies waiting for the answer.
    void api.call('payment.payByCode', { code: sandboxPaymentCode('unionpay', '5000') });
    const clientSn = await waitFor(() => readDb<{ client_sn: string }>(posDb, "SELECT client_sn FROM payment WHERE status = 'submitted'")[0]?.client_sn, 'the committed last part');
    await waitFor(() => (readDb(ledgerPath, 'SELECT 1 FROM upay_order WHERE client_sn = ?', clientSn).length ? true : undefined), 'the order at the acquirer');
    host.process.kill('SIGKILL');
    await host.stop();

    const sale = await restartAndSettle(dataDir, config, posDb);
    expect(readDb(posDb, 'SELECT kind, amount FROM sale_tender WHERE sale_id = ? ORDER BY seq', sale.id)).toEqual([
      { kind: 'wechat', amount: firstAmount },
      { kind: 'unionpay', amount: total - firstAmount },
    ]);
    expect(charges(posDb)).toEqual([
      { amount: firstAmount, txns: [{ type: 'pay', amount: firstAmount }] },
      { amount: total - firstAmount, txns: [{ type: 'pay', amount: total - firstAmount }] },
    ]);
  });
});
