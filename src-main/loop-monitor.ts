/**
 * How long the core's event loop was kept from serving scans, timers and calls: Node's own histogram of
 * event-loop delay (perf_hooks.monitorEventLoopDelay), read by the technician's
 * diagnostics, the tests that prove maintenance work never stalls the core, and the benchmarks.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface LoopDelaySnapshot {
  /** Longest single delay since the last reset (ms). */
  maxMs: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Delays recorded since the last reset. */
  samples: number;
  /** How long the window covers (ms). */
  windowMs: number;
}

export interface LoopMonitor {
  snapshot(): LoopDelaySnapshot;
  /** Starts a new window (the histogram is emptied). */
  reset(): void;
  stop(): void;
}

const ms = (ns: number) => Number((ns / 1e6).toFixed(3));

/**
 * `resolutionMs`: how often Node samples (a timer). Any stall longer than it is measured exactly; 10 ms keeps the
 * idle cost of always measuring low (a 1 ms timer wakes a low-end till a thousand times a second).
 */
export function startLoopMonitor(resolutionMs = 10): LoopMonitor {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  let since = performance.now();
  return {
    snapshot() {
      // The histogram counts the sampling interval itself as delay: subtract it, so an idle loop reads ~0.
      const resolutionNs = resolutionMs * 1e6;
      const lessResolution = (ns: number) => ms(Math.max(0, ns - resolutionNs));
      const samples = histogram.count;
      return {
        maxMs: samples ? lessResolution(histogram.max) : 0,
        p50Ms: samples ? lessResolution(histogram.percentile(50)) : 0,
        p99Ms: samples ? lessResolution(histogram.percentile(99)) : 0,
        meanMs: samples ? lessResolution(histogram.mean) : 0,
        samples,
        windowMs: Number((performance.now() - since).toFixed(1)),
      };
    },
    reset() {
      histogram.reset();
      since = performance.now();
    },
    stop() {
      histogram.disable();
    },
  };
}
