/**
 * A database of N generated sales (bench/generate-sales.ts), made once and cached in the temp folder, keyed by
 * size and schema (a changed migration makes a new one), shared by the benchmarks and the tests that need a big
 * database. Made under a temporary name and renamed, so a half-made file is never taken for a cached one.
 */
import { createHash } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { latestSchemaVersion, migrations } from '../db/migrations';
import { generateSalesDatabase } from './generate-sales';

export interface SalesFixture {
  path: string;
  sales: number;
  /** The last business day of the data ('YYYY-MM-DD'). */
  lastDay: string;
  generation: { seconds: number; cached: boolean };
}

export function salesFixturePath(sales: number): string {
  const schema = createHash('sha256').update(migrations.map((m) => m.sql).join('\n')).digest('hex').slice(0, 8);
  return join(tmpdir(), `jiezhang-bench-${sales}-sales-v${latestSchemaVersion}-${schema}.sqlite`);
}

export async function cachedSalesDatabase(sales: number, options: { fresh?: boolean; log?: (line: string) => void } = {}): Promise<SalesFixture> {
  const path = salesFixturePath(sales);
  if (!options.fresh && existsSync(path)) {
    const probe = new Sqlite(path, { readonly: true });
    try {
      const lastDay = probe.prepare("SELECT max(business_date) FROM sale WHERE status = 'completed'").pluck().get() as string;
      return { path, sales, lastDay, generation: { seconds: 0, cached: true } };
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
