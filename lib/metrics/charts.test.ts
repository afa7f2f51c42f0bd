import { describe, expect, it } from "vitest";
import { durationTrendChart, incidentsByImpactChart, niceTicks, uptimeAxisStart, uptimeTargetChart } from "./charts";
import type { MetricsReport, MetricsRow } from "./metrics";

function row(month: string, componentId: string | null, over: Partial<MetricsRow> = {}): MetricsRow {
  return {
    month,
    componentId,
    componentName: componentId ?? "All components",
    incidents: { none: 0, minor: 0, major: 0, critical: 0 },
    total: 0,
    timeToFirstUpdateMinutes: null,
    mttaMinutes: null,
    mttrMinutes: null,
    uptimePercent: 100,
    targetPercent: 99.9,
    slaMet: true,
    ...over,
  };
}

const report: MetricsReport = {
  timeZone: "UTC",
  slaTarget: 99.9,
  months: ["2025-12", "2026-01", "2026-02"],
  rows: [
    row("2025-12", null, {
      incidents: { none: 0, minor: 2, major: 1, critical: 0 },
      total: 3,
      mttrMinutes: 90,
      timeToFirstUpdateMinutes: 12,
    }),
    row("2026-01", null),
    row("2026-02", null, {
      incidents: { none: 1, minor: 0, major: 0, critical: 1 },
      total: 2,
      mttrMinutes: 30,
      timeToFirstUpdateMinutes: 4,
    }),
    row("2026-02", "api", { componentName: "API <v2> & co", uptimePercent: 99.5, targetPercent: 99.9, slaMet: false }),
    row("2026-02", "web", { componentName: "Web", uptimePercent: 99.95, targetPercent: 99, slaMet: true }),
    row("2026-02", "new", { componentName: "New", uptimePercent: null, slaMet: null }),
  ],
};

/** The SVG is an accessible image: role img, named by its own title and desc. */
function expectAccessible(svg: string, title: string) {
  expect(svg).toMatch(/^<svg [^>]*role="img"/);
  const [, ids] = svg.match(/aria-labelledby="([^"]+)"/)!;
  const [t, d] = ids.split(" ");
  expect(svg).toContain(`<title id="${t}">${title}</title>`);
  expect(svg).toMatch(new RegExp(`<desc id="${d}">[^<]+</desc>`));
  expect(svg).not.toMatch(/<script|on[a-z]+=/i);
}

describe("incidentsByImpactChart", () => {
  it("stacks each month's incidents by impact, says the totals in words and tabulates them", () => {
    const c = incidentsByImpactChart(report);
    expectAccessible(c.svg, "Incidents per month by impact");
    expect(c.description).toBe(
      "5 incidents from December 2025 to February 2026; most in December 2025 (3). None: 1, Minor: 2, Major: 1, " +
        "Critical: 1.",
    );
    // One rect per non-empty impact per month (4) plus the legend's four swatches.
    expect(c.svg.match(/<rect /g)).toHaveLength(8);
    expect(c.svg).toContain("<title>December 2025: 2 minor impact</title>");
    expect(c.table.head).toEqual(["Month", "Total", "None", "Minor", "Major", "Critical"]);
    expect(c.table.rows).toEqual([
      ["December 2025", "3", "0", "2", "1", "0"],
      ["January 2026", "0", "0", "0", "0", "0"],
      ["February 2026", "2", "1", "0", "0", "1"],
    ]);
    // Taller stacks are taller: December's bars reach higher (smaller y) than February's.
    const tops = [...c.svg.matchAll(/<rect x="[^"]+" y="([^"]+)" width="[^"]+" height="[^"]+" fill/g)].map((m) =>
      Number(m[1]),
    );
    expect(Math.min(...tops.slice(0, 2))).toBeLessThan(Math.min(...tops.slice(2)));
  });
});

describe("durationTrendChart", () => {
  it("draws a line broken where a month had no incidents, with durations in words", () => {
    const c = durationTrendChart(report, "mttrMinutes");
    expectAccessible(c.svg, "Mean time to resolve per month");
    expect(c.description).toBe(
      "Mean time to resolve from December 2025 to February 2026: 30 min in February 2026, ranging from 30 min to 1 h " +
        "30 min.",
    );
    const d = c.svg.match(/<path d="([^"]+)"/)![1];
    // Two separate points (M … M …), no line through the empty January.
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d).not.toContain("L");
    expect(c.table.rows).toEqual([
      ["December 2025", "1 h 30 min"],
      ["January 2026", "—"],
      ["February 2026", "30 min"],
    ]);
    expect(durationTrendChart(report, "timeToFirstUpdateMinutes").table.rows[2]).toEqual(["February 2026", "4 min"]);
  });

  it("says so when there is nothing to measure", () => {
    const quiet: MetricsReport = { ...report, months: ["2026-01"], rows: [row("2026-01", null)] };
    const c = durationTrendChart(quiet, "timeToFirstUpdateMinutes");
    expect(c.description).toBe("No incidents from January 2026, so nothing to measure.");
    expect(c.svg).toContain("No incidents yet");
    expect(c.svg).not.toContain("<path");
  });
});

describe("uptimeTargetChart", () => {
  it("marks each component's own target, flags the ones below it, and escapes names", () => {
    const c = uptimeTargetChart(report, "2026-02");
    expectAccessible(c.svg, "Uptime against target per component, February 2026");
    // Web's 99 % target would sit on the axis: the axis starts below it.
    expect(c.description).toBe(
      "1 of 2 measured components met their target; below target: API <v2> & co 99.50 % (target 99.9 %). The axis " +
        "starts at 95 %.",
    );
    expect(c.svg).toContain("API &lt;v2&gt; &amp; co");
    expect(c.svg).not.toContain("<v2>");
    expect(c.svg).toContain("<title>API &lt;v2&gt; &amp; co: 99.50 %, target 99.9 %, below target</title>");
    expect(c.svg).toContain("<title>Target 99 %</title>");
    expect(c.svg).toContain("New: not tracked in February 2026");
    expect(c.table.rows).toEqual([
      ["API <v2> & co", "99.50 %", "99.9 %", "no"],
      ["Web", "99.95 %", "99 %", "yes"],
      ["New", "—", "99.9 %", "—"],
    ]);
    // In the page's order when given one.
    expect(uptimeTargetChart(report, "2026-02", ["web", "api"]).table.rows.map((r) => r[0])).toEqual([
      "Web",
      "API <v2> & co",
    ]);
  });
});

describe("axes", () => {
  it("uses round steps", () => {
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(17)).toEqual([0, 5, 10, 15, 20]);
    expect(niceTicks(90, 3, [1, 2, 5, 10, 15, 30, 60])).toEqual([0, 30, 60, 90]);
    expect(uptimeAxisStart([99.95, 99.9])).toBe(99);
    expect(uptimeAxisStart([100])).toBe(99.9);
    expect(uptimeAxisStart([97.2])).toBe(95);
    expect(uptimeAxisStart([0])).toBe(0);
  });
});
