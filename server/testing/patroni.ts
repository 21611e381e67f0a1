/**
 * A Patroni HA pair on this machine, for the store server's failover test: etcd (the DCS), two PostgreSQL nodes
 * each run by its Patroni (Debian's packages: patroni, etcd-server, postgresql-NN), in synchronous mode, and
 * HAProxy in front sending connections to whichever node Patroni's REST API says is the primary (GET /primary),
 * as Patroni's own documentation sets it up. The store server only ever sees HAProxy's address.
 *
 * Everything listens on loopback on free ports, in a temp dir. PostgreSQL refuses to run as root, so under root the
 * Patroni processes run as the `postgres` user the Debian package made.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The newest Debian PostgreSQL's bin dir, or null when none is installed. */
export function debianPostgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

const onPath = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/** Whether this machine can run the pair (the packages are installed by .ci/run). */
export function patroniAvailable(): boolean {
  return debianPostgresBinDir() !== null && onPath('patroni') && onPath('etcd') && onPath('haproxy');
}

/**
 * A port free now and outside the kernel's ephemeral range. PostgreSQL on the second node binds its port only after
 * the base backup, tens of seconds later; a port that listen(0) handed out comes from the ephemeral range, where any
 * outgoing connection of the tests beside this one may take it meanwhile (a CI run failed so: "Address already in
 * use"). Below that range only a listener asking for that very port can.
 */
async function freePort(): Promise<number> {
  const [ephemeralLow] = (() => {
    try {
      return readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    } catch {
      return [32768];
    }
  })();
  const high = Math.max(20_000, (ephemeralLow ?? 32768) - 1);
  const low = Math.min(20_000, high - 1_000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free port below the ephemeral range');
}
/** Ports this process has handed out: not handed out twice before they are bound. */
const taken = new Set<number>();

export interface PatroniNode {
  readonly name: string;
  readonly pgPort: number;
  readonly restPort: number;
  readonly dataDir: string;
  process: ChildProcess | null;
}

export interface PatroniPair {
  /** postgres://… through HAProxy: the primary, whichever node that is. */
  readonly url: string;
  readonly nodes: readonly PatroniNode[];
  /** The node whose REST API answers 200 to GET /primary, or null. */
  primary(): Promise<PatroniNode | null>;
  /** Waits until a primary and a synchronous standby are both there; returns the primary. */
  healthy(timeoutMs: number): Promise<PatroniNode>;
  /** The node's machine dies: its Patroni and its PostgreSQL are killed with SIGKILL. */
  crash(node: PatroniNode): Promise<void>;
  /** What Patroni's REST API says of the cluster (members, roles, lag), for the test's messages. */
  cluster(): Promise<unknown>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function get(port: number, path: string): Promise<{ status: number; body: unknown } | null> {
  try {
    const reply = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(1_000) });
    const text = await reply.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: reply.status, body };
  } catch {
    return null;
  }
}

export async function startPatroniPair(): Promise<PatroniPair> {
  const binDir = debianPostgresBinDir();
  if (!binDir) throw new Error('no Debian PostgreSQL installed (apt-get install postgresql-15)');
  const dir = await mkdtemp(join(tmpdir(), 'jiezhang-patroni-'));
  await chmod(dir, 0o755);
  const asRoot = process.getuid?.() === 0;
  const postgresUser = asRoot ? { uid: Number(spawnSync('id', ['-u', 'postgres']).stdout.toString()), gid: Number(spawnSync('id', ['-g', 'postgres']).stdout.toString()) } : null;
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  const started = (name: string, child: ChildProcess) => {
    children.push(child);
    child.stdout?.on('data', (d: Buffer) => logs.push(`[${name}] ${d.toString()}`));
    child.stderr?.on('data', (d: Buffer) => logs.push(`[${name}] ${d.toString()}`));
    return child;
  };

  const etcdClient = await freePort();
  const etcdPeer = await freePort();
  started(
    'etcd',
    spawn('etcd', [
      '--name', 'dcs', '--data-dir', join(dir, 'etcd'),
      '--listen-client-urls', `http://127.0.0.1:${etcdClient}`, '--advertise-client-urls', `http://127.0.0.1:${etcdClient}`,
      '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
      '--initial-cluster', `dcs=http://127.0.0.1:${etcdPeer}`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] }),
  );

  const nodes: PatroniNode[] = [];
  for (const name of ['node1', 'node2']) {
    const node: PatroniNode = { name, pgPort: await freePort(), restPort: await freePort(), dataDir: join(dir, name, 'data'), process: null };
    const home = join(dir, name);
    await mkdir(home, { recursive: true });
    if (postgresUser) await chown(home, postgresUser.uid, postgresUser.gid);
    // JSON is YAML: Patroni reads it as its configuration file.
    const config = {
      scope: 'jiezhang-test',
      name,
      log: { level: 'WARNING' },
      restapi: { listen: `127.0.0.1:${node.restPort}`, connect_address: `127.0.0.1:${node.restPort}` },
      etcd3: { hosts: [`127.0.0.1:${etcdClient}`] },
      bootstrap: {
        dcs: {
          // As short as Patroni allows: the leader key lapses ttl seconds after its node dies.
          ttl: 20,
          loop_wait: 2,
          retry_timeout: 5,
          maximum_lag_on_failover: 1_048_576,
          // A commit answers only once the standby has it: a fact acknowledged to a till survives the primary's death.
          synchronous_mode: true,
          postgresql: { use_pg_rewind: false, parameters: { max_connections: 100, wal_level: 'replica', max_wal_senders: 10, max_replication_slots: 10, hot_standby: 'on' } },
        },
        initdb: [{ encoding: 'UTF8' }, { locale: 'C.UTF-8' }],
        pg_hba: ['local all all trust', 'host all all 127.0.0.1/32 trust', 'host replication all 127.0.0.1/32 trust'],
      },
      postgresql: {
        listen: `127.0.0.1:${node.pgPort}`,
        connect_address: `127.0.0.1:${node.pgPort}`,
        data_dir: node.dataDir,
        bin_dir: binDir,
        pgpass: join(home, 'pgpass'),
        authentication: { superuser: { username: 'postgres' }, replication: { username: 'replicator' } },
        parameters: { unix_socket_directories: home },
      },
      tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
    };
    const configFile = join(home, 'patroni.yml');
    await writeFile(configFile, JSON.stringify(config, null, 2));
    node.process = started(name, spawn('patroni', [configFile], { stdio: ['ignore', 'pipe', 'pipe'], ...(postgresUser ?? {}), env: { ...process.env, HOME: home } }));
    nodes.push(node);
    // The first node bootstraps the cluster alone; the second then clones it.
    if (nodes.length === 1) await waitFor(async () => (await get(node.restPort, '/primary'))?.status === 200, 60_000, 'the first node to become primary', logs);
  }

  const proxyPort = await freePort();
  const proxyConfig = join(dir, 'haproxy.cfg');
  await writeFile(
    proxyConfig,
    [
      'global',
      '  maxconn 200',
      'defaults',
      '  mode tcp',
      '  timeout connect 2s',
      '  timeout client 30m',
      '  timeout server 30m',
      '  timeout check 1s',
      'listen primary',
      `  bind 127.0.0.1:${proxyPort}`,
      '  option httpchk GET /primary',
      '  http-check expect status 200',
      '  default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions',
      ...nodes.map((n) => `  server ${n.name} 127.0.0.1:${n.pgPort} maxconn 100 check port ${n.restPort}`),
      '',
    ].join('\n'),
  );
  started('haproxy', spawn('haproxy', ['-f', proxyConfig, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] }));

  const primary = async () => {
    for (const node of nodes) if ((await get(node.restPort, '/primary'))?.status === 200) return node;
    return null;
  };
  return {
    url: `postgres://postgres@127.0.0.1:${proxyPort}/postgres`,
    nodes,
    primary,
    async healthy(timeoutMs) {
      let found: PatroniNode | null = null;
      await waitFor(
        async () => {
          found = await primary();
          const members = ((await get(found?.restPort ?? nodes[0]!.restPort, '/cluster'))?.body as { members?: { role: string; state: string }[] } | undefined)?.members ?? [];
          return found !== null && members.some((m) => m.role === 'sync_standby' && (m.state === 'streaming' || m.state === 'running'));
        },
        timeoutMs,
        'a primary with a synchronous standby',
        logs,
      );
      return found!;
    },
    async crash(node) {
      node.process?.kill('SIGKILL');
      node.process = null;
      killPostgres(node);
    },
    async cluster() {
      for (const node of nodes) {
        const reply = await get(node.restPort, '/cluster');
        if (reply?.status === 200) return reply.body;
      }
      return null;
    },
    async stop() {
      for (const child of children) child.kill('SIGKILL');
      for (const node of nodes) killPostgres(node);
      await sleep(200);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A machine's death: the postmaster and every backend of the node at once (SIGKILL). */
function killPostgres(node: PatroniNode) {
  let pid: number;
  try {
    pid = Number(readFileSync(join(node.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return; // not running
  }
  spawnSync('pkill', ['-KILL', '-P', String(pid)]);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string, logs: string[]): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${logs.slice(-40).join('')}`);
    await sleep(250);
  }
}
