import { describe, expect, it } from 'vitest';
import { PosError } from '../../src-common/errors';
import { createPinRateLimit, PIN_BURST, PIN_REFILL_MS } from './pin-rate-limit';

describe('the per-connection PIN rate limit', () => {
  it('lets a burst through, refuses the rest with rate_limited, and refills one check per interval', () => {
    let now = 0;
    const limit = createPinRateLimit(() => now);
    const a = {};
    const b = {};
    for (let i = 0; i < PIN_BURST; i++) limit(a);
    expect(() => limit(a)).toThrow(PosError);
    try {
      limit(a);
    } catch (error) {
      expect((error as PosError).toApiError()).toEqual({ code: 'rate_limited', message: expect.any(String), details: { retryAfterMs: PIN_REFILL_MS } });
    }
    // Another connection has its own allowance.
    expect(() => limit(b)).not.toThrow();
    now += PIN_REFILL_MS;
    expect(() => limit(a)).not.toThrow();
    expect(() => limit(a)).toThrow(PosError);
  });
});
