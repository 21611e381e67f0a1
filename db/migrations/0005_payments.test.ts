import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';

function atVersion(version: number) {
  const db = new Sqlite(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, version));
  db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at) VALUES ('S1', 'T', 'open', 'CNY', 'now')").run();
  return db;
}

const insert = (db: Sqlite.Database, id: string, clientSn: string, codeHash: string | null) =>
  db
    .prepare(
      `INSERT INTO payment (id, sale_id, client_sn, kind, wallet, code_hash, amount, status, state, created_at, updated_at)
       VALUES (?, 'S1', ?, 'code', 'wechat', ?, 100, 'submitted', '{}', 'now', 'now')`,
    )
    .run(id, clientSn, codeHash);

describe('0005_payments', () => {
  it('never gives two payments the same order number or the same scanned code', () => {
    const db = atVersion(5);
    insert(db, 'P1', 'C1', 'H1');
    expect(() => insert(db, 'P2', 'C1', 'H2')).toThrow(/UNIQUE constraint failed: payment.client_sn/);
    expect(() => insert(db, 'P3', 'C3', 'H1')).toThrow(/UNIQUE constraint failed: payment.code_hash/);
    insert(db, 'P4', 'C4', null);
    insert(db, 'P5', 'C5', null); // merchant QRs have no scanned code
  });

  it('keeps one query-or-cancel job per payment in the outbox', () => {
    const db = atVersion(5);
    insert(db, 'P1', 'C1', 'H1');
    const job = db.prepare("INSERT INTO outbox (id, kind, payment_id, due_at, created_at) VALUES (?, ?, 'P1', 0, 'now')");
    job.run('J1', 'query');
    expect(() => job.run('J2', 'cancel')).toThrow(/UNIQUE constraint/);
  });

  it('finds unfinished payments by index', () => {
    const db = atVersion(5);
    const plan = (db.prepare("EXPLAIN QUERY PLAN SELECT * FROM payment WHERE status IN ('submitted', 'pending', 'unknown', 'cancelling')").all() as { detail: string }[])
      .map((r) => r.detail)
      .join(' | ');
    expect(plan).toMatch(/USING INDEX payment_unfinished/);
  });

  it('refuses a status the state machine does not have', () => {
    const db = atVersion(5);
    expect(() =>
      db
        .prepare("INSERT INTO payment (id, sale_id, client_sn, kind, amount, status, state, created_at, updated_at) VALUES ('P9', 'S1', 'C9', 'qr', 1, 'maybe', '{}', 'now', 'now')")
        .run(),
    ).toThrow(/CHECK constraint/);
  });
});
