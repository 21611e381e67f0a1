import type Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion } from './testing';

const T0 = '2026-12-01T02:00:00.000Z';
const T1 = '2026-12-01T03:00:00.000Z';
const T2 = '2026-12-01T04:00:00.000Z';

function seedHistory(db: Sqlite.Database) {
  db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(T0);
  db.prepare("INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, pinyin_initials, created_at, updated_at) VALUES ('P1', 'S1', '水', 200, 1300, 'each', 's', ?, ?)").run(T0, T0);
  db.prepare("INSERT INTO shift (id, terminal_id, opened_at, opened_by, float_amount) VALUES ('SH1', 'T', ?, 'U1', 10000)").run(T0);
  for (const [id, at, no] of [['S1', T1, 1], ['S2', T2, 2]] as const) {
    db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, opened_by) VALUES (?, 'T', 'open', 'CNY', ?, 'U1')").run(id, T0);
    db.prepare("UPDATE sale SET status = 'completed', closed_at = ?, receipt_no = ?, business_date = '2026-12-01' WHERE id = ?").run(at, no, id);
  }
  db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, opened_by) VALUES ('S3', 'T', 'open', 'CNY', ?, 'U1')").run(T0); // open: no fact
  db.prepare(
    "INSERT INTO payment (id, sale_id, client_sn, kind, wallet, amount, status, state, created_at, updated_at, finished_at) VALUES ('PAY1', 'S3', 'C1', 'code', 'wechat', 200, 'failed', '{}', ?, ?, ?)",
  ).run(T1, T1, T1);
  db.prepare("INSERT INTO stock_movement (id, product_id, delta_milli, reason, ref, at) VALUES ('M1', 'P1', -1000, 'sale', 'S1', ?)").run(T1);
}

const facts = (db: Sqlite.Database) => db.prepare('SELECT seq, kind, ref_id AS ref, variant FROM sync_fact ORDER BY seq').raw().all() as unknown[][];
const numbering = (db: Sqlite.Database) => db.prepare('SELECT base, total, done, finished_at IS NOT NULL AS finished FROM sync_backfill').get();

describe('0029_sync_backfill', () => {
  it('counts the history and reserves its numbers below the first new fact, without numbering it', () => {
    const db = atVersion(21);
    seedHistory(db);
    migrate(db, migrations.slice(0, 29));
    // shift open, the failed payment, two sales, one stock movement
    expect(numbering(db)).toEqual({ base: 0, total: 5, done: 0, finished: 0 });
    expect(facts(db)).toEqual([]);
    db.prepare("INSERT INTO stock_movement (id, product_id, delta_milli, reason, ref, at) VALUES ('M2', 'P1', 5000, 'import', NULL, ?)").run(T2);
    expect(facts(db)).toEqual([[6, 'stock_movement', 'M2', '']]);
    expect(db.prepare('SELECT kind, ref_id FROM sync_history ORDER BY recorded_at, tiebreak, ref_id').raw().all()).toEqual([
      ['shift_open', 'SH1'],
      ['payment', 'PAY1'],
      ['sale', 'S1'],
      ['stock_movement', 'M1'],
      ['sale', 'S2'],
    ]);
  });

  it('keeps the status a payment had at the upgrade when it moves on before its history fact is numbered', () => {
    const db = atVersion(21);
    seedHistory(db);
    migrate(db, migrations.slice(0, 29));
    db.prepare("UPDATE payment SET status = 'paid' WHERE id = 'PAY1'").run(); // paid late: a new fact at once
    expect(facts(db)).toEqual([[6, 'payment', 'PAY1', 'paid']]);
    const history = db.prepare("SELECT kind, ref_id, variant FROM sync_history WHERE kind = 'payment'").raw().all();
    expect(history).toEqual([['payment', 'PAY1', 'failed']]);
    expect(db.prepare('SELECT count(*) FROM sync_history').pluck().get()).toBe(5);
  });

  it('counts nothing on a till that had no history, and numbers its new facts from 1', () => {
    const db = atVersion(29);
    expect(numbering(db)).toEqual({ base: 0, total: 0, done: 0, finished: 1 });
    seedHistory(db);
    expect(facts(db).map((f) => f[0])).toEqual([1, 2, 3, 4, 5]);
    expect(db.prepare('SELECT count(*) FROM sync_history').pluck().get()).toBe(0);
  });
});
