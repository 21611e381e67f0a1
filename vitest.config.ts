import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const UNIT_DIRS = ['src-common', 'db', 'drivers', 'src-main', 'src-renderer'];
const TEST_FILE = /\.test\.tsx?$/;
/** What outlives a test file when files share a worker's modules: module mocks, stubbed globals and env, fake timers. */
const LEAKS_ACROSS_FILES = /\bvi\.(mock|doMock|stubGlobal|stubEnv|useFakeTimers)\(/;

/**
 * The unit test files that mock modules or stub globals: they run in the `unit-isolated` project (a fresh module
 * graph per file); the other unit files share a worker's modules.
 */
function unitTestsThatMock(): string[] {
  return UNIT_DIRS.flatMap((dir) =>
    (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
      .filter((file) => TEST_FILE.test(file) && !file.split(/[\\/]/).includes('node_modules'))
      .map((file) => join(dir, file).replaceAll('\\', '/'))
      .filter((path) => LEAKS_ACROSS_FILES.test(readFileSync(path, 'utf8'))),
  );
}
const mockingUnitTests = unitTestsThatMock();

export default defineConfig({
  test: {
    // vitest's default (cores - 1) is ONE worker on a 2-core machine: the Node projects (unit, integration, server)
    // then ran one file at a time while most of their files wait on child processes, sockets and PostgreSQL.
    // Two workers at least; the Chromium projects (fileParallelism: false) still run one file at a time, after them.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [`{${UNIT_DIRS.join(',')}}/**/*.test.{ts,tsx}`],
          exclude: ['**/node_modules/**', ...mockingUnitTests],
          environment: 'node',
          // The files of a worker share its modules (imported once, not once per file: the per-file start-up cost
          // more than the unit tests themselves); spies are restored between files by vitest.
          isolate: false,
          // Property tests run hundreds of cases: a loaded 2-core machine can take them past vitest's 5 s.
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          // The unit tests that mock modules or stub globals, each file with modules of its own.
          name: 'unit-isolated',
          include: mockingUnitTests,
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: ['test/integration/server-*.test.ts'],
          // Each file with modules of its own (isolate: true, vitest's default), unlike the unit files: in a run
          // that shared a worker's modules payment-crash once found a payment paid where it expects it reversed,
          // not seen since with isolated files (load, or something an earlier file left: not known). Likewise the
          // server project: server/database.ts sets pg's global type parsers, which its migration tests must not have.
          testTimeout: 30_000,
          // beforeAll hooks start host processes and sandboxes: with two files at a time on a busy 2-core machine,
          // vitest's default 10 s cut some off before their host was up.
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // The store server on real PostgreSQL: one embedded cluster per run, a database per test file.
          name: 'server',
          include: ['server/**/*.test.ts', 'test/integration/server-*.test.ts'],
          globalSetup: ['server/testing/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // The web back office (issue 15) in Chromium against the store server on the run's PostgreSQL.
          name: 'office',
          include: ['test/office/**/*.test.ts'],
          globalSetup: ['server/testing/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          // Its files one after another in one worker that imports the server, playwright and helpers once.
          isolate: false,
          sequence: { groupOrder: 2 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One Chromium at a time on a 2-core machine.
          fileParallelism: false,
          // Its files one after another in one worker that imports playwright and the helpers once (a file's
          // host process, Chromium and pages are still its own); after the Node projects (group 0).
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          // A 1,000,000-sale database under maintenance while scans and a payment are timed: run alone
          // (scripts/test.mjs runs this project after the others), so other tests do not take its cores.
          name: 'stress',
          include: ['test/stress/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
