/**
 * The store server's ingest measured under control (`node out/main/bench.js server-ingest-controlled`): what a sale
 * costs PostgreSQL, in figures a shared machine moves little, beside a raw `COPY` of the same fact rows measured the
 * same way in the same run.
 *
 * No HTTP and no simulated tills: batches go straight into `uploadFacts` (the server's own code, zod included) on a
 * pool of one connection, so every statement runs on one backend whose CPU is read from /proc (schedstat, in ns).
 * The cluster is its own (temp dir), with autovacuum off and no timed checkpoint, and a `CHECKPOINT` before each
 * measured phase, so full-page images fall the same way in every round. Per sale (and per `COPY` row):
 * - WAL bytes (`pg_current_wal_lsn()` before and after), WAL records and full-page images (`pg_stat_wal`);
 * - the backend's CPU (the ratio `copy CPU per row / ingest CPU per sale` is ingest/COPY per PostgreSQL CPU-second);
 * - shared buffer accesses (`pg_stat_database` blks_hit + blks_read of the round's database);
 * - the CPU of this process (the server's JavaScript: parsing, zod, the batch's JSON) for the ingest.
 * Each round makes a fresh database; the medians over the rounds are the figures to compare between builds.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ulid } from 'ulid';
import type { Fact } from '../src-common/sync-protocol';
import { openPool } from '../server/database';
import { startEmbeddedPostgres } from '../server/embedded-postgres';
import { migrate } from '../server/migrate';
import { migrations } from '../server/migrations';
import { uploadFacts } from '../server/api/facts';
import { PgConnectionErrors } from './pg-connection-errors';
import { clusterCpuMs } from './process-cpu';
import { tillFacts, type SellingTill } from './till-facts';

export interface ControlledIngestOptions {
  /** Sales measured per round (after a warm-up of `warmup` sales on the same database). */
  readonly sales: number;
  readonly warmup: number;
  readonly batch: number;
  readonly rounds: number;
  /**
   * Voids already stored (of other sales, spread over the two stores) before the warm-up, as on a server that has
   * run a while: the upload looks each sale up among them, and on an empty sale_void that look-up costs nothing.
   */
  readonly voids: number;
  /**
   * Each sale with the other facts a real till sends with it: a stock movement per line (`adjustStock`,
   * src-main/services/sales.ts) and a payment fact for a wallet tender. `batch` still counts sales and the ingest's
   * figures are per sale; the `COPY` baseline copies the same fact rows, all of them (its figures per row, and
   * `copyRowsPerSale` says how many rows a sale brought).
   */
  readonly withStock?: boolean;
}

interface Till extends SellingTill {
  readonly storeId: string;
  readonly terminalId: string;
  readonly stream: string;
}

/** CPU ns a process has used so far: /proc/<pid>/schedstat (ns), else /proc/<pid>/stat's ticks. */
function cpuNs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000_000;
  }
}

interface Counters {
  lsn: string;
  walRecords: number;
  walFpi: number;
  blocks: number;
  backendCpuNs: number;
  clusterCpuMs: number | null;
  at: number;
}

/**
 * Where the measured backend stands: its own WAL records, full-page images and buffer accesses (PostgreSQL 18's
 * per-backend statistics, flushed by `pg_stat_force_next_flush()` on that backend before it answers), its CPU, and
 * the WAL position. Read on the measured connection itself, so nothing else is counted.
 */
async function counters(measured: pg.Pool, backendPid: number, clusterDir: string): Promise<Counters> {
  await measured.query('SELECT pg_stat_force_next_flush()');
  const { rows } = await measured.query<{ pid: number; lsn: string; wal_records: string; wal_fpi: string; blocks: string }>(
    `SELECT pg_backend_pid() AS pid, pg_current_wal_lsn()::text AS lsn, w.wal_records, w.wal_fpi,
            (SELECT sum(coalesce(hits, 0) + coalesce(reads, 0)) FROM pg_stat_get_backend_io(pg_backend_pid()) WHERE object = 'relation') AS blocks
       FROM pg_stat_get_backend_wal(pg_backend_pid()) w`,
  );
  const r = rows[0]!;
  if (r.pid !== backendPid) throw new Error(`the measured connection changed (backend ${backendPid} → ${r.pid})`);
  return { lsn: r.lsn, walRecords: Number(r.wal_records), walFpi: Number(r.wal_fpi), blocks: Number(r.blocks), backendCpuNs: cpuNs(backendPid), clusterCpuMs: clusterCpuMs(clusterDir), at: performance.now() };
}

interface Phase {
  wallMs: number;
  walBytes: number;
  walRecords: number;
  walFpi: number;
  blocks: number;
  backendCpuMs: number;
  clusterCpuMs: number | null;
}

async function phase(probe: pg.ClientBase, measured: pg.Pool, backendPid: number, clusterDir: string, work: () => Promise<void>): Promise<Phase> {
  await probe.query('CHECKPOINT');
  const before = await counters(measured, backendPid, clusterDir);
  await work();
  const after = await counters(measured, backendPid, clusterDir);
  const walBytes = Number((await probe.query<{ d: string }>('SELECT pg_wal_lsn_diff($2, $1)::bigint AS d', [before.lsn, after.lsn])).rows[0]!.d);
  return {
    wallMs: after.at - before.at,
    walBytes,
    walRecords: after.walRecords - before.walRecords,
    walFpi: after.walFpi - before.walFpi,
    blocks: after.blocks - before.blocks,
    backendCpuMs: (after.backendCpuNs - before.backendCpuNs) / 1e6,
    clusterCpuMs: before.clusterCpuMs === null || after.clusterCpuMs === null ? null : after.clusterCpuMs - before.clusterCpuMs,
  };
}

const perUnit = (p: Phase, n: number) => ({
  walBytes: Math.round(p.walBytes / n),
  walRecords: Number((p.walRecords / n).toFixed(2)),
  walFpi: Number((p.walFpi / n).toFixed(3)),
  bufferAccesses: Number((p.blocks / n).toFixed(1)),
  backendCpuUs: Number(((p.backendCpuMs * 1000) / n).toFixed(1)),
  clusterCpuUs: p.clusterCpuMs === null ? null : Number(((p.clusterCpuMs * 1000) / n).toFixed(1)),
  wallUs: Number(((p.wallMs * 1000) / n).toFixed(1)),
});

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function round(adminUrl: (db: string) => string, clusterDir: string, dir: string, n: number, o: ControlledIngestOptions, pgErrors: PgConnectionErrors) {
  const name = `ingest_${n}`;
  const admin = pgErrors.watch(new pg.Client({ connectionString: adminUrl('postgres') }), 'the admin connection');
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = adminUrl(name);
  const probe = pgErrors.watch(new pg.Client({ connectionString: url }), 'the probe connection');
  await probe.connect();
  const db = pgErrors.watch(openPool(url), 'the measured connection');
  db.options.max = 1;
  db.options.idleTimeoutMillis = 0;
  try {
    await migrate(probe, migrations);
    // Two stores of five tills each; batches come from the tills in turn, as tills upload side by side.
    const tills: Till[] = [];
    for (const s of ['S0', 'S1']) {
      await probe.query(`INSERT INTO store (store_id, name) VALUES ($1, $1)`, [s]);
      for (let k = 0; k < 5; k += 1) {
        const terminalId = `${s}-T${k}`;
        await probe.query(`INSERT INTO terminal (store_id, terminal_id, name, app_version, credential_hash) VALUES ($1, $2, $2, 'bench', $3)`, [s, terminalId, ulid()]);
        tills.push({ storeId: s, terminalId, stream: ulid(), seq: 0, sold: 0 });
      }
    }
    if (o.voids > 0) {
      await probe.query(
        `INSERT INTO sale_void (store_id, sale_id, terminal_id, voided_at, voided_by, reason)
         SELECT 'S' || (g % 2), 'V' || lpad(g::text, 25, '0'), 'S' || (g % 2) || '-T0', now(), 'bench', 'bench' FROM generate_series(1, $1::int) g`,
        [o.voids],
      );
      await probe.query('VACUUM ANALYZE sale_void');
    }
    const batches = (count: number) => {
      const list: { till: Till; facts: Fact[] }[] = [];
      for (let made = 0, t = 0; made < count; t = (t + 1) % tills.length) {
        const till = tills[t]!;
        const size = Math.min(o.batch, count - made);
        list.push({ till, facts: Array.from({ length: size }, () => tillFacts(till, o.withStock ?? false)).flat() });
        made += size;
      }
      return list;
    };
    const upload = async (list: { till: Till; facts: Fact[] }[]) => {
      for (const { till, facts } of list) {
        const reply = await uploadFacts(db, { storeId: till.storeId, terminalId: till.terminalId }, { stream: till.stream, facts });
        if (reply.ackedSeq !== facts.at(-1)!.seq) throw new Error(`upload acknowledged ${reply.ackedSeq}, not ${facts.at(-1)!.seq}`);
      }
    };
    await upload(batches(o.warmup));
    const backendPid = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

    const measured = batches(o.sales);
    const jsBefore = process.cpuUsage();
    const ingest = await phase(probe, db, backendPid, clusterDir, () => upload(measured));
    const js = process.cpuUsage(jsBefore);
    // How the upload's named statements were planned on the measured connection: a custom plan is planned again each run.
    const plans = (await db.query<{ name: string; generic_plans: string; custom_plans: string }>(
      `SELECT name, generic_plans, custom_plans FROM pg_prepared_statements ORDER BY name`,
    )).rows.map((r) => ({ name: r.name, generic: Number(r.generic_plans), custom: Number(r.custom_plans) }));
    // What the connection's plan cache holds (the upload prepares a statement per set of fact kinds a batch holds).
    const planCacheBytes = Number((await db.query<{ b: string }>(
      `SELECT sum(total_bytes) AS b FROM pg_backend_memory_contexts WHERE name IN ('CachedPlan', 'CachedPlanSource', 'CachedPlanQuery')`,
    )).rows[0]!.b);
    // Every fact the measured batches sent (with `withStock`, a sale's stock movements and payment too): the same rows.
    const rows = measured.flatMap((b) => b.facts);
    const stored = Number((await probe.query<{ n: string }>(`SELECT count(*) AS n FROM sale`)).rows[0]!.n);
    if (stored !== o.warmup + o.sales) throw new Error(`${stored} sales stored, not ${o.warmup + o.sales}`);

    // The raw COPY of the same fact rows, into a table shaped like fact (as bench/server-sync.ts), on the same backend.
    // Each row its own stream (its id): the tills' seqs repeat, and (store, stream, seq) is unique in fact.
    const csv = join(dir, `facts-${n}.csv`);
    const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
    // A fact without a business date (a stock movement) has an empty field: NULL.
    const businessDate = (f: Fact) => (f.payload as { businessDate?: string }).businessDate ?? '';
    await writeFile(csv, rows.map((f) => [quote('S0'), quote(f.id), quote('T'), quote(f.id), f.seq, f.kind, f.recordedAt, f.recordedAt, businessDate(f), quote(JSON.stringify(f.payload))].join(',')).join('\n'));
    await chmod(csv, 0o644);
    await db.query('CREATE TABLE fact_copy (LIKE fact INCLUDING ALL)');
    const copy = await phase(probe, db, backendPid, clusterDir, async () => {
      await db.query(`COPY fact_copy (store_id, fact_id, terminal_id, stream, seq, kind, recorded_at, received_at, business_date, payload) FROM '${csv}' WITH (FORMAT csv)`);
    });
    await rm(csv);
    return {
      ingest: { ...perUnit(ingest, o.sales), serverJsCpuUs: Number(((js.user + js.system) / o.sales).toFixed(1)) },
      copy: perUnit(copy, rows.length),
      copyRowsPerSale: rows.length / o.sales,
      plans,
      planCacheBytes,
      factBytesPerSale: Math.round(Number((await probe.query<{ b: string }>(`SELECT pg_total_relation_size('fact') AS b`)).rows[0]!.b) / (o.warmup + o.sales)),
      copyTableBytesPerRow: Math.round(Number((await probe.query<{ b: string }>(`SELECT pg_total_relation_size('fact_copy') AS b`)).rows[0]!.b) / rows.length),
    };
  } finally {
    await db.end();
    await probe.end();
  }
}

/**
 * `JIEZHANG_BENCH_AUTO_EXPLAIN=FILE`: every statement's plan with its actual rows, times, buffers and WAL (auto_explain)
 * goes to FILE. Per-node timing inflates the CPU figures: for finding where a batch's time goes, not for measuring it.
 */
const AUTO_EXPLAIN = {
  session_preload_libraries: 'auto_explain',
  'auto_explain.log_min_duration': '0',
  'auto_explain.log_analyze': 'on',
  'auto_explain.log_buffers': 'on',
  'auto_explain.log_wal': 'on',
  'auto_explain.log_nested_statements': 'on',
};

export async function controlledIngestBench(o: ControlledIngestOptions) {
  const explainTo = process.env.JIEZHANG_BENCH_AUTO_EXPLAIN;
  const dir = await mkdtemp(join(tmpdir(), 'jiezhang-bench-ingest-'));
  await chmod(dir, 0o755);
  const cluster = await startEmbeddedPostgres(join(dir, 'pg'), {
    settings: { autovacuum: 'off', checkpoint_timeout: '1d', max_wal_size: '8GB', ...(explainTo ? AUTO_EXPLAIN : {}) },
    onLog: explainTo ? (line) => appendFileSync(explainTo, `${line}\n`) : undefined,
  });
  // A connection that drops (PostgreSQL gone mid-run) is recorded and reported with the run's failure, not a crash.
  const pgErrors = new PgConnectionErrors();
  try {
    const rounds: Awaited<ReturnType<typeof round>>[] = [];
    for (let n = 0; n < o.rounds; n += 1) rounds.push(await round(cluster.url, join(dir, 'pg', 'postgres'), dir, n, o, pgErrors));
    pgErrors.throwIfAny();
    const med = (pick: (r: (typeof rounds)[number]) => number) => Number(median(rounds.map(pick)).toFixed(3));
    return {
      method: 'uploadFacts straight on one connection; per sale / per COPY row; medians over rounds (each a fresh database, CHECKPOINT before each phase, autovacuum off)',
      schemaVersion: migrations.length,
      sales: o.sales,
      warmup: o.warmup,
      batch: o.batch,
      rounds: o.rounds,
      voids: o.voids,
      withStock: o.withStock ?? false,
      perSale: {
        walBytes: med((r) => r.ingest.walBytes),
        walRecords: med((r) => r.ingest.walRecords),
        walFpi: med((r) => r.ingest.walFpi),
        bufferAccesses: med((r) => r.ingest.bufferAccesses),
        backendCpuUs: med((r) => r.ingest.backendCpuUs),
        // The least a round took: the CPU figure other loads inflate least (cache and core contention only add).
        backendCpuUsMin: Math.min(...rounds.map((r) => r.ingest.backendCpuUs)),
        clusterCpuUs: med((r) => r.ingest.clusterCpuUs ?? NaN),
        serverJsCpuUs: med((r) => r.ingest.serverJsCpuUs),
        wallUs: med((r) => r.ingest.wallUs),
        factBytes: med((r) => r.factBytesPerSale),
      },
      baselinePerCopyRow: {
        walBytes: med((r) => r.copy.walBytes),
        walRecords: med((r) => r.copy.walRecords),
        bufferAccesses: med((r) => r.copy.bufferAccesses),
        backendCpuUs: med((r) => r.copy.backendCpuUs),
        backendCpuUsMin: Math.min(...rounds.map((r) => r.copy.backendCpuUs)),
        clusterCpuUs: med((r) => r.copy.clusterCpuUs ?? NaN),
        wallUs: med((r) => r.copy.wallUs),
        tableBytes: med((r) => r.copyTableBytesPerRow),
      },
      copyRowsPerSale: rounds[0]!.copyRowsPerSale,
      // Per PostgreSQL backend CPU-second and per byte of WAL: the ingest of a sale's facts against COPY of the same rows.
      ingestOverCopyPerBackendCpu: med((r) => (r.copy.backendCpuUs * r.copyRowsPerSale) / r.ingest.backendCpuUs),
      ingestOverCopyPerBackendCpuOfMinima: Number(
        ((Math.min(...rounds.map((r) => r.copy.backendCpuUs)) * rounds[0]!.copyRowsPerSale) / Math.min(...rounds.map((r) => r.ingest.backendCpuUs))).toFixed(3),
      ),
      ingestOverCopyPerWalByte: med((r) => (r.copy.walBytes * r.copyRowsPerSale) / r.ingest.walBytes),
      ingestOverCopyWallClock: med((r) => (r.copy.wallUs * r.copyRowsPerSale) / r.ingest.wallUs),
      runs: rounds,
    };
  } catch (error) {
    throw pgErrors.besides(error);
  } finally {
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
