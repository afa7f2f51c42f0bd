// Golden tests for the uptime formula: every expected number is worked out by hand.
import { describe, expect, it } from "vitest";
import type { ComponentStatus } from "@/db/constants";
import {
  componentUptime,
  groupUptime,
  windowDays,
  type ComponentHistory,
  type IncidentSpan,
  type StatusChangePoint,
} from "./compute";

const utc = { timeZone: "UTC", now: new Date("2026-03-31T12:00:00Z"), countsMaintenance: false };
const created = new Date("2025-01-01T00:00:00Z");

function history(
  changes: [string, ComponentStatus][],
  opts: { startDate?: string | null; createdAt?: Date } = {},
): ComponentHistory {
  const points: StatusChangePoint[] = [{ at: opts.createdAt ?? created, oldStatus: null, newStatus: "operational" }];
  let prev: ComponentStatus = "operational";
  for (const [at, s] of changes) {
    points.push({ at: new Date(at), oldStatus: prev, newStatus: s });
    prev = s;
  }
  return { id: "c1", startDate: opts.startDate ?? null, changes: points };
}

const day = (s: ReturnType<typeof componentUptime>, date: string) => s.days.find((d) => d.date === date)!;

describe("componentUptime", () => {
  it("has 90 days ending today", () => {
    const s = componentUptime(history([]), [], utc);
    expect(s.days).toHaveLength(90);
    expect(s.days.at(-1)!.date).toBe("2026-03-31");
    expect(s.days[0].date).toBe("2026-01-01");
    expect(s.uptimePercent).toBe(100);
  });

  it("an outage across midnight is split between the two days", () => {
    const s = componentUptime(
      history([
        ["2026-03-10T23:00:00Z", "major_outage"],
        ["2026-03-11T01:00:00Z", "operational"],
      ]),
      [],
      utc,
    );
    expect(day(s, "2026-03-10")).toMatchObject({ worst: "major_outage", uptimePercent: 95.83, downMs: 3_600_000 });
    expect(day(s, "2026-03-11")).toMatchObject({ worst: "major_outage", uptimePercent: 95.83, downMs: 3_600_000 });
    expect(day(s, "2026-03-12")).toMatchObject({ worst: "operational", uptimePercent: 100 });
  });

  it("an outage across noon counts 1 hour, not 12", () => {
    const s = componentUptime(
      history([
        ["2026-03-10T11:30:00Z", "major_outage"],
        ["2026-03-10T12:30:00Z", "operational"],
      ]),
      [],
      utc,
    );
    expect(day(s, "2026-03-10").downMs).toBe(3_600_000);
    expect(day(s, "2026-03-10").uptimePercent).toBe(95.83);
  });

  it("a component created mid-window has no data before its creation", () => {
    const s = componentUptime(history([], { createdAt: new Date("2026-03-20T06:00:00Z") }), [], utc);
    expect(day(s, "2026-03-19")).toMatchObject({ worst: null, uptimePercent: null, trackedMs: 0 });
    expect(day(s, "2026-03-20")).toMatchObject({ worst: "operational", uptimePercent: 100, trackedMs: 18 * 3_600_000 });
    expect(s.uptimePercent).toBe(100);
  });

  it("a start date before creation extends tracking back; one after it hides earlier days", () => {
    const back = componentUptime(
      history([], { createdAt: new Date("2026-03-20T06:00:00Z"), startDate: "2026-03-15" }),
      [],
      utc,
    );
    expect(day(back, "2026-03-14").uptimePercent).toBeNull();
    expect(day(back, "2026-03-15").trackedMs).toBe(24 * 3_600_000);
    const later = componentUptime(
      history([["2026-03-10T00:00:00Z", "major_outage"]], { startDate: "2026-03-25" }),
      [],
      utc,
    );
    expect(day(later, "2026-03-24").uptimePercent).toBeNull();
    expect(day(later, "2026-03-25").uptimePercent).toBe(0);
  });

  it("a partial outage counts 30 % as down", () => {
    const s = componentUptime(
      history([
        ["2026-03-10T00:00:00Z", "partial_outage"],
        ["2026-03-10T10:00:00Z", "operational"],
      ]),
      [],
      utc,
    );
    // 10 h × 0.3 = 3 h down of 24 h
    expect(day(s, "2026-03-10")).toMatchObject({ worst: "partial_outage", uptimePercent: 87.5 });
  });

  it("degraded performance counts as up but is the day's worst state", () => {
    const s = componentUptime(
      history([
        ["2026-03-10T00:00:00Z", "degraded_performance"],
        ["2026-03-10T10:00:00Z", "operational"],
      ]),
      [],
      utc,
    );
    expect(day(s, "2026-03-10")).toMatchObject({ worst: "degraded_performance", uptimePercent: 100 });
  });

  it("maintenance counts as up unless the page says otherwise", () => {
    const h = history([
      ["2026-03-10T00:00:00Z", "under_maintenance"],
      ["2026-03-10T06:00:00Z", "operational"],
    ]);
    expect(day(componentUptime(h, [], utc), "2026-03-10").uptimePercent).toBe(100);
    expect(day(componentUptime(h, [], { ...utc, countsMaintenance: true }), "2026-03-10").uptimePercent).toBe(75);
  });

  it("today only counts up to now", () => {
    const s = componentUptime(
      history([
        ["2026-03-31T06:00:00Z", "major_outage"],
        ["2026-03-31T09:00:00Z", "operational"],
      ]),
      [],
      utc,
    );
    // 3 h down of the 12 h so far
    expect(day(s, "2026-03-31")).toMatchObject({ trackedMs: 12 * 3_600_000, uptimePercent: 75 });
  });

  it("the spring-forward day in New York has 23 hours", () => {
    const ny = { ...utc, timeZone: "America/New_York" };
    const s = componentUptime(
      history([
        ["2026-03-08T12:00:00Z", "major_outage"],
        ["2026-03-08T13:00:00Z", "operational"],
      ]),
      [],
      ny,
    );
    const d = day(s, "2026-03-08");
    expect(d.trackedMs).toBe(23 * 3_600_000);
    expect(d.uptimePercent).toBe(95.65);
  });

  it("the fall-back day in New York has 25 hours", () => {
    const ny = { ...utc, timeZone: "America/New_York", now: new Date("2026-11-15T12:00:00Z") };
    const s = componentUptime(
      history([
        ["2026-11-01T12:00:00Z", "major_outage"],
        ["2026-11-01T13:00:00Z", "operational"],
      ]),
      [],
      ny,
    );
    const d = day(s, "2026-11-01");
    expect(d.trackedMs).toBe(25 * 3_600_000);
    expect(d.uptimePercent).toBe(96);
  });

  it("overlapping incidents on one component are not counted twice and both are listed", () => {
    const h = history([
      ["2026-03-10T10:00:00Z", "major_outage"],
      ["2026-03-10T13:00:00Z", "partial_outage"],
      ["2026-03-10T14:00:00Z", "operational"],
    ]);
    const incidents: IncidentSpan[] = [
      {
        id: "a",
        name: "A",
        kind: "incident",
        startedAt: new Date("2026-03-10T10:00:00Z"),
        resolvedAt: new Date("2026-03-10T13:00:00Z"),
        componentIds: ["c1"],
      },
      {
        id: "b",
        name: "B",
        kind: "incident",
        startedAt: new Date("2026-03-10T11:00:00Z"),
        resolvedAt: new Date("2026-03-10T14:00:00Z"),
        componentIds: ["c1"],
      },
      {
        id: "other",
        name: "Elsewhere",
        kind: "incident",
        startedAt: new Date("2026-03-10T11:00:00Z"),
        resolvedAt: null,
        componentIds: ["c2"],
      },
    ];
    const d = day(componentUptime(h, incidents, utc), "2026-03-10");
    // 3 h major + 1 h × 0.3 partial = 3.3 h of 24 h
    expect(d.uptimePercent).toBe(86.25);
    expect(d.incidents.map((i) => i.id)).toEqual(["a", "b"]);
  });

  it("an outage at 23:30 in UTC+10 lands on that local day", () => {
    const bne = { ...utc, timeZone: "Australia/Brisbane" };
    const h = history([
      ["2026-03-10T13:30:00Z", "major_outage"],
      ["2026-03-10T14:00:00Z", "operational"],
    ]);
    const inc: IncidentSpan = {
      id: "late",
      name: "Late",
      kind: "incident",
      startedAt: new Date("2026-03-10T13:30:00Z"),
      resolvedAt: new Date("2026-03-10T14:00:00Z"),
      componentIds: ["c1"],
    };
    const s = componentUptime(h, [inc], bne);
    expect(day(s, "2026-03-10")).toMatchObject({ worst: "major_outage", downMs: 1_800_000 });
    expect(day(s, "2026-03-10").incidents.map((i) => i.id)).toEqual(["late"]);
    expect(day(s, "2026-03-11")).toMatchObject({ worst: "operational", downMs: 0, incidents: [] });
  });

  it("an incident is listed on every day it spans, an open one through today, and on no other day", () => {
    const span = (id: string, startedAt: string, resolvedAt: string | null): IncidentSpan => ({
      id,
      name: id,
      kind: "incident",
      startedAt: new Date(startedAt),
      resolvedAt: resolvedAt === null ? null : new Date(resolvedAt),
      componentIds: ["c1"],
    });
    const s = componentUptime(
      history([]),
      [
        span("long", "2026-03-10T22:00:00Z", "2026-03-12T01:00:00Z"),
        // Starts as the 13th ends and ends as the 14th does: the 14th only.
        span("midnight", "2026-03-14T00:00:00Z", "2026-03-15T00:00:00Z"),
        span("open", "2026-03-30T08:00:00Z", null),
      ],
      utc,
    );
    const listed = s.days.filter((d) => d.incidents.length).map((d) => `${d.date} ${d.incidents.map((i) => i.id)}`);
    expect(listed).toEqual([
      "2026-03-10 long",
      "2026-03-11 long",
      "2026-03-12 long",
      "2026-03-14 midnight",
      "2026-03-30 open",
      "2026-03-31 open",
    ]);
  });

  it("the window percentage weighs days by their tracked time", () => {
    const s = componentUptime(
      history([
        ["2026-03-10T00:00:00Z", "major_outage"],
        ["2026-03-11T00:00:00Z", "operational"],
      ]),
      [],
      utc,
    );
    // 24 h down over 89.5 days tracked
    expect(s.uptimePercent).toBe(Math.round(10000 * (1 - 24 / (89 * 24 + 12))) / 100);
  });
});

describe("groupUptime", () => {
  it("takes the worst member status and the mean member downtime", () => {
    const up = componentUptime(history([]), [], utc);
    const down = componentUptime(
      history([
        ["2026-03-10T00:00:00Z", "major_outage"],
        ["2026-03-11T00:00:00Z", "operational"],
      ]),
      [],
      utc,
    );
    const g = groupUptime([up, down]);
    expect(g.days.find((d) => d.date === "2026-03-10")).toMatchObject({ worst: "major_outage", uptimePercent: 50 });
    expect(g.days.find((d) => d.date === "2026-03-09")).toMatchObject({ worst: "operational", uptimePercent: 100 });
  });

  it("ignores members without data that day", () => {
    const young = componentUptime(history([], { createdAt: new Date("2026-03-20T00:00:00Z") }), [], utc);
    const old = componentUptime(
      history([
        ["2026-03-10T00:00:00Z", "partial_outage"],
        ["2026-03-11T00:00:00Z", "operational"],
      ]),
      [],
      utc,
    );
    expect(groupUptime([young, old]).days.find((d) => d.date === "2026-03-10")!.uptimePercent).toBe(70);
  });
});

describe("windowDays", () => {
  it("follows local days in the page zone", () => {
    const days = windowDays({ timeZone: "Australia/Brisbane", now: new Date("2026-03-31T15:00:00Z"), days: 2 });
    expect(days.map((d) => d.date)).toEqual(["2026-03-31", "2026-04-01"]);
    expect(days[1].start.toISOString()).toBe("2026-03-31T14:00:00.000Z");
  });
});
