/**
 * How long the core's thread has run on a CPU and waited for one: Linux's per-thread scheduler statistics
 * (/proc/<pid>/task/<tid>/schedstat: time on a CPU, time runnable but waiting for one, in ns).
 *
 * The loop monitor reads it to tell a stall the core caused from one where the core was ready to run and the machine
 * gave the CPU to something else (the SQL workers, another program, the kernel writing a backup back); and, of what
 * the core caused, the part it ran (its code, a garbage collection) from the part it slept in the kernel (a
 * synchronous call waiting for the disk or for a lock another thread held), which is neither. Node has no per-thread
 * CPU clock before 23.9, so this reads the file the kernel formats from memory: one pread of an fd opened once, ~4 µs,
 * no disk. Elsewhere (or if the file is missing) it reads null and the monitor says nothing about waits.
 */
import { openSync, readSync, closeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/** A thread's totals since it started (ms). */
export interface ThreadTimes {
  /** On a CPU. */
  ranMs: number;
  /** Runnable, waiting for a CPU. */
  waitedMs: number;
}

export interface ThreadCpuWait {
  /** This thread's time on a CPU and waiting for one, or null where that cannot be read. */
  times(): ThreadTimes | null;
  close(): void;
}

const UNKNOWN: ThreadCpuWait = { times: () => null, close: () => {} };

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
    times() {
      if (fd === null) return null;
      try {
        // A pread at 0 makes the kernel format the three numbers anew (~4 µs, from memory).
        // eslint-disable-next-line no-restricted-syntax
        const length = readSync(fd, buffer, 0, buffer.length, 0);
        const [runNs, runDelayNs] = buffer.toString('latin1', 0, length).split(' ').map(Number);
        return Number.isFinite(runNs) && Number.isFinite(runDelayNs) ? { ranMs: runNs! / 1e6, waitedMs: runDelayNs! / 1e6 } : null;
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
