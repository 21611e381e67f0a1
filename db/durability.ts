import type { Database } from 'better-sqlite3';
import { stmt } from './statements';

/**
 * Runs `fn` with synchronous=NORMAL, then restores FULL. In WAL mode a NORMAL commit survives a crash
 * of the application but may be lost to a power cut; use it only for facts a cashier can redo (a
 * scanned item), never for money: the next FULL commit (a completed sale) syncs everything before it.
 */
export function withRelaxedSync<T>(db: Database, fn: () => T): T {
  stmt(db, 'PRAGMA synchronous = NORMAL').run();
  try {
    return fn();
  } finally {
    stmt(db, 'PRAGMA synchronous = FULL').run();
  }
}
