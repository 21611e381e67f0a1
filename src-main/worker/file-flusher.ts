/**
 * Writes a file that one long statement is growing (a backup's `VACUUM INTO`) to the disk in steps, from a thread of
 * its own, while the statement holds the SQL worker's thread.
 *
 * Why: the statement leaves its output in the page cache and syncs it once, at its end: the kernel then writes a
 * backup's gigabyte in one go, and on ext4 (unwritten extents converted as each write completes) the conversion of
 * that burst runs in kernel workers that do not yield the CPU: traced in the stress test, 10–19 ms slices of
 * `ext4_end_io_rsv_work`, the core's thread woken behind them and waiting for the CPU up to 13–38 ms. Synced every
 * few megabytes as it grows, the file is written back in small pieces and each conversion is short. No library does
 * this: SQLite has no hook inside a VACUUM, and the worker's own thread is inside it.
 *
 * The flusher is a worker thread started from the SQL worker's thread, so it inherits that thread's low priority
 * (SCHED_IDLE on Linux, ../thread-priority.ts): the writing-back it starts is charged to it, not to a kernel worker
 * at the normal priority. It only syncs what the statement has written; where it cannot (the file not there yet,
 * removed, a failing disk) it tries again at its next look and never fails the statement, whose own sync at its end
 * is what makes the file durable.
 */
import { Worker } from 'node:worker_threads';

export interface FileFlusherOptions {
  /** Synced each time the file has grown by this much since the last sync. */
  readonly stepBytes?: number;
  /** How often the flusher looks at the file's size. */
  readonly lookEveryMs?: number;
}

export interface FileFlusher {
  /** Stops the flusher (it finishes a sync it is in) and resolves how many syncs it made. */
  stop(): Promise<number>;
}

const STOP = 0;
const SYNCS = 1;

/**
 * The flusher's own code, plain CommonJS: an eval'd worker needs no file of its own in the build, and the SQL
 * worker's thread, blocked in the statement, cannot hand it anything after it starts.
 */
const FLUSHER_SOURCE = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const shared = new Int32Array(workerData.shared);
let fd = null;
let synced = 0;
while (Atomics.wait(shared, ${STOP}, 0, workerData.lookEveryMs) === 'timed-out') {
  try {
    if (fd === null) fd = fs.openSync(workerData.path, 'r');
    const size = fs.fstatSync(fd).size;
    if (size - synced < workerData.stepBytes) continue;
    fs.fdatasyncSync(fd);
    synced = size;
    Atomics.add(shared, ${SYNCS}, 1);
  } catch {
    // Not created yet, or gone: looked at again next time.
  }
}
if (fd !== null) fs.closeSync(fd);
`;

export function startFileFlusher(path: string, options: FileFlusherOptions = {}): FileFlusher {
  const shared = new SharedArrayBuffer(8);
  const flags = new Int32Array(shared);
  const worker = new Worker(FLUSHER_SOURCE, {
    eval: true,
    workerData: { path, shared, stepBytes: options.stepBytes ?? 8 * 1024 * 1024, lookEveryMs: options.lookEveryMs ?? 20 },
    stdout: false,
    stderr: false,
  });
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => resolve());
    worker.once('error', () => resolve());
  });
  return {
    async stop() {
      Atomics.store(flags, STOP, 1);
      Atomics.notify(flags, STOP);
      await exited;
      return Atomics.load(flags, SYNCS);
    },
  };
}
