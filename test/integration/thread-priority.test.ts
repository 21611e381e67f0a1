import { readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { mayRaiseNiceTo } from '../helpers/threads';
import { lowerThisThreadPriority, raiseThisThreadPriority, thisThreadPriority, threadId } from '../../src-main/thread-priority';

// That the workers' threads are lowered and the core's is not: ./maintenance-worker.test.ts; a running host's threads: ./host.test.ts.
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
      expect(now).toBe(mayRaiseNiceTo('self', before - 1) ? before - 1 : before);
      expect(thisThreadPriority()).toBe(now);
      // Asking for a value at or above the one in force changes nothing.
      expect(raiseThisThreadPriority(before + 1)).toBe(now);
    } finally {
      lowerThisThreadPriority(before);
    }
    expect(getPriority(0)).toBe(before);
  });
});
