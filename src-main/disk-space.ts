/** The data directory's disk: how much room is left, and whether an error says it ran out. */
import { statfs } from 'node:fs/promises';
import { PosError } from '../src-common/errors';

/** Bytes an unprivileged writer may still use on the disk holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}

/** SQLite's "database or disk is full", or the file system's ENOSPC (a log or backup write). */
export function isDiskFullError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || (code === 'SQLITE_IOERR_WRITE' && /disk|space/i.test(String((error as Error).message)));
}

export function diskFullError(details: Record<string, unknown> = {}): PosError {
  return new PosError('disk_full', 'The terminal’s disk is full: nothing can be recorded until a technician frees space', { reason: 'disk_full', ...details });
}

/** Refuses (disk_full) when less than `minFreeBytes` is left where the database lives. */
export async function assertDiskRoom(dir: string, minFreeBytes: number): Promise<void> {
  // Asked off the core's loop: statfs on a slow or hung disk must not stall scans.
  const free = await freeBytes(dir);
  if (free < minFreeBytes) throw diskFullError({ freeBytes: free, neededBytes: minFreeBytes });
}
