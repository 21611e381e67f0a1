import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseFromNewerVersionError, migrate } from '../migrate';
import { migrations } from '../migrations';
import { connect, freshDatabase } from '../testing/postgres';

describe('0001_init', () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = await connect(await freshDatabase());
    expect(await migrate(db, migrations.slice(0, 1))).toEqual([1]);
  });
  afterAll(() => db.end());

  it('records its version and applies nothing the second time', async () => {
    expect((await db.query('SELECT version, name FROM schema_version')).rows).toEqual([{ version: 1, name: 'init' }]);
    expect(await migrate(db, migrations.slice(0, 1))).toEqual([]);
  });

  it('puts store_id first in every primary and unique key of every table but schema_version (Citus distribution column)', async () => {
    const { rows } = await db.query<{ table_name: string; constraint_name: string; constraint_type: string; columns: string[] }>(
      `SELECT tc.table_name, tc.constraint_name, tc.constraint_type, array_agg(k.column_name::text ORDER BY k.ordinal_position) AS columns
         FROM information_schema.table_constraints tc
         JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema
        WHERE tc.table_schema = 'public' AND tc.constraint_type IN ('PRIMARY KEY', 'UNIQUE') AND tc.table_name <> 'schema_version'
        GROUP BY tc.table_name, tc.constraint_name, tc.constraint_type`,
    );
    const tables = (await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'`)).rows.map((r) => r.table_name);
    expect(tables.length).toBeGreaterThanOrEqual(15);
    // every table has a primary key, and every key includes store_id
    expect(new Set(rows.filter((r) => r.constraint_type === 'PRIMARY KEY').map((r) => r.table_name))).toEqual(new Set(tables));
    expect(rows.filter((r) => !r.columns.includes('store_id')).map((r) => `${r.table_name}.${r.constraint_name}`)).toEqual([]);
    // unique indexes made outside constraints too
    const uniqueIndexes = await db.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE 'CREATE UNIQUE%' AND tablename <> 'schema_version'`);
    expect(uniqueIndexes.rows.filter((r) => !/\(store_id\b/.test(r.indexdef.replace(/.*USING btree /, '')))).toEqual([]);
  });

  it('has no foreign keys (none can cross stores)', async () => {
    const { rows } = await db.query(`SELECT table_name FROM information_schema.table_constraints WHERE table_schema = 'public' AND constraint_type = 'FOREIGN KEY'`);
    expect(rows).toEqual([]);
  });

  it('keeps money in bigint minor units and refuses a negative price', async () => {
    await db.query(`INSERT INTO store (store_id, name) VALUES ('S1', 'A')`);
    await expect(
      db.query(`INSERT INTO product (store_id, product_id, sku, name, price, tax_rate_bp, unit, version) VALUES ('S1', 'P1', 'x', 'x', -1, 0, 'each', 1)`),
    ).rejects.toThrow(/price_check/);
    const { rows } = await db.query(`SELECT data_type FROM information_schema.columns WHERE table_name = 'sale' AND column_name = 'total'`);
    expect(rows).toEqual([{ data_type: 'bigint' }]);
  });

  it('refuses a database from a newer version, untouched', async () => {
    const other = await connect(await freshDatabase());
    try {
      await migrate(other, migrations);
      await other.query(`INSERT INTO schema_version (version, name) VALUES (${migrations.length + 1}, 'future')`);
      await expect(migrate(other, migrations)).rejects.toBeInstanceOf(DatabaseFromNewerVersionError);
      expect((await other.query('SELECT max(version)::int AS v FROM schema_version')).rows[0]).toEqual({ v: migrations.length + 1 });
    } finally {
      await other.end();
    }
  });
});
