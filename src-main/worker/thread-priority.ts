/**
 * The SQL workers' threads run at a lower scheduling priority than the core. On a 2-core till a maintenance
 * operation (an integrity check, a backup, an import) and the search index's rebuild each want a core; at equal
 * priority the core's thread, woken by a scan or a payment timer, waits its turn behind them. A nice of 10 gives the
 * core's thread about ten times their share when both want the CPU, and costs them nothing when the core is idle,
 * which it mostly is. In the stress test on a quiet machine the core's longest stall was 148 ms without it and
 * 19–31 ms with it (p99 4.6 → 3.5–3.8 ms).
 *
 * Linux keeps the nice value per thread, so setpriority() on this thread's id lowers only it (os.setPriority takes
 * any id). Elsewhere an id is a process and this would lower the core with it, so it does nothing there. Threads
 * started from a lowered thread inherit its value: libuv's pool, which the core's durability flushes use, is
 * started by the core before any worker exists.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** This thread's id on Linux (/proc/thread-self is <pid>/task/<tid>); null elsewhere. */
export function threadId(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/** Lowers the calling thread to `niceness` (0–19); returns the value now in force, or null where it cannot. */
export function lowerThisThreadPriority(niceness: number): number | null {
  const tid = threadId();
  if (tid === null) return null;
  try {
    if (getPriority(tid) < niceness) setPriority(tid, niceness);
    return getPriority(tid);
  } catch {
    return null;
  }
}
