// The public history: published incidents by month, paged.
import { count, desc } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { incident } from "@/db/schema";
import { markdownToText } from "../markdown/render";
import { latestUpdates, type PublicIncidentSummary } from "./incident";
import { loadPublicPage, type PublicPage } from "./page";
import { ANONYMOUS, scopeFor, visibleIncidentOn, withScopedImpact, type Viewer } from "./visibility";

export type HistoryIncident = Pick<
  PublicIncidentSummary,
  "id" | "kind" | "name" | "status" | "impact" | "startedAt" | "resolvedAt"
> & {
  /** Plain-text excerpt of the newest update. */
  summary: string;
};

export interface HistoryMonth {
  /** "YYYY-MM" in the page's time zone. */
  key: string;
  incidents: HistoryIncident[];
}

export interface HistoryData {
  page: PublicPage;
  pageNumber: number;
  pageCount: number;
  months: HistoryMonth[];
}

export const HISTORY_PAGE_SIZE = 50;
const SUMMARY_LENGTH = 240;

/** "YYYY-MM" of a moment in a time zone. */
export function monthKey(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" }).formatToParts(at);
  const y = parts.find((x) => x.type === "year")!.value;
  const m = parts.find((x) => x.type === "month")!.value;
  return `${y}-${m}`;
}

/**
 * One page of published incidents, newest first, grouped by month. Returns
 * null for a page number past the end (page 1 always exists, even when empty).
 */
export async function loadHistory(db: Tx, pageNumber: number, viewer: Viewer = ANONYMOUS): Promise<HistoryData | null> {
  if (!Number.isSafeInteger(pageNumber) || pageNumber < 1) return null;
  const p = await loadPublicPage(db);
  const scope = await scopeFor(db, p.id, viewer);
  const visible = visibleIncidentOn(scope);
  const total = (await db.select({ n: count() }).from(incident).where(visible).get())?.n ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / HISTORY_PAGE_SIZE));
  if (pageNumber > pageCount) return null;
  const rows = await withScopedImpact(
    db,
    scope,
    await db
      .select()
      .from(incident)
      .where(visible)
      .orderBy(desc(incident.startedAt), desc(incident.id))
      .limit(HISTORY_PAGE_SIZE)
      .offset((pageNumber - 1) * HISTORY_PAGE_SIZE),
  );
  const newest = await latestUpdates(
    db,
    rows.map((r) => r.id),
  );
  const months: HistoryMonth[] = [];
  for (const r of rows) {
    const key = monthKey(r.startedAt, p.timeZone);
    let month = months.at(-1);
    if (month?.key !== key) months.push((month = { key, incidents: [] }));
    const text = markdownToText(newest.get(r.id)?.body ?? "");
    month.incidents.push({
      id: r.id,
      kind: r.kind,
      name: r.name,
      status: r.status,
      impact: r.impact,
      startedAt: r.startedAt,
      resolvedAt: r.resolvedAt,
      summary: text.length > SUMMARY_LENGTH ? `${text.slice(0, SUMMARY_LENGTH - 1).trimEnd()}…` : text,
    });
  }
  return { page: p, pageNumber, pageCount, months };
}
