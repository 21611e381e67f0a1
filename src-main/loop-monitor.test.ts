import { afterEach, describe, expect, it } from 'vitest';
import { startLoopMonitor, type LoopMonitor } from './loop-monitor';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // keeps the event loop from running, as a synchronous query would
  }
};
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the core event-loop monitor', () => {
  let monitor: LoopMonitor;
  afterEach(() => monitor.stop());

  it('records a loop blocked by synchronous work, and starts a new window on reset', async () => {
    monitor = startLoopMonitor();
    await tick(30);
    busy(120);
    await tick(30);
    const blocked = monitor.snapshot();
    expect(blocked.maxMs).toBeGreaterThanOrEqual(100);
    expect(blocked.samples).toBeGreaterThan(0);

    monitor.reset();
    await tick(60);
    const quiet = monitor.snapshot();
    // A generous bound: this machine is shared, but nothing near the 120 ms block happened in this window.
    expect(quiet.maxMs).toBeLessThan(100);
    expect(quiet.windowMs).toBeGreaterThanOrEqual(50);
  });
});
