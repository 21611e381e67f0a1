/**
 * The figures of a low-end till: the bench's scan → UI and cold-start measurements re-run with the host process
 * (the core) confined to a quarter of one CPU core by a cgroup (CFS quota 25 ms per 100 ms period). Needs root and
 * a writable cgroup cpu controller (v1 or v2); otherwise the figure says why it was skipped.
 */
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { hostStart } from './host-start';
import { serialScanToUiOverHost } from './devices';

const PERIOD_US = 100_000;
const QUOTA_US = 25_000;

interface CpuGroup {
  dir: string;
  remove(): void;
}

/** A cgroup limited to a quarter of a core, v2 (cpu.max) or v1 (cpu.cfs_quota_us); null with the reason when not possible. */
function makeQuarterCoreGroup(): CpuGroup | { skipped: string } {
  const name = `jiezhang-bench-${process.pid}`;
  const candidates = [
    { root: '/sys/fs/cgroup', limit: (dir: string) => writeFileSync(`${dir}/cpu.max`, `${QUOTA_US} ${PERIOD_US}`), probe: '/sys/fs/cgroup/cgroup.controllers' },
    {
      root: '/sys/fs/cgroup/cpu',
      limit: (dir: string) => {
        writeFileSync(`${dir}/cpu.cfs_period_us`, String(PERIOD_US));
        writeFileSync(`${dir}/cpu.cfs_quota_us`, String(QUOTA_US));
      },
      probe: '/sys/fs/cgroup/cpu/cpu.cfs_quota_us',
    },
  ];
  const errors: string[] = [];
  for (const c of candidates) {
    if (!existsSync(c.probe)) continue;
    const dir = `${c.root}/${name}`;
    try {
      mkdirSync(dir);
      c.limit(dir);
      return { dir, remove: () => rmdirSync(dir) };
    } catch (error) {
      errors.push(`${dir}: ${(error as Error).message}`);
      try {
        rmdirSync(dir);
      } catch {
        // was not made
      }
    }
  }
  return { skipped: errors.length ? `no writable cgroup cpu controller (${errors.join('; ')})` : 'no cgroup cpu controller on this machine' };
}

export async function lowEndTill(hostEntry: string) {
  const group = makeQuarterCoreGroup();
  if ('skipped' in group) return { skipped: group.skipped };
  try {
    return {
      cpuQuota: `${QUOTA_US / PERIOD_US} of one core for the host process (cgroup ${group.dir}); the measuring client runs outside it`,
      goals: { scanToUiP99Ms: 50, coldStartMs: 2000 },
      // A fast cashier's pace (4 scans a second): back to back, scans use up the quota (25 ms of CPU per 100 ms)
      // and then every one waits for the next period, which measures the quota, not the till.
      scanToUi: await serialScanToUiOverHost(200, group.dir, 250),
      host: await hostStart(hostEntry, 5, group.dir),
    };
  } finally {
    group.remove();
  }
}
