/* eslint-disable no-restricted-syntax -- what is left here runs at start-up (applyPendingRestore, before the
   database opens) or in the SQL worker (worker/backup.ts); the console's calls use the async listBackups and
   hasPendingRestore. */
/**
 * Backup and restore of the terminal's database.
 * - A backup is a `VACUUM INTO` a side file in `<dataDir>/backups/`, renamed when complete (worker/backup.ts):
 *   consistent while sales go on.
 * - A restore is checked (integrity, a Jiezhang database, not from a newer version), copied to
 *   `<dataDir>/restore/pending.sqlite` (who asked for it and which backup in `pending.json` beside it), and
 *   applied by `applyPendingRestore` at the next start, before the database opens: a live database is never
 *   swapped under running services. The replaced database is kept in `backups/` first.
 * - Before the swap the staged database is migrated, its unprinted print jobs are dropped (old receipts must not
 *   print again) and a `diagnostics.restored` audit row is appended to its chain; the swap commits all of it.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import Sqlite, { type Database } from 'better-sqlite3';
import { latestSchemaVersion } from '../../db/migrations';
import { openDatabase } from '../../db/open';
import { dropOpenPrintJobs } from '../../db/queries/print-jobs';
import type { Caller, SessionRole } from '../../src-common/roles';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import { createAuditService } from './audit';

export const BACKUP_DIR = 'backups';
export const RESTORE_DIR = 'restore';
export const PENDING_RESTORE = 'pending.sqlite';
/** Beside the staged database: which backup, who staged it (StagedRestore). */
export const PENDING_RESTORE_INFO = 'pending.json';
export const BACKUP_NAME = /^[A-Za-z0-9._-]{1,100}\.sqlite$/;
/** Tables every Jiezhang database has from its first migrations. */
const REQUIRED_TABLES = ['terminal', 'setting', 'user'];

export interface BackupFile {
  name: string;
  path: string;
  bytes: number;
  modifiedAt: string;
}

const stamp = (date: Date) => date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

export function fileInfo(path: string): BackupFile {
  const s = statSync(path);
  return { name: basename(path), path, bytes: s.size, modifiedAt: s.mtime.toISOString() };
}

export function backupDir(dataDir: string): string {
  return join(dataDir, BACKUP_DIR);
}

/** A free name `pos-YYYYMMDD-HHMMSS[-N].sqlite` in the backup directory. */
export function freeBackupPath(dataDir: string, prefix: string, now: Date): string {
  const dir = backupDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (let n = 0; ; n += 1) {
    const path = join(dir, `${prefix}-${stamp(now)}${n ? `-${n}` : ''}.sqlite`);
    if (!existsSync(path)) return path;
  }
}

/** The backup files, newest first (the technician console's list). */
export async function listBackups(dataDir: string): Promise<BackupFile[]> {
  const dir = backupDir(dataDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files = await Promise.all(
    names
      .filter((n) => BACKUP_NAME.test(n))
      .map(async (n) => {
        const path = join(dir, n);
        const s = await stat(path);
        return { name: n, path, bytes: s.size, modifiedAt: s.mtime.toISOString() };
      }),
  );
  return files.sort((a, b) => (a.modifiedAt < b.modifiedAt ? 1 : a.modifiedAt > b.modifiedAt ? -1 : b.name.localeCompare(a.name)));
}

/** Whether a staged restore waits for the next start. */
export async function hasPendingRestore(dataDir: string): Promise<boolean> {
  try {
    await access(join(dataDir, RESTORE_DIR, PENDING_RESTORE));
    return true;
  } catch {
    return false;
  }
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


/** What `pending.json` holds: the audit row of the restore is written from it at the next start. */
export interface StagedRestore {
  /** Ties the audit row to this staging, so a start cut short and run again does not record it twice. */
  restoreId: string;
  backup: string | null;
  actor: Caller | null;
  stagedAt: string | null;
}

function readStagedRestore(dataDir: string): StagedRestore | null {
  try {
    const raw = JSON.parse(readFileSync(join(dataDir, RESTORE_DIR, PENDING_RESTORE_INFO), 'utf8')) as Partial<Record<keyof StagedRestore, unknown>>;
    if (typeof raw.restoreId !== 'string') return null;
    const actor = raw.actor as { role?: unknown; userId?: unknown } | null | undefined;
    return {
      restoreId: raw.restoreId,
      backup: typeof raw.backup === 'string' ? raw.backup : null,
      actor:
        actor && typeof actor === 'object'
          ? { role: typeof actor.role === 'string' ? (actor.role as SessionRole) : null, userId: typeof actor.userId === 'string' ? actor.userId : null }
          : null,
      stagedAt: typeof raw.stagedAt === 'string' ? raw.stagedAt : null,
    };
  } catch {
    return null;
  }
}

export function writeStagedRestore(dataDir: string, info: StagedRestore): void {
  const path = join(dataDir, RESTORE_DIR, PENDING_RESTORE_INFO);
  writeFileSync(`${path}.partial`, JSON.stringify(info), { mode: 0o600 });
  renameSync(`${path}.partial`, path);
}

export function pendingRestorePath(dataDir: string): string | null {
  const path = join(dataDir, RESTORE_DIR, PENDING_RESTORE);
  return existsSync(path) ? path : null;
}

/**
 * Readies the staged database before it takes the database's place: migrated (the audit log needs version 9),
 * its unprinted print jobs ended (dead, their bytes dropped: old receipts never print again), and a
 * `diagnostics.restored` row appended to its audit chain, in one transaction. Left in rollback-journal mode so
 * the one file is the whole database for the rename. Run again after a start cut short (same restoreId), it
 * changes nothing and returns the kept name recorded the first time.
 */
function readyRestored(
  pending: string,
  options: { info: StagedRestore; keptName: () => string | null; clock: Clock; nativeBinding?: string },
): { keptName: string | null; droppedPrintJobs: number } {
  const db = openDatabase(pending, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    const audit = createAuditService({ db, clock: options.clock });
    const result = db.transaction(() => {
      const prior = db
        .prepare("SELECT details FROM audit_log WHERE action = 'diagnostics.restored' AND json_extract(details, '$.restoreId') = ?")
        .pluck()
        .get(options.info.restoreId) as string | undefined;
      if (prior) {
        const details = JSON.parse(prior) as { kept?: unknown; droppedPrintJobs?: unknown };
        return { keptName: typeof details.kept === 'string' ? details.kept : null, droppedPrintJobs: 0 };
      }
      const droppedPrintJobs = dropOpenPrintJobs(db, 'dropped: the database was restored from a backup', options.clock.now().toISOString());
      const keptName = options.keptName();
      audit.record({
        actor: options.info.actor,
        action: 'diagnostics.restored',
        subject: options.info.backup,
        details: { backup: options.info.backup, kept: keptName, stagedAt: options.info.stagedAt, droppedPrintJobs, restoreId: options.info.restoreId },
      });
      return { keptName, droppedPrintJobs };
    })();
    const mode = db.pragma('journal_mode = DELETE', { simple: true }) as string;
    if (mode !== 'delete') throw new Error(`the staged database stayed in ${mode} mode`);
    return result;
  } finally {
    db.close();
  }
}

/**
 * Called at start, before the database opens. When a restore is staged: the staged database is readied
 * (readyRestored: print jobs dropped, the restore audited in it), the current database (its WAL checkpointed
 * into it) moves to `backups/pos-before-restore-….sqlite`, then the staged file takes its place.
 * Each step is a rename, so a crash between them is finished by the next start. Returns the kept database.
 */
/**
 * Removes the side files of backups a stopped terminal never finished (`*.partial`: a crash or a kill in the
 * middle of a `VACUUM INTO`, as large as the database). Run at start-up, before the SQL worker can start another.
 */
export function removeUnfinishedBackups(dataDir: string): string[] {
  const dir = backupDir(dataDir);
  if (!existsSync(dir)) return [];
  const unfinished = readdirSync(dir).filter((name) => name.endsWith('.partial'));
  for (const name of unfinished) rmSync(join(dir, name), { force: true });
  return unfinished;
}

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
  const infoPath = join(dataDir, RESTORE_DIR, PENDING_RESTORE_INFO);
  let readied: ReturnType<typeof readyRestored> | null = null;
  let info: StagedRestore | null = null;
  if (!problem) {
    info = readStagedRestore(dataDir);
    if (!info) {
      // Staged without a description (a crash while staging): recorded with an unknown actor, once.
      info = { restoreId: randomUUID(), backup: null, actor: null, stagedAt: null };
      writeStagedRestore(dataDir, info);
    }
    try {
      const current = existsSync(databasePath);
      readied = readyRestored(pending, {
        info,
        keptName: () => (current ? basename(freeBackupPath(dataDir, 'pos-before-restore', clock.now())) : null),
        clock,
        ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
      });
    } catch (error) {
      problem = { reason: 'not_ready', detail: (error as Error).message };
    }
  }
  if (problem || !readied || !info) {
    // Checked when staged; a file damaged since (or that cannot be migrated) is set aside, never applied.
    const rejected = `${pending}.rejected-${stamp(clock.now())}`;
    renameSync(pending, rejected);
    for (const suffix of ['-wal', '-shm']) if (existsSync(pending + suffix)) renameSync(pending + suffix, rejected + suffix);
    rmSync(infoPath, { force: true });
    log?.error({ reason: problem?.reason, detail: problem?.detail }, 'staged restore refused at start; database unchanged');
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
    // The name the audit row gives it (chosen free a moment ago, or by an earlier start cut short).
    const named = readied.keptName ? join(backupDir(dataDir), readied.keptName) : null;
    const keep = named && !existsSync(named) ? named : freeBackupPath(dataDir, 'pos-before-restore', clock.now());
    renameSync(databasePath, keep);
    kept = fileInfo(keep);
  }
  for (const suffix of ['-wal', '-shm']) rmSync(databasePath + suffix, { force: true });
  renameSync(pending, databasePath);
  rmSync(infoPath, { force: true });
  log?.warn(
    { keptAs: kept?.name ?? null, backup: info.backup, droppedPrintJobs: readied.droppedPrintJobs },
    'database restored from a staged backup; its unprinted print jobs dropped',
  );
  return kept;
}
