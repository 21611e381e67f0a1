import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DatabaseFromNewerVersionError, migrate, schemaVersion } from './migrate';
import { latestSchemaVersion, migrations, parseMigrationFiles, type Migration } from './migrations';
import { openDatabase } from './open';

const steps: Migration[] = [
  { version: 1, name: 'one', sql: 'CREATE TABLE log (n INTEGER NOT NULL) STRICT; INSERT INTO log VALUES (1);' },
  { version: 2, name: 'two', sql: 'INSERT INTO log VALUES (2); CREATE TABLE two (x INTEGER) STRICT;' },
  { version: 3, name: 'three', sql: 'INSERT INTO log VALUES (3);' },
];

describe('migrate', () => {
  it('applies migrations in order and records the version', () => {
    const db = new Sqlite(':memory:');
    expect(migrate(db, steps)).toEqual([1, 2, 3]);
    expect(db.prepare('SELECT n FROM log ORDER BY rowid').pluck().all()).toEqual([1, 2, 3]);
    expect(schemaVersion(db)).toBe(3);
    expect(migrate(db, steps)).toEqual([]);
  });

  it('applies only what is pending', () => {
    const db = new Sqlite(':memory:');
    migrate(db, steps.slice(0, 1));
    expect(migrate(db, steps)).toEqual([2, 3]);
    expect(db.prepare('SELECT n FROM log ORDER BY rowid').pluck().all()).toEqual([1, 2, 3]);
  });

  it('leaves the database exactly as it was when one pending migration fails', () => {
    const db = new Sqlite(':memory:');
    migrate(db, steps.slice(0, 1));
    const broken = [...steps.slice(0, 2), { version: 3, name: 'broken', sql: 'INSERT INTO nowhere VALUES (1);' }];
    expect(() => migrate(db, broken)).toThrow(/Migration 3 \(broken\) failed/);
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare('SELECT n FROM log').pluck().all()).toEqual([1]);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'two'").pluck().get()).toBe(0);
  });

  it('refuses a database from a newer version', () => {
    const db = new Sqlite(':memory:');
    db.pragma('user_version = 7');
    expect(() => migrate(db, steps)).toThrow(DatabaseFromNewerVersionError);
    expect(schemaVersion(db)).toBe(7);
  });
});

describe('openDatabase', () => {
  it('refuses a newer database file without changing a byte of it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-db-'));
    const path = join(dir, 'future.sqlite');
    const future = new Sqlite(path);
    future.exec('CREATE TABLE future_table (x INTEGER)');
    future.pragma(`user_version = ${latestSchemaVersion + 1}`);
    future.close();
    const before = createHash('sha256').update(readFileSync(path)).digest('hex');

    expect(() => openDatabase(path)).toThrow(/newer version; it has not been touched/);
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('opens a fresh file in WAL with synchronous=FULL at the latest version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-db-'));
    const db = openDatabase(join(dir, 'pos.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(latestSchemaVersion);
    db.close();
  });
});

describe('migration files', () => {
  it('are numbered 1..N', () => {
    expect(migrations.map((m) => m.version)).toEqual(Array.from({ length: latestSchemaVersion }, (_, i) => i + 1));
  });
  it('reject a gap or a bad name', () => {
    expect(() => parseMigrationFiles({ './migrations/0001_a.sql': '', './migrations/0003_c.sql': '' })).toThrow(/expected 2, found 3/);
    expect(() => parseMigrationFiles({ './migrations/1_a.sql': '' })).toThrow(/NNNN_name\.sql/);
  });
});
