import Sqlite, { type Database } from 'better-sqlite3';
import { assertNotFromFuture, migrate } from './migrate';
import { baseline as bundledBaseline, migrations as bundledMigrations, type Migration } from './migrations';

export interface OpenOptions {
  /** Path of a better-sqlite3 addon built for another ABI (Electron's); the Node build is used otherwise. */
  readonly nativeBinding?: string;
  readonly migrations?: readonly Migration[];
  /** Every `db.transaction(fn)()` begins IMMEDIATE (see immediateTransactions): the core's connection. */
  readonly immediateTransactions?: boolean;
  /**
   * No automatic checkpoint after this connection's commits (the core's: a checkpoint can take tens or hundreds
   * of ms; the SQL worker runs them instead).
   */
  readonly noAutoCheckpoint?: boolean;
  /**
   * Commits without a disk flush (synchronous=NORMAL): the caller makes them durable off its thread with a
   * DurabilityBarrier (db/durability.ts) before acting on them. The core's connection.
   */
  readonly asyncDurability?: boolean;
}

/**
 * Opens the terminal's database: refuses one from a newer version untouched, then sets the pragmas
 * money needs (WAL, synchronous=FULL so a completed sale survives a power cut, unless the caller flushes the WAL
 * itself: `asyncDurability`) and migrates.
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
    // A new database from the baseline of the bundled migrations (./baseline.ts); given migrations run one by one.
    migrate(db, migrations, migrations === bundledMigrations ? bundledBaseline : undefined);
    if (options.asyncDurability) db.pragma('synchronous = NORMAL');
    if (options.noAutoCheckpoint) db.pragma('wal_autocheckpoint = 0');
    return options.immediateTransactions ? immediateTransactions(db) : db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Makes `db.transaction(fn)()` begin IMMEDIATE (the write lock taken at BEGIN, waiting for it with busy_timeout)
 * instead of DEFERRED. With a second connection writing (the SQL worker's catalog import), a deferred transaction
 * that reads and then writes fails at once with SQLITE_BUSY_SNAPSHOT whenever the other one committed in between:
 * SQLite cannot wait that out, its read snapshot is already stale. The core's transactions are short, so taking
 * the write lock first costs nothing; `.deferred()` stays available for a read-only one.
 */
export function immediateTransactions(db: Database): Database {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: never[]) => unknown) => {
    const made = transaction(fn);
    return Object.assign((...args: never[]) => made.immediate(...args), {
      default: made.immediate,
      deferred: made.deferred,
      immediate: made.immediate,
      exclusive: made.exclusive,
    });
  }) as Database['transaction'];
  return db;
}
