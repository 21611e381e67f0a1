import { describe, expect, it } from 'vitest';
import { atVersion } from './testing';

describe('0008_acquirer_statements', () => {
  it('keeps one queued statement download per day', () => {
    const db = atVersion(8);
    const job = db.prepare("INSERT INTO outbox (id, kind, business_date, due_at, created_at) VALUES (?, 'statement', ?, 0, 'now')");
    job.run('J1', '2026-11-22');
    expect(() => job.run('J2', '2026-11-22')).toThrow(/UNIQUE constraint/);
    job.run('J3', '2026-11-21');
  });

  it('stores rows only under a downloaded statement, with positive amounts', () => {
    const db = atVersion(8);
    const row = db.prepare(
      "INSERT INTO acquirer_statement_row (business_date, line_no, client_sn, acquirer_sn, type, amount, status, finished_at) VALUES ('2026-11-22', ?, 'C', 'S', 'pay', ?, 'SUCCESS', 'now')",
    );
    expect(() => row.run(1, 100)).toThrow(/FOREIGN KEY/);
    db.prepare("INSERT INTO acquirer_statement VALUES ('2026-11-22', 'now', 1)").run();
    row.run(1, 100);
    expect(() => row.run(2, 0)).toThrow(/CHECK constraint/);
  });
});
