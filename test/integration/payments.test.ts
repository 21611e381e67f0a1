import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-common/roles';
import type { PaymentView } from '../../src-common/schemas';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { startTestPos, type TestPos } from '../helpers/pos';

const FINAL = ['paid', 'failed', 'reversed', 'needs_attention'];

describe('wallet payments against the sandbox acquirer over real HTTP', () => {
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

  /** The sandbox's own ledger: what the acquirer thinks happened, per client_sn. */
  function ledger() {
    const db = new Sqlite(join(t.dataDir, 'sandbox-acquirer.sqlite'), { readonly: true });
    try {
      const rows = db.prepare("SELECT client_sn AS clientSn, type, amount FROM txn WHERE status = 'SUCCESS' ORDER BY id").all() as {
        clientSn: string;
        type: string;
        amount: number;
      }[];
      const net = rows.reduce((sum, r) => sum + (r.type === 'pay' ? r.amount : -r.amount), 0);
      return { rows, net };
    } finally {
      db.close();
    }
  }

  async function newSale(items = 2) {
    for (let i = 0; i < items; i++) await t.ok(cashier, 'sale.scan', { code: barcode });
    return (await t.ok(cashier, 'sale.current', {}))!;
  }

  /** Waits until the payment is final and its sale (if paid) is closed; returns the stored outcome. */
  async function settle(paymentId: string, timeoutMs = 8000): Promise<Pick<PaymentView, 'status' | 'failureCode'>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const [row] = t.query<{ status: PaymentView['status']; failureCode: string | null; saleStatus: string }>(
        'SELECT p.status, p.failure_code AS failureCode, s.status AS saleStatus FROM payment p JOIN sale s ON s.id = p.sale_id WHERE p.id = ?',
        paymentId,
      );
      if (row && FINAL.includes(row.status) && (row.status !== 'paid' || row.saleStatus === 'completed')) {
        return { status: row.status, failureCode: row.failureCode };
      }
      if (Date.now() > until) throw new Error(`payment ${paymentId} still ${row?.status}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  function walletTenders() {
    return t.query<{ sale_id: string; kind: string; amount: number; reference: string; payment_id: string }>(
      "SELECT sale_id, kind, amount, reference, payment_id FROM sale_tender WHERE kind != 'cash' AND kind != 'other'",
    );
  }

  it('refuses what is not a payment code before anything is sent', async () => {
    await newSale(1);
    const before = ledger().rows.length;
    expect(await t.call(cashier, 'payment.payByCode', { code: barcode })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { reason: 'product_barcode' } },
    });
    expect(await t.call(cashier, 'payment.payByCode', { code: '991234567890123456' })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { accepted: ['wechat', 'alipay', 'unionpay', 'ecny', 'jdpay', 'bestpay'] } },
    });
    expect(t.query('SELECT id FROM payment')).toEqual([]);
    expect(ledger().rows.length).toBe(before);
  });

  it('refuses an Alipay face token (35 characters, dynamic_id takes 32) with its own reason, before anything is sent', async () => {
    await newSale(1);
    const orders = () => {
      const db = new Sqlite(join(t.dataDir, 'sandbox-acquirer.sqlite'), { readonly: true });
      try {
        return db.prepare('SELECT count(*) AS n FROM upay_order').get() as { n: number };
      } finally {
        db.close();
      }
    };
    const before = orders().n;
    expect(await t.call(cashier, 'payment.payByCode', { code: `fp${'Ab3'.repeat(11)}` })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { reason: 'too_long_for_acquirer', maxLength: 32 } },
    });
    expect(t.query('SELECT id FROM payment')).toEqual([]);
    expect(orders().n).toBe(before);
  });

  it('is paid at once with a 0000 code and completes the sale with the wallet and the masked code', async () => {
    const cart = (await t.ok(cashier, 'sale.current', {}))!;
    const code = sandboxPaymentCode('wechat', '0000');
    const payment = await t.ok(cashier, 'payment.payByCode', { code });
    expect(payment).toMatchObject({ status: 'paid', wallet: 'wechat', amount: cart.total });
    expect(payment.maskedCode).toBe(`${code.slice(0, 4)}${'*'.repeat(code.length - 8)}${code.slice(-4)}`);
    expect(await t.ok(cashier, 'sale.current', {})).toBeNull();
    const [tender] = walletTenders();
    expect(tender).toMatchObject({ sale_id: cart.saleId, kind: 'wechat', amount: cart.total, reference: payment.maskedCode });
    const receipt = await t.ok(cashier, 'sale.receipt', { saleId: cart.saleId });
    expect(receipt.text).toContain('微信支付');
    expect(receipt.text).toContain(payment.maskedCode!);
    expect(receipt.text).not.toContain(code);
  });

  it('waits for the PIN, keeps the cart locked meanwhile, then completes', async () => {
    const cart = await newSale();
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('alipay', '1100') });
    expect(payment.status).toBe('pending');
    expect(await t.call(cashier, 'sale.scan', { code: barcode })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'payment_in_progress' } } });
    expect((await settle(payment.paymentId)).status).toBe('paid');
    expect(t.query('SELECT status FROM sale WHERE id = ?', cart.saleId)).toEqual([{ status: 'completed' }]);
    // Every poll moved the payment's one job in place: one row, its runs counted and each in its history; the
    // answer "paid" turned it into the sale's completion, done at once.
    const jobs = t.query<{ id: string; kind: string; status: string; attempts: number }>('SELECT id, kind, status, attempts FROM job WHERE subject = ?', `payment:${payment.paymentId}`);
    expect(jobs).toEqual([{ id: expect.any(String), kind: 'payment.completeSale', status: 'done', attempts: expect.any(Number) }]);
    const history = t.query<{ outcome: string }>('SELECT outcome FROM job_attempt WHERE job_id = ? ORDER BY attempt', jobs[0]!.id).map((h) => h.outcome);
    expect(history).toHaveLength(jobs[0]!.attempts);
    expect(history.at(-1)).toBe('done');
    expect(history.slice(0, -1).every((o) => o === 'rescheduled')).toBe(true);
  });

  it.each([
    ['3000', 'insufficient_funds'],
    ['4000', 'code_expired'],
    ['2050', 'declined'],
  ])('ends failed with the reason for a %s code, leaving the sale open to pay another way', async (suffix, failureCode) => {
    const cart = await newSale(1);
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('unionpay', suffix) });
    const final = await settle(payment.paymentId);
    expect(final).toMatchObject({ status: 'failed', failureCode });
    expect((await t.ok(cashier, 'sale.current', {}))!.saleId).toBe(cart.saleId);
    // Cash still works for the same sale.
    const done = await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.total }] });
    expect(done.saleId).toBe(cart.saleId);
  });

  it.each([
    ['5000', 'a request that hangs past the timeout'],
    ['7000', 'a reply lost after the charge'],
    ['8000', 'a reply with a bad signature'],
  ])('resolves %s (%s) by query: paid once, sale completed', async (suffix) => {
    const cart = await newSale(1);
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', suffix) });
    expect(['unknown', 'pending', 'paid']).toContain(payment.status);
    expect((await settle(payment.paymentId)).status).toBe('paid');
    expect(t.query('SELECT status FROM sale WHERE id = ?', cart.saleId)).toEqual([{ status: 'completed' }]);
    const clientSn = t.query<{ client_sn: string }>('SELECT client_sn FROM payment WHERE id = ?', payment.paymentId)[0]!.client_sn;
    expect(ledger().rows.filter((r) => r.clientSn === clientSn && r.type === 'pay')).toHaveLength(1);
  });

  it('fails without a charge when the acquirer answered 500 and never made the order', async () => {
    await newSale(1);
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('ecny', '6000') });
    expect(payment.status).toBe('unknown');
    expect((await settle(payment.paymentId)).status).toBe('failed');
    await t.ok(cashier, 'sale.void', { reason: 'test' });
  });

  it('polls a merchant QR as precreate.md says (every 2 s at first), not at the barcode interval; Alipay asked with payway 1', async () => {
    await newSale(1);
    const payment = await t.ok(cashier, 'payment.payByQr', { wallet: 'alipay' });
    expect(payment).toMatchObject({ status: 'pending', qrCode: expect.any(String) });
    const [created] = t.query<{ at: string }>("SELECT at FROM payment_event WHERE payment_id = ? AND type = 'precreate'", payment.paymentId);
    const [job] = t.query<{ run_at: number }>("SELECT run_at FROM job WHERE subject = ? AND status = 'queued'", `payment:${payment.paymentId}`);
    // The job is due 2 s after the answer came (the event is written a moment after): not the configured 40 ms.
    expect(job!.run_at - Date.parse(created!.at)).toBeGreaterThan(1500);
    expect(job!.run_at - Date.parse(created!.at)).toBeLessThanOrEqual(2000);
    const db = new Sqlite(join(t.dataDir, 'sandbox-acquirer.sqlite'), { readonly: true });
    try {
      const [row] = t.query<{ acquirer_sn: string }>('SELECT acquirer_sn FROM payment WHERE id = ?', payment.paymentId);
      expect(db.prepare('SELECT payway FROM upay_order WHERE sn = ?').get(row!.acquirer_sn)).toEqual({ payway: '1' });
    } finally {
      db.close();
    }
    await t.ok(cashier, 'payment.cancel', { paymentId: payment.paymentId });
    expect((await settle(payment.paymentId)).status).toBe('reversed');
  });

  it('reverses when the cashier stops waiting, and the customer is not charged', async () => {
    await newSale(1);
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('jdpay', '1999') });
    expect(payment.status).toBe('pending');
    await t.ok(cashier, 'payment.cancel', { paymentId: payment.paymentId });
    expect((await settle(payment.paymentId)).status).toBe('reversed');
    const clientSn = t.query<{ client_sn: string }>('SELECT client_sn FROM payment WHERE id = ?', payment.paymentId)[0]!.client_sn;
    expect(ledger().rows.filter((r) => r.clientSn === clientSn)).toEqual([]);
    await t.ok(cashier, 'sale.void', { reason: 'test' });
  });

  it('never uses one scanned code for two orders', async () => {
    await newSale(1);
    const code = sandboxPaymentCode('bestpay', '3000');
    const first = await t.ok(cashier, 'payment.payByCode', { code });
    await settle(first.paymentId);
    expect(await t.call(cashier, 'payment.payByCode', { code })).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'code_reused' } } });
    await t.ok(cashier, 'sale.void', { reason: 'test' });
  });

  it('charges a sale once when two payments are asked for at the same moment, and never a sale voided meanwhile', async () => {
    const cart = await newSale(1);
    // Both requests check the sale, then wait for the acquirer's credentials; only the first to come back may commit.
    const [a, b] = await Promise.all([
      t.call(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') }),
      t.call(cashier, 'payment.payByCode', { code: sandboxPaymentCode('alipay', '0000') }),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    expect((a.ok ? b : a)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(t.query('SELECT count(*) AS n FROM payment WHERE sale_id = ?', cart.saleId)).toEqual([{ n: 1 }]);
    const paid = [a, b].find((r) => r.ok) as { ok: true; value: PaymentView };
    await settle(paid.value.paymentId);

    const next = await newSale(1);
    const [paying, voided] = await Promise.all([
      t.call(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') }),
      t.call(cashier, 'sale.void', { reason: 'customer left' }),
    ]);
    expect(voided.ok).toBe(true);
    expect(paying).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(t.query('SELECT count(*) AS n FROM payment WHERE sale_id = ?', next.saleId)).toEqual([{ n: 0 }]);
  });

  it('takes no second wallet payment for a sale whose last one needs attention (the customer may have paid)', async () => {
    const cart = await newSale(1);
    const db = new Sqlite(join(t.dataDir, 'pos.sqlite'));
    const at = new Date().toISOString();
    db.prepare(
      "INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at) VALUES ('PAYNA', ?, 'NA-1', 'code', 'wechat', ?, 'needs_attention', ?, ?, ?)",
    ).run(cart.saleId, cart.total, JSON.stringify({ status: 'needs_attention', amount: cart.total }), at, at);
    db.close();
    expect(await t.call(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') })).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { reason: 'needs_attention', paymentId: 'PAYNA' } },
    });
    expect(t.query('SELECT count(*) AS n FROM payment WHERE sale_id = ?', cart.saleId)).toEqual([{ n: 1 }]);
    // Cash still closes the sale.
    await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
  });

  it('keeps the terminal’s records equal to the sandbox ledger, to the fen', () => {
    const tenders = walletTenders();
    const paidHere = tenders.reduce((sum, r) => sum + r.amount, 0);
    expect(ledger().net).toBe(paidHere);
    expect(t.query("SELECT count(*) AS n FROM payment WHERE status NOT IN ('paid', 'failed', 'reversed', 'needs_attention')")).toEqual([{ n: 0 }]);
    expect(t.query("SELECT count(*) AS n FROM job WHERE status IN ('queued', 'running')")).toEqual([{ n: 0 }]);
  });

  it('completes at the next start a sale whose payment was recorded paid just before a crash', async () => {
    const cart = await newSale(1);
    const payment = await t.ok(cashier, 'payment.payByCode', { code: sandboxPaymentCode('wechat', '1999') });
    expect(payment.status).toBe('pending');
    const dataDir = t.dataDir;
    await t.close();
    // What a crash right after the payment's commit leaves behind: the payment paid, its sale still open.
    const db = new Sqlite(join(dataDir, 'pos.sqlite'));
    const state = JSON.parse((db.prepare('SELECT state FROM payment WHERE id = ?').get(payment.paymentId) as { state: string }).state);
    db.prepare("UPDATE payment SET status = 'paid', state = ? WHERE id = ?").run(JSON.stringify({ ...state, status: 'paid' }), payment.paymentId);
    db.prepare("UPDATE job SET status = 'done', lease_owner = NULL, lease_until = NULL").run();
    db.close();

    t = await startTestPos({ acquirer: { sandboxSpeed: 0.02 } }, dataDir);
    cashier = await t.signedIn('cashier');
    expect(t.query('SELECT status FROM sale WHERE id = ?', cart.saleId)).toEqual([{ status: 'completed' }]);
    expect(t.query('SELECT kind, amount, payment_id AS paymentId FROM sale_tender WHERE sale_id = ?', cart.saleId)).toEqual([
      { kind: 'wechat', amount: cart.total, paymentId: payment.paymentId },
    ]);
  });
});
