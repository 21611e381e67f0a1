/**
 * The SQL worker (src-main/worker/): every heavy call runs there, reports progress as events and can be
 * cancelled, while the core keeps answering calls; a worker that dies is replaced and the UI is told.
 * The whole terminal in this process on a real SQLite file; the worker is the built out/main/sql-worker.js.
 */
import { existsSync, readlinkSync } from 'node:fs';
import { getPriority } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName } from '../../src-common/contract';
import type { MaintenanceProgress, MaintenanceWorkerState } from '../../src-common/calls/admin';
import type { Session } from '../../src-common/roles';
import { listActiveProductsForSearch } from '../../db/queries/catalog';
import { barcodeKey, toProduct } from '../../src-main/services/catalog';
import { buildCatalogSearchIndex } from '../../src-main/services/catalog-search';
import { startTestPos, type TestPos } from '../helpers/pos';
import { niceOf as niceOfThread, policyOf as policyOfThread, threadIds } from '../helpers/threads';
import { PROGRESS_EVERY_MS } from '../../src-main/worker/protocol';
import { IMPORT_BATCH_ROWS } from '../../src-main/worker/operations';

const IMPORT_ROWS = 20_000;
const importCsv = (prefix: string, rows = IMPORT_ROWS) =>
  `sku,name,price,tax_rate\n${Array.from({ length: rows }, (_, i) => `${prefix}${String(i).padStart(6, '0')},导入商品${prefix}${i},${(i % 900) + 1}.50,13%`).join('\n')}\n`;

describe('SQL worker (in process, real SQLite file, built worker)', () => {
  let t: TestPos;
  let technician: Session;
  let owner: Session;
  let cashier: Session;
  const seen: { name: EventName; payload: unknown }[] = [];
  const progressOf = (operation: string) =>
    seen.filter((e) => e.name === 'maintenance.progress' && (e.payload as MaintenanceProgress).operation === operation).map((e) => e.payload as MaintenanceProgress);
  const workerStates = () => seen.filter((e) => e.name === 'maintenance.worker').map((e) => (e.payload as MaintenanceWorkerState).state);

  /** Runs `call` while a cashier's screen keeps asking for the terminal's status (a cheap call) every ms. */
  async function whileServing<T>(call: Promise<T>): Promise<{ value: T; answered: number; slowestMs: number }> {
    let finished = false;
    const settled = call.finally(() => (finished = true));
    let answered = 0;
    let slowestMs = 0;
    while (!finished) {
      const started = performance.now();
      const status = await t.call(cashier, 'terminal.status', {});
      expect(status.ok).toBe(true);
      slowestMs = Math.max(slowestMs, performance.now() - started);
      answered += 1;
      await sleep(1);
    }
    return { value: await settled, answered, slowestMs };
  }

  beforeAll(async () => {
    t = await startTestPos({}, undefined, { sqlWorkerTestOperations: true });
    technician = await t.signedIn('technician');
    owner = await t.signedIn('owner');
    cashier = await t.signedIn('cashier');
    t.pos.events.subscribe((name, payload) => seen.push({ name, payload }));
    // Bulk for the checks and the backup to chew on (~60 MB with an index): a few hundred ms of work each.
    const db = new Sqlite(`${t.dataDir}/pos.sqlite`);
    db.pragma('busy_timeout = 5000');
    db.exec(`CREATE TABLE bulk (id INTEGER PRIMARY KEY, label TEXT, body BLOB);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
      INSERT INTO bulk SELECT i, hex(randomblob(16)), randomblob(200) FROM n;
      CREATE INDEX bulk_label ON bulk(label);`);
    db.close();
  }, 120_000);
  afterAll(() => t?.close());

  it.runIf(process.platform === 'linux')('runs its threads below the core’s priority: the maintenance and search workers at nice 10, in the SCHED_IDLE class', async () => {
    // Both are threads of this process once the first heavy call has run (the checks below need them anyway).
    await t.ok(technician, 'diagnostics.database', { full: false });
    await t.ok(cashier, 'catalog.search', { query: '导入', limit: 1 });
    const niceOf = (tid: string) => niceOfThread('self', tid);
    const policyOf = (tid: string) => policyOfThread('self', tid);
    const lowered = threadIds('self').filter((tid) => niceOf(tid) === 10);
    const own = getPriority(0);
    expect(lowered).toHaveLength(2);
    // The class is set by util-linux's chrt, started by each worker: a moment after the worker starts.
    await expect.poll(() => lowered.map(policyOf), { timeout: 5_000 }).toEqual([5, 5]);
    // The core (this test's thread, where startTestPos runs the terminal) keeps its own, in the normal class.
    const core = readlinkSync('/proc/thread-self').split('/').pop()!;
    expect(niceOf(core)).toBe(own);
    expect(policyOf(core)).toBe(0);
    expect(own).toBeLessThan(5);
  });

  it('runs integrity_check and quick_check in the worker: progress events, the core answering meanwhile', async () => {
    const full = await whileServing(t.ok(technician, 'diagnostics.database', { full: true }));
    expect(full.value).toMatchObject({ check: 'full', ok: true, problems: [] });
    // On the core's loop the check would answer no call until it ended.
    expect(full.answered).toBeGreaterThanOrEqual(3);
    expect(full.slowestMs).toBeLessThan(1000);
    const events = progressOf('database.full_check');
    expect(events[0]).toMatchObject({ state: 'running' });
    expect(events.at(-1)).toMatchObject({ state: 'done' });

    const quick = await whileServing(t.ok(technician, 'diagnostics.database', {}));
    expect(quick.value).toMatchObject({ check: 'quick', ok: true });
    expect(progressOf('database.fast_check').at(-1)).toMatchObject({ state: 'done' });
  });

  it('makes a backup in the worker, a complete database file, while the core answers', async () => {
    const backup = await whileServing(t.ok(technician, 'diagnostics.backup', {}));
    expect(backup.answered).toBeGreaterThanOrEqual(3);
    expect(backup.slowestMs).toBeLessThan(1000);
    const copy = new Sqlite(backup.value.path, { readonly: true });
    expect(copy.prepare('SELECT count(*) FROM bulk').pluck().get()).toBe(200_000);
    copy.close();
    expect(existsSync(`${backup.value.path}.partial`)).toBe(false);
    expect(progressOf('backup').at(-1)).toMatchObject({ state: 'done' });

    const staged = await whileServing(t.ok(technician, 'diagnostics.restore', { name: backup.value.name }));
    expect(staged.value).toMatchObject({ staged: true, restartNeeded: true });
    expect(staged.answered).toBeGreaterThanOrEqual(3);
    expect(progressOf('restore').at(-1)).toMatchObject({ state: 'done' });
    expect((await t.ok(technician, 'diagnostics.backups', {})).pendingRestore).toBe(true);
  });

  it('imports a 20,000-row catalog in batches with progress, answers meanwhile, and the cashier then finds the products', async () => {
    const started = performance.now();
    const imported = await whileServing(t.ok(owner, 'catalog.importCsv', { csv: importCsv('IMP') }));
    const elapsedMs = performance.now() - started;
    expect(imported.value).toMatchObject({ inserted: IMPORT_ROWS, updated: 0, skipped: [] });
    expect(imported.answered).toBeGreaterThanOrEqual(3);
    expect(imported.slowestMs).toBeLessThan(1000);
    const events = progressOf('catalog.import');
    expect(events.some((e) => e.phase === 'writing' && e.total === IMPORT_ROWS && e.done > 0 && e.done < IMPORT_ROWS)).toBe(true);
    expect(events.at(-1)).toMatchObject({ state: 'done', done: IMPORT_ROWS, total: IMPORT_ROWS });
    // Not one message a batch (40 batches of 500 rows): each wakes the core's thread (src-main/worker/sql-worker.ts).
    const writing = events.filter((e) => e.phase === 'writing' && e.state === 'running');
    expect(writing.length).toBeLessThanOrEqual(Math.ceil(elapsedMs / PROGRESS_EVERY_MS) + 2);
    expect(writing.length).toBeLessThan(IMPORT_ROWS / IMPORT_BATCH_ROWS);
    // The core's search index follows the import.
    expect((await t.ok(cashier, 'catalog.search', { query: 'IMP019999' })).map((p) => p.sku)).toEqual(['IMP019999']);

    // Written to a file by the worker and read in pages, never one message of the whole catalog.
    const exported = await t.ok(owner, 'catalog.exportCsv', {});
    expect(exported.name).toMatch(/^catalog-\d{8}-\w+\.csv$/);
    expect(exported.rows).toBeGreaterThanOrEqual(IMPORT_ROWS);
    let text = '';
    for (let offset = 0, done = false; !done; ) {
      const page = await t.ok(owner, 'export.read', { name: exported.name, offset });
      text += Buffer.from(page.data, 'base64').toString('utf8');
      offset += page.bytes;
      done = page.done;
    }
    expect(Buffer.byteLength(text)).toBe(exported.bytes);
    // The header, a line per product, and the CRLF the last line ends with.
    expect(text.split('\r\n')).toHaveLength(exported.rows + 2);
    expect(text.split('\r\n').filter((l) => l.startsWith('IMP0'))).toHaveLength(IMPORT_ROWS);
    expect(text).toContain('IMP019999');
    expect(progressOf('catalog.export').at(-1)).toMatchObject({ state: 'done' });
  });

  it('keeps the search index in the search worker, which answers as an index built on the core would', async () => {
    const db = new Sqlite(`${t.dataDir}/pos.sqlite`, { readonly: true });
    const here = buildCatalogSearchIndex(
      listActiveProductsForSearch(db).map((r) => ({ product: toProduct(r), pinyinInitials: r.pinyin_initials })),
      { barcodeKey },
    );
    db.close();
    expect(here.size).toBeGreaterThan(IMPORT_ROWS);
    for (const query of ['kkkl', '可乐', 'IMP01', 'imp019999', '导入商品IMP1234', 'x', '6901939621608']) {
      const found = await t.ok(cashier, 'catalog.search', { query, limit: 50 });
      expect(found.map((p) => p.id)).toEqual(here.search(query, 50).map((p) => p.id));
    }
  });

  it('writes a CSV export, reads logs and makes a support bundle in the worker, each with progress events', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const made = await t.ok(owner, 'export.create', { kind: 'sales', from: today, to: today });
    expect(made.name).toMatch(/^sales-/);
    expect(progressOf('export').at(-1)).toMatchObject({ state: 'done' });

    t.pos.log.warn('a line the log viewer must find');
    await sleep(300); // pino writes asynchronously
    const logs = await t.ok(technician, 'diagnostics.logs', { text: 'log viewer must find' });
    expect(logs.entries.map((e) => e.msg)).toContain('a line the log viewer must find');
    expect(progressOf('logs').at(-1)).toMatchObject({ state: 'done' });

    const bundle = await t.ok(technician, 'diagnostics.supportBundle', {});
    expect(bundle.files).toEqual(expect.arrayContaining(['database.json', 'terminal.json', 'config.json']));
    expect(progressOf('support_bundle').some((e) => e.phase === 'archive')).toBe(true);
    expect(progressOf('support_bundle').at(-1)).toMatchObject({ state: 'done' });
  });

  it('cancels an operation between its steps: the call fails as cancelled, the worker stays', async () => {
    const restartsBefore = (await t.ok(technician, 'maintenance.status', {})).worker.restarts;
    const running = t.pos.maintenance.run('test.sleep', { steps: 200, ms: 20 }, { label: 'test' });
    const outcome = running.then(
      () => 'finished',
      (e: { code?: string; details?: { reason?: string } }) => `${e.code}:${e.details?.reason}`,
    );
    await expect.poll(() => progressOf('test').find((e) => e.phase === 'sleeping'), { timeout: 5000 }).toBeDefined();
    const { operationId } = progressOf('test').find((e) => e.phase === 'sleeping')!;
    expect(await t.call(cashier, 'maintenance.cancel', { operationId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await t.ok(technician, 'maintenance.cancel', { operationId })).toEqual({ cancelling: true });
    expect(await outcome).toBe('conflict:operation_cancelled');
    expect(progressOf('test').at(-1)).toMatchObject({ operationId, state: 'cancelled' });
    expect((await t.ok(technician, 'maintenance.status', {})).worker).toMatchObject({ state: 'running', restarts: restartsBefore });
    expect(await t.ok(technician, 'maintenance.cancel', { operationId })).toEqual({ cancelling: false });
  });

  it('cancels a catalog import between batches: whole batches kept, the rest not written', async () => {
    const from = seen.length;
    const ours = () => progressOf('catalog.import').filter((e) => seen.findIndex((s) => s.payload === e) >= from);
    const running = t.ok(owner, 'catalog.importCsv', { csv: importCsv('CXL') });
    const outcome = running.then(
      () => 'finished',
      (e: Error) => e.message,
    );
    await expect.poll(() => ours().find((e) => e.state === 'running' && e.phase === 'writing' && e.done > 0), { timeout: 10_000 }).toBeDefined();
    const { operationId } = ours().find((e) => e.state === 'running' && e.phase === 'writing' && e.done > 0)!;
    await t.ok(technician, 'maintenance.cancel', { operationId });
    expect(await outcome).toContain('operation_cancelled');
    const written = t.query<{ n: number }>("SELECT count(*) AS n FROM product WHERE sku LIKE 'CXL%'")[0]!.n;
    expect(written).toBeLessThan(IMPORT_ROWS);
    // Whole transactions only: what was written is exactly the first rows of the file, none after a gap.
    const last = t.query<{ sku: string | null }>("SELECT max(sku) AS sku FROM product WHERE sku LIKE 'CXL%'")[0]!.sku;
    expect(last).toBe(`CXL${String(written - 1).padStart(6, '0')}`);
  });

  it('cancels one long statement by ending the worker thread: a new one starts and the UI is told', async () => {
    const before = (await t.ok(technician, 'maintenance.status', {})).worker.restarts;
    const statesBefore = workerStates().length;
    const running = t.pos.maintenance.run('test.block', { ms: 4000 }, { label: 'test' });
    const outcome = running.then(
      () => 'finished',
      (e: { code?: string; details?: { reason?: string } }) => `${e.code}:${e.details?.reason}`,
    );
    await expect.poll(() => progressOf('test').find((e) => e.phase === 'blocking'), { timeout: 5000 }).toBeDefined();
    const { operationId } = progressOf('test').find((e) => e.phase === 'blocking')!;
    const asked = performance.now();
    await t.ok(technician, 'maintenance.cancel', { operationId });
    expect(await outcome).toBe('conflict:operation_cancelled');
    expect(performance.now() - asked).toBeLessThan(3500);
    await expect.poll(() => workerStates().slice(statesBefore), { timeout: 10_000 }).toEqual(['restarting', 'running']);
    expect((await t.ok(technician, 'maintenance.status', {})).worker).toMatchObject({ state: 'running', restarts: before + 1 });
    expect((await t.ok(technician, 'diagnostics.database', {})).ok).toBe(true);
  });

  it('replaces a worker that dies: the waiting call fails as unavailable, the UI is told, the next call works', async () => {
    const before = (await t.ok(technician, 'maintenance.status', {})).worker.restarts;
    const statesBefore = workerStates().length;
    await expect(t.pos.maintenance.run('test.exit', {})).rejects.toMatchObject({ code: 'unavailable', details: { reason: 'worker_crashed' } });
    await expect.poll(() => workerStates().slice(statesBefore), { timeout: 10_000 }).toEqual(['restarting', 'running']);
    const status = await t.ok(technician, 'maintenance.status', {});
    expect(status.worker).toMatchObject({ state: 'running', restarts: before + 1, lastExit: 70 });
    expect((await t.ok(technician, 'diagnostics.database', {})).ok).toBe(true);
  });

  it('answers a call made while the next thread is starting (it waits for that thread, it is not dropped)', async () => {
    const statesBefore = workerStates().length;
    await expect(t.pos.maintenance.run('test.exit', {})).rejects.toMatchObject({ code: 'unavailable' });
    // The dead thread is gone and the next one is not running yet: the call waits for it.
    expect(workerStates().slice(statesBefore)).toEqual(['restarting']);
    const health = await t.call(technician, 'diagnostics.database', {});
    expect(health).toMatchObject({ ok: true, value: { ok: true } });
    expect(workerStates().slice(statesBefore)).toEqual(['restarting', 'running']);
  });
});
