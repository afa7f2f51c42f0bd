import { and, desc, gt, inArray, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { subscribeLimit } from "@/db/schema";
import { takeAllowance, windowCounter, type Counter } from "../limits/counters";

/** 0 switches a limit off. Defaults live in lib/env.ts. */
export interface SubscribeLimits {
  perAddress15m: number;
  perAddressDay: number;
  perIpHour: number;
  globalHour: number;
}

export const DEFAULT_SUBSCRIBE_LIMITS: SubscribeLimits = {
  perAddress15m: 1,
  perAddressDay: 3,
  perIpHour: 10,
  globalHour: 500,
};

const MIN = 60_000;
const HOUR = 60 * MIN;

function counters(limits: SubscribeLimits, email: string, ip: string, now: number): Counter[] {
  const addr = email.toLowerCase();
  return [
    windowCounter("perAddress15m", addr, limits.perAddress15m, 15 * MIN, now),
    windowCounter("perAddressDay", addr, limits.perAddressDay, 24 * HOUR, now),
    windowCounter("perIpHour", ip, limits.perIpHour, HOUR, now),
    windowCounter("globalHour", "all", limits.globalHour, HOUR, now),
  ];
}

/**
 * Checks and counts one subscribe request against every limit. Must run inside
 * the subscribe transaction, after its first write (which takes SQLite's write
 * lock), so concurrent requests are serialized (lib/limits/counters.ts).
 * Returns the first limit hit, or null when the request may proceed.
 */
export async function takeSubscribeAllowance(
  tx: Tx,
  limits: SubscribeLimits,
  email: string,
  ip: string,
  now: Date,
): Promise<keyof SubscribeLimits | null> {
  const hit = await takeAllowance(tx, counters(limits, email, ip, now.getTime()), now);
  return (hit?.kind as keyof SubscribeLimits | undefined) ?? null;
}

export interface LimitHit {
  kind: string;
  blocked: number;
  lastBlockedAt: Date | null;
  windowEnd: Date;
}

/** For the console: windows in the last week where a subscribe limit refused requests. */
export async function recentLimitHits(db: Tx, now: Date): Promise<LimitHit[]> {
  return db
    .select({
      kind: subscribeLimit.kind,
      blocked: subscribeLimit.blocked,
      lastBlockedAt: subscribeLimit.lastBlockedAt,
      windowEnd: subscribeLimit.windowEnd,
    })
    .from(subscribeLimit)
    .where(
      and(
        sql`${subscribeLimit.blocked} > 0`,
        gt(subscribeLimit.windowEnd, new Date(now.getTime() - 7 * 24 * HOUR)),
        inArray(subscribeLimit.kind, Object.keys(LIMIT_LABELS)),
      ),
    )
    .orderBy(desc(subscribeLimit.lastBlockedAt))
    .limit(50);
}

export const LIMIT_LABELS: Record<keyof SubscribeLimits, string> = {
  perAddress15m: "Per address, 15 minutes",
  perAddressDay: "Per address, day",
  perIpHour: "Per client IP, hour",
  globalHour: "All requests, hour",
};
