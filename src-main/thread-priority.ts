/**
 * The core's thread runs above every other thread of the till where the system lets it, and the SQL workers' threads
 * below them.
 *
 * The core's thread (the Electron main process's, or the host's) raises itself to nice -8 (raiseThisThreadPriority),
 * Chromium's value for its display-critical threads on Linux, applied the same way: only where the process may (root,
 * CAP_SYS_NICE, or an RLIMIT_NICE that allows it, e.g. systemd's `LimitNICE=-8` in the till's service); elsewhere it
 * stays at its nice value and says so in the log. Left at 0 beside everything else at 0 (a kernel worker, the
 * screens, any other program), a woken core waits its turn for a CPU: in the stress test that wait was most of every
 * stall left over 20 ms. The host raises Node's own threads too (raiseProcessThreads), to -4: the core's thread waits
 * for V8's platform threads in every parallel scavenge (22 ms once, in a traced stress run, while the test's process
 * held their CPU), and takes the lock libuv's pool holds to hand it each finished file operation. At -8 with the core
 * they took its CPU for their concurrent work instead (the core queued behind them); at -4 they stay above every
 * other program and below the core. In Electron those threads are Chromium's, which sets their priorities itself.
 * Threads the core starts inherit its value; those that are not the core put themselves back (the sandboxes'
 * threads to 0, the SQL workers lower still). The SQL workers at nice 19 in the normal class instead of the idle
 * class below (tried beside the raised core) left the core waiting for a CPU longer (13–32 ms in three runs).
 *
 * The SQL workers' threads run at a lower scheduling priority than the core. On a 2-core till a maintenance
 * operation (an integrity check, a backup, an import) and the search index's rebuild each want a core; at equal
 * priority the core's thread, woken by a scan or a payment timer, waits its turn behind them. A nice of 10 gives the
 * core's thread about ten times their share when both want the CPU, and costs them nothing when the core is idle,
 * which it mostly is. In the stress test on a quiet machine the core's longest stall was 148 ms without it and
 * 19–31 ms with it (p99 4.6 → 3.5–3.8 ms).
 *
 * Linux keeps the nice value per thread, so setpriority() on this thread's id changes only it (os.setPriority takes
 * any id). Elsewhere an id is a process and this would change the whole process, so it does nothing there. Threads
 * started from a thread inherit its value: libuv's pool, which the core's durability flushes use, is started before
 * the core raises itself and before any worker exists.
 *
 * On Linux the workers then leave the normal class for SCHED_IDLE (idleThisThread). A nice of 10 still let a
 * worker finish its slice while the core's thread, woken, waited, and the kernel placed the woken core on the other
 * CPU, behind whatever ran there (in the stress test: a kernel writeback worker for 26 ms while a nice-10 worker held
 * the first CPU). A CPU running only SCHED_IDLE threads counts as free when the kernel places a woken thread, and a
 * normal thread preempts them at once: in the stress test the core's waits for a CPU over 5 ms fell from 43 to 17,
 * over 10 ms from 5 to 1. Both workers are in the class, so neither starves the other while it holds the write gate.
 *
 * The cost of the class: a worker preempted while it holds a lock the core's thread then needs keeps it until no
 * normal thread wants its CPU. Node's message ports are such a lock: a worker posting to the core takes the port's
 * lock and wakes the core, which, placed on the worker's CPU, preempts it there and blocks on the same lock
 * (`perf` with stacks: the core asleep in MessagePort::OnMessage's lock, once for 55 ms while another process held
 * the CPU). So the workers send the core few messages: an operation's progress at most every 250 ms
 * (./worker/sql-worker.ts), its result once. The write gate's wake of a waiting core (Atomics.waitAsync, ../db/write-gate.ts)
 * goes through the platform's task lock the same way (292 sleeps on it in a traced run); a core that looked at the
 * gate every millisecond instead had none, but that change is not in (a CI run failed in an e2e scan test beside it,
 * not traced to it).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** This thread's id on Linux (/proc/thread-self is <pid>/task/<tid>); null elsewhere. */
export function threadId(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    // procfs, not a disk: at a thread's start, and when the technician asks for the core's loop figures.
    // eslint-disable-next-line no-restricted-syntax
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

/** What the core's thread asks for: Chromium's display priority (its threads that draw and answer input). */
export const CORE_NICENESS = -8;
/** What the host's runtime threads get beside it: above every other program, below the core (see above). */
export const CORE_HELPER_NICENESS = -4;

/**
 * Raises the calling thread to `niceness` (below 0) where this process is allowed to; returns the value now in force
 * (unchanged where it was not allowed), or null where a thread's value cannot be read or set (not Linux).
 */
export function raiseThisThreadPriority(niceness: number): number | null {
  const tid = threadId();
  if (tid === null) return null;
  try {
    if (getPriority(tid) > niceness) setPriority(tid, niceness);
  } catch {
    // EACCES: not allowed (no CAP_SYS_NICE, RLIMIT_NICE too low); the thread keeps its value.
  }
  return thisThreadPriority();
}

/**
 * Raises every thread of this process now at the normal value (0) to `niceness`, where allowed; returns how many it
 * raised. Called before the process starts a thread of its own, so these are the runtime's.
 */
export function raiseProcessThreads(niceness: number): number {
  if (threadId() === null) return 0;
  let raised = 0;
  // procfs, at the core's start, before the loop serves anything.
  // eslint-disable-next-line no-restricted-syntax
  for (const tid of readdirSync('/proc/self/task').map(Number)) {
    try {
      if (getPriority(tid) !== 0) continue;
      setPriority(tid, niceness);
      raised += 1;
    } catch {
      // Not allowed, or the thread has ended.
    }
  }
  return raised;
}

/** The calling thread's nice value (Linux), or null. */
export function thisThreadPriority(): number | null {
  const tid = threadId();
  if (tid === null) return null;
  try {
    return getPriority(tid);
  } catch {
    return null;
  }
}

/**
 * Puts the calling thread in Linux's SCHED_IDLE class: it runs only on a CPU nothing else wants. Node has no binding
 * for sched_setscheduler, so this asks util-linux's `chrt` (on every Linux desktop) to do it for this thread's id;
 * lowering one's own class needs no privilege. Resolves whether it took; where it did not (not Linux, no chrt), the
 * thread keeps the nice value lowerThisThreadPriority gave it.
 */
export function idleThisThread(): Promise<boolean> {
  const tid = threadId();
  if (tid === null) return Promise.resolve(false);
  return new Promise((resolve) => {
    const chrt = spawn('chrt', ['--idle', '--pid', '0', String(tid)], { stdio: 'ignore' });
    chrt.once('error', () => resolve(false));
    chrt.once('exit', (code) => resolve(code === 0));
  });
}
