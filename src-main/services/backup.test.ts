import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { insertJob } from '../../db/queries/jobs';
import { insertPrintBytes, PRINT_JOB_KIND } from '../../db/queries/print-jobs';
import { createAuditService } from './audit';
import { applyPendingRestore, backupDir, listBackups, removeUnfinishedBackups } from './backup';
import { createBackup, stageRestore } from '../worker/backup';

const clock = { now: () => new Date('2026-11-22T08:30:00Z') };

function terminalDb(dataDir: string, storeName: string) {
  const db = openDatabase(join(dataDir, 'pos.sqlite'));
  db.prepare("INSERT INTO terminal (singleton, terminal_id, created_at) VALUES (1, 'T1', 'now') ON CONFLICT DO NOTHING").run();
  db.prepare("INSERT INTO setting (key, value, updated_at) VALUES ('storeName', ?, 'now') ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(JSON.stringify(storeName));
  return db;
}
const storeName = (path: string) => {
  const db = new Sqlite(path, { readonly: true });
  try {
    return JSON.parse(db.prepare("SELECT value FROM setting WHERE key = 'storeName'").pluck().get() as string) as string;
  } finally {
    db.close();
  }
};

const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

describe('backup and restore', () => {
  it('removes at start-up the side file of a backup a killed terminal never finished, keeping the finished ones', async () => {
    const dataDir = tempDir('pos-backup-partial-');
    const db = openDatabase(join(dataDir, 'pos.sqlite'));
    const finished = await createBackup(db, dataDir, clock);
    db.close();
    const cutShort = join(backupDir(dataDir), 'pos-20261122-083000.sqlite.partial');
    writeFileSync(cutShort, Buffer.alloc(4096));
    expect(removeUnfinishedBackups(dataDir)).toEqual(['pos-20261122-083000.sqlite.partial']);
    expect(readdirSync(backupDir(dataDir))).toEqual([finished.name]);
    expect((await listBackups(dataDir)).map((b) => b.name)).toEqual([finished.name]);
    expect(removeUnfinishedBackups(tempDir('pos-backup-none-'))).toEqual([]);
  });

  it('stages a backup and applies it at the next start, keeping the replaced database', async () => {
    const dataDir = tempDir('pos-backup-');
    const db = terminalDb(dataDir, '甲');
    const backup = await createBackup(db, dataDir, clock);
    expect(backup.name).toBe('pos-20261122-083000.sqlite');
    expect((await createBackup(db, dataDir, clock)).name).toBe('pos-20261122-083000-1.sqlite');
    db.prepare("UPDATE setting SET value = '\"乙\"' WHERE key = 'storeName'").run();
    await stageRestore(db, dataDir, backup.name);
    expect(storeName(join(dataDir, 'pos.sqlite'))).toBe('乙'); // nothing changes while running
    db.close();

    const kept = applyPendingRestore({ dataDir, databasePath: join(dataDir, 'pos.sqlite'), clock });
    expect(kept?.name).toBe('pos-before-restore-20261122-083000.sqlite');
    expect(storeName(join(dataDir, 'pos.sqlite'))).toBe('甲');
    expect(storeName(kept!.path)).toBe('乙');
    expect(existsSync(join(dataDir, 'restore', 'pending.sqlite'))).toBe(false);
    expect(applyPendingRestore({ dataDir, databasePath: join(dataDir, 'pos.sqlite'), clock })).toBeNull();
    expect((await listBackups(dataDir)).map((b) => b.name).sort()).toEqual(['pos-20261122-083000-1.sqlite', 'pos-20261122-083000.sqlite', 'pos-before-restore-20261122-083000.sqlite']);
  });

  it('finishes a restore cut short after the old database was moved away', async () => {
    const dataDir = tempDir('pos-backup-');
    const db = terminalDb(dataDir, '甲');
    const backup = await createBackup(db, dataDir, clock);
    await stageRestore(db, dataDir, backup.name);
    db.close();
    renameSync(join(dataDir, 'pos.sqlite'), join(dataDir, 'backups', 'pos-before-restore-x.sqlite')); // the crash
    expect(applyPendingRestore({ dataDir, databasePath: join(dataDir, 'pos.sqlite'), clock })).toBeNull();
    expect(storeName(join(dataDir, 'pos.sqlite'))).toBe('甲');
  });

  it('refuses a database from a newer version and one that is not a terminal database; sets aside a staged file damaged since', async () => {
    const dataDir = tempDir('pos-backup-');
    const db = terminalDb(dataDir, '甲');
    mkdirSync(join(dataDir, 'backups'), { recursive: true });
    const future = new Sqlite(join(dataDir, 'backups', 'future.sqlite'));
    future.exec("CREATE TABLE terminal (x); INSERT INTO terminal VALUES (1); CREATE TABLE setting (x); CREATE TABLE user (x); PRAGMA user_version = 999");
    future.close();
    await expect(stageRestore(db, dataDir, 'future.sqlite')).rejects.toThrow(expect.objectContaining({ code: 'conflict', details: expect.objectContaining({ reason: 'restore_newer_version' }) }));
    const other = new Sqlite(join(dataDir, 'backups', 'other.sqlite'));
    other.exec('CREATE TABLE t (x); PRAGMA user_version = 3');
    other.close();
    await expect(stageRestore(db, dataDir, 'other.sqlite')).rejects.toThrow(expect.objectContaining({ details: expect.objectContaining({ reason: 'restore_not_jiezhang' }) }));
    expect(existsSync(join(dataDir, 'restore', 'pending.sqlite'))).toBe(false);
    db.close();

    writeFileSync(join(dataDir, 'restore', 'pending.sqlite'), 'garbage');
    expect(applyPendingRestore({ dataDir, databasePath: join(dataDir, 'pos.sqlite'), clock })).toBeNull();
    expect(storeName(join(dataDir, 'pos.sqlite'))).toBe('甲');
    expect(readdirSync(join(dataDir, 'restore')).some((n) => n.startsWith('pending.sqlite.rejected-'))).toBe(true);
  });

  it('drops the restored database’s unprinted print jobs and records the restore, with who staged it, in its audit chain', async () => {
    const dataDir = tempDir('pos-backup-');
    const db = terminalDb(dataDir, '甲');
    const audit = createAuditService({ db, clock });
    audit.record({ actor: { role: 'owner', userId: 'U-OWNER' }, action: 'settings.update', details: { storeName: '甲' } });
    // A printer away at the time of the backup: two receipts waiting, one printed earlier.
    for (const id of ['J1', 'J2', 'J3']) {
      insertJob(db, { id, kind: PRINT_JOB_KIND, subject: 'print:printer', payload: { document: 'receipt' }, runAt: 0, deadlineAt: null, at: 'then' });
      insertPrintBytes(db, id, Uint8Array.of(0x41, 0x1b, 0x70, 0, 25, 250));
    }
    db.prepare("UPDATE job SET status = 'done', finished_at = 'then' WHERE id = 'J1'").run();
    const backup = await createBackup(db, dataDir, clock);
    audit.record({ actor: { role: 'technician', userId: 'U-TECH' }, action: 'diagnostics.backup', subject: backup.name });
    await stageRestore(db, dataDir, backup.name, { actor: { role: 'technician', userId: 'U-TECH' }, clock });
    const staged = JSON.parse(readFileSync(join(dataDir, 'restore', 'pending.json'), 'utf8')) as Record<string, unknown>;
    expect(staged).toMatchObject({ backup: backup.name, actor: { role: 'technician', userId: 'U-TECH' }, stagedAt: '2026-11-22T08:30:00.000Z' });
    db.close();

    const databasePath = join(dataDir, 'pos.sqlite');
    const kept = applyPendingRestore({ dataDir, databasePath, clock });
    expect(kept?.name).toBe('pos-before-restore-20261122-083000.sqlite');
    expect(readdirSync(join(dataDir, 'restore'))).toEqual([]);

    const restored = openDatabase(databasePath);
    try {
      // The unprinted jobs end (dead, their bytes gone) and stay in the history; the printed one is untouched.
      expect(restored.prepare('SELECT id, status, last_error FROM job ORDER BY seq').all()).toEqual([
        { id: 'J1', status: 'done', last_error: null },
        { id: 'J2', status: 'dead', last_error: 'dropped: the database was restored from a backup' },
        { id: 'J3', status: 'dead', last_error: 'dropped: the database was restored from a backup' },
      ]);
      expect(restored.prepare('SELECT job_id FROM print_bytes ORDER BY job_id').pluck().all()).toEqual(['J1']);
      const restoredAudit = createAuditService({ db: restored, clock });
      expect(restoredAudit.verify()).toMatchObject({ ok: true, rows: 2 });
      expect(restoredAudit.list({ action: 'diagnostics.restored' })).toEqual([
        {
          seq: 2,
          at: '2026-11-22T08:30:00.000Z',
          actorId: 'U-TECH',
          actorRole: 'technician',
          action: 'diagnostics.restored',
          subject: backup.name,
          details: { backup: backup.name, kept: kept!.name, stagedAt: '2026-11-22T08:30:00.000Z', droppedPrintJobs: 2, restoreId: staged.restoreId },
        },
      ]);
    } finally {
      restored.close();
    }

    // A start cut short after the staged file was readied runs it again: nothing is recorded twice.
    copyFileSync(databasePath, join(dataDir, 'restore', 'pending.sqlite'));
    writeFileSync(join(dataDir, 'restore', 'pending.json'), JSON.stringify(staged));
    applyPendingRestore({ dataDir, databasePath, clock });
    const again = openDatabase(databasePath);
    try {
      expect(createAuditService({ db: again, clock }).verify()).toMatchObject({ ok: true, rows: 2 });
    } finally {
      again.close();
    }
  });

  it('records a restore staged without its description once, with an unknown actor', async () => {
    const dataDir = tempDir('pos-backup-');
    const db = terminalDb(dataDir, '甲');
    const backup = await createBackup(db, dataDir, clock);
    await stageRestore(db, dataDir, backup.name);
    db.close();
    rmSync(join(dataDir, 'restore', 'pending.json')); // a crash between the two renames of stageRestore
    applyPendingRestore({ dataDir, databasePath: join(dataDir, 'pos.sqlite'), clock });
    const restored = openDatabase(join(dataDir, 'pos.sqlite'));
    try {
      expect(createAuditService({ db: restored, clock }).list({ action: 'diagnostics.restored' })).toMatchObject([
        { actorId: null, actorRole: null, subject: null, details: { backup: null, kept: 'pos-before-restore-20261122-083000.sqlite', droppedPrintJobs: 0 } },
      ]);
    } finally {
      restored.close();
    }
  });
});
