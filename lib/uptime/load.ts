// Uptime read model for the public page (and the metrics page). Reads only the
// window's rows: the change log inside the window plus one baseline row per
// component, so the cost does not grow with years of history (measured in
// load.test.ts). Finished days are kept per process (day-cache.ts), so a render
// after a publish reads only today's part of the log.
import { and, desc, eq, gte, inArray, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { ComponentStatus } from "@/db/constants";
import {
  componentStatusChange,
  incident,
  incidentUpdate,
  incidentUpdateComponent,
  page,
  type Component,
  type ComponentGroup,
  type Page,
} from "@/db/schema";
import { unindexed } from "@/db/unindexed";
import { NotFoundError } from "../errors";
import {
  ANONYMOUS,
  publicComponents,
  publishedUpdate,
  scopeFor,
  visibleIncidentOn,
  type Scope,
  type Viewer,
} from "../public/visibility";
import {
  componentDayFigures,
  groupUptime,
  seriesFromFigures,
  uptimeFormula,
  UPTIME_DAYS,
  windowDays,
  type ComputeOptions,
  type DayFigures,
  type IncidentSpan,
  type StatusChangePoint,
  type UptimeSeries,
  type WindowDay,
} from "./compute";
import { dayFiguresCache, type CachedDays } from "./day-cache";

export interface UptimeDayDto {
  /** Local date in the page's zone, "YYYY-MM-DD". */
  date: string;
  /** Worst status that day; null = no data (before the component existed). */
  worst: ComponentStatus | null;
  uptimePercent: number | null;
  /** Weighted down time (partial outage × 0.3), whole minutes. */
  downMinutes: number;
  incidents: { id: string; name: string; kind: "incident" | "maintenance" }[];
}

export interface ComponentUptimeDto {
  id: string;
  name: string;
  groupId: string | null;
  /** Statuspage's "display uptime" switch: show bars for this component. */
  showcase: boolean;
  uptimePercent: number | null;
  days: UptimeDayDto[];
}

export interface GroupUptimeDto {
  id: string;
  name: string;
  componentIds: string[];
  uptimePercent: number | null;
  days: UptimeDayDto[];
}

export interface UptimeDto {
  timeZone: string;
  /** Number of days in each series (oldest first, the last one is today). */
  dayCount: number;
  /** The formula in words, to publish beside the bars. */
  formula: string;
  components: ComponentUptimeDto[];
  groups: GroupUptimeDto[];
}

function daysDto(s: UptimeSeries): UptimeDayDto[] {
  return s.days.map((d) => ({
    date: d.date,
    worst: d.worst,
    uptimePercent: d.uptimePercent,
    downMinutes: Math.round(d.downMs / 60_000),
    incidents: d.incidents,
  }));
}

/** What the bars are computed for: the page's settings and the components and groups the viewer may see. */
export interface UptimeBasis {
  page: Pick<Page, "timeZone" | "uptimeCountsMaintenance">;
  scope: Scope;
  components: readonly Component[];
  groups: readonly ComponentGroup[];
}

/**
 * Uptime bars for the page's public components and groups (hidden and deleted
 * ones are left out), with the published incidents of each day. The caller
 * passes `now`: the bars change when the day rolls over.
 */
export async function loadUptime(
  db: Tx,
  pageId: string,
  now: Date,
  opts: { days?: number; viewer?: Viewer } = {},
): Promise<UptimeDto> {
  const p = await db.query.page.findFirst({ where: eq(page.id, pageId) });
  if (!p) throw new NotFoundError("Page");
  const scope = await scopeFor(db, pageId, opts.viewer ?? ANONYMOUS);
  const { rows, groups } = await publicComponents(db, pageId, scope);
  return uptimeFor(db, { page: p, scope, components: rows, groups }, now, opts.days);
}

/** loadUptime for a caller that has loaded the page and the viewer's components already (the status page). */
export async function uptimeFor(
  db: Tx,
  { page: p, scope, components: comps, groups }: UptimeBasis,
  now: Date,
  days = UPTIME_DAYS,
): Promise<UptimeDto> {
  const window = windowDays({ timeZone: p.timeZone, now, days });
  const windowStart = window[0].start;
  const ids = comps.map((c) => c.id);
  const computeOpts = { timeZone: p.timeZone, now, window, countsMaintenance: p.uptimeCountsMaintenance };
  const figures = await loadDayFigures(db, comps, window, computeOpts);
  const spans = ids.length ? await loadIncidentSpans(db, scope, ids, windowStart, now) : [];
  const series = new Map(comps.map((c) => [c.id, seriesFromFigures(c.id, window, figures.get(c.id)!, spans, now)]));

  return {
    timeZone: p.timeZone,
    dayCount: window.length,
    formula: uptimeFormula(p.uptimeCountsMaintenance),
    components: comps.map((c) => {
      const s = series.get(c.id)!;
      return {
        id: c.id,
        name: c.name,
        groupId: c.groupId,
        showcase: c.showcase,
        uptimePercent: s.uptimePercent,
        days: daysDto(s),
      };
    }),
    groups: groups
      .map((g) => {
        const members = comps.filter((c) => c.groupId === g.id);
        const s = groupUptime(members.map((c) => series.get(c.id)!));
        return {
          id: g.id,
          name: g.name,
          componentIds: members.map((c) => c.id),
          uptimePercent: s.uptimePercent,
          days: daysDto(s),
        };
      })
      .filter((g) => g.componentIds.length > 0),
  };
}

/**
 * Each component's figures for every window day. Finished days come from the
 * day cache (day-cache.ts) when it has them, so a render reads only the log
 * since the cached days' end; the rest read the window's log as before.
 */
async function loadDayFigures(
  db: Tx,
  comps: readonly { id: string; startDate: string | null }[],
  window: WindowDay[],
  opts: ComputeOptions,
): Promise<Map<string, DayFigures[]>> {
  const cache = dayFiguresCache(db);
  await cache.sync(db);
  const now = opts.now.getTime();
  const todayStart = window[window.length - 1].start.getTime();
  const basis = (c: { startDate: string | null }) => `${opts.timeZone}|${opts.countsMaintenance}|${c.startDate ?? ""}`;
  // A component's cached days are usable when they reach back to the window's start and end by now.
  const cached = new Map<string, { entry: CachedDays; from: number }>();
  for (const c of comps) {
    const entry = cache.get(c.id, basis(c));
    if (!entry || entry.through > now || entry.through < window[0].start.getTime()) continue;
    const from = window.findIndex((d) => d.start.getTime() >= entry.through);
    const kept = from === -1 ? window.length : from;
    if (window.slice(0, kept).every((d) => entry.days.has(d.date))) cached.set(c.id, { entry, from: kept });
  }
  const misses = comps.filter((c) => !cached.has(c.id)).map((c) => c.id);
  const histories = await loadStatusHistories(db, misses, window[0].start, opts.now);
  if (cached.size) {
    const since = Math.min(...[...cached.values()].map((h) => h.entry.through));
    const rows = await changesBetween(db, [...cached.keys()], new Date(since), opts.now);
    for (const [id, { entry }] of cached) histories.set(id, [entry.opening]);
    for (const r of rows)
      if (r.at.getTime() >= cached.get(r.componentId)!.entry.through) histories.get(r.componentId)!.push(r);
  }

  const out = new Map<string, DayFigures[]>();
  for (const c of comps) {
    const changes = histories.get(c.id)!;
    const hit = cached.get(c.id);
    const fresh = componentDayFigures(
      { id: c.id, startDate: c.startDate, changes },
      hit ? window.slice(hit.from) : window,
      opts,
    );
    const figures = hit ? [...window.slice(0, hit.from).map((d) => hit.entry.days.get(d.date)!), ...fresh] : fresh;
    out.set(c.id, figures);
    if (hit?.entry.through === todayStart) continue; // today's figures only: the finished days are kept already
    // Keep the finished days, with the state today opens in; without a row before today there is nothing to open with.
    const before = changes.filter((ch) => ch.at.getTime() < todayStart);
    const opening = before.length ? before.reduce((a, b) => (b.at.getTime() >= a.at.getTime() ? b : a)) : null;
    if (!opening) {
      cache.delete(c.id);
      continue;
    }
    const days = new Map<string, DayFigures>();
    window.forEach((d, n) => {
      if (d.end.getTime() <= todayStart) days.set(d.date, figures[n]);
    });
    cache.set(c.id, { basis: basis(c), through: todayStart, opening, days });
  }
  return out;
}

/** Published incidents and maintenances overlapping the window, with the components they name. */
async function loadIncidentSpans(
  db: Tx,
  scope: Scope,
  componentIds: string[],
  windowStart: Date,
  now: Date,
): Promise<IncidentSpan[]> {
  // The incidents first (their own table only), then the components of just those: joining every
  // update of ten years of incidents before filtering costs far more. Overlapping the window is three
  // disjoint ranges, each an index range: started in it; started before and resolved in or after it;
  // started before and still unresolved. As one condition SQLite walks every incident that started
  // before now (10k on the 10-year seed, 5-15 ms); `+` keeps it off the started_at index where that
  // index does not bound the range.
  const spans = (overlap: SQL | undefined) =>
    db
      .select({
        id: incident.id,
        name: incident.name,
        kind: incident.kind,
        startedAt: incident.startedAt,
        resolvedAt: incident.resolvedAt,
      })
      .from(incident)
      .where(and(visibleIncidentOn(scope), lte(incident.publishedAt, now), overlap));
  const before = lt(unindexed(incident.startedAt), windowStart);
  const incidents = (
    await spans(
      and(
        gte(incident.startedAt, windowStart),
        lt(incident.startedAt, now),
        or(isNull(incident.resolvedAt), gte(incident.resolvedAt, windowStart)),
      ),
    )
      .unionAll(spans(and(before, gte(incident.resolvedAt, windowStart))))
      .unionAll(spans(and(before, isNull(incident.resolvedAt))))
  ).sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  if (!incidents.length) return [];
  // Each incident's updates through the incident index (SQLite, without statistics, would rather walk
  // the publish_at index: every update of ten years). The public components are picked here, not in SQL,
  // where an IN list costs a probe per component per update.
  const named = await db
    .selectDistinct({
      incidentId: sql<string>`${incidentUpdate.incidentId}`,
      componentId: incidentUpdateComponent.componentId,
    })
    .from(sql`${incidentUpdate} indexed by incident_update_incident_display`)
    .innerJoin(incidentUpdateComponent, eq(incidentUpdateComponent.incidentUpdateId, incidentUpdate.id))
    .where(
      and(
        inArray(
          incidentUpdate.incidentId,
          incidents.map((i) => i.id),
        ),
        publishedUpdate,
      ),
    );
  const wanted = new Set(componentIds);
  const byIncident = new Map<string, string[]>();
  for (const r of named)
    if (wanted.has(r.componentId))
      byIncident.set(r.incidentId, [...(byIncident.get(r.incidentId) ?? []), r.componentId]);
  return incidents
    .filter((i) => byIncident.has(i.id))
    .map((i) => ({
      id: i.id,
      name: i.name,
      kind: i.kind,
      startedAt: i.startedAt,
      resolvedAt: i.resolvedAt,
      componentIds: byIncident.get(i.id)!,
    }));
}

/** The status changes of these components from `from` to `to`, both included, in no order. */
function changesBetween(db: Tx, ids: readonly string[], from: Date, to: Date) {
  return db
    .select({
      componentId: componentStatusChange.componentId,
      at: componentStatusChange.at,
      oldStatus: componentStatusChange.oldStatus,
      newStatus: componentStatusChange.newStatus,
    })
    .from(componentStatusChange)
    .where(
      and(
        inArray(componentStatusChange.componentId, [...ids]),
        gte(componentStatusChange.at, from),
        lte(componentStatusChange.at, to),
      ),
    );
}

/**
 * The status log of each component between `from` and `to`, plus the last
 * change before `from` (the state the range opens in): one range query and
 * one indexed lookup per component on (component_id, at).
 */
export async function loadStatusHistories(
  db: Tx,
  ids: readonly string[],
  from: Date,
  to: Date,
): Promise<Map<string, StatusChangePoint[]>> {
  const changes = new Map<string, StatusChangePoint[]>(ids.map((id) => [id, []]));
  if (!ids.length) return changes;
  const inRange = await changesBetween(db, ids, from, to);
  for (const c of inRange) changes.get(c.componentId)!.push(c);
  for (const id of ids) {
    const base = await db
      .select({
        at: componentStatusChange.at,
        oldStatus: componentStatusChange.oldStatus,
        newStatus: componentStatusChange.newStatus,
      })
      .from(componentStatusChange)
      .where(and(eq(componentStatusChange.componentId, id), lt(componentStatusChange.at, from)))
      .orderBy(desc(componentStatusChange.at))
      .limit(1)
      .get();
    if (base) changes.get(id)!.push(base);
  }
  return changes;
}
