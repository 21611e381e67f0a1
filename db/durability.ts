import type { Database } from 'better-sqlite3';

/**
 * Runs `fn` with synchronous=NORMAL, then restores FULL. In WAL mode a NORMAL commit survives a crash
 * of the application but may be lost to a power cut; use it only for facts a cashier can redo (a
 * scanned item), never for money: the next FULL commit (a completed sale) syncs everything before it.
 */
export function withRelaxedSync<T>(db: Database, fn: () => T): T {
  db.pragma('synchronous = NORMAL');
  try {
    return fn();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
