import type Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion } from './testing';

const T0 = '2026-12-01T02:00:00.000Z';
const T1 = '2026-12-01T03:00:00.000Z';
const T2 = '2026-12-01T04:00:00.000Z';

function seedPeopleAndGoods(db: Sqlite.Database) {
  db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(T0);
  db.prepare("INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, pinyin_initials, created_at, updated_at) VALUES ('P1', 'S1', '水', 200, 1300, 'each', 's', ?, ?)").run(T0, T0);
}

function openSale(db: Sqlite.Database, id: string) {
  db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, opened_by) VALUES (?, 'T', 'open', 'CNY', ?, 'U1')").run(id, T0);
}

const facts = (db: Sqlite.Database) =>
  db.prepare('SELECT seq, kind, ref_id AS ref, variant, recorded_at AS at, acked FROM sync_fact ORDER BY seq').all() as { seq: number; kind: string; ref: string; variant: string; at: string; acked: number }[];

describe('0022_sync', () => {
  it('leaves the facts written before it unnumbered (0023 numbers them after the start, in the SQL worker)', () => {
    const db = atVersion(21);
    seedPeopleAndGoods(db);
    db.prepare("INSERT INTO shift (id, terminal_id, opened_at, opened_by, float_amount) VALUES ('SH1', 'T', ?, 'U1', 10000)").run(T0);
    migrate(db, migrations.slice(0, 22));
    expect(facts(db)).toEqual([]);
  });

  it('gives every fact its next number in the transaction that writes it, whatever code path writes it', () => {
    const db = atVersion(22);
    seedPeopleAndGoods(db);
    db.prepare("INSERT INTO shift (id, terminal_id, opened_at, opened_by, float_amount) VALUES ('SH1', 'T', ?, 'U1', 10000)").run(T0);
    openSale(db, 'S1');
    db.prepare("UPDATE sale SET status = 'suspended' WHERE id = 'S1'").run(); // not final: nothing
    db.prepare("UPDATE sale SET status = 'open' WHERE id = 'S1'").run();
    db.prepare(
      "INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at) VALUES ('PAY1', 'S1', 'C1', 'code', 'wechat', 200, 'submitted', '{}', ?, ?)",
    ).run(T1, T1);
    db.prepare("UPDATE payment SET status = 'unknown' WHERE id = 'PAY1'").run(); // not final
    db.prepare("UPDATE payment SET status = 'paid', finished_at = ? WHERE id = 'PAY1'").run(T1);
    db.prepare("UPDATE sale SET status = 'completed', closed_at = ?, receipt_no = 1, business_date = '2026-12-01' WHERE id = 'S1'").run(T1);
    db.prepare("UPDATE sale SET tax_total = 0 WHERE id = 'S1'").run(); // a later update of another column: no second fact
    openSale(db, 'S2');
    db.prepare("UPDATE sale SET status = 'voided', closed_at = ?, void_reason = 'x' WHERE id = 'S2'").run(T2);
    db.prepare("INSERT INTO cash_movement (id, shift_id, kind, amount, reason, user_id, at) VALUES ('CM1', 'SH1', 'out', 500, '找零', 'U1', ?)").run(T2);
    db.prepare(
      "UPDATE shift SET closed_at = ?, closed_by = 'U1', counted_cash = 9500, expected_cash = 9500, over_short = 0, cash_sales = 0, cash_refunds = 0, cash_in = 0, cash_out = 500 WHERE id = 'SH1'",
    ).run(T2);
    db.prepare(
      "INSERT INTO z_report (terminal_id, z_no, business_date, to_at, taken_by, currency, sales_count, gross, discounts, refunds, net, tax, report) VALUES ('T', 1, '2026-12-01', ?, 'U1', 'CNY', 1, 200, 0, 0, 200, 0, '{}')",
    ).run(T2);
    db.prepare("INSERT INTO audit_log (at, action, prev_hash, hash) VALUES (?, 'z.taken', 'x', 'y')").run(T2);

    expect(facts(db).map((f) => [f.seq, f.kind, f.ref, f.variant, f.at])).toEqual([
      [1, 'shift_open', 'SH1', '', T0],
      [2, 'payment', 'PAY1', 'paid', T1],
      [3, 'sale', 'S1', '', T1],
      [4, 'sale_void', 'S2', '', T2],
      [5, 'cash_movement', 'CM1', '', T2],
      [6, 'shift_close', 'SH1', '', T2],
      [7, 'z_report', 'T:1', '', T2],
      [8, 'audit', '1', '', T2],
    ]);
  });

  it('writes no fact when the transaction that would write it rolls back', () => {
    const db = atVersion(22);
    seedPeopleAndGoods(db);
    openSale(db, 'S1');
    expect(() =>
      db.transaction(() => {
        db.prepare("UPDATE sale SET status = 'completed', closed_at = ?, receipt_no = 1, business_date = '2026-12-01' WHERE id = 'S1'").run(T1);
        throw new Error('disk full');
      })(),
    ).toThrow('disk full');
    expect(facts(db)).toEqual([]);
  });

  it('never drops a fact, and lets only its acknowledgement change', () => {
    const db = atVersion(22);
    seedPeopleAndGoods(db);
    db.prepare("INSERT INTO stock_movement (id, product_id, delta_milli, reason, ref, at) VALUES ('M1', 'P1', 1000, 'import', NULL, ?)").run(T0);
    db.prepare('UPDATE sync_fact SET acked = 1 WHERE seq = 1').run();
    expect(() => db.prepare('DELETE FROM sync_fact').run()).toThrow(/never dropped/);
    expect(() => db.prepare("UPDATE sync_fact SET ref_id = 'M2'").run()).toThrow(/only changes its acknowledgement/);
    expect(() => db.prepare("INSERT INTO sync_fact (kind, ref_id, recorded_at) VALUES ('stock_movement', 'M1', ?)").run(T0)).toThrow(/UNIQUE/);
    expect(facts(db)).toEqual([{ seq: 1, kind: 'stock_movement', ref: 'M1', variant: '', at: T0, acked: 1 }]);
  });
});
