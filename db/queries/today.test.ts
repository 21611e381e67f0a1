import Sqlite from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { dayRefundTotals, dayTenderTotals, dayTotals, lowStock, refundsOfDate, takingsBetween, topSellersOfDate } from './today';

/** The plan of every statement the today queries prepare, by the query's name. */
function plans() {
  const db = new Sqlite(':memory:');
  migrate(db, migrations);
  const prepare = vi.spyOn(db, 'prepare');
  const run = {
    dayTotals: () => dayTotals(db, '2026-12-04'),
    dayTenderTotals: () => dayTenderTotals(db, '2026-12-04'),
    dayRefundTotals: () => dayRefundTotals(db, '2026-12-04'),
    refundsOfDate: () => refundsOfDate(db, 'T', '2026-12-04', '2026-12-02T20:00:00.000Z', '2026-12-05T20:00:00.000Z'),
    takingsBetween: () => takingsBetween(db, 'T', '2026-12-04', '2026-12-04T05:59:59.999Z', '2026-12-04T06:45:00.000Z'),
    topSellersOfDate: () => topSellersOfDate(db, 'T', '2026-12-04', 10),
  };
  const out: Record<string, string> = {};
  for (const [name, fn] of Object.entries(run)) {
    prepare.mockClear();
    fn();
    const sqls = prepare.mock.calls.map((c) => c[0]);
    // The plan does not depend on the values (no STAT4): each parameter bound to null.
    const explain = (sql: string) => db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...Array<null>(sql.split('?').length - 1).fill(null)) as { detail: string }[];
    out[name] = sqls.flatMap((sql) => explain(sql).map((r) => r.detail)).join(' | ');
  }
  db.close();
  return out;
}

describe('the today page’s queries read one business date by index, whatever the size of the database', () => {
  const plan = plans();

  it('reads the day totals by their keys', () => {
    for (const name of ['dayTotals', 'dayTenderTotals', 'dayRefundTotals']) expect(plan[name], name).toMatch(/SEARCH daily_\w+ USING (INDEX sqlite_autoindex|PRIMARY KEY)/);
  });

  it('reads the date’s sales from the covering business-date index, and each sale’s lines by key', () => {
    expect(plan.takingsBetween).toMatch(/SEARCH sale USING COVERING INDEX sale_closed_by_business_date/);
    expect(plan.topSellersOfDate).toMatch(/SEARCH s USING COVERING INDEX sale_closed_by_business_date/);
    expect(plan.topSellersOfDate).toMatch(/SEARCH l USING (INDEX sqlite_autoindex_sale_line_1|PRIMARY KEY)/);
  });

  it('reads refunds by the time they became final', () => {
    expect(plan.refundsOfDate).toMatch(/SEARCH r USING INDEX refund_by_finished/);
  });

  it('never scans the sales, lines or refunds', () => {
    for (const [name, detail] of Object.entries(plan)) expect(detail, name).not.toMatch(/SCAN (sale|s|l|r|refund|sale_line)\b/);
  });

  it('low stock: the active products under a threshold, lowest first, with the count of all of them', () => {
    const db = new Sqlite(':memory:');
    migrate(db, migrations);
    const at = '2026-12-04T00:00:00.000Z';
    const insert = db.prepare(
      "INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, stock_milli, active, pinyin_initials, created_at, updated_at) VALUES (?, ?, ?, 100, 1300, ?, ?, ?, 'x', ?, ?)",
    );
    insert.run('P1', 'A1', '可乐', 'each', 9_000, 1, at, at);
    insert.run('P2', 'A2', '雪碧', 'each', 10_000, 1, at, at);
    insert.run('P3', 'A3', '苹果', 'kg', 2_500, 1, at, at);
    insert.run('P4', 'A4', '旧货', 'each', 0, 0, at, at);
    insert.run('P5', 'A5', '面包', 'each', -2_000, 1, at, at);
    expect(lowStock(db, 10_000, 2)).toEqual({
      count: 3,
      items: [
        { productId: 'P5', sku: 'A5', name: '面包', nameEn: null, unit: 'each', stockMilli: -2_000 },
        { productId: 'P3', sku: 'A3', name: '苹果', nameEn: null, unit: 'kg', stockMilli: 2_500 },
      ],
    });
    expect(lowStock(db, 0, 20).items.map((i) => i.sku)).toEqual(['A5']);
    db.close();
  });
});
