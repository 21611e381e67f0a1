import type Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { atVersion, queryPlan } from './testing';

const plan = queryPlan;

const NOW = '2026-01-01T00:00:00.000Z';

/** A completed wallet sale S1 with two lines, paid by payment PAY1; owner U1. */
function seeded() {
  const db = atVersion(6);
  db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(NOW);
  db.prepare(
    `INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, pinyin_initials, created_at, updated_at)
     VALUES ('P1', 'DR0001', '可乐', 300, 1300, 'each', 'kl', ?, ?)`,
  ).run(NOW, NOW);
  db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, receipt_no, business_date, total) VALUES ('S1', 'T', 'completed', 'CNY', ?, 1, '2026-01-01', 900)").run(NOW);
  const line = db.prepare(
    `INSERT INTO sale_line (sale_id, line_no, line_id, product_id, sku, name, unit, quantity_milli, unit_price, gross, line_discount, order_discount, net, tax_rate_bp)
     VALUES ('S1', ?, ?, 'P1', 'DR0001', '可乐', 'each', ?, 300, ?, 0, 0, ?, 1300)`,
  );
  line.run(1, 'L1', 2000, 600, 600);
  line.run(2, 'L2', 1000, 300, 300);
  db.prepare(
    `INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at)
     VALUES ('PAY1', 'S1', 'CSN1', 'code', 'wechat', 900, 'paid', '{}', ?, ?)`,
  ).run(NOW, NOW);
  return db;
}

const refund = (db: Sqlite.Database, fields: Record<string, unknown> = {}) => {
  const row = {
    id: 'R1',
    sale_id: 'S1',
    payment_id: 'PAY1',
    refund_request_no: '20260101R0000000001',
    kind: 'wallet',
    tender_kind: 'wechat',
    amount: 300,
    wallet_amount: 300,
    cash_amount: 0,
    status: 'submitted',
    reason: '退货',
    approved_by: 'U1',
    user_id: 'U1',
    deadline_at: 0,
    receipt_no: null,
    business_date: null,
    finished_at: null,
    created_at: NOW,
    updated_at: NOW,
    ...fields,
  };
  const columns = Object.keys(row);
  db.prepare(`INSERT INTO refund (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`).run(row);
};

describe('0006_refunds', () => {
  it('keeps a refund’s money consistent: positive, wallet + cash, a wallet part only against a payment', () => {
    const db = seeded();
    refund(db);
    expect(() => refund(db, { id: 'R2', refund_request_no: 'N2', amount: 0, wallet_amount: 0 })).toThrow(/CHECK constraint/);
    expect(() => refund(db, { id: 'R3', refund_request_no: 'N3', amount: 400 })).toThrow(/CHECK constraint/);
    expect(() => refund(db, { id: 'R4', refund_request_no: 'N4', payment_id: null })).toThrow(/CHECK constraint/);
    expect(() => refund(db, { id: 'R5', refund_request_no: 'N5', kind: 'cash', wallet_amount: 0, cash_amount: 300 })).toThrow(/CHECK constraint/);
    // A mixed refund: one row, its wallet part and the rest in cash.
    refund(db, { id: 'R6', refund_request_no: 'N6', amount: 500, wallet_amount: 300, cash_amount: 200 });
    expect(() => refund(db, { id: 'R7', refund_request_no: 'N7', payment_id: 'NOPE' })).toThrow(/FOREIGN KEY/);
  });

  it('makes the refund request number unique and at most 20 characters', () => {
    const db = seeded();
    refund(db);
    expect(() => refund(db, { id: 'R2' })).toThrow(/UNIQUE constraint/);
    expect(() => refund(db, { id: 'R3', refund_request_no: 'X'.repeat(21) })).toThrow(/CHECK constraint/);
    expect(() => refund(db, { id: 'R4', refund_request_no: '' })).toThrow(/CHECK constraint/);
  });

  it('lets a cash refund exist only as refunded (it is made final in the transaction that records it), with a receipt number', () => {
    const db = seeded();
    const cash = { payment_id: null, kind: 'cash', tender_kind: 'cash', wallet_amount: 0, cash_amount: 300 };
    expect(() => refund(db, { ...cash, status: 'in_progress' })).toThrow(/CHECK constraint/);
    expect(() => refund(db, { ...cash, status: 'refunded' })).toThrow(/CHECK constraint/);
    refund(db, { ...cash, status: 'refunded', receipt_no: 1, business_date: '2026-01-01', finished_at: NOW });
    expect(() => refund(db, { ...cash, id: 'R2', refund_request_no: 'N2', status: 'refunded', receipt_no: 1, business_date: '2026-01-01', finished_at: NOW })).toThrow(
      /UNIQUE constraint/,
    );
    expect(() => refund(db, { id: 'R3', refund_request_no: 'N3', receipt_no: 2 })).toThrow(/CHECK constraint/);
  });

  it('ties refund lines to the sale’s lines and keeps them append-only', () => {
    const db = seeded();
    refund(db);
    const line = db.prepare('INSERT INTO refund_line (refund_id, sale_id, line_no, quantity_milli, amount) VALUES (?, ?, ?, ?, ?)');
    line.run('R1', 'S1', 1, 1000, 300);
    expect(() => line.run('R1', 'S1', 9, 1000, 300)).toThrow(/FOREIGN KEY/);
    expect(() => line.run('R1', 'S1', 2, 0, 0)).toThrow(/CHECK constraint/);
    expect(() => line.run('R1', 'S1', 1, 1000, 300)).toThrow(/UNIQUE constraint|PRIMARY KEY/);
    expect(() => db.prepare('UPDATE refund_line SET amount = 1').run()).toThrow(/append-only/);
  });

  it('holds one outbox job per refund, several refunds of one payment at once, and still one query/cancel job per payment', () => {
    const db = seeded();
    refund(db);
    refund(db, { id: 'R2', refund_request_no: 'N2' });
    const job = db.prepare("INSERT INTO outbox (id, kind, payment_id, refund_id, due_at, created_at) VALUES (?, ?, 'PAY1', ?, 0, 'now')");
    job.run('J1', 'refund', 'R1');
    job.run('J2', 'refund', 'R2');
    expect(() => job.run('J3', 'refund', 'R1')).toThrow(/UNIQUE constraint/);
    job.run('J4', 'query', null);
    expect(() => job.run('J5', 'cancel', null)).toThrow(/UNIQUE constraint/);
  });

  it('keeps the day’s refund totals by tender kind', () => {
    const db = seeded();
    const add = db.prepare(
      `INSERT INTO daily_refund_total (business_date, kind, count, amount) VALUES (?, ?, 1, ?)
       ON CONFLICT (business_date, kind) DO UPDATE SET count = count + 1, amount = amount + excluded.amount`,
    );
    add.run('2026-01-01', 'wechat', 300);
    add.run('2026-01-01', 'wechat', 150);
    add.run('2026-01-01', 'cash', 99);
    expect(db.prepare('SELECT kind, count, amount FROM daily_refund_total ORDER BY kind').all()).toEqual([
      { kind: 'cash', count: 1, amount: 99 },
      { kind: 'wechat', count: 2, amount: 450 },
    ]);
    expect(() => add.run('2026-01-01', 'bitcoin', 1)).toThrow(/CHECK constraint/);
  });

  it('finds a sale’s refunds, what its lines gave back, and the next refund job by index', () => {
    const db = seeded();
    expect(plan(db, "SELECT * FROM refund WHERE sale_id = 'S1' ORDER BY created_at")).toMatch(/SEARCH refund USING INDEX refund_by_sale \(sale_id=\?\)/);
    expect(plan(db, "SELECT line_no, sum(quantity_milli) FROM refund_line WHERE sale_id = 'S1' GROUP BY line_no")).toMatch(/refund_line_by_sale_line/);
    expect(plan(db, "SELECT * FROM refund WHERE status IN ('submitted', 'in_progress', 'unknown')")).toMatch(/refund_unfinished/);
    expect(plan(db, "SELECT id FROM outbox WHERE kind = 'refund' AND refund_id = 'R1'")).toMatch(/outbox_one_job_per_refund/);
  });
});
