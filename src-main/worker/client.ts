/**
 * The core's side of the SQL worker: starts the thread with the core, runs operations on it, relays their
 * progress to the UI as `maintenance.progress` events, cancels them, and starts a new thread when one dies
 * (the UI is told with `maintenance.worker`). Calls running on a thread that dies fail with `unavailable`;
 * calls made while the next thread is starting wait for it.
 */
import { Worker } from 'node:worker_threads';
import { findBuiltEntry } from '../built-entry';
import { PosError } from '../../src-common/errors';
import { freeWriteGate } from '../../db/write-gate';
import type { MaintenanceOperation, MaintenanceProgress, MaintenanceWorkerState } from '../../src-common/calls/admin';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import { CANCELLED_REASON, FromWorker, type SqlInput, type SqlOperation, type SqlOutput, type SqlWorkerData, type ToWorker } from './protocol';

export const SQL_WORKER_FILE = 'sql-worker.js';
/** How long a cancelled operation may take to stop between steps before its thread is ended. */
export const CANCEL_GRACE_MS = 1000;
const RESTART_DELAYS_MS = [50, 250, 1000, 5000];

/** Where the built SQL worker is (see findBuiltEntry). */
export function findSqlWorkerFile(): Promise<string> {
  return findBuiltEntry(SQL_WORKER_FILE, 'The SQL worker');
}

export interface RunOptions {
  /** What the UI calls the operation (its progress bar's label); no progress events without it. */
  readonly label?: MaintenanceOperation;
}

export interface SqlWorkerClient {
  run<K extends SqlOperation>(op: K, input: SqlInput<K>, options?: RunOptions): Promise<SqlOutput<K>>;
  /** Asks an operation to stop; false when there is no such running operation. */
  cancel(operationId: string): boolean;
  status(): { worker: MaintenanceWorkerState; operations: MaintenanceProgress[] };
  /** Ends the thread as a crash would (diagnostics and tests): pending operations fail, a new thread starts. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

interface Pending {
  readonly id: number;
  readonly operationId: string;
  readonly label: MaintenanceOperation | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  progress: MaintenanceProgress | null;
  cancelTimer: NodeJS.Timeout | null;
  /** The thread running it; null while it waits for a thread (the last one died, the next is starting). */
  worker: Worker | null;
  readonly message: ToWorker;
}

export function startSqlWorker(options: {
  file: string;
  data: SqlWorkerData;
  events: EventBus;
  log: Logger;
  /**
   * Start the thread this long after the call (ms), so a terminal starting on a slow CPU serves its first scans
   * and calls before the thread loads; calls made meanwhile wait for it.
   */
  startAfterMs?: number;
}): SqlWorkerClient {
  const { file, data, events, log } = options;
  const pending = new Map<number, Pending>();
  let nextId = 1;
  /** The live thread; null between a thread's end and the start of the next. */
  let worker: Worker | null;
  let state: MaintenanceWorkerState = { state: 'starting', restarts: 0, lastExit: null };
  let stopping = false;
  let restartTimer: NodeJS.Timeout | null = null;
  let consecutiveCrashes = 0;

  const setState = (next: MaintenanceWorkerState) => {
    state = next;
    events.emit('maintenance.worker', state);
  };

  /** The worker sends an operation's progress at most every PROGRESS_EVERY_MS (./sql-worker.ts): each goes to the UI. */
  function emitProgress(p: Pending, update: Omit<MaintenanceProgress, 'operationId' | 'operation'>) {
    if (!p.label) return;
    p.progress = { operationId: p.operationId, operation: p.label, ...update };
    events.emit('maintenance.progress', p.progress);
  }

  function settle(p: Pending, outcome: 'done' | 'failed' | 'cancelled') {
    pending.delete(p.id);
    if (p.cancelTimer) clearTimeout(p.cancelTimer);
    const last = p.progress;
    emitProgress(p, { phase: last?.phase ?? 'starting', done: last?.total ?? last?.done ?? 0, total: last?.total ?? null, state: outcome });
  }

  function spawn(): Worker {
    const w = new Worker(file, { workerData: data, stdout: false, stderr: false });
    w.unref();
    w.on('message', (raw: unknown) => {
      const parsed = FromWorker.safeParse(raw);
      if (!parsed.success) {
        log.error({ issues: parsed.error.issues.slice(0, 3) }, 'sql worker sent a malformed message');
        return;
      }
      const message = parsed.data;
      if (message.type === 'ready') {
        consecutiveCrashes = 0;
        setState({ ...state, state: 'running' });
        return;
      }
      const p = pending.get(message.id);
      if (!p) return;
      if (message.type === 'progress') {
        emitProgress(p, { phase: message.phase, done: message.done, total: message.total, state: 'running' });
      } else if (message.type === 'result') {
        settle(p, 'done');
        p.resolve(message.value);
      } else {
        const e = message.error;
        const cancelledNow = (e.details as { reason?: unknown } | undefined)?.reason === CANCELLED_REASON;
        settle(p, cancelledNow ? 'cancelled' : 'failed');
        if (e.posError) p.reject(new PosError(e.code as PosError['code'], e.message, e.details));
        else p.reject(new Error(`sql worker: ${e.message}`));
      }
    });
    w.on('error', (error) => log.error({ err: error }, 'sql worker failed'));
    w.on('exit', (code) => onExit(w, code));
    // Calls made while no thread was live go to this one.
    for (const p of pending.values()) {
      if (p.worker !== null) continue;
      p.worker = w;
      w.postMessage(p.message);
    }
    return w;
  }

  const ended = new WeakSet<Worker>();
  function onExit(w: Worker, code: number) {
    // Handled once per thread (replace() handles it before the thread has really ended).
    if (ended.has(w)) return;
    ended.add(w);
    if (worker === w) worker = null;
    // A thread ended in the middle of a write leaves the gate held: the core would wait out its timeout at every write.
    if (data.writeGate) freeWriteGate(data.writeGate, 'worker');
    for (const p of [...pending.values()].filter((x) => x.worker === w)) {
      const cancelled = p.cancelTimer !== null;
      settle(p, cancelled ? 'cancelled' : 'failed');
      p.reject(
        cancelled
          ? new PosError('conflict', 'The operation was cancelled', { reason: CANCELLED_REASON })
          : new PosError('unavailable', 'The maintenance worker stopped during this operation; try again', { reason: 'worker_crashed' }),
      );
    }
    if (stopping) {
      setState({ ...state, state: 'stopped', lastExit: code });
      return;
    }
    log.error({ code }, 'sql worker ended; starting a new one');
    const delay = RESTART_DELAYS_MS[Math.min(consecutiveCrashes, RESTART_DELAYS_MS.length - 1)]!;
    consecutiveCrashes += 1;
    setState({ state: 'restarting', restarts: state.restarts + 1, lastExit: code });
    restartTimer = setTimeout(() => {
      restartTimer = null;
      if (!stopping) worker = spawn();
    }, delay);
    restartTimer.unref();
  }

  /**
   * Gives up on the current thread and starts a new one. terminate() cannot interrupt SQLite's native code: a
   * thread inside one long statement (integrity_check, VACUUM INTO) runs it to its end, read-only or on its own
   * side file, and then exits; nothing waits for it meanwhile.
   */
  function replace(): Promise<void> {
    const old = worker;
    if (!old) return Promise.resolve();
    const ended = old.terminate().then(() => undefined);
    onExit(old, 1);
    return ended;
  }

  worker = null;
  let startTimer: NodeJS.Timeout | null = setTimeout(() => {
    startTimer = null;
    if (!stopping) worker = spawn();
  }, options.startAfterMs ?? 0);

  return {
    run(op, input, runOptions = {}) {
      if (stopping) return Promise.reject(new PosError('unavailable', 'The terminal is stopping', { reason: 'stopping' }));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const p: Pending = {
          id,
          operationId: `op-${id}`,
          label: runOptions.label,
          resolve: resolve as (value: unknown) => void,
          reject,
          progress: null,
          cancelTimer: null,
          worker,
          message: { type: 'run', id, op, input },
        };
        pending.set(id, p);
        emitProgress(p, { phase: 'starting', done: 0, total: null, state: 'running' });
        // Without a live thread it waits: spawn() sends it to the next one.
        worker?.postMessage(p.message);
      });
    },

    cancel(operationId) {
      const p = [...pending.values()].find((x) => x.operationId === operationId);
      if (!p || p.cancelTimer) return p !== undefined;
      if (!p.worker) {
        // Not started yet: nothing to stop.
        settle(p, 'cancelled');
        p.reject(new PosError('conflict', 'The operation was cancelled', { reason: CANCELLED_REASON }));
        return true;
      }
      p.worker.postMessage({ type: 'cancel', id: p.id } satisfies ToWorker);
      p.cancelTimer = setTimeout(() => {
        // Still in one long statement: give up on the thread (see replace()).
        if (pending.has(p.id) && p.worker === worker) {
          log.warn({ operationId }, 'cancelled operation did not stop; ending the sql worker');
          void replace();
        }
      }, CANCEL_GRACE_MS);
      return true;
    },

    status() {
      return { worker: state, operations: [...pending.values()].flatMap((p) => (p.progress ? [p.progress] : [])) };
    },

    kill: () => replace(),

    async stop() {
      if (stopping) return;
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      if (startTimer) clearTimeout(startTimer);
      for (const p of [...pending.values()].filter((x) => x.worker === null)) {
        settle(p, 'failed');
        p.reject(new PosError('unavailable', 'The terminal is stopping', { reason: 'stopping' }));
      }
      await worker?.terminate();
    },
  };
}
