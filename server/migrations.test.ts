import { describe, expect, it } from 'vitest';
import { latestSchemaVersion, migrations, parseMigrationFiles } from './migrations';

describe('server migrations', () => {
  it('are numbered 1..N without gaps, each with its SQL', () => {
    expect(migrations.map((m) => m.version)).toEqual(Array.from({ length: latestSchemaVersion }, (_, i) => i + 1));
    expect(migrations[0]).toMatchObject({ version: 1, name: 'init', sql: expect.stringContaining('CREATE TABLE fact') });
  });

  it('refuse a gap or a bad file name', () => {
    expect(() => parseMigrationFiles({ './migrations/0001_a.sql': '', './migrations/0003_c.sql': '' })).toThrow(/expected 2, found 3/);
    expect(() => parseMigrationFiles({ './migrations/1_a.sql': '' })).toThrow(/NNNN_name\.sql/);
  });
});
