import { describe, expect, it } from 'vitest';
import { saleSearchStatement, type SaleSearch } from '../queries/history';
import { atVersion, queryPlan } from './testing';

/** The plan of a history search, its values written into the text (EXPLAIN cannot bind named parameters). */
function searchPlan(db: ReturnType<typeof atVersion>, q: Partial<SaleSearch>): string {
  const { sql, params } = saleSearchStatement({ terminalId: 'T', limit: 51, ...q });
  const text = Object.entries(params)
    .sort(([a], [b]) => b.length - a.length)
    .reduce((s, [k, v]) => s.replaceAll(`@${k}`, typeof v === 'string' ? `'${v.replaceAll("'", "''")}'` : String(v)), sql);
  return queryPlan(db, text);
}

describe('0012_history_reconciliation', () => {
  it('serves each history search from an index in (closed_at, id) order, without sorting', () => {
    const db = atVersion(12);
    const before = { closedAt: '2026-11-22T08:00:00.000Z', id: '01K' };
    expect(searchPlan(db, {})).toMatch(/SCAN s USING INDEX sale_completed_by_closed/);
    expect(searchPlan(db, { before })).toMatch(/SEARCH s USING INDEX sale_completed_by_closed \(\(closed_at,id\)<\(\?,\?\)\)/);
    expect(searchPlan(db, { totalExact: 1999, before })).toMatch(/SEARCH s USING INDEX sale_completed_by_total \(total=\? AND \(closed_at,id\)<\(\?,\?\)\)/);
    expect(searchPlan(db, { closedBy: 'U1', before })).toMatch(/SEARCH s USING INDEX sale_completed_by_cashier \(closed_by=\? AND \(closed_at,id\)<\(\?,\?\)\)/);
    expect(searchPlan(db, { closedFrom: '2026-11-21T16:00:00.000Z', closedTo: '2026-11-22T16:00:00.000Z' })).toMatch(
      /SEARCH s USING INDEX sale_completed_by_closed \(closed_at>\? AND closed_at<\?\)/,
    );
    expect(searchPlan(db, { receiptNo: 12 })).toMatch(/SEARCH s USING INDEX sqlite_autoindex_sale_\d \(terminal_id=\? AND receipt_no=\?\)/);
    expect(searchPlan(db, { tenderKinds: ['wechat'], before })).toMatch(/SEARCH s USING INDEX sale_completed_by_closed/);
    for (const q of [{}, { before }, { totalExact: 1 }, { closedBy: 'U1' }, { tenderKinds: ['cash'] }, { receiptNo: 1 }]) {
      expect(searchPlan(db, q)).not.toMatch(/TEMP B-TREE|SCAN s(?! USING INDEX)/);
    }
  });

  it("reads a day's payments and wallet refunds by time, and statement rows by refund number", () => {
    const db = atVersion(12);
    expect(queryPlan(db, "SELECT * FROM payment WHERE finished_at >= '2026-11-21T16:00:00Z' AND finished_at < '2026-11-22T16:00:00Z'")).toMatch(
      /USING INDEX payment_by_finished/,
    );
    expect(
      queryPlan(db, "SELECT * FROM refund WHERE kind = 'wallet' AND finished_at >= '2026-11-21T16:00:00Z' AND finished_at < '2026-11-22T16:00:00Z'"),
    ).toMatch(/USING INDEX refund_wallet_by_finished/);
    expect(queryPlan(db, "SELECT * FROM acquirer_statement_row WHERE refund_request_no = 'R1'")).toMatch(/USING INDEX acquirer_statement_row_by_refund/);
  });

  it('keeps resolutions append-only, with a note and a known owner', () => {
    const db = atVersion(12);
    db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('U1', '店长', 'owner', 'x', 'now')").run();
    const insert = db.prepare(
      "INSERT INTO reconciliation_resolution (business_date, item_key, difference, statement_amount, local_amount, note, resolved_by, resolved_at) VALUES ('2026-11-22', 'pay:C1', ?, 100, NULL, ?, ?, 'now')",
    );
    insert.run('missing_local', '顾客另行付款，已核实', 'U1');
    expect(() => insert.run('missing_local', '   ', 'U1')).toThrow(/CHECK constraint/);
    expect(() => insert.run('lost', 'note', 'U1')).toThrow(/CHECK constraint/);
    expect(() => insert.run('missing_local', 'note', 'nobody')).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("UPDATE reconciliation_resolution SET note = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM reconciliation_resolution').run()).toThrow(/append-only/);
  });
});
