/**
 * Every call to the acquirer that can move money or change the terminal's standing waits until what the terminal
 * committed before it is on disk (db/durability.ts): a pay request goes out only once its payment row (and
 * client_sn) would survive a power cut, so a restarted till always knows which orders it may have created. Reads
 * (query, refund status, statement) change nothing at the acquirer and go at once.
 */
const READS: ReadonlySet<PropertyKey> = new Set(['query', 'refundStatus', 'statement']);

export function awaitingDurability<P extends object>(port: P, durable: () => Promise<void>): P {
  return new Proxy(port, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...a: unknown[]) => unknown;
      if (READS.has(key)) return (...args: unknown[]) => method.apply(target, args);
      return async (...args: unknown[]) => {
        await durable();
        return method.apply(target, args);
      };
    },
  });
}
