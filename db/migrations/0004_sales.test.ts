import { describe, expect, it } from 'vitest';
import { atVersion, queryPlan } from './testing';

const plan = queryPlan;

describe('0004_sales', () => {
  it('finds the open sale of a terminal by index, not by scanning the day', () => {
    const db = atVersion(4);
    expect(plan(db, "SELECT * FROM sale WHERE status = 'open' AND terminal_id = 'T' ORDER BY opened_at DESC LIMIT 1")).toMatch(
      /SEARCH sale USING INDEX sale_by_status \(terminal_id=\? AND status=\?\)/,
    );
    expect(plan(db, "SELECT id, type FROM sale_event WHERE sale_id = 'S' ORDER BY id")).toMatch(/SEARCH sale_event USING (COVERING )?INDEX sale_event_by_sale/);
  });

  it('gives a receipt number to completed sales only, once per terminal', () => {
    const db = atVersion(4);
    const insert = db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, receipt_no) VALUES (?, 'T', ?, 'CNY', 'now', ?)");
    insert.run('S1', 'completed', 1);
    expect(() => insert.run('S2', 'completed', null)).toThrow(/CHECK constraint/);
    expect(() => insert.run('S3', 'open', 2)).toThrow(/CHECK constraint/);
    expect(() => insert.run('S4', 'completed', 1)).toThrow(/UNIQUE constraint/);
  });

  it('refuses a tender that covers more than was handed over, and an unknown tender kind', () => {
    const db = atVersion(4);
    db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at) VALUES ('S1', 'T', 'open', 'CNY', 'now')").run();
    const tender = db.prepare("INSERT INTO sale_tender (id, sale_id, seq, kind, amount, tendered, created_at) VALUES (?, 'S1', ?, ?, ?, ?, 'now')");
    tender.run('T1', 1, 'cash', 500, 1000);
    expect(() => tender.run('T2', 2, 'cash', 1000, 500)).toThrow(/CHECK constraint/);
    expect(() => tender.run('T3', 3, 'bitcoin', 1, 1)).toThrow(/CHECK constraint/);
  });
});
