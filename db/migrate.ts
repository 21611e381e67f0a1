import type { Database } from 'better-sqlite3';
import { baselineVersion, isEmptyDatabase, type Baseline } from './baseline';
import type { Migration } from './migrations';

export class DatabaseFromNewerVersionError extends Error {
  constructor(
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `This database has schema version ${found}, but this version of the application knows only up to ${supported}. ` +
        'It was written by a newer version; it has not been touched. Install that version or restore a backup.',
    );
    this.name = 'DatabaseFromNewerVersionError';
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Refuses, without writing anything, a database written by a newer version of the application. */
export function assertNotFromFuture(db: Database, migrations: readonly Migration[]): void {
  const found = schemaVersion(db);
  if (found > migrations.length) throw new DatabaseFromNewerVersionError(found, migrations.length);
}

/**
 * A migration that widens a CHECK (a new kind in an `IN (…)` list) edits the table's statement in sqlite_schema
 * (`PRAGMA writable_schema`), SQLite's documented way for a change every stored row already satisfies
 * (https://sqlite.org/lang_altertable.html#otheralter): rebuilding a table of millions of rows (sync_fact, sale_event)
 * held the first start after an upgrade for 10–20 s. Such a migration runs with better-sqlite3's defensive mode
 * off, and its schema edit comes last in it (statements after the edit would see the schema as it was before);
 * the schema version is bumped after it (every connection re-reads the schema) and the schema read back at once.
 */
const EDITS_SCHEMA = /PRAGMA\s+writable_schema\s*=\s*ON/i;

/**
 * Applies the pending migrations in one transaction: either the database reaches the latest version,
 * or it stays exactly as it was. Returns the versions applied. An empty database is made from the baseline instead
 * when one is given for the latest version (./baseline.ts): the same schema and rows in one step.
 */
export function migrate(db: Database, migrations: readonly Migration[], baseline?: Baseline): number[] {
  assertNotFromFuture(db, migrations);
  const from = schemaVersion(db);
  const pending = migrations.filter((m) => m.version > from);
  if (pending.length === 0) return [];
  if (baseline && baseline.version === migrations.length && baselineVersion(baseline.sql) === baseline.version) {
    const made = db.transaction(() => {
      if (!isEmptyDatabase(db)) return false;
      db.exec(baseline.sql);
      return true;
    }).immediate();
    if (made) return pending.map((m) => m.version);
  }
  const editsSchema = pending.some((m) => EDITS_SCHEMA.test(m.sql));
  if (editsSchema) db.unsafeMode(true);
  try {
    db.transaction(() => {
      for (const m of pending) {
        try {
          db.exec(m.sql);
          if (EDITS_SCHEMA.test(m.sql)) afterSchemaEdit(db);
        } catch (error) {
          throw new Error(`Migration ${m.version} (${m.name}) failed: ${(error as Error).message}`, { cause: error });
        }
      }
      db.pragma(`user_version = ${pending.at(-1)!.version}`);
    }).immediate();
  } finally {
    if (editsSchema) db.unsafeMode(false);
  }
  return pending.map((m) => m.version);
}

function afterSchemaEdit(db: Database): void {
  db.pragma('writable_schema = OFF');
  const version = db.pragma('schema_version', { simple: true }) as number;
  db.pragma(`schema_version = ${version + 1}`);
  // Re-reads the schema now: an edited statement SQLite cannot parse fails the migration (it all rolls back).
  db.prepare('SELECT count(*) FROM sqlite_schema').get();
}
