/** Shared by the migration tests: a database migrated to a version, and the query plan of a statement. */
import Sqlite from 'better-sqlite3';
import { migrate } from '../migrate';
import { migrations } from '../migrations';

export function atVersion(version: number, options: { foreignKeys?: boolean } = { foreignKeys: true }): Sqlite.Database {
  const db = new Sqlite(':memory:');
  if (options.foreignKeys !== false) db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, version));
  return db;
}

export function queryPlan(db: Sqlite.Database, sql: string): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
}
