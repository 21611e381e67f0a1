import { describe, expect, it } from 'vitest';
import { createKeyedSerialQueue } from './keyed-serial-queue';

describe('a keyed serial queue', () => {
  it("runs one key's tasks one at a time in order, and other keys' tasks beside them", async () => {
    const queue = createKeyedSerialQueue();
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
    const results = await Promise.allSettled([queue('a', task('a1', 40)), queue('a', task('a2', 5, true)), queue('b', task('b1', 10)), queue('a', task('a3', 1))]);
    expect(log).toEqual(['start a1', 'start b1', 'end b1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  });
});
