// Scheduler step: at the page's local midnight the uptime bars move by one
// day, so the public snapshots must re-render even though no content changed.
// The conditional UPDATE makes the bump happen once per day however many
// workers run.
import { and, eq, isNull, ne, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { page } from "@/db/schema";
import { localDate } from "../time/zone";

/** Bumps content_version for every page whose local day changed; returns how many. */
export async function rollOverUptimeDay(ctx: { db: Db; now: () => Date }): Promise<number> {
  const now = ctx.now();
  const pages = await ctx.db.select({ id: page.id, timeZone: page.timeZone, uptimeDay: page.uptimeDay }).from(page);
  let done = 0;
  for (const p of pages) {
    const today = localDate(now, p.timeZone);
    if (p.uptimeDay === today) continue;
    const r = await ctx.db
      .update(page)
      .set({ uptimeDay: today, contentVersion: sql`${page.contentVersion} + 1`, updatedAt: now })
      .where(and(eq(page.id, p.id), or(isNull(page.uptimeDay), ne(page.uptimeDay, today))));
    done += r.rowsAffected;
  }
  return done;
}
