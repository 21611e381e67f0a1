/**
 * Starts the store server: its data dir (TLS certificate, admin token, embedded PostgreSQL unless a
 * database URL is given), migrations, then HTTPS.
 */
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { EReceiptBaseUrl } from '../src-common/e-receipt';
import { loadAdminToken } from './admin-token';
import { PULL_PAGE_ROWS } from './api/pull';
import { createApp } from './app';
import { createRateLimiter, DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limit';
import { openPool } from './database';
import { startEmbeddedPostgres, type EmbeddedCluster } from './embedded-postgres';
import { distributeOnCitus } from './citus';
import { migrate } from './migrate';
import { migrations } from './migrations';
import { findStaticFiles } from './office/static';
import { loadTls, type ServerTls } from './tls';

export interface ServerOptions {
  readonly dataDir: string;
  /** Any PostgreSQL (Debian's, a managed one, a Patroni or Citus cluster); absent: the embedded one. */
  readonly databaseUrl?: string;
  readonly host?: string;
  readonly port?: number;
  readonly tlsFiles?: { certFile: string; keyFile: string };
  readonly log?: Logger;
  readonly pullPageRows?: number;
  readonly rateLimits?: RateLimits;
  /** The renderer build holding the back office (office.html, assets/): default, the build beside this server's. */
  readonly staticDir?: string;
  /** The server's https address as customers' phones reach it (a public name, a reverse proxy): e-receipt QRs carry it. */
  readonly publicUrl?: string;
  /**
   * On a Citus coordinator, distribute the tables by store at start (server/citus.ts). Not yet by default: Citus
   * refuses some of the server's statements (server/README.md, "Citus").
   */
  readonly distributeOnCitus?: boolean;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly tls: ServerTls;
  readonly adminToken: string;
  readonly adminTokenCreated: boolean;
  readonly databaseUrl: string;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? pino({ level: 'info', redact: ['req.headers.authorization'] });
  const publicUrl = options.publicUrl === undefined ? null : EReceiptBaseUrl.parse(options.publicUrl);
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const tls = await loadTls(dataDir, options.tlsFiles);
  const { token: adminToken, created: adminTokenCreated } = await loadAdminToken(dataDir);

  let cluster: EmbeddedCluster | null = null;
  let databaseUrl = options.databaseUrl;
  if (!databaseUrl) {
    cluster = await startEmbeddedPostgres(dataDir, { onLog: (line) => log.debug({ postgres: line.trim() }, 'postgres') });
    await ensureDatabase(cluster.url('postgres'), 'jiezhang');
    databaseUrl = cluster.url('jiezhang');
  }
  const db = openPool(databaseUrl);
  try {
    const client = await db.connect();
    let lost: Error | undefined;
    const onLost = (error: Error) => (lost = error); // see inTransaction: a lost connection must not end the process
    client.on('error', onLost);
    try {
      const applied = await migrate(client, migrations);
      if (applied.length > 0) log.info({ applied }, 'migrations applied');
      const distribution = options.distributeOnCitus ? await distributeOnCitus(client) : null;
      if (distribution && distribution.distributed.length + distribution.reference.length > 0) log.info(distribution, 'tables distributed on Citus');
    } finally {
      client.removeListener('error', onLost);
      client.release(lost);
    }
  } catch (error) {
    await db.end();
    await cluster?.stop();
    throw error;
  }

  const rateLimits = options.rateLimits ?? DEFAULT_RATE_LIMITS;
  const limits = { terminal: createRateLimiter(rateLimits.terminal), failures: createRateLimiter(rateLimits.failures) };
  // Built, this file is out/main/server.js and the back office is out/renderer/.
  const staticFiles = await findStaticFiles(options.staticDir ?? resolve(dirname(fileURLToPath(import.meta.url)), '../renderer'));
  if (!staticFiles) log.warn('the web back office is not built (out/renderer/office.html): only the API is served');
  const server = createApp({ db, adminToken, tls, log, pullPageRows: options.pullPageRows ?? PULL_PAGE_ROWS, limits, staticFiles, publicUrl });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 8443, options.host ?? '0.0.0.0', done);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    tls,
    adminToken,
    adminTokenCreated,
    databaseUrl,
    async close() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await db.end();
      await cluster?.stop();
    },
  };
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}
