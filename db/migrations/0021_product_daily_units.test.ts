import type Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { quantitySoldByProduct } from '../queries/popularity';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion, queryPlan } from './testing';

const AT = '2026-12-01T10:00:00.000Z';

function products(db: Sqlite.Database, ...ids: string[]) {
  for (const id of ids) {
    db.prepare("INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, pinyin_initials, created_at, updated_at) VALUES (?, ?, ?, 100, 1300, 'each', 'x', ?, ?)").run(
      id,
      id,
      id,
      AT,
      AT,
    );
  }
}

/** A sale as the sales service writes one: the header closed (or left open), then its lines. */
function sale(db: Sqlite.Database, id: string, businessDate: string, lines: [product: string, quantityMilli: number][], status = 'completed') {
  const receipt = status === 'completed' ? Number(id.replace(/\D/g, '')) : null;
  db.prepare("INSERT INTO sale (id, terminal_id, status, currency, opened_at, closed_at, receipt_no, business_date) VALUES (?, 'T', ?, 'CNY', ?, ?, ?, ?)").run(
    id,
    status,
    AT,
    status === 'open' ? null : AT,
    receipt,
    status === 'open' ? null : businessDate,
  );
  lines.forEach(([product, quantity], i) =>
    db
      .prepare(
        `INSERT INTO sale_line (sale_id, line_no, line_id, product_id, sku, name, unit, quantity_milli, unit_price, gross, line_discount, order_discount, net, tax_rate_bp)
         VALUES (?, ?, ?, ?, ?, ?, 'each', ?, 100, 100, 0, 0, 100, 1300)`,
      )
      .run(id, i + 1, `${id}-${i}`, product, product, product, quantity),
  );
  if (status === 'completed') {
    db.prepare('INSERT INTO daily_total (business_date, sales_count) VALUES (?, 1) ON CONFLICT (business_date) DO UPDATE SET sales_count = sales_count + 1').run(businessDate);
  }
}

describe('0021_product_daily_units', () => {
  it('counts the sales completed before it, by business day and product', () => {
    const db = atVersion(20);
    products(db, 'A', 'B');
    sale(db, 'S1', '2026-11-30', [['A', 2000], ['B', 1000]]);
    sale(db, 'S2', '2026-11-30', [['A', 1000]]);
    sale(db, 'S3', '2026-12-01', [['B', 3000]]);
    migrate(db, migrations.slice(0, 21));
    expect(db.prepare('SELECT business_date, product_id, quantity_milli FROM daily_product_total ORDER BY 1, 2').all()).toEqual([
      { business_date: '2026-11-30', product_id: 'A', quantity_milli: 3000 },
      { business_date: '2026-11-30', product_id: 'B', quantity_milli: 1000 },
      { business_date: '2026-12-01', product_id: 'B', quantity_milli: 3000 },
    ]);
  });

  it('adds a completed sale’s lines as they are written, and nothing of an open sale', () => {
    const db = atVersion(21);
    products(db, 'A', 'B');
    sale(db, 'S1', '2026-12-01', [['A', 2000]]);
    sale(db, 'S2', '2026-12-01', [['A', 1000], ['B', 5000]]);
    sale(db, 'S3', '2026-12-01', [['B', 9000]], 'open');
    expect(quantitySoldByProduct(db)).toEqual(
      new Map([
        ['A', 3000],
        ['B', 5000],
      ]),
    );
  });

  it('looks back over the last 30 days that had sales, not 30 calendar days', () => {
    const db = atVersion(21);
    products(db, 'OLD', 'NEW');
    sale(db, 'S1', '2026-01-01', [['OLD', 50_000]]);
    for (let day = 1; day <= 30; day++) sale(db, `S${day + 1}`, `2026-03-${String(day).padStart(2, '0')}`, [['NEW', 1000]]);
    expect(quantitySoldByProduct(db)).toEqual(new Map([['NEW', 30_000]]));
    expect(quantitySoldByProduct(db, 31)).toEqual(
      new Map([
        ['NEW', 30_000],
        ['OLD', 50_000],
      ]),
    );
  });

  it('reads one index range, whatever the number of sales', () => {
    const db = atVersion(21);
    expect(queryPlan(db, "SELECT product_id, sum(quantity_milli) FROM daily_product_total WHERE business_date >= '2026-01-01' GROUP BY product_id")).toMatch(
      /SEARCH daily_product_total USING PRIMARY KEY \(business_date>\?\)/,
    );
  });
});
