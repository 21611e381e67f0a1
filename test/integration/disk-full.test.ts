/**
 * A full disk must never charge a customer without a sale. The built host runs as its own process with its data
 * directory on a small tmpfs; the sandbox acquirer runs in this process with its ledger on the ordinary disk (the
 * acquirer's disk is not the till's). Needs root (mount); skipped with a message otherwise.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src-common/errors';
import { startSandboxAcquirer, type SandboxAcquirer } from '../../src-main/acquirer/sandbox/server';
import { sandboxPaymentCode } from '../../src-main/acquirer/sandbox/test-codes';
import { DEFAULT_USERS } from '../../src-main/services/auth';
import { openApiSocket, queryTerminalDb, startHostProcess, tempDir, type ApiSocket, type HostProcess } from '../helpers/host';

const DISK_MB = 24;
const MIN_FREE_MB = 2;

/** The mount point, or why there is none. */
function mountSmallDisk(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pos-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_MB}m,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    return dir;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return `mount -t tmpfs failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  }
}

const isRoot = process.getuid?.() === 0;
const mounted = isRoot ? mountSmallDisk() : 'not running as root (mount -t tmpfs needs it)';
const diskDir = mounted.startsWith('/') ? mounted : null;
if (!diskDir) console.warn(`disk-full test skipped: ${mounted}`);

const free = (dir: string) => {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!diskDir)('a full disk (data dir on a small tmpfs)', () => {
  const dataDir = diskDir ? join(diskDir, 'data') : '';
  const fillers: string[] = [];
  let sandbox: SandboxAcquirer;
  let ledgerPath: string;
  let host: HostProcess;
  let api: ApiSocket;
  let barcode: string;

  /** Fills the disk until `leaveBytes` are free (0: until a write fails). */
  function fill(leaveBytes: number) {
    const chunk = 256 * 1024;
    for (;;) {
      const room = free(diskDir!) - leaveBytes;
      if (room <= 0) return;
      const file = join(diskDir!, `filler-${fillers.length}`);
      try {
        writeFileSync(file, Buffer.alloc(Math.min(chunk, Math.max(4096, room))));
      } catch {
        return; // ENOSPC: full
      }
      fillers.push(file);
      if (leaveBytes === 0 && free(diskDir!) === 0) return;
    }
  }
  function unfill() {
    for (const f of fillers.splice(0)) rmSync(f, { force: true });
  }

  /**
   * Makes the full disk stop every commit of the terminal until the returned function is called. In WAL mode a commit
   * needs no new disk block when it can go into WAL space the file already has: after a checkpoint the WAL restarts
   * from its beginning, and a WAL once longer keeps its length. So the WAL is truncated first, and then a read
   * transaction held open pins it (no restart while a reader is on it): every commit has to grow the file.
   */
  function pinShortWal(): () => void {
    const db = new Sqlite(join(dataDir, 'pos.sqlite'));
    db.pragma('busy_timeout = 5000');
    for (let tries = 0; ; tries++) {
      const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (result?.busy === 0 || tries > 50) break;
    }
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM sale').get();
    return () => {
      db.exec('COMMIT');
      db.close();
    };
  }

  function ledger(sql: string, ...params: unknown[]) {
    const db = new Sqlite(ledgerPath, { readonly: true });
    try {
      return db.prepare(sql).all(...params) as Record<string, unknown>[];
    } finally {
      db.close();
    }
  }
  // The acquirer's own reads (a PIN wait's order turns PAID when it is next looked at, as the sandbox keeps time).
  const ledgerNet = () => sandbox.ledger.totals().net;

  async function ok<T>(name: string, input: unknown): Promise<T> {
    const result = (await api.call(name as never, input)) as Result<T>;
    if (!result.ok) throw new Error(`${name} failed: ${JSON.stringify(result.error)}`);
    return result.value;
  }
  /** A refused call says why, with a code the screens translate: never "internal". */
  async function refused(name: string, input: unknown) {
    const result = (await api.call(name as never, input)) as Result<unknown>;
    expect(result.ok, `${name} should be refused`).toBe(false);
    if (result.ok) throw new Error('unreachable');
    expect(result.error.code, `${name}: ${result.error.message}`).not.toBe('internal');
    return result.error;
  }
  const hostAlive = () => host.process.exitCode === null && host.process.signalCode === null;

  beforeAll(async () => {
    ledgerPath = join(tempDir('disk-full-acquirer-'), 'sandbox.sqlite');
    sandbox = await startSandboxAcquirer({ dbPath: ledgerPath, port: 0, log: pino({ level: 'silent' }), speed: { scale: 1 } });
    execFileSync('mkdir', ['-p', dataDir]);
    host = await startHostProcess({
      dataDir,
      config: {
        acquirer: {
          baseUrl: sandbox.url,
          timeouts: { payMs: 2000, queryMs: 1000, otherMs: 1000 },
          timings: { pollIntervalMs: 200, pollDeadlineMs: 120_000, cancelRetryMs: 200, maxCancelAttempts: 50 },
        },
        storage: { minFreeMegabytes: MIN_FREE_MB },
      },
    });
    api = await openApiSocket(host.ready);
    const users = await ok<{ id: string; role: string }[]>('auth.users', {});
    const cashier = users.find((u) => u.role === 'cashier')!;
    await ok('auth.signIn', { userId: cashier.id, pin: DEFAULT_USERS.find((u) => u.role === 'cashier')!.pin });
    barcode = (await ok<{ barcodes: string[] }[]>('catalog.search', { query: 'kkkl' }))[0]!.barcodes[0]!;
  }, 60_000);

  afterAll(async () => {
    api?.close();
    unfill();
    await host?.stop();
    await sandbox?.close();
    if (diskDir) {
      try {
        execFileSync('umount', [diskDir]);
        rmSync(diskDir, { recursive: true, force: true });
      } catch {
        // left mounted: reported by the runner's temp clean-up
      }
    }
  });

  it('refuses a wallet charge before anything is sent when the disk is nearly full', async () => {
    // A normal wallet sale first: the terminal is enrolled and works.
    await ok('sale.scan', { code: barcode });
    expect(await ok<{ status: string }>('payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') })).toMatchObject({ status: 'paid' });

    await ok('sale.scan', { code: barcode });
    const ordersBefore = ledger('SELECT count(*) AS n FROM upay_order')[0]!.n;
    fill((MIN_FREE_MB * 1024 * 1024) / 2);
    const error = await refused('payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') });
    expect(error).toMatchObject({ code: 'disk_full', details: { reason: 'disk_full' } });
    // Nothing reached the acquirer, nothing was written for it.
    expect(ledger('SELECT count(*) AS n FROM upay_order')[0]!.n).toBe(ordersBefore);
    unfill();
    // Cash still closes the sale once there is room.
    const cart = (await ok<{ total: number }>('sale.current', {}))!;
    await ok('sale.complete', { tenders: [{ kind: 'cash', amount: cart.total }] });
  }, 60_000);

  it('never leaves a charge without its sale: a payment paid while the disk is full completes once there is room', async () => {
    await ok('sale.scan', { code: barcode });
    await ok('sale.scan', { code: barcode });
    const cart = (await ok<{ saleId: string; total: number }>('sale.current', {}))!;
    // The customer is typing a PIN (3 s): the disk fills meanwhile, to the last byte.
    const payment = await ok<{ paymentId: string; status: string }>('payment.payByCode', { code: sandboxPaymentCode('alipay', '1030') });
    expect(payment.status).toBe('pending');
    const unpin = pinShortWal();
    fill(0);
    expect(free(diskDir!)).toBeLessThan(64 * 1024);

    const clientSn = queryTerminalDb<{ client_sn: string }>(host.ready, 'SELECT client_sn FROM payment WHERE id = ?', payment.paymentId)[0]!.client_sn;
    const until = Date.now() + 20_000;
    while (!sandbox.ledger.transactions({ clientSn }).some((t) => t.type === 'pay' && t.status === 'SUCCESS')) {
      if (Date.now() > until) throw new Error('the acquirer never took the payment');
      await sleep(100);
    }
    // The customer's money is in at the acquirer; the till cannot write. Give its jobs time to try and fail.
    await sleep(3000);
    expect(hostAlive(), `host exited; stderr: ${host.stderr().slice(-2000)}`).toBe(true);

    // The charged sale can be neither voided, nor changed, nor paid again, nor parked; every refusal says why.
    for (const [name, input] of [
      ['sale.void', { reason: 'customer left' }],
      ['sale.scan', { code: barcode }],
      ['sale.suspend', {}],
      ['sale.complete', { tenders: [{ kind: 'cash', amount: cart.total }] }],
      ['payment.payByCode', { code: sandboxPaymentCode('wechat', '0000') }],
    ] as const) {
      const error = await refused(name, input);
      expect(['conflict', 'disk_full'], `${name}: ${JSON.stringify(error)}`).toContain(error.code);
    }
    const shown = await ok<{ status: string; failureCode: string | null } | null>('payment.current', {});
    // The till says what it knows: still waiting to record the answer, or paid with the sale's completion pending.
    if (shown?.status === 'paid') expect(shown.failureCode).toBe('sale_completion_pending');
    else expect(['pending', 'unknown', 'submitted']).toContain(shown?.status);
    expect(queryTerminalDb<{ status: string }>(host.ready, 'SELECT status FROM sale WHERE id = ?', cart.saleId)).toEqual([{ status: 'open' }]);

    // Room again: the sale completes by itself (its durable job), with the wallet tender the acquirer took.
    unpin();
    unfill();
    const done = Date.now() + 90_000;
    for (;;) {
      const [sale] = queryTerminalDb<{ status: string }>(host.ready, 'SELECT status FROM sale WHERE id = ?', cart.saleId);
      if (sale?.status === 'completed') break;
      if (Date.now() > done) throw new Error(`sale still ${sale?.status}; payment ${JSON.stringify(queryTerminalDb(host.ready, 'SELECT status, failure_code FROM payment WHERE id = ?', payment.paymentId))}`);
      await sleep(200);
    }
    expect(queryTerminalDb(host.ready, "SELECT kind, amount FROM sale_tender WHERE sale_id = ? AND kind != 'cash'", cart.saleId)).toEqual([{ kind: 'alipay', amount: cart.total }]);
    expect(hostAlive()).toBe(true);
  }, 150_000);

  it('keeps the till equal to the acquirer to the fen, its database whole, and its log free of printer noise', async () => {
    const [wallet] = queryTerminalDb<{ total: number }>(
      host.ready,
      "SELECT COALESCE(SUM(t.amount), 0) AS total FROM sale_tender t JOIN sale s ON s.id = t.sale_id WHERE s.status = 'completed' AND t.kind NOT IN ('cash', 'other')",
    );
    expect(wallet!.total).toBe(ledgerNet());
    // Nothing half-written: the database checks whole, every completed sale has its tenders, every payment is final.
    expect(queryTerminalDb(host.ready, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect(queryTerminalDb(host.ready, "SELECT s.id FROM sale s WHERE s.status = 'completed' AND NOT EXISTS (SELECT 1 FROM sale_tender t WHERE t.sale_id = s.id)")).toEqual([]);
    expect(queryTerminalDb(host.ready, "SELECT id FROM payment WHERE status NOT IN ('paid', 'failed', 'reversed')")).toEqual([]);
    const logs = readdirSync(join(dataDir, 'logs')).filter((f) => f.endsWith('.log'));
    const text = logs.map((f) => readFileSync(join(dataDir, 'logs', f), 'utf8')).join('');
    expect(text).not.toContain('No receipt printer is configured');
    expect(hostAlive()).toBe(true);
    expect(await host.stop()).toBe(0);
  }, 30_000);
});
