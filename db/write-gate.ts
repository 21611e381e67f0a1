/**
 * Who writes the terminal's database next, the core or the SQL worker: a gate in a SharedArrayBuffer that both
 * connections take before they write.
 *
 * Without it, the core waits for the worker's write lock in SQLite's busy handler, which sleeps 1, 2, 5, 10, 15,
 * 20, 25… ms between tries. While a catalog import commits batch after short batch, each try can land inside the
 * next batch, and the core's thread slept 18, 33, once 103 ms (the cumulative steps of that handler, which is what
 * the stress test measured). With the gate, the core waits in Atomics.wait and is woken the moment the worker's
 * batch ends, and the worker steps aside while the core is waiting: the core waits at most one batch (a few ms).
 *
 * SQLite's lock stays the authority: the gate only decides who asks first. A wait that times out goes on to
 * SQLite (and its busy_timeout) as before, so a gate left held by a thread that died costs a delay, never data.
 *
 * The core should not even wait in Atomics.wait: a batch held up by the disk (a backup being written back) held
 * the gate for 150–230 ms, and the core's thread with it. So what starts the core's writes (a call, a device's
 * scan, the job runner's look) first awaits `whenFree()`: Atomics.waitAsync, the loop serving timers and I/O
 * meanwhile, the worker stepping aside, and later starts queued behind in order. The write then finds the gate free.
 */
import type { Database, Statement } from 'better-sqlite3';

export type WriteGateRole = 'core' | 'worker';

const HOLDER = 0;
const CORE_WAITING = 1;
/** The longest time each side has held the gate (µs), for diagnostics: cell 2 the core's, cell 3 the worker's. */
const LONGEST_HOLD = { core: 2, worker: 3 } as const;
const FREE = 0;
/** Atomics.waitAsync (V8 since Node 16; typed only from TypeScript's es2024 lib, newer than this project's). */
const waitAsync = (Atomics as unknown as {
  waitAsync(cells: Int32Array, index: number, value: number, timeoutMs: number): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;
const CODE: Record<WriteGateRole, number> = { core: 1, worker: 2 };

export interface WriteGateStats {
  /** Writes that found the gate held by the other side and waited. */
  waits: number;
  longestWaitMs: number;
  /** Waits that gave up on the gate and went to SQLite's lock. */
  timeouts: number;
  /** The longest the other side held the gate at once (its writes: what this side may have waited for). */
  otherLongestHoldMs: number;
  /** Starts that awaited the gate with the thread free (whenFree), and the longest such wait. */
  asyncWaits: number;
  longestAsyncWaitMs: number;
}

export interface WriteGate {
  /** Shared with the other side (workerData). */
  readonly buffer: SharedArrayBuffer;
  /** Runs `fn` holding the gate; reentrant on this thread (a nested transaction or a write inside one). */
  hold<T>(fn: () => T): T;
  /**
   * The core's: null when the gate is free and no earlier start is waiting (go on now); otherwise a promise that
   * resolves, in the order asked, once the gate is free (or after the timeout: the write then waits as before).
   */
  whenFree(): Promise<void> | null;
  stats(): WriteGateStats;
  resetStats(): void;
}

export function createWriteBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT);
}

export interface WriteGateOptions {
  /** How long a writer waits for the gate before it goes to SQLite's lock anyway. */
  timeoutMs?: number;
  /**
   * How long the core's whenFree waits, the loop free meanwhile, before its start goes on to wait on the thread.
   * Longer than timeoutMs: going on early gains nothing (the other side's transaction still holds SQLite's lock) and
   * turns the rest of the wait into a stall of the loop; a gate left by a thread that died is freed when it exits.
   */
  asyncTimeoutMs?: number;
  /**
   * Runs after a write that held the gate has released it (not after one that threw): the worker flushes the WAL
   * here, so its disk flush no longer keeps the core from writing (see src-main/worker/sql-worker.ts).
   */
  afterWrite?: () => void;
}

export function createWriteGate(role: WriteGateRole, buffer: SharedArrayBuffer, options: WriteGateOptions = {}): WriteGate {
  const cells = new Int32Array(buffer);
  const me = CODE[role];
  const timeoutMs = options.timeoutMs ?? 2_000;
  const asyncTimeoutMs = options.asyncTimeoutMs ?? 30_000;
  const stats = { waits: 0, longestWaitMs: 0, timeouts: 0, asyncWaits: 0, longestAsyncWaitMs: 0 };
  /** Starts queued in whenFree, and the tail of their queue. */
  let queued = 0;
  let queueTail: Promise<void> = Promise.resolve();
  const other: WriteGateRole = role === 'core' ? 'worker' : 'core';
  let depth = 0;
  /** Whether this thread holds the gate (false after a timeout: it writes without it). */
  let holding = false;

  function acquire(): boolean {
    const started = performance.now();
    let waited = false;
    for (;;) {
      const remaining = timeoutMs - (performance.now() - started);
      // The core goes first: the worker does not take the gate while the core is waiting for it.
      if (role === 'worker' && Atomics.load(cells, CORE_WAITING) === 1) {
        waited = true;
        if (remaining <= 0) break;
        Atomics.wait(cells, CORE_WAITING, 1, Math.min(remaining, 50));
        continue;
      }
      const holder = Atomics.compareExchange(cells, HOLDER, FREE, me);
      if (holder === FREE) {
        if (role === 'core') Atomics.store(cells, CORE_WAITING, 0);
        if (waited) note(started);
        return true;
      }
      if (holder === me) throw new Error('write gate: already held by this thread');
      waited = true;
      if (remaining <= 0) break;
      if (role === 'core') Atomics.store(cells, CORE_WAITING, 1);
      Atomics.wait(cells, HOLDER, holder, Math.min(remaining, 50));
    }
    if (role === 'core') Atomics.store(cells, CORE_WAITING, 0);
    note(started);
    stats.timeouts++;
    return false;
  }

  function note(started: number) {
    const ms = performance.now() - started;
    stats.waits++;
    if (ms > stats.longestWaitMs) stats.longestWaitMs = Number(ms.toFixed(3));
  }

  async function untilFree(): Promise<void> {
    const started = performance.now();
    let waited = false;
    for (;;) {
      const holder = Atomics.load(cells, HOLDER);
      const remaining = asyncTimeoutMs - (performance.now() - started);
      if (holder === FREE || holder === me || remaining <= 0) break;
      waited = true;
      Atomics.store(cells, CORE_WAITING, 1);
      const result = waitAsync(cells, HOLDER, holder, Math.min(remaining, 50));
      if (result.async) await result.value;
    }
    if (!waited) return;
    const ms = performance.now() - started;
    stats.asyncWaits++;
    if (ms > stats.longestAsyncWaitMs) stats.longestAsyncWaitMs = Number(ms.toFixed(3));
  }

  /**
   * Once no start is queued and their first turns have run: a start that wrote cleared the flag (its write took
   * the gate); one that did not must not leave the worker stepping aside for a core that no longer waits.
   */
  function stopWaitingIfIdle() {
    if (queued === 0 && Atomics.load(cells, HOLDER) !== me && Atomics.load(cells, CORE_WAITING) === 1) {
      Atomics.store(cells, CORE_WAITING, 0);
      Atomics.notify(cells, CORE_WAITING);
    }
  }

  /**
   * A start that found the gate free goes on at once, but its write may come only after its reads (a scan looks up
   * the product and replays the cart first): the worker steps aside until this turn of the loop is over, so it
   * does not take the gate in between and make that write wait on the thread.
   */
  let reserved = false;
  function reserve() {
    Atomics.store(cells, CORE_WAITING, 1);
    if (reserved) return;
    reserved = true;
    setImmediate(() => {
      reserved = false;
      stopWaitingIfIdle();
    });
  }

  function release() {
    Atomics.compareExchange(cells, HOLDER, me, FREE);
    Atomics.notify(cells, HOLDER);
    // A worker waiting for the core to stop waiting (the core took the gate and cleared the flag).
    Atomics.notify(cells, CORE_WAITING);
  }

  return {
    buffer,
    hold(fn) {
      if (depth > 0) {
        depth++;
        try {
          return fn();
        } finally {
          depth--;
        }
      }
      holding = acquire();
      depth = 1;
      const heldSince = performance.now();
      let result: ReturnType<typeof fn>;
      try {
        result = fn();
      } finally {
        depth = 0;
        const heldUs = Math.min(0x7fffffff, Math.round((performance.now() - heldSince) * 1000));
        if (heldUs > Atomics.load(cells, LONGEST_HOLD[role])) Atomics.store(cells, LONGEST_HOLD[role], heldUs);
        if (holding) release();
        holding = false;
      }
      options.afterWrite?.();
      return result;
    },
    whenFree() {
      if (role !== 'core') throw new Error('write gate: only the core waits without blocking');
      const holder = Atomics.load(cells, HOLDER);
      if (queued === 0 && (depth > 0 || holder === FREE || holder === me)) {
        if (depth === 0 && holder === FREE) reserve();
        return null;
      }
      queued++;
      const turn = queueTail.then(untilFree).finally(() => {
        queued--;
        if (queued === 0) setImmediate(stopWaitingIfIdle);
      });
      queueTail = turn;
      return turn;
    },
    stats: () => ({ ...stats, otherLongestHoldMs: Atomics.load(cells, LONGEST_HOLD[other]) / 1000 }),
    resetStats() {
      Object.assign(stats, { waits: 0, longestWaitMs: 0, timeouts: 0, asyncWaits: 0, longestAsyncWaitMs: 0 });
      Atomics.store(cells, LONGEST_HOLD[other], 0);
    },
  };
}

/** Frees a gate held by `heldBy`, whose thread ended while holding it (the worker client calls it on exit). */
export function freeWriteGate(buffer: SharedArrayBuffer, heldBy: WriteGateRole): void {
  const cells = new Int32Array(buffer);
  if (Atomics.compareExchange(cells, HOLDER, CODE[heldBy], FREE) === CODE[heldBy]) Atomics.notify(cells, HOLDER);
}

type TransactionVariants = 'default' | 'deferred' | 'immediate' | 'exclusive';

/**
 * Makes every write of `db` take the gate first: each transaction (whatever its variant), and a statement that
 * writes when it runs outside a transaction. Reads never take it (WAL readers never wait for a writer).
 */
export function gateWrites(db: Database, gate: WriteGate): Database {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: never[]) => unknown) => {
    const made = transaction(fn) as unknown as Record<TransactionVariants, (...args: never[]) => unknown> & ((...args: never[]) => unknown);
    const gated = (variant: (...args: never[]) => unknown) => (...args: never[]) => gate.hold(() => variant(...args));
    return Object.assign(gated(made), {
      default: gated(made.default),
      deferred: gated(made.deferred),
      immediate: gated(made.immediate),
      exclusive: gated(made.exclusive),
    });
  }) as Database['transaction'];

  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    const statement = prepare(source) as Statement<unknown[]>;
    // VACUUM INTO writes another file: a backup reads this one for seconds and must not hold the gate.
    if (statement.readonly || /^\s*VACUUM\b[^;]*\bINTO\b/i.test(source)) return statement;
    for (const method of ['run', 'get', 'all'] as const) {
      const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
      Object.defineProperty(statement, method, {
        value: (...args: unknown[]) => (db.inTransaction ? original(...args) : gate.hold(() => original(...args))),
        configurable: true,
        writable: true,
      });
    }
    return statement;
  }) as Database['prepare'];

  const exec = db.exec.bind(db);
  db.exec = ((source: string) => {
    // A BEGIN outside db.transaction() would hold SQLite's lock past this call: not gated (no one does that).
    if (db.inTransaction || /^\s*BEGIN\b/i.test(source)) return exec(source);
    return gate.hold(() => exec(source));
  }) as Database['exec'];
  return db;
}
