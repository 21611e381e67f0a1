import { PosError } from '../../src-common/errors';

/** A connection may check this many PINs at once, then one more per `REFILL_MS`. */
export const PIN_BURST = 10;
export const PIN_REFILL_MS = 1000;

/**
 * PIN checks per connection, as a token bucket on the real (monotonic) clock, not the till's business clock: a person entering PINs never meets it, a program sending
 * thousands of guesses is refused (`rate_limited`) before any is hashed or counted against a user.
 */
export function createPinRateLimit(now: () => number = () => performance.now()): (connection: object) => void {
  const buckets = new WeakMap<object, { tokens: number; at: number }>();
  return (connection) => {
    const at = now();
    const bucket = buckets.get(connection) ?? { tokens: PIN_BURST, at };
    bucket.tokens = Math.min(PIN_BURST, bucket.tokens + (at - bucket.at) / PIN_REFILL_MS);
    bucket.at = at;
    buckets.set(connection, bucket);
    if (bucket.tokens < 1) {
      throw new PosError('rate_limited', 'Too many PINs tried from this screen; wait a moment', {
        retryAfterMs: Math.ceil((1 - bucket.tokens) * PIN_REFILL_MS),
      });
    }
    bucket.tokens -= 1;
  };
}
