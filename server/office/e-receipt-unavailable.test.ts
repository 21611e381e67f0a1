/**
 * The e-receipt page while the store's PostgreSQL is down (its own embedded cluster, stopped and started again):
 * the phone gets a plain HTML page saying to try again (503, Retry-After), never the API's JSON, and the receipt
 * once PostgreSQL is back.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../embedded-postgres';
import { startServer } from '../start';
import { apiClient } from '../testing/client';
import { saleFact } from '../testing/facts';

describe('e-receipt page with PostgreSQL down', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jiezhang-ereceipt-down-'));
    await chmod(dir, 0o755); // PostgreSQL runs as the postgres user under root: it must reach its cluster inside
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('answers a plain 503 page to try again, then the receipt when PostgreSQL is back', async () => {
    let cluster = await startEmbeddedPostgres(join(dir, 'pg'));
    const port = cluster.port;
    const server = await startServer({ dataDir: join(dir, 'server'), databaseUrl: cluster.url('postgres'), host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
    const get = (path: string) =>
      new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((done, fail) => {
        const req = request(new URL(path, server.url), { ca: server.tls.cert, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        });
        req.on('error', fail);
        req.end();
      });
    try {
      const admin = apiClient(server.url, server.tls.cert, server.adminToken);
      const store = await admin.call('POST', '/v1/admin/stores', { body: { name: '一号店' } });
      const code = await admin.call('POST', `/v1/admin/stores/${store.body.storeId}/enrolment-codes`);
      const enrolled = await apiClient(server.url, server.tls.cert).call('POST', '/v1/enrol', { body: { code: code.body.code, terminalId: 'TILL-D1', terminalName: 'D1', appVersion: '0.1.0' } });
      const token = randomBytes(16).toString('base64url');
      const fact = saleFact(1, { at: new Date().toISOString() });
      const upload = await apiClient(server.url, server.tls.cert, enrolled.body.credential).call('POST', '/v1/facts', {
        body: { stream: 'S1', facts: [{ ...fact, payload: { ...fact.payload, receiptToken: token } }] },
      });
      expect(upload.body.ackedSeq).toBe(1);
      expect((await get(`/r/${token}`)).status).toBe(200);

      await cluster.stop();
      const down = await get(`/r/${token}`);
      expect(down.status).toBe(503);
      expect(down.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(down.headers['retry-after']).toBe('30');
      expect(down.body).toContain('暂时无法显示小票');
      expect(down.body).not.toContain('"error"');

      cluster = await startEmbeddedPostgres(join(dir, 'pg'), { port });
      const back = await get(`/r/${token}`);
      expect(back.status).toBe(200);
      expect(back.body).toContain('一号店');
    } finally {
      await server.close();
      await cluster.stop();
    }
  });
});
