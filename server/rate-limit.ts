/**
 * Token buckets kept in memory, per key (a terminal, or a source address for failed enrolments and sign-ins).
 * In memory on purpose: one server process answers its tills, and a restart forgiving every bucket costs an attacker
 * one burst; servers behind a load balancer each keep their own (the limit is then per server).
 */
export interface BucketRule {
  /** Requests allowed at once. */
  readonly burst: number;
  /** Tokens given back per second. */
  readonly perSecond: number;
}

export interface RateLimiter {
  /** Takes a token for `key`: null when allowed, else the seconds until one is back. */
  take(key: string): number | null;
  /** The seconds until `key` has a token again, without taking one (null: it has one). */
  wait(key: string): number | null;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Keys kept at most; past it, the buckets that are full again are forgotten first (they hold nothing). */
const MAX_KEYS = 100_000;

export function createRateLimiter(rule: BucketRule, now: () => number = () => performance.now()): RateLimiter {
  const buckets = new Map<string, Bucket>();

  function refill(key: string): Bucket {
    const t = now();
    let b = buckets.get(key);
    if (!b) {
      if (buckets.size >= MAX_KEYS) forgetFull(t);
      b = { tokens: rule.burst, at: t };
      buckets.set(key, b);
      return b;
    }
    b.tokens = Math.min(rule.burst, b.tokens + ((t - b.at) / 1000) * rule.perSecond);
    b.at = t;
    return b;
  }

  function forgetFull(t: number) {
    for (const [key, b] of buckets) if (b.tokens + ((t - b.at) / 1000) * rule.perSecond >= rule.burst) buckets.delete(key);
    // Still full of live buckets: the oldest go (a flood of addresses must not grow the map without end).
    for (const key of buckets.keys()) {
      if (buckets.size < MAX_KEYS) break;
      buckets.delete(key);
    }
  }

  const secondsUntilToken = (b: Bucket) => Math.max(1, Math.ceil(((1 - b.tokens) / rule.perSecond)));

  return {
    take(key) {
      const b = refill(key);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return null;
      }
      return secondsUntilToken(b);
    },
    wait(key) {
      if (!buckets.has(key)) return null;
      const b = refill(key);
      return b.tokens >= 1 ? null : secondsUntilToken(b);
    },
  };
}

export interface RateLimits {
  /** Every call of one terminal credential (uploads, pulls). */
  readonly terminal: BucketRule;
  /** Failed enrolments and failed sign-ins (unknown credential) from one source address. */
  readonly failures: BucketRule;
}

/**
 * A till catching up sends a batch (≤ 500 facts) after each acknowledgement, so 50 calls a second is ~25,000 facts a
 * second per till; a bad code or credential ten times a minute from an address is a person typing, not a guesser.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  terminal: { burst: 120, perSecond: 50 },
  failures: { burst: 10, perSecond: 10 / 60 },
};
