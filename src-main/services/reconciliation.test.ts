/**
 * Reconciliation on a real SQLite file: the terminal's payments and refunds written as the services write
 * them (rows), a statement stored as the statements service stores it, and every kind of difference.
 * The same against the real sandbox over HTTP is in test/integration/reconcile-sandbox.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { storeStatement, type StatementRowInput } from '../../db/queries/statements';
import type { Session } from '../../src-common/roles';
import { createAuditService } from './audit';
import { acquirerDayRange, createReconciliationService, type ReconciliationService } from './reconciliation';

const DATE = '2026-11-22';
/** 10:00 Beijing on DATE. */
const AT = '2026-11-22T02:00:00.000Z';
const owner: Session = { caller: { role: 'owner', userId: 'OWNER' } };

let db: Database;
let service: ReconciliationService;
let receipt = 0;

function sale(): string {
  receipt += 1;
  const id = `S${receipt}`;
  db.prepare(
    "INSERT INTO sale (id, terminal_id, status, currency, opened_at, closed_at, receipt_no, business_date, total) VALUES (?, 'T0001', 'completed', 'CNY', ?, ?, ?, ?, 0)",
  ).run(id, AT, AT, receipt, DATE);
  return id;
}

function payment(clientSn: string, amount: number, status: string, finishedAt: string | null = AT): string {
  const id = `P-${clientSn}`;
  db.prepare(
    "INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at, finished_at) VALUES (?, ?, ?, 'code', 'wechat', ?, ?, '{}', ?, ?, ?)",
  ).run(id, sale(), clientSn, amount, status, AT, AT, finishedAt);
  return id;
}

function refund(paymentId: string, refundRequestNo: string, amount: number, status: string, isVoid = false): void {
  const saleId = (db.prepare('SELECT sale_id FROM payment WHERE id = ?').pluck().get(paymentId) as string)!;
  const refunded = status === 'refunded';
  db.prepare(
    `INSERT INTO refund (id, sale_id, payment_id, refund_request_no, kind, tender_kind, amount, wallet_amount, cash_amount, status, reason, approved_by,
       deadline_at, receipt_no, business_date, created_at, updated_at, finished_at, is_void)
     VALUES (?, ?, ?, ?, 'wallet', 'wechat', ?, ?, 0, ?, 'return', 'OWNER', 0, ?, ?, ?, ?, ?, ?)`,
  ).run(
    `R-${refundRequestNo}`,
    saleId,
    paymentId,
    refundRequestNo,
    amount,
    amount,
    status,
    refunded ? Number(refundRequestNo.replace(/\D/g, '')) : null,
    refunded ? DATE : null,
    AT,
    AT,
    refunded ? AT : null,
    isVoid ? 1 : 0,
  );
}

const row = (type: StatementRowInput['type'], clientSn: string, amount: number, refundRequestNo: string | null = null): StatementRowInput => ({
  clientSn,
  acquirerSn: `SN-${clientSn}`,
  type,
  wallet: 'wechat',
  amount,
  status: 'SUCCESS',
  finishedAt: AT,
  refundRequestNo,
});

function statement(date: string, rows: StatementRowInput[]): void {
  storeStatement(db, date, rows, '2026-11-23T01:00:00.000Z');
}

beforeEach(() => {
  db = openDatabase(join(mkdtempSync(join(tmpdir(), 'pos-reconcile-')), 'pos.sqlite'));
  db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('OWNER', '店长', 'owner', 'x', ?)").run(AT);
  receipt = 0;
  service = createReconciliationService({ db, clock: { now: () => new Date('2026-11-23T02:00:00.000Z') }, audit: createAuditService({ db, clock: { now: () => new Date() } }), terminalId: 'T0001', businessDay: () => ({ timeZone: 'Asia/Shanghai', turnsAtHour: 4 }) });
});

describe('the acquirer day', () => {
  it('is Beijing’s calendar day, and a bad date is refused', () => {
    expect(acquirerDayRange('2026-11-22')).toEqual({ from: '2026-11-21T16:00:00.000Z', to: '2026-11-22T16:00:00.000Z' });
    expect(() => acquirerDayRange('2026-02-30')).toThrow(/YYYY-MM-DD/);
  });

  it('names the business days it overlaps (ours turn at 04:00 in the store’s zone)', () => {
    expect(service.day('2026-11-22').businessDates).toEqual(['2026-11-21', '2026-11-22']);
  });
});

describe('reconciling a day', () => {
  it('says nothing is downloaded yet, with no items and zero totals', () => {
    payment('C1', 1000, 'paid');
    const day = service.day(DATE);
    expect(day.statement).toMatchObject({ state: 'none', rows: 0 });
    expect(day.items).toEqual([]);
    expect(day.totals.statement).toEqual({ count: 0, pays: 0, refunds: 0, net: 0 });
  });

  it('matches a normal day with zero differences, voids and refunds included', () => {
    payment('C1', 1000, 'paid');
    const p2 = payment('C2', 600, 'paid');
    refund(p2, 'RQ2', 200, 'refunded');
    const p3 = payment('C3', 900, 'paid');
    refund(p3, 'RQ3', 900, 'refunded', true);
    payment('C4', 800, 'reversed'); // paid late, reversed by the terminal: the acquirer lists the pay and its cancel
    payment('C5', 300, 'failed');
    payment('C6', 700, 'reversed'); // cancelled before it was paid: the acquirer lists nothing
    statement(DATE, [row('pay', 'C1', 1000), row('pay', 'C2', 600), row('refund', 'C2', 200, 'RQ2'), row('pay', 'C3', 900), row('cancel', 'C3', 900), row('pay', 'C4', 800), row('cancel', 'C4', 800)]);

    const day = service.day(DATE);
    expect(day.summary).toEqual({ matched: 7, missingLocal: 0, missingStatement: 0, amountMismatch: 0, statusMismatch: 0, resolved: 0, open: 0 });
    expect(day.totals.statement).toEqual({ count: 7, pays: 3300, refunds: 1900, net: 1400 });
    expect(day.totals.local).toEqual(day.totals.statement);
    expect(day.items.filter((i) => i.detail === 'reversed').map((i) => i.key)).toEqual(['cancel:C4', 'pay:C4']);
    expect(day.items.find((i) => i.key === 'refund:RQ2')).toMatchObject({ state: 'matched', local: { kind: 'refund', amount: 200, receiptNumber: '0001-000002' } });
  });

  it('lists each kind of difference, to the fen, and totals per side', () => {
    payment('C1', 1000, 'paid');
    payment('C2', 2000, 'paid');
    payment('C3', 500, 'paid');
    payment('C5', 700, 'reversed');
    const p8 = payment('C8', 600, 'paid');
    refund(p8, 'RQ8', 100, 'unknown');
    payment('C10', 450, 'paid', '2026-11-22T15:59:59.900Z');
    statement('2026-11-23', [row('pay', 'C10', 450)]);
    statement(DATE, [
      row('pay', 'C1', 1000),
      row('pay', 'C2', 1999),
      row('pay', 'C5', 700),
      row('pay', 'C7', 400),
      row('pay', 'C8', 600),
      row('refund', 'C8', 100, 'RQ8'),
    ]);

    const day = service.day(DATE);
    const byKey = Object.fromEntries(day.items.map((i) => [i.key, i]));
    expect(byKey['pay:C1']).toMatchObject({ state: 'matched' });
    expect(byKey['pay:C2']).toMatchObject({ state: 'amount_mismatch', difference: -1, statement: { amount: 1999 }, local: { amount: 2000, counts: true } });
    expect(byKey['pay:C3']).toMatchObject({ state: 'missing_statement', difference: -500, statement: null, local: { amount: 500 } });
    expect(byKey['pay:C5']).toMatchObject({ state: 'status_mismatch', local: { status: 'reversed', counts: false } });
    expect(byKey['pay:C7']).toMatchObject({ state: 'missing_local', difference: 400, local: null });
    expect(byKey['refund:RQ8']).toMatchObject({ state: 'status_mismatch', local: { kind: 'refund', status: 'unknown' } });
    expect(byKey['pay:C10']).toMatchObject({ state: 'matched', detail: 'other_day', statement: { date: '2026-11-23' }, local: { counts: false } });
    expect(day.summary).toEqual({ matched: 3, missingLocal: 1, missingStatement: 1, amountMismatch: 1, statusMismatch: 2, resolved: 0, open: 5 });
    expect(day.totals.statement).toEqual({ count: 6, pays: 4699, refunds: 100, net: 4599 });
    expect(day.totals.local).toEqual({ count: 4, pays: 4100, refunds: 0, net: 4100 });
    // Open differences come first.
    expect(day.items.slice(0, 5).every((i) => i.state !== 'matched')).toBe(true);
  });

  it('resolves a difference with a note, audited; it stays listed as resolved until the difference changes', () => {
    statement(DATE, [row('pay', 'C7', 400)]);
    expect(() => service.resolve({ date: DATE, key: 'pay:C7', note: '   ' }, owner)).toThrow(/Say what was found/);
    const item = service.resolve({ date: DATE, key: 'pay:C7', note: '顾客在商户App另行付款，已核实' }, owner);
    expect(item).toMatchObject({ state: 'missing_local', resolution: { note: '顾客在商户App另行付款，已核实', by: 'OWNER', byName: '店长' } });
    expect(service.day(DATE).summary).toMatchObject({ missingLocal: 1, resolved: 1, open: 0 });
    expect(() => service.resolve({ date: DATE, key: 'pay:C7', note: 'again' }, owner)).toThrow(/resolved already/);
    expect(() => service.resolve({ date: DATE, key: 'pay:nothing', note: 'x' }, owner)).toThrow(/No such item/);

    const audit = db.prepare("SELECT actor_id, subject, details FROM audit_log WHERE action = 'reconcile.resolve'").all() as { actor_id: string; subject: string; details: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: 'OWNER', subject: `${DATE} pay:C7` });
    expect(JSON.parse(audit[0]!.details)).toEqual({ date: DATE, key: 'pay:C7', difference: 'missing_local', statementAmount: 400, localAmount: null, note: '顾客在商户App另行付款，已核实' });

    // A new download shows another amount for the item: the note covered 400, not 450.
    statement(DATE, [row('pay', 'C7', 450)]);
    expect(service.day(DATE).items[0]).toMatchObject({ key: 'pay:C7', resolution: null });
    expect(service.day(DATE).summary).toMatchObject({ resolved: 0, open: 1 });
  });

  it('refuses to resolve an item that matches', () => {
    payment('C1', 1000, 'paid');
    statement(DATE, [row('pay', 'C1', 1000)]);
    expect(() => service.resolve({ date: DATE, key: 'pay:C1', note: 'x' }, owner)).toThrow(/nothing to resolve/);
    expect(db.prepare('SELECT count(*) FROM reconciliation_resolution').pluck().get()).toBe(0);
  });
});
