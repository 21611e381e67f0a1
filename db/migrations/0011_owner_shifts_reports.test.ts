import type Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion, queryPlan } from './testing';

const NOW = '2026-01-01T10:00:00.000Z';

function seed(db: Sqlite.Database) {
  db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(NOW);
  return db;
}

const z = (db: Sqlite.Database, fields: Record<string, unknown>) => {
  const row = {
    terminal_id: 'T',
    z_no: 1,
    business_date: '2026-01-01',
    from_at: null,
    to_at: NOW,
    taken_by: 'U1',
    currency: 'CNY',
    sales_count: 0,
    gross: 0,
    discounts: 0,
    refunds: 0,
    net: 0,
    tax: 0,
    report: '{}',
    ...fields,
  };
  const columns = Object.keys(row);
  db.prepare(`INSERT INTO z_report (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`).run(row);
};

describe('0011_owner_shifts_reports', () => {
  it('keeps one open shift per terminal, and a closed shift as it was closed', () => {
    const db = seed(atVersion(11));
    const open = db.prepare("INSERT INTO shift (id, terminal_id, opened_at, opened_by, float_amount) VALUES (?, ?, ?, 'U1', 20000)");
    open.run('S1', 'T', NOW);
    expect(() => open.run('S2', 'T', NOW)).toThrow(/UNIQUE constraint/);
    open.run('S3', 'OTHER', NOW);
    expect(() => db.prepare("UPDATE shift SET float_amount = 1 WHERE id = 'S1'").run()).toThrow(/opening cannot change/);
    // Closing needs every part, and the arithmetic must hold.
    expect(() => db.prepare("UPDATE shift SET closed_at = ?, closed_by = 'U1', counted_cash = 100 WHERE id = 'S1'").run(NOW)).toThrow(/CHECK constraint/);
    const close = db.prepare(
      `UPDATE shift SET closed_at = ?, closed_by = 'U1', expected_cash = ?, counted_cash = ?, over_short = ?, cash_sales = 5000, cash_refunds = 300,
         cash_in = 1000, cash_out = 2000 WHERE id = 'S1'`,
    );
    expect(() => close.run(NOW, 99, 23700, 23700 - 99)).toThrow(/CHECK constraint/);
    close.run(NOW, 23700, 23650, -50);
    expect(db.prepare("SELECT over_short FROM shift WHERE id = 'S1'").pluck().get()).toBe(-50);
    expect(() => db.prepare("UPDATE shift SET note = 'x' WHERE id = 'S1'").run()).toThrow(/closed shift cannot change/);
    expect(() => db.prepare("DELETE FROM shift WHERE id = 'S1'").run()).toThrow(/shifts are kept/);
    open.run('S4', 'T', NOW); // the next shift may open once the first closed
  });

  it('keeps cash movements append-only with a positive amount and a reason', () => {
    const db = seed(atVersion(11));
    db.prepare("INSERT INTO shift (id, terminal_id, opened_at, opened_by, float_amount) VALUES ('S1', 'T', ?, 'U1', 0)").run(NOW);
    const move = db.prepare("INSERT INTO cash_movement (id, shift_id, kind, amount, reason, user_id, at) VALUES (?, 'S1', ?, ?, ?, 'U1', ?)");
    move.run('M1', 'out', 500, '存银行', NOW);
    expect(() => move.run('M2', 'out', 0, 'x', NOW)).toThrow(/CHECK constraint/);
    expect(() => move.run('M3', 'in', 100, '  ', NOW)).toThrow(/CHECK constraint/);
    expect(() => move.run('M4', 'sideways', 100, 'x', NOW)).toThrow(/CHECK constraint/);
    expect(() => db.prepare("UPDATE cash_movement SET amount = 1 WHERE id = 'M1'").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM cash_movement WHERE id = 'M1'").run()).toThrow(/append-only/);
  });

  it('numbers Z reports without gaps, each from the end of the one before, one per business date, immutable', () => {
    const db = seed(atVersion(11));
    expect(() => z(db, { z_no: 2 })).toThrow(/follows the previous one/);
    expect(() => z(db, { from_at: '2025-12-31T00:00:00.000Z' })).toThrow(/follows the previous one/);
    z(db, {});
    expect(() => z(db, { z_no: 2, business_date: '2026-01-02', from_at: '2026-01-01T09:00:00.000Z', to_at: '2026-01-02T10:00:00.000Z' })).toThrow(/follows the previous one/);
    expect(() => z(db, { z_no: 2, from_at: NOW, to_at: '2026-01-01T11:00:00.000Z' })).toThrow(/UNIQUE constraint/);
    z(db, { z_no: 2, business_date: '2026-01-02', from_at: NOW, to_at: '2026-01-02T10:00:00.000Z' });
    z(db, { terminal_id: 'OTHER' }); // another terminal counts from 1
    expect(() => db.prepare('UPDATE z_report SET net = 1').run()).toThrow(/immutable/);
    expect(() => db.prepare('DELETE FROM z_report').run()).toThrow(/immutable/);
    expect(db.prepare("SELECT z_no FROM z_report WHERE terminal_id = 'T' ORDER BY z_no").pluck().all()).toEqual([1, 2]);
  });

  it('reads a day of sales by index, the hourly chart from the index alone, refunds by when they became final', () => {
    const db = atVersion(11);
    const window = "s.terminal_id = 'T' AND s.closed_at > '2026-01-01' AND s.closed_at <= '2026-01-02'";
    expect(queryPlan(db, `SELECT substr(s.closed_at, 1, 13) AS h, count(*), sum(s.total + s.rounding) FROM sale s WHERE ${window} AND s.status = 'completed' GROUP BY h`)).toMatch(
      /SEARCH s USING COVERING INDEX sale_by_closed/,
    );
    expect(queryPlan(db, `SELECT status, sum(subtotal) FROM sale s WHERE ${window} GROUP BY status`)).toMatch(/SEARCH s USING (COVERING )?INDEX sale_by_closed/);
    expect(queryPlan(db, "SELECT kind, sum(amount) FROM report_tender_q WHERE terminal_id = 'T' AND q > '2026-01-01T00:00' AND q < '2026-01-02T00:00' GROUP BY kind")).toMatch(
      /SEARCH report_tender_q USING PRIMARY KEY \(terminal_id=\? AND q>\? AND q<\?\)/,
    );
    expect(queryPlan(db, "SELECT * FROM refund r WHERE r.status = 'refunded' AND r.finished_at > '2026-01-01' AND r.finished_at <= '2026-01-02'")).toMatch(
      /SEARCH r USING INDEX refund_by_finished/,
    );
    expect(queryPlan(db, "SELECT * FROM payment WHERE created_at > '2026-01-01' AND created_at <= '2026-01-02'")).toMatch(/SEARCH payment USING INDEX payment_by_created/);
  });

  it('keeps quarter-hour totals of closed sales, their tenders, taxes and items, and fills them for the sales before it', () => {
    const db = seed(atVersion(10));
    db.prepare("INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, pinyin_initials, created_at, updated_at) VALUES ('P', 'P', '可乐', 300, 1300, 'each', 'kl', ?, ?)").run(NOW, NOW);
    const sale = (id: string, status: string, closedAt: string | null, total: number) =>
      db
        .prepare(
          `INSERT INTO sale (id, terminal_id, status, currency, opened_at, closed_at, closed_by, receipt_no, business_date, subtotal, discount_total, total, rounding, tax_total, change_given)
           VALUES (?, 'T', ?, 'CNY', ?, ?, 'U1', ?, '2026-01-01', ?, 0, ?, 0, 0, 0)`,
        )
        .run(id, status, NOW, closedAt, status === 'completed' ? Number(id.slice(1)) : null, total, total);
    const tender = (saleId: string, kind: string, amount: number) =>
      db.prepare("INSERT INTO sale_tender (id, sale_id, seq, kind, amount, tendered, created_at) VALUES (?, ?, 1, ?, ?, ?, 'x')").run(`T${saleId}`, saleId, kind, amount, amount);
    const line = (saleId: string, quantityMilli: number) =>
      db
        .prepare(
          "INSERT INTO sale_line (sale_id, line_no, line_id, product_id, sku, name, unit, quantity_milli, unit_price, gross, line_discount, order_discount, net, tax_rate_bp) VALUES (?, 1, 'L', 'P', 'P', 'p', 'each', ?, 300, 0, 0, 0, 0, 1300)",
        )
        .run(saleId, quantityMilli);
    // Before the migration: one sale at 10:07.
    sale('S1', 'completed', '2026-01-01T10:07:00.000Z', 500);
    tender('S1', 'cash', 500);
    line('S1', 2000);
    migrate(db, migrations.slice(0, 11));
    // After it: an open sale closed by an UPDATE at 10:14 (same quarter), its lines, tax and tender after; one at 10:15 (next quarter); a void.
    db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at) VALUES ('S2', 'T', 'open', 'CNY', ?)").run(NOW);
    db.prepare(
      "UPDATE sale SET status = 'completed', closed_at = '2026-01-01T10:14:59.999Z', closed_by = 'U1', receipt_no = 2, subtotal = 300, discount_total = 0, total = 300, rounding = 0, tax_total = 35, change_given = 0 WHERE id = 'S2'",
    ).run();
    line('S2', 1000);
    db.prepare("INSERT INTO sale_tax (sale_id, rate_bp, taxable, tax) VALUES ('S2', 1300, 300, 35)").run();
    tender('S2', 'wechat', 300);
    sale('S3', 'completed', '2026-01-01T10:15:00.000Z', 700);
    tender('S3', 'cash', 700);
    db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at) VALUES ('S4', 'T', 'open', 'CNY', ?)").run(NOW);
    db.prepare("UPDATE sale SET status = 'voided', closed_at = '2026-01-01T10:20:00.000Z', closed_by = 'U1' WHERE id = 'S4'").run();

    expect(db.prepare('SELECT q, status, count, total, tax FROM report_sale_q ORDER BY q, status').all()).toEqual([
      { q: '2026-01-01T10:00', status: 'completed', count: 2, total: 800, tax: 35 },
      { q: '2026-01-01T10:15', status: 'completed', count: 1, total: 700, tax: 0 },
      { q: '2026-01-01T10:15', status: 'voided', count: 1, total: 0, tax: 0 },
    ]);
    expect(db.prepare('SELECT q, kind, count, amount FROM report_tender_q ORDER BY q, kind').all()).toEqual([
      { q: '2026-01-01T10:00', kind: 'cash', count: 1, amount: 500 },
      { q: '2026-01-01T10:00', kind: 'wechat', count: 1, amount: 300 },
      { q: '2026-01-01T10:15', kind: 'cash', count: 1, amount: 700 },
    ]);
    expect(db.prepare('SELECT q, rate_bp, taxable, tax FROM report_tax_q').all()).toEqual([{ q: '2026-01-01T10:00', rate_bp: 1300, taxable: 300, tax: 35 }]);
    expect(db.prepare('SELECT q, items, lines FROM report_item_q').all()).toEqual([{ q: '2026-01-01T10:00', items: 3, lines: 2 }]);
  });
});
