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
  type UptimeDay,
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
  incidents: readonly { id: string; name: string; kind: "incident" | "maintenance" }[];
}

export interface ComponentUptimeDto {
  id: string;
  name: string;
  groupId: string | null;
  /** Statuspage's "display uptime" switch: show bars for this component. */
  showcase: boolean;
  uptimePercent: number | null;
  days: readonly UptimeDayDto[];
}

export interface GroupUptimeDto {
  id: string;
  name: string;
  componentIds: string[];
  uptimePercent: number | null;
  days: readonly UptimeDayDto[];
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

/** Frozen: finished days' DTOs are kept between renders, and the page keeps their HTML by the array (uptime-bars). */
function dayDto(d: UptimeDay): UptimeDayDto {
  return Object.freeze({
    date: d.date,
    worst: d.worst,
    uptimePercent: d.uptimePercent,
    downMinutes: Math.round(d.downMs / 60_000),
    incidents: Object.freeze(d.incidents),
  });
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
  const bars = new Map(comps.map((c) => [c.id, componentBars(c.id, window, figures.get(c.id)!, spans, now)]));

  return {
    timeZone: p.timeZone,
    dayCount: window.length,
    formula: uptimeFormula(p.uptimeCountsMaintenance),
    components: comps.map((c) => {
      const b = bars.get(c.id)!;
      return {
        id: c.id,
        name: c.name,
        groupId: c.groupId,
        showcase: c.showcase,
        uptimePercent: b.series.uptimePercent,
        days: b.days,
      };
    }),
    groups: groups
      .map((g) => {
        const members = comps.filter((c) => c.groupId === g.id);
        const b = groupBars(members.map((c) => bars.get(c.id)!));
        return {
          id: g.id,
          name: g.name,
          componentIds: members.map((c) => c.id),
          uptimePercent: b.series.uptimePercent,
          days: b.days,
        };
      })
      .filter((g) => g.componentIds.length > 0),
  };
}

/** A series, its days as the page gets them, and the finished days they were built on when those are kept. */
interface Bars {
  series: UptimeSeries;
  days: readonly UptimeDayDto[];
  finished?: FinishedDays;
}

/** A series' finished days (all but today), kept, with their DTOs and the last days built on them. */
interface FinishedDays {
  days: readonly UptimeDay[];
  dtos: readonly UptimeDayDto[];
  last?: readonly UptimeDayDto[];
}

function unkept(series: UptimeSeries): Bars {
  return { series, days: Object.freeze(series.days.map(dayDto)) };
}

function keepFinished(series: UptimeSeries, count: number): FinishedDays {
  const days = series.days.slice(0, count);
  return { days, dtos: days.map(dayDto) };
}

/**
 * The bars of a series whose first days are `finished`'s. The days after them are built now; when they read as the
 * last ones built on the same finished days (today without news, most renders), the last array is returned again, so
 * what is keyed by it (the page's HTML of the bars) is kept too.
 */
function barsOn(finished: FinishedDays, series: UptimeSeries): Bars {
  const count = finished.days.length;
  const rest = series.days.slice(count).map(dayDto);
  const last = finished.last;
  const days =
    last && rest.every((d, n) => sameDayDto(d, last[count + n])) ? last : Object.freeze([...finished.dtos, ...rest]);
  finished.last = days;
  return { series, days, finished };
}

function sameDayDto(a: UptimeDayDto, b: UptimeDayDto): boolean {
  return (
    a.date === b.date &&
    a.worst === b.worst &&
    a.uptimePercent === b.uptimePercent &&
    a.downMinutes === b.downMinutes &&
    a.incidents.length === b.incidents.length &&
    a.incidents.every(
      (i, n) => i.id === b.incidents[n].id && i.name === b.incidents[n].name && i.kind === b.incidents[n].kind,
    )
  );
}

/**
 * Finished days of series, per day-cache entry (so they go when the entry does: a rollover, a back-dated change),
 * then by everything else they are computed from. A render after a publish builds only today's day of a component
 * whose incidents are as they were (most components, most publishes).
 */
const finishedMemo = new WeakMap<CachedDays, Map<string, FinishedDays>>();
/** Kept per entry: one per view that sees different incidents naming the component, and a few more. */
const MAX_FINISHED_PER_ENTRY = 8;

/**
 * seriesFromFigures, with the finished days kept. The key is exact: the entry holds the finished days' figures; the
 * key adds the window and every incident naming the component with the fields the bars show or place it by. An open
 * incident runs to `now`, which is in today: on the finished days it covers every day from its start whatever `now` is.
 */
function componentBars(
  id: string,
  window: WindowDay[],
  { figures, kept }: ComponentFigures,
  spans: readonly IncidentSpan[],
  now: Date,
): Bars {
  if (!kept) return unkept(seriesFromFigures(id, window, figures, spans, now));
  let key = `${window[0].date} ${window.length} ${kept.days}`;
  for (const i of spans)
    if (i.componentIds.includes(id))
      key += `|${i.id} ${i.kind} ${+i.startedAt} ${i.resolvedAt?.getTime() ?? "open"} ${JSON.stringify(i.name)}`;
  let forEntry = finishedMemo.get(kept.entry);
  if (!forEntry) finishedMemo.set(kept.entry, (forEntry = new Map()));
  let finished = forEntry.get(key);
  let series: UptimeSeries;
  if (finished) series = seriesFromFigures(id, window, figures, spans, now, finished.days);
  else {
    series = seriesFromFigures(id, window, figures, spans, now);
    if (forEntry.size >= MAX_FINISHED_PER_ENTRY) forEntry.clear();
    forEntry.set(key, (finished = keepFinished(series, kept.days)));
  }
  return barsOn(finished, series);
}

/** A group's finished days, per first member's, while the members' finished days are the same objects. */
const groupMemo = new WeakMap<FinishedDays, { members: readonly FinishedDays[]; finished: FinishedDays }>();

function groupBars(members: readonly Bars[]): Bars {
  const series = members.map((m) => m.series);
  const kept = members.map((m) => m.finished);
  const first = kept[0];
  if (!first || !kept.every((k) => k?.days.length === first.days.length)) return unkept(groupUptime(series));
  const hit = groupMemo.get(first);
  if (hit && hit.members.length === kept.length && hit.members.every((k, n) => k === kept[n]))
    return barsOn(hit.finished, groupUptime(series, hit.finished.days));
  const full = groupUptime(series);
  const finished = keepFinished(full, first.days.length);
  groupMemo.set(first, { members: kept as FinishedDays[], finished });
  return barsOn(finished, full);
}

/** A component's figures for every window day, and the day-cache entry that gave the first `days` of them. */
interface ComponentFigures {
  figures: DayFigures[];
  kept?: { entry: CachedDays; days: number };
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
): Promise<Map<string, ComponentFigures>> {
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

  const out = new Map<string, ComponentFigures>();
  for (const c of comps) {
    const changes = histories.get(c.id)!;
    const hit = cached.get(c.id);
    const fresh = componentDayFigures(
      { id: c.id, startDate: c.startDate, changes },
      hit ? window.slice(hit.from) : window,
      opts,
    );
    const figures = hit ? [...window.slice(0, hit.from).map((d) => hit.entry.days.get(d.date)!), ...fresh] : fresh;
    if (hit?.entry.through === todayStart) {
      // Today's figures only: the finished days are kept already.
      out.set(c.id, { figures, kept: { entry: hit.entry, days: hit.from } });
      continue;
    }
    // Keep the finished days, with the state today opens in; without a row before today there is nothing to open with.
    const before = changes.filter((ch) => ch.at.getTime() < todayStart);
    const opening = before.length ? before.reduce((a, b) => (b.at.getTime() >= a.at.getTime() ? b : a)) : null;
    if (!opening) {
      cache.delete(c.id);
      out.set(c.id, { figures });
      continue;
    }
    const days = new Map<string, DayFigures>();
    window.forEach((d, n) => {
      if (d.end.getTime() <= todayStart) days.set(d.date, figures[n]);
    });
    const entry = { basis: basis(c), through: todayStart, opening, days };
    cache.set(c.id, entry);
    // The finished days are a prefix of the window: the entry now holds what was just computed for them.
    out.set(c.id, { figures, kept: { entry, days: days.size } });
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
