/**
 * A new database made in one step: the schema and rows the numbered migrations leave, as SQL (db/baseline.sql),
 * run instead of the migrations one by one. Those rebuild tables and edit the schema as the product grew: each
 * ALTER and schema edit re-reads the whole schema, ~70 ms of a till's first start (0.3 s on a quarter core),
 * where creating the final tables takes ~10. A database that already has a version is migrated as before.
 *
 * db/baseline.test.ts checks that db/baseline.sql is exactly what the migrations make (regenerate it with
 * `npx vitest run db/baseline.test.ts -u` after adding a migration); a baseline older than the migrations is
 * not used (migrate.ts).
 */
import type { Database } from 'better-sqlite3';

export interface Baseline {
  /** The schema version the SQL makes: the number of migrations it stands for. */
  readonly version: number;
  readonly sql: string;
}

interface SchemaObject {
  type: 'table' | 'index' | 'view' | 'trigger';
  name: string;
  sql: string;
}

const HEADER = /^-- schema version (\d+)\n/;

/** The baseline's version, from its first line (`-- schema version N`); null when it has none. */
export function baselineVersion(sql: string): number | null {
  const match = HEADER.exec(sql);
  return match ? Number(match[1]) : null;
}

const quoteName = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A timestamp the migrations wrote with SQLite's clock (a column's default, 'now'): its format and the expression. */
const CLOCK_FORMATS = [
  { pattern: /^'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)'$/, expression: "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')" },
  { pattern: /^'(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)'$/, expression: "datetime('now')" },
];

/**
 * The database as SQL that makes it again in an empty one: its tables, their rows (in rowid or key order), the
 * AUTOINCREMENT counters, then its indexes, views and triggers (after the rows, so no trigger fires on them).
 * `madeBetween`: when the database was made; a timestamp in that window was the clock's at the time (a row's
 * `due_at` default, say) and is written as the same expression, so the baseline's rows get theirs when it runs.
 */
export function dumpDatabase(db: Database, madeBetween?: readonly [Date, Date]): string {
  const version = db.pragma('user_version', { simple: true }) as number;
  const objects = db
    .prepare("SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid")
    .all() as SchemaObject[];
  const tables = objects.filter((o) => o.type === 'table');
  const value = (quoted: string): string => {
    if (!madeBetween) return quoted;
    for (const format of CLOCK_FORMATS) {
      const match = format.pattern.exec(quoted);
      const at = match && Date.parse(match[1]!.includes('T') ? match[1]! : `${match[1]!.replace(' ', 'T')}Z`);
      // A clock with whole seconds may read up to a second before the window opened.
      if (at && at >= madeBetween[0].getTime() - 1000 && at <= madeBetween[1].getTime()) return format.expression;
    }
    return quoted;
  };
  const lines = [`-- schema version ${version}`, '-- Generated from db/migrations by db/baseline.test.ts: do not edit (see db/baseline.ts).'];
  for (const table of tables) lines.push(`${table.sql};`);
  for (const table of tables) {
    const columns = (db.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all(table.name) as string[]).map(quoteName);
    const withoutRowid = db.prepare('SELECT wr FROM pragma_table_list WHERE schema = ? AND name = ?').pluck().get('main', table.name) === 1;
    const order = withoutRowid ? columns.join(', ') : 'rowid';
    const rows = db.prepare(`SELECT ${columns.map((c) => `quote(${c})`).join(', ')} FROM ${quoteName(table.name)} ORDER BY ${order}`).raw().all() as string[][];
    for (const row of rows) lines.push(`INSERT INTO ${quoteName(table.name)} (${columns.join(', ')}) VALUES (${row.map(value).join(', ')});`);
  }
  const hasSequence = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'").get() !== undefined;
  if (hasSequence) {
    const counters = db.prepare('SELECT name, seq FROM sqlite_sequence ORDER BY name').all() as { name: string; seq: number }[];
    if (counters.length) lines.push('DELETE FROM sqlite_sequence;');
    for (const c of counters) lines.push(`INSERT INTO sqlite_sequence (name, seq) VALUES (${quoteLiteral(c.name)}, ${c.seq});`);
  }
  for (const other of objects.filter((o) => o.type !== 'table')) lines.push(`${other.sql};`);
  lines.push(`PRAGMA user_version = ${version};`);
  return `${lines.join('\n')}\n`;
}

const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** True when the database has nothing in it yet: no schema version, no table, index, view or trigger. */
export function isEmptyDatabase(db: Database): boolean {
  if ((db.pragma('user_version', { simple: true }) as number) !== 0) return false;
  return db.prepare('SELECT 1 FROM sqlite_schema LIMIT 1').get() === undefined;
}
