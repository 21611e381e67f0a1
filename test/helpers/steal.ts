/**
 * The time the host of a virtual machine ran something else on this machine's CPUs ("steal" in /proc/stat, kept by
 * the kernel from the hypervisor's own account), sampled every few ms, to set beside a stall of the core: a vCPU the
 * host does not run freezes whatever this machine's scheduler had on it, or leaves a timer due on it unfired (traced
 * on the CI machine: a CPU idle for 71 ms with the core's 10 ms timer due on it, nothing else runnable). On a machine
 * that is not virtual, or a hypervisor that does not report it, steal stays 0.
 *
 * /proc/stat counts in clock ticks (USER_HZ, 10 ms on Linux), so a figure is good to one tick either way.
 */
import { readFileSync } from 'node:fs';

export const STEAL_TICK_MS = 10;

interface Sample {
  at: number;
  /** Per CPU, in ticks. */
  steal: number[];
}

export interface StealSampler {
  /** Per CPU, the steal (ms) between the last sample at or before `fromMs` and the first at or after `toMs` (epoch ms). */
  during(fromMs: number, toMs: number): { perCpuMs: number[]; fromMs: number; toMs: number } | null;
  /** Per CPU, the steal (ms) since the sampler started. */
  total(): number[];
  stop(): void;
}

function readSteal(): number[] {
  const lines = readFileSync('/proc/stat', 'latin1').split('\n');
  return lines.filter((l) => /^cpu\d+ /.test(l)).map((l) => Number(l.trim().split(/\s+/)[8] ?? 0));
}

export function startStealSampler(everyMs = 5): StealSampler {
  if (process.platform !== 'linux') return { during: () => null, total: () => [], stop: () => {} };
  const samples: Sample[] = [{ at: Date.now(), steal: readSteal() }];
  const timer = setInterval(() => samples.push({ at: Date.now(), steal: readSteal() }), everyMs);
  timer.unref();
  const ms = (a: Sample, b: Sample) => b.steal.map((ticks, cpu) => (ticks - (a.steal[cpu] ?? ticks)) * STEAL_TICK_MS);
  return {
    during(fromMs, toMs) {
      const before = samples.filter((s) => s.at <= fromMs).at(-1);
      const after = samples.find((s) => s.at >= toMs);
      if (!before || !after) return null;
      return { perCpuMs: ms(before, after), fromMs: before.at, toMs: after.at };
    },
    total: () => ms(samples[0]!, samples.at(-1)!),
    stop: () => clearInterval(timer),
  };
}
