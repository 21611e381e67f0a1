import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createWriteBuffer, createWriteGate, freeWriteGate, gateWrites } from './write-gate';

/**
 * The other side of the gate, in a real second thread: it takes the gate as the worker does (cell 0 = holder,
 * 2 = the worker; cell 1 = the core is waiting), holds it until the core waits and `holdMs` more, then frees it and says when.
 */
const OTHER_SIDE = `
const { workerData, parentPort } = require('node:worker_threads');
const cells = new Int32Array(workerData.buffer);
if (Atomics.compareExchange(cells, 0, 0, 2) !== 0) throw new Error('gate not free');
parentPort.postMessage({ held: true });
// Until the core waits (cell 1), at most 10 s: on a loaded machine the core may come late, and must still find it held.
for (const until = Date.now() + 10000; Atomics.load(cells, 1) !== 1 && Date.now() < until; ) Atomics.wait(cells, 1, 0, 5);
setTimeout(() => {
  // Read before freeing the gate: once freed, the core takes it and clears cell 1 (maybe before this thread runs on).
  const sawCoreWaiting = Atomics.load(cells, 1);
  const releasedAt = performance.timeOrigin + performance.now();
  Atomics.store(cells, 0, 0);
  Atomics.notify(cells, 0);
  parentPort.postMessage({ releasedAt, sawCoreWaiting });
}, workerData.holdMs);
`;

function holdFromOtherThread(buffer: SharedArrayBuffer, holdMs: number) {
  const worker = new Worker(OTHER_SIDE, { eval: true, workerData: { buffer, holdMs } });
  const held = new Promise<void>((resolve) => worker.once('message', () => resolve()));
  const released = new Promise<{ releasedAt: number; sawCoreWaiting: number }>((resolve) => worker.on('message', (m: { releasedAt?: number; sawCoreWaiting: number }) => m.releasedAt && resolve(m as { releasedAt: number; sawCoreWaiting: number })));
  return { held, released, stop: () => worker.terminate() };
}

const now = () => performance.timeOrigin + performance.now();

describe('the write gate', () => {
  it("makes the core's write wait for the worker's and go the moment it ends", async () => {
    const buffer = createWriteBuffer();
    const core = createWriteGate('core', buffer);
    const other = holdFromOtherThread(buffer, 150);
    await other.held;
    let ranAt = 0;
    // Blocks this thread in Atomics.wait until the other thread frees the gate.
    core.hold(() => (ranAt = now()));
    const { releasedAt, sawCoreWaiting } = await other.released;
    await other.stop();
    expect(ranAt).toBeGreaterThanOrEqual(releasedAt);
    // The worker saw the core waiting (it steps aside for it), and the wait is counted.
    expect(sawCoreWaiting).toBe(1);
    expect(core.stats()).toMatchObject({ waits: 1, timeouts: 0 });
    expect(core.stats().longestWaitMs).toBeGreaterThan(50);
    expect(new Int32Array(buffer)[0]).toBe(0);
  });

  it("lets the core await the worker's write with its thread free, in the order asked, then write at once", async () => {
    const buffer = createWriteBuffer();
    const core = createWriteGate('core', buffer);
    expect(core.whenFree()).toBeNull();
    const other = holdFromOtherThread(buffer, 150);
    await other.held;
    // The thread keeps serving while the worker holds the gate: a timer fires during the wait.
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const order: string[] = [];
    const first = core.whenFree()!;
    expect(first).toBeInstanceOf(Promise);
    const second = core.whenFree()!;
    const both = Promise.all([first.then(() => core.hold(() => order.push('first'))), second.then(() => core.hold(() => order.push('second')))]);
    await both;
    clearInterval(ticker);
    const { releasedAt, sawCoreWaiting } = await other.released;
    await other.stop();
    expect(ticks).toBeGreaterThan(5);
    expect(order).toEqual(['first', 'second']);
    expect(sawCoreWaiting).toBe(1);
    expect(now()).toBeGreaterThanOrEqual(releasedAt);
    // No blocking wait was needed; the awaited ones are counted apart.
    expect(core.stats()).toMatchObject({ waits: 0, timeouts: 0, asyncWaits: 1 });
    expect(core.stats().longestAsyncWaitMs).toBeGreaterThan(50);
    expect(core.whenFree()).toBeNull();
  });

  it('keeps the worker out from a start that found the gate free until the end of that turn', async () => {
    const buffer = createWriteBuffer();
    const cells = new Int32Array(buffer);
    const core = createWriteGate('core', buffer);
    // The start goes on at once; until its write (after its reads) the worker does not take the gate.
    expect(core.whenFree()).toBeNull();
    expect(cells[1]).toBe(1);
    // Its write takes the gate and ends the reservation; a start that never writes ends it at the end of the turn.
    core.hold(() => expect(cells[1]).toBe(0));
    expect(core.whenFree()).toBeNull();
    expect(cells[1]).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(cells[1]).toBe(0);
    expect(core.stats()).toMatchObject({ waits: 0, asyncWaits: 0 });
  });

  it('lets the worker in again when the start that awaited the gate did not write', async () => {
    const buffer = createWriteBuffer();
    const cells = new Int32Array(buffer);
    const core = createWriteGate('core', buffer);
    const other = holdFromOtherThread(buffer, 60);
    await other.held;
    await core.whenFree();
    expect(cells[1]).toBe(1);
    await other.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(cells[1]).toBe(0);
  });

  it('lets the worker in again when none of several queued starts wrote', async () => {
    const buffer = createWriteBuffer();
    const cells = new Int32Array(buffer);
    const core = createWriteGate('core', buffer);
    const other = holdFromOtherThread(buffer, 60);
    await other.held;
    // The second start, queued behind the first, finds the gate already free when its turn comes.
    await Promise.all([core.whenFree(), core.whenFree()]);
    await other.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(cells[1]).toBe(0);
  });

  it('gives up on a gate nobody frees after its timeout and lets the write go on to SQLite', () => {
    const buffer = createWriteBuffer();
    // A worker thread that died holding the gate.
    new Int32Array(buffer)[0] = 2;
    const core = createWriteGate('core', buffer, { timeoutMs: 60 });
    expect(core.hold(() => 'written')).toBe('written');
    expect(core.stats()).toMatchObject({ waits: 1, timeouts: 1 });
    // Freed for the dead thread (what the worker client does when the thread exits): no more waiting.
    freeWriteGate(buffer, 'worker');
    core.resetStats();
    expect(core.hold(() => 'again')).toBe('again');
    expect(core.stats()).toMatchObject({ waits: 0, timeouts: 0 });
  });

  it('keeps the worker out while the core is waiting for the gate', () => {
    const buffer = createWriteBuffer();
    const cells = new Int32Array(buffer);
    cells[1] = 1; // the core is waiting
    const worker = createWriteGate('worker', buffer, { timeoutMs: 40 });
    let heldWhileCoreWaited = -1;
    worker.hold(() => (heldWhileCoreWaited = cells[0]!));
    // It waited its whole timeout for the core, then went on to SQLite's lock without the gate.
    expect(worker.stats()).toMatchObject({ waits: 1, timeouts: 1 });
    expect(heldWhileCoreWaited).toBe(0);
  });

  it('runs afterWrite once the outermost hold has released the gate, and not after a write that threw', () => {
    const buffer = createWriteBuffer();
    const cells = new Int32Array(buffer);
    const holderAfterWrite: number[] = [];
    const worker = createWriteGate('worker', buffer, { afterWrite: () => holderAfterWrite.push(cells[0]!) });
    worker.hold(() => worker.hold(() => 'nested'));
    // Once, for the outer hold, with the gate already free (the flush it stands for no longer holds the core up).
    expect(holderAfterWrite).toEqual([0]);
    expect(() => worker.hold(() => { throw new Error('rolled back'); })).toThrow('rolled back');
    expect(holderAfterWrite).toEqual([0]);
  });

  it("keeps the core's start waiting with the loop free past the thread's timeout, and lets it go once the gate is free", async () => {
    const buffer = createWriteBuffer();
    const core = createWriteGate('core', buffer, { timeoutMs: 30, asyncTimeoutMs: 5_000 });
    const other = holdFromOtherThread(buffer, 200);
    await other.held;
    const started = now();
    await core.whenFree();
    const { releasedAt } = await other.released;
    await other.stop();
    expect(now()).toBeGreaterThanOrEqual(releasedAt);
    expect(now() - started).toBeGreaterThan(100);
    // The write after it waits on the thread for nothing.
    core.hold(() => undefined);
    expect(core.stats()).toMatchObject({ waits: 0, timeouts: 0, asyncWaits: 1 });
  });

  it('is reentrant on one thread and free again afterwards, also after a throw', () => {
    const buffer = createWriteBuffer();
    const core = createWriteGate('core', buffer);
    const cells = new Int32Array(buffer);
    expect(core.hold(() => core.hold(() => cells[0]))).toBe(1);
    expect(cells[0]).toBe(0);
    expect(() => core.hold(() => { throw new Error('boom'); })).toThrow('boom');
    expect(cells[0]).toBe(0);
  });
});

describe('gateWrites', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function gated(timeoutMs = 50) {
    dir = mkdtempSync(join(tmpdir(), 'write-gate-'));
    const db = new Sqlite(join(dir, 'pos.sqlite'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (x INTEGER)');
    const buffer = createWriteBuffer();
    const cells = new Int32Array(buffer);
    const gate = createWriteGate('core', buffer, { timeoutMs });
    gateWrites(db, gate);
    return { db, cells, gate };
  }

  it('takes the gate for a transaction and for a write outside one, never for a read or a VACUUM INTO', () => {
    const { db, cells, gate } = gated();
    const seen: Record<string, number> = {};
    const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
    const count = db.prepare('SELECT count(*) AS n FROM t');
    // The gate's holder cell read from inside SQLite while each statement runs (a function the statement calls).
    db.function('holder', () => cells[0]!);
    seen.insert = (db.prepare('INSERT INTO t (x) VALUES (holder()) RETURNING x').get() as { x: number }).x;
    seen.read = (db.prepare('SELECT holder() AS h').get() as { h: number }).h;
    db.transaction(() => {
      insert.run(5);
      seen.inTransaction = (db.prepare('SELECT holder() AS h').get() as { h: number }).h;
    })();
    seen.after = cells[0]!;
    expect(seen).toEqual({ insert: 1, read: 0, inTransaction: 1, after: 0 });
    expect((count.get() as { n: number }).n).toBe(2);
    // With the gate held by the other side, a read and a backup go at once; a write waits (here: its timeout).
    cells[0] = 2;
    count.get();
    db.prepare('VACUUM INTO ?').run(join(dir, 'copy.sqlite'));
    expect(gate.stats()).toMatchObject({ waits: 0 });
    insert.run(6);
    expect(gate.stats()).toMatchObject({ waits: 1, timeouts: 1 });
    cells[0] = 0;
  });

  it('waits for the other side before a write, with SQLite untouched by the wait', async () => {
    const { db, cells, gate } = gated(2_000);
    const other = holdFromOtherThread(cells.buffer as SharedArrayBuffer, 100);
    await other.held;
    let ranAt = 0;
    db.transaction(() => {
      db.prepare('INSERT INTO t (x) VALUES (1)').run();
      ranAt = now();
    })();
    const { releasedAt } = await other.released;
    await other.stop();
    expect(ranAt).toBeGreaterThanOrEqual(releasedAt);
    expect(gate.stats()).toMatchObject({ waits: 1, timeouts: 0 });
    expect(cells[0]).toBe(0);
  });
});
