/**
 * The refunds service on a real SQLite file, with real sales and wallet payments against the sandbox
 * acquirer over HTTP on 127.0.0.1. The acquirer is wrapped so a test can lose a reply, keep a refund
 * "in progress" or drop a request, exactly the faults the outbox must survive.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite, { type Database } from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../db/ids';
import { openDatabase } from '../../db/open';
import { insertPayment } from '../../db/queries/payments';
import { dailyRefundTotals, refundEvents } from '../../db/queries/refunds';
import { insertSale, takeReceiptNumber, writeCompletedSale } from '../../db/queries/sales';
import { renderReceiptText } from '../../src-common/receipt-text';
import { newSession, type Role, type Session } from '../../src-common/roles';
import type { AcquirerPort, CancelOutcome, RefundOutcome, RefundStatusOutcome } from '../acquirer/port';
import { sandboxPaymentCode } from '../acquirer/sandbox/test-codes';
import { SANDBOX_APP_ID, SANDBOX_VENDOR_KEY, SANDBOX_VENDOR_SN, startSandboxAcquirer, type SandboxAcquirer } from '../acquirer/sandbox/server';
import { createShouqianbaAdapter } from '../acquirer/shouqianba';
import { systemClock } from '../clock';
import { parseConfig } from '../config';
import { createEventBus } from '../events';
import { createAuthService, DEFAULT_USERS, type AuthService } from './auth';
import { createCatalogService, type CatalogService } from './catalog';
import { sandboxCredentials } from './sandbox-credentials';
import { createPaymentsService, type PaymentsService } from './payments';
import { businessDateOf, defaultBusinessDayRule } from '../../src-common/business-day';
import { createSalesService, type SalesService } from './sales';
import { createDomainEventBus } from '../domain-events';
import { createSettingsService } from './settings';
import { startTerminal } from './terminal';
import type { RefundView } from '../../src-common/schemas';
import { createJobRunner } from '../jobs/runner';
import { createRefundsService, type RefundsService, type RefundTimings } from './refunds';

const log = pino({ level: 'silent' });
const FAST: RefundTimings = { retryMs: 25, maxRetryMs: 100, deadlineMs: 3000 };

/** What the wrapped acquirer does with the next refunds. */
type Fault = 'none' | 'lost_reply' | 'in_progress' | 'not_sent' | 'fail';

interface Rig {
  dir: string;
  db: Database;
  sandbox: SandboxAcquirer;
  acquirer: AcquirerPort;
  credentials: ReturnType<typeof sandboxCredentials>;
  auth: AuthService;
  catalog: CatalogService;
  sales: SalesService;
  payments: PaymentsService;
  refunds: RefundsService;
  terminalId: string;
  settings: ReturnType<typeof createSettingsService>;
  fault: { mode: Fault };
  /** The same faults for the next revokes (a void's reversal). */
  cancelFault: { mode: Fault };
  sent: { refundRequestNo: string; amount: number; clientSn: string }[];
  /** The client_sn of every revoke that reached the acquirer. */
  cancels: string[];
  /** The refund_request_no of every refund looked up by query. */
  statusQueries: string[];
  emitted: RefundView[];
  session(role: Role): Promise<Session>;
  userId(role: Role): string;
  newRefunds(timings?: RefundTimings): RefundsService;
  close(): Promise<void>;
}

async function startRig(config: Record<string, unknown> = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-refunds-'));
  const parsed = parseConfig({ log: { level: 'warn' }, ...config });
  const clock = systemClock;
  const db = openDatabase(join(dir, 'pos.sqlite'));
  const events = createEventBus(() => {});
  const settings = createSettingsService({ db, config: parsed, clock, events, log });
  const catalog = createCatalogService({ db, clock, log });
  const terminal = startTerminal({ db, clock, config: parsed, appVersion: 'test', settings, catalog });
  const auth = createAuthService({ db, clock, log });
  await auth.ensureDefaultUsers();
  catalog.loadDemoIfEmpty();
  const terminalId = terminal.status().terminalId;
  const sales = createSalesService({ db, clock, log, bus: createDomainEventBus(() => {}), catalog, auth, settings, terminalId, weighedLayout: parsed.scaleLabel });
  const sandbox = await startSandboxAcquirer({ dbPath: join(dir, 'sandbox-acquirer.sqlite'), port: 0, log, clock, speed: { scale: 0.02 } });
  const real = createShouqianbaAdapter({
    baseUrl: sandbox.url,
    vendorSn: SANDBOX_VENDOR_SN,
    vendorKey: SANDBOX_VENDOR_KEY,
    appId: SANDBOX_APP_ID,
    timeouts: { payMs: 2000, queryMs: 2000, otherMs: 2000 },
    log,
    clock,
  });
  const fault = { mode: 'none' as Fault };
  const cancelFault = { mode: 'none' as Fault };
  const sent: Rig['sent'] = [];
  const cancels: string[] = [];
  const statusQueries: string[] = [];
  const acquirer: AcquirerPort = {
    ...real,
    async refund(creds, input): Promise<RefundOutcome> {
      if (fault.mode === 'not_sent') return { kind: 'unknown', reason: 'test: the request never left' };
      if (fault.mode === 'fail') return { kind: 'failed', code: 'other', message: 'test: refused' };
      sent.push({ refundRequestNo: input.refundRequestNo, amount: input.amount, clientSn: input.clientSn });
      const outcome = await real.refund(creds, input);
      if (fault.mode === 'lost_reply') return { kind: 'unknown', reason: 'test: the reply was lost' };
      if (fault.mode === 'in_progress') return { kind: 'in_progress' };
      return outcome;
    },
    async query(creds, clientSn) {
      // A reversal "still processing" shows in the order's query too.
      if (cancelFault.mode === 'in_progress') return { kind: 'unknown', reason: 'test: the acquirer is still processing' };
      return real.query(creds, clientSn);
    },
    async refundStatus(creds, input): Promise<RefundStatusOutcome> {
      // While the acquirer is "still processing", its order query says so too.
      if (fault.mode === 'in_progress') return { kind: 'in_progress' };
      statusQueries.push(input.refundRequestNo);
      return real.refundStatus(creds, input);
    },
    async revoke(creds, clientSn): Promise<CancelOutcome> {
      if (cancelFault.mode === 'not_sent') return { kind: 'unknown', reason: 'test: the request never left' };
      if (cancelFault.mode === 'fail') return { kind: 'failed', message: 'test: refused' };
      cancels.push(clientSn);
      const outcome = await real.revoke(creds, clientSn);
      if (cancelFault.mode === 'lost_reply') return { kind: 'unknown', reason: 'test: the reply was lost' };
      if (cancelFault.mode === 'in_progress') return { kind: 'in_progress' };
      return outcome;
    },
  };
  const credentials = sandboxCredentials({ acquirer, clock, deviceId: terminalId });
  const paymentJobs = createJobRunner({ db, clock, log });
  const payments = createPaymentsService({
    db,
    clock,
    log,
    events,
    sales,
    acquirer,
    credentials,
    timings: { pollIntervalMs: 40, pollDeadlineMs: 1500, cancelRetryMs: 40, maxCancelAttempts: 5 },
    qrDeadlineMs: parsed.acquirer.qrDeadlineMs,
    subject: 'test',
    jobs: paymentJobs,
    assertDiskRoom: async () => {},
  });
  paymentJobs.start();
  const emitted: RefundView[] = [];
  const all: RefundsService[] = [];
  // Each refunds service stands for one run of the terminal: its own job runner, stopped with it.
  const newRefunds = (timings = FAST): RefundsService => {
    const jobs = createJobRunner({ db, clock, log });
    const created = createRefundsService({
      db,
      clock,
      log,
      events: { emit: (_name, view) => void emitted.push(view) },
      acquirer,
      credentials,
      auth,
      settings,
      terminalId,
      timings,
      jobs,
    });
    jobs.start();
    const service = { ...created, stop: () => (created.stop(), jobs.stop()) };
    all.push(service);
    return service;
  };
  const refunds = newRefunds();
  refunds.recover();
  const userId = (role: Role) => auth.users().find((u) => u.role === role)!.id;
  return {
    dir,
    db,
    sandbox,
    acquirer,
    credentials,
    auth,
    catalog,
    sales,
    payments,
    refunds,
    terminalId,
    settings,
    fault,
    cancelFault,
    sent,
    cancels,
    statusQueries,
    emitted,
    userId,
    newRefunds,
    async session(role) {
      const session = newSession();
      await auth.signIn(userId(role), DEFAULT_USERS.find((u) => u.role === role)!.pin, session);
      return session;
    },
    async close() {
      for (const s of all) s.stop();
      payments.stop();
      paymentJobs.stop();
      await sandbox.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const ownerPin = DEFAULT_USERS.find((u) => u.role === 'owner')!.pin;

describe('refunds on a real database against the sandbox acquirer', { timeout: 20_000 }, () => {
  let rig: Rig;
  let cashier: Session;
  let owner: Session;
  let products: { id: string; price: number }[];

  beforeAll(async () => {
    rig = await startRig();
    cashier = await rig.session('cashier');
    owner = await rig.session('owner');
    products = (rig.db.prepare("SELECT id, price FROM product WHERE unit = 'each' AND active = 1 AND price >= 100 ORDER BY sku LIMIT 3").all() as { id: string; price: number }[]);
  });
  afterAll(() => rig?.close());

  const approval = () => ({ userId: rig.userId('owner'), pin: ownerPin });
  const stock = (productId: string) => (rig.db.prepare('SELECT stock_milli FROM product WHERE id = ?').pluck().get(productId) as number);
  const ledgerRefunds = (clientSn: string) => rig.sandbox.ledger.transactions({ clientSn }).filter((t) => t.type === 'refund' && t.status === 'SUCCESS');
  const clientSnOf = (saleId: string) => rig.db.prepare('SELECT p.client_sn FROM sale_tender t JOIN payment p ON p.id = t.payment_id WHERE t.sale_id = ?').pluck().get(saleId) as string;
  const totals = () => Object.fromEntries(dailyRefundTotals(rig.db, businessDateOf(new Date(), defaultBusinessDayRule())).map((t) => [t.kind, { count: t.count, amount: t.amount }]));
  const counts = () => rig.db.prepare('SELECT (SELECT count(*) FROM refund) AS refunds, (SELECT count(*) FROM refund_line) AS lines, (SELECT count(*) FROM stock_movement) AS moves').get();

  /** A completed sale of `lines` (product index, quantity in pieces), paid by a wallet code (0000: paid at once) or cash. */
  async function sale(lines: [number, number][], pay: 'wallet' | 'cash') {
    for (const [i, qty] of lines) rig.sales.addProduct(products[i]!.id, qty * 1000, cashier);
    const cart = rig.sales.current()!;
    if (pay === 'cash') {
      rig.sales.complete([{ kind: 'cash', amount: cart.cashDue }], cashier);
    } else {
      const payment = await rig.payments.payByCode(sandboxPaymentCode('wechat', '0000'), cashier);
      expect(payment.status).toBe('paid');
    }
    expect(rig.sales.current()).toBeNull();
    return cart;
  }

  async function settled(refunds: RefundsService, refundId: string, timeoutMs = 10_000): Promise<RefundView> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const view = refunds.get(refundId);
      if (['refunded', 'failed', 'needs_attention'].includes(view.status)) return view;
      if (Date.now() > until) throw new Error(`refund ${refundId} still ${view.status}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('refunds one line of a wallet sale to the wallet once, returns its stock and counts it in the day’s totals', async () => {
    const cart = await sale([[0, 2], [1, 1]], 'wallet');
    const before = rig.refunds.refundable(cart.saleId);
    expect(before).toMatchObject({ paid: cart.total, refunded: 0, pending: 0, refundable: cart.total });
    expect(before.tenders).toEqual([expect.objectContaining({ kind: 'wechat', wallet: true, amount: cart.total, refundable: cart.total })]);
    const line2 = before.lines.find((l) => l.lineNo === 2)!;
    expect(line2).toMatchObject({ quantityMilli: 1000, refundableQuantityMilli: 1000, refundableAmount: cart.lines[1]!.net });

    const stockBefore = stock(products[1]!.id);
    const totalsBefore = totals();
    const refund = await rig.refunds.request({ saleId: cart.saleId, lines: [{ lineNo: 2, quantityMilli: 1000 }], reason: '退货' }, owner);
    expect(refund).toMatchObject({ status: 'refunded', kind: 'wallet', tenderKind: 'wechat', amount: cart.lines[1]!.net, walletAmount: cart.lines[1]!.net, cashAmount: 0 });
    expect(refund.refundRequestNo).toMatch(/^\d{8}R[0-9A-Z]{11}$/);
    expect(refund.receiptNumber).toMatch(/^.{4}-R\d{6}$/);
    expect(refund.lines).toEqual([expect.objectContaining({ lineNo: 2, quantityMilli: 1000, amount: cart.lines[1]!.net })]);
    expect(ledgerRefunds(clientSnOf(cart.saleId))).toEqual([expect.objectContaining({ amount: refund.amount, refundRequestNo: refund.refundRequestNo })]);
    expect(stock(products[1]!.id)).toBe(stockBefore + 1000);
    expect(totals().wechat).toEqual({ count: (totalsBefore.wechat?.count ?? 0) + 1, amount: (totalsBefore.wechat?.amount ?? 0) + refund.amount });
    expect(rig.emitted.filter((v) => v.refundId === refund.refundId).at(-1)?.status).toBe('refunded');

    const after = rig.refunds.refundable(cart.saleId);
    expect(after).toMatchObject({ refunded: refund.amount, refundable: cart.total - refund.amount });
    expect(after.lines.find((l) => l.lineNo === 2)).toMatchObject({ refundableQuantityMilli: 0, refundableAmount: 0, refundedAmount: refund.amount });

    // A person's retry asks the acquirer first: found refunded, it is not sent again, nor counted twice.
    const again = await rig.refunds.retry(refund.refundId, cashier);
    expect(again).toMatchObject({ status: 'refunded', receiptNumber: refund.receiptNumber, refundRequestNo: refund.refundRequestNo });
    expect(ledgerRefunds(clientSnOf(cart.saleId))).toHaveLength(1);
    expect(stock(products[1]!.id)).toBe(stockBefore + 1000);
    expect(totals().wechat!.amount).toBe((totalsBefore.wechat?.amount ?? 0) + refund.amount);
    expect(rig.sent.filter((s) => s.refundRequestNo === refund.refundRequestNo)).toHaveLength(1);

    // The other line, then nothing is left, and a third refund is refused.
    const second = await rig.refunds.request({ saleId: cart.saleId, lines: [{ lineNo: 1, quantityMilli: 2000 }], reason: '退货' }, owner);
    expect(second).toMatchObject({ status: 'refunded', amount: cart.lines[0]!.net });
    expect(second.refundRequestNo).not.toBe(refund.refundRequestNo);
    expect(ledgerRefunds(clientSnOf(cart.saleId)).reduce((s, t) => s + t.amount, 0)).toBe(cart.total);
    expect(rig.sandbox.ledger.order(clientSnOf(cart.saleId))!.status).toBe('REFUNDED');
    expect(rig.refunds.refundable(cart.saleId).refundable).toBe(0);
    const nothing = counts();
    await expect(rig.refunds.request({ saleId: cart.saleId, amount: 1, reason: 'x' }, owner)).rejects.toMatchObject({ code: 'conflict' });
    expect(counts()).toEqual(nothing);
    expect(rig.refunds.forSale(cart.saleId).map((r) => r.refundId)).toEqual([refund.refundId, second.refundId]);
  });

  it('builds the refund receipt from the stored refund, with the wallet and its masked reference', async () => {
    const cart = await sale([[0, 1], [2, 2]], 'wallet');
    const refund = await rig.refunds.request({ saleId: cart.saleId, lines: [{ lineNo: 2, quantityMilli: 1000 }], reason: '质量问题' }, owner);
    const receipt = rig.refunds.receipt(refund.refundId);
    const reference = rig.db.prepare('SELECT reference FROM sale_tender WHERE sale_id = ?').pluck().get(cart.saleId) as string;
    expect(receipt).toMatchObject({ kind: 'refund', receiptNumber: refund.receiptNumber, total: refund.amount, change: 0 });
    expect(receipt.tenders).toEqual([{ kind: 'wechat', amount: refund.amount, reference }]);
    expect(receipt.lines).toEqual([expect.objectContaining({ quantityMilli: 1000, net: refund.amount })]);
    expect(receipt.taxes.reduce((s, t) => s + t.taxable, 0)).toBe(refund.amount);
    const text = renderReceiptText(receipt, { columns: 48 });
    expect(text).toContain('退货单');
    expect(text).toContain(reference);
    expect(text).toContain(refund.saleReceiptNumber);
    expect(text).toContain('质量问题');
  });

  it('refunds a cash sale in cash at once, and never more than the cash paid', async () => {
    const cart = await sale([[0, 1], [1, 2]], 'cash');
    const stockBefore = stock(products[1]!.id);
    const cashBefore = totals().cash ?? { count: 0, amount: 0 };
    const refund = await rig.refunds.request(
      { saleId: cart.saleId, lines: [{ lineNo: 2, quantityMilli: 1000 }], reason: '退货', approval: approval() },
      cashier,
    );
    expect(refund).toMatchObject({ status: 'refunded', kind: 'cash', tenderKind: 'cash', cashAmount: refund.amount, walletAmount: 0, attempts: 0 });
    expect(refund.amount).toBe(cart.lines[1]!.net / 2);
    expect(stock(products[1]!.id)).toBe(stockBefore + 1000);
    expect(totals().cash).toEqual({ count: cashBefore.count + 1, amount: cashBefore.amount + refund.amount });
    expect(rig.sent.some((s) => s.refundRequestNo === refund.refundRequestNo)).toBe(false);
    await expect(rig.refunds.retry(refund.refundId, owner)).rejects.toMatchObject({ code: 'conflict' });

    const left = rig.refunds.refundable(cart.saleId).refundable;
    const nothing = counts();
    await expect(rig.refunds.request({ saleId: cart.saleId, amount: left + 1, reason: 'x' }, owner)).rejects.toMatchObject({
      code: 'validation_failed',
      details: { reason: 'exceeds_refundable', refundable: left },
    });
    await expect(rig.refunds.request({ saleId: cart.saleId, lines: [{ lineNo: 2, quantityMilli: 2000 }], reason: 'x' }, owner)).rejects.toMatchObject({
      code: 'validation_failed',
      details: { reason: 'exceeds_refundable', refundableQuantityMilli: 1000 },
    });
    await expect(rig.refunds.request({ saleId: cart.saleId, lines: [{ lineNo: 7, quantityMilli: 1000 }], reason: 'x' }, owner)).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(rig.refunds.request({ saleId: cart.saleId, lines: [{ lineNo: 1, quantityMilli: 500 }], reason: 'x' }, owner)).rejects.toMatchObject({
      details: { reason: 'whole_pieces' },
    });
    expect(counts()).toEqual(nothing);

    // Everything left: no lines, no amount.
    const rest = await rig.refunds.request({ saleId: cart.saleId, reason: '整单退' }, owner);
    expect(rest.amount).toBe(left);
    expect(rest.lines.map((l) => [l.lineNo, l.quantityMilli])).toEqual([
      [1, 1000],
      [2, 1000],
    ]);
    expect(rig.refunds.refundable(cart.saleId)).toMatchObject({ refundable: 0, refunded: cart.total });
  });

  it('needs an owner: a cashier alone, a wrong PIN or a cashier’s PIN are refused and record nothing', async () => {
    const cart = await sale([[0, 1]], 'cash');
    const nothing = counts();
    const input = { saleId: cart.saleId, amount: 100, reason: 'x' };
    await expect(rig.refunds.request(input, cashier)).rejects.toMatchObject({ code: 'forbidden', details: { needsApproval: true } });
    await expect(rig.refunds.request({ ...input, approval: { userId: rig.userId('owner'), pin: '0000' } }, cashier)).rejects.toMatchObject({ code: 'wrong_pin' });
    await expect(
      rig.refunds.request({ ...input, approval: { userId: rig.userId('cashier'), pin: DEFAULT_USERS.find((u) => u.role === 'cashier')!.pin } }, cashier),
    ).rejects.toMatchObject({ code: 'forbidden' });
    const technician = await rig.session('technician');
    await expect(rig.refunds.request(input, technician)).rejects.toMatchObject({ code: 'forbidden' });
    expect(counts()).toEqual(nothing);
    const ok = await rig.refunds.request({ ...input, approval: approval() }, cashier);
    expect(ok).toMatchObject({ status: 'refunded', approvedBy: rig.userId('owner'), userId: rig.userId('cashier') });
  });

  it('gives a line back pro rata on the cumulative quantity: its refunds add up to its net exactly', async () => {
    rig.sales.addProduct(products[0]!.id, 3000, cashier);
    const lineId = rig.sales.current()!.lines[0]!.lineId;
    await rig.sales.setLineDiscount(lineId, { kind: 'amount', amount: 1 }, undefined, owner);
    const cart = rig.sales.current()!;
    rig.sales.complete([{ kind: 'cash', amount: cart.cashDue }], cashier);
    const net = cart.lines[0]!.net;
    const p = products[0]!.price;
    expect(net).toBe(3 * p - 1);
    const amounts = [];
    for (let i = 0; i < 3; i++) amounts.push((await rig.refunds.request({ saleId: cart.saleId, lines: [{ lineNo: 1, quantityMilli: 1000 }], reason: 'x' }, owner)).amount);
    expect(amounts).toEqual([p, p - 1, p]);
    expect(amounts.reduce((a, b) => a + b, 0)).toBe(net);
  });

  it('settles a refund whose reply was lost by query, without sending it again: refunded once at the acquirer', async () => {
    const cart = await sale([[0, 1], [1, 1]], 'wallet');
    rig.fault.mode = 'lost_reply';
    const refund = await rig.refunds.request({ saleId: cart.saleId, lines: [{ lineNo: 1, quantityMilli: 1000 }], reason: 'x' }, owner);
    expect(refund.status).toBe('unknown');
    expect(rig.refunds.refundable(cart.saleId)).toMatchObject({ pending: refund.amount, refundable: cart.total - refund.amount });
    rig.fault.mode = 'none';
    const final = await settled(rig.refunds, refund.refundId);
    expect(final).toMatchObject({ status: 'refunded', attempts: 1 });
    expect(rig.sent.filter((s) => s.refundRequestNo === refund.refundRequestNo)).toHaveLength(1);
    expect(rig.statusQueries).toContain(refund.refundRequestNo);
    expect(refundEvents(rig.db, refund.refundId).map((e) => e.type)).toEqual(['submitted', 'refund', 'query']);
    expect(ledgerRefunds(clientSnOf(cart.saleId))).toEqual([expect.objectContaining({ refundRequestNo: refund.refundRequestNo, amount: refund.amount })]);
    expect(rig.db.prepare("SELECT count(*) FROM job WHERE kind = 'refund.send' AND status IN ('queued', 'running')").pluck().get()).toBe(0);
  });

  it('sends again, same number, a refund the order shows no trace of; one job across its runs, attempts and the last error kept', async () => {
    const cart = await sale([[0, 1]], 'wallet');
    const quick = rig.newRefunds({ retryMs: 10, maxRetryMs: 20, deadlineMs: 60_000 });
    rig.fault.mode = 'not_sent';
    const refund = await quick.request({ saleId: cart.saleId, reason: 'x' }, owner);
    const job = () => rig.db.prepare('SELECT id, status, attempts, last_error FROM job WHERE subject = ?').all(`refund:${refund.refundId}`) as { id: string; status: string; attempts: number; last_error: string | null }[];
    await expect.poll(() => job()[0]!.attempts, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    expect(job()).toEqual([expect.objectContaining({ last_error: 'test: the request never left' })]);
    rig.fault.mode = 'none';
    expect(await settled(quick, refund.refundId)).toMatchObject({ status: 'refunded', refundRequestNo: refund.refundRequestNo });
    expect(rig.sent.filter((s) => s.refundRequestNo === refund.refundRequestNo)).toHaveLength(1);
    expect(ledgerRefunds(clientSnOf(cart.saleId))).toEqual([expect.objectContaining({ refundRequestNo: refund.refundRequestNo })]);
    const [done] = job();
    expect(job()).toHaveLength(1);
    expect(done).toMatchObject({ status: 'done', last_error: 'test: the request never left' });
    const history = rig.db.prepare('SELECT attempt, outcome FROM job_attempt WHERE job_id = ? ORDER BY attempt').all(done!.id) as { attempt: number; outcome: string }[];
    expect(history.map((h) => h.attempt)).toEqual(Array.from({ length: done!.attempts }, (_, i) => i + 1));
    expect(history.at(-1)!.outcome).toBe('done');
    // Each earlier run sent again and moved the job ('rescheduled'), or found the request still on the wire ('retry').
    const earlier = history.slice(0, -1).map((h) => h.outcome);
    expect(earlier.every((o) => o === 'rescheduled' || o === 'retry')).toBe(true);
    expect(earlier).toContain('rescheduled');
    quick.stop();
  });

  it('stops retrying at the deadline (needs attention), then a person’s retry sends the same number and it goes through', async () => {
    const cart = await sale([[2, 1]], 'wallet');
    const slow = rig.newRefunds({ retryMs: 20, maxRetryMs: 40, deadlineMs: 300 });
    rig.fault.mode = 'in_progress';
    const refund = await slow.request({ saleId: cart.saleId, reason: 'x' }, owner);
    expect(refund.status).toBe('in_progress');
    const stuck = await settled(slow, refund.refundId);
    expect(stuck).toMatchObject({ status: 'needs_attention', failureCode: 'no_confirmation' });
    // Still reserved: nothing else can be refunded meanwhile.
    expect(slow.refundable(cart.saleId).refundable).toBe(0);
    rig.fault.mode = 'none';
    const done = await slow.retry(refund.refundId, cashier);
    expect(done).toMatchObject({ status: 'refunded', refundRequestNo: refund.refundRequestNo });
    expect(ledgerRefunds(clientSnOf(cart.saleId))).toHaveLength(1);
    slow.stop();
  });

  it('after a restart, resends what the last run left unfinished with the same number', async () => {
    const cart = await sale([[0, 2]], 'wallet');
    const dying = rig.newRefunds({ retryMs: 60_000, maxRetryMs: 60_000, deadlineMs: 600_000 });
    rig.fault.mode = 'not_sent';
    const refund = await dying.request({ saleId: cart.saleId, lines: [{ lineNo: 1, quantityMilli: 1000 }], reason: 'x' }, owner);
    expect(refund.status).toBe('unknown');
    dying.stop();
    rig.fault.mode = 'none';
    expect(ledgerRefunds(clientSnOf(cart.saleId))).toHaveLength(0);

    const next = rig.newRefunds();
    next.recover();
    const final = await settled(next, refund.refundId);
    expect(final).toMatchObject({ status: 'refunded', refundRequestNo: refund.refundRequestNo });
    expect(ledgerRefunds(clientSnOf(cart.saleId))).toEqual([expect.objectContaining({ refundRequestNo: refund.refundRequestNo })]);
    expect(refundEvents(rig.db, refund.refundId).map((e) => e.type)).toContain('recovered');
    next.stop();
  });

  it('releases what a failed refund reserved, and a retry of it (same number) still has to fit', async () => {
    const cart = await sale([[0, 1], [1, 1]], 'wallet');
    rig.fault.mode = 'fail';
    const failed = await rig.refunds.request({ saleId: cart.saleId, lines: [{ lineNo: 1, quantityMilli: 1000 }], reason: 'x' }, owner);
    expect(failed).toMatchObject({ status: 'failed', failureCode: 'other' });
    expect(rig.refunds.refundable(cart.saleId)).toMatchObject({ refundable: cart.total, pending: 0, refunded: 0 });
    rig.fault.mode = 'none';
    const ok = await rig.refunds.retry(failed.refundId, cashier);
    expect(ok).toMatchObject({ status: 'refunded', refundRequestNo: failed.refundRequestNo });

    rig.fault.mode = 'fail';
    const failedAgain = await rig.refunds.request({ saleId: cart.saleId, lines: [{ lineNo: 2, quantityMilli: 1000 }], reason: 'x' }, owner);
    rig.fault.mode = 'none';
    await rig.refunds.request({ saleId: cart.saleId, lines: [{ lineNo: 2, quantityMilli: 1000 }], reason: 'x' }, owner);
    await expect(rig.refunds.retry(failedAgain.refundId, cashier)).rejects.toMatchObject({ code: 'conflict', details: { reason: 'exceeds_refundable' } });
    expect(ledgerRefunds(clientSnOf(cart.saleId)).reduce((s, t) => s + t.amount, 0)).toBe(cart.total);
  });

  it('refunds a mixed sale to the wallet first, the rest in cash, as one refund', async () => {
    const [p0, p1] = products as [{ id: string; price: number }, { id: string; price: number }];
    const total = p0.price + p1.price;
    const walletPart = p0.price;
    const creds = await rig.credentials();
    const clientSn = `MIX${newId().slice(-16)}`;
    const paid = await rig.acquirer.pay(creds, { clientSn, amount: walletPart, authCode: sandboxPaymentCode('alipay', '0000'), subject: 't', operator: 't' });
    expect(paid.kind).toBe('paid');
    const saleId = newId();
    const paymentId = newId();
    const at = new Date().toISOString();
    rig.db.transaction(() => {
      insertSale(rig.db, { id: saleId, terminalId: rig.terminalId, surface: 'till', currency: 'CNY', at, userId: null });
      insertPayment(rig.db, {
        id: paymentId, sale_id: saleId, client_sn: clientSn, kind: 'code', wallet: 'alipay', code_hash: null, masked_code: '2800****0000',
        amount: walletPart, status: 'paid', state: '{}', user_id: null, created_at: at,
      });
      const line = (p: { id: string; price: number }, i: number) => ({
        lineId: `L${i}`, productId: p.id, sku: `S${i}`, name: `item ${i}`, unit: 'each' as const, quantityMilli: 1000, unitPrice: p.price,
        gross: p.price, lineDiscount: 0, orderDiscount: 0, net: p.price, taxRateBp: 1300,
      });
      writeCompletedSale(rig.db, {
        id: saleId, at, userId: null, receiptNo: takeReceiptNumber(rig.db, rig.terminalId), businessDate: businessDateOf(new Date(), defaultBusinessDayRule()),
        subtotal: total, discountTotal: 0, total, rounding: 0, taxTotal: 0, change: 0, lines: [line(p0, 1), line(p1, 2)], taxes: [{ rateBp: 1300, taxable: total, tax: 0 }],
        tenders: [
          { id: newId(), kind: 'alipay', amount: walletPart, tendered: walletPart, reference: '2800****0000', paymentId },
          { id: newId(), kind: 'cash', amount: p1.price, tendered: p1.price, reference: null, paymentId: null },
        ],
      });
    })();
    const before = totals();
    const refund = await rig.refunds.request({ saleId, reason: '整单退' }, owner);
    expect(refund).toMatchObject({ status: 'refunded', kind: 'wallet', tenderKind: 'alipay', amount: total, walletAmount: walletPart, cashAmount: p1.price });
    expect(rig.sandbox.ledger.order(clientSn)).toMatchObject({ status: 'REFUNDED', refunded: walletPart });
    expect(totals().alipay!.amount - (before.alipay?.amount ?? 0)).toBe(walletPart);
    expect(totals().cash!.amount - (before.cash?.amount ?? 0)).toBe(p1.price);
    const receipt = rig.refunds.receipt(refund.refundId);
    expect(receipt.tenders).toEqual([
      { kind: 'alipay', amount: walletPart, reference: '2800****0000' },
      { kind: 'cash', amount: p1.price },
    ]);
  });

  it('never refunds more than was paid, whatever the order of partial refunds (property-style)', async () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let made = 0;
    for (let round = 0; round < 4; round++) {
      const cart = await sale([[0, 1 + random(3)], [1, 1 + random(3)], [2, 1 + random(2)]], round % 2 ? 'cash' : 'wallet');
      for (let step = 0; step < 8; step++) {
        const state = rig.refunds.refundable(cart.saleId);
        if (state.refundable === 0) break;
        const pick = random(4);
        const open = state.lines.filter((l) => l.refundableQuantityMilli > 0);
        const input =
          pick === 0 || open.length === 0
            ? { amount: 1 + random(state.refundable + 5) }
            : pick === 3
              ? {}
              : { lines: [{ lineNo: open[random(open.length)]!.lineNo, quantityMilli: 1000 * (1 + random(3)) }] };
        await rig.refunds.request({ saleId: cart.saleId, reason: 'p', ...input }, owner).then(
          () => made++,
          (error: { code?: string }) => expect(error.code).toBe('validation_failed'),
        );
        const after = rig.refunds.refundable(cart.saleId);
        expect(after.refunded + after.pending + after.refundable).toBe(after.paid);
        expect(after.refundable).toBeGreaterThanOrEqual(0);
        for (const l of after.lines) {
          expect(l.refundedQuantityMilli).toBeLessThanOrEqual(l.quantityMilli);
          expect(l.refundedAmount).toBeLessThanOrEqual(l.net);
        }
      }
      const refunded = rig.refunds.forSale(cart.saleId).filter((r) => r.status === 'refunded').reduce((s, r) => s + r.amount, 0);
      expect(refunded).toBeLessThanOrEqual(cart.total);
      if (round % 2 === 0) expect(ledgerRefunds(clientSnOf(cart.saleId)).reduce((s, t) => s + t.amount, 0)).toBe(refunded);
    }
    expect(made).toBeGreaterThan(4);
  });
  // --- same-day voids (当日整单作废) ---

  const ledgerCancels = (clientSn: string) => rig.sandbox.ledger.transactions({ clientSn }).filter((t) => t.type === 'cancel' && t.status === 'SUCCESS');
  const cancelsSent = (clientSn: string) => rig.cancels.filter((c) => c === clientSn).length;
  const refundJobs = () => rig.db.prepare("SELECT count(*) FROM job WHERE kind = 'refund.send' AND status IN ('queued', 'running')").pluck().get() as number;

  /** A completed sale written directly, one line per part, its wallet parts paid for real at the sandbox. */
  async function recordedSale(parts: { kind: 'cash' | 'alipay' | 'wechat'; product: number }[]) {
    const creds = await rig.credentials();
    const saleId = newId();
    const at = new Date().toISOString();
    const payments: Parameters<typeof insertPayment>[1][] = [];
    const clientSns: string[] = [];
    type Completed = Parameters<typeof writeCompletedSale>[1];
    const tenders: Completed['tenders'][number][] = [];
    const lines: Completed['lines'][number][] = [];
    for (const [i, part] of parts.entries()) {
      const { id: productId, price } = products[part.product]!;
      lines.push({
        lineId: `L${i}`, productId, sku: `S${i}`, name: `item ${i}`, unit: 'each' as const, quantityMilli: 1000, unitPrice: price,
        gross: price, lineDiscount: 0, orderDiscount: 0, net: price, taxRateBp: 1300,
      });
      if (part.kind === 'cash') {
        tenders.push({ id: newId(), kind: 'cash', amount: price, tendered: price, reference: null, paymentId: null });
        continue;
      }
      const clientSn = `MIX${newId().slice(-16)}`;
      const paid = await rig.acquirer.pay(creds, { clientSn, amount: price, authCode: sandboxPaymentCode(part.kind, '0000'), subject: 't', operator: 't' });
      expect(paid.kind).toBe('paid');
      const paymentId = newId();
      payments.push({
        id: paymentId, sale_id: saleId, client_sn: clientSn, kind: 'code', wallet: part.kind, code_hash: null, masked_code: '2800****0000',
        amount: price, status: 'paid', state: '{}', user_id: null, created_at: at,
      });
      clientSns.push(clientSn);
      tenders.push({ id: newId(), kind: part.kind, amount: price, tendered: price, reference: '2800****0000', paymentId });
    }
    const total = lines.reduce((sum, l) => sum + l.net, 0);
    rig.db.transaction(() => {
      insertSale(rig.db, { id: saleId, terminalId: rig.terminalId, surface: 'till', currency: 'CNY', at, userId: null });
      for (const payment of payments) insertPayment(rig.db, payment);
      writeCompletedSale(rig.db, {
        id: saleId, at, userId: null, receiptNo: takeReceiptNumber(rig.db, rig.terminalId), businessDate: businessDateOf(new Date(), defaultBusinessDayRule()),
        subtotal: total, discountTotal: 0, total, rounding: 0, taxTotal: 0, change: 0, lines, taxes: [{ rateBp: 1300, taxable: total, tax: 0 }], tenders,
      });
    })();
    return { saleId, total, clientSns };
  }

  it('voids a wallet sale of today as a whole: one cancel at the acquirer and no refund, stock, totals and refundable right once', async () => {
    const cart = await sale([[0, 2], [1, 1]], 'wallet');
    const clientSn = clientSnOf(cart.saleId);
    expect(rig.refunds.refundable(cart.saleId)).toMatchObject({ voidable: true, refundable: cart.total });
    const stocks = [stock(products[0]!.id), stock(products[1]!.id)];
    const before = totals();
    const nothing = counts();
    await expect(rig.refunds.voidSale({ saleId: cart.saleId, reason: '顾客不要了' }, cashier)).rejects.toMatchObject({ code: 'forbidden', details: { needsApproval: true } });
    await expect(rig.refunds.voidSale({ saleId: cart.saleId, reason: '顾客不要了', approval: { userId: rig.userId('owner'), pin: '0000' } }, cashier)).rejects.toMatchObject({
      code: 'wrong_pin',
    });
    await expect(rig.refunds.voidSale({ saleId: cart.saleId, reason: ' ', approval: approval() }, cashier)).rejects.toMatchObject({ code: 'validation_failed' });
    expect(counts()).toEqual(nothing);
    expect(cancelsSent(clientSn)).toBe(0);

    const voided = await rig.refunds.voidSale({ saleId: cart.saleId, reason: '顾客不要了', approval: approval() }, cashier);
    expect(voided).toMatchObject({
      void: true, status: 'refunded', kind: 'wallet', tenderKind: 'wechat', amount: cart.total, walletAmount: cart.total, cashAmount: 0, attempts: 1,
      approvedBy: rig.userId('owner'), userId: rig.userId('cashier'), failureCode: null,
    });
    expect(voided.receiptNumber).toMatch(/^.{4}-R\d{6}$/);
    expect(voided.lines.map((l) => [l.lineNo, l.quantityMilli, l.amount])).toEqual([
      [1, 2000, cart.lines[0]!.net],
      [2, 1000, cart.lines[1]!.net],
    ]);
    // Reversed (冲正) by one cancel of the payment's client_sn, never refunded.
    expect(cancelsSent(clientSn)).toBe(1);
    expect(ledgerCancels(clientSn)).toEqual([expect.objectContaining({ amount: cart.total })]);
    expect(ledgerRefunds(clientSn)).toEqual([]);
    expect(rig.sent.filter((r) => r.clientSn === clientSn)).toEqual([]);
    expect(rig.sandbox.ledger.order(clientSn)!.status).toBe('CANCELED');
    expect(stock(products[0]!.id)).toBe(stocks[0]! + 2000);
    expect(stock(products[1]!.id)).toBe(stocks[1]! + 1000);
    expect(totals().wechat).toEqual({ count: (before.wechat?.count ?? 0) + 1, amount: (before.wechat?.amount ?? 0) + cart.total });
    const after = rig.refunds.refundable(cart.saleId);
    expect(after).toMatchObject({ paid: cart.total, refunded: cart.total, pending: 0, refundable: 0, voidable: false });
    expect(after.lines.map((l) => [l.refundableQuantityMilli, l.refundableAmount, l.refundedAmount])).toEqual([
      [0, 0, cart.lines[0]!.net],
      [0, 0, cart.lines[1]!.net],
    ]);
    expect(rig.emitted.filter((v) => v.refundId === voided.refundId).at(-1)).toMatchObject({ status: 'refunded', void: true });
    expect(refundEvents(rig.db, voided.refundId).map((e) => e.type)).toEqual(['void_submitted', 'revoke']);
    expect(refundJobs()).toBe(0);

    // A second void is refused by the terminal's own state, before anything is sent; so is any refund.
    const done = counts();
    await expect(rig.refunds.voidSale({ saleId: cart.saleId, reason: 'x' }, owner)).rejects.toMatchObject({ code: 'conflict', details: { reason: 'already_voided' } });
    await expect(rig.refunds.request({ saleId: cart.saleId, amount: 1, reason: 'x' }, owner)).rejects.toMatchObject({ code: 'conflict' });
    expect(counts()).toEqual(done);
    expect(cancelsSent(clientSn)).toBe(1);
    // A person's retry asks first: the order is CANCELED, so nothing is sent again and nothing counted twice.
    expect(await rig.refunds.retry(voided.refundId, cashier)).toMatchObject({ status: 'refunded', receiptNumber: voided.receiptNumber });
    expect(cancelsSent(clientSn)).toBe(1);
    expect(ledgerCancels(clientSn)).toHaveLength(1);
    expect(stock(products[0]!.id)).toBe(stocks[0]! + 2000);
    expect(totals().wechat!.amount).toBe((before.wechat?.amount ?? 0) + cart.total);
    expect(rig.refunds.forSale(cart.saleId).map((r) => [r.refundId, r.void])).toEqual([[voided.refundId, true]]);

    const receipt = rig.refunds.receipt(voided.refundId);
    const reference = rig.db.prepare('SELECT reference FROM sale_tender WHERE sale_id = ?').pluck().get(cart.saleId) as string;
    expect(receipt).toMatchObject({ kind: 'void', receiptNumber: voided.receiptNumber, total: cart.total, rounding: 0, change: 0 });
    expect(receipt.tenders).toEqual([{ kind: 'wechat', amount: cart.total, reference }]);
    expect(receipt.taxes.reduce((sum, t) => sum + t.taxable, 0)).toBe(cart.total);
    const text = renderReceiptText(receipt, { columns: 48 });
    expect(text).toContain('整单作废');
    expect(text).toContain('作废原因：顾客不要了');
    expect(text).toContain(voided.saleReceiptNumber);
    expect(text).not.toContain('退货单');
  });

  it('voids a mixed sale as one: the wallet part cancelled, then the cash part handed back; two wallet payments in two legs', async () => {
    const mixed = await recordedSale([
      { kind: 'alipay', product: 0 },
      { kind: 'cash', product: 1 },
    ]);
    const [walletPart, cashPart] = [products[0]!.price, products[1]!.price];
    const before = totals();
    const voided = await rig.refunds.voidSale({ saleId: mixed.saleId, reason: '录入错误' }, owner);
    expect(voided).toMatchObject({ void: true, status: 'refunded', kind: 'wallet', tenderKind: 'alipay', amount: mixed.total, walletAmount: walletPart, cashAmount: cashPart });
    expect(ledgerCancels(mixed.clientSns[0]!)).toEqual([expect.objectContaining({ amount: walletPart })]);
    expect(ledgerRefunds(mixed.clientSns[0]!)).toEqual([]);
    expect(totals().alipay!.amount - (before.alipay?.amount ?? 0)).toBe(walletPart);
    expect(totals().cash!.amount - (before.cash?.amount ?? 0)).toBe(cashPart);
    expect(rig.refunds.receipt(voided.refundId).tenders).toEqual([
      { kind: 'alipay', amount: walletPart, reference: '2800****0000' },
      { kind: 'cash', amount: cashPart },
    ]);

    const two = await recordedSale([
      { kind: 'wechat', product: 0 },
      { kind: 'alipay', product: 1 },
    ]);
    // Paid by two wallet payments (issue 18): voided as one, a reversal per payment (leg 1, then leg 2).
    expect(rig.refunds.refundable(two.saleId).voidable).toBe(true);
    const legs = await rig.refunds.voidSale({ saleId: two.saleId, reason: 'x' }, owner);
    expect(legs.legs?.map((l) => [l.leg, l.tenderKind, l.walletAmount])).toEqual([
      [1, 'wechat', products[0]!.price],
      [2, 'alipay', products[1]!.price],
    ]);
    const final = await settled(rig.refunds, legs.refundId);
    expect(final).toMatchObject({ void: true, status: 'refunded', amount: two.total, walletAmount: two.total, cashAmount: 0 });
    expect(two.clientSns.map(cancelsSent)).toEqual([1, 1]);
    expect(two.clientSns.map((sn) => ledgerCancels(sn).map((c) => c.amount))).toEqual([[products[0]!.price], [products[1]!.price]]);
    expect(two.clientSns.map((sn) => ledgerRefunds(sn))).toEqual([[], []]);
    expect(rig.refunds.receipt(legs.refundId)).toMatchObject({ kind: 'void', total: two.total, tenders: [{ kind: 'wechat', amount: products[0]!.price }, { kind: 'alipay', amount: products[1]!.price }] });
    // Voided once: the sale's void is its two legs, never a second void.
    await expect(rig.refunds.voidSale({ saleId: two.saleId, reason: 'x' }, owner)).rejects.toMatchObject({ code: 'conflict', details: { reason: 'already_voided' } });
  });

  it('voids only a sale of today that has no refund done or under way (a failed refund does not count)', async () => {
    const old = await sale([[0, 1]], 'wallet');
    rig.db.prepare("UPDATE sale SET business_date = '2000-01-01' WHERE id = ?").run(old.saleId);
    expect(rig.refunds.refundable(old.saleId).voidable).toBe(false);
    const nothing = counts();
    await expect(rig.refunds.voidSale({ saleId: old.saleId, reason: 'x' }, owner)).rejects.toMatchObject({ code: 'conflict', details: { reason: 'not_today' } });

    const partly = await sale([[0, 1], [1, 1]], 'wallet');
    await rig.refunds.request({ saleId: partly.saleId, lines: [{ lineNo: 1, quantityMilli: 1000 }], reason: '退货' }, owner);
    expect(rig.refunds.refundable(partly.saleId).voidable).toBe(false);
    const refunded = counts();
    await expect(rig.refunds.voidSale({ saleId: partly.saleId, reason: 'x' }, owner)).rejects.toMatchObject({ code: 'conflict', details: { reason: 'already_refunded' } });
    expect(counts()).toEqual(refunded);
    expect(cancelsSent(clientSnOf(old.saleId)) + cancelsSent(clientSnOf(partly.saleId))).toBe(0);
    expect((nothing as { refunds: number }).refunds + 1).toBe((refunded as { refunds: number }).refunds);

    // A refund that failed moved no money: the sale can still be voided, and that refund can no longer be sent.
    const failedFirst = await sale([[2, 1]], 'wallet');
    rig.fault.mode = 'fail';
    const failed = await rig.refunds.request({ saleId: failedFirst.saleId, reason: 'x' }, owner);
    rig.fault.mode = 'none';
    expect(failed.status).toBe('failed');
    expect(rig.refunds.refundable(failedFirst.saleId).voidable).toBe(true);
    expect(await rig.refunds.voidSale({ saleId: failedFirst.saleId, reason: 'x' }, owner)).toMatchObject({ status: 'refunded', void: true });
    await expect(rig.refunds.retry(failed.refundId, owner)).rejects.toMatchObject({ code: 'conflict', details: { reason: 'exceeds_refundable' } });
    expect(ledgerCancels(clientSnOf(failedFirst.saleId))).toHaveLength(1);
    expect(ledgerRefunds(clientSnOf(failedFirst.saleId))).toEqual([]);
  });

  it('settles a void whose reply was lost by query (CANCELED), without revoking again: reversed once, counted once', async () => {
    const cart = await sale([[0, 1], [2, 1]], 'wallet');
    const clientSn = clientSnOf(cart.saleId);
    rig.cancelFault.mode = 'lost_reply';
    const voided = await rig.refunds.voidSale({ saleId: cart.saleId, reason: 'x' }, owner);
    expect(voided).toMatchObject({ status: 'unknown', void: true });
    // Under way: it reserves the whole sale.
    expect(rig.refunds.refundable(cart.saleId)).toMatchObject({ pending: cart.total, refundable: 0, voidable: false });
    await expect(rig.refunds.request({ saleId: cart.saleId, amount: 1, reason: 'x' }, owner)).rejects.toMatchObject({ code: 'conflict' });
    rig.cancelFault.mode = 'none';
    const final = await settled(rig.refunds, voided.refundId);
    expect(final).toMatchObject({ status: 'refunded', amount: cart.total, attempts: 1 });
    expect(cancelsSent(clientSn)).toBe(1);
    expect(ledgerCancels(clientSn)).toEqual([expect.objectContaining({ amount: cart.total })]);
    expect(refundJobs()).toBe(0);
  });

  it('stops cancelling at the deadline (needs attention); a person’s retry cancels again and it goes through', async () => {
    const cart = await sale([[1, 1]], 'wallet');
    const clientSn = clientSnOf(cart.saleId);
    const slow = rig.newRefunds({ retryMs: 20, maxRetryMs: 40, deadlineMs: 300 });
    rig.cancelFault.mode = 'in_progress';
    const voided = await slow.voidSale({ saleId: cart.saleId, reason: 'x' }, owner);
    expect(voided.status).toBe('in_progress');
    const stuck = await settled(slow, voided.refundId);
    expect(stuck).toMatchObject({ status: 'needs_attention', failureCode: 'no_confirmation' });
    expect(stuck.failureMessage).toContain('reversal');
    expect(slow.refundable(cart.saleId)).toMatchObject({ refundable: 0, voidable: false });
    rig.cancelFault.mode = 'none';
    expect(await slow.retry(voided.refundId, cashier)).toMatchObject({ status: 'refunded', void: true });
    expect(ledgerCancels(clientSn)).toHaveLength(1);
    expect(ledgerRefunds(clientSn)).toEqual([]);
    slow.stop();
  });

  it('after a restart, sends the cancel of a void the last run left unfinished', async () => {
    const cart = await sale([[0, 1]], 'wallet');
    const clientSn = clientSnOf(cart.saleId);
    const dying = rig.newRefunds({ retryMs: 60_000, maxRetryMs: 60_000, deadlineMs: 600_000 });
    rig.cancelFault.mode = 'not_sent';
    const voided = await dying.voidSale({ saleId: cart.saleId, reason: 'x' }, owner);
    expect(voided.status).toBe('unknown');
    dying.stop();
    rig.cancelFault.mode = 'none';
    expect(ledgerCancels(clientSn)).toHaveLength(0);
    const next = rig.newRefunds();
    next.recover();
    expect(await settled(next, voided.refundId)).toMatchObject({ status: 'refunded', void: true });
    expect(ledgerCancels(clientSn)).toHaveLength(1);
    expect(refundEvents(rig.db, voided.refundId).map((e) => e.type)).toContain('recovered');
    next.stop();
  });

  it('fails a void the acquirer refuses (too late for a reversal) with the hint to refund; it reserves nothing and a normal refund follows', async () => {
    const cart = await sale([[0, 1], [1, 1]], 'wallet');
    const clientSn = clientSnOf(cart.saleId);
    // The acquirer's order finished yesterday (Beijing): its cancel says only today's orders can be reversed.
    const ledgerDb = new Sqlite(join(rig.dir, 'sandbox-acquirer.sqlite'));
    try {
      ledgerDb.prepare('UPDATE upay_order SET finished_at = ? WHERE client_sn = ?').run(new Date(Date.now() - 36 * 3600_000).toISOString(), clientSn);
    } finally {
      ledgerDb.close();
    }
    const stockBefore = stock(products[0]!.id);
    const before = totals();
    const voided = await rig.refunds.voidSale({ saleId: cart.saleId, reason: 'x' }, owner);
    expect(voided).toMatchObject({ void: true, status: 'failed', failureCode: 'cancel_refused', receiptNumber: null });
    expect(voided.failureMessage).toMatch(/normal refund/);
    expect(cancelsSent(clientSn)).toBe(1);
    expect(ledgerCancels(clientSn)).toEqual([]);
    expect(rig.sandbox.ledger.order(clientSn)!.status).toBe('PAID');
    expect(stock(products[0]!.id)).toBe(stockBefore);
    expect(totals()).toEqual(before);
    expect(rig.refunds.refundable(cart.saleId)).toMatchObject({ refunded: 0, pending: 0, refundable: cart.total, voidable: false });
    expect(refundJobs()).toBe(0);
    // Not sent again, neither as a retry nor as a second void.
    await expect(rig.refunds.retry(voided.refundId, owner)).rejects.toMatchObject({ code: 'conflict', details: { reason: 'void_failed' } });
    await expect(rig.refunds.voidSale({ saleId: cart.saleId, reason: 'x' }, owner)).rejects.toMatchObject({ code: 'conflict', details: { reason: 'already_voided' } });
    expect(cancelsSent(clientSn)).toBe(1);
    const refund = await rig.refunds.request({ saleId: cart.saleId, reason: '整单退' }, owner);
    expect(refund).toMatchObject({ void: false, status: 'refunded', amount: cart.total });
    expect(ledgerRefunds(clientSn)).toEqual([expect.objectContaining({ amount: cart.total })]);
  });
});

describe('refunds when cash rounding took fen off the sale', { timeout: 20_000 }, () => {
  it('gives back no more than the rounded cash that was paid', async () => {
    const rig = await startRig({ cashRounding: 'down-0.1' });
    try {
      const cashier = await rig.session('cashier');
      const owner = await rig.session('owner');
      const product = rig.db.prepare("SELECT id, price FROM product WHERE unit = 'each' AND active = 1 AND price >= 100 LIMIT 1").get() as { id: string; price: number };
      rig.sales.addProduct(product.id, 1000, cashier);
      // 3 fen off: the total ends in 7 fen, the cash due is rounded down to the 角.
      await rig.sales.setLineDiscount(rig.sales.current()!.lines[0]!.lineId, { kind: 'amount', amount: 3 }, undefined, owner);
      const cart = rig.sales.current()!;
      expect(cart.cashDue).toBeLessThan(cart.total);
      rig.sales.complete([{ kind: 'cash', amount: cart.cashDue }], cashier);
      const refund = await rig.refunds.request({ saleId: cart.saleId, lines: [{ lineNo: 1, quantityMilli: 1000 }], reason: 'x' }, owner);
      expect(refund.amount).toBe(cart.cashDue);
      expect(rig.refunds.refundable(cart.saleId)).toMatchObject({ paid: cart.cashDue, refundable: 0 });
      expect(rig.refunds.receipt(refund.refundId)).toMatchObject({ total: cart.cashDue, tenders: [{ kind: 'cash', amount: cart.cashDue }] });
    } finally {
      await rig.close();
    }
  });
});
