import { readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { lowerThisThreadPriority, threadId } from './thread-priority';

// That the workers' threads are lowered and the core's is not: test/integration/maintenance-worker.test.ts.
describe.runIf(process.platform === 'linux')('a thread’s priority', () => {
  it('knows this thread’s id, and leaves a thread already at or below the value where it is', () => {
    expect(readdirSync('/proc/self/task').map(Number)).toContain(threadId());
    const now = getPriority(0);
    // Raising a priority needs privileges; asking for the value in force never changes it.
    expect(lowerThisThreadPriority(now)).toBe(now);
    expect(getPriority(0)).toBe(now);
  });
});
