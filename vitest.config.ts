import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{src-common,db,drivers,src-main,src-renderer}/**/*.test.{ts,tsx}'],
          environment: 'node',
          // Property tests run hundreds of cases: a loaded 2-core machine can take them past vitest's 5 s.
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: ['test/integration/server-*.test.ts'],
          testTimeout: 30_000,
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
