/**
 * Every call to the acquirer waits until what the terminal committed before it is on disk (db/durability.ts):
 * a pay request goes out only once its payment row (and client_sn) would survive a power cut, so a restarted
 * till always knows which orders it may have created.
 */
export function awaitingDurability<P extends object>(port: P, durable: () => Promise<void>): P {
  return new Proxy(port, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await durable();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
