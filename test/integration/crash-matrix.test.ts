import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SANDBOX_TEST_CODES } from '../../src-main/acquirer/sandbox/test-codes';
import { CRASH_SCENARIOS, runCrashMatrix } from '../helpers/crash-matrix';

/**
 * Kill anywhere: SIGKILL the terminal at random moments of every payment (every sandbox test code), refund and
 * void path, restart it, and check it against the acquirer's ledger: no lost sale, no double charge, no refund
 * paid twice, and the terminal's money equal to the acquirer's to the fen. The table of codes and paths is at the
 * top of test/helpers/crash-matrix.ts (shared with the bench).
 *
 * Seeded: the seed is printed; CRASH_MATRIX_SEED=<n> replays a run, CRASH_MATRIX_RUNS=<n> changes its length.
 */
const RUNS = Number(process.env.CRASH_MATRIX_RUNS ?? 54);
const SEED = Number(process.env.CRASH_MATRIX_SEED ?? randomInt(2 ** 31));

describe('a terminal killed at random moments of its money paths', () => {
  it('has a row in the matrix for every sandbox test code', () => {
    const suffixPattern = (suffix: string) => new RegExp(`^${suffix.replace(/N/g, '\\d')}$`);
    const paid = CRASH_SCENARIOS.filter((s) => s.kind === 'pay').map((s) => s.suffix);
    for (const code of SANDBOX_TEST_CODES) expect(paid.some((suffix) => suffixPattern(code.suffix).test(suffix)), `code ${code.suffix}`).toBe(true);
  });

  it(`loses no sale, charges no one twice, pays no refund twice, and equals the ledger to the fen (${RUNS} kills)`, { timeout: 400_000 }, async () => {
    console.log(`crash matrix: seed ${SEED}, ${RUNS} runs (replay with CRASH_MATRIX_SEED=${SEED})`);
    const result = await runCrashMatrix({ runs: RUNS, seed: SEED });
    const recovery = result.runs.map((r) => r.recoveryMs).filter((ms): ms is number => ms !== null).sort((a, b) => a - b);
    console.log(
      `crash matrix: seed ${SEED}: ${result.runs.length} runs, recovery p50 ${recovery[Math.floor(recovery.length / 2)]} ms, max ${recovery.at(-1)} ms`,
    );
    const landed: Record<string, number> = {};
    for (const r of result.runs) landed[r.leftAs] = (landed[r.leftAs] ?? 0) + 1;
    console.log(`crash matrix: the killed terminal had left the interrupted payment or refund as ${JSON.stringify(landed)}`);
    expect(result.runs.length).toBe(RUNS);
    expect(new Set(result.runs.map((r) => r.scenario)).size).toBe(Math.min(RUNS, CRASH_SCENARIOS.length));
    expect({ stuck: result.stuck, lost: result.lost, doubleCharges: result.doubleCharges, refundsPaidTwice: result.refundsPaidTwice, mismatches: result.mismatches }).toEqual({
      stuck: [],
      lost: [],
      doubleCharges: [],
      refundsPaidTwice: [],
      mismatches: [],
    });
  });
});
