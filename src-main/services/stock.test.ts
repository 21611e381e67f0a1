import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { PosError } from '../../src-common/errors';
import type { Session } from '../../src-common/roles';
import type { Settings } from '../../src-common/schemas';
import { createAuditService } from './audit';
import { createStockService, type StockService } from './stock';

const owner: Session = { caller: { role: 'owner', userId: 'O' } };

/** The stock service on a real database file: receiving and counts as the owner posts them. */
describe('stock: levels, receiving and counts', () => {
  let dir: string;
  let db: Database;
  let stock: StockService;
  let enrolled: boolean;
  const settings = { lowStockThreshold: 5, oversell: 'warn' } as Settings;

  const product = (id: string, name: string, unit: 'each' | 'kg', stockMilli: number) =>
    db
      .prepare("INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, stock_milli, pinyin_initials, created_at, updated_at) VALUES (?, ?, ?, 100, 0, ?, ?, ?, 'x', 'x')")
      .run(id, `SKU-${id}`, name, unit, stockMilli, id.toLowerCase());
  const level = (id: string) => (db.prepare('SELECT stock_milli FROM product WHERE id = ?').pluck().get(id) as number);
  const movements = () => db.prepare('SELECT product_id AS productId, delta_milli AS delta, reason, unit_cost AS unitCost FROM stock_movement ORDER BY rowid').all();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stock-'));
    db = openDatabase(join(dir, 'pos.sqlite'));
    db.prepare("INSERT INTO user (id, name, role, pin_hash, created_at) VALUES ('O', '店长', 'owner', 'x', '2026-01-01')").run();
    product('COLA', '可乐', 'each', 0);
    product('APPLE', '苹果', 'kg', 12_500);
    product('SALT', '盐', 'each', 6_000);
    enrolled = false;
    const clock = { now: () => new Date('2026-12-05T02:00:00Z') };
    stock = createStockService({
      db,
      clock,
      audit: createAuditService({ db, clock }),
      settings: { get: () => settings },
      managedByServer: () => enrolled,
      managedError: () => new PosError('forbidden', 'Managed by the store server', { reason: 'managed_by_store_server' }),
    });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('receives a delivery as one movement per line with its unit cost, and audits the supplier', () => {
    const received = stock.receive({ supplier: ' 可口可乐经销商 ', lines: [{ productId: 'COLA', quantityMilli: 4_000, unitCost: 180 }, { productId: 'APPLE', quantityMilli: 2_500, unitCost: 800 }] }, owner);
    expect(received.lines.map((l) => [l.productId, l.levelMilli])).toEqual([['COLA', 4_000], ['APPLE', 15_000]]);
    expect(level('COLA')).toBe(4_000);
    expect(movements()).toEqual([
      { productId: 'COLA', delta: 4_000, reason: 'receive', unitCost: 180 },
      { productId: 'APPLE', delta: 2_500, reason: 'receive', unitCost: 800 },
    ]);
    const audit = db.prepare("SELECT subject, details FROM audit_log WHERE action = 'stock.receive'").get() as { subject: string; details: string };
    expect(audit.subject).toBe(received.receiptId);
    expect(JSON.parse(audit.details)).toMatchObject({ supplier: '可口可乐经销商', lines: [{ productId: 'COLA', quantityMilli: 4_000, unitCost: 180 }, { productId: 'APPLE' }] });
  });

  it('posts a count as counted − expected; a zero difference posts nothing', () => {
    stock.receive({ supplier: '经销商', lines: [{ productId: 'COLA', quantityMilli: 4_000, unitCost: 180 }] }, owner);
    const counted = stock.count({ lines: [{ productId: 'COLA', countedMilli: 3_000 }, { productId: 'SALT', countedMilli: 6_000 }, { productId: 'APPLE', countedMilli: 13_250 }] }, owner);
    expect(counted.posted).toBe(2);
    expect(counted.lines).toEqual([
      { productId: 'COLA', expectedMilli: 4_000, countedMilli: 3_000, deltaMilli: -1_000, levelMilli: 3_000 },
      { productId: 'SALT', expectedMilli: 6_000, countedMilli: 6_000, deltaMilli: 0, levelMilli: 6_000 },
      { productId: 'APPLE', expectedMilli: 12_500, countedMilli: 13_250, deltaMilli: 750, levelMilli: 13_250 },
    ]);
    expect(movements().filter((m) => (m as { reason: string }).reason === 'count')).toEqual([
      { productId: 'COLA', delta: -1_000, reason: 'count', unitCost: null },
      { productId: 'APPLE', delta: 750, reason: 'count', unitCost: null },
    ]);
    expect(db.prepare("SELECT count(*) FROM audit_log WHERE action = 'stock.count'").pluck().get()).toBe(1);
  });

  it('writes nothing of a sheet with an unknown or repeated product', () => {
    expect(() => stock.count({ lines: [{ productId: 'COLA', countedMilli: 1_000 }, { productId: 'NOPE', countedMilli: 1_000 }] }, owner)).toThrow(/No such product/);
    expect(() => stock.receive({ supplier: 'x', lines: [{ productId: 'COLA', quantityMilli: 1_000, unitCost: 1 }, { productId: 'COLA', quantityMilli: 1_000, unitCost: 1 }] }, owner)).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'duplicate_product' }) }),
    );
    expect(movements()).toEqual([]);
    expect(level('COLA')).toBe(0);
  });

  it('refuses receiving and counts while a store server owns the stock', () => {
    enrolled = true;
    for (const attempt of [
      () => stock.receive({ supplier: 'x', lines: [{ productId: 'COLA', quantityMilli: 1_000, unitCost: 1 }] }, owner),
      () => stock.count({ lines: [{ productId: 'COLA', countedMilli: 1_000 }] }, owner),
    ]) {
      expect(attempt).toThrow(expect.objectContaining({ code: 'forbidden', details: { reason: 'managed_by_store_server' } }));
    }
    expect(movements()).toEqual([]);
    expect(stock.levels({}).map((l) => l.productId)).toHaveLength(3); // still readable
  });

  it('lists levels by search and sort, and the low-stock list by each product’s own line or the store’s', () => {
    expect(stock.levels({ sort: 'level' }).map((l) => [l.productId, l.stockMilli, l.low])).toEqual([
      ['COLA', 0, true],
      ['SALT', 6_000, false],
      ['APPLE', 12_500, false],
    ]);
    expect(stock.levels({ sort: 'level', descending: true }).map((l) => l.productId)).toEqual(['APPLE', 'SALT', 'COLA']);
    expect(stock.levels({ query: '苹' }).map((l) => l.productId)).toEqual(['APPLE']);
    expect(stock.levels({ query: 'sku-sa' }).map((l) => l.productId)).toEqual(['SALT']);
    // The store's line is 5 units: 5 kg for apples. Salt gets its own line of 6: at its line is low.
    expect(stock.setLowStock('SALT', 6_000, owner)).toMatchObject({ lowStockMilli: 6_000, thresholdMilli: 6_000, low: true });
    expect(stock.levels({ lowOnly: true, sort: 'name' }).map((l) => l.productId).sort()).toEqual(['COLA', 'SALT']);
    expect(stock.setLowStock('SALT', null, owner)).toMatchObject({ lowStockMilli: null, thresholdMilli: 5_000, low: false });
    expect(db.prepare("SELECT count(*) FROM audit_log WHERE action = 'stock.setLowStock'").pluck().get()).toBe(2);
  });
});
