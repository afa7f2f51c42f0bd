// GET /components/{id}/uptime (Statuspage v1 ComponentUptime): the uptime of
// one component over whole local days of the page's zone, by the formula the
// public page publishes (lib/uptime/compute.ts), with the seconds of major and
// partial outage and the incidents and maintenance that named it.
import { and, asc, eq, gte, isNull, lt, or } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { incident, incidentUpdate, incidentUpdateComponent, type Page } from "@/db/schema";
import { getComponentOrThrow } from "../components/components";
import { ValidationError, type FieldErrors } from "../errors";
import { componentUptime, statusDurations, windowDays } from "../uptime/compute";
import { loadStatusHistories } from "../uptime/load";
import { addDays, localDate, startOfLocalDay } from "../time/zone";

/** Without range_start: the 30 days ending with range_end. */
export const DEFAULT_RANGE_DAYS = 30;
/** Statuspage answers at most six months at a time. */
export const MAX_RANGE_DAYS = 183;
export const END_ADJUSTED = "End date was adjusted to today. See range_end field in response for end date used.";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(ymd: string): boolean {
  const m = DATE.exec(ymd);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === ymd && Number(m[1]) >= 2000;
}

/**
 * `range_start` / `range_end`: local dates "YYYY-MM-DD" in the page's zone (or ISO date-times, read as their local
 * date).
 */
function parseRange(query: URLSearchParams, timeZone: string): { start?: string; end?: string } {
  const errors: FieldErrors = {};
  const out: { start?: string; end?: string } = {};
  for (const [name, key] of [
    ["range_start", "start"],
    ["range_end", "end"],
  ] as const) {
    const values = query.getAll(name);
    if (values.length > 1) errors[name] = ["Give a single value"];
    else if (values.length === 1) {
      const v = values[0].trim();
      const instant = /^\d{4}-\d{2}-\d{2}T/.test(v) ? new Date(v) : null;
      const ymd = instant && !Number.isNaN(instant.getTime()) ? localDate(instant, timeZone) : v;
      if (!isRealDate(ymd)) errors[name] = ["Use a date like 2026-03-01"];
      else out[key] = ymd;
    }
  }
  const first = Object.entries(errors)[0];
  if (first) throw new ValidationError(`${first[0]}: ${first[1][0]}`, errors);
  return out;
}

const dayCount = (start: string, end: string) =>
  Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000) + 1;

export async function componentUptimeV1(db: Tx, p: Page, componentId: string, query: URLSearchParams, now: Date) {
  const c = await getComponentOrThrow(db, p.id, componentId);
  const tz = p.timeZone;
  const range = parseRange(query, tz);
  const today = localDate(now, tz);
  const warnings: string[] = [];
  let end = range.end ?? today;
  if (end > today) {
    end = today;
    warnings.push(END_ADJUSTED);
  }
  const start = range.start ?? addDays(end, -(DEFAULT_RANGE_DAYS - 1));
  if (start > end)
    throw new ValidationError("range_start: Must not be after range_end", {
      range_start: ["Must not be after range_end"],
    });
  const days = dayCount(start, end);
  if (days > MAX_RANGE_DAYS) {
    const message = `At most ${MAX_RANGE_DAYS} days at a time`;
    throw new ValidationError(`range_start: ${message}`, { range_start: [message] });
  }

  const from = startOfLocalDay(start, tz);
  const until = new Date(Math.min(now.getTime(), startOfLocalDay(addDays(end, 1), tz).getTime()));
  // The window's last day is the one `until` falls in (just before it when it is the next midnight).
  const window = windowDays({ timeZone: tz, now: new Date(until.getTime() - 1), days });
  const changes = (await loadStatusHistories(db, [c.id], from, until)).get(c.id)!;
  const history = { id: c.id, startDate: c.startDate, changes };
  const series = componentUptime(history, [], {
    timeZone: tz,
    now: until,
    window,
    countsMaintenance: p.uptimeCountsMaintenance,
  });
  const spent = statusDurations(history, from, { timeZone: tz, now: until });

  const related = await db
    .selectDistinct({ id: incident.id, startedAt: incident.startedAt })
    .from(incident)
    .innerJoin(incidentUpdate, eq(incidentUpdate.incidentId, incident.id))
    .innerJoin(incidentUpdateComponent, eq(incidentUpdateComponent.incidentUpdateId, incidentUpdate.id))
    .where(
      and(
        eq(incident.pageId, p.id),
        eq(incidentUpdateComponent.componentId, c.id),
        lt(incident.startedAt, until),
        or(isNull(incident.resolvedAt), gte(incident.resolvedAt, from)),
      ),
    )
    .orderBy(asc(incident.startedAt), asc(incident.id));

  return {
    id: c.id,
    name: c.name,
    range_start: from.toISOString(),
    range_end: until.toISOString(),
    uptime_percentage: series.uptimePercent,
    major_outage: Math.round(spent.major_outage / 1000),
    partial_outage: Math.round(spent.partial_outage / 1000),
    warnings,
    related_events: related.map((r) => ({ id: r.id })),
  };
}
