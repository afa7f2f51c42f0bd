// The public history: published incidents by month, a page per calendar
// quarter of the page's time zone (as Statuspage shows it). A page's incidents
// are those started in its quarter, so a new incident or update changes the
// page of its own quarter only: older pages keep their bytes (a static mirror
// never uploads them again). `/history` is the newest quarter with an incident;
// `?quarter=2026-Q3` names any quarter between the oldest and the newest one
// (empty ones say so); `?page=N` is the N-th quarter back, for old links.
import { and, asc, desc, gte, lt } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { incident } from "@/db/schema";
import { markdownToText } from "../markdown/render";
import { startOfLocalDay } from "../time/zone";
import { type HistoryRange, type HistoryWhich, historyQuarter, quarterMonths, shiftQuarter } from "./history-keys";
import { latestUpdates, type PublicIncidentSummary } from "./incident";
import { loadPublicPage, type PublicPage } from "./page";
import { ANONYMOUS, type Scope, scopeFor, visibleIncidentOn, withScopedImpact, type Viewer } from "./visibility";

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
  /** Null when nothing was ever published. */
  range: HistoryRange | null;
  /** "YYYY-QN"; null when nothing was ever published. */
  quarter: string | null;
  /** The adjacent quarters' keys, when history reaches them. */
  newer: string | null;
  older: string | null;
  /** Newest first; every month of the quarter (the newest quarter's up to its newest incident). */
  months: HistoryMonth[];
}

const SUMMARY_LENGTH = 240;

/** "YYYY-MM" of a moment in a time zone. */
export function monthKey(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" }).formatToParts(at);
  const y = parts.find((x) => x.type === "year")!.value;
  const m = parts.find((x) => x.type === "month")!.value;
  return `${y}-${m}`;
}

/** "YYYY-QN" of a moment in a time zone. */
export function quarterKey(at: Date, timeZone: string): string {
  const [y, m] = monthKey(at, timeZone).split("-").map(Number);
  return `${y}-Q${Math.ceil(m / 3)}`;
}

/** The first instant of the quarter in the zone. */
export function quarterStart(key: string, timeZone: string): Date {
  return startOfLocalDay(`${quarterMonths(key)[2]}-01`, timeZone);
}

/**
 * The quarters history spans for this viewer: the newest and the oldest
 * incident, each one step of the (page, started_at) index from its end.
 */
export async function historyRangeIn(db: Tx, scope: Scope, timeZone: string): Promise<HistoryRange | null> {
  const visible = visibleIncidentOn(scope);
  const end = (dir: typeof asc) =>
    db.select({ at: incident.startedAt }).from(incident).where(visible).orderBy(dir(incident.startedAt)).limit(1).get();
  const [newest, oldest] = [await end(desc), await end(asc)];
  if (!newest || !oldest) return null;
  return { oldest: quarterKey(oldest.at, timeZone), newest: quarterKey(newest.at, timeZone) };
}

/**
 * One quarter of published incidents, newest first, grouped by month. `?page=1`
 * (back 0) always exists, even when nothing was ever published; any other
 * page outside the range is null.
 */
export async function loadHistory(
  db: Tx,
  which: HistoryWhich | number = { back: 0 },
  viewer: Viewer = ANONYMOUS,
): Promise<HistoryData | null> {
  if (typeof which === "number") which = { back: which - 1 };
  const p = await loadPublicPage(db);
  const scope = await scopeFor(db, p.id, viewer);
  const range = await historyRangeIn(db, scope, p.timeZone);
  const quarter = historyQuarter(range, which);
  if (!quarter || !range) {
    const empty = "back" in which && which.back === 0;
    return empty ? { page: p, range: null, quarter: null, newer: null, older: null, months: [] } : null;
  }
  const rows = await withScopedImpact(
    db,
    scope,
    await db
      .select()
      .from(incident)
      .where(
        and(
          visibleIncidentOn(scope),
          gte(incident.startedAt, quarterStart(quarter, p.timeZone)),
          lt(incident.startedAt, quarterStart(shiftQuarter(quarter, 1), p.timeZone)),
        ),
      )
      .orderBy(desc(incident.startedAt), desc(incident.id)),
  );
  const newest = await latestUpdates(
    db,
    rows.map((r) => r.id),
  );
  const months = new Map<string, HistoryIncident[]>(quarterMonths(quarter).map((m) => [m, []]));
  for (const r of rows) {
    const text = markdownToText(newest.get(r.id)?.body ?? "");
    months.get(monthKey(r.startedAt, p.timeZone))?.push({
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
  // The newest quarter stops at its newest incident's month: the page depends on the content, never on the clock.
  const shown = [...months].map(([key, incidents]) => ({ key, incidents }));
  const from = quarter === range.newest ? shown.findIndex((m) => m.incidents.length > 0) : 0;
  return {
    page: p,
    range,
    quarter,
    newer: quarter < range.newest ? shiftQuarter(quarter, 1) : null,
    older: quarter > range.oldest ? shiftQuarter(quarter, -1) : null,
    months: shown.slice(Math.max(0, from)),
  };
}
