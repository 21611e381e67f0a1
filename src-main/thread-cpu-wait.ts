/**
 * How long the core's thread has waited for a CPU: Linux's per-thread scheduler statistics
 * (/proc/<pid>/task/<tid>/schedstat: time on a CPU, time runnable but waiting for one, in ns).
 *
 * The loop monitor reads it to tell a stall the core caused (its own code, a garbage collection, a synchronous call)
 * from one where the core was ready to run and the machine gave the CPU to something else (the SQL workers, another
 * program, the kernel writing a backup back). Node has no per-thread CPU clock before 23.9, so this reads the file
 * the kernel formats from memory: one pread of an fd opened once, ~4 µs, no disk. Elsewhere (or if the file is
 * missing) it reads null and the monitor says nothing about waits.
 */
import { openSync, readSync, closeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

export interface ThreadCpuWait {
  /** Total time this thread has waited for a CPU since it started (ms), or null where that cannot be read. */
  waitedMs(): number | null;
  close(): void;
}

const UNKNOWN: ThreadCpuWait = { waitedMs: () => null, close: () => {} };

/** The process's main thread (its id is the process id on Linux), which is the core's; unknown when called from another thread. */
export function mainThreadCpuWait(): ThreadCpuWait {
  if (process.platform !== 'linux' || !isMainThread) return UNKNOWN;
  let fd: number | null = null;
  try {
    // Start-up only, before the loop serves anything; procfs, not a disk.
    // eslint-disable-next-line no-restricted-syntax
    fd = openSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, 'r');
  } catch {
    return UNKNOWN;
  }
  const buffer = Buffer.alloc(96);
  return {
    waitedMs() {
      if (fd === null) return null;
      try {
        // A pread at 0 makes the kernel format the three numbers anew (~4 µs, from memory).
        // eslint-disable-next-line no-restricted-syntax
        const length = readSync(fd, buffer, 0, buffer.length, 0);
        const runDelayNs = Number(buffer.toString('latin1', 0, length).split(' ')[1]);
        return Number.isFinite(runDelayNs) ? runDelayNs / 1e6 : null;
      } catch {
        return null;
      }
    },
    close() {
      if (fd === null) return;
      // eslint-disable-next-line no-restricted-syntax
      closeSync(fd);
      fd = null;
    },
  };
}
