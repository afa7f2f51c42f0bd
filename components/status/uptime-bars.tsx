import { COMPONENT_STATUS_LABELS, type ComponentStatus } from "@/db/constants";
import { formatDuration } from "@/lib/public/format";
import type { UptimeDayDto } from "@/lib/uptime/load";
import "./uptime-bars.css";

// Markup is kept tiny because `/` carries up to 50 × 90 bars within a 15 KB
// gzip budget: short class names (uptime-bars.css), no per-bar attributes but
// the class, and a label whose text is identical for the same day across
// components, so gzip folds the repetition away. Every bar's label is real text
// (read by screen readers, shown on hover); bars for days with trouble are
// links to the day's first incident, so keyboard focus shows the label too.

const CLASS: Record<ComponentStatus, string> = {
  operational: "o",
  degraded_performance: "d",
  partial_outage: "p",
  major_outage: "m",
  under_maintenance: "u",
};

const dayFormat = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", dateStyle: "medium" });

/** "Mar 3, 2026" for a local "YYYY-MM-DD" (the date is already in the page's zone). */
function dayLabel(date: string, cache: Map<string, string>): string {
  let s = cache.get(date);
  if (!s) cache.set(date, (s = dayFormat.format(new Date(`${date}T12:00:00Z`))));
  return s;
}

/** "100%", "99.95%": two decimals at most, never "100.00%". */
export function formatPercent(p: number): string {
  return `${Number(p.toFixed(2))}%`;
}

function describe(d: UptimeDayDto): string {
  if (d.worst === null || d.uptimePercent === null) return "no data";
  const parts = [d.worst === "operational" && !d.downMinutes ? "no downtime" : COMPONENT_STATUS_LABELS[d.worst].toLowerCase(), `${formatPercent(d.uptimePercent)} up`];
  if (d.downMinutes) parts.push(`${formatDuration(d.downMinutes * 60_000)} down`);
  return parts.join(", ");
}

function incidentsText(d: UptimeDayDto, names: boolean): string {
  if (names) return d.incidents.map((i) => i.name).join("; ");
  return d.incidents.length === 1 ? "1 incident" : `${d.incidents.length} incidents`;
}

function Day({ d, cache, names }: { d: UptimeDayDto; cache: Map<string, string>; names: boolean }) {
  const label = (
    <span>
      <b>{dayLabel(d.date, cache)}</b>
      {`: ${describe(d)}`}
      {d.incidents.length > 0 && <i>{incidentsText(d, names)}</i>}
    </span>
  );
  const cls = d.worst === null ? "n" : CLASS[d.worst];
  if (!d.incidents.length) return <li className={cls}>{label}</li>;
  return (
    <li className={cls}>
      <a href={`/incidents/${d.incidents[0].id}`}>{label}</a>
    </li>
  );
}

/**
 * A component's or group's daily bars, oldest first, with its uptime over the
 * window and the axis. Phones show the last 30 days (uptime-bars.css). Group
 * bars count the day's incidents instead of naming them: the members' bars
 * name them already, and the page has a size budget.
 */
export function UptimeBars({ name, days, uptimePercent, incidentNames = true }: { name: string; days: UptimeDayDto[]; uptimePercent: number | null; incidentNames?: boolean }) {
  const cache = new Map<string, string>();
  return (
    <div className="ub">
      <ol aria-label={`${name}: uptime per day, last ${days.length} days`}>
        {days.map((d) => (
          <Day key={d.date} d={d} cache={cache} names={incidentNames} />
        ))}
      </ol>
      <p>
        <span aria-hidden="true">
          <span className="u30">30</span>
          <span className="u90">{days.length}</span> days ago
        </span>
        <span>
          {uptimePercent === null ? "No data yet" : `${formatPercent(uptimePercent)} uptime`}
          <span className="sr-only">{` over the last ${days.length} days`}</span>
        </span>
        <span aria-hidden="true">Today</span>
      </p>
    </div>
  );
}
