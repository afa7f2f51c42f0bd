// A finished day's uptime figures never change unless the status log gains a
// row inside it: a back-dated or backfilled update (component_status_change is
// append-only, lib/components/status-changes.ts). So each process keeps, per
// database and component, the figures of the window's finished days and the
// log's last row before today; a render then reads only today's rows. Rows
// added since the last look (by rowid, which only grows in an append-only
// table) drop the days they reach back into — whichever process wrote them.
import { and, gt, lte, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { componentStatusChange } from "@/db/schema";
import type { DayFigures, StatusChangePoint } from "./compute";

export interface CachedDays {
  /** What the figures were computed under: page time zone, maintenance rule, component start date. */
  basis: string;
  /** The end of the last kept day (a local midnight): the figures cover the log before it. */
  through: number;
  /** The log's last row before `through`: the state later days open in. */
  opening: StatusChangePoint;
  /** Local date → figures, for finished days only. */
  days: Map<string, DayFigures>;
}

export class DayFiguresCache {
  private readonly entries = new Map<string, CachedDays>();
  /** Highest rowid of component_status_change seen; null before the first look. */
  private seen: number | null = null;

  /**
   * Looks at the rows added since the last call and forgets every component
   * whose new rows reach before its kept days' end.
   */
  async sync(db: Tx): Promise<void> {
    const top = (await db.select({ m: sql<number | null>`max(rowid)` }).from(componentStatusChange).get())?.m ?? 0;
    if (this.seen === null || top < this.seen) {
      // First look (nothing kept yet), or the table was replaced (a restored backup): start over.
      this.entries.clear();
      this.seen = top;
      return;
    }
    if (top === this.seen) return;
    const added = await db
      .select({ componentId: componentStatusChange.componentId, at: sql<number>`min(${componentStatusChange.at})` })
      .from(componentStatusChange)
      .where(and(gt(sql`rowid`, this.seen), lte(sql`rowid`, top)))
      .groupBy(componentStatusChange.componentId);
    for (const a of added) {
      const e = this.entries.get(a.componentId);
      if (e && a.at < e.through) this.entries.delete(a.componentId);
    }
    this.seen = top;
  }

  /** How many components have finished days kept. */
  get size(): number {
    return this.entries.size;
  }

  get(componentId: string, basis: string): CachedDays | undefined {
    const e = this.entries.get(componentId);
    return e?.basis === basis ? e : undefined;
  }

  set(componentId: string, days: CachedDays): void {
    this.entries.set(componentId, days);
  }

  delete(componentId: string): void {
    this.entries.delete(componentId);
  }
}

const caches = new WeakMap<object, DayFiguresCache>();

/** The cache for one database handle (a transaction gets its own, short-lived one). */
export function dayFiguresCache(db: Tx): DayFiguresCache {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = new DayFiguresCache()));
  return c;
}
