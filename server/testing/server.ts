import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import type { RateLimits } from '../rate-limit';
import { startServer, type RunningServer } from '../start';
import { apiClient, type ApiClient } from './client';
import { freshDatabase } from './postgres';

const UNLIMITED: RateLimits = { terminal: { burst: 1e9, perSecond: 1e9 }, failures: { burst: 1e9, perSecond: 1e9 } };

export interface TestServer {
  readonly server: RunningServer;
  readonly dataDir: string;
  /** Calls with the admin token. */
  readonly admin: ApiClient;
  /** Calls with the given credential (or none). */
  as(credential: string | null): ApiClient;
  /** Straight to the server's database, to look at what it stored. */
  sql<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

/** The real server on a fresh database of the run's PostgreSQL, on a free loopback port, logs silenced. */
export async function startTestServer(databaseUrl?: string, options: { pullPageRows?: number; log?: pino.Logger; rateLimits?: RateLimits; tlsFiles?: { certFile: string; keyFile: string }; clientCa?: string; publicUrl?: string } = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'jiezhang-server-'));
  const server = await startServer({
    dataDir,
    databaseUrl: databaseUrl ?? (await freshDatabase()),
    host: '127.0.0.1',
    port: 0,
    log: pino({ level: 'silent' }),
    // Every test client comes from 127.0.0.1 and many send wrong codes on purpose: the limits are server-rate-limit.test.ts's.
    rateLimits: UNLIMITED,
    // The built back office, if the run built it (npm test builds before the tests).
    staticDir: resolve('out/renderer'),
    ...(options.pullPageRows === undefined ? {} : { pullPageRows: options.pullPageRows }),
    ...(options.log ? { log: options.log } : {}),
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
    ...(options.tlsFiles ? { tlsFiles: options.tlsFiles } : {}),
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    // The run's PostgreSQL is a Citus coordinator (testing/postgres.ts): the tests run on distributed tables.
    distributeOnCitus: Boolean(process.env.JIEZHANG_TEST_CITUS_WORKERS),
  });
  // A CA-signed server is trusted through its CA; a self-signed one through its own certificate.
  const trusted = options.clientCa ?? server.tls.cert;
  return {
    server,
    dataDir,
    admin: apiClient(server.url, trusted, server.adminToken),
    as: (credential) => apiClient(server.url, trusted, credential),
    async sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []) {
      const client = new pg.Client({ connectionString: server.databaseUrl });
      await client.connect();
      try {
        return (await client.query<T>(text, params)).rows;
      } finally {
        await client.end();
      }
    },
    async stop() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
