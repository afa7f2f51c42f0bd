import { describe, expect, it } from "vitest";
import { RateLimitedError } from "./rate-limited";
import { TokenBuckets } from "./token-bucket";

function buckets(ratePerSec: number, burst: number, sweepAbove?: number) {
  let t = 1_000_000;
  const b = new TokenBuckets({ ratePerSec, burst, now: () => t, sweepAbove });
  return { b, advance: (ms: number) => (t += ms) };
}

describe("TokenBuckets", () => {
  it("allows a burst, then one request per refill interval", () => {
    const { b, advance } = buckets(1, 10);
    for (let i = 0; i < 10; i++) expect(b.take("k")).toEqual({ ok: true, remaining: 9 - i });
    expect(b.take("k")).toEqual({ ok: false, retryAfterMs: 1000 });
    advance(400);
    expect(b.take("k")).toEqual({ ok: false, retryAfterMs: 600 });
    advance(600);
    expect(b.take("k").ok).toBe(true);
    expect(b.take("k").ok).toBe(false);
  });

  it("refills up to the burst and no further", () => {
    const { b, advance } = buckets(2, 3);
    for (let i = 0; i < 3; i++) b.take("k");
    advance(60_000);
    for (let i = 0; i < 3; i++) expect(b.take("k").ok).toBe(true);
    expect(b.take("k").ok).toBe(false);
  });

  it("keeps one bucket per key", () => {
    const { b } = buckets(1, 2);
    b.take("a");
    b.take("a");
    expect(b.take("a").ok).toBe(false);
    expect(b.take("b").ok).toBe(true);
  });

  it("refused requests take nothing", () => {
    const { b, advance } = buckets(1, 1);
    b.take("k");
    for (let i = 0; i < 5; i++) expect(b.take("k").ok).toBe(false);
    advance(1000);
    expect(b.take("k").ok).toBe(true);
  });

  it("a clock stepping back neither refills nor drains", () => {
    const { b, advance } = buckets(1, 2);
    b.take("k");
    advance(-5000);
    expect(b.take("k").ok).toBe(true);
    expect(b.take("k").ok).toBe(false);
  });

  it("sweeps refilled buckets instead of growing without bound", () => {
    const { b, advance } = buckets(1, 1, 3);
    for (const k of ["a", "b", "c"]) b.take(k);
    expect(b.size).toBe(3);
    advance(1000);
    b.take("d");
    expect(b.size).toBe(1);
  });

  it("rejects nonsense settings", () => {
    expect(() => new TokenBuckets({ ratePerSec: 0, burst: 1, now: Date.now })).toThrow(RangeError);
    expect(() => new TokenBuckets({ ratePerSec: 1, burst: 0.5, now: Date.now })).toThrow(RangeError);
  });
});

describe("RateLimitedError", () => {
  it("rounds Retry-After up to whole seconds, at least 1", () => {
    expect(new RateLimitedError("x", 1).retryAfterSeconds).toBe(1);
    expect(new RateLimitedError("x", 1000).retryAfterSeconds).toBe(1);
    expect(new RateLimitedError("x", 1001).retryAfterSeconds).toBe(2);
    expect(new RateLimitedError("x", 0).retryAfterSeconds).toBe(1);
    expect(new RateLimitedError("x", 1).status).toBe(429);
  });
});
