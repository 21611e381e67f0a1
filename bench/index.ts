/**
 * `npm run bench`: one JSON object of figures on stdout, each beside the baseline it is compared
 * with, measured in the same run (see ../shared/PERFORMANCE.md).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogSearchBench } from './catalog-search';
import { crashMatrixBench } from './crash-matrix';
import { receiptEncode, serialScanToCart, serialScanToUiDuringIntegrityCheck } from './devices';
import { hostStart } from './host-start';
import { lowEndTill } from './low-end';
import { jobRunnerDrain } from './jobs';
import { scanToAcquirerLatency } from './payments';
import { alipayScanToGateway } from './alipay';
import { wechatV2Micropay } from './wechat-v2';
import { wechatV3CodePay } from './wechat-v3';
import { generateSalesCli } from './generate-sales';
import { cachedSalesDatabase } from './sales-fixture';
import { maintenanceBench } from './maintenance';
import { reportsBench } from './reports';
import { completedSalesPerSecond } from './sales';
import { cartPricingBench } from './promotions';
import { dailyTotalBench } from './server-daily-total';
import { serverSyncBench } from './server-sync';
import { controlledIngestBench } from './server-ingest-controlled';
import { rawDurableCommits } from './sqlite';
import { scaleWeightToCart } from './scale';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * `reports [--sales N] [--db PATH] [--fresh]` runs only the reports bench; `maintenance [--sales N] [--db PATH]`
 * only the maintenance one; `jobs [--jobs N]` only the job runner's drain; `crash-matrix [--runs N]` only the crash matrix; `low-end` only the quarter-core till;
 * `scale [--count N]` only the scale weight → cart line latency; `wechat-v3 [--count N]` only WeChat Pay v3 code pay at its sandbox; `alipay [--count N]` only Alipay direct's scan → gateway; `generate-sales …` only makes a database; `sales-fixture [--sales N]` makes the cached database the benchmarks and the stress test share (bench/sales-fixture.ts), unless it is there;
 * `server [--tills --sales --batch --lag-seconds --total-sales --stores --fresh --with-stock --tcp]` only the store server;
 * `server-daily-total [--total-sales N --stores N --fresh]` only its daily total on the cached big database;
 * `server-ingest-controlled [--sales N --warmup N --batch N --rounds N --voids N --with-stock]` only the ingest's per-sale cost in PostgreSQL beside a raw COPY's.
 */
function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const serverOptions = () => ({
  tills: Number(option('tills') ?? 100),
  sales: Number(option('sales') ?? 100_000),
  batch: Number(option('batch') ?? 100),
  lagSeconds: Number(option('lag-seconds') ?? 20),
  totalSales: Number(option('total-sales') ?? 5_000_000),
  stores: Number(option('stores') ?? 500),
  fresh: process.argv.includes('--fresh'),
  withStock: process.argv.includes('--with-stock'),
  tcp: process.argv.includes('--tcp'),
});
const reportsOptions = () => ({
  sales: Number(option('sales') ?? process.env.JIEZHANG_BENCH_SALES ?? 1_000_000),
  ...(option('db') ? { db: option('db')! } : {}),
  fresh: process.argv.includes('--fresh'),
});

async function main() {
  if (process.argv[2] === 'sales-fixture') {
    const fixture = await cachedSalesDatabase(Number(option('sales') ?? 1_000_000), { log: (line) => process.stderr.write(`${line}\n`) });
    process.stdout.write(`${JSON.stringify(fixture)}\n`);
    return;
  }
  if (process.argv[2] === 'generate-sales') {
    process.stdout.write(`${JSON.stringify(await generateSalesCli(process.argv.slice(3)), null, 2)}\n`);
    return;
  }
  if (process.argv[2] === 'maintenance') {
    process.stdout.write(`${JSON.stringify({ maintenance: await maintenanceBench(reportsOptions()) }, null, 2)}\n`);
    return;
  }
  if (process.argv[2] === 'scan-during-check') {
    process.stdout.write(`${JSON.stringify({ serialScanToUiDuringIntegrityCheck: await serialScanToUiDuringIntegrityCheck() }, null, 2)}\n`);
    return;
  }
  if (process.argv[2] === 'low-end') {
    process.stdout.write(`${JSON.stringify({ lowEndTill: await lowEndTill(join(here, 'host.js')) }, null, 2)}\n`);
    return;
  }
  if (process.argv[2] === 'reports') {
    process.stdout.write(`${JSON.stringify({ reports: await reportsBench(reportsOptions()) }, null, 2)}\n`);
    return;
  }
  if (process.argv[2] === 'crash-matrix') {
    process.stdout.write(`${JSON.stringify({ crashMatrix: await crashMatrixBench(Number(option('runs') ?? process.env.CRASH_MATRIX_RUNS ?? 54)) }, null, 2)}\n`);
    return;
  }
  if (process.argv[2] === 'server') {
    process.stdout.write(`${JSON.stringify({ server: await serverSyncBench(serverOptions()) }, null, 2)}\n`);
    return;
  }
  if (process.argv[2] === 'server-ingest-controlled') {
    const figures = await controlledIngestBench({
      sales: Number(option('sales') ?? 10_000),
      warmup: Number(option('warmup') ?? 2_000),
      batch: Number(option('batch') ?? 100),
      rounds: Number(option('rounds') ?? 3),
      voids: Number(option('voids') ?? 0),
      withStock: process.argv.includes('--with-stock'),
    });
    process.stdout.write(`${JSON.stringify({ serverIngestControlled: figures }, null, 2)}\n`);
    return;
  }
  if (process.argv[2] === 'server-daily-total' || process.argv[2] === 'office-dashboard') {
    // Only the daily-total database (made once, cached) with the daily total and the back office's dashboard on it.
    const { totalSales, stores, fresh } = serverOptions();
    process.stdout.write(`${JSON.stringify({ serverDailyTotal: await dailyTotalBench({ totalSales, stores, fresh }) }, null, 2)}\n`);
    return;
  }
  if (process.argv[2] === 'scale') {
    process.stdout.write(`${JSON.stringify({ scaleWeightToCart: await scaleWeightToCart(Number(option('count') ?? 100)) }, null, 2)}\n`);
    return;
  }
  if (process.argv[2] === 'alipay') {
    process.stdout.write(`${JSON.stringify({ alipayScanToGateway: await alipayScanToGateway(Number(option('count') ?? 200)) }, null, 2)}\n`);
    return;
  }
  if (process.argv[2] === 'promotions') {
    process.stdout.write(`${JSON.stringify({ cartPricing: cartPricingBench() }, null, 2)}\n`);
    return;
  }
  if (process.argv[2] === 'wechat-v2') {
    process.stdout.write(`${JSON.stringify({ payments: { wechatV2Micropay: await wechatV2Micropay(Number(option('count') ?? 200)) } }, null, 2)}\n`);
    return;
  }
  if (process.argv[2] === 'wechat-v3') {
    process.stdout.write(`${JSON.stringify({ payments: { wechatV3CodePay: await wechatV3CodePay(Number(option('count') ?? 200)) } }, null, 2)}\n`);
    return;
  }
  if (process.argv[2] === 'jobs') {
    process.stdout.write(`${JSON.stringify({ jobs: { runnerDrain: await jobRunnerDrain(Number(option('jobs') ?? 10_000), Number(option('concurrency') ?? 64)) } }, null, 2)}\n`);
    return;
  }
  const raw = rawDurableCommits(3000, 'FULL');
  const sales = await completedSalesPerSecond();
  const figures = {
    machine: { node: process.version, platform: `${process.platform}-${process.arch}` },
    sqlite: {
      rawDurableSingleRowCommits: raw,
      rawSingleRowCommitsSynchronousNormal: rawDurableCommits(3000, 'NORMAL'),
    },
    sales: {
      ...sales,
      salesOverRawDurableCommits: Number((sales.salesPerSecond / raw.commitsPerSecond).toFixed(3)),
      completionsOverRawDurableCommits: Number((sales.completionsPerSecond / raw.commitsPerSecond).toFixed(3)),
    },
    catalogSearch: await catalogSearchBench(),
    /** Cart pricing, 10 promotions, 50 lines, beside the same cart without promotions (goal p99 < 2 ms). */
    cartPricing: cartPricingBench(),
    payments: {
      scanToAcquirer: await scanToAcquirerLatency(),
      crashMatrix: await crashMatrixBench(),
      /** Each direct provider at its sandbox (HTTPS), beside a raw HTTPS round trip and its signing's own cost. */
      wechatV2Micropay: await wechatV2Micropay(),
      wechatV3CodePay: await wechatV3CodePay(),
      alipayScanToGateway: await alipayScanToGateway(),
    },
    jobs: { runnerDrain: await jobRunnerDrain() },
    devices: { receiptEscPos: receiptEncode(), serialScanToCart: await serialScanToCart(), serialScanToUiDuringIntegrityCheck: await serialScanToUiDuringIntegrityCheck(), scaleWeightToCart: await scaleWeightToCart() },
    host: await hostStart(join(here, 'host.js')),
    // Beside the unconfined scan → UI (devices.serialScanToCart) and cold start (host) above.
    lowEndTill: await lowEndTill(join(here, 'host.js')),
    reports: await reportsBench(reportsOptions()),
    /** Each maintenance operation on the 1M-sale database: the core's longest stall with it in the SQL worker, beside its duration on the core's thread. */
    maintenance: await maintenanceBench(reportsOptions()),
    /** The store server on PostgreSQL: ingest beside raw COPY, sync lag under load, the daily total on 5M sales. */
    server: await serverSyncBench(serverOptions()),
  };
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
