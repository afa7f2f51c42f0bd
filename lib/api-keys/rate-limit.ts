import { RateLimitedError } from "../limits/rate-limited";
import { TokenBuckets } from "../limits/token-bucket";

// The management API's per-key limit: one token bucket per API key id, in
// this process's memory.
//
// Why memory and not the database: every v1 request would otherwise pay a
// write transaction (SQLite has one writer, and the publish path needs it) just
// to count itself, and the counter would be the hottest row in the file. The
// price is that with several web instances each keeps its own buckets, so the
// effective limit is the configured one times the number of instances, and a
// restart refills every bucket. That is fine for what the limit is for: a
// runaway script or a leaked key cannot flood the writer; it is not billing.

export interface ApiKeyLimits {
  ratePerSec: number;
  burst: number;
}

export class ApiKeyLimiter {
  private readonly buckets: TokenBuckets;

  constructor(limits: ApiKeyLimits, now: () => number = Date.now) {
    this.buckets = new TokenBuckets({ ...limits, now });
  }

  /** Takes one request from the key's bucket or throws RateLimitedError. */
  check(keyId: string): void {
    const r = this.buckets.take(keyId);
    if (!r.ok)
      throw new RateLimitedError(
        "Rate limit exceeded for this API key; retry after the number of seconds in Retry-After",
        r.retryAfterMs,
      );
  }
}
