import { describe, expect, it } from 'vitest';
import { atVersion } from './testing';

const T0 = '2026-12-01T02:00:00.000Z';
const T1 = '2026-12-01T07:30:00.000Z';

const X_MIGRATION = 34;

describe('0034_x_report', () => {
  it('keeps a printed X report as taken, sends it up as an x_report fact, and refuses any change to it', () => {
    const db = atVersion(X_MIGRATION);
    db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'h', ?)").run(T0);
    const insert = db.prepare(
      `INSERT INTO x_report (id, terminal_id, business_date, from_at, taken_at, taken_by, currency, sales_count, gross, discounts, refunds, net, tax, report)
       VALUES (?, 'T', '2026-12-01', NULL, ?, 'U1', 'CNY', 3, 12000, 500, 0, 11500, 1323, ?)`,
    );
    insert.run('X1', T1, '{"kind":"x"}');
    expect(db.prepare('SELECT kind, ref_id, recorded_at FROM sync_fact ORDER BY seq').all()).toEqual([{ kind: 'x_report', ref_id: 'X1', recorded_at: T1 }]);
    expect(() => db.prepare("UPDATE x_report SET net = 0 WHERE id = 'X1'").run()).toThrow(/kept as it was taken/);
    expect(() => db.prepare("DELETE FROM x_report WHERE id = 'X1'").run()).toThrow(/kept as it was taken/);
    expect(() => insert.run('X2', T1, 'not json')).toThrow(/CHECK/);
    // The widened CHECK still refuses a kind nobody sends.
    expect(() => db.prepare("INSERT INTO sync_fact (kind, ref_id, recorded_at) VALUES ('y_report', 'Y', ?)").run(T1)).toThrow(/CHECK/);
  });
});
