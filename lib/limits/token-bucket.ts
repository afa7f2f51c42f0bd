// A token bucket per key, held in memory. Pure: the caller passes the clock, so
// tests drive time by hand and nothing here reads process state.
//
// Each key starts with `burst` tokens; a request takes one; tokens come back
// at `ratePerSec` up to `burst`. A key with no bucket is a full bucket, so a
// bucket that has refilled is dropped and memory stays bounded by the keys
// that were busy recently.

export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSec: number;
  /** Bucket size: how many requests may arrive at once after a quiet spell. */
  burst: number;
  /** Milliseconds since the epoch (injected so tests control time). */
  now: () => number;
  /** Past this many buckets, full ones are swept before a new one is made. */
  sweepAbove?: number;
}

export type TakeResult = { ok: true; remaining: number } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly ratePerMs: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly sweepAbove: number;

  constructor(opts: TokenBucketOptions) {
    if (!(opts.ratePerSec > 0) || !Number.isFinite(opts.ratePerSec))
      throw new RangeError("ratePerSec must be a positive number");
    if (!Number.isInteger(opts.burst) || opts.burst < 1) throw new RangeError("burst must be an integer of at least 1");
    this.ratePerMs = opts.ratePerSec / 1000;
    this.burst = opts.burst;
    this.now = opts.now;
    this.sweepAbove = opts.sweepAbove ?? 10_000;
  }

  /** Takes one token for `key`, or says how long until one is available. */
  take(key: string): TakeResult {
    const now = this.now();
    const tokens = this.tokensAt(this.buckets.get(key), now);
    if (tokens < 1) return { ok: false, retryAfterMs: Math.ceil((1 - tokens) / this.ratePerMs) };
    if (!this.buckets.has(key) && this.buckets.size >= this.sweepAbove) this.sweep(now);
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return { ok: true, remaining: Math.floor(tokens - 1) };
  }

  /** How many buckets are held (full ones may linger until the next sweep). */
  get size(): number {
    return this.buckets.size;
  }

  private tokensAt(b: Bucket | undefined, now: number): number {
    if (!b) return this.burst;
    // A clock that steps back refills nothing rather than draining the bucket.
    return Math.min(this.burst, b.tokens + Math.max(0, now - b.at) * this.ratePerMs);
  }

  private sweep(now: number) {
    for (const [key, b] of this.buckets) if (this.tokensAt(b, now) >= this.burst) this.buckets.delete(key);
  }
}
