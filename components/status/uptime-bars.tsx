import { COMPONENT_STATUS_LABELS, type ComponentStatus } from "@/db/constants";
import { escapeXml } from "@/lib/feeds/xml";
import { formatDuration } from "@/lib/time/format";
import type { UptimeDayDto } from "@/lib/uptime/load";
import type { CSSProperties } from "react";
import "./uptime-bars.css";

// Markup is kept tiny because `/` carries up to 50 × 90 days within a 15 KB
// gzip budget: short class names (uptime-bars.css), and a label whose text is
// identical for the same day across components, so gzip folds the repetition
// away. A run of quiet days (no incident, the same status and figures, e.g. no
// downtime or no data) is one item spanning its days' columns that draws one
// bar per day (the CSS), labelled with the date range; every other day is an
// item of its own. Every label is real text (read by screen readers, shown on
// hover); bars for days with trouble are links to the day's first incident, so
// keyboard focus shows the label too.

const CLASS: Record<ComponentStatus, string> = {
  operational: "o",
  degraded_performance: "d",
  partial_outage: "p",
  major_outage: "m",
  under_maintenance: "u",
};

/** Days phones show (uptime-bars.css). */
const PHONE_DAYS = 30;

const dayFormat = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", month: "short", day: "numeric" });

/**
 * "Mar 3" for a local "YYYY-MM-DD" (the date is already in the page's zone);
 * "Dec 30, 2025" when the year is not today's: the window is the last 90 days,
 * so that is enough to tell every day apart.
 */
function dayLabel(date: string, year: string): string {
  const s = dayFormat.format(new Date(`${date}T12:00:00Z`));
  return date.startsWith(year) ? s : `${s}, ${date.slice(0, 4)}`;
}

/** "100%", "99.95%": two decimals at most, never "100.00%". */
export function formatPercent(p: number): string {
  return `${Number(p.toFixed(2))}%`;
}

function describe(d: UptimeDayDto): string {
  if (d.worst === null || d.uptimePercent === null) return "no data";
  if (d.worst === "operational" && !d.downMinutes && d.uptimePercent === 100) return "no downtime";
  const parts = [
    d.worst === "operational" && !d.downMinutes ? "no downtime" : COMPONENT_STATUS_LABELS[d.worst].toLowerCase(),
    `${formatPercent(d.uptimePercent)} up`,
  ];
  if (d.downMinutes) parts.push(`${formatDuration(d.downMinutes * 60_000)} down`);
  return parts.join(", ");
}

function incidentsText(d: UptimeDayDto, names: boolean): string {
  if (names) return d.incidents.map((i) => i.name).join("; ");
  return d.incidents.length === 1 ? "1 incident" : `${d.incidents.length} incidents`;
}

const cls = (d: UptimeDayDto) => (d.worst === null ? "n" : CLASS[d.worst]);

/** Consecutive days as items: one per day with incidents, one per run of days that read the same otherwise. */
export function dayItems(
  days: readonly UptimeDayDto[],
  phoneDays = PHONE_DAYS,
): { first: UptimeDayDto; last: UptimeDayDto; n: number; text: string }[] {
  const items: { first: UptimeDayDto; last: UptimeDayDto; n: number; text: string }[] = [];
  const phoneStart = days.length - phoneDays;
  days.forEach((d, i) => {
    const text = describe(d);
    const prev = items.at(-1);
    // A run never crosses into the days phones show, so phones can hide whole items.
    if (
      prev &&
      !d.incidents.length &&
      !prev.last.incidents.length &&
      cls(prev.last) === cls(d) &&
      prev.text === text &&
      i !== phoneStart
    ) {
      prev.last = d;
      prev.n++;
    } else items.push({ first: d, last: d, n: 1, text });
  });
  return items;
}

/**
 * The items as HTML, built as a string: `/` carries up to 55 lists of up to 90 items, and as React elements they were
 * most of the page's render (about 150 ms of a 200 ms render on the 10-year seed, before the render can be served).
 * The markup is what the elements were; every text and attribute goes through escapeXml.
 */
export function itemsHtml(days: readonly UptimeDayDto[], names: boolean): string {
  const year = days.at(-1)?.date.slice(0, 4) ?? "";
  let column = 0;
  let html = "";
  for (const { first, last, n, text } of dayItems(days)) {
    // `s` marks the first item phones show; `--n` is the run's length in days.
    const phone = column === days.length - PHONE_DAYS;
    column += n;
    const when = n === 1 ? dayLabel(first.date, year) : `${dayLabel(first.date, year)} – ${dayLabel(last.date, year)}`;
    let label = `<span><b>${escapeXml(when)}</b>${escapeXml(`: ${text}`)}`;
    if (first.incidents.length) label += `<i>${escapeXml(incidentsText(first, names))}</i>`;
    label += "</span>";
    const attrs = `class="${phone ? `${cls(first)} s` : cls(first)}"${n > 1 ? ` style="--n:${n}"` : ""}`;
    html += first.incidents.length
      ? `<li ${attrs}><a href="/incidents/${escapeXml(first.incidents[0].id)}">${label}</a></li>`
      : `<li ${attrs}>${label}</li>`;
  }
  return html;
}

/**
 * itemsHtml per days array: the uptime loader hands out the same frozen array while a component's or group's days read
 * the same (lib/uptime/load.ts), so a render after a publish builds the HTML only of the bars it changed.
 */
const htmlOf = {
  names: new WeakMap<readonly UptimeDayDto[], string>(),
  counts: new WeakMap<readonly UptimeDayDto[], string>(),
};

function keptItemsHtml(days: readonly UptimeDayDto[], names: boolean): string {
  const memo = names ? htmlOf.names : htmlOf.counts;
  let html = memo.get(days);
  if (html === undefined) memo.set(days, (html = itemsHtml(days, names)));
  return html;
}

/**
 * A component's or group's daily bars, oldest first, with its uptime over the
 * window and the axis. Phones show the last 30 days (uptime-bars.css) and say
 * that the percentage is still the whole window's. Group
 * bars count the day's incidents instead of naming them: the members' bars
 * name them already, and the page has a size budget.
 */
export function UptimeBars({
  name,
  days,
  uptimePercent,
  incidentNames = true,
}: {
  name: string;
  days: readonly UptimeDayDto[];
  uptimePercent: number | null;
  incidentNames?: boolean;
}) {
  return (
    <div className="ub">
      {/* The column count, when not the CSS's 90. */}
      <ol
        aria-label={`${name}: uptime per day, last ${days.length} days`}
        style={days.length === 90 ? undefined : ({ "--d": days.length } as CSSProperties)}
        // biome-ignore lint/security/noDangerouslySetInnerHtml: itemsHtml escapes every text and attribute.
        dangerouslySetInnerHTML={{ __html: keptItemsHtml(days, incidentNames) }}
      />
      <p>
        <span aria-hidden="true">
          <span className="u30">30</span>
          <span className="u90">{days.length}</span> days ago
        </span>
        <span>
          {uptimePercent === null ? "No data yet" : `${formatPercent(uptimePercent)} uptime`}
          {/* Visible on phones, which show fewer days than the percentage covers (uptime-bars.css). */}
          <span className="w">{` over the last ${days.length} days`}</span>
        </span>
        <span aria-hidden="true">Today</span>
      </p>
    </div>
  );
}
