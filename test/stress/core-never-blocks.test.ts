/**
 * The core never blocks (issue 12's acceptance test): on a database of 1,000,000 sales, a full integrity check,
 * a backup and a 100,000-row catalog import run while a simulated serial scanner streams scans into the till's
 * sale and a wallet payment waits for the customer's PIN and is polled. The host is a real process (the built
 * out/main/host.js) with the real serialport driver on a socat pty and its embedded sandbox acquirer over HTTP.
 * Asserted: no scan merged or lost (the cart holds exactly what was scanned), the payment paid with no `unknown`
 * on its way, and the core's event loop (its own monitorEventLoopDelay and stall watcher, read through
 * `terminal.eventLoop`) late by at most STALL_P99_LIMIT_MS at the 99th percentile and never by more than
 * STALL_GOAL_MS, less what the host of a virtual machine took (STALL_GOAL_MS says how). It prints the longest stall
 * split into the time the core's thread waited for a CPU and the time the core held its loop itself
 * (`longestStall`, `longestHeldMs`, and of the latter the time the thread ran, `longestHeldOnCpuMs`), and each stall
 * over the goal with the host's steal then. What such stalls were, traced, and what answered each: the core's
 * thread asleep on a message port's lock an idle-class SQL worker held (src-main/thread-priority.ts: the worker's
 * messages thinned); the core waiting for a CPU behind kernel workers converting the backup's gigabyte as it was
 * written back at once (src-main/worker/file-flusher.ts); a CPU of the virtual machine left idle by its host for
 * 71 ms with the core's timer due on it (`perf` on 2026-12-07: no task of the machine runnable there; not the till's).
 *
 * Runs alone (its own vitest project and stage of `npm test`): on a 2-core machine other test files running
 * beside it would take the cores the core's thread needs, and that is not what this test measures.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { cachedSalesDatabase } from '../../bench/sales-fixture';
import { createPtyPair, killAllSocat, openPeer, type Peer, type PtyPair } from '../helpers/pty';
import { BIG_BARCODES, BIG_CASHIER, BIG_TECHNICIAN, bigTerminalDir, ean13 } from '../helpers/big-terminal';
import { openApiSocket, queryTerminalDb, startHostProcess, type ApiSocket, type HostProcess } from '../helpers/host';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { startStealSampler } from '../helpers/steal';

const SALES = Number(process.env.JIEZHANG_STRESS_SALES ?? 1_000_000);
const CATALOG_ROWS = 100_000;
/**
 * The goal is a core never late by more than 20 ms. Everything heavy runs in worker threads, and the core's commits
 * no longer wait for the disk on its thread (synchronous=NORMAL, flushed off the loop by db/durability.ts: with
 * FULL, a money commit's sync waited up to 100–400 ms behind the backup's 1.2 GB being written back). The test
 * asserts the 99th percentile within the goal and no stall near the 0.6–14 s these operations held the loop for
 * when they ran on it (STALL_LIMIT_MS: a 2-core CI machine shared with other work can still keep a ready thread off
 * the CPU for tens of ms); the measured figures are printed.
 *
 * After the back-office merges of 2026-12-05 the p99 had risen to 14–25 ms: the import's batches read the same 500
 * rows ahead again for every batch of a few rows (~100 s of the worker's thread), the longer import let ~3,000 scans
 * into one sale, and each scan replayed the whole sale (quadratic; now src-main/services/cart-states.ts).
 */
const STALL_P99_LIMIT_MS = 20;
const STALL_LIMIT_MS = 300;
/**
 * A stall over 20 ms (monitorEventLoopDelay's), less the time the machine's host did not run this virtual machine's
 * CPUs during it (test/helpers/steal.ts: a till is not a virtual machine; counted in 10 ms ticks, so good to one
 * tick), is a failure. Since the backup's output is written back as it grows (src-main/worker/file-flusher.ts), seven runs in a
 * row on 2026-12-07 had no stall over 20 ms at all (longest 7.6–18.0 ms).
 */
const STALL_GOAL_MS = 20;
const SCANS = 150;
const SCAN_GAP_MS = 60;

let dataDir: string;
let pair: PtyPair;
let peer: Peer;
let host: HostProcess;
let till: ApiSocket;
let tech: ApiSocket;

const unwrap = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};

/** A catalog CSV of `rows` products (the importer's columns), each with an EAN-13 barcode. */
function catalogCsv(rows: number): string {
  const lines = ['sku,barcodes,name,name_en,price,tax_rate,unit,stock,category,active,plu'];
  for (let i = 0; i < rows; i++) lines.push(`IMP${i},${ean13(`68${String(i).padStart(10, '0')}`)},导入商品${i},Imported ${i},${(1 + (i % 500) / 10).toFixed(2)},13%,each,10,导入,1,`);
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  const fixture = await cachedSalesDatabase(SALES, { log: (line) => process.stderr.write(`${line}\n`) });
  dataDir = await bigTerminalDir(fixture.path);
  pair = await createPtyPair();
  const profileDir = process.env.JIEZHANG_PROFILE_DIR;
  host = await startHostProcess({
    dataDir,
    // JIEZHANG_PROFILE_DIR=DIR: the host writes a CPU profile there when it stops (to find what held the loop).
    ...(profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
    config: {
      log: { level: 'warn' },
      demoCatalog: false,
      // A kiosk and a till on one terminal: the kiosk's customer pays while the till's scanner streams.
      kioskMode: true,
      acquirer: { timings: { pollIntervalMs: 1000 } },
      devices: [{ id: 'scanner', role: 'scanner', surface: 'till', transport: { kind: 'serial', path: pair.a, baudRate: 9600 }, suffix: 'CR' }],
    },
  });
  peer = await openPeer(pair.b);
  till = await openApiSocket(host.ready);
  tech = await openApiSocket(host.ready);
  unwrap(await till.call('auth.signIn', BIG_CASHIER));
  unwrap(await tech.call('auth.signIn', BIG_TECHNICIAN));
  for (let i = 0; i < 400 && !unwrap(await tech.call('devices.status', {})).every((d) => d.state === 'idle'); i++) await new Promise((r) => setTimeout(r, 50));
}, 900_000);

/** The host's own log (warnings and errors only, see config below): printed when the test fails, to say why. */
async function printHostLog(): Promise<void> {
  const dir = join(dataDir, 'logs');
  for (const name of (await readdir(dir).catch(() => [] as string[])).sort()) {
    const lines = (await readFile(join(dir, name), 'utf8')).trim().split('\n');
    process.stderr.write(`host log ${name} (last ${Math.min(40, lines.length)} of ${lines.length} lines):\n${lines.slice(-40).join('\n')}\n`);
  }
}
let failed = false;

afterAll(async () => {
  if (failed && dataDir) await printHostLog();
  till?.close();
  tech?.close();
  await peer?.close();
  await host?.stop();
  await pair?.close();
  await killAllSocat();
  // A copy of the 1,000,000-sale database and its backup: 2.5 GB.
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the core on a 1,000,000-sale database', () => {
  it('serves scans and a wallet payment while an integrity check, a backup and a 100,000-row import run', async () => {
    onTestFailed(() => {
      failed = true;
    });
    const codes = BIG_BARCODES;

    // The kiosk customer pays with a code whose PIN wait (20 s) spans the maintenance: polled by the job runner.
    const kiosk = await openApiSocket(host.ready);
    unwrap(await kiosk.call('kiosk.begin', {}));
    unwrap(await kiosk.call('kiosk.add', { productId: 'BP1' }));
    unwrap(await kiosk.call('kiosk.beginPayment', {}));
    const payment = unwrap(await kiosk.call('kiosk.payByCode', { code: sandboxPaymentCode('wechat', '1200') }));
    expect(payment.status).toBe('pending');

    unwrap(await till.call('screen.report', { surface: 'till', step: 'selling' }));
    const csv = catalogCsv(CATALOG_ROWS);
    const steal = startStealSampler();
    unwrap(await tech.call('terminal.eventLoop', { reset: true }));

    let maintenanceDone = false;
    // Each operation says when it ends (on a slow or loaded machine, where the time went).
    const started = performance.now();
    const noted = <T,>(name: string) => (value: T): T => {
      process.stderr.write(`${name} done after ${Math.round(performance.now() - started)} ms\n`);
      return value;
    };
    const maintenance = Promise.all([
      tech.call('diagnostics.database', { full: true }).then(unwrap).then(noted('integrity check')),
      tech.call('diagnostics.backup', {}).then(unwrap).then(noted('backup')),
      (async () => {
        const { uploadId, pageChars } = unwrap(await tech.call('upload.begin', { purpose: 'catalog-csv', bytes: Buffer.byteLength(csv) }));
        for (let seq = 0, at = 0; at < csv.length; seq++, at += pageChars) unwrap(await tech.call('upload.page', { uploadId, seq, text: csv.slice(at, at + pageChars) }));
        return unwrap(await tech.call('catalog.importCsv', { uploadId }));
      })().then(noted('catalog import')),
    ]).finally(() => (maintenanceDone = true));

    // The scanner streams while the maintenance runs (at least SCANS codes, SCAN_GAP_MS apart: a fast cashier).
    const sent: string[] = [];
    while (!maintenanceDone || sent.length < SCANS) {
      const code = codes[sent.length % 2]!;
      await peer.write(new TextEncoder().encode(`${code}\r`));
      sent.push(code);
      await new Promise((resolve) => setTimeout(resolve, SCAN_GAP_MS));
    }
    const [health, backup, imported] = await maintenance;
    expect(health).toMatchObject({ check: 'full', ok: true });
    expect(backup.bytes).toBeGreaterThan(100_000_000);
    expect(imported).toMatchObject({ inserted: CATALOG_ROWS, skipped: [] });

    // Every scan is one item on the till's sale: none glued to another, none lost.
    const expected = { [codes[0]!]: sent.filter((c) => c === codes[0]).length, [codes[1]!]: sent.filter((c) => c === codes[1]).length };
    // Scans that were not added (refused, held…) and the codes the core framed, to say why when a count differs.
    const notAdded = () => {
      const outcomes = till.frames
        .map((f) => JSON.parse(f) as { type: string; name?: string; payload?: { kind: string; code: string; reason?: string } })
        .filter((m) => m.type === 'event' && m.name === 'scan.outcome' && m.payload!.kind !== 'item')
        .map((m) => `${m.payload!.kind}:${m.payload!.reason ?? ''}:${m.payload!.code}`);
      return outcomes.length ? outcomes.slice(0, 20).join(', ') : 'none refused or held';
    };
    await expect
      .poll(async () => {
        const cart = unwrap(await till.call('sale.current', {}));
        return cart ? cart.lines.reduce((n, l) => n + l.quantityMilli / 1000, 0) : 0;
      }, { timeout: 20_000, message: `scans not added: ${notAdded()}` })
      .toBe(sent.length);
    const cart = unwrap(await till.call('sale.current', {}))!;
    expect(Object.fromEntries(cart.lines.map((l) => [l.sku === 'BIG-0' ? codes[0] : codes[1], l.quantityMilli / 1000]))).toEqual(expected);

    // The payment reached its final state with no `unknown` answer on its way (each query answered in time).
    const statusOf = () => queryTerminalDb<{ status: string }>(host.ready, 'SELECT status FROM payment WHERE id = ?', payment.paymentId)[0]?.status;
    await expect.poll(statusOf, { timeout: 60_000 }).toBe('paid');
    const answers = queryTerminalDb<{ type: string; data: string }>(host.ready, 'SELECT type, data FROM payment_event WHERE payment_id = ? ORDER BY id', payment.paymentId);
    const kinds = answers.filter((a) => a.type === 'query' || a.type === 'pay').map((a) => (JSON.parse(a.data) as { kind: string }).kind);
    expect(kinds.length).toBeGreaterThan(2);
    expect(kinds).not.toContain('unknown');
    expect(kinds.at(-1)).toBe('paid');

    // The core's event loop was never kept from serving for more than 20 ms.
    const loop = unwrap(await tech.call('terminal.eventLoop', {}));
    // The monotonic clock beside the wall clock: tools like `perf sched` time their events by the former.
    const monotonicMs = Number(process.hrtime.bigint() / 1000n) / 1000;
    process.stderr.write(`core event loop during the maintenance: ${JSON.stringify(loop)}; scans: ${sent.length}; wall clock ${new Date().toISOString()} = monotonic ${monotonicMs.toFixed(3)} ms\n`);
    // Each stall over the goal beside the time the machine's host took its CPUs meanwhile (a virtual machine's steal):
    // what is left of it is the till's own, and that is held to the goal.
    steal.stop();
    process.stderr.write(`host steal over the window, per CPU: ${JSON.stringify(steal.total())} ms\n`);
    const ownStalls = loop.longStalls.map((stall) => {
      const ended = Date.parse(stall.endedAt);
      const during = steal.during(ended - stall.ms - 10, ended);
      const stolenMs = Math.max(0, ...(during?.perCpuMs ?? []));
      process.stderr.write(`stall ${JSON.stringify(stall)}: host steal per CPU ${JSON.stringify(during?.perCpuMs ?? null)} ms over ${during ? during.toMs - during.fromMs : '?'} ms\n`);
      return { ...stall, ownMs: stall.ms - stolenMs };
    });
    // The issue's measure is monitorEventLoopDelay's (maxMs). Where it is over the goal, the stall watcher (a 10 ms
    // timer, which also counts the timers run before it in a turn: at times a few ms more) has each such stall with
    // its time, and what is left of each after the host's steal is held to the goal.
    if (loop.maxMs > STALL_GOAL_MS) {
      expect(ownStalls.length, `a stall of ${loop.maxMs} ms that the stall watcher did not see`).toBeGreaterThan(0);
      expect(ownStalls.filter((s) => s.ownMs > STALL_GOAL_MS)).toEqual([]);
    }
    expect(loop.samples).toBeGreaterThan(1000);
    expect(loop.p99Ms).toBeLessThanOrEqual(STALL_P99_LIMIT_MS);
    expect(loop.maxMs).toBeLessThanOrEqual(STALL_LIMIT_MS);
    kiosk.close();
  }, 900_000);
});
