import type { Database } from 'better-sqlite3';
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
 * Applies the pending migrations in one transaction: either the database reaches the latest version,
 * or it stays exactly as it was. Returns the versions applied.
 */
export function migrate(db: Database, migrations: readonly Migration[]): number[] {
  assertNotFromFuture(db, migrations);
  const from = schemaVersion(db);
  const pending = migrations.filter((m) => m.version > from);
  if (pending.length === 0) return [];
  db.transaction(() => {
    for (const m of pending) {
      try {
        db.exec(m.sql);
      } catch (error) {
        throw new Error(`Migration ${m.version} (${m.name}) failed: ${(error as Error).message}`, { cause: error });
      }
    }
    db.pragma(`user_version = ${pending.at(-1)!.version}`);
  }).immediate();
  return pending.map((m) => m.version);
}
