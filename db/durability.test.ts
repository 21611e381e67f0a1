import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './open';
import { openDurabilityBarrier } from './durability';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function freshDb() {
  const dir = mkdtempSync(join(tmpdir(), 'durability-'));
  dirs.push(dir);
  const db = openDatabase(join(dir, 'pos.sqlite'), { asyncDurability: true });
  db.exec('CREATE TABLE t (v INTEGER)');
  return db;
}

/** A flush the test finishes by hand, recording what was committed when each one started. */
function manualFlushes(db: ReturnType<typeof freshDb>) {
  const started: { rowsAtStart: number; finish: () => void }[] = [];
  const datasync = (_: FileHandle) =>
    new Promise<void>((finish) => started.push({ rowsAtStart: (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, finish }));
  return { started, datasync };
}

describe('the durability barrier', () => {
  it('commits without a flush on the committing thread (synchronous=NORMAL on a connection opened for it)', () => {
    const db = freshDb();
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('resolves only after a flush that started after the last commit, and asks for none when nothing changed', async () => {
    const db = freshDb();
    const flushes = manualFlushes(db);
    const barrier = await openDurabilityBarrier(db, { onError: (e) => { throw e; }, datasync: flushes.datasync });
    await barrier.durable(); // nothing committed since it opened
    expect(flushes.started).toHaveLength(0);

    db.prepare('INSERT INTO t VALUES (1)').run();
    let firstDone = false;
    const first = barrier.durable().then(() => (firstDone = true));
    await Promise.resolve();
    expect(flushes.started).toHaveLength(1);
    expect(flushes.started[0]!.rowsAtStart).toBe(1);

    // Committed while the first flush is under way: that flush does not cover it.
    db.prepare('INSERT INTO t VALUES (2)').run();
    let secondDone = false;
    const second = barrier.durable().then(() => (secondDone = true));
    flushes.started[0]!.finish();
    await first;
    expect(firstDone).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(secondDone).toBe(false);
    expect(flushes.started).toHaveLength(2);
    expect(flushes.started[1]!.rowsAtStart).toBe(2);
    flushes.started[1]!.finish();
    await second;
    expect(barrier.flushes).toBe(2);
    await barrier.close();
    db.close();
  });

  it('lets concurrent callers share one flush (group commit)', async () => {
    const db = freshDb();
    const flushes = manualFlushes(db);
    const barrier = await openDurabilityBarrier(db, { onError: (e) => { throw e; }, datasync: flushes.datasync });
    db.prepare('INSERT INTO t VALUES (1)').run();
    const waits = Array.from({ length: 20 }, () => barrier.durable());
    await Promise.resolve();
    expect(flushes.started).toHaveLength(1);
    flushes.started[0]!.finish();
    await Promise.all(waits);
    expect(barrier.flushes).toBe(1);
    await barrier.close();
    db.close();
  });

  it('reports a failed flush and does not hang its callers', async () => {
    const db = freshDb();
    const errors: unknown[] = [];
    const barrier = await openDurabilityBarrier(db, { onError: (e) => errors.push(e), datasync: () => Promise.reject(new Error('EIO')) });
    db.prepare('INSERT INTO t VALUES (1)').run();
    await barrier.durable();
    expect(errors.map(String)).toEqual(['Error: EIO']);
    db.close();
  });

  it('flushes the real WAL: what was committed is read back by a new connection after the barrier', async () => {
    const db = freshDb();
    const barrier = await openDurabilityBarrier(db, { onError: (e) => { throw e; } });
    db.prepare('INSERT INTO t VALUES (42)').run();
    await barrier.durable();
    expect(barrier.flushes).toBe(1);
    const other = openDatabase(db.name);
    expect(other.prepare('SELECT v FROM t').pluck().all()).toEqual([42]);
    other.close();
    await barrier.close();
    db.close();
  });
});
