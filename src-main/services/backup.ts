/**
 * Backup and restore of the terminal's database.
 * - A backup is SQLite's online backup (`db.backup`) into `<dataDir>/backups/`: consistent while sales go on.
 * - A restore is checked (integrity, a Jiezhang database, not from a newer version), copied to
 *   `<dataDir>/restore/pending.sqlite`, and applied by `applyPendingRestore` at the next start, before the
 *   database opens: a live database is never swapped under running services. The replaced database is kept
 *   in `backups/` first.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import Sqlite, { type Database } from 'better-sqlite3';
import { latestSchemaVersion } from '../../db/migrations';
import { PosError } from '../../src-common/errors';
import type { Clock } from '../clock';
import type { Logger } from '../log';

export const BACKUP_DIR = 'backups';
export const RESTORE_DIR = 'restore';
export const PENDING_RESTORE = 'pending.sqlite';
const BACKUP_NAME = /^[A-Za-z0-9._-]{1,100}\.sqlite$/;
/** Tables every Jiezhang database has from its first migrations. */
const REQUIRED_TABLES = ['terminal', 'setting', 'user'];

export interface BackupFile {
  name: string;
  path: string;
  bytes: number;
  modifiedAt: string;
}

const stamp = (date: Date) => date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

function fileInfo(path: string): BackupFile {
  const s = statSync(path);
  return { name: basename(path), path, bytes: s.size, modifiedAt: s.mtime.toISOString() };
}

export function backupDir(dataDir: string): string {
  return join(dataDir, BACKUP_DIR);
}

/** A free name `pos-YYYYMMDD-HHMMSS[-N].sqlite` in the backup directory. */
function freeBackupPath(dataDir: string, prefix: string, now: Date): string {
  const dir = backupDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (let n = 0; ; n += 1) {
    const path = join(dir, `${prefix}-${stamp(now)}${n ? `-${n}` : ''}.sqlite`);
    if (!existsSync(path)) return path;
  }
}

export async function createBackup(db: Database, dataDir: string, clock: Clock): Promise<BackupFile> {
  const path = freeBackupPath(dataDir, 'pos', clock.now());
  await db.backup(path);
  return fileInfo(path);
}

export function listBackups(dataDir: string): BackupFile[] {
  const dir = backupDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => BACKUP_NAME.test(n))
    .map((n) => fileInfo(join(dir, n)))
    .sort((a, b) => (a.modifiedAt < b.modifiedAt ? 1 : a.modifiedAt > b.modifiedAt ? -1 : b.name.localeCompare(a.name)));
}

/**
 * Why a database cannot be restored, or null when it can. `schema` is `main` for a database opened on its
 * own, or the name it is attached under (the running terminal checks a backup through its own connection,
 * so no second native SQLite build is needed under Electron).
 */
export function restoreProblem(db: Database, schema = 'main'): { reason: string; detail?: string } | null {
  try {
    const integrity = db.pragma(`${schema}.integrity_check(5)`, { simple: false }) as Record<string, string>[];
    const results = integrity.map((r) => Object.values(r)[0] ?? '');
    if (results.length !== 1 || results[0] !== 'ok') return { reason: 'integrity', detail: results.join('; ') };
    const tables = new Set(db.prepare(`SELECT name FROM ${schema}.sqlite_schema WHERE type = 'table'`).pluck().all() as string[]);
    const version = db.pragma(`${schema}.user_version`, { simple: true }) as number;
    if (version < 1 || REQUIRED_TABLES.some((t) => !tables.has(t))) return { reason: 'not_jiezhang' };
    if ((db.prepare(`SELECT count(*) FROM ${schema}.terminal`).pluck().get() as number) !== 1) return { reason: 'not_jiezhang' };
    if (version > latestSchemaVersion) return { reason: 'newer_version', detail: `${version} > ${latestSchemaVersion}` };
    return null;
  } catch (error) {
    return { reason: 'not_sqlite', detail: (error as Error).message };
  }
}

const CANDIDATE = 'restore_candidate';

/** Checks a backup and copies it to the staging place; it replaces the database at the next start. */
export function stageRestore(db: Database, dataDir: string, name: string): void {
  if (!BACKUP_NAME.test(name)) throw new PosError('validation_failed', 'Not a backup file name', { reason: 'backup_name' });
  const source = join(backupDir(dataDir), name);
  if (!existsSync(source)) throw new PosError('not_found', 'No such backup', { reason: 'no_backup' });
  const dir = join(dataDir, RESTORE_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const staging = join(dir, `${PENDING_RESTORE}.partial`);
  rmSync(staging, { force: true });
  try {
    db.prepare('ATTACH DATABASE ? AS ' + CANDIDATE).run(source);
  } catch (error) {
    throw new PosError('conflict', 'This backup cannot be restored: not_sqlite', { reason: 'restore_not_sqlite', detail: (error as Error).message });
  }
  try {
    const problem = restoreProblem(db, CANDIDATE);
    if (problem) throw new PosError('conflict', `This backup cannot be restored: ${problem.reason}`, { reason: `restore_${problem.reason}`, detail: problem.detail });
    // A consistent, compact copy (whatever journal the backup was left with).
    db.prepare(`VACUUM ${CANDIDATE} INTO ?`).run(staging);
  } finally {
    db.exec(`DETACH DATABASE ${CANDIDATE}`);
  }
  // The rename is the commit: a crash before it leaves no pending restore.
  renameSync(staging, join(dir, PENDING_RESTORE));
}

export function pendingRestorePath(dataDir: string): string | null {
  const path = join(dataDir, RESTORE_DIR, PENDING_RESTORE);
  return existsSync(path) ? path : null;
}

/**
 * Called at start, before the database opens. When a restore is staged: the current database (its WAL
 * checkpointed into it) moves to `backups/pos-before-restore-….sqlite`, then the staged file takes its place.
 * Each step is a rename, so a crash between them is finished by the next start.
 */
export function applyPendingRestore(options: { dataDir: string; databasePath: string; clock: Clock; log?: Logger; nativeBinding?: string }): BackupFile | null {
  const { dataDir, databasePath, clock, log } = options;
  const pending = pendingRestorePath(dataDir);
  if (!pending) return null;
  let problem: ReturnType<typeof restoreProblem>;
  try {
    const candidate = new Sqlite(pending, { fileMustExist: true, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
    try {
      problem = restoreProblem(candidate);
    } finally {
      candidate.close();
    }
  } catch (error) {
    problem = { reason: 'not_sqlite', detail: (error as Error).message };
  }
  if (problem) {
    // Checked when staged; a file damaged since is set aside, never applied.
    renameSync(pending, `${pending}.rejected-${stamp(clock.now())}`);
    log?.error({ reason: problem.reason, detail: problem.detail }, 'staged restore refused at start; database unchanged');
    return null;
  }
  let kept: BackupFile | null = null;
  if (existsSync(databasePath)) {
    const current = new Sqlite(databasePath, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
    try {
      current.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      current.close();
    }
    const keep = freeBackupPath(dataDir, 'pos-before-restore', clock.now());
    renameSync(databasePath, keep);
    kept = fileInfo(keep);
  }
  for (const suffix of ['-wal', '-shm']) rmSync(databasePath + suffix, { force: true });
  renameSync(pending, databasePath);
  log?.warn({ keptAs: kept?.name ?? null }, 'database restored from a staged backup');
  return kept;
}
