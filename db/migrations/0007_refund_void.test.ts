import type Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion, queryPlan } from './testing';

const plan = queryPlan;

const NOW = '2026-01-01T00:00:00.000Z';

/** Two completed wallet sales S1 and S2 (900 fen each, one line), paid by PAY1 / PAY2; owner U1. */
function seed(db: Sqlite.Database) {
  db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(NOW);
  db.prepare(
    `INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, pinyin_initials, created_at, updated_at)
     VALUES ('P1', 'DR0001', '可乐', 300, 1300, 'each', 'kl', ?, ?)`,
  ).run(NOW, NOW);
  for (const n of [1, 2]) {
    db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, receipt_no, business_date, total) VALUES (?, 'T', 'completed', 'CNY', ?, ?, '2026-01-01', 900)").run(
      `S${n}`,
      NOW,
      n,
    );
    db.prepare(
      `INSERT INTO sale_line (sale_id, line_no, line_id, product_id, sku, name, unit, quantity_milli, unit_price, gross, line_discount, order_discount, net, tax_rate_bp)
       VALUES (?, 1, 'L1', 'P1', 'DR0001', '可乐', 'each', 3000, 300, 900, 0, 0, 900, 1300)`,
    ).run(`S${n}`);
    db.prepare(
      `INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at)
       VALUES (?, ?, ?, 'code', 'wechat', 900, 'paid', '{}', ?, ?)`,
    ).run(`PAY${n}`, `S${n}`, `CSN${n}`, NOW, NOW);
  }
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
    amount: 900,
    wallet_amount: 900,
    cash_amount: 0,
    status: 'submitted',
    reason: '作废',
    approved_by: 'U1',
    user_id: 'U1',
    deadline_at: 0,
    created_at: NOW,
    updated_at: NOW,
    ...fields,
  };
  const columns = Object.keys(row);
  db.prepare(`INSERT INTO refund (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`).run(row);
};

describe('0007_refund_void', () => {
  it('marks the refunds made before it as ordinary refunds', () => {
    const db = seed(atVersion(6));
    refund(db, { amount: 300, wallet_amount: 300 });
    migrate(db, migrations.slice(0, 7));
    expect(db.prepare("SELECT is_void FROM refund WHERE id = 'R1'").pluck().get()).toBe(0);
  });

  it('takes a void flag of 0 or 1, 0 unless said', () => {
    const db = seed(atVersion(7));
    refund(db, { amount: 300, wallet_amount: 300 });
    expect(db.prepare("SELECT is_void FROM refund WHERE id = 'R1'").pluck().get()).toBe(0);
    refund(db, { id: 'R2', refund_request_no: 'N2', is_void: 1 });
    expect(() => refund(db, { id: 'R3', refund_request_no: 'N3', sale_id: 'S2', payment_id: 'PAY2', is_void: 2 })).toThrow(/CHECK constraint/);
    expect(() => refund(db, { id: 'R4', refund_request_no: 'N4', sale_id: 'S2', payment_id: 'PAY2', is_void: null })).toThrow(/NOT NULL/);
  });

  it('voids a sale at most once, whatever became of the first void, next to any number of ordinary refunds', () => {
    const db = seed(atVersion(7));
    refund(db, { is_void: 1, status: 'failed' });
    expect(() => refund(db, { id: 'R2', refund_request_no: 'N2', is_void: 1 })).toThrow(/UNIQUE constraint/);
    refund(db, { id: 'R3', refund_request_no: 'N3', amount: 300, wallet_amount: 300 });
    refund(db, { id: 'R4', refund_request_no: 'N4', amount: 300, wallet_amount: 300 });
    refund(db, { id: 'R5', refund_request_no: 'N5', sale_id: 'S2', payment_id: 'PAY2', is_void: 1 });
    expect(db.prepare('SELECT sale_id, count(*) AS n FROM refund WHERE is_void = 1 GROUP BY sale_id ORDER BY sale_id').all()).toEqual([
      { sale_id: 'S1', n: 1 },
      { sale_id: 'S2', n: 1 },
    ]);
  });

  it('finds a sale’s void by index', () => {
    const db = seed(atVersion(7));
    expect(plan(db, "SELECT * FROM refund WHERE sale_id = 'S1' AND is_void = 1")).toMatch(/refund_one_void_per_sale/);
  });
});
