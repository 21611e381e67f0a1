/**
 * The store server on real PostgreSQL (embedded, in a temp dir), the built server as its own process:
 * - ingest: `tills` simulated tills (10 per store) upload `sales` sales in batches, all at once, beside a raw
 *   `COPY` of the same fact rows into a table shaped like `fact` in the same run;
 * - sync lag: the same tills selling at half the measured ingest rate, each uploading whatever is waiting as
 *   soon as it can (one request in flight per till, as the till's upload job does): commit → acknowledgement;
 * - the store-wide daily total (the admin totals query) on `totalSales` sales across `stores` stores, on a cluster
 *   made once and cached in the temp folder (server-daily-total.ts), and the back office's dashboard on it;
 * - the e-receipt page's time to first byte on the ingested sales, beside /v1/health in the same run.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ulid } from 'ulid';
import { MAX_FACTS_PER_BATCH, type Fact } from '../src-common/sync-protocol';
import { startEmbeddedPostgres } from '../server/embedded-postgres';
import { PgConnectionErrors } from './pg-connection-errors';
import { clusterCpuMs, processCpuMs } from './process-cpu';
import { dailyTotalBench } from './server-daily-total';
import { percentile } from './stats';
import { tillFacts, type SellingTill } from './till-facts';

const here = dirname(fileURLToPath(import.meta.url));

export interface ServerSyncOptions {
  readonly tills: number;
  readonly sales: number;
  readonly batch: number;
  readonly lagSeconds: number;
  readonly totalSales: number;
  readonly stores: number;
  /** Make the daily total's big database again rather than use the cached one. */
  readonly fresh?: boolean;
  /**
   * The tills send each sale with the facts a real till sends beside it (its lines' stock movements, a wallet
   * payment: bench/till-facts.ts); `sales` and `batch` still count sales, and the `COPY` copies the same rows, all of them.
   */
  readonly withStock?: boolean;
  /** The server reaches PostgreSQL over loopback TCP rather than the embedded cluster's Unix socket (to compare). */
  readonly tcp?: boolean;
}

type Call = (method: string, path: string, body?: unknown, token?: string) => Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A request body serialised ahead of time: the simulated tills share this machine with the server and PostgreSQL,
 * where real tills do their JSON on their own CPUs; the upload's batches are serialised before the clock starts.
 */
class Serialised {
  constructor(readonly json: string) {}
}

function client(url: string, cert: string): Call {
  const agent = new Agent({ keepAlive: true, maxSockets: 256, ca: cert });
  const call: Call = (method, path, body, token) =>
    new Promise((done, fail) => {
      const payload = body === undefined ? undefined : body instanceof Serialised ? body.json : JSON.stringify(body);
      const req = request(new URL(path, url), {
        method, agent, ca: cert,
        headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed as idle (its keep-alive timeout) just as this request went out on it:
        // the request never reached the server, so it is sent again on a fresh socket (Node's documented remedy;
        // every call here is safe to repeat, an upload being stored once).
        if (req.reusedSocket && error.code === 'ECONNRESET') call(method, path, body, token).then(done, fail);
        else fail(error);
      });
      req.end(payload);
    });
  return call;
}

interface Till extends SellingTill {
  credential: string;
  readonly stream: string;
}

/** Milliseconds from sending a GET to its response's headers (time to first byte), on a kept-alive connection. */
function timeToFirstByte(agent: Agent, url: string, cert: string, path: string): Promise<{ ms: number; status: number }> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const req = request(new URL(path, url), { method: 'GET', agent, ca: cert }, (res) => {
      const ms = performance.now() - started;
      res.resume();
      res.on('end', () => done({ ms, status: res.statusCode ?? 0 }));
    });
    req.on('error', fail);
    req.end();
  });
}

/**
 * The e-receipt page (`GET /r/<token>`, the phone's first request) beside `/v1/health` (no database) in the same run,
 * interleaved, on the database the ingest filled: its p50/p95 time to first byte.
 */
async function eReceiptBench(url: string, cert: string, tokens: readonly string[], samples: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: cert });
  const page: number[] = [];
  const health: number[] = [];
  try {
    for (let i = 0; i < samples; i += 1) {
      const token = tokens[(i * 7919) % tokens.length]!;
      const shown = await timeToFirstByte(agent, url, cert, `/r/${token}`);
      if (shown.status !== 200) throw new Error(`e-receipt page answered ${shown.status}`);
      page.push(shown.ms);
      health.push((await timeToFirstByte(agent, url, cert, '/v1/health')).ms);
    }
  } finally {
    agent.destroy();
  }
  page.sort((a, b) => a - b);
  health.sort((a, b) => a - b);
  return {
    samples,
    receiptsInDatabase: tokens.length,
    pageP50Ms: round(percentile(page, 50), 2),
    pageP95Ms: round(percentile(page, 95), 2),
    healthP50Ms: round(percentile(health, 50), 2),
    healthP95Ms: round(percentile(health, 95), 2),
    baseline: 'GET /v1/health on the same connection, interleaved',
  };
}

const round = (x: number, digits = 1) => Number(x.toFixed(digits));
const cpuSince = (before: number | null, after: number | null) => (before === null || after === null ? null : after - before);

export async function serverSyncBench(o: ServerSyncOptions) {
  const dir = await mkdtemp(join(tmpdir(), 'jiezhang-bench-server-'));
  await chmod(dir, 0o755);
  // JIEZHANG_BENCH_PG_STATS=1: pg_stat_statements and WAL figures of the ingest, printed to stderr (for profiling).
  const pgStats = Boolean(process.env.JIEZHANG_BENCH_PG_STATS);
  const cluster = await startEmbeddedPostgres(join(dir, 'pg'), pgStats ? { settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all', track_io_timing: 'on', track_wal_io_timing: 'on' } } : {});
  // A connection that drops (PostgreSQL gone mid-run) is recorded and reported with the run's failure, not a crash.
  const pgErrors = new PgConnectionErrors();
  const admin = pgErrors.watch(new pg.Client({ connectionString: cluster.url('postgres') }), 'the bench\'s admin connection');
  await admin.connect();
  await admin.query('CREATE DATABASE sync');
  await admin.end();
  const databaseUrl = o.tcp ? cluster.tcpUrl('sync') : cluster.url('sync');
  // JIEZHANG_BENCH_SERVER_NODE_ARGS: node options for the server process only (e.g. `--cpu-prof --cpu-prof-dir=DIR`).
  const nodeArgs = process.env.JIEZHANG_BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const server = spawn(process.execPath, [...nodeArgs, join(here, 'server.js'), '--data-dir', join(dir, 'server'), '--port', '0', '--host', '127.0.0.1', '--log-level', 'warn'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', process.env.JIEZHANG_BENCH_SERVER_LOG ? 'inherit' : 'ignore'],
  });
  try {
    const ready = await new Promise<{ url: string }>((done, fail) => {
      createInterface({ input: server.stdout! }).once('line', (l) => done(JSON.parse(l) as { url: string }));
      server.once('exit', () => fail(new Error('server exited')));
    });
    const cert = await readFile(join(dir, 'server', 'tls-cert.pem'), 'utf8');
    const token = (await readFile(join(dir, 'server', 'admin-token'), 'utf8')).trim();
    const call = client(ready.url, cert);

    // The facts first (a slow machine takes a while), so no kept-alive socket idles out before the uploads.
    const tills: Till[] = Array.from({ length: o.tills }, () => ({ credential: '', stream: ulid(), seq: 0, sold: 0 }));
    const perTill = Math.ceil(o.sales / tills.length);
    const withStock = o.withStock ?? false;
    const batches = tills.map((till) => {
      // A batch of `batch` sales, each with the facts sent beside it, and never more facts than a till sends at once.
      const sales = Array.from({ length: perTill }, () => tillFacts(till, withStock));
      const list: Fact[][] = [];
      for (let i = 0; i < sales.length; i += o.batch) {
        const facts = sales.slice(i, i + o.batch).flat();
        for (let k = 0; k < facts.length; k += MAX_FACTS_PER_BATCH) list.push(facts.slice(k, k + MAX_FACTS_PER_BATCH));
      }
      return list;
    });
    const allFacts = batches.flat(2);
    const bodies = batches.map((list, t) => list.map((facts) => new Serialised(JSON.stringify({ stream: tills[t]!.stream, facts }))));
    const saleCount = allFacts.filter((f) => f.kind === 'sale').length;

    // 10 tills per store
    for (let s = 0; s * 10 < tills.length; s += 1) {
      const store = await call('POST', '/v1/admin/stores', { name: `店 ${s}` }, token);
      for (let k = 0; k < 10 && s * 10 + k < tills.length; k += 1) {
        const code = await call('POST', `/v1/admin/stores/${store.body.storeId}/enrolment-codes`, undefined, token);
        const e = await call('POST', '/v1/enrol', { code: code.body.code, terminalId: `T${s}-${k}`, terminalName: `T${s}-${k}`, appVersion: 'bench' });
        tills[s * 10 + k]!.credential = e.body.credential;
      }
    }

    // ---- ingest at saturation
    const clusterDir = join(dir, 'pg', 'postgres');
    const cpuBefore = { pg: clusterCpuMs(clusterDir), server: processCpuMs(server.pid!), tills: process.cpuUsage() };
    const ingestStarted = performance.now();
    let unavailable = 0;
    await Promise.all(
      tills.map(async (till, t) => {
        for (const [i, facts] of batches[t]!.entries()) {
          const body = bodies[t]![i]!;
          let reply = await call('POST', '/v1/facts', body, till.credential);
          // 503 (no pool connection within its 5 s, as big batches of one store's tills queue on its product rows): a
          // till retries the same batch later; so does this one, after 200 ms, and the retries are counted.
          while (reply.status === 503) {
            unavailable += 1;
            await new Promise((r) => setTimeout(r, 200));
            reply = await call('POST', '/v1/facts', body, till.credential);
          }
          if (reply.status !== 200 || reply.body.ackedSeq !== facts.at(-1)!.seq) throw new Error(`upload refused: ${JSON.stringify(reply.body)}`);
        }
      }),
    );
    const ingestSeconds = (performance.now() - ingestStarted) / 1000;
    const ingestPerSecond = saleCount / ingestSeconds;
    const tillsCpu = process.cpuUsage(cpuBefore.tills);
    const ingestCpu = {
      pg: cpuSince(cpuBefore.pg, clusterCpuMs(clusterDir)),
      server: cpuSince(cpuBefore.server, processCpuMs(server.pid!)),
      tills: (tillsCpu.user + tillsCpu.system) / 1000,
    };
    if (pgStats) await printIngestStats(databaseUrl, ingestSeconds, pgErrors);

    // ---- raw COPY of the same fact rows (no projections, no checks) into a table shaped like fact
    const csv = join(dir, 'facts.csv');
    const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
    // Each row in its till's stream: the tills' seqs repeat, and (store, stream, seq) is unique in fact (server migration 0016).
    const rows = batches.flatMap((list, t) => list.flat().map((f) => ({ f, stream: tills[t]!.stream })));
    // A fact without a business date (a stock movement) has an empty field: NULL.
    const businessDate = (f: Fact) => (f.payload as { businessDate?: string }).businessDate ?? '';
    await writeFile(csv, rows.map(({ f, stream }) => [quote('S'), quote(f.id), quote('T'), quote(stream), f.seq, f.kind, f.recordedAt, f.recordedAt, businessDate(f), quote(JSON.stringify(f.payload))].join(',')).join('\n'));
    await chmod(csv, 0o644);
    const raw = pgErrors.watch(new pg.Client({ connectionString: databaseUrl }), 'the raw COPY\'s connection');
    await raw.connect();
    let copySeconds: number;
    let copyCpu: number | null;
    try {
      await raw.query('CREATE TABLE fact_copy (LIKE fact INCLUDING ALL)');
      const copyCpuBefore = clusterCpuMs(clusterDir);
      const copyStarted = performance.now();
      await raw.query(`COPY fact_copy (store_id, fact_id, terminal_id, stream, seq, kind, recorded_at, received_at, business_date, payload) FROM '${csv}' WITH (FORMAT csv)`);
      copySeconds = (performance.now() - copyStarted) / 1000;
      copyCpu = cpuSince(copyCpuBefore, clusterCpuMs(clusterDir));
      await raw.query('DROP TABLE fact_copy');
    } finally {
      await raw.end().catch(() => undefined);
    }
    const copyPerSecond = allFacts.length / copySeconds;

    // ---- the e-receipt page on what was just ingested
    const tokens = allFacts.flatMap((f) => (f.kind === 'sale' && f.payload.receiptToken ? [f.payload.receiptToken] : []));
    const eReceipt = await eReceiptBench(ready.url, cert, tokens, 500);

    // ---- sync lag at half the ingest rate
    const offered = ingestPerSecond / 2;
    const perTillInterval = (tills.length / offered) * 1000;
    const lags: number[] = [];
    await Promise.all(
      tills.map(
        (till, t) =>
          new Promise<void>((done, fail) => {
            const waiting: { fact: Fact; committedAt: number }[] = [];
            let inFlight = false;
            const stopAt = performance.now() + o.lagSeconds * 1000;
            const kick = () => {
              if (inFlight || waiting.length === 0) {
                if (!inFlight && performance.now() >= stopAt) done();
                return;
              }
              inFlight = true;
              const sending = waiting.splice(0, MAX_FACTS_PER_BATCH);
              call('POST', '/v1/facts', { stream: till.stream, facts: sending.map((w) => w.fact) }, till.credential).then((reply) => {
                const at = performance.now();
                if (reply.status !== 200) return fail(new Error(JSON.stringify(reply.body)));
                // A sale's lag (the facts sent beside it share its commit).
                for (const w of sending) if (w.fact.kind === 'sale') lags.push(at - w.committedAt);
                inFlight = false;
                kick();
              }, fail);
            };
            const sell = () => {
              if (performance.now() >= stopAt) return kick();
              const committedAt = performance.now();
              for (const fact of tillFacts(till, withStock)) waiting.push({ fact, committedAt });
              kick();
              setTimeout(sell, perTillInterval);
            };
            setTimeout(sell, (t / tills.length) * perTillInterval);
          }),
      ),
    );
    lags.sort((a, b) => a - b);

    // ---- store-wide daily total on a big database
    const totals = await dailyTotalBench({ totalSales: o.totalSales, stores: o.stores, fresh: o.fresh ?? false });
    pgErrors.throwIfAny();

    return {
      ingest: {
        tills: tills.length,
        sales: saleCount,
        /** Facts uploaded (and rows copied): the sales, and with `withStock` their stock movements and payments. */
        facts: allFacts.length,
        withStock,
        /** How the server reached PostgreSQL. */
        connection: o.tcp ? 'loopback TCP' : 'Unix socket',
        batch: o.batch,
        /** Uploads answered 503 and sent again (counted in the time). */
        unavailableRetries: unavailable,
        salesPerSecond: round(ingestPerSecond),
        rawCopyFactRowsPerSecond: round(copyPerSecond),
        // The same rows both ways: the upload's facts per second against COPY's rows per second.
        ingestOverRawCopy: round(copySeconds / ingestSeconds, 3),
        goal: '≥ 0.3 of raw COPY',
        // The same two per second of PostgreSQL's CPU (the cluster's processes, from /proc): what other loads on a
        // shared machine move far less than the wall-clock rates above.
        pgCpuSeconds: ingestCpu.pg === null ? null : round(ingestCpu.pg / 1000, 2),
        serverCpuSeconds: ingestCpu.server === null ? null : round(ingestCpu.server / 1000, 2),
        // The simulated tills' own (TLS and HTTP; their batches are serialised before the clock starts), on this
        // machine's CPUs beside the server's: real tills are other machines.
        tillsCpuSeconds: round(ingestCpu.tills / 1000, 2),
        rawCopyPgCpuSeconds: copyCpu === null ? null : round(copyCpu / 1000, 2),
        salesPerPgCpuSecond: ingestCpu.pg ? round(saleCount / (ingestCpu.pg / 1000)) : null,
        rawCopyRowsPerPgCpuSecond: copyCpu ? round(allFacts.length / (copyCpu / 1000)) : null,
        ingestOverRawCopyPerPgCpu: ingestCpu.pg && copyCpu ? round(copyCpu / ingestCpu.pg, 3) : null,
      },
      syncLag: {
        tills: tills.length,
        offeredSalesPerSecond: round(offered),
        seconds: o.lagSeconds,
        sales: lags.length,
        p50Ms: round(percentile(lags, 50)),
        p99Ms: round(percentile(lags, 99)),
        maxMs: round(lags.at(-1) ?? NaN),
        goal: 'p99 < 2000 ms',
      },
      dailyTotal: totals,
      eReceiptPage: eReceipt,
    };
  } catch (error) {
    throw pgErrors.besides(error);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Where PostgreSQL spent the ingest: statements by total time, and WAL written and synced. */
async function printIngestStats(url: string, seconds: number, pgErrors: PgConnectionErrors) {
  const c = pgErrors.watch(new pg.Client({ connectionString: url }), 'the statistics connection');
  await c.connect();
  try {
    await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const statements = await c.query(
      `SELECT calls, round(total_exec_time)::int AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms, rows,
              shared_blks_hit + shared_blks_read AS blocks, wal_bytes, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query
         FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12`,
    );
    const wal = await c.query('SELECT * FROM pg_stat_wal');
    const io = await c.query(`SELECT backend_type, object, context, writes, write_time, fsyncs, fsync_time FROM pg_stat_io WHERE writes > 0 OR fsyncs > 0`).catch(() => ({ rows: [] }));
    process.stderr.write(`${JSON.stringify({ ingestSeconds: seconds, statements: statements.rows, wal: wal.rows[0], io: io.rows }, null, 1)}\n`);
  } finally {
    await c.end();
  }
}
