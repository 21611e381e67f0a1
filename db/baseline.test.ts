import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { baselineVersion, dumpDatabase } from './baseline';
import { migrate, schemaVersion } from './migrate';
import { baseline, migrations } from './migrations';
import { openDatabase } from './open';

const dir = mkdtempSync(join(tmpdir(), 'pos-baseline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A database and when it was made (its rows' clock timestamps fall in that window: dumpDatabase). */
function made(by: (db: Sqlite.Database) => void): { db: Sqlite.Database; dump: () => string } {
  const db = new Sqlite(':memory:');
  const from = new Date();
  by(db);
  const to = new Date();
  return { db, dump: () => dumpDatabase(db, [from, to]) };
}

const migratedOneByOne = () => made((db) => migrate(db, migrations)).dump();

describe('the baseline of a new database', () => {
  it('is what the migrations make, one by one (regenerate with `npx vitest run db/baseline.test.ts -u`)', async () => {
    await expect(migratedOneByOne()).toMatchFileSnapshot('./baseline.sql');
    expect(baseline.version).toBe(migrations.length);
    expect(baselineVersion(baseline.sql)).toBe(migrations.length);
  });

  it('makes, in an empty database, exactly what the migrations make: schema, rows, counters and version', () => {
    let applied: number[] = [];
    const fromBaseline = made((db) => (applied = migrate(db, migrations, baseline)));
    expect(applied).toEqual(migrations.map((m) => m.version));
    expect(schemaVersion(fromBaseline.db)).toBe(migrations.length);
    expect(fromBaseline.dump()).toBe(migratedOneByOne());
    // Its clock's rows have this run's time, not the time it was generated.
    expect(fromBaseline.dump()).not.toMatch(/'\d{4}-\d\d-\d\dT[^']*Z'/);
    expect(fromBaseline.db.pragma('foreign_key_check')).toEqual([]);
    expect(fromBaseline.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('is what openDatabase uses for a new file, which then opens as any migrated one', () => {
    const path = join(dir, 'new.sqlite');
    const from = new Date();
    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(dumpDatabase(db, [from, new Date()])).toBe(migratedOneByOne());
    db.close();
    const again = openDatabase(path);
    expect(schemaVersion(again)).toBe(migrations.length);
    again.close();
  });

  it('is not used for a database that has a version: its pending migrations run', () => {
    const db = new Sqlite(':memory:');
    migrate(db, migrations.slice(0, 10));
    db.prepare("INSERT INTO setting (key, value, updated_at) VALUES ('storeName', '\"kept\"', '2026-12-06T00:00:00Z')").run();
    expect(migrate(db, migrations, baseline)).toEqual(migrations.slice(10).map((m) => m.version));
    expect(db.prepare("SELECT value FROM setting WHERE key = 'storeName'").pluck().get()).toBe('"kept"');
  });

  it('is not used for a database with tables but no version (not one of ours): the migrations meet what is there', () => {
    const db = new Sqlite(':memory:');
    db.exec('CREATE TABLE stranger (x)');
    expect(migrate(db, migrations, baseline)).toEqual(migrations.map((m) => m.version));
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'stranger'").pluck().get()).toBe(1);
    db.exec('DROP TABLE stranger');
    expect(dumpDatabase(db).replace(/'[^']*Z'/g, 'T')).toBe(dumpDatabase(migratedDb()).replace(/'[^']*Z'/g, 'T'));
  });

  it('is not used when it stands for fewer migrations than there are (a new migration, baseline not regenerated)', () => {
    const stale = { version: migrations.length - 1, sql: dumpAt(migrations.length - 1) };
    const oneByOne = made((db) => expect(migrate(db, migrations, stale)).toEqual(migrations.map((m) => m.version)));
    expect(oneByOne.dump()).toBe(migratedOneByOne());
  });
});

function dumpAt(version: number): string {
  return made((db) => migrate(db, migrations.slice(0, version))).dump();
}

function migratedDb(): Sqlite.Database {
  return made((db) => migrate(db, migrations)).db;
}
