// Uptime read model for the public page (and the metrics page). Reads only the
// window's rows: the change log inside the window plus one baseline row per
// component, so the cost does not grow with years of history (measured in
// load.test.ts), and no rollup table is needed.
import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, or } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { ComponentStatus } from "@/db/constants";
import { componentStatusChange, incident, incidentUpdate, incidentUpdateComponent, page } from "@/db/schema";
import { NotFoundError } from "../errors";
import { publicComponents, publishedIncidentOn, publishedUpdate } from "../public/visibility";
import {
  componentUptime,
  groupUptime,
  uptimeFormula,
  UPTIME_DAYS,
  windowDays,
  type IncidentSpan,
  type StatusChangePoint,
  type UptimeSeries,
} from "./compute";

export interface UptimeDayDto {
  /** Local date in the page's zone, "YYYY-MM-DD". */
  date: string;
  /** Worst status that day; null = no data (before the component existed). */
  worst: ComponentStatus | null;
  uptimePercent: number | null;
  /** Weighted down time (partial outage × 0.3), whole minutes. */
  downMinutes: number;
  incidents: { id: string; name: string; impact: string; kind: "incident" | "maintenance" }[];
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

/**
 * Uptime bars for the page's public components and groups (hidden and deleted
 * ones are left out), with the published incidents of each day. The caller
 * passes `now`: the bars change when the day rolls over.
 */
export async function loadUptime(db: Tx, pageId: string, now: Date, opts: { days?: number } = {}): Promise<UptimeDto> {
  const p = await db.query.page.findFirst({ where: eq(page.id, pageId) });
  if (!p) throw new NotFoundError("Page");
  const window = windowDays({ timeZone: p.timeZone, now, days: opts.days ?? UPTIME_DAYS });
  const windowStart = window[0].start;
  const { rows: comps, groups } = await publicComponents(db, pageId);
  const ids = comps.map((c) => c.id);

  const changes = await loadStatusHistories(db, ids, windowStart, now);

  const spans = ids.length ? await loadIncidentSpans(db, pageId, ids, windowStart, now) : [];
  const opts2 = { timeZone: p.timeZone, now, window, countsMaintenance: p.uptimeCountsMaintenance };
  const series = new Map(
    comps.map((c) => [
      c.id,
      componentUptime({ id: c.id, startDate: c.startDate, changes: changes.get(c.id)! }, spans, opts2),
    ]),
  );

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

/** Published incidents and maintenances overlapping the window, with the components they name. */
async function loadIncidentSpans(
  db: Tx,
  pageId: string,
  componentIds: string[],
  windowStart: Date,
  now: Date,
): Promise<IncidentSpan[]> {
  const rows = await db
    .selectDistinct({
      id: incident.id,
      name: incident.name,
      impact: incident.impact,
      kind: incident.kind,
      startedAt: incident.startedAt,
      resolvedAt: incident.resolvedAt,
      componentId: incidentUpdateComponent.componentId,
    })
    .from(incident)
    .innerJoin(incidentUpdate, eq(incidentUpdate.incidentId, incident.id))
    .innerJoin(incidentUpdateComponent, eq(incidentUpdateComponent.incidentUpdateId, incidentUpdate.id))
    .where(
      and(
        publishedIncidentOn(pageId),
        lte(incident.publishedAt, now),
        publishedUpdate,
        lt(incident.startedAt, now),
        or(isNull(incident.resolvedAt), gte(incident.resolvedAt, windowStart)),
        inArray(incidentUpdateComponent.componentId, componentIds),
      ),
    )
    .orderBy(asc(incident.startedAt));
  const byId = new Map<string, IncidentSpan & { componentIds: string[] }>();
  for (const r of rows) {
    const span = byId.get(r.id) ?? {
      id: r.id,
      name: r.name,
      impact: r.kind === "maintenance" ? "maintenance" : r.impact,
      kind: r.kind,
      startedAt: r.startedAt,
      resolvedAt: r.resolvedAt,
      componentIds: [],
    };
    span.componentIds.push(r.componentId);
    byId.set(r.id, span);
  }
  return [...byId.values()];
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
  const inRange = await db
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
