import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { lowerThisThreadPriority, raiseThisThreadPriority, thisThreadPriority, threadId } from './thread-priority';

/** May this process lower a nice value to `nice`: CAP_SYS_NICE (capability 23), or RLIMIT_NICE's soft limit (down to 20 - it). */
function mayRaiseTo(nice: number): boolean {
  const capabilities = BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]}`);
  const rlimit = Number(/Max nice priority\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))![1]);
  return (capabilities & (1n << 23n)) !== 0n || 20 - rlimit <= nice;
}

// That the workers' threads are lowered and the core's is not: test/integration/maintenance-worker.test.ts.
describe.runIf(process.platform === 'linux')('a thread’s priority', () => {
  it('knows this thread’s id, and leaves a thread already at or below the value where it is', () => {
    expect(readdirSync('/proc/self/task').map(Number)).toContain(threadId());
    const now = getPriority(0);
    // Raising a priority needs privileges; asking for the value in force never changes it.
    expect(lowerThisThreadPriority(now)).toBe(now);
    expect(getPriority(0)).toBe(now);
  });

  it('raises this thread where the process may, and otherwise leaves it where it was', () => {
    const before = getPriority(0);
    try {
      const now = raiseThisThreadPriority(before - 1);
      expect(now).toBe(mayRaiseTo(before - 1) ? before - 1 : before);
      expect(thisThreadPriority()).toBe(now);
      // Asking for a value at or above the one in force changes nothing.
      expect(raiseThisThreadPriority(before + 1)).toBe(now);
    } finally {
      lowerThisThreadPriority(before);
    }
    expect(getPriority(0)).toBe(before);
  });
});
