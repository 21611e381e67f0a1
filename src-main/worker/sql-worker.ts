/**
 * The SQL worker's entry (a worker_threads thread, built as out/main/sql-worker.js): heavy SQL and file
 * work, off the core's event loop, on its own connection to the terminal's database. WAL lets it read beside
 * the core's writer; its writes (a catalog import) go in short transactions, and busy_timeout makes each
 * side wait for the other's lock rather than fail.
 */
import { closeSync, fdatasyncSync, openSync, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { setImmediate as nextTurn } from 'node:timers/promises';
import Sqlite from 'better-sqlite3';
import { createWriteGate, gateWrites } from '../../db/write-gate';
import { PosError } from '../../src-common/errors';
import { diskFullError, isDiskFullError } from '../disk-space';
import { operations, testOperations, type OperationTable } from './operations';
import { idleThisThread, lowerThisThreadPriority } from '../thread-priority';
import { CANCELLED_REASON, PROGRESS_EVERY_MS, type FromWorker, type OperationContext, type SqlWorkerData, type ToWorker, type WorkerError } from './protocol';

if (!parentPort) throw new Error('sql-worker runs as a worker thread only');
const port = parentPort;
const data = workerData as SqlWorkerData;

if (data.niceness) lowerThisThreadPriority(data.niceness);
if (data.schedIdle) void idleThisThread();

const db = new Sqlite(data.databasePath, { fileMustExist: true, ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}) });
db.pragma('busy_timeout = 5000');
db.pragma('foreign_keys = ON');
/**
 * Taken before every write of this connection, so the core never sleeps in SQLite's busy handler (db/write-gate.ts).
 * With the gate, each transaction is as durable as with synchronous=FULL, but its WAL flush comes after the gate
 * is released: FULL flushed inside the commit, while the gate was held, and behind a backup's gigabyte being
 * written back one such flush held the gate (and the core's writes waiting for it) for 0.4–2.5 s.
 */
const writeGate = data.writeGate ? createWriteGate('worker', data.writeGate, { timeoutMs: 5_000, afterWrite: flushWal }) : null;
db.pragma(writeGate ? 'synchronous = NORMAL' : 'synchronous = FULL');
if (writeGate) gateWrites(db, writeGate);
db.pragma('wal_autocheckpoint = 0');

/**
 * Checkpoints run in the maintenance worker (data.checkpoints), never on the core nor in the search worker, and only
 * from this timer and between a long write's transactions: a checkpoint copies the WAL's pages into
 * the database and syncs it, often tens or hundreds of ms. The core's connection has wal_autocheckpoint off, and so
 * has this one: SQLite's automatic checkpoint would run inside a write (an import's batch) while it holds the write
 * gate, and the core would wait for the sync. PASSIVE never waits for the core's writer, and keeps the WAL bounded.
 */
const CHECKPOINT_EVERY_MS = 5_000;
/**
 * A PASSIVE checkpoint copies pages but never shrinks the WAL file. Past the bound (config storage.walBoundMegabytes,
 * or an eighth of the disk's free space when that is less: a small or nearly full disk), a WAL that PASSIVE has
 * fully copied is truncated (TRUNCATE with nothing left to copy: it only resets the file, and gives up at once if a
 * reader is still on it, so the core's writes are not held behind a long copy or a long read), and cannot eat the room a sale needs.
 */
const WAL_BOUND_BYTES = data.walBoundBytes ?? 64 * 1024 * 1024;
const MIN_WAL_BOUND_BYTES = 256 * 1024;
const walPath = `${data.databasePath}-wal`;

/** The WAL's descriptor for flushWal, opened at the first write (the WAL keeps its inode while the core is open). */
let walFd: number | null = null;
/** Makes this connection's last commit durable: what synchronous=FULL did inside the commit. */
function flushWal(): void {
  if (walFd === null) walFd = openSync(walPath, 'r+');
  fdatasyncSync(walFd);
}

function walBound(walBytes: number): number {
  try {
    const stats = statfsSync(dirname(data.databasePath));
    return Math.max(MIN_WAL_BOUND_BYTES, Math.min(WAL_BOUND_BYTES, Math.floor((stats.bavail * stats.bsize + walBytes) / 8)));
  } catch {
    return WAL_BOUND_BYTES;
  }
}

/**
 * Operations running now: the WAL is not truncated meanwhile (behind a backup's or an import's writes to the disk,
 * the truncation, which holds off every writer, can wait for seconds).
 */
let running = 0;

function checkpointPassive(): { log: number; checkpointed: number } | undefined {
  lastCheckpointAt = performance.now();
  const [passive] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
  return passive;
}

/** How often a long write checkpoints between its transactions (SQLite's automatic one would run inside them). */
const LONG_WRITE_CHECKPOINT_EVERY_MS = 1_000;
let lastCheckpointAt = 0;
function checkpointIfGrown(): void {
  if (performance.now() - lastCheckpointAt < LONG_WRITE_CHECKPOINT_EVERY_MS) return;
  try {
    checkpointPassive();
  } catch {
    // busy or closing: the next call takes it
  }
}

if (data.checkpoints) setInterval(() => {
  try {
    const passive = checkpointPassive();
    const walBytes = statSync(walPath, { throwIfNoEntry: false })?.size ?? 0;
    if (running === 0 && passive && passive.log === passive.checkpointed && walBytes > walBound(walBytes)) {
      // TRUNCATE holds off writers while it runs: under the gate, and never waiting for readers (busy_timeout 0:
      // a reader still on the WAL makes it give up at once, and the next round tries again).
      const truncate = () => {
        db.pragma('busy_timeout = 0');
        try {
          db.pragma('wal_checkpoint(TRUNCATE)');
        } finally {
          db.pragma('busy_timeout = 5000');
        }
      };
      if (writeGate) writeGate.hold(truncate);
      else truncate();
    }
  } catch {
    // busy or closing: the next round takes it
  }
}, CHECKPOINT_EVERY_MS).unref();

const table: OperationTable = data.testOperations ? { ...operations, ...testOperations } : operations;
const cancelled = new Set<number>();
const send = (message: FromWorker) => port.postMessage(message);

function toWorkerError(error: unknown): WorkerError {
  if (error instanceof PosError) return { code: error.code, message: error.message, details: error.details, posError: true };
  if (isDiskFullError(error)) {
    const full = diskFullError();
    return { code: full.code, message: full.message, details: full.details, posError: true };
  }
  const e = error as Error;
  return { code: 'internal', message: `${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`, posError: false };
}

async function run(id: number, op: string, input: unknown): Promise<void> {
  const operation = (table as Record<string, (...args: unknown[]) => Promise<unknown>>)[op];
  if (!operation) {
    send({ type: 'error', id, error: { code: 'internal', message: `no operation ${op}`, posError: false } });
    return;
  }
  const checkCancelled = () => {
    if (cancelled.has(id)) throw new PosError('conflict', 'The operation was cancelled', { reason: CANCELLED_REASON });
  };
  let transferList: ArrayBuffer[] = [];
  // Progress at most every PROGRESS_EVERY_MS: an import reports after each of its ~3 ms batches, and every message wakes
  // the core's thread, which then takes the port's lock while this thread may still hold it. In the idle class this
  // thread can wait long for a CPU with that lock held (perf showed the core's thread asleep in
  // MessagePort::OnMessage's lock ~80 times a second during an import, once for 55 ms).
  let lastProgress = { phase: '', at: -Infinity };
  const ctx: OperationContext = {
    transfer: (buffers) => {
      transferList = buffers;
    },
    progress: (phase, done, total) => {
      const now = performance.now();
      const last = total !== null && done === total;
      if (phase === lastProgress.phase && !last && now - lastProgress.at < PROGRESS_EVERY_MS) return;
      lastProgress = { phase, at: now };
      send({ type: 'progress', id, phase, done, total });
    },
    checkCancelled,
    async yieldTurn() {
      await nextTurn();
      checkCancelled();
    },
    checkpointIfGrown,
  };
  running++;
  try {
    const value = await operation(db, input, ctx, data.databasePath);
    port.postMessage({ type: 'result', id, value } satisfies FromWorker, transferList);
  } catch (error) {
    send({ type: 'error', id, error: toWorkerError(error) });
  } finally {
    running--;
    cancelled.delete(id);
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') cancelled.add(message.id);
  else void run(message.id, message.op, message.input);
});
port.on('close', () => {
  db.close();
  if (walFd !== null) closeSync(walFd);
});
send({ type: 'ready' });
