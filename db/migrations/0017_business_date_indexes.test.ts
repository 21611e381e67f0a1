import { describe, expect, it } from 'vitest';
import { FIRST_PAYMENT_KEY, FIRST_SALE_KEY, paymentExportPage, saleExportPage } from '../queries/exports';
import { takingsQuartersOfDate, tendersOfBusinessDates } from '../queries/reports';
import { latestSchemaVersion } from '../migrations';
import { atVersion, queryPlan } from './testing';

/** The plan of a statement of the shape the exports and charts run (db/queries/exports.ts, reports.ts), its parameters as literals. */
const plan = (db: ReturnType<typeof atVersion>, sql: string) => queryPlan(db, sql.replaceAll('?', "''"));

const range = { terminalId: 'T', from: '2026-11-01', to: '2026-11-30' };

describe('0017_business_date_indexes', () => {
  it('pages the exports from the index by (business_date, closed_at, id), so page n does not rescan pages 1..n-1', () => {
    const db = atVersion(17);
    const salePage = plan(
      db,
      `SELECT s.id FROM sale s LEFT JOIN user u ON u.id = s.closed_by
        WHERE s.terminal_id = ? AND (s.business_date, s.closed_at, s.id) > (?, ?, ?) AND s.business_date <= ? AND s.status IN ('completed', 'voided')
        ORDER BY s.business_date, s.closed_at, s.id LIMIT 250`,
    );
    expect(salePage).toContain('USING INDEX sale_closed_by_business_date (terminal_id=? AND (business_date,closed_at,id)>(?,?,?) AND business_date<?)');
    expect(salePage).not.toContain('TEMP B-TREE');
    const paymentPage = plan(
      db,
      `SELECT p.id FROM sale s JOIN payment p ON p.sale_id = s.id
        WHERE s.terminal_id = ? AND (s.business_date, s.closed_at, s.id) >= (?, ?, ?) AND s.business_date <= ? AND s.status IN ('completed', 'voided')
          AND (s.id <> ? OR p.id > ?)
        ORDER BY s.business_date, s.closed_at, s.id, p.id LIMIT 250`,
    );
    expect(paymentPage).toMatch(/^SEARCH s USING COVERING INDEX sale_closed_by_business_date \(terminal_id=\? AND \(business_date,closed_at,id\)>\(\?,\?,\?\) AND business_date<\?\) \| SEARCH p USING INDEX payment_by_sale/);
    // Only the payments of one sale are sorted (by id), never the range.
    expect(paymentPage).toContain('USE TEMP B-TREE FOR LAST TERM OF ORDER BY');
  });

  it('reads a business date’s takings from the covering index, and the wallet mix from the day totals’ key', () => {
    const db = atVersion(17);
    expect(
      plan(
        db,
        `SELECT substr(closed_at, 1, 14), sum(status = 'completed'), sum(CASE WHEN status = 'completed' THEN total + rounding END)
           FROM sale WHERE terminal_id = ? AND business_date = ? AND status IN ('completed', 'voided') GROUP BY 1`,
      ),
    ).toContain('SEARCH sale USING COVERING INDEX sale_closed_by_business_date (terminal_id=? AND business_date=?)');
    expect(plan(db, 'SELECT kind, sum(count) FROM daily_tender_total WHERE business_date >= ? AND business_date <= ? GROUP BY kind')).toContain(
      'SEARCH daily_tender_total USING',
    );
    expect(plan(db, 'SELECT to_at FROM z_report z WHERE z.terminal_id = ? AND z.to_at < ? ORDER BY z.to_at DESC LIMIT 1')).toContain(
      'SEARCH z USING COVERING INDEX z_report_by_to (terminal_id=? AND to_at<?)',
    );
  });

  it('the queries run against the migrated schema and return pages in key order', () => {
    // Today's queries read columns of later migrations too (the payments export: 0035's payer side): the whole schema.
    const db = atVersion(latestSchemaVersion);
    const insert = db.prepare(
      "INSERT INTO sale (id, terminal_id, status, currency, opened_at, closed_at, receipt_no, business_date, subtotal, discount_total, total, rounding, tax_total, change_given) VALUES (?, 'T', 'completed', 'CNY', ?, ?, ?, ?, 100, 0, 100, 0, 0, 0)",
    );
    insert.run('B', '2026-11-02T01:00:00.000Z', '2026-11-02T01:00:00.000Z', 2, '2026-11-01');
    insert.run('A', '2026-11-02T01:00:00.000Z', '2026-11-02T01:00:00.000Z', 1, '2026-11-01');
    insert.run('C', '2026-11-01T05:00:00.000Z', '2026-11-01T05:00:00.000Z', 3, '2026-11-02');
    insert.run('X', '2026-12-01T05:00:00.000Z', '2026-12-01T05:00:00.000Z', 4, '2026-12-01');
    const first = saleExportPage(db, range, FIRST_SALE_KEY, 2);
    expect(first.map((r) => r.id)).toEqual(['A', 'B']);
    const last = first.at(-1)!;
    expect(saleExportPage(db, range, { date: last.business_date, at: last.closed_at, id: last.id }, 2).map((r) => r.id)).toEqual(['C']);
    expect(paymentExportPage(db, range, FIRST_PAYMENT_KEY, 10)).toEqual([]);
    expect(takingsQuartersOfDate(db, 'T', '2026-11-01')).toEqual([{ start: '2026-11-02T01:00', count: 2, amount: 200 }]);
    expect(tendersOfBusinessDates(db, '2026-11-01', '2026-11-30')).toEqual([]);
  });
});
