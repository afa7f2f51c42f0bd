// Fixed-window counters in the database (the subscribe_limit table), shared by
// every limit that must hold across restarts and instances: the subscribe form
// (lib/subscribers/limits.ts) and sign-in per account (lib/auth/sign-in-limits.ts).
import { eq, lt, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { subscribeLimit } from "@/db/schema";
import { sha256 } from "../ids";

export interface Counter {
  /** Unique per subject and window. */
  key: string;
  kind: string;
  limit: number;
  /** End of the window, ms since the epoch. */
  windowEnd: number;
}

/**
 * A counter for `subject` (hashed: the table is for counting, not a list of who tried) in the current window of
 * `sizeMs`.
 */
export function windowCounter(kind: string, subject: string, limit: number, sizeMs: number, now: number): Counter {
  const windowEnd = Math.floor(now / sizeMs) * sizeMs + sizeMs;
  return { kind, key: `${kind}:${sha256(`${kind}:${subject}`).slice(0, 32)}:${windowEnd}`, limit, windowEnd };
}

/**
 * Checks and counts one attempt against every counter. Must run inside a
 * write transaction (db/client.ts serializes this process's; SQLite's write
 * lock serializes processes), so two requests can never both see "one left".
 * A refused attempt increments only `blocked` on the counter it hit.
 * Returns the first counter hit, or null when the attempt may proceed.
 */
export async function takeAllowance(tx: Tx, counters: readonly Counter[], now: Date): Promise<Counter | null> {
  const list = counters.filter((c) => c.limit > 0);
  if (!list.length) return null;
  const rows = await tx
    .select({ key: subscribeLimit.key, count: subscribeLimit.count })
    .from(subscribeLimit)
    .where(
      sql`${subscribeLimit.key} in (${sql.join(
        list.map((c) => sql`${c.key}`),
        sql`, `,
      )})`,
    );
  const counts = new Map(rows.map((r) => [r.key, r.count]));
  const hit = list.find((c) => (counts.get(c.key) ?? 0) >= c.limit) ?? null;
  for (const c of list) {
    const blocked = hit === c ? 1 : 0;
    if (hit && !blocked) continue;
    await tx
      .insert(subscribeLimit)
      .values({
        key: c.key,
        kind: c.kind,
        windowEnd: new Date(c.windowEnd),
        count: hit ? 0 : 1,
        blocked,
        lastBlockedAt: blocked ? now : null,
      })
      .onConflictDoUpdate({
        target: subscribeLimit.key,
        set: hit
          ? { blocked: sql`${subscribeLimit.blocked} + 1`, lastBlockedAt: now }
          : { count: sql`${subscribeLimit.count} + 1` },
      });
  }
  return hit;
}

/** Gives back one counted attempt (e.g. a sign-in that succeeded). */
export async function refund(tx: Tx, c: Counter): Promise<void> {
  await tx
    .update(subscribeLimit)
    .set({ count: sql`max(${subscribeLimit.count} - 1, 0)` })
    .where(eq(subscribeLimit.key, c.key));
}

/** Forgets a counter's current window (the CLI's unlock). */
export async function resetCounter(tx: Tx, c: Counter): Promise<void> {
  await tx.delete(subscribeLimit).where(eq(subscribeLimit.key, c.key));
}

/** Drops counters whose window ended over a week ago. */
export async function pruneCounters(tx: Tx, now: Date): Promise<void> {
  await tx.delete(subscribeLimit).where(lt(subscribeLimit.windowEnd, new Date(now.getTime() - 7 * 24 * 3_600_000)));
}
