/**
 * Reconciliation against the real sandbox acquirer over HTTP: a small day (cash sales, a WeChat and an
 * Alipay sale paid with sandbox codes, a partial refund of the Alipay sale) reconciles with zero
 * differences, to the fen. Then exactly one mismatch is injected the way it happens in real shops: the
 * merchant refunds part of the WeChat sale from the acquirer's merchant app, not through the terminal (a
 * signed refund request to the acquirer with this terminal's credentials, so the acquirer's ledger stays
 * consistent and the statement lists it as it would any refund). The next statement shows that refund
 * and nothing else as a difference; resolving it with a note is audited. A second terminal shows an
 * amount mismatch the other way: a local payment edited in the terminal's SQLite file after the fact.
 *
 * The sandbox runs in this process (the terminal is configured with its address, like a separate
 * acquirer), so the test can reach it as the merchant app would.
 */
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reconciliation } from '../../src-common/calls/history';
import type { Session } from '../../src-common/roles';
import { SANDBOX_APP_ID, SANDBOX_VENDOR_KEY, SANDBOX_VENDOR_SN, startSandboxAcquirer, type SandboxAcquirer } from '../../src-main/acquirer/sandbox/server';
import { createShouqianbaAdapter, parseStatementCsv } from '../../src-main/acquirer/shouqianba';
import { tempDir } from '../helpers/host';
import { startTestPos, type TestPos } from '../helpers/pos';

/** Sandbox codes from the brief: WeChat (prefix 13, 18 digits) and Alipay (prefix 28), both "paid at once" (…0000). */
const WECHAT_CODE = '134567890123450000';
const ALIPAY_CODE = '281234567890120000';

describe('reconciliation with the sandbox acquirer over HTTP', () => {
  let sandbox: SandboxAcquirer;
  let t: TestPos;
  let owner: Session;
  let technician: Session;
  let cashier: Session;
  /** The acquirer's (Beijing) business day of today. */
  const date = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const day = { wechat: { saleId: '', clientSn: '', total: 0 }, alipay: { saleId: '', clientSn: '', total: 0 }, refund: 0, cash: 0 };

  beforeAll(async () => {
    sandbox = await startSandboxAcquirer({ dbPath: join(tempDir('reconcile-sandbox-'), 'sandbox.sqlite'), port: 0, log: pino({ level: 'silent' }), speed: { scale: 0.02 } });
    t = await startTestPos({ acquirer: { baseUrl: sandbox.url, timings: { pollIntervalMs: 40, pollDeadlineMs: 1500, cancelRetryMs: 40, maxCancelAttempts: 5 } } });
    owner = await t.signedIn('owner');
    technician = await t.signedIn('technician');
    cashier = await t.signedIn('cashier');
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  const products = () => t.query<{ id: string; price: number }>("SELECT id, price FROM product WHERE unit = 'each' AND active = 1 AND price >= 100 ORDER BY sku LIMIT 3");

  async function downloaded(previous: string | null = null): Promise<Reconciliation> {
    await t.ok(owner, 'statement.download', { date });
    let r = await t.ok(owner, 'reconcile.day', { date });
    for (let i = 0; i < 500 && (r.statement.state !== 'downloaded' || r.statement.downloadedAt === previous); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      r = await t.ok(owner, 'reconcile.day', { date });
    }
    expect(r.statement.state).toBe('downloaded');
    return r;
  }

  it('reconciles a normal day with zero differences, to the fen', async () => {
    const [a, b, c] = products();
    // Two cash sales.
    for (const p of [a!, c!]) {
      await t.ok(cashier, 'sale.addProduct', { productId: p.id });
      const cart = (await t.ok(cashier, 'sale.current', {}))!;
      await t.ok(cashier, 'sale.complete', { tenders: [{ kind: 'cash', amount: cart.cashDue }] });
      day.cash += cart.total;
    }
    // WeChat and Alipay sales, two of one item each.
    for (const [wallet, product, code] of [['wechat', a!, WECHAT_CODE], ['alipay', b!, ALIPAY_CODE]] as const) {
      await t.ok(cashier, 'sale.addProduct', { productId: product.id, quantityMilli: 2000 });
      const cart = (await t.ok(cashier, 'sale.current', {}))!;
      const payment = await t.ok(cashier, 'payment.payByCode', { code });
      expect(payment).toMatchObject({ status: 'paid', wallet });
      day[wallet] = { saleId: cart.saleId, clientSn: t.query<{ client_sn: string }>('SELECT client_sn FROM payment WHERE id = ?', payment.paymentId)[0]!.client_sn, total: cart.total };
    }
    // A partial refund of the Alipay sale: one of the two items.
    const refund = await t.ok(owner, 'refund.request', { saleId: day.alipay.saleId, lines: [{ lineNo: 1, quantityMilli: 1000 }], reason: '顾客退货' });
    expect(refund).toMatchObject({ status: 'refunded', tenderKind: 'alipay', walletAmount: b!.price });
    day.refund = refund.walletAmount;

    const r = await downloaded();
    expect(r.summary).toEqual({ matched: 3, missingLocal: 0, missingStatement: 0, amountMismatch: 0, statusMismatch: 0, resolved: 0, open: 0 });
    const pays = day.wechat.total + day.alipay.total;
    expect(r.totals.statement).toEqual({ count: 3, pays, refunds: day.refund, net: pays - day.refund });
    expect(r.totals.local).toEqual(r.totals.statement);
    // The acquirer's own ledger says the same (cash never reaches it).
    expect(sandbox.ledger.totals()).toMatchObject({ paid: pays, refunded: day.refund, reversed: 0 });
    expect(r.items.map((i) => [i.key, i.state, i.statement!.amount, i.local!.amount])).toEqual(
      expect.arrayContaining([
        [`pay:${day.wechat.clientSn}`, 'matched', day.wechat.total, day.wechat.total],
        [`pay:${day.alipay.clientSn}`, 'matched', day.alipay.total, day.alipay.total],
        [`refund:${refund.refundRequestNo}`, 'matched', day.refund, day.refund],
      ]),
    );
  });

  it('shows one refund made in the merchant app as the only difference, and resolving it is audited', async () => {
    // The merchant app: another client of the acquirer, signing with this terminal's sn and current key.
    const terminalSn = t.query<{ terminal_sn: string }>('SELECT terminal_sn FROM acquirer_terminal')[0]!.terminal_sn;
    const merchantApp = createShouqianbaAdapter({
      baseUrl: sandbox.url,
      vendorSn: SANDBOX_VENDOR_SN,
      vendorKey: SANDBOX_VENDOR_KEY,
      appId: SANDBOX_APP_ID,
      timeouts: { payMs: 5000, queryMs: 5000, otherMs: 5000 },
      log: pino({ level: 'silent' }),
    });
    const creds = { terminalSn, terminalKey: sandbox.ledger.terminal(terminalSn)!.key, keyDate: date };
    expect(await merchantApp.refund(creds, { clientSn: day.wechat.clientSn, refundRequestNo: 'APP20261122000001', amount: 123, operator: '商户App' })).toMatchObject({
      kind: 'refunded',
    });

    const before = (await t.ok(owner, 'reconcile.day', { date })).statement.downloadedAt;
    const r = await downloaded(before);
    const differences = r.items.filter((i) => i.state !== 'matched');
    expect(differences).toEqual([
      expect.objectContaining({
        key: 'refund:APP20261122000001',
        type: 'refund',
        state: 'missing_local',
        clientSn: day.wechat.clientSn,
        wallet: 'wechat',
        statement: expect.objectContaining({ amount: 123, date }),
        local: null,
        difference: 123,
        resolution: null,
      }),
    ]);
    expect(r.summary).toEqual({ matched: 3, missingLocal: 1, missingStatement: 0, amountMismatch: 0, statusMismatch: 0, resolved: 0, open: 1 });
    const pays = day.wechat.total + day.alipay.total;
    expect(r.totals.statement).toEqual({ count: 4, pays, refunds: day.refund + 123, net: pays - day.refund - 123 });
    expect(r.totals.local).toEqual({ count: 3, pays, refunds: day.refund, net: pays - day.refund });

    // Only an owner resolves; a note is required; the resolution is audited and the item stays listed.
    expect(await t.call(technician, 'reconcile.resolve', { date, key: 'refund:APP20261122000001', note: '已核实' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.call(owner, 'reconcile.resolve', { date, key: 'refund:APP20261122000001', note: '   ' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const note = '店长在收钱吧商户App退款1.23元，已核实';
    const resolved = await t.ok(owner, 'reconcile.resolve', { date, key: 'refund:APP20261122000001', note });
    expect(resolved).toMatchObject({ state: 'missing_local', resolution: { note, by: await t.userId('owner'), byName: '店长' } });
    expect(await t.call(owner, 'reconcile.resolve', { date, key: 'refund:APP20261122000001', note })).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { reason: 'already_resolved' } },
    });
    expect(await t.call(technician, 'reconcile.day', { date })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const after = await t.ok(owner, 'reconcile.day', { date });
    expect(after.summary).toMatchObject({ missingLocal: 1, resolved: 1, open: 0 });
    expect(after.items[0]).toMatchObject({ key: 'refund:APP20261122000001', resolution: { note } });

    const audit = t.query<{ actor_id: string; actor_role: string; subject: string; details: string }>(
      "SELECT actor_id, actor_role, subject, details FROM audit_log WHERE action = 'reconcile.resolve'",
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: await t.userId('owner'), actor_role: 'owner', subject: `${date} refund:APP20261122000001` });
    expect(JSON.parse(audit[0]!.details)).toEqual({ date, key: 'refund:APP20261122000001', difference: 'missing_local', statementAmount: 123, localAmount: null, note });
  });

  it('is for managers; cashiers see no reconciliation', async () => {
    expect(await t.call(cashier, 'reconcile.day', { date })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.call(owner, 'reconcile.day', { date: '2026-13-01' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await t.ok(owner, 'reconcile.day', { date: '2020-01-01' })).toMatchObject({ statement: { state: 'none' }, items: [] });
  });
});

describe('an amount that differs between the terminal and the acquirer', () => {
  let sandbox: SandboxAcquirer;
  let t: TestPos;
  const date = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    sandbox = await startSandboxAcquirer({ dbPath: join(tempDir('reconcile-amount-'), 'sandbox.sqlite'), port: 0, log: pino({ level: 'silent' }), speed: { scale: 0.02 } });
    t = await startTestPos({ acquirer: { baseUrl: sandbox.url } });
  });
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  it('is listed as the one amount mismatch, to the fen, when a local payment was altered after the fact', async () => {
    const owner = await t.signedIn('owner');
    const [product] = t.query<{ id: string }>("SELECT id FROM product WHERE unit = 'each' AND active = 1 AND price >= 100 ORDER BY sku LIMIT 1");
    await t.ok(owner, 'sale.addProduct', { productId: product!.id, quantityMilli: 3000 });
    const cart = (await t.ok(owner, 'sale.current', {}))!;
    const payment = await t.ok(owner, 'payment.payByCode', { code: WECHAT_CODE });
    expect(payment.status).toBe('paid');

    // The injected mismatch: the terminal's record of the payment edited in its SQLite file (one fen less),
    // as a faulty import or a hand repair would leave it; the acquirer still has what it charged.
    const file = new Sqlite(join(t.dataDir, 'pos.sqlite'));
    try {
      expect(file.prepare('UPDATE payment SET amount = amount - 1 WHERE id = ?').run(payment.paymentId).changes).toBe(1);
    } finally {
      file.close();
    }

    await t.ok(owner, 'statement.download', { date });
    let r = await t.ok(owner, 'reconcile.day', { date });
    for (let i = 0; i < 500 && r.statement.state !== 'downloaded'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      r = await t.ok(owner, 'reconcile.day', { date });
    }
    expect(r.summary).toEqual({ matched: 0, missingLocal: 0, missingStatement: 0, amountMismatch: 1, statusMismatch: 0, resolved: 0, open: 1 });
    expect(r.items).toEqual([
      expect.objectContaining({ type: 'pay', state: 'amount_mismatch', statement: expect.objectContaining({ amount: cart.total }), local: expect.objectContaining({ amount: cart.total - 1 }), difference: 1 }),
    ]);
    expect(r.totals.statement.net - r.totals.local.net).toBe(1);
  });
});

describe("the adapter's statement mapping", () => {
  it('maps the provider CSV into the common form and keeps only completed movements', () => {
    const csv =
      '\uFEFFfinished_at,client_sn,sn,type,payway,amount_fen,status,refund_request_no\r\n' +
      '2026-11-22T10:00:00+08:00,C1,7895000000000001,pay,3,1990,SUCCESS,\r\n' +
      '2026-11-22T10:05:00+08:00,C1,7895000000000001,refund,3,500,PROCESSING,R1\r\n' +
      '2026-11-22T10:06:00+08:00,C2,7895000000000002,refund,2,300,SUCCESS,R2\r\n';
    expect(parseStatementCsv(csv)).toEqual([
      { clientSn: 'C1', acquirerSn: '7895000000000001', type: 'pay', wallet: 'wechat', amount: 1990, status: 'SUCCESS', finishedAt: '2026-11-22T02:00:00.000Z', refundRequestNo: null },
      { clientSn: 'C2', acquirerSn: '7895000000000002', type: 'refund', wallet: 'alipay', amount: 300, status: 'SUCCESS', finishedAt: '2026-11-22T02:06:00.000Z', refundRequestNo: 'R2' },
    ]);
  });
});
