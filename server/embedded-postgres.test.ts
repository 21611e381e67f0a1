/**
 * The embedded cluster's Unix socket: where it goes, when it falls back to TCP, and that the run's own embedded
 * cluster (server/testing/global-setup.ts) is reached over it, in a directory only its owner may enter.
 */
import { stat } from 'node:fs/promises';
import pg from 'pg';
import { parse } from 'pg-connection-string';
import { describe, expect, inject, it } from 'vitest';
import { socketDirectory } from './embedded-postgres';

describe('the embedded PostgreSQL socket', () => {
  it('goes under the data directory, or nowhere when its path would not fit or needs quoting', () => {
    expect(socketDirectory('/srv/jiezhang', 5432)).toBe('/srv/jiezhang/postgres-socket');
    // 107 bytes is sun_path's room: <dir>/postgres-socket/.s.PGSQL.5432 is the directory's length + 30.
    const fits = `/${'x'.repeat(107 - 30 - 1)}`;
    expect(socketDirectory(fits, 5432)).toBe(`${fits}/postgres-socket`);
    expect(socketDirectory(`${fits}y`, 5432)).toBeNull();
    expect(socketDirectory('/srv/my shop', 5432)).toBeNull();
    expect(socketDirectory('/srv/a,b', 5432)).toBeNull();
  });

  it.runIf(!process.env.JIEZHANG_TEST_POSTGRES_URL)('is how the run\'s embedded cluster is reached, in a directory of mode 0700', async () => {
    const url = inject('postgresAdminUrl');
    const host = parse(url).host!;
    expect(host).toMatch(/\/postgres-socket$/);
    expect((await stat(host)).mode & 0o777).toBe(0o700);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // A Unix-socket connection has no client address.
      expect((await client.query<{ addr: string | null }>('SELECT inet_client_addr() AS addr')).rows[0]!.addr).toBeNull();
    } finally {
      await client.end();
    }
  });
});
