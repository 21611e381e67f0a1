/** The terminal's numbered SQL migrations (db/migrations/NNNN_name.sql), bundled into the build (no files to find at run time). */
import { parseMigrationFiles, type Migration } from '../src-common/migration-files';
import { baselineVersion, type Baseline } from './baseline';
import baselineSql from './baseline.sql?raw';

export { parseMigrationFiles, type Migration };

const files = import.meta.glob<string>('./migrations/*.sql', { query: '?raw', import: 'default', eager: true });

export const migrations: readonly Migration[] = parseMigrationFiles(files);
export const latestSchemaVersion = migrations.length;

/** What the migrations make, in one step, for a new database (./baseline.ts); its version is read from its first line. */
export const baseline: Baseline = { version: baselineVersion(baselineSql) ?? 0, sql: baselineSql };
