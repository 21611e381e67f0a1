import { randomInt } from 'node:crypto';
import { runCrashMatrix } from '../test/helpers/crash-matrix';
import { summarize } from './stats';

/**
 * The crash matrix (test/helpers/crash-matrix.ts) as figures: kills, what went wrong (all should be 0), and the
 * time a killed terminal takes to bring every payment and refund back to a final state, beside its bare restart
 * to ready in the same runs.
 */
function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

export async function crashMatrixBench(runs = Number(process.env.CRASH_MATRIX_RUNS ?? 54), seed = Number(process.env.CRASH_MATRIX_SEED ?? randomInt(2 ** 31))) {
  const result = await runCrashMatrix({ runs, seed });
  const recovered = result.runs.flatMap((r) => (r.recoveryMs === null ? [] : [r.recoveryMs]));
  return {
    seed,
    runs: result.runs.length,
    scenarios: new Set(result.runs.map((r) => r.scenario)).size,
    lost: result.lost.length,
    doubleCharges: result.doubleCharges.length,
    refundsPaidTwice: result.refundsPaidTwice.length,
    mismatches: result.mismatches.length,
    stuck: result.stuck.length,
    /** What the killed terminal had recorded of the interrupted payment or refund, by status: where the kills landed. */
    killedWith: countBy(result.runs.map((r) => r.leftAs)),
    recoveryMs: summarize(recovered, 0),
    baselineRestartToReadyMs: summarize(result.runs.map((r) => r.readyMs), 0),
    ...(result.lost.length + result.doubleCharges.length + result.refundsPaidTwice.length + result.mismatches.length + result.stuck.length
      ? { findings: [...result.stuck, ...result.lost, ...result.doubleCharges, ...result.refundsPaidTwice, ...result.mismatches] }
      : {}),
  };
}
