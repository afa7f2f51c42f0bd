// Incident practice metrics per month (the page's time zone) and per
// component, for the console's metrics page and its CSV export.
import { and, asc, eq, gte, inArray, isNotNull, isNull, lt } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { IMPACTS, type Impact } from "@/db/constants";
import { component, incident, incidentUpdate, incidentUpdateComponent, page } from "@/db/schema";
import { toCsv } from "../csv";
import { NotFoundError } from "../errors";
import { addDays, localDate, startOfLocalDay } from "../time/zone";
import { componentUptime, groupUptime, type WindowDay } from "../uptime/compute";
import { loadStatusHistories } from "../uptime/load";

export const METRIC_DEFINITIONS: { key: string; label: string; definition: string }[] = [
  { key: "incidents", label: "Incidents", definition: "Published incidents that started in the month (page time zone), by impact. Maintenance is not counted." },
  { key: "ttfu", label: "Time to first update", definition: "Mean minutes from an incident's start to its first public update (when it was posted, or published if scheduled). Backfilled incidents are left out." },
  { key: "mtta", label: "MTTA", definition: "Mean time to acknowledge: minutes from start to the first “identified” update, over incidents that reached it." },
  { key: "mttr", label: "MTTR", definition: "Mean time to resolve: minutes from start to resolution, over incidents resolved so far." },
  { key: "uptime", label: "Uptime", definition: "Uptime % for the month by the published formula (major outage fully down, partial outage 30 %); “All components” is the mean of the components. Compared against the SLA target set in settings." },
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
  slaMet: boolean | null;
}

export interface MetricsReport {
  timeZone: string;
  slaTarget: number;
  /** Oldest first. */
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

/** The last `monthCount` months including the current one, per component (hidden ones too: this is the console). */
export async function computeMetrics(db: Tx, pageId: string, now: Date, monthCount = 12): Promise<MetricsReport> {
  const p = await db.query.page.findFirst({ where: eq(page.id, pageId) });
  if (!p) throw new NotFoundError("Page");
  const months = [localDate(now, p.timeZone).slice(0, 7)];
  while (months.length < monthCount) months.unshift(previousMonth(months[0]));
  const from = startOfLocalDay(`${months[0]}-01`, p.timeZone);

  const comps = await db
    .select({ id: component.id, name: component.name, startDate: component.startDate })
    .from(component)
    .where(and(eq(component.pageId, pageId), isNull(component.deletedAt)))
    .orderBy(asc(component.position), asc(component.createdAt));
  const incidents = await db
    .select()
    .from(incident)
    .where(and(eq(incident.pageId, pageId), eq(incident.kind, "incident"), isNotNull(incident.publishedAt), gte(incident.startedAt, from), lt(incident.startedAt, now)));
  const ids = incidents.map((i) => i.id);
  const updates = ids.length ? await db.select({ incidentId: incidentUpdate.incidentId, createdAt: incidentUpdate.createdAt }).from(incidentUpdate).where(and(inArray(incidentUpdate.incidentId, ids), isNull(incidentUpdate.publishAt))) : [];
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

  const monthOf = (d: Date) => localDate(d, p.timeZone).slice(0, 7);
  const firstUpdate = (i: (typeof incidents)[number]): number | null => {
    const posted = updates.filter((u) => u.incidentId === i.id).map((u) => u.createdAt.getTime());
    if (!posted.length || i.backfilled) return null;
    const first = Math.max(Math.min(...posted), i.publishedAt!.getTime());
    return Math.max(0, first - i.startedAt.getTime()) / MINUTE;
  };
  const summarize = (list: typeof incidents) => {
    const byImpact = Object.fromEntries(IMPACTS.map((k) => [k, 0])) as Record<Impact, number>;
    for (const i of list) byImpact[i.impact]++;
    return {
      incidents: byImpact,
      total: list.length,
      timeToFirstUpdateMinutes: mean(list.map(firstUpdate).filter((x): x is number => x !== null)),
      mttaMinutes: mean(list.filter((i) => i.identifiedAt).map((i) => (i.identifiedAt!.getTime() - i.startedAt.getTime()) / MINUTE)),
      mttrMinutes: mean(list.filter((i) => i.resolvedAt).map((i) => (i.resolvedAt!.getTime() - i.startedAt.getTime()) / MINUTE)),
    };
  };

  const rows: MetricsRow[] = [];
  for (const month of months) {
    const window = monthWindow(month, p.timeZone, now);
    const opts = { timeZone: p.timeZone, now, window, countsMaintenance: p.uptimeCountsMaintenance };
    const inMonth = incidents.filter((i) => monthOf(i.startedAt) === month);
    const series = comps.map((c) => componentUptime({ id: c.id, startDate: c.startDate, changes: histories.get(c.id)! }, [], opts));
    const sla = (u: number | null) => (u === null ? null : u >= p.slaTarget);
    const all = groupUptime(series).uptimePercent;
    rows.push({ month, componentId: null, componentName: "All components", ...summarize(inMonth), uptimePercent: all, slaMet: sla(all) });
    comps.forEach((c, k) => {
      const mine = new Set(links.filter((l) => l.componentId === c.id).map((l) => l.incidentId));
      const u = series[k].uptimePercent;
      rows.push({ month, componentId: c.id, componentName: c.name, ...summarize(inMonth.filter((i) => mine.has(i.id))), uptimePercent: u, slaMet: sla(u) });
    });
  }
  return { timeZone: p.timeZone, slaTarget: p.slaTarget, months, rows };
}

export function metricsCsv(report: MetricsReport): string {
  return toCsv(
    ["month", "component", "incidents", ...IMPACTS.map((i) => `impact_${i}`), "time_to_first_update_min", "mtta_min", "mttr_min", "uptime_percent", "sla_target_percent", "sla_met"],
    report.rows.map((r) => [
      r.month,
      r.componentName,
      r.total,
      ...IMPACTS.map((i) => r.incidents[i]),
      r.timeToFirstUpdateMinutes ?? "",
      r.mttaMinutes ?? "",
      r.mttrMinutes ?? "",
      r.uptimePercent ?? "",
      report.slaTarget,
      r.slaMet === null ? "" : r.slaMet ? "yes" : "no",
    ]),
  );
}
