/**
 * How long the core's event loop was kept from serving scans, timers and calls: Node's own histogram of
 * event-loop delay (perf_hooks.monitorEventLoopDelay), read by the technician's
 * diagnostics, the tests that prove maintenance work never stalls the core, and the benchmarks.
 *
 * Beside it, each stall is split in two (Linux): the time the core's thread waited for a CPU it was ready to use
 * (./thread-cpu-wait.ts), and the rest, which the core held itself (its code, a garbage collection, a synchronous
 * call). On a loaded 2-core machine the first can reach tens of milliseconds with the core doing nothing wrong; the
 * second is what the core's own design answers for. Of the longest held, the time the thread ran is given too: the
 * rest of it the thread slept inside a synchronous call (waiting for the disk, or for a lock another thread held).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { mainThreadCpuWait, type ThreadCpuWait } from './thread-cpu-wait';

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
  /** The longest stall the monitor's own timer saw, and how much of it the core's thread waited for a CPU (null: unknown here). */
  longestStall: { ms: number; waitingForCpuMs: number | null };
  /** The longest the core held its loop itself: a stall less the time its thread waited for a CPU during it. */
  longestHeldMs: number;
  /**
   * How long the thread ran on a CPU over that stall's interval (the stall and the tick before it; null: unknown):
   * well under `longestHeldMs`, the thread slept in a synchronous call for the rest.
   */
  longestHeldOnCpuMs: number | null;
  /** When that stall ended (ISO time; null: none yet), to find it in the logs. */
  longestHeldAt: string | null;
  /**
   * The stalls over the goal (STALL_GOAL_MS), the LONG_STALLS_KEPT longest, each with when it ended: to set beside
   * what else the machine recorded then (its logs; on a virtual machine, the time the host did not run it).
   */
  longStalls: LongStall[];
}

export interface LongStall {
  ms: number;
  /** Of it, the core's thread waited for a CPU (null: unknown here). */
  waitingForCpuMs: number | null;
  /** Over its interval, the thread ran on a CPU (null: unknown here). */
  onCpuMs: number | null;
  /** When it ended (ISO time). */
  endedAt: string;
}

/** The core's goal: never kept from serving for longer (issue 12). */
export const STALL_GOAL_MS = 20;
const LONG_STALLS_KEPT = 16;

export interface LoopMonitor {
  snapshot(): LoopDelaySnapshot;
  /** Starts a new window (the histogram is emptied). */
  reset(): void;
  stop(): void;
}

const round = (milliseconds: number) => Number(milliseconds.toFixed(3));
const ms = (ns: number) => round(ns / 1e6);

/**
 * `resolutionMs`: how often Node samples (a timer). Any stall longer than it is measured exactly; 10 ms keeps the
 * idle cost of always measuring low (a 1 ms timer wakes a low-end till a thousand times a second).
 */
export function startLoopMonitor(resolutionMs = 10, cpuWait: ThreadCpuWait = mainThreadCpuWait()): LoopMonitor {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  let since = performance.now();
  const stalls = watchStalls(resolutionMs, cpuWait);
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
        ...stalls.longest(),
      };
    },
    reset() {
      histogram.reset();
      stalls.reset();
      since = performance.now();
    },
    stop() {
      histogram.disable();
      stalls.stop();
      cpuWait.close();
    },
  };
}

/** A timer at the histogram's resolution that measures each late tick, and the thread's CPU wait and run within it. */
function watchStalls(resolutionMs: number, cpuWait: ThreadCpuWait) {
  let longestStall = { ms: 0, waitingForCpuMs: null as number | null };
  let longestHeld = { ms: 0, onCpuMs: null as number | null, at: null as number | null };
  let longStalls: LongStall[] = [];
  let lastTick = performance.now();
  let last = cpuWait.times();
  const timer = setInterval(() => {
    const now = performance.now();
    const times = cpuWait.times();
    const stallMs = Math.max(0, now - lastTick - resolutionMs);
    // Both over the whole interval (the stall and the tick before it).
    const waitingForCpuMs = times && last ? Math.max(0, times.waitedMs - last.waitedMs) : null;
    const onCpuMs = times && last ? Math.max(0, times.ranMs - last.ranMs) : null;
    if (stallMs > longestStall.ms) longestStall = { ms: stallMs, waitingForCpuMs };
    // The wait can exceed the stall (it is over the interval): held is then 0.
    const heldMs = stallMs - (waitingForCpuMs ?? 0);
    if (heldMs > longestHeld.ms) longestHeld = { ms: heldMs, onCpuMs, at: Date.now() };
    if (stallMs > STALL_GOAL_MS && (longStalls.length < LONG_STALLS_KEPT || stallMs > longStalls.at(-1)!.ms)) {
      const stall = { ms: round(stallMs), waitingForCpuMs: waitingForCpuMs === null ? null : round(waitingForCpuMs), onCpuMs: onCpuMs === null ? null : round(onCpuMs), endedAt: new Date().toISOString() };
      longStalls = [...longStalls, stall].sort((a, b) => b.ms - a.ms).slice(0, LONG_STALLS_KEPT);
    }
    lastTick = now;
    last = times;
  }, resolutionMs);
  timer.unref();
  return {
    longest: () => ({
      longestStall: { ms: round(longestStall.ms), waitingForCpuMs: longestStall.waitingForCpuMs === null ? null : round(longestStall.waitingForCpuMs) },
      longestHeldMs: round(longestHeld.ms),
      longestHeldOnCpuMs: longestHeld.onCpuMs === null ? null : round(longestHeld.onCpuMs),
      longestHeldAt: longestHeld.at === null ? null : new Date(longestHeld.at).toISOString(),
      longStalls,
    }),
    reset() {
      longStalls = [];
      longestStall = { ms: 0, waitingForCpuMs: null };
      longestHeld = { ms: 0, onCpuMs: null, at: null };
    },
    stop: () => clearInterval(timer),
  };
}
