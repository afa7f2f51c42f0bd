// Scheduler step: at the page's local midnight the uptime bars move by one
// day, so the public snapshots must re-render even though no content changed.
// The conditional UPDATE of uptime_day makes the bump happen once per day
// however many workers run.
import { and, eq, isNull, ne, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { page } from "@/db/schema";
import { bumpContentVersion } from "../page/page";
import { localDate } from "../time/zone";

/** Bumps content_version for every page whose local day changed; returns how many. */
export async function rollOverUptimeDay(ctx: { db: Db; now: () => Date }): Promise<number> {
  const now = ctx.now();
  const pages = await ctx.db.select({ id: page.id, timeZone: page.timeZone, uptimeDay: page.uptimeDay }).from(page);
  let done = 0;
  for (const p of pages) {
    const today = localDate(now, p.timeZone);
    if (p.uptimeDay === today) continue;
    done += await ctx.db.transaction(async (tx) => {
      const r = await tx
        .update(page)
        .set({ uptimeDay: today })
        .where(and(eq(page.id, p.id), or(isNull(page.uptimeDay), ne(page.uptimeDay, today))));
      if (!r.rowsAffected) return 0;
      await bumpContentVersion(tx, p.id, now);
      return 1;
    });
  }
  return done;
}
