import Sqlite, { type Database } from 'better-sqlite3';
import { assertNotFromFuture, migrate } from './migrate';
import { migrations as bundledMigrations, type Migration } from './migrations';

export interface OpenOptions {
  /** Path of a better-sqlite3 addon built for another ABI (Electron's); the Node build is used otherwise. */
  readonly nativeBinding?: string;
  readonly migrations?: readonly Migration[];
}

/**
 * Opens the terminal's database: refuses one from a newer version untouched, then sets the pragmas
 * money needs (WAL, synchronous=FULL so a completed sale survives a power cut) and migrates.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Database {
  const migrations = options.migrations ?? bundledMigrations;
  const db = new Sqlite(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    // Before any pragma that writes (journal_mode=WAL rewrites the header).
    assertNotFromFuture(db, migrations);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
