import { describe, expect, it } from 'vitest';
import { createSerialQueue } from './serial-queue';

describe('a serial queue', () => {
  it('runs tasks one at a time in order, and a failure does not stop the next', async () => {
    const queue = createSerialQueue();
    const log: string[] = [];
    const task = (name: string, ms: number, fail = false) => () =>
      new Promise<string>((resolve, reject) => {
        log.push(`start ${name}`);
        setTimeout(() => {
          log.push(`end ${name}`);
          if (fail) reject(new Error(name));
          else resolve(name);
        }, ms);
      });
    const results = await Promise.allSettled([queue(task('a', 30)), queue(task('b', 5, true)), queue(task('c', 1))]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
