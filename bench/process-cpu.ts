/**
 * CPU time a process (and a PostgreSQL cluster: its postmaster and every backend) has used, from Linux's /proc, so a
 * bench can put the work done beside the CPU it took: a ratio that other loads on a shared machine move far less than
 * wall-clock rates. Null where /proc is not there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux). */
const TICK_MS = 10;

interface Stat {
  ppid: number;
  /** utime + stime (own) and cutime + cstime (children it has reaped), in ms. */
  ownMs: number;
  childrenMs: number;
}

function stat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ": state ppid … utime(14) stime(15) cutime(16) cstime(17), counted from 1 with pid.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const at = (n: number) => Number(fields[n - 3]);
    return { ppid: at(4), ownMs: (at(14) + at(15)) * TICK_MS, childrenMs: (at(16) + at(17)) * TICK_MS };
  } catch {
    return null;
  }
}

/** CPU ms used by `pid` so far, with its reaped children's. */
export function processCpuMs(pid: number): number | null {
  const s = stat(pid);
  return s ? s.ownMs + s.childrenMs : null;
}

/** CPU ms used so far by a PostgreSQL cluster: the postmaster (with the backends it has reaped) and its live children. */
export function clusterCpuMs(clusterDir: string): number | null {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
  const root = stat(postmaster);
  if (!root) return null;
  let total = root.ownMs + root.childrenMs;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s?.ppid === postmaster) total += s.ownMs + s.childrenMs;
  }
  return total;
}
