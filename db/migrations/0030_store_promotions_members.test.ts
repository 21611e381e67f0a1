import type Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { atVersion } from './testing';

const T0 = '2026-12-01T02:00:00.000Z';
const T1 = '2026-12-01T03:00:00.000Z';

function seed(db: Sqlite.Database) {
  db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(T0);
  db.prepare("INSERT INTO member (id, phone, name, code, created_at, created_by) VALUES ('M1', '13812345678', '王芳', 'CODE0001', ?, 'U1')").run(T0);
}

function sale(db: Sqlite.Database, id: string, receiptNo: number, money: number, points: { earned?: number; redeemed?: number }) {
  db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, opened_by) VALUES (?, 'T', 'open', 'CNY', ?, 'U1')").run(id, T0);
  db.prepare("UPDATE sale SET status = 'completed', closed_at = ?, receipt_no = ?, business_date = '2026-12-01', total = ? WHERE id = ?").run(T1, receiptNo, money, id);
  db.prepare("INSERT INTO sale_tender (id, sale_id, seq, kind, amount, tendered, created_at) VALUES (?, ?, 1, 'cash', ?, ?, ?)").run(`${id}-t`, id, money, money, T1);
  if (points.redeemed) {
    db.prepare("INSERT INTO member_points (id, member_id, reason, delta, amount, sale_id, business_date, at, redeemed_as) VALUES (?, 'M1', 'redeem', ?, ?, ?, '2026-12-01', ?, 'discount')").run(`${id}:redeem`, -points.redeemed, points.redeemed, id, T1);
  }
  if (points.earned) db.prepare("INSERT INTO member_points (id, member_id, reason, delta, sale_id, business_date, at) VALUES (?, 'M1', 'earn', ?, ?, '2026-12-01', ?)").run(`${id}:earn`, points.earned, id, T1);
}

describe('0030_store_promotions_members', () => {
  it('sends a member made here and an anonymisation as facts; a member pulled from the store sends nothing', () => {
    const db = atVersion(30);
    seed(db);
    db.prepare("INSERT INTO member (id, phone, code, created_at, origin) VALUES ('M2', '13812345679', 'CODE0002', ?, 'store')").run(T0);
    db.prepare("UPDATE member SET phone = NULL, name = NULL, anonymised_at = ? WHERE id = 'M1'").run(T1);
    expect(db.prepare('SELECT kind, ref_id, recorded_at FROM sync_fact ORDER BY seq').all()).toEqual([
      { kind: 'member', ref_id: 'M1', recorded_at: T0 },
      { kind: 'member_anonymised', ref_id: 'M1', recorded_at: T1 },
    ]);
    expect(() => db.prepare("INSERT INTO promotion (id, name, kind, rule, created_at, updated_at, origin) VALUES ('P', 'x', 'special', '{\"kind\":\"special\"}', ?, ?, 'server')").run(T0, T0)).toThrow(/CHECK/);
  });

  it('counts the other tills’ points (of the member and of its aliases) in the never-below-zero check and in a refund’s take-back', () => {
    const db = atVersion(30);
    seed(db);
    sale(db, 'S1', 1, 10_000, { earned: 100 });
    db.prepare("INSERT INTO member_remote_points (member_id, terminal_id, points) VALUES ('M1', 'A', 120)").run();
    db.prepare("INSERT INTO member_alias (id, member_id) VALUES ('M9', 'M1')").run();
    db.prepare("INSERT INTO member_remote_points (member_id, terminal_id, points) VALUES ('M9', 'B', 80)").run();
    // 100 here + 120 + 80 elsewhere: 300 may go, 301 may not.
    expect(() => sale(db, 'S2', 2, 1_000, { redeemed: 301 })).toThrow(/below zero/);
    sale(db, 'S3', 3, 1_000, { redeemed: 250 });

    // S1 refunded whole: 100 points are due back; the member holds 50 across the store, so 50 are taken, 50 uncollected.
    db.prepare(
      "INSERT INTO refund (id, sale_id, refund_request_no, kind, tender_kind, amount, wallet_amount, cash_amount, status, reason, approved_by, deadline_at, created_at, updated_at) VALUES ('R1', 'S1', 'R1', 'cash', 'cash', 10000, 0, 10000, 'submitted', '退货', 'U1', 0, ?, ?)",
    ).run(T1, T1);
    db.prepare("UPDATE refund SET status = 'refunded', receipt_no = 1, business_date = '2026-12-01', finished_at = ?, updated_at = ? WHERE id = 'R1'").run(T1, T1);
    expect(db.prepare("SELECT reason, delta, uncollected FROM member_points WHERE sale_id = 'S1' ORDER BY rowid").all()).toEqual([
      { reason: 'earn', delta: 100, uncollected: 0 },
      { reason: 'refund_earn', delta: -50, uncollected: 50 },
    ]);
  });
});
