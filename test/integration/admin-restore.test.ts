import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { gtinCheckDigit } from '../../src-common/barcode';
import { openApiSocket, startHostProcess, tempDir, type ApiSocket, type HostProcess } from '../helpers/host';

async function signedIn(host: HostProcess, role: 'technician' | 'owner' | 'cashier'): Promise<ApiSocket> {
  const api = await openApiSocket(host.ready);
  const users = await api.call('auth.users', {});
  if (!users.ok) throw new Error('no users');
  const user = users.value.find((u) => u.role === role)!;
  const signIn = await api.call('auth.signIn', { userId: user.id, pin: { technician: '9999', owner: '8888', cashier: '1111' }[role] });
  if (!signIn.ok) throw new Error(JSON.stringify(signIn.error));
  return api;
}

async function ok<T>(promise: Promise<{ ok: true; value: T } | { ok: false; error: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

describe('backup and restore, audit tamper (real host processes on one data dir)', () => {
  let host: HostProcess | null = null;
  let api: ApiSocket | null = null;
  afterEach(async () => {
    api?.close();
    api = null;
    await host?.stop();
    host = null;
  });

  it('restores a backup at the next start: the data of the backup is back, the replaced database kept', async () => {
    const dataDir = tempDir('pos-restore-');
    // A printer that is away (no such port): what it should print waits in the queue, and goes into the backup.
    host = await startHostProcess({ dataDir, config: { devices: [{ id: 'printer', role: 'printer', transport: { kind: 'serial', path: join(dataDir, 'no-such-printer'), baudRate: 9600 } }] } });
    api = await signedIn(host, 'technician');
    await ok(api.call('admin.updateSettings', { storeName: '备份时的店名' }));
    await ok(api.call('devices.testPrint', {}));
    const pendingJobs = (path: string) => {
      const db = new Sqlite(path, { readonly: true });
      try {
        return db.prepare("SELECT count(*) FROM job WHERE kind = 'print.receipt' AND status IN ('queued', 'running')").pluck().get() as number;
      } finally {
        db.close();
      }
    };
    expect(pendingJobs(join(dataDir, 'pos.sqlite'))).toBe(1);
    const backup = await ok(api.call('diagnostics.backup', {}));
    expect(pendingJobs(backup.path)).toBe(1);
    const technicianId = (await ok(api.call('auth.users', {}))).find((u) => u.role === 'technician')!.id;

    // Changes after the backup: gone after the restore.
    await ok(api.call('admin.updateSettings', { storeName: '备份之后的店名' }));
    const later = await ok(api.call('users.create', { name: '备份后新人', role: 'cashier', pin: '4826' }));
    const staged = await ok(api.call('diagnostics.restore', { name: backup.name }));
    expect(staged).toEqual({ staged: true, name: backup.name, restartNeeded: true });
    expect((await ok(api.call('diagnostics.backups', {}))).pendingRestore).toBe(true);
    // Nothing changes until the restart.
    expect((await ok(api.call('settings.get', {}))).storeName).toBe('备份之后的店名');
    api.close();
    api = null;
    expect(await host.stop()).toBe(0);

    host = await startHostProcess({ dataDir });
    api = await signedIn(host, 'technician');
    expect((await ok(api.call('settings.get', {}))).storeName).toBe('备份时的店名');
    expect((await ok(api.call('users.list', {}))).map((u) => u.id)).not.toContain(later.id);
    expect(existsSync(join(dataDir, 'restore', 'pending.sqlite'))).toBe(false);
    expect((await ok(api.call('diagnostics.backups', {}))).pendingRestore).toBe(false);

    // The database it replaced is kept as a backup, and holds the later changes.
    const kept = (await ok(api.call('diagnostics.backups', {}))).backups.find((b) => b.name.startsWith('pos-before-restore-'));
    expect(kept).toBeDefined();
    const old = new Sqlite(kept!.path, { readonly: true });
    try {
      expect(old.prepare("SELECT value FROM setting WHERE key = 'storeName'").pluck().get()).toBe(JSON.stringify('备份之后的店名'));
      expect(old.prepare('SELECT count(*) FROM user WHERE id = ?').pluck().get(later.id)).toBe(1);
    } finally {
      old.close();
    }
    expect((await ok(api.call('diagnostics.database', { full: true }))).ok).toBe(true);
    expect(readdirSync(join(dataDir, 'backups')).filter((n) => n.endsWith('.sqlite'))).toHaveLength(2);

    // The receipt waiting in the backup is not printed again: the restored database's queue is empty.
    expect(pendingJobs(join(dataDir, 'pos.sqlite'))).toBe(0);
    expect((await ok(api.call('devices.status', {}))).find((d) => d.role === 'printer')).toMatchObject({ queued: 0 });
    // The restore is in the restored database's audit log, by the technician who staged it, and the chain holds.
    expect(await ok(api.call('audit.list', { action: 'diagnostics.restored' }))).toMatchObject([
      {
        actorId: technicianId,
        actorRole: 'technician',
        subject: backup.name,
        details: { backup: backup.name, kept: kept!.name, droppedPrintJobs: 1 },
      },
    ]);
    expect(await ok(api.call('audit.verify', {}))).toMatchObject({ ok: true });
  }, 60_000);

  it('finds an audit row edited by hand while the terminal was stopped', async () => {
    const dataDir = tempDir('pos-tamper-');
    // No sale here: no test shift, whose audit row would shift the row numbers this test edits.
    host = await startHostProcess({ dataDir, openShift: false });
    api = await signedIn(host, 'owner');
    await ok(api.call('admin.updateSettings', { storeName: '甲店' }));
    await ok(api.call('admin.updateSettings', { receiptFooter: ['谢谢'] }));
    await ok(api.call('admin.updateSettings', { storeName: '乙店' }));
    expect(await ok(api.call('audit.verify', {}))).toMatchObject({ ok: true, rows: 3 });
    api.close();
    api = null;
    await host.stop();

    const db = new Sqlite(join(dataDir, 'pos.sqlite'));
    try {
      expect(() => db.prepare('UPDATE audit_log SET details = ? WHERE seq = 2').run('{}')).toThrow(/append-only/);
      db.exec('DROP TRIGGER audit_log_no_update');
      db.prepare('UPDATE audit_log SET details = ? WHERE seq = 2').run(JSON.stringify({ from: [], to: ['改过的'] }));
    } finally {
      db.close();
    }

    host = await startHostProcess({ dataDir, openShift: false });
    api = await signedIn(host, 'owner');
    expect(await ok(api.call('audit.verify', {}))).toEqual({ ok: false, rows: 2, firstBadSeq: 2, reason: 'hash_mismatch' });
  }, 60_000);

  it('reads scale labels with a new layout after the next start', async () => {
    const dataDir = tempDir('pos-scale-');
    host = await startHostProcess({ dataDir });
    api = await signedIn(host, 'technician');
    const weightLayout = { prefixes: ['28'], pluStart: 2, pluLength: 5, valueStart: 7, valueLength: 5, value: 'weight', valueDecimals: 3 } as const;
    // Overlapping fields are refused and nothing is written.
    expect(await api.call('admin.setScaleLabel', { layout: { ...weightLayout, valueStart: 5 } })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(existsSync(join(dataDir, 'config.json'))).toBe(false);
    const saved = await ok(api.call('admin.setScaleLabel', { layout: weightLayout }));
    expect(saved).toMatchObject({ configured: weightLayout, restartNeeded: true, active: { value: 'price' } });
    api.close();
    api = null;
    await host.stop();

    host = await startHostProcess({ dataDir });
    api = await signedIn(host, 'technician');
    expect((await ok(api.call('admin.settings', {}))).scaleLabel).toMatchObject({ active: weightLayout, restartNeeded: false });
    api.close();
    api = await signedIn(host, 'cashier');
    const db = new Sqlite(join(dataDir, 'pos.sqlite'), { readonly: true });
    const product = db.prepare("SELECT plu, price FROM product WHERE unit = 'kg' AND plu IS NOT NULL AND active = 1 LIMIT 1").get() as { plu: string; price: number };
    db.close();
    const body = `28${product.plu.padStart(5, '0')}01250`; // 1.250 kg
    const cart = await ok(api.call('sale.scan', { code: body + gtinCheckDigit(body) }));
    expect(cart.lines[0]).toMatchObject({ quantityMilli: 1250, unitPrice: product.price });
  }, 60_000);
});
