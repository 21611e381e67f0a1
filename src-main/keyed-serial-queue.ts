import { createSerialQueue } from './serial-queue';

/**
 * One serial queue per key: tasks of the same key run one at a time in the order given, tasks of different keys
 * run side by side. A key's queue is dropped once it has nothing left to run.
 */
export function createKeyedSerialQueue(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const queues = new Map<string, { run: ReturnType<typeof createSerialQueue>; waiting: number }>();
  return async (key, task) => {
    let queue = queues.get(key);
    if (!queue) {
      queue = { run: createSerialQueue(), waiting: 0 };
      queues.set(key, queue);
    }
    queue.waiting++;
    try {
      return await queue.run(task);
    } finally {
      if (--queue.waiting === 0) queues.delete(key);
    }
  };
}
