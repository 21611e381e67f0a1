/**
 * The store server's store-wide daily total (the admin totals query, as the API runs it) on a big database:
 * `totalSales` sales with a tender and a line each (1 in 50 refunded) over 30 business dates across `stores` stores of
 * 3 tills; and the back office's dashboard (bench/office-dashboard.ts) on the same database.
 *
 * The database is made once and kept in the temp folder as a stopped embedded PostgreSQL cluster, keyed by size and
 * the generator's version (5,000,000 sales take minutes to make on a small machine): made under a temporary name and
 * renamed, so a half-made one is never taken for a cached one. A cached cluster is brought forward by the server's
 * migrations at each use, as a production database would be; one from a newer schema than this code knows, or whose
 * applied migrations are not this code's (another branch's numbering), is made again.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { dailyTotals } from '../server/api/admin';
import { openPool } from '../server/database';
import { startEmbeddedPostgres, type EmbeddedCluster } from '../server/embedded-postgres';
import { DatabaseFromNewerVersionError, migrate } from '../server/migrate';
import { migrations } from '../server/migrations';
import { officeDashboardBench } from './office-dashboard';
import { PgConnectionErrors } from './pg-connection-errors';
import { percentile } from './stats';

/** Raise when generate() makes different data. */
const GENERATOR_VERSION = 2;
const MADE = 'made';

const round = (x: number, digits = 1) => Number(x.toFixed(digits));

export function dailyTotalClusterPath(totalSales: number, stores: number): string {
  return join(tmpdir(), `jiezhang-bench-pg-daily-total-${totalSales}-${stores}-g${GENERATOR_VERSION}`);
}

async function generate(url: string, totalSales: number, stores: number, pgErrors: PgConnectionErrors): Promise<void> {
  const c = pgErrors.watch(new pg.Client({ connectionString: url }), 'the generating connection');
  await c.connect();
  try {
    // The rows go straight into the tables the uploads project into, before the dashboard's rollups exist: their
    // migration then fills them from these rows, as it does on an upgraded server.
    const rollups = migrations.findIndex((m) => m.name === 'sales_rollups');
    if (rollups < 0) throw new Error('the sales rollups migration is missing');
    await migrate(c, migrations.slice(0, rollups));
    // Bench data made in bulk: its durability does not matter (the cluster is stopped cleanly before it is kept).
    await c.query(`SET synchronous_commit = off`);
    await c.query(`INSERT INTO store (store_id, name) SELECT 'S' || s, 'store ' || s FROM generate_series(0, $1 - 1) s`, [stores]);
    const chunk = 1_000_000;
    for (let from = 0; from < totalSales; from += chunk) {
      const to = Math.min(totalSales, from + chunk) - 1;
      await c.query(
        `INSERT INTO sale (store_id, sale_id, terminal_id, receipt_no, business_date, opened_at, closed_at, currency, subtotal, discount_total, total, rounding, tax_total, change_given)
         SELECT 'S' || (i % $3), 'sale' || i, 'T' || (i % ($3 * 3)), i / ($3 * 3) + 1, date '2026-11-01' + ((i / $3) % 30)::int, now(), now(), 'CNY',
                1000 + i % 5000, 0, 1000 + i % 5000, 0, (1000 + i % 5000) * 13 / 113, 0
           FROM generate_series($1::bigint, $2::bigint) i`,
        [from, to, stores],
      );
      await c.query(
        `INSERT INTO sale_tender (store_id, tender_id, sale_id, terminal_id, business_date, seq, kind, amount, tendered, payment_id, merchant_discount)
         SELECT 'S' || (i % $3), 'tender' || i, 'sale' || i, 'T' || (i % ($3 * 3)), date '2026-11-01' + ((i / $3) % 30)::int, 1,
                (ARRAY['cash','wechat','alipay'])[1 + i % 3], 1000 + i % 5000, 1000 + i % 5000, NULL, 0
           FROM generate_series($1::bigint, $2::bigint) i`,
        [from, to, stores],
      );
      // One line per sale (the dashboard's top sellers read them), 500 products.
      await c.query(
        `INSERT INTO sale_line (store_id, sale_id, line_no, product_id, sku, name, unit, quantity_milli, unit_price, gross, line_discount, order_discount, net, tax_rate_bp, business_date)
         SELECT 'S' || (i % $3), 'sale' || i, 1, 'P' || (i % 500), 'P' || (i % 500), 'product ' || (i % 500), 'each', 1000,
                1000 + i % 5000, 1000 + i % 5000, 0, 0, 1000 + i % 5000, 1300, date '2026-11-01' + ((i / $3) % 30)::int
           FROM generate_series($1::bigint, $2::bigint) i`,
        [from, to, stores],
      );
      await c.query(
        `INSERT INTO refund (store_id, refund_id, sale_id, terminal_id, business_date, kind, tender_kind, amount, wallet_amount, cash_amount, finished_at)
         SELECT 'S' || (i % $3), 'refund' || i, 'sale' || i, 'T' || (i % ($3 * 3)), date '2026-11-01' + ((i / $3) % 30)::int, 'cash', 'cash', 500, 0, 500, now()
           FROM generate_series($1::bigint, $2::bigint) i WHERE i % 50 = 0`,
        [from, to, stores],
      );
    }
    await migrate(c, migrations);
    await c.query(
      `INSERT INTO terminal (store_id, terminal_id, name, app_version, credential_hash, last_contact_at, last_upload_at)
       SELECT 'S' || (i % $1), 'T' || i, 'till ' || i, '0.1.0', 'hash' || i, now(), now() FROM generate_series(0, $1 * 3 - 1) i`,
      [stores],
    );
    // As autovacuum leaves insert-only tables (PostgreSQL 13+): analysed, and their pages marked all-visible, which the
    // daily-total indexes' index-only scans need.
    await c.query('VACUUM ANALYZE');
  } finally {
    await c.end();
  }
}

class StaleCluster extends Error {}

/** The cached cluster, started (made first when missing, stale or `fresh`). */
async function cachedCluster(
  totalSales: number,
  stores: number,
  fresh: boolean,
  pgErrors: PgConnectionErrors,
): Promise<{ cluster: EmbeddedCluster; generateSeconds: number; cached: boolean; migrated: { versions: number[]; seconds: number } }> {
  const path = dailyTotalClusterPath(totalSales, stores);
  if (!fresh && existsSync(join(path, MADE))) {
    const cluster = await startEmbeddedPostgres(path);
    const c = pgErrors.watch(new pg.Client({ connectionString: cluster.url('totals') }), 'the migrating connection');
    try {
      await c.connect();
      // Made by a branch whose migrations differ (a number taken by another migration since): made again.
      const applied = (await c.query<{ version: number; name: string }>('SELECT version, name FROM schema_version')).rows;
      if (applied.some((m) => migrations[m.version - 1]?.name !== m.name)) throw new StaleCluster();
      // A migration's back-fill on this database (0014's rollups of 5 M sales) is timed: a production upgrade runs it once.
      const migrating = performance.now();
      const versions = await migrate(c, migrations);
      const seconds = round((performance.now() - migrating) / 1000);
      if (versions.length > 0) await c.query('VACUUM ANALYZE');
      await c.end();
      return { cluster, generateSeconds: 0, cached: true, migrated: { versions, seconds } };
    } catch (error) {
      // The client first: a cluster stopped under a connected client kills the process (an unhandled 'error').
      await c.end().catch(() => undefined);
      await cluster.stop();
      if (!(error instanceof DatabaseFromNewerVersionError) && !(error instanceof StaleCluster)) throw error;
    }
  }
  const making = `${path}.making-${process.pid}`;
  await rm(making, { recursive: true, force: true });
  await mkdir(making, { recursive: true });
  await chmod(making, 0o755);
  const started = performance.now();
  let cluster = await startEmbeddedPostgres(making);
  try {
    const admin = pgErrors.watch(new pg.Client({ connectionString: cluster.url('postgres') }), 'the admin connection');
    await admin.connect();
    await admin.query('CREATE DATABASE totals');
    await admin.end();
    await generate(cluster.url('totals'), totalSales, stores, pgErrors);
  } finally {
    await cluster.stop();
  }
  const generateSeconds = (performance.now() - started) / 1000;
  await writeFile(join(making, MADE), `${totalSales} sales, ${stores} stores, generator ${GENERATOR_VERSION}\n`);
  await rm(path, { recursive: true, force: true });
  await rename(making, path);
  cluster = await startEmbeddedPostgres(path);
  return { cluster, generateSeconds, cached: false, migrated: { versions: [], seconds: 0 } };
}

async function sample(url: string, stores: number, pgErrors: PgConnectionErrors): Promise<number[]> {
  const db = pgErrors.watch(openPool(url), 'the daily totals\' pool');
  const samples: number[] = [];
  try {
    for (let i = 0; i < 200; i += 1) {
      const store = `S${(i * 37) % stores}`;
      const date = `2026-11-${String(1 + ((i * 7) % 30)).padStart(2, '0')}`;
      const started = performance.now();
      const result = await dailyTotals(db, store, { date });
      samples.push(performance.now() - started);
      if (result.store.salesCount === 0) throw new Error(`no sales for ${store} on ${date}`);
    }
  } finally {
    await db.end();
  }
  return samples.sort((a, b) => a - b);
}

export async function dailyTotalBench(o: { totalSales: number; stores: number; fresh?: boolean }) {
  // A connection that drops (PostgreSQL gone mid-run) is recorded and reported with the run's failure, not a crash.
  const pgErrors = new PgConnectionErrors();
  const { cluster, generateSeconds, cached, migrated } = await cachedCluster(o.totalSales, o.stores, o.fresh ?? false, pgErrors).catch((error: unknown) => {
    throw pgErrors.besides(error);
  });
  try {
    // The first pass reads from a cluster just started (cold shared buffers); the second is the figure, as on a
    // server running all day, where a store's current day is in memory.
    const cold = await sample(cluster.url('totals'), o.stores, pgErrors);
    const warm = await sample(cluster.url('totals'), o.stores, pgErrors);
    const db = pgErrors.watch(openPool(cluster.url('totals')), 'the dashboard\'s pool');
    let dashboard: Awaited<ReturnType<typeof officeDashboardBench>>;
    try {
      dashboard = await officeDashboardBench(db, o.stores);
    } finally {
      await db.end();
    }
    pgErrors.throwIfAny();
    return {
      sales: o.totalSales,
      stores: o.stores,
      salesPerStoreDay: Math.round(o.totalSales / o.stores / 30),
      generateSeconds: round(generateSeconds),
      cached,
      /** Migrations applied to the cached database at this start, and how long they took. */
      migrated,
      cluster: dailyTotalClusterPath(o.totalSales, o.stores),
      queries: warm.length,
      p50Ms: round(percentile(warm, 50), 2),
      p99Ms: round(percentile(warm, 99), 2),
      coldP50Ms: round(percentile(cold, 50), 2),
      coldP99Ms: round(percentile(cold, 99), 2),
      goal: '< 50 ms',
      /** The back office's dashboard call on this database (bench/office-dashboard.ts). */
      officeDashboard: dashboard,
    };
  } catch (error) {
    throw pgErrors.besides(error);
  } finally {
    await cluster.stop();
  }
}
