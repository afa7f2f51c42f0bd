import { desc, gt, lt, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { subscribeLimit } from "@/db/schema";
import { sha256 } from "../ids";

/** 0 switches a limit off. Defaults live in lib/env.ts. */
export interface SubscribeLimits {
  perAddress15m: number;
  perAddressDay: number;
  perIpHour: number;
  globalHour: number;
}

export const DEFAULT_SUBSCRIBE_LIMITS: SubscribeLimits = { perAddress15m: 1, perAddressDay: 3, perIpHour: 10, globalHour: 500 };

const MIN = 60_000;
const HOUR = 60 * MIN;

interface Counter {
  key: string;
  kind: keyof SubscribeLimits;
  limit: number;
  windowEnd: number;
}

function counters(limits: SubscribeLimits, email: string, ip: string, now: number): Counter[] {
  // Addresses and IPs are hashed: the table is for counting, not a list of who tried.
  const addr = sha256(`addr:${email.toLowerCase()}`).slice(0, 32);
  const client = sha256(`ip:${ip}`).slice(0, 32);
  const window = (size: number) => Math.floor(now / size) * size + size;
  const all: Counter[] = [
    { kind: "perAddress15m", key: `a15:${addr}`, limit: limits.perAddress15m, windowEnd: window(15 * MIN) },
    { kind: "perAddressDay", key: `ad:${addr}`, limit: limits.perAddressDay, windowEnd: window(24 * HOUR) },
    { kind: "perIpHour", key: `ip:${client}`, limit: limits.perIpHour, windowEnd: window(HOUR) },
    { kind: "globalHour", key: `g`, limit: limits.globalHour, windowEnd: window(HOUR) },
  ];
  return all.filter((c) => c.limit > 0).map((c) => ({ ...c, key: `${c.key}:${c.windowEnd}` }));
}

/**
 * Checks and counts one subscribe request against every limit. Must run inside
 * the subscribe transaction, after its first write (which takes SQLite's write
 * lock), so concurrent requests are serialized: two requests can never both
 * see "one left". A refused request increments only `blocked`.
 * Returns the first limit hit, or null when the request may proceed.
 */
export async function takeSubscribeAllowance(tx: Tx, limits: SubscribeLimits, email: string, ip: string, now: Date): Promise<keyof SubscribeLimits | null> {
  const list = counters(limits, email, ip, now.getTime());
  if (!list.length) return null;
  const rows = await tx
    .select({ key: subscribeLimit.key, count: subscribeLimit.count })
    .from(subscribeLimit)
    .where(sql`${subscribeLimit.key} in (${sql.join(list.map((c) => sql`${c.key}`), sql`, `)})`);
  const counts = new Map(rows.map((r) => [r.key, r.count]));
  const hit = list.find((c) => (counts.get(c.key) ?? 0) >= c.limit);
  for (const c of list) {
    const blocked = hit === c ? 1 : 0;
    if (hit && !blocked) continue;
    await tx
      .insert(subscribeLimit)
      .values({ key: c.key, kind: c.kind, windowEnd: new Date(c.windowEnd), count: hit ? 0 : 1, blocked, lastBlockedAt: blocked ? now : null })
      .onConflictDoUpdate({
        target: subscribeLimit.key,
        set: hit
          ? { blocked: sql`${subscribeLimit.blocked} + 1`, lastBlockedAt: now }
          : { count: sql`${subscribeLimit.count} + 1` },
      });
  }
  return hit?.kind ?? null;
}

/** Drops counters whose window has ended (a day's rows at most remain). Doubles as the transaction's first write. */
export async function pruneSubscribeLimits(tx: Tx, now: Date): Promise<void> {
  await tx.delete(subscribeLimit).where(lt(subscribeLimit.windowEnd, new Date(now.getTime() - 7 * 24 * HOUR)));
}

export interface LimitHit {
  kind: string;
  blocked: number;
  lastBlockedAt: Date | null;
  windowEnd: Date;
}

/** For the console: windows in the last week where a limit refused requests. */
export async function recentLimitHits(db: Tx, now: Date): Promise<LimitHit[]> {
  return db
    .select({ kind: subscribeLimit.kind, blocked: subscribeLimit.blocked, lastBlockedAt: subscribeLimit.lastBlockedAt, windowEnd: subscribeLimit.windowEnd })
    .from(subscribeLimit)
    .where(sql`${subscribeLimit.blocked} > 0 and ${gt(subscribeLimit.windowEnd, new Date(now.getTime() - 7 * 24 * HOUR))}`)
    .orderBy(desc(subscribeLimit.lastBlockedAt))
    .limit(50);
}

export const LIMIT_LABELS: Record<keyof SubscribeLimits, string> = {
  perAddress15m: "Per address, 15 minutes",
  perAddressDay: "Per address, day",
  perIpHour: "Per client IP, hour",
  globalHour: "All requests, hour",
};
