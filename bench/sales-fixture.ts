/**
 * A database of N generated sales (bench/generate-sales.ts), made once and cached in the temp folder, keyed by
 * size and the generator's version, shared by the benchmarks and the tests that need a big database. A cached
 * database from an older schema is brought forward by the migrations once, in the cache (as a terminal's would be
 * at its first start after an upgrade), so each copy of it starts at the current schema; one from a newer schema
 * than this code knows is made again. Made under a temporary name and renamed, so
 * a half-made file is never taken for a cached one.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { latestSchemaVersion } from '../db/migrations';
import { openDatabase } from '../db/open';
import { generateSalesDatabase } from './generate-sales';

export interface SalesFixture {
  path: string;
  sales: number;
  /** The last business day of the data ('YYYY-MM-DD'). */
  lastDay: string;
  generation: { seconds: number; cached: boolean };
}

/** Raise when generate-sales.ts makes different data. */
const GENERATOR_VERSION = 1;

export function salesFixturePath(sales: number): string {
  return join(tmpdir(), `jiezhang-bench-${sales}-sales-g${GENERATOR_VERSION}.sqlite`);
}

export async function cachedSalesDatabase(sales: number, options: { fresh?: boolean; log?: (line: string) => void } = {}): Promise<SalesFixture> {
  const path = salesFixturePath(sales);
  if (!options.fresh && existsSync(path)) {
    const version = (() => {
      const probe = new Sqlite(path, { readonly: true });
      try {
        return probe.pragma('user_version', { simple: true }) as number;
      } finally {
        probe.close();
      }
    })();
    if (version < latestSchemaVersion) {
      options.log?.(`migrating the cached ${sales}-sale database from schema ${version} to ${latestSchemaVersion}`);
      openDatabase(path).close();
    }
    const probe = new Sqlite(path, { readonly: true });
    try {
      if ((probe.pragma('user_version', { simple: true }) as number) <= latestSchemaVersion) {
        const lastDay = probe.prepare("SELECT max(business_date) FROM sale WHERE status = 'completed'").pluck().get() as string;
        return { path, sales, lastDay, generation: { seconds: 0, cached: true } };
      }
    } finally {
      probe.close();
    }
  }
  const making = `${path}.making-${process.pid}`;
  const made = await generateSalesDatabase({ path: making, sales, ...(options.log ? { log: options.log } : {}) });
  // One file to move: the generator's connection is closed, so its WAL is checkpointed into the main file.
  for (const suffix of ['-wal', '-shm']) rmSync(making + suffix, { force: true });
  renameSync(making, path);
  return { path, sales, lastDay: made.lastDay, generation: { seconds: Number(made.seconds.toFixed(1)), cached: false } };
}
