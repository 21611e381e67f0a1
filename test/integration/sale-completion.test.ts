/**
 * The money is in, the sale cannot be closed right now (its transaction fails: a full disk, an I/O error): the
 * completion is a durable job retried until it succeeds, the till says so, and meanwhile the paid sale can be
 * neither voided, changed, parked, paid in cash nor charged again. Real SQLite file, real HTTP to the sandbox.
 * The failure is a real one of the sale's closing transaction (a trigger aborting it), lifted when "space is freed".
 */
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-common/roles';
import type { PaymentView } from '../../src-common/schemas';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { startTestPos, type TestPos } from '../helpers/pos';

describe('a paid payment whose sale cannot be closed at once', () => {
  let t: TestPos;
  let cashier: Session;
  let barcode: string;

  beforeAll(async () => {
    t = await startTestPos({
      acquirer: {
        sandboxSpeed: 0.02,
        timeouts: { payMs: 400, queryMs: 1000, otherMs: 1000 },
        timings: { pollIntervalMs: 40, pollDeadlineMs: 1500, cancelRetryMs: 40, maxCancelAttempts: 5 },
      },
    });
    cashier = await t.signedIn('cashier');
    barcode = (await t.ok(cashier, 'catalog.search', { query: 'kkkl' }))[0]!.barcodes[0]!;
  });
  afterAll(() => t?.close());

  function withDb<T>(fn: (db: Sqlite.Database) => T): T {
    const db = new Sqlite(join(t.dataDir, 'pos.sqlite'));
    db.pragma('busy_timeout = 5000');
    try {
      return fn(db);
    } finally {
      db.close();
    }
  }
  const sandboxNet = () => {
    const db = new Sqlite(join(t.dataDir, 'sandbox-acquirer.sqlite'), { readonly: true });
    try {
      return (db.prepare("SELECT COALESCE(SUM(CASE WHEN type = 'pay' THEN amount ELSE -amount END), 0) AS net FROM txn WHERE status = 'SUCCESS'").get() as { net: number }).net;
    } finally {
      db.close();
    }
  };

  it('answers paid with the completion pending, refuses every change of the sale, and completes it once it can', async () => {
    await t.ok(cashier, 'sale.scan', { code: barcode });
    await t.ok(cashier, 'sale.scan', { code: barcode });
    const cart = (await t.ok(cashier, 'sale.current', {}))!;
    withDb((db) =>
      db.exec(`CREATE TRIGGER test_sale_cannot_close BEFORE UPDATE OF status ON sale WHEN NEW.status = 'completed'
               BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END`),
    );
    const seen: PaymentView[] = [];
    const unsubscribe = t.pos.events.subscribe((name, payload) => name === 'payment.changed' && seen.push(payload as PaymentView));
    try {
      const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') });
      // The customer paid: the till says so, and that the sale is still to be recorded.
      expect(payment).toMatchObject({ status: 'paid', failureCode: 'sale_completion_pending' });
      expect(await t.ok(cashier, 'payment.current', {})).toMatchObject({ status: 'paid', failureCode: 'sale_completion_pending' });
      const jobs = t.query<{ kind: string; status: string }>('SELECT kind, status FROM job WHERE subject = ?', `payment:${payment.paymentId}`);
      expect(jobs).toEqual([{ kind: 'payment.completeSale', status: expect.stringMatching(/^(queued|running)$/) }]);

      // Nothing may undo or double the charge while its sale waits to be recorded.
      for (const [name, input] of [
        ['sale.void', { reason: 'customer left' }],
        ['sale.scan', { code: barcode }],
        ['sale.suspend', {}],
        ['sale.setOrderDiscount', { discount: { kind: 'percent', basisPoints: 1000 } }],
        ['sale.complete', { tenders: [{ kind: 'cash', amount: cart.total }] }],
        ['payment.payByCode', { code: sandboxPaymentCode('alipay', '0000') }],
      ] as const) {
        const result = await t.call(cashier, name, input as never);
        expect(result, name).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'sale_completion_pending' } } });
      }
      expect(t.query('SELECT status FROM sale WHERE id = ?', cart.saleId)).toEqual([{ status: 'open' }]);
      // Its job keeps trying (attempts recorded with the error), without anyone asking.
      await new Promise((r) => setTimeout(r, 1200));
      const [job] = t.query<{ attempts: number; last_error: string | null }>('SELECT attempts, last_error FROM job WHERE subject = ?', `payment:${payment.paymentId}`);
      expect(job!.attempts).toBeGreaterThanOrEqual(1);
      expect(job!.last_error).toContain('database or disk is full');

      // The failure lifts: the sale completes by itself with the wallet tender, and the screens hear of it.
      withDb((db) => db.exec('DROP TRIGGER test_sale_cannot_close'));
      const until = Date.now() + 20_000;
      while (t.query<{ status: string }>('SELECT status FROM sale WHERE id = ?', cart.saleId)[0]!.status !== 'completed') {
        if (Date.now() > until) throw new Error('the sale was never completed');
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(t.query("SELECT kind, amount, payment_id FROM sale_tender WHERE sale_id = ?", cart.saleId)).toEqual([{ kind: 'wechat', amount: cart.total, payment_id: payment.paymentId }]);
      // The job ends after its handler's commit closed the sale (a transaction of the runner's own): on a loaded
      // machine a moment later (ci35 read it still running).
      await expect.poll(() => t.query('SELECT status FROM job WHERE subject = ?', `payment:${payment.paymentId}`), { timeout: 10_000 }).toEqual([{ status: 'done' }]);
      await new Promise((r) => setTimeout(r, 50));
      expect(seen.at(-1)).toMatchObject({ status: 'paid', failureCode: null });
      expect(await t.ok(cashier, 'sale.current', {})).toBeNull();
      // The till's wallet takings equal the acquirer's, to the fen.
      const [local] = t.query<{ total: number }>(
        "SELECT COALESCE(SUM(t.amount), 0) AS total FROM sale_tender t JOIN sale s ON s.id = t.sale_id WHERE s.status = 'completed' AND t.kind NOT IN ('cash', 'other')",
      );
      expect(local!.total).toBe(sandboxNet());
    } finally {
      unsubscribe();
    }
  });
});
