import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { PosError } from '../../src-common/errors';
import type { Session } from '../../src-common/roles';
import { createAuditService } from './audit';
import type { AuthService } from './auth';
import { createShiftsService, type ShiftsService } from './shifts';

const T = 'TERMINAL';
const at = (hh: number, mm = 0) => new Date(Date.UTC(2026, 10, 22, hh, mm));

/** Shifts on a real database file with a clock the test moves; facts are written as the services write them. */
describe('shifts: what belongs to a shift is what happened on this terminal while it was open', () => {
  let dir: string;
  let db: Database;
  let now: Date;
  let shifts: ShiftsService;
  const cashier: Session = { caller: { role: 'cashier', userId: 'C' } };
  const owner: Session = { caller: { role: 'owner', userId: 'O' } };
  let n = 0;

  /** A completed sale closed at `when`: cash handed over and change, or a wallet tender. */
  function sale(when: Date, tender: { kind: string; amount: number; tendered?: number }, terminal = T) {
    n += 1;
    const id = `S${n}`;
    const change = (tender.tendered ?? tender.amount) - tender.amount;
    db.prepare(
      `INSERT INTO sale (id, terminal_id, status, currency, opened_at, closed_at, closed_by, receipt_no, business_date, subtotal, discount_total, total, rounding, tax_total, change_given)
       VALUES (?, ?, 'completed', 'CNY', ?, ?, 'C', ?, '2026-11-22', ?, 0, ?, 0, 0, ?)`,
    ).run(id, terminal, when.toISOString(), when.toISOString(), n, tender.amount, tender.amount, change);
    db.prepare('INSERT INTO sale_tender (id, sale_id, seq, kind, amount, tendered, created_at) VALUES (?, ?, 1, ?, ?, ?, ?)').run(
      `T${n}`,
      id,
      tender.kind,
      tender.amount,
      tender.tendered ?? tender.amount,
      when.toISOString(),
    );
    return id;
  }
  function cashRefund(saleId: string, when: Date, amount: number) {
    n += 1;
    db.prepare(
      `INSERT INTO refund (id, sale_id, refund_request_no, kind, tender_kind, amount, wallet_amount, cash_amount, status, reason, approved_by, user_id, deadline_at,
         receipt_no, business_date, created_at, updated_at, finished_at) VALUES (?, ?, ?, 'cash', 'cash', ?, 0, ?, 'refunded', 'x', 'O', 'C', 0, ?, '2026-11-22', ?, ?, ?)`,
    ).run(`R${n}`, saleId, `RN${n}`, amount, amount, n, when.toISOString(), when.toISOString(), when.toISOString());
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pos-shifts-'));
    db = openDatabase(join(dir, 'pos.sqlite'));
    for (const [id, role] of [
      ['C', 'cashier'],
      ['O', 'owner'],
    ])
      db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES (?, ?, ?, 'x', '2026-01-01')").run(id, id, role);
    db.prepare("INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, pinyin_initials, created_at, updated_at) VALUES ('P', 'P', 'p', 1, 0, 'each', 'p', 'x', 'x')").run();
    now = at(8);
    const clock = { now: () => now };
    const auth = { approve: async () => ({ id: 'O', name: 'O', role: 'owner' as const }) } as unknown as AuthService;
    shifts = createShiftsService({ db, clock, audit: createAuditService({ db, clock }), auth, terminalId: T });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts cash kept (handed over − change), cash refunds, cash in and out of its window only, to the fen', async () => {
    const before = sale(at(7, 59), { kind: 'cash', amount: 1_000 }); // before the shift opened: not in it
    shifts.open(10_000, cashier);
    now = at(9);
    const first = sale(at(9), { kind: 'cash', amount: 1_234, tendered: 2_000 });
    sale(at(9, 30), { kind: 'wechat', amount: 5_000 });
    sale(at(9, 31), { kind: 'cash', amount: 777 }, 'OTHER-TERMINAL');
    cashRefund(first, at(10), 234);
    cashRefund(before, at(10, 5), 1_000); // a refund of an older sale, handed back in this shift: counts
    now = at(10, 30);
    shifts.cashIn(500, '零钱', cashier);
    await shifts.cashOut(2_000, '存银行', undefined, owner);
    const open = shifts.current(owner)!;
    expect(open.cash).toEqual({ float: 10_000, tendered: 2_000, change: 766, kept: 1_234, cashRefunds: 1_234, cashIn: 500, cashOut: 2_000, expected: 10_000 + 1_234 - 1_234 + 500 - 2_000 });

    now = at(11);
    const closed = shifts.close(8_600, undefined, cashier);
    expect(closed).toMatchObject({ counted: 8_600, overShort: 100, cash: { expected: 8_500 } });
    // After the close: a sale and a refund of the next shift's time change nothing in it.
    sale(at(11, 1), { kind: 'cash', amount: 900 });
    cashRefund(first, at(11, 2), 100);
    expect(shifts.list(5)[0]).toEqual(closed);
    expect(db.prepare("SELECT action, json_extract(details, '$.overShort') AS overShort FROM audit_log WHERE action = 'shift.close'").get()).toEqual({ action: 'shift.close', overShort: 100 });

    now = at(12);
    const next = shifts.open(0, owner);
    now = at(12, 30);
    expect(shifts.current(owner)!.cash).toMatchObject({ kept: 0, cashRefunds: 0, expected: 0 }); // 11:01 and 11:02 were between shifts
    expect(next.openedBy).toEqual({ id: 'O', name: 'O' });
  });

  it('blind count: a cashier sees no expected cash nor its parts until the close; the owner sees them all', async () => {
    const opened = shifts.open(10_000, cashier);
    expect(opened).toMatchObject({ blind: true, cash: null, openedBy: { id: 'C', name: 'C' } });
    now = at(9);
    sale(at(9), { kind: 'cash', amount: 1_234, tendered: 2_000 });
    now = at(9, 30);
    const afterIn = shifts.cashIn(500, '零钱', cashier);
    // Her own movements stay visible; no figure that adds up to the drawer.
    expect(afterIn).toMatchObject({ blind: true, cash: null, counted: null, overShort: null });
    expect(afterIn.movements).toEqual([expect.objectContaining({ kind: 'in', amount: 500, reason: '零钱', user: { id: 'C', name: 'C' } })]);
    expect(JSON.stringify(shifts.current(cashier))).not.toMatch(/expected|"kept"|"float"|tendered|cashRefunds/);
    expect(await shifts.cashOut(100, '买袋子', { userId: 'O', pin: '8888' }, cashier)).toMatchObject({ blind: true, cash: null });
    // A refused cash-out does not tell her what the drawer holds either (the owner's refusal does).
    const refused = await shifts.cashOut(1_000_000, 'x', { userId: 'O', pin: '8888' }, cashier).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'validation_failed', details: { reason: 'exceeds_drawer' } });
    expect((refused as PosError).details).not.toHaveProperty('available');
    await expect(shifts.cashOut(1_000_000, 'x', undefined, owner)).rejects.toMatchObject({ details: { reason: 'exceeds_drawer', available: 11_634 } });
    const full = shifts.current(owner)!;
    expect(full).toMatchObject({ blind: false, cash: { float: 10_000, kept: 1_234, cashIn: 500, cashOut: 100, expected: 11_634 } });
    // Closing, she sees the expected cash and the over/short: her count is recorded already.
    now = at(10);
    const closed = shifts.close(11_700, undefined, cashier);
    expect(closed).toMatchObject({ blind: false, counted: 11_700, overShort: 66, cash: { expected: 11_634 } });
    expect(shifts.list(1)[0]).toEqual(closed);
  });

  it('asks an owner’s approval of a cashier’s cash-out and records who approved', async () => {
    shifts.open(5_000, cashier);
    await expect(shifts.cashOut(1_000, 'x', undefined, cashier)).rejects.toMatchObject({ code: 'forbidden', details: { needsApproval: true } });
    const view = await shifts.cashOut(1_000, '买零钱袋', { userId: 'O', pin: '8888' }, cashier);
    expect(view.movements).toEqual([expect.objectContaining({ kind: 'out', amount: 1_000, reason: '买零钱袋', user: { id: 'C', name: 'C' }, approvedBy: { id: 'O', name: 'O' } })]);
    await expect(shifts.cashOut(4_001, 'x', undefined, owner)).rejects.toMatchObject({ code: 'validation_failed', details: { reason: 'exceeds_drawer', available: 4_000 } });
  });

  it('will not close over an unfinished wallet payment or a queued money job, and names them', () => {
    shifts.open(0, cashier);
    const saleId = sale(at(8, 10), { kind: 'wechat', amount: 100 });
    db.prepare("INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at) VALUES ('PAY', ?, 'ORDER-1', 'code', 'wechat', 100, 'unknown', '{}', ?, ?)").run(
      saleId,
      at(8, 10).toISOString(),
      at(8, 10).toISOString(),
    );
    const job = db.prepare("INSERT INTO job (id, kind, subject, payload, status, run_at, created_at, updated_at) VALUES (?, ?, ?, '{}', 'queued', 0, ?, ?)");
    job.run('J', 'payment.query', 'payment:PAY', at(8, 10).toISOString(), at(8, 10).toISOString());
    job.run('ST', 'statement.download', 'statement:2026-11-21', at(8, 10).toISOString(), at(8, 10).toISOString());
    now = at(9);
    let error: unknown;
    try {
      shifts.close(0, undefined, cashier);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PosError);
    expect((error as PosError).details).toEqual({
      reason: 'unresolved',
      payments: [{ paymentId: 'PAY', orderNo: 'ORDER-1', status: 'unknown', amount: 100, wallet: 'wechat' }],
      refunds: [],
      jobs: [{ kind: 'payment.query', count: 1 }],
    });
    expect(shifts.current(owner)).not.toBeNull();
    db.prepare("UPDATE payment SET status = 'paid' WHERE id = 'PAY'").run();
    db.prepare("UPDATE job SET status = 'done' WHERE id = 'J'").run();
    // Final for the terminal, for the owner to reconcile: it does not hold the shift (nor does a statement download).
    db.prepare("INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at) VALUES ('PAY2', ?, 'ORDER-2', 'code', 'alipay', 100, 'needs_attention', '{}', ?, ?)").run(
      saleId,
      at(8, 20).toISOString(),
      at(8, 20).toISOString(),
    );
    expect(shifts.close(0, undefined, cashier).overShort).toBe(0);
  });
});
