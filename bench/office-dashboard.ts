/**
 * The back office dashboard's server time (server/office/areas/dashboard.ts dashboardFigures: every query of one
 * dashboard call, without HTTP and sign-in) on the daily-total bench's big database, for one store's day and for
 * the chain's day (every store), beside the plain daily-total query of one store's day (server/api/admin.ts
 * dailyTotals) measured in the same run on the same database.
 */
import { dailyTotals } from '../server/api/admin';
import type { Db } from '../server/database';
import { dashboardFigures } from '../server/office/areas/dashboard';
import { percentile } from './stats';

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

async function timed(samples: number, run: (i: number) => Promise<void>) {
  const ms: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const started = performance.now();
    await run(i);
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return { queries: ms.length, p50Ms: round(percentile(ms, 50)), p95Ms: round(percentile(ms, 95)), maxMs: round(ms.at(-1) ?? NaN) };
}

/**
 * The pool with each query's time recorded under the start of its SQL (a dashboard call runs its queries at once, so
 * their times overlap: they say which one the call waits for).
 */
function timedQueries(db: Db): { db: Db; times: Map<string, number[]> } {
  const times = new Map<string, number[]>();
  const query = async (text: string | { text: string }, params?: unknown[]) => {
    const started = performance.now();
    try {
      return await (typeof text === 'string' ? db.query(text, params) : db.query(text));
    } finally {
      const label = (typeof text === 'string' ? text : text.text).replace(/\s+/g, ' ').trim().slice(0, 70);
      times.set(label, [...(times.get(label) ?? []), performance.now() - started]);
    }
  };
  return { db: new Proxy(db, { get: (target, key) => (key === 'query' ? query : Reflect.get(target, key)) }), times };
}

/** `stores` stores S0…, dates 2026-11-01 + 0…29 (the daily-total bench's database, with its sale lines and tills). */
export async function officeDashboardBench(db: Db, stores: number, samples = 100) {
  const date = (i: number) => `2026-11-${String(1 + ((i * 7) % 30)).padStart(2, '0')}`;
  const store = (i: number) => `S${(i * 37) % stores}`;
  const every = Array.from({ length: stores }, (_, i) => ({ storeId: `S${i}`, name: `store ${i}` }));
  const check = (net: number, what: string) => {
    if (net === 0) throw new Error(`no sales in ${what}`);
  };
  const baseline = await timed(samples, async (i) => {
    check((await dailyTotals(db, store(i), { date: date(i) })).store.net, 'daily total');
  });
  const oneStore = await timed(samples, async (i) => {
    const d = await dashboardFigures(db, { stores: [{ storeId: store(i), name: 'store' }], from: date(i), to: date(i), timeZone: 'Asia/Shanghai' });
    check(d.chain.net, 'store dashboard');
  });
  // As many as the store's day now that the chain's reads the rollups (it took ~0.5 s a call before them).
  const chainSamples = samples;
  const watched = timedQueries(db);
  const chain = await timed(chainSamples, async (i) => {
    const d = await dashboardFigures(watched.db, { stores: every, from: date(i), to: date(i), timeZone: 'Asia/Shanghai' });
    check(d.chain.net, 'chain dashboard');
  });
  const chainQueries = Object.fromEntries(
    [...watched.times]
      .map(([label, ms]) => [label, round(percentile([...ms].sort((a, b) => a - b), 50))] as const)
      .sort(([, a], [, b]) => b - a),
  );
  return {
    baselineStoreDailyTotal: baseline,
    storeDay: { ...oneStore, overBaselineP95: round(oneStore.p95Ms / baseline.p95Ms) },
    chainDay: { stores, ...chain, overBaselineP95: round(chain.p95Ms / baseline.p95Ms), queriesP50Ms: chainQueries },
    goal: 'p95 < 100 ms',
  };
}
