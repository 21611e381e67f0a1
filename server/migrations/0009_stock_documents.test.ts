import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../migrate';
import { migrations } from '../migrations';
import { connect, freshDatabase } from '../testing/postgres';

describe('0009_stock_documents', () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = await connect(await freshDatabase());
    await migrate(db, migrations.slice(0, 8));
    await db.query(`INSERT INTO stock_movement (store_id, movement_id, product_id, delta_milli, reason, ref, at) VALUES ('S1', 'M1', 'P1', 1000, 'sale', NULL, now())`);
    expect(await migrate(db, migrations.slice(0, 9))).toEqual([9]);
  });
  afterAll(() => db.end());

  it('keeps the movements stored before it, without a cost, and takes a cost on new ones', async () => {
    expect((await db.query(`SELECT unit_cost FROM stock_movement WHERE movement_id = 'M1'`)).rows).toEqual([{ unit_cost: null }]);
    await db.query(`INSERT INTO stock_movement (store_id, movement_id, product_id, delta_milli, reason, ref, at, unit_cost) VALUES ('S1', 'M2', 'P1', 1000, 'receiving', 'R1', now(), 250)`);
    await expect(db.query(`INSERT INTO stock_movement (store_id, movement_id, product_id, delta_milli, reason, ref, at, unit_cost) VALUES ('S1', 'M3', 'P1', 1000, 'receiving', 'R1', now(), -1)`)).rejects.toThrow(/check/);
  });

  it('keys every table by store, so one transfer id is one row in each store', async () => {
    await db.query(`INSERT INTO stock_transfer (store_id, transfer_id, direction, other_store_id, account_id) VALUES ('S1', 'T1', 'out', 'S2', 'A'), ('S2', 'T1', 'in', 'S1', 'A')`);
    await expect(db.query(`INSERT INTO stock_transfer (store_id, transfer_id, direction, other_store_id, account_id) VALUES ('S1', 'T1', 'in', 'S2', 'A')`)).rejects.toThrow(/unique|duplicate/);
    await expect(db.query(`INSERT INTO stock_transfer (store_id, transfer_id, direction, other_store_id, account_id) VALUES ('S3', 'T2', 'sideways', 'S1', 'A')`)).rejects.toThrow(/check/);
    const { rows } = await db.query<{ table_name: string }>(
      `SELECT c.table_name FROM information_schema.table_constraints c
         JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name AND k.table_name = c.table_name
        WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_name LIKE 'stock\\_%' AND k.column_name = 'store_id' AND k.ordinal_position = 1`,
    );
    expect(rows.map((r) => r.table_name).sort()).toEqual(
      ['stock_count', 'stock_count_line', 'stock_level', 'stock_movement', 'stock_product', 'stock_receipt', 'stock_receipt_line', 'stock_transfer', 'stock_transfer_line'],
    );
  });

  it('refuses a negative count, a zero quantity and a negative cost', async () => {
    await expect(db.query(`INSERT INTO stock_count_line (store_id, count_id, product_id, expected_milli, counted_milli, delta_milli) VALUES ('S1', 'C1', 'P1', 0, -1, -1)`)).rejects.toThrow(/check/);
    await expect(db.query(`INSERT INTO stock_receipt_line (store_id, receipt_id, line_no, product_id, quantity_milli, unit_cost, line_cost) VALUES ('S1', 'R1', 1, 'P1', 0, 1, 0)`)).rejects.toThrow(/check/);
    await expect(db.query(`INSERT INTO stock_product (store_id, product_id, avg_cost) VALUES ('S1', 'P1', -5)`)).rejects.toThrow(/check/);
  });
});
