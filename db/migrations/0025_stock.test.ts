import type Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { atVersion, queryPlan } from './testing';

const T0 = '2026-12-01T02:00:00.000Z';
const T1 = '2026-12-01T03:00:00.000Z';

function product(db: Sqlite.Database, id: string) {
  db.prepare("INSERT INTO product (id, sku, name, price, tax_rate_bp, unit, pinyin_initials, created_at, updated_at) VALUES (?, ?, '水', 200, 1300, 'each', 's', ?, ?)").run(id, id, T0, T0);
}

const move = (db: Sqlite.Database, id: string, delta: number, reason: string, unitCost: number | null = null) =>
  db.prepare('INSERT INTO stock_movement (id, product_id, delta_milli, reason, ref, at, unit_cost) VALUES (?, ?, ?, ?, ?, ?, ?)').run(id, 'P1', delta, reason, 'R1', T1, unitCost);

describe('0025_stock', () => {
  it('keeps every stock movement and its sync fact through the table rebuild', () => {
    const db = atVersion(24);
    product(db, 'P1');
    db.prepare("INSERT INTO stock_movement (id, product_id, delta_milli, reason, ref, at) VALUES ('M1', 'P1', 5000, 'import', NULL, ?), ('M2', 'P1', -1000, 'sale', 'S1', ?)").run(T0, T1);
    const before = db.prepare('SELECT * FROM stock_movement ORDER BY id').all();
    const factsBefore = db.prepare("SELECT seq, ref_id FROM sync_fact WHERE kind = 'stock_movement' ORDER BY seq").all();
    migrate(db, migrations.slice(0, 25));

    expect(db.prepare('SELECT id, product_id, delta_milli, reason, ref, at FROM stock_movement ORDER BY id').all()).toEqual(before);
    expect(db.prepare("SELECT seq, ref_id FROM sync_fact WHERE kind = 'stock_movement' ORDER BY seq").all()).toEqual(factsBefore);
    expect(factsBefore).toHaveLength(2);
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('takes receiving and counts, with a unit cost on receiving only', () => {
    const db = atVersion(25);
    product(db, 'P1');
    move(db, 'M1', 4000, 'receive', 350);
    move(db, 'M2', -1000, 'count');
    expect(() => move(db, 'M3', -1000, 'count', 350)).toThrow(/CHECK/);
    expect(() => move(db, 'M4', 1000, 'theft')).toThrow(/CHECK/);
    expect(() => move(db, 'M5', 1000, 'receive', -1)).toThrow(/CHECK/);
    expect(db.prepare('SELECT id, reason, unit_cost FROM stock_movement ORDER BY id').all()).toEqual([
      { id: 'M1', reason: 'receive', unit_cost: 350 },
      { id: 'M2', reason: 'count', unit_cost: null },
    ]);
  });

  it('keeps the ledger append-only and every new movement numbered for the store server', () => {
    const db = atVersion(25);
    product(db, 'P1');
    move(db, 'M1', 4000, 'receive', 350);
    expect(() => db.prepare("UPDATE stock_movement SET delta_milli = 1 WHERE id = 'M1'").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM stock_movement WHERE id = 'M1'").run()).toThrow(/append-only/);
    expect(db.prepare("SELECT kind, ref_id AS ref, recorded_at AS at FROM sync_fact").all()).toEqual([{ kind: 'stock_movement', ref: 'M1', at: T1 }]);
    expect(queryPlan(db, "SELECT * FROM stock_movement WHERE product_id = 'P1' ORDER BY at")).toMatch(/USING INDEX stock_movement_product/);
  });

  it('adds a per-product low-stock line, unset by default and never negative', () => {
    const db = atVersion(25);
    product(db, 'P1');
    expect(db.prepare("SELECT low_stock_milli FROM product WHERE id = 'P1'").get()).toEqual({ low_stock_milli: null });
    db.prepare("UPDATE product SET low_stock_milli = 3000 WHERE id = 'P1'").run();
    expect(() => db.prepare("UPDATE product SET low_stock_milli = -1 WHERE id = 'P1'").run()).toThrow(/CHECK/);
  });
});
