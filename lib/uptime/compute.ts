// Uptime as a pure function of the component_status_change log. No database,
// no clock: the loader (load.ts) passes everything in.
//
// The formula, published on the page (UPTIME_FORMULA):
//   down time = major_outage × 1 + partial_outage × 0.3 (+ under_maintenance × 1
//   when the page counts maintenance as down); degraded_performance is up.
//   uptime % = 100 × (1 − down / tracked), over the page's local days.
// Time before a component's start date (or first recorded status) is not
// tracked: such days show "no data" and don't count in the window.
import type { ComponentStatus } from "@/db/constants";
import { worstComponentStatus } from "../status/rules";
import { addDays, localDate, startOfLocalDay } from "../time/zone";

export const UPTIME_DAYS = 90;
export const PARTIAL_OUTAGE_WEIGHT = 0.3;

export function uptimeFormula(countsMaintenance: boolean): string {
  return (
    "Uptime is the share of each day a component was up, in the page's time zone. " +
    "A major outage counts fully as down time and a partial outage as 30 % down time; " +
    "degraded performance counts as up" +
    (countsMaintenance ? "; scheduled maintenance counts as down time" : " and so does scheduled maintenance") +
    ". " +
    "Days before a component was added are shown without data and are not counted."
  );
}

export interface StatusChangePoint {
  at: Date;
  oldStatus: ComponentStatus | null;
  newStatus: ComponentStatus;
}

export interface IncidentSpan {
  id: string;
  name: string;
  kind: "incident" | "maintenance";
  startedAt: Date;
  /** null while still open. */
  resolvedAt: Date | null;
  componentIds: readonly string[];
}

export interface UptimeDayIncident {
  id: string;
  name: string;
  kind: "incident" | "maintenance";
}

export interface UptimeDay {
  /** Local calendar date, "YYYY-MM-DD". */
  date: string;
  /** UTC bounds of the local day: 23 or 25 hours on DST days. */
  start: Date;
  end: Date;
  /** Worst status during the tracked part of the day; null = no data. */
  worst: ComponentStatus | null;
  /** null = no data. Rounded to 2 decimals for display; totals use exact ms. */
  uptimePercent: number | null;
  trackedMs: number;
  downMs: number;
  /** Published incidents touching this component that overlap the day. */
  incidents: UptimeDayIncident[];
}

export interface UptimeSeries {
  days: UptimeDay[];
  /** Over the whole window; null when nothing was tracked. */
  uptimePercent: number | null;
}

export interface ComputeOptions {
  timeZone: string;
  now: Date;
  days?: number;
  countsMaintenance: boolean;
  /** Precomputed windowDays(): Intl is the main cost, so a loader computes it once. */
  window?: WindowDay[];
}

export interface WindowDay {
  date: string;
  start: Date;
  end: Date;
}

export interface ComponentHistory {
  id: string;
  /** "YYYY-MM-DD" in the page's zone; tracking starts at its local midnight. */
  startDate: string | null;
  /** Changes in any order; may start long before the window. */
  changes: readonly StatusChangePoint[];
}

/** The local days of the window, oldest first, ending with today (partial). */
export function windowDays(opts: Pick<ComputeOptions, "timeZone" | "now" | "days">): WindowDay[] {
  const n = opts.days ?? UPTIME_DAYS;
  const today = localDate(opts.now, opts.timeZone);
  const out: WindowDay[] = [];
  let start = startOfLocalDay(addDays(today, -(n - 1)), opts.timeZone);
  for (let i = n - 1; i >= 0; i--) {
    const date = addDays(today, -i);
    const end = startOfLocalDay(addDays(date, 1), opts.timeZone);
    out.push({ date, start, end });
    start = end;
  }
  return out;
}

function downWeight(s: ComponentStatus, countsMaintenance: boolean): number {
  if (s === "major_outage") return 1;
  if (s === "partial_outage") return PARTIAL_OUTAGE_WEIGHT;
  if (s === "under_maintenance") return countsMaintenance ? 1 : 0;
  return 0;
}

interface Segment {
  from: number;
  to: number;
  status: ComponentStatus;
}

/** The component's status as half-open segments from tracking start to now. */
function segments(h: ComponentHistory, opts: ComputeOptions): Segment[] {
  const sorted = [...h.changes].sort((a, b) => a.at.getTime() - b.at.getTime());
  const now = opts.now.getTime();
  if (!sorted.length) return [];
  const startDate = h.startDate ? startOfLocalDay(h.startDate, opts.timeZone).getTime() : null;
  const first = sorted[0];
  // Before the first logged change the component was in that change's old
  // status (operational for the creation row), but only from the start date on.
  let trackFrom = startDate ?? first.at.getTime();
  const out: Segment[] = [];
  let cursor = Math.min(trackFrom, first.at.getTime());
  let status: ComponentStatus = first.oldStatus ?? first.newStatus;
  for (const c of sorted) {
    const at = c.at.getTime();
    if (at > cursor) out.push({ from: cursor, to: at, status });
    cursor = Math.max(cursor, at);
    status = c.newStatus;
  }
  if (now > cursor) out.push({ from: cursor, to: now, status });
  // A start date after creation hides the earlier time; one before it
  // extends tracking back (the first segment already begins there).
  trackFrom = startDate ?? trackFrom;
  return out
    .map((s) => ({ ...s, from: Math.max(s.from, trackFrom), to: Math.min(s.to, now) }))
    .filter((s) => s.to > s.from);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function percent(tracked: number, down: number): number | null {
  return tracked > 0 ? 100 * (1 - down / tracked) : null;
}

/**
 * Milliseconds spent in each status between `from` and `opts.now`, over the
 * tracked time only (the same segments as the bars): the v1 API's seconds of
 * major and partial outage (lib/statuspage/v1-uptime.ts).
 */
export function statusDurations(
  h: ComponentHistory,
  from: Date,
  opts: Pick<ComputeOptions, "timeZone" | "now">,
): Record<ComponentStatus, number> {
  const out: Record<ComponentStatus, number> = {
    operational: 0,
    degraded_performance: 0,
    partial_outage: 0,
    major_outage: 0,
    under_maintenance: 0,
  };
  const start = from.getTime();
  for (const s of segments(h, { ...opts, countsMaintenance: false })) {
    const len = s.to - Math.max(s.from, start);
    if (len > 0) out[s.status] += len;
  }
  return out;
}

/** One day's figures from the status log alone (what a finished day keeps for good: lib/uptime/day-cache.ts). */
export interface DayFigures {
  trackedMs: number;
  downMs: number;
  /** Worst status during the tracked part of the day; null = no data. */
  worst: ComponentStatus | null;
}

/** The figures of each given day for one component (the days in order; any run of the window). */
export function componentDayFigures(
  h: ComponentHistory,
  days: readonly WindowDay[],
  opts: ComputeOptions,
): DayFigures[] {
  const segs = segments(h, opts);
  let si = 0;
  return days.map((d) => {
    const ds = d.start.getTime();
    const de = d.end.getTime();
    while (si < segs.length && segs[si].to <= ds) si++;
    let tracked = 0;
    let down = 0;
    const seen: ComponentStatus[] = [];
    for (let j = si; j < segs.length && segs[j].from < de; j++) {
      const len = Math.min(de, segs[j].to) - Math.max(ds, segs[j].from);
      if (len <= 0) continue;
      tracked += len;
      down += len * downWeight(segs[j].status, opts.countsMaintenance);
      seen.push(segs[j].status);
    }
    return { trackedMs: tracked, downMs: down, worst: tracked > 0 ? worstComponentStatus(seen) : null };
  });
}

/**
 * The bars from each window day's figures, with the published incidents touching the component that day. `known`:
 * the same series' first days, computed before from the same figures and incidents (lib/uptime/load.ts keeps the
 * finished days'), reused as they are.
 */
export function seriesFromFigures(
  id: string,
  window: readonly WindowDay[],
  figures: readonly DayFigures[],
  incidents: readonly IncidentSpan[],
  now: Date,
  known: readonly UptimeDay[] = [],
): UptimeSeries {
  const perDay = incidentsPerDay(
    window,
    incidents.filter((i) => i.componentIds.includes(id)),
    now,
  );
  const days = [...known];
  for (let n = known.length; n < window.length; n++) {
    const d = window[n];
    const f = figures[n];
    const p = percent(f.trackedMs, f.downMs);
    days.push({
      date: d.date,
      start: d.start,
      end: d.end,
      worst: f.worst,
      uptimePercent: p === null ? null : round2(p),
      trackedMs: f.trackedMs,
      downMs: f.downMs,
      incidents: perDay[n] ?? NO_INCIDENTS,
    });
  }
  let trackedTotal = 0;
  let downTotal = 0;
  for (const d of days) {
    trackedTotal += d.trackedMs;
    downTotal += d.downMs;
  }
  const total = percent(trackedTotal, downTotal);
  return { days, uptimePercent: total === null ? null : round2(total) };
}

/** Shared by every day without incidents (most of them); frozen, so no caller can add to all of them at once. */
const NO_INCIDENTS = Object.freeze([]) as unknown as UptimeDayIncident[];

/**
 * The incidents overlapping each window day, in the order given (a still open one runs to `now`), one pass per incident
 * that stops at its end; a day without one gets no array of its own (`/` builds 50 components × 90 days per render).
 */
function incidentsPerDay(
  window: readonly WindowDay[],
  incidents: readonly IncidentSpan[],
  now: Date,
): (UptimeDayIncident[] | undefined)[] {
  const perDay: (UptimeDayIncident[] | undefined)[] = new Array(window.length);
  for (const i of incidents) {
    const start = i.startedAt.getTime();
    const end = (i.resolvedAt ?? now).getTime();
    const ref = { id: i.id, name: i.name, kind: i.kind };
    for (let n = 0; n < window.length && window[n].start.getTime() < end; n++)
      if (window[n].end.getTime() > start) (perDay[n] ??= []).push(ref);
  }
  return perDay;
}

/** 90 local-day buckets for one component. */
export function componentUptime(
  h: ComponentHistory,
  incidents: readonly IncidentSpan[],
  opts: ComputeOptions,
): UptimeSeries {
  const window = opts.window ?? windowDays(opts);
  return seriesFromFigures(h.id, window, componentDayFigures(h, window, opts), incidents, opts.now);
}

/**
 * A group's bars from its members' series (same window): the worst member
 * status per day, and the mean of the members' down fractions, so a group of
 * four with one member fully down for a day shows 75 % that day. `known`: the
 * group's first days, computed before from the same members' days, reused.
 */
export function groupUptime(members: readonly UptimeSeries[], known: readonly UptimeDay[] = []): UptimeSeries {
  if (!members.length) return { days: [], uptimePercent: null };
  let fractionSum = 0;
  let fractionCount = 0;
  const days = [...known];
  for (let i = known.length; i < members[0].days.length; i++) {
    const d0 = members[0].days[i];
    const withData = members.map((m) => m.days[i]).filter((d) => d.trackedMs > 0);
    const seen = new Map<string, UptimeDayIncident>();
    for (const m of members) for (const inc of m.days[i].incidents) seen.set(inc.id, inc);
    const meanDown = withData.length
      ? withData.reduce((s, d) => s + d.downMs / d.trackedMs, 0) / withData.length
      : null;
    days.push({
      date: d0.date,
      start: d0.start,
      end: d0.end,
      worst: withData.length ? worstComponentStatus(withData.map((d) => d.worst!)) : null,
      uptimePercent: meanDown === null ? null : round2(100 * (1 - meanDown)),
      trackedMs: withData.reduce((s, d) => s + d.trackedMs, 0),
      downMs: withData.reduce((s, d) => s + d.downMs, 0),
      incidents: [...seen.values()],
    });
  }
  for (const m of members) {
    const tracked = m.days.reduce((s, d) => s + d.trackedMs, 0);
    if (tracked > 0) {
      fractionSum += m.days.reduce((s, d) => s + d.downMs, 0) / tracked;
      fractionCount++;
    }
  }
  return { days, uptimePercent: fractionCount ? round2(100 * (1 - fractionSum / fractionCount)) : null };
}
