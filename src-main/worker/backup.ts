/**
 * Making a backup and staging a restore: both read the whole database, so they run in the SQL worker, on its
 * connection (see services/backup.ts for the files and what happens at the next start).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { PosError } from '../../src-common/errors';
import type { Caller } from '../../src-common/roles';
import type { Clock } from '../clock';
import {
  BACKUP_NAME,
  backupDir,
  fileInfo,
  freeBackupPath,
  PENDING_RESTORE,
  PENDING_RESTORE_INFO,
  RESTORE_DIR,
  restoreProblem,
  writeStagedRestore,
  type BackupFile,
} from '../services/backup';
import { startFileFlusher } from './file-flusher';

const CANDIDATE = 'restore_candidate';

/**
 * `VACUUM INTO` a side file, then renamed: one read transaction, so the copy is consistent however much the
 * core writes meanwhile (SQLite's online backup from another connection restarts on every such write), and
 * compact. Run in the SQL worker (src-main/worker/): it reads every page.
 */
export async function createBackup(db: Database, dataDir: string, clock: Clock): Promise<BackupFile> {
  const path = freeBackupPath(dataDir, 'pos', clock.now());
  const partial = `${path}.partial`;
  rmSync(partial, { force: true });
  try {
    await vacuumIntoFlushed(db, 'VACUUM INTO ?', partial);
    renameSync(partial, path);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  return fileInfo(path);
}

/**
 * Runs a `VACUUM … INTO path` (one parameter, the path) with its output written to the disk as it grows, not in one
 * burst at its end (./file-flusher.ts says why).
 */
async function vacuumIntoFlushed(db: Database, statement: string, path: string): Promise<void> {
  const flusher = startFileFlusher(path);
  try {
    db.prepare(statement).run(path);
  } finally {
    await flusher.stop();
  }
}

/**
 * Checks a backup and copies it to the staging place; it replaces the database at the next start.
 * `staged.actor` (who asked) is kept beside it for the audit row written into the restored database.
 */
export async function stageRestore(db: Database, dataDir: string, name: string, staged: { actor?: Caller | null; clock?: Clock } = {}): Promise<void> {
  if (!BACKUP_NAME.test(name)) throw new PosError('validation_failed', 'Not a backup file name', { reason: 'backup_name' });
  const source = join(backupDir(dataDir), name);
  if (!existsSync(source)) throw new PosError('not_found', 'No such backup', { reason: 'no_backup' });
  const dir = join(dataDir, RESTORE_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const staging = join(dir, `${PENDING_RESTORE}.partial`);
  rmSync(staging, { force: true });
  // The description of an earlier staging goes first: a crash below may leave a staged database without one
  // (recorded with an unknown actor), never with another staging's.
  rmSync(join(dir, PENDING_RESTORE_INFO), { force: true });
  try {
    db.prepare('ATTACH DATABASE ? AS ' + CANDIDATE).run(source);
  } catch (error) {
    throw new PosError('conflict', 'This backup cannot be restored: not_sqlite', { reason: 'restore_not_sqlite', detail: (error as Error).message });
  }
  try {
    const problem = restoreProblem(db, CANDIDATE);
    if (problem) throw new PosError('conflict', `This backup cannot be restored: ${problem.reason}`, { reason: `restore_${problem.reason}`, detail: problem.detail });
    // A consistent, compact copy (whatever journal the backup was left with).
    await vacuumIntoFlushed(db, `VACUUM ${CANDIDATE} INTO ?`, staging);
  } finally {
    db.exec(`DETACH DATABASE ${CANDIDATE}`);
  }
  // The rename is the commit: a crash before it leaves no pending restore.
  renameSync(staging, join(dir, PENDING_RESTORE));
  const actor = staged.actor ? { role: staged.actor.role, userId: staged.actor.userId } : null;
  writeStagedRestore(dataDir, { restoreId: randomUUID(), backup: name, actor, stagedAt: (staged.clock?.now() ?? new Date()).toISOString() });
}

