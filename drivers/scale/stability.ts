/**
 * Stable weight for scales whose frames carry no stable flag: the last `samples` readings, all within
 * `windowMs` of the newest, differ by at most `toleranceGrams`. Any reading outside that resets it, so a
 * weight swinging past the same value twice is never taken as stable.
 */
export interface StabilityOptions {
  samples: number;
  windowMs: number;
  toleranceGrams: number;
}

export const DEFAULT_STABILITY: StabilityOptions = { samples: 5, windowMs: 1500, toleranceGrams: 0 };

export function createStabilityDetector(options: StabilityOptions = DEFAULT_STABILITY) {
  let run: { grams: number; at: number }[] = [];
  return {
    /** Adds a reading; true when the weight is now stable. */
    push(grams: number, at: number): boolean {
      const first = run[0];
      if (first && Math.abs(first.grams - grams) > options.toleranceGrams) run = [];
      run.push({ grams, at });
      run = run.filter((r) => at - r.at <= options.windowMs).slice(-options.samples);
      return run.length >= options.samples;
    },
    reset() {
      run = [];
    },
  };
}
