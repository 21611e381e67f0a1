import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { mainThreadCpuWait } from './thread-cpu-wait';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // holds the CPU, as the core's code would
  }
};
const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

// Vitest runs this file in a child process's main thread (the forks pool), as the core runs in its own.
describe.skipIf(process.platform !== 'linux')('the core thread CPU wait (Linux schedstat)', () => {
  it('reads the time the thread waited for a CPU, growing only while another thread held that CPU', async () => {
    const probe = mainThreadCpuWait();
    try {
      const first = probe.times();
      expect(first).toEqual({ ranMs: expect.any(Number), waitedMs: expect.any(Number) });
      busy(20);
      const second = probe.times()!;
      expect(second.waitedMs).toBeGreaterThanOrEqual(first!.waitedMs);
      // 20 ms of running, less what another thread took of them.
      expect(second.ranMs - first!.ranMs).toBeGreaterThan(5);
      if (!hasTaskset) return;

      // This thread and a busy process pinned to one CPU: the kernel shares it, so about half of 300 ms is waiting.
      const hog = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
      const all = `0-${availableParallelism() - 1}`;
      try {
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(spawnSync('taskset', ['-pc', '0', String(hog.pid)]).status).toBe(0);
        expect(spawnSync('taskset', ['-pc', '0', String(process.pid)]).status).toBe(0);
        const before = probe.times()!.waitedMs;
        busy(300);
        const shared = probe.times()!.waitedMs - before;
        expect(shared).toBeGreaterThan(50);
        expect(shared).toBeLessThan(300);
      } finally {
        spawnSync('taskset', ['-pc', all, String(process.pid)]);
        hog.kill('SIGKILL');
      }
    } finally {
      probe.close();
    }
  });
});
