import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_BYTES, type Fact } from '../../src-common/sync-protocol';
import { startEmbeddedPostgres } from '../../server/embedded-postgres';
import { apiClient } from '../../server/testing/client';
import { saleFact, sales } from '../../server/testing/facts';
import { connect, freshDatabase } from '../../server/testing/postgres';
import { startServer } from '../../server/start';
import { startServerProcess, type ServerProcess } from '../helpers/server-process';

async function enrolled(server: Pick<ServerProcess, 'admin' | 'as'>, terminalId: string): Promise<string> {
  const store = await server.admin.call('POST', '/v1/admin/stores', { body: { name: '一号店' } });
  const code = await server.admin.call('POST', `/v1/admin/stores/${store.body.storeId}/enrolment-codes`);
  const reply = await server.as(null).call('POST', '/v1/enrol', { body: { code: code.body.code, terminalId, terminalName: terminalId, appVersion: '0.1.0' } });
  expect(reply.status).toBe(200);
  return reply.body.credential;
}

const until = async (check: () => Promise<boolean>, ms: number, what: string) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('store server faults (real PostgreSQL, the built server as a process)', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jiezhang-server-fault-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('SIGKILL in the middle of a big batch: nothing partial is stored, the retry after restart stores it whole, once', async () => {
    const databaseUrl = await freshDatabase();
    const dataDir = await tempDir();
    const watch = await connect(databaseUrl);
    let server = await startServerProcess(dataDir, databaseUrl);
    try {
      const credential = await enrolled(server, 'K1');
      // 500 sales of 6 lines: a batch near the size limit, long enough to kill mid-way.
      const batch: Fact[] = Array.from({ length: 500 }, (_, i) =>
        saleFact(i + 1, { lines: Array.from({ length: 6 }, (_, l) => ({ productId: `P${l}`, price: 100 + l })) }),
      );
      const stream = ulid();
      expect(Buffer.byteLength(JSON.stringify({ stream, facts: batch }))).toBeLessThan(MAX_BATCH_BYTES);

      const sent = server.as(credential).call('POST', '/v1/facts', { body: { stream, facts: batch } }).then(
        () => 'answered',
        () => 'connection lost',
      );
      // The moment the server's transaction has written something, kill the process.
      await until(async () => {
        const { rows } = await watch.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'jiezhang-server' AND backend_xid IS NOT NULL`);
        return rows.length > 0;
      }, 20_000, 'the batch transaction');
      server.child.kill('SIGKILL');
      await server.exited;
      expect(await sent).toBe('connection lost');
      // PostgreSQL rolls the dead client's transaction back once it notices.
      await until(async () => (await watch.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'jiezhang-server' AND backend_xid IS NOT NULL`)).rows.length === 0, 20_000, 'the rollback');
      // seqs: the stream's seqs that hold a fact (stored by this stream: its (stream, seq) in fact; server migration 0016).
      const counts = async () =>
        (
          await watch.query(
            `SELECT (SELECT count(*)::int FROM fact) AS facts, (SELECT count(DISTINCT seq)::int FROM fact WHERE stream = $1) + (SELECT count(*)::int FROM stream_seq) AS seqs,
                    (SELECT count(*)::int FROM sale_line) AS lines, (SELECT coalesce(max(acked_seq), 0)::int FROM fact_stream) AS acked`,
            [stream],
          )
        ).rows[0];
      expect(await counts()).toEqual({ facts: 0, seqs: 0, lines: 0, acked: 0 });

      server = await startServerProcess(dataDir, databaseUrl);
      expect((await server.as(credential).call('GET', `/v1/stream?stream=${stream}`)).body.ackedSeq).toBe(0);
      const retry = await server.as(credential).call('POST', '/v1/facts', { body: { stream, facts: batch } });
      expect(retry.body).toEqual({ stream, ackedSeq: 500 });
      expect(await counts()).toEqual({ facts: 500, seqs: 500, lines: 3000, acked: 500 });
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
      await watch.end();
    }
  });

  it('SIGKILL with the embedded PostgreSQL: the next start takes its cluster over, data intact', async () => {
    const dataDir = await tempDir();
    let server = await startServerProcess(dataDir);
    try {
      const credential = await enrolled(server, 'E1');
      const stream = ulid();
      expect((await server.as(credential).call('POST', '/v1/facts', { body: { stream, facts: sales(1, 3) } })).body.ackedSeq).toBe(3);
      server.child.kill('SIGKILL');
      await server.exited;
      server = await startServerProcess(dataDir);
      expect((await server.as(credential).call('GET', `/v1/stream?stream=${stream}`)).body.ackedSeq).toBe(3);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});

describe('store server with PostgreSQL down (its own embedded cluster)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jiezhang-pg-down-'));
    await chmod(dir, 0o755); // PostgreSQL runs as the postgres user under root: it must reach its cluster inside
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('answers 503 unavailable while PostgreSQL is down and recovers by itself when it is back', async () => {
    let cluster = await startEmbeddedPostgres(join(dir, 'pg'));
    const port = cluster.port;
    const server = await startServer({ dataDir: join(dir, 'server'), databaseUrl: cluster.url('postgres'), host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
    const admin = apiClient(server.url, server.tls.cert, server.adminToken);
    try {
      const credential = await enrolled({ admin, as: (c) => apiClient(server.url, server.tls.cert, c) }, 'D1');
      const till = apiClient(server.url, server.tls.cert, credential);
      const stream = ulid();
      expect((await till.call('POST', '/v1/facts', { body: { stream, facts: sales(1, 2) } })).body.ackedSeq).toBe(2);

      await cluster.stop();
      const down = await till.call('POST', '/v1/facts', { body: { stream, facts: sales(3, 2) } });
      expect(down.status).toBe(503);
      expect(down.body.error.code).toBe('unavailable');
      expect((await till.call('GET', '/v1/pull?since=0')).status).toBe(503);
      expect((await admin.call('GET', '/v1/admin/stores')).status).toBe(503);

      cluster = await startEmbeddedPostgres(join(dir, 'pg'), { port });
      const back = await till.call('POST', '/v1/facts', { body: { stream, facts: sales(3, 2) } });
      expect(back.body).toEqual({ stream, ackedSeq: 4 });
      const check = new pg.Client({ connectionString: cluster.url('postgres') });
      await check.connect();
      expect((await check.query('SELECT count(*)::int AS n FROM fact')).rows[0]).toEqual({ n: 4 });
      await check.end();
    } finally {
      await server.close();
      await cluster.stop();
    }
  });
});
