import type Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion } from './testing';

const T0 = '2026-12-01T02:00:00.000Z';
const T1 = '2026-12-01T03:00:00.000Z';
const T2 = '2026-12-01T04:00:00.000Z';

function seed(db: Sqlite.Database) {
  db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(T0);
  db.prepare("INSERT INTO member (id, phone, name, code, created_at, created_by) VALUES ('M1', '13812345678', '王芳', 'CODE0001', ?, 'U1')").run(T0);
}

/** A completed sale of `money` (one cash tender) that earned `earned` points and redeemed `redeemed` points worth `worth`. */
function sale(db: Sqlite.Database, id: string, receiptNo: number, money: number, earned: number, redeemed = 0, worth = 0) {
  db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, opened_by) VALUES (?, 'T', 'open', 'CNY', ?, 'U1')").run(id, T0);
  db.prepare("UPDATE sale SET status = 'completed', closed_at = ?, receipt_no = ?, business_date = '2026-12-01', total = ? WHERE id = ?").run(T1, receiptNo, money + worth, id);
  db.prepare("INSERT INTO sale_tender (id, sale_id, seq, kind, amount, tendered, created_at) VALUES (?, ?, 1, 'cash', ?, ?, ?)").run(`${id}-t`, id, money, money, T1);
  if (redeemed > 0) {
    db.prepare("INSERT INTO member_points (id, member_id, reason, delta, amount, sale_id, business_date, at, redeemed_as) VALUES (?, 'M1', 'redeem', ?, ?, ?, '2026-12-01', ?, 'tender')").run(`${id}:redeem`, -redeemed, worth, id, T1);
  }
  if (earned > 0) db.prepare("INSERT INTO member_points (id, member_id, reason, delta, sale_id, business_date, at) VALUES (?, 'M1', 'earn', ?, ?, '2026-12-01', ?)").run(`${id}:earn`, earned, id, T1);
}

let refundNo = 0;
function refund(db: Sqlite.Database, id: string, saleId: string, amount: number) {
  refundNo += 1;
  db.prepare(
    "INSERT INTO refund (id, sale_id, refund_request_no, kind, tender_kind, amount, wallet_amount, cash_amount, status, reason, approved_by, deadline_at, created_at, updated_at) VALUES (?, ?, ?, 'cash', 'cash', ?, 0, ?, 'submitted', '退货', 'U1', 0, ?, ?)",
  ).run(id, saleId, `R${refundNo}`, amount, amount, T2, T2);
  db.prepare("UPDATE refund SET status = 'refunded', receipt_no = ?, business_date = '2026-12-01', finished_at = ?, updated_at = ? WHERE id = ?").run(refundNo, T2, T2, id);
}

const balance = (db: Sqlite.Database) => db.prepare("SELECT coalesce(sum(delta), 0) FROM member_points WHERE member_id = 'M1'").pluck().get() as number;
const ledger = (db: Sqlite.Database, saleId: string) =>
  db.prepare('SELECT reason, delta, amount, uncollected FROM member_points WHERE sale_id = ? ORDER BY rowid').all(saleId) as { reason: string; delta: number; amount: number; uncollected: number }[];

describe('0024_members', () => {
  it('keeps a member to a mainland mobile number, once, and anonymises instead of deleting', () => {
    const db = atVersion(24);
    seed(db);
    const add = (id: string, phone: string) => db.prepare("INSERT INTO member (id, phone, code, created_at) VALUES (?, ?, ?, ?)").run(id, phone, `CODE-${id}-x`, T0);
    expect(() => add('M2', '12812345678')).toThrow(/CHECK/);
    expect(() => add('M2', '1381234567')).toThrow(/CHECK/);
    expect(() => add('M2', '13812345678')).toThrow(/UNIQUE/);
    expect(() => db.prepare("DELETE FROM member WHERE id = 'M1'").run()).toThrow(/never deleted/);
    expect(() => db.prepare("UPDATE member SET phone = NULL WHERE id = 'M1'").run()).toThrow(/CHECK/); // without anonymised_at
    db.prepare("UPDATE member SET phone = NULL, name = NULL, anonymised_at = ? WHERE id = 'M1'").run(T2);
    expect(() => db.prepare("UPDATE member SET phone = '13812345678', anonymised_at = NULL WHERE id = 'M1'").run()).toThrow(/anonymised member cannot change/);
    add('M3', '13812345678'); // the number is free again
  });

  it('keeps the ledger append-only and a balance never below zero', () => {
    const db = atVersion(24);
    seed(db);
    sale(db, 'S1', 1, 5000, 50);
    expect(balance(db)).toBe(50);
    const redeem = (points: number) =>
      db.prepare("INSERT INTO member_points (id, member_id, reason, delta, amount, sale_id, business_date, at, redeemed_as) VALUES ('X', 'M1', 'redeem', ?, 100, 'S1', '2026-12-01', ?, 'discount')").run(-points, T1);
    expect(() => redeem(51)).toThrow(/below zero/);
    expect(() => db.prepare("UPDATE member_points SET delta = 500").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM member_points').run()).toThrow(/append-only/);
    expect(() => db.prepare("INSERT INTO member_points (id, member_id, reason, delta, sale_id, business_date, at) VALUES ('Y', 'M1', 'earn', -5, 'S1', '2026-12-01', ?)").run(T1)).toThrow(/CHECK/);
    redeem(50);
    expect(balance(db)).toBe(0);
  });

  it('takes back the earned points of what a refund refunds, in proportion, the last refund settling the rest', () => {
    const db = atVersion(24);
    seed(db);
    sale(db, 'S1', 1, 3000, 31); // ¥30.00 paid, 31 points (a rate that does not divide evenly)
    refund(db, 'R1', 'S1', 1000); // a third: floor(31 × 1000 / 3000) = 10
    expect(ledger(db, 'S1').at(-1)).toEqual({ reason: 'refund_earn', delta: -10, amount: 0, uncollected: 0 });
    refund(db, 'R2', 'S1', 2000); // the rest: 21 more
    expect(ledger(db, 'S1').at(-1)).toEqual({ reason: 'refund_earn', delta: -21, amount: 0, uncollected: 0 });
    expect(balance(db)).toBe(0);
  });

  it('gives back redeemed points before taking earned ones, and records what was spent already as uncollected', () => {
    const db = atVersion(24);
    seed(db);
    sale(db, 'S0', 1, 10000, 100); // 100 points to spend
    sale(db, 'S1', 2, 4000, 40, 100, 1000); // paid ¥40 + 100 points (¥10); earned 40: balance 40
    sale(db, 'S2', 3, 100, 0, 40, 400); // spends the 40: balance 0
    expect(balance(db)).toBe(0);
    refund(db, 'R1', 'S1', 4000); // all of S1's money
    expect(ledger(db, 'S1')).toEqual([
      { reason: 'redeem', delta: -100, amount: 1000, uncollected: 0 },
      { reason: 'earn', delta: 40, amount: 0, uncollected: 0 },
      { reason: 'refund_redeem', delta: 100, amount: 1000, uncollected: 0 },
      { reason: 'refund_earn', delta: -40, amount: 0, uncollected: 0 },
    ]);
    expect(balance(db)).toBe(60);
  });

  it('takes back only down to zero when the member spent the points', () => {
    const db = atVersion(24);
    seed(db);
    sale(db, 'S1', 1, 5000, 50);
    sale(db, 'S2', 2, 1000, 0, 45, 450);
    refund(db, 'R1', 'S1', 5000);
    expect(ledger(db, 'S1').at(-1)).toEqual({ reason: 'refund_earn', delta: -5, amount: 0, uncollected: 45 });
    expect(balance(db)).toBe(0);
  });

  it('widens sync_fact in place, keeping its facts and triggers, and numbers every ledger row as a member_points fact', () => {
    const db = atVersion(23);
    db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(T0);
    db.prepare("INSERT INTO shift (id, terminal_id, opened_at, opened_by, float_amount) VALUES ('SH1', 'T', ?, 'U1', 10000)").run(T0);
    db.prepare('UPDATE sync_fact SET acked = 1').run();
    migrate(db, migrations.slice(0, 24));
    db.prepare("INSERT INTO member (id, phone, code, created_at) VALUES ('M1', '13812345678', 'CODE0001', ?)").run(T0);
    sale(db, 'S1', 1, 5000, 50);
    const facts = db.prepare('SELECT seq, kind, ref_id AS ref, acked FROM sync_fact ORDER BY seq').all();
    expect(facts).toEqual([
      { seq: 1, kind: 'shift_open', ref: 'SH1', acked: 1 },
      { seq: 2, kind: 'sale', ref: 'S1', acked: 0 },
      { seq: 3, kind: 'member_points', ref: 'S1:earn', acked: 0 },
    ]);
    expect(() => db.prepare('DELETE FROM sync_fact').run()).toThrow(/never dropped/);
    expect(() => db.prepare("UPDATE sync_fact SET ref_id = 'x'").run()).toThrow(/only changes its acknowledgement/);
    expect(() => db.prepare("INSERT INTO sync_fact (kind, ref_id, recorded_at) VALUES ('nonsense', 'X', ?)").run(T0)).toThrow(/CHECK/);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

describe('0024_members: sale events', () => {
  it('keeps every sale event and takes the cart’s member and points events', () => {
    const db = atVersion(23);
    db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(T0);
    db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, opened_by) VALUES ('S1', 'T', 'open', 'CNY', ?, 'U1')").run(T0);
    db.prepare("INSERT INTO sale_event (sale_id, at, user_id, type, data) VALUES ('S1', ?, 'U1', 'opened', '{}')").run(T0);
    db.prepare("INSERT INTO sale_event (sale_id, at, user_id, type, data) VALUES ('S1', ?, 'U1', 'line_added', '{\"lineId\":\"L1\"}')").run(T0);
    const before = db.prepare('SELECT * FROM sale_event ORDER BY id').all();
    migrate(db, migrations.slice(0, 24));
    expect(db.prepare('SELECT * FROM sale_event ORDER BY id').all()).toEqual(before);
    db.prepare("INSERT INTO sale_event (sale_id, at, user_id, type, data) VALUES ('S1', ?, 'U1', 'member_set', '{\"memberId\":\"M1\"}')").run(T1);
    db.prepare("INSERT INTO sale_event (sale_id, at, user_id, type, data) VALUES ('S1', ?, 'U1', 'points_redeemed', '{\"points\":100}')").run(T1);
    expect(() => db.prepare("INSERT INTO sale_event (sale_id, at, type, data) VALUES ('S1', ?, 'nonsense', '{}')").run(T1)).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO sale_event (sale_id, at, type, data) VALUES ('NOPE', ?, 'opened', '{}')").run(T1)).toThrow(/FOREIGN KEY/);
    expect(db.prepare("SELECT count(*) FROM sale_event WHERE sale_id = 'S1'").pluck().get()).toBe(4);
  });
});
