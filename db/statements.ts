import type { Database, Statement } from 'better-sqlite3';

// Preparing costs more than running a small query: prepare each SQL text once per connection.
const cache = new WeakMap<Database, Map<string, Statement>>();

export function stmt(db: Database, sql: string): Statement {
  let statements = cache.get(db);
  if (!statements) cache.set(db, (statements = new Map()));
  let s = statements.get(sql);
  if (!s) statements.set(sql, (s = db.prepare(sql)));
  return s;
}
