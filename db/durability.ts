import { open, type FileHandle } from 'node:fs/promises';
import type { Database } from 'better-sqlite3';
import { stmt } from './statements';

/**
 * Durable commits without a disk flush on the thread that commits.
 *
 * The core's connection commits with synchronous=NORMAL: in WAL mode a commit is then a `write()` into the WAL,
 * safe from a crash or a kill of the process (the kernel has it) but not from a power cut until the WAL is synced.
 * With synchronous=FULL every commit would flush the disk on the core's event loop, and behind another writer's
 * burst (a 1 GB backup being written back) one flush waited 100–400 ms: scans and payment timers waited with it.
 *
 * So the flush happens here instead, on libuv's thread pool: `durable()` resolves once an `fdatasync` of the WAL
 * that started after every commit made so far has finished. Whatever must survive a power cut before the terminal
 * acts on it awaits it first: the answer to a call (the cashier sees "paid"), a request that moves money at the
 * acquirer (the order's client_sn must be on disk before the order can exist), a receipt sent to the printer. Concurrent
 * callers share one flush (group commit). Checkpoints (the SQL worker's, and the core's on close) sync the WAL
 * before and the database after, so frames copied out of the WAL stay durable when it is reused.
 */
export interface DurabilityBarrier {
  /** Resolves when every commit made on the connection so far is on disk. Never rejects (a failed flush is logged). */
  durable(): Promise<void>;
  /** Flushes once more and closes the WAL handle. */
  close(): Promise<void>;
  /** Flushes done so far (tests and the bench). */
  readonly flushes: number;
}

export interface DurabilityBarrierOptions {
  /** A flush that failed (EIO, ENOSPC): the commits stay in the kernel's cache; nothing the caller can do. */
  onError: (error: unknown) => void;
  /** Test seam: the flush itself (FileHandle.datasync by default). */
  datasync?: (handle: FileHandle) => Promise<void>;
}

/**
 * Opens the barrier for a connection opened with `asyncDurability` (see db/open.ts). The WAL exists from the
 * first transaction and keeps its inode while the connection is open (a TRUNCATE checkpoint only shortens it).
 */
export async function openDurabilityBarrier(db: Database, options: DurabilityBarrierOptions): Promise<DurabilityBarrier> {
  // Writable: Windows' FlushFileBuffers needs write access (Linux and macOS do not mind).
  const handle = await open(`${db.name}-wal`, 'r+');
  const datasync = options.datasync ?? ((h: FileHandle) => h.datasync());
  const changes = stmt(db, 'SELECT total_changes() AS n');
  let syncedThrough = (changes.get() as { n: number }).n;
  const committed = (): number => (db.open ? (changes.get() as { n: number }).n : syncedThrough);
  let flushing: Promise<void> | null = null;
  let flushes = 0;
  let closed = false;

  // Called between the core's (synchronous) transactions, so every change counted is committed.
  function flush(): Promise<void> {
    const through = committed();
    flushing = datasync(handle)
      .then(
        () => {
          flushes++;
        },
        (error: unknown) => options.onError(error),
      )
      .then(() => {
        syncedThrough = Math.max(syncedThrough, through);
        flushing = null;
      });
    return flushing;
  }

  async function durable(): Promise<void> {
    const target = committed();
    // A flush under way may have started before the last commits: wait for it, then start one of our own.
    while (syncedThrough < target && !closed) await (flushing ?? flush());
  }

  return {
    durable,
    async close() {
      await durable();
      closed = true;
      await handle.close();
    },
    get flushes() {
      return flushes;
    },
  };
}
