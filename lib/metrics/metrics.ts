// Incident practice metrics per month (the page's time zone) and per
// component, for the console's metrics page and its CSV export.
import { and, asc, eq, gte, inArray, isNull, lt, min } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { IMPACTS, type ComponentStatus, type Impact } from "@/db/constants";
import { component, incident, incidentUpdate, incidentUpdateComponent, page, type Incident } from "@/db/schema";
import { toCsv } from "../csv";
import { NotFoundError } from "../errors";
import { publishedIncidentOn, publishedUpdate } from "../public/visibility";
import { addDays, localDate, startOfLocalDay } from "../time/zone";
import { componentUptime, groupUptime, type StatusChangePoint, type WindowDay } from "../uptime/compute";
import { loadStatusHistories } from "../uptime/load";

export const METRIC_DEFINITIONS: { key: string; label: string; definition: string }[] = [
  {
    key: "incidents",
    label: "Incidents",
    definition:
      "Published incidents that started in the month (page time zone), by impact. Maintenance is not counted.",
  },
  {
    key: "ttfu",
    label: "Time to first update",
    definition:
      "Mean minutes from the start of impact to an incident's first public update (when it was posted, or published " +
      "if scheduled). Impact starts at the earliest of: the incident's start, an update back-dated before it, and " +
      "an outage of a component it names that was already going on when it was opened. Backfilled incidents are " +
      "left out.",
  },
  {
    key: "mtta",
    label: "MTTA",
    definition:
      "Mean time to acknowledge: minutes from start to the first “identified” update, " +
      "over incidents that reached it.",
  },
  {
    key: "mttr",
    label: "MTTR",
    definition: "Mean time to resolve: minutes from start to resolution, over incidents resolved so far.",
  },
  {
    key: "uptime",
    label: "Uptime",
    definition:
      "Uptime % for the month by the published formula (major outage fully down, partial outage 30 %); “All " +
      "components” is the mean of the components. Compared against the component's uptime target, or the page's " +
      "target when it has none.",
  },
];

export interface MetricsRow {
  /** "YYYY-MM" in the page's zone. */
  month: string;
  /** null = all components. */
  componentId: string | null;
  componentName: string;
  incidents: Record<Impact, number>;
  total: number;
  timeToFirstUpdateMinutes: number | null;
  mttaMinutes: number | null;
  mttrMinutes: number | null;
  uptimePercent: number | null;
  /** The component's own target, else the page's (always the page's for "All components"). */
  targetPercent: number;
  slaMet: boolean | null;
}

export interface MetricsReport {
  timeZone: string;
  /** The page's uptime target. */
  slaTarget: number;
  /** Oldest first, from the month of the page's first incident (or the current month when there is none). */
  months: string[];
  rows: MetricsRow[];
}

const MINUTE = 60_000;

function mean(xs: number[]): number | null {
  return xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10 : null;
}

/** The month's local days (clipped to now), as an uptime window. */
function monthWindow(ym: string, timeZone: string, now: Date): WindowDay[] {
  const out: WindowDay[] = [];
  for (let d = `${ym}-01`; d.startsWith(ym); d = addDays(d, 1)) {
    const start = startOfLocalDay(d, timeZone);
    if (start.getTime() >= now.getTime()) break;
    out.push({ date: d, start, end: startOfLocalDay(addDays(d, 1), timeZone) });
  }
  return out;
}

function previousMonth(ym: string): string {
  const [y, m] = ym.split("-").map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

/**
 * The last `count` months up to `current` ("YYYY-MM"), oldest first, none before `first` (the first incident's month;
 * null = none yet).
 */
export function reportMonths(current: string, count: number, first: string | null): string[] {
  const months = [current];
  while (months.length < count && first !== null && first < months[0]) months.unshift(previousMonth(months[0]));
  return months;
}

const isImpact = (s: ComponentStatus) => s !== "operational" && s !== "under_maintenance";

/**
 * When the outage of a component still going on at `at` began: the first
 * change of the unbroken run of impacting statuses (degraded, partial or
 * major outage) that ends at `at`; null when it was fine just before `at`.
 * Changes at or after `at` (the incident's own) don't count.
 */
export function outageStartBefore(
  changes: readonly Pick<StatusChangePoint, "at" | "newStatus">[],
  at: Date,
): Date | null {
  let start: Date | null = null;
  for (const c of [...changes].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    if (c.at.getTime() >= at.getTime()) break;
    if (!isImpact(c.newStatus)) start = null;
    else start ??= c.at;
  }
  return start;
}

/**
 * Time to first update in minutes, from the start of impact (the earliest of
 * the incident's start, its updates' display times — a first update may be
 * back-dated to when things broke — and the outages already going on in the
 * components it names) to when the first update went public. null for a
 * backfilled incident or one with no public update.
 */
export function timeToFirstUpdateMinutes(
  i: Pick<Incident, "startedAt" | "publishedAt" | "backfilled">,
  updates: readonly { displayAt: Date; createdAt: Date }[],
  outageStarts: readonly (Date | null)[],
): number | null {
  if (!updates.length || i.backfilled) return null;
  const posted = Math.max(Math.min(...updates.map((u) => u.createdAt.getTime())), i.publishedAt?.getTime() ?? 0);
  const impact = Math.min(
    i.startedAt.getTime(),
    ...updates.map((u) => u.displayAt.getTime()),
    ...outageStarts.filter((d): d is Date => d !== null).map((d) => d.getTime()),
  );
  return Math.max(0, posted - impact) / MINUTE;
}

/** Published incidents only; maintenance is not an incident here. */
const countedIncidents = (pageId: string) => and(publishedIncidentOn(pageId), eq(incident.kind, "incident"));

/**
 * The last `monthCount` months including the current one (none before the first incident), per component (hidden ones
 * too: this is the console).
 */
export async function computeMetrics(db: Tx, pageId: string, now: Date, monthCount = 12): Promise<MetricsReport> {
  const p = await db.query.page.findFirst({ where: eq(page.id, pageId) });
  if (!p) throw new NotFoundError("Page");
  const monthOf = (d: Date) => localDate(d, p.timeZone).slice(0, 7);
  const first = await db
    .select({ at: min(incident.startedAt) })
    .from(incident)
    .where(countedIncidents(pageId))
    .get();
  const months = reportMonths(monthOf(now), monthCount, first?.at ? monthOf(first.at) : null);
  const from = startOfLocalDay(`${months[0]}-01`, p.timeZone);

  const comps = await db
    .select({
      id: component.id,
      name: component.name,
      startDate: component.startDate,
      uptimeTarget: component.uptimeTarget,
    })
    .from(component)
    .where(and(eq(component.pageId, pageId), isNull(component.deletedAt)))
    .orderBy(asc(component.position), asc(component.createdAt));
  const incidents = await db
    .select()
    .from(incident)
    .where(and(countedIncidents(pageId), gte(incident.startedAt, from), lt(incident.startedAt, now)));
  const ids = incidents.map((i) => i.id);
  const updates = ids.length
    ? await db
        .select({
          incidentId: incidentUpdate.incidentId,
          displayAt: incidentUpdate.displayAt,
          createdAt: incidentUpdate.createdAt,
        })
        .from(incidentUpdate)
        .where(and(inArray(incidentUpdate.incidentId, ids), publishedUpdate))
    : [];
  const links = ids.length
    ? await db
        .selectDistinct({ incidentId: incidentUpdate.incidentId, componentId: incidentUpdateComponent.componentId })
        .from(incidentUpdateComponent)
        .innerJoin(incidentUpdate, eq(incidentUpdate.id, incidentUpdateComponent.incidentUpdateId))
        .where(inArray(incidentUpdate.incidentId, ids))
    : [];
  const histories = await loadStatusHistories(
    db,
    comps.map((c) => c.id),
    from,
    now,
  );

  // An outage that began before the window is counted from the last change before it (what the history holds).
  const firstUpdate = (i: (typeof incidents)[number]): number | null =>
    timeToFirstUpdateMinutes(
      i,
      updates.filter((u) => u.incidentId === i.id),
      links
        .filter((l) => l.incidentId === i.id)
        .map((l) => outageStartBefore(histories.get(l.componentId) ?? [], i.startedAt)),
    );
  const summarize = (list: typeof incidents) => {
    const byImpact = Object.fromEntries(IMPACTS.map((k) => [k, 0])) as Record<Impact, number>;
    for (const i of list) byImpact[i.impact]++;
    return {
      incidents: byImpact,
      total: list.length,
      timeToFirstUpdateMinutes: mean(list.map(firstUpdate).filter((x): x is number => x !== null)),
      mttaMinutes: mean(
        list.filter((i) => i.identifiedAt).map((i) => (i.identifiedAt!.getTime() - i.startedAt.getTime()) / MINUTE),
      ),
      mttrMinutes: mean(
        list.filter((i) => i.resolvedAt).map((i) => (i.resolvedAt!.getTime() - i.startedAt.getTime()) / MINUTE),
      ),
    };
  };

  const rows: MetricsRow[] = [];
  for (const month of months) {
    const window = monthWindow(month, p.timeZone, now);
    const opts = { timeZone: p.timeZone, now, window, countsMaintenance: p.uptimeCountsMaintenance };
    const inMonth = incidents.filter((i) => monthOf(i.startedAt) === month);
    const series = comps.map((c) =>
      componentUptime({ id: c.id, startDate: c.startDate, changes: histories.get(c.id)! }, [], opts),
    );
    const met = (u: number | null, target: number) => (u === null ? null : u >= target);
    const all = groupUptime(series).uptimePercent;
    rows.push({
      month,
      componentId: null,
      componentName: "All components",
      ...summarize(inMonth),
      uptimePercent: all,
      targetPercent: p.slaTarget,
      slaMet: met(all, p.slaTarget),
    });
    comps.forEach((c, k) => {
      const mine = new Set(links.filter((l) => l.componentId === c.id).map((l) => l.incidentId));
      const u = series[k].uptimePercent;
      const target = c.uptimeTarget ?? p.slaTarget;
      rows.push({
        month,
        componentId: c.id,
        componentName: c.name,
        ...summarize(inMonth.filter((i) => mine.has(i.id))),
        uptimePercent: u,
        targetPercent: target,
        slaMet: met(u, target),
      });
    });
  }
  return { timeZone: p.timeZone, slaTarget: p.slaTarget, months, rows };
}

export function metricsCsv(report: MetricsReport): string {
  return toCsv(
    [
      "month",
      "component",
      "incidents",
      ...IMPACTS.map((i) => `impact_${i}`),
      "time_to_first_update_min",
      "mtta_min",
      "mttr_min",
      "uptime_percent",
      "sla_target_percent",
      "sla_met",
    ],
    report.rows.map((r) => [
      r.month,
      r.componentName,
      r.total,
      ...IMPACTS.map((i) => r.incidents[i]),
      r.timeToFirstUpdateMinutes ?? "",
      r.mttaMinutes ?? "",
      r.mttrMinutes ?? "",
      r.uptimePercent ?? "",
      r.targetPercent,
      r.slaMet === null ? "" : r.slaMet ? "yes" : "no",
    ]),
  );
}
