// The metrics page's charts as SVG strings, drawn on the server: no chart
// script reaches the browser. Each chart is an image for assistive technology
// (role="img" named by its <title> and <desc>) and carries the table of the
// numbers it draws, which the page shows as the text alternative. Text is
// escaped; axes and labels use currentColor so the charts follow the page's
// light or dark theme, and series colours are readable on both.
import { IMPACT_LABELS, IMPACTS, type Impact } from "@/db/constants";
import { INDICATOR_COLORS } from "../badges/badge";
import { escapeXml } from "../feeds/xml";
import { formatDuration, formatMonth } from "../time/format";
import type { MetricsReport, MetricsRow } from "./metrics";

export interface ChartTable {
  caption: string;
  head: string[];
  /** The first cell of each row is its header. */
  rows: string[][];
}

export interface Chart {
  title: string;
  description: string;
  svg: string;
  table: ChartTable;
}

export const IMPACT_CHART_COLORS: Record<Impact, string> = {
  none: "#71717a",
  minor: INDICATOR_COLORS.minor,
  major: INDICATOR_COLORS.major,
  critical: INDICATOR_COLORS.critical,
};
const MET = INDICATOR_COLORS.none;
const MISSED = INDICATOR_COLORS.critical;
const LINE = "#2563eb";

const WIDTH = 480;
const FONT = 13;
const e = escapeXml;
const num = (n: number) => String(Math.round(n * 10) / 10);
const minutesLabel = (m: number) => formatDuration(m * 60_000);
const percent = (p: number) => `${p.toFixed(2)} %`;

function svg(id: string, height: number, title: string, description: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" ` +
    `aria-labelledby="${e(id)}-t ${e(id)}-d" ` +
    `font-family="inherit" font-size="${FONT}" fill="currentColor" ` +
    `style="display:block;max-width:${WIDTH * 1.5}px;height:auto">` +
    `<title id="${e(id)}-t">${e(title)}</title><desc id="${e(id)}-d">${e(description)}</desc>${body}</svg>`
  );
}

function text(x: number, y: number, s: string, attrs = ""): string {
  return `<text x="${num(x)}" y="${num(y)}"${attrs ? ` ${attrs}` : ""}>${e(s)}</text>`;
}

/** "Mar", with the year under the first month and every January. */
function monthTicks(months: readonly string[], center: (k: number) => number, y: number): string {
  return months
    .map((m, k) => {
      const [year, mm] = m.split("-");
      const short = formatMonth(m).slice(0, 3);
      const withYear = k === 0 || mm === "01";
      return (
        text(center(k), y, short, 'text-anchor="middle"') +
        (withYear ? text(center(k), y + FONT + 2, year, 'text-anchor="middle" opacity="0.7"') : "")
      );
    })
    .join("");
}

/** Round axis steps: 1, 2 or 5 times a power of ten, at most `count` of them to cover `max`. */
export function niceTicks(max: number, count = 4, steps?: readonly number[]): number[] {
  const top = Math.max(max, 1);
  let step: number;
  if (steps) step = steps.find((s) => s * count >= top) ?? steps.at(-1)!;
  else {
    const raw = top / count;
    const pow = 10 ** Math.floor(Math.log10(raw));
    step = [1, 2, 5, 10].map((f) => f * pow).find((s) => s >= raw)!;
    if (step < 1) step = 1;
  }
  const ticks = [0];
  while (ticks.at(-1)! < top) ticks.push(ticks.at(-1)! + step);
  return ticks;
}

/** Minute steps that read as whole durations (1 min … 7 d). */
const MINUTE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 240, 360, 720, 1440, 2880, 10080];

interface Plot {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function band(plot: Plot, n: number) {
  const w = (plot.right - plot.left) / n;
  return { width: w, center: (k: number) => plot.left + w * (k + 0.5) };
}

function yAxis(plot: Plot, ticks: number[], label: (v: number) => string): { y: (v: number) => number; svg: string } {
  const max = ticks.at(-1)!;
  const y = (v: number) => plot.bottom - ((plot.bottom - plot.top) * v) / max;
  const svgText = ticks
    .map(
      (t) =>
        `<line x1="${plot.left}" x2="${plot.right}" y1="${num(y(t))}" y2="${num(y(t))}" stroke="currentColor" ` +
        `stroke-opacity="${t === 0 ? 0.5 : 0.12}"/>` +
        text(plot.left - 6, y(t) + 4, label(t), 'text-anchor="end" opacity="0.7"'),
    )
    .join("");
  return { y, svg: svgText };
}

function legend(items: { label: string; color: string }[], y: number): string {
  let x = 8;
  return items
    .map(({ label, color }) => {
      const out =
        `<rect x="${x}" y="${y - 10}" width="11" height="11" rx="2" ` + `fill="${color}"/>${text(x + 16, y, label)}`;
      x += 16 + label.length * FONT * 0.6 + 14;
      return out;
    })
    .join("");
}

const overview = (report: MetricsReport): MetricsRow[] =>
  report.months.map((m) => report.rows.find((r) => r.month === m && r.componentId === null)!);

function monthSpan(months: readonly string[]): string {
  return months.length === 1 ? formatMonth(months[0]) : `${formatMonth(months[0])} to ${formatMonth(months.at(-1)!)}`;
}

/** Stacked bars: published incidents per month, by impact (worst on top). */
export function incidentsByImpactChart(report: MetricsReport, id = "chart-incidents"): Chart {
  const rows = overview(report);
  const total = rows.reduce((a, r) => a + r.total, 0);
  const busiest = rows.reduce((a, r) => (r.total > a.total ? r : a), rows[0]);
  const title = "Incidents per month by impact";
  const description =
    `${total} incident${total === 1 ? "" : "s"} from ${monthSpan(report.months)}` +
    (total
      ? `; most in ${formatMonth(busiest.month)} (${busiest.total}). ` +
        IMPACTS.map((i) => `${IMPACT_LABELS[i]}: ${rows.reduce((a, r) => a + r.incidents[i], 0)}`).join(", ") +
        "."
      : ".");
  const plot: Plot = { left: 40, right: WIDTH - 8, top: 34, bottom: 190 };
  const { y, svg: axis } = yAxis(plot, niceTicks(Math.max(...rows.map((r) => r.total)), 4), (v) => String(v));
  const b = band(plot, rows.length);
  const barW = Math.min(36, b.width * 0.64);
  const bars = rows
    .map((r, k) => {
      let base = 0;
      return IMPACTS.filter((i) => r.incidents[i] > 0)
        .map((i) => {
          const top = base + r.incidents[i];
          const tip = `${formatMonth(r.month)}: ${r.incidents[i]} ${IMPACT_LABELS[i].toLowerCase()} impact`;
          const rect =
            `<rect x="${num(b.center(k) - barW / 2)}" y="${num(y(top))}" width="${num(barW)}" ` +
            `height="${num(y(base) - y(top))}" fill="${IMPACT_CHART_COLORS[i]}"><title>${e(tip)}</title></rect>`;
          base = top;
          return rect;
        })
        .join("");
    })
    .join("");
  const body =
    legend(
      IMPACTS.map((i) => ({ label: IMPACT_LABELS[i], color: IMPACT_CHART_COLORS[i] })),
      16,
    ) +
    axis +
    bars +
    monthTicks(report.months, b.center, plot.bottom + 18);
  return {
    title,
    description,
    svg: svg(id, 228, title, description, body),
    table: {
      caption: title,
      head: ["Month", "Total", ...IMPACTS.map((i) => IMPACT_LABELS[i])],
      rows: rows.map((r) => [formatMonth(r.month), String(r.total), ...IMPACTS.map((i) => String(r.incidents[i]))]),
    },
  };
}

type DurationKey = "mttrMinutes" | "timeToFirstUpdateMinutes";
const DURATION_TITLES: Record<DurationKey, string> = {
  mttrMinutes: "Mean time to resolve",
  timeToFirstUpdateMinutes: "Mean time to first update",
};

/** A line of a monthly mean duration; months without incidents are gaps. */
export function durationTrendChart(report: MetricsReport, key: DurationKey, id = `chart-${key}`): Chart {
  const rows = overview(report);
  const values = rows.map((r) => r[key]);
  const known = values.filter((v): v is number => v !== null);
  const title = `${DURATION_TITLES[key]} per month`;
  const latest = rows.findLast((r) => r[key] !== null);
  const description = latest
    ? `${DURATION_TITLES[key]} from ${monthSpan(report.months)}: ` +
      `${minutesLabel(latest[key]!)} in ` +
      `${formatMonth(latest.month)}` +
      (known.length > 1
        ? `, ranging from ${minutesLabel(Math.min(...known))} to ${minutesLabel(Math.max(...known))}.`
        : ".")
    : `No incidents from ${monthSpan(report.months)}, so nothing to measure.`;
  const plot: Plot = { left: 70, right: WIDTH - 12, top: 16, bottom: 160 };
  const { y, svg: axis } = yAxis(plot, niceTicks(Math.max(0, ...known), 3, MINUTE_STEPS), (m) =>
    m === 0 ? "0" : minutesLabel(m),
  );
  const b = band(plot, rows.length);
  let path = "";
  let pen = false;
  values.forEach((v, k) => {
    if (v === null) pen = false;
    else {
      path += `${pen ? "L" : "M"}${num(b.center(k))} ${num(y(v))}`;
      pen = true;
    }
  });
  const dots = values
    .map((v, k) =>
      v === null
        ? ""
        : `<circle cx="${num(b.center(k))}" cy="${num(y(v))}" r="4" fill="${LINE}">` +
          `<title>${e(`${formatMonth(rows[k].month)}: ${minutesLabel(v)}`)}</title></circle>`,
    )
    .join("");
  const empty = known.length
    ? ""
    : text(
        (plot.left + plot.right) / 2,
        (plot.top + plot.bottom) / 2,
        "No incidents yet",
        'text-anchor="middle" opacity="0.7"',
      );
  const body =
    axis +
    (path ? `<path d="${path}" fill="none" stroke="${LINE}" stroke-width="2.5" stroke-linejoin="round"/>` : "") +
    dots +
    empty +
    monthTicks(report.months, b.center, plot.bottom + 18);
  return {
    title,
    description,
    svg: svg(id, 198, title, description, body),
    table: {
      caption: title,
      head: ["Month", DURATION_TITLES[key]],
      rows: rows.map((r) => [formatMonth(r.month), r[key] === null ? "—" : minutesLabel(r[key]!)]),
    },
  };
}

/** The lowest round percentage below every value, so differences near 100 % stay visible. */
export function uptimeAxisStart(values: readonly number[]): number {
  const lowest = Math.min(100, ...values);
  return [99.9, 99, 95, 90, 75, 50, 0].find((s) => s < lowest) ?? 0;
}

/**
 * One bar per component for the month: its uptime, a mark at its target, red
 * when below. `order` lists component ids as the page shows them (groups
 * included, lib/components/order.ts); components not in it are left out.
 */
export function uptimeTargetChart(
  report: MetricsReport,
  month: string,
  order?: readonly string[],
  id = "chart-uptime",
): Chart {
  const inMonth = report.rows.filter((r) => r.month === month && r.componentId !== null);
  const rows = order ? order.flatMap((cid) => inMonth.find((r) => r.componentId === cid) ?? []) : inMonth;
  const title = `Uptime against target per component, ${formatMonth(month)}`;
  const measured = rows.filter((r) => r.uptimePercent !== null);
  const below = measured.filter((r) => r.slaMet === false);
  const start = uptimeAxisStart([...measured.map((r) => r.uptimePercent!), ...rows.map((r) => r.targetPercent)]);
  const description = rows.length
    ? `${measured.length - below.length} of ${measured.length} ` +
      `measured component${measured.length === 1 ? "" : "s"} met ` +
      `their target` +
      (below.length
        ? `; below target: ` +
          below.map((r) => `${r.componentName} ${percent(r.uptimePercent!)} (target ${r.targetPercent} %)`).join(", ")
        : "") +
      `. The axis starts at ${start} %.`
    : "No components.";
  const rowH = 30;
  const plot: Plot = { left: 156, right: WIDTH - 112, top: 8, bottom: 8 + Math.max(1, rows.length) * rowH };
  const x = (p: number) => plot.left + ((plot.right - plot.left) * (p - start)) / (100 - start);
  const name = (s: string) => (s.length > 18 ? `${s.slice(0, 17)}…` : s);
  const bars = rows
    .map((r, k) => {
      const top = plot.top + k * rowH;
      const mid = top + rowH / 2;
      // A long name is cut here; the group's <title> and the table carry it whole.
      const label = text(plot.left - 8, mid + 4, name(r.componentName), 'text-anchor="end"');
      const track =
        `<rect x="${plot.left}" y="${num(top + 6)}" width="${plot.right - plot.left}" ` +
        `height="${rowH - 12}" rx="3" fill="currentColor" fill-opacity="0.08"/>`;
      const targetMark =
        `<line x1="${num(x(r.targetPercent))}" x2="${num(x(r.targetPercent))}" y1="${num(top + 2)}" ` +
        `y2="${num(top + rowH - 2)}" stroke="currentColor" ` +
        `stroke-width="2"><title>${e(`Target ${r.targetPercent} %`)}</title></line>`;
      if (r.uptimePercent === null) {
        const noData = text(plot.right + 8, mid + 4, "no data", 'opacity="0.7"');
        const tip = `${r.componentName}: not tracked in ${formatMonth(month)}`;
        return `<g><title>${e(tip)}</title>${label}${track}${noData}</g>`;
      }
      const met = r.slaMet !== false;
      const bar =
        `<rect x="${plot.left}" y="${num(top + 6)}" ` +
        `width="${num(Math.max(2, x(r.uptimePercent) - plot.left))}" height="${rowH - 12}" rx="3" ` +
        `fill="${met ? MET : MISSED}"/>`;
      const value = text(
        plot.right + 8,
        mid + 4,
        `${percent(r.uptimePercent)}${met ? "" : " ✕"}`,
        met ? "" : `font-weight="600"`,
      );
      const miss = met ? "" : ", below target";
      const tip = `${r.componentName}: ${percent(r.uptimePercent)}, target ${r.targetPercent} %${miss}`;
      return `<g><title>${e(tip)}</title>${label}${track}${bar}${targetMark}${value}</g>`;
    })
    .join("");
  const axisY = plot.bottom + 16;
  const axis =
    [start, 100]
      .map((p) => text(x(p), axisY, `${p} %`, `text-anchor="${p === 100 ? "end" : "start"}" opacity="0.7"`))
      .join("") + text((plot.left + plot.right) / 2, axisY, "| target", 'text-anchor="middle" opacity="0.7"');
  return {
    title,
    description,
    svg: svg(
      id,
      axisY + 8,
      title,
      description,
      (rows.length ? bars : text(WIDTH / 2, 24, "No components", 'text-anchor="middle" opacity="0.7"')) + axis,
    ),
    table: {
      caption: title,
      head: ["Component", "Uptime", "Target", "Met"],
      rows: rows.map((r) => [
        r.componentName,
        r.uptimePercent === null ? "—" : percent(r.uptimePercent),
        `${r.targetPercent} %`,
        r.slaMet === null ? "—" : r.slaMet ? "yes" : "no",
      ]),
    },
  };
}
