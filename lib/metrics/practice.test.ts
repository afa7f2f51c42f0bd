// The metrics a lead reads: which months are listed, time to first update
// from the start of impact, and uptime against each component's own target.
import { afterEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { createComponent, updateComponent } from "../components/components";
import { createIncident, editIncidentUpdate, postIncidentUpdate } from "../incidents/incidents";
import { getPage, updatePage } from "../page/page";
import { computeMetrics, outageStartBefore, reportMonths, timeToFirstUpdateMinutes } from "./metrics";

const MIN = 60_000;
let close: (() => void) | undefined;
afterEach(() => close?.());

describe("reportMonths", () => {
  it(
    "starts at the first incident's month, never lists more than " +
      "asked, and only the current month with no incident",
    () => {
      expect(reportMonths("2026-03", 12, "2026-01")).toEqual(["2026-01", "2026-02", "2026-03"]);
      expect(reportMonths("2026-02", 3, "2024-05")).toEqual(["2025-12", "2026-01", "2026-02"]);
      expect(reportMonths("2026-03", 12, null)).toEqual(["2026-03"]);
      expect(reportMonths("2026-03", 12, "2026-03")).toEqual(["2026-03"]);
    },
  );
});

describe("outageStartBefore", () => {
  const at = (m: number) => new Date(Date.UTC(2026, 2, 1, 10, m));
  it("finds the start of the unbroken outage run going on just before the instant", () => {
    const changes = [
      { at: at(0), newStatus: "operational" as const },
      { at: at(5), newStatus: "degraded_performance" as const },
      { at: at(8), newStatus: "operational" as const },
      { at: at(20), newStatus: "partial_outage" as const },
      { at: at(30), newStatus: "major_outage" as const },
      { at: at(45), newStatus: "major_outage" as const },
    ];
    // Unsorted input is fine; the incident's own change at 45 does not count.
    expect(outageStartBefore([...changes].reverse(), at(45))).toEqual(at(20));
    expect(outageStartBefore(changes, at(10))).toBeNull();
    expect(outageStartBefore(changes, at(6))).toEqual(at(5));
    expect(outageStartBefore([{ at: at(1), newStatus: "under_maintenance" }], at(5))).toBeNull();
    expect(outageStartBefore([], at(5))).toBeNull();
  });
});

describe("timeToFirstUpdateMinutes", () => {
  const t = (m: number) => new Date(Date.UTC(2026, 2, 1, 10, m));
  const inc = { startedAt: t(30), publishedAt: t(30), backfilled: false };
  it("counts from the earliest of the start, a back-dated update and an outage already going on", () => {
    expect(timeToFirstUpdateMinutes(inc, [{ displayAt: t(30), createdAt: t(30) }], [])).toBe(0);
    expect(
      timeToFirstUpdateMinutes(
        inc,
        [
          { displayAt: t(12), createdAt: t(30) },
          { displayAt: t(40), createdAt: t(40) },
        ],
        [],
      ),
    ).toBe(18);
    expect(timeToFirstUpdateMinutes(inc, [{ displayAt: t(30), createdAt: t(30) }], [t(5), null, t(20)])).toBe(25);
    // A scheduled incident's first update counts when it went public.
    expect(timeToFirstUpdateMinutes({ ...inc, publishedAt: t(50) }, [{ displayAt: t(30), createdAt: t(30) }], [])).toBe(
      20,
    );
    expect(
      timeToFirstUpdateMinutes({ ...inc, backfilled: true }, [{ displayAt: t(12), createdAt: t(30) }], []),
    ).toBeNull();
    expect(timeToFirstUpdateMinutes(inc, [], [t(5)])).toBeNull();
  });
});

describe("computeMetrics", () => {
  it("measures time to first update from the outage a monitor reported before the incident was opened", async () => {
    const t = await createTestCtx();
    close = t.close;
    t.clock.set(new Date("2026-01-05T00:00:00Z"));
    const api = await createComponent(t.ctx, { name: "API" });
    const web = await createComponent(t.ctx, { name: "Web" });

    // The monitor marks API down at 10:00; the comms lead posts at 10:12.
    t.clock.set(new Date("2026-03-10T10:00:00Z"));
    await updateComponent(t.ctx, { id: api.id, status: "major_outage" });
    t.clock.advance(12 * MIN);
    const { incident: a } = await createIncident(t.ctx, {
      name: "API down",
      body: "x",
      components: { [api.id]: "major_outage" },
    });
    t.clock.advance(30 * MIN);
    await postIncidentUpdate(t.ctx, { incidentId: a.id, status: "resolved", body: "fixed" });

    // Web: the first update is back-dated to when it broke (09:54 for a post at 10:00).
    t.clock.set(new Date("2026-03-20T10:00:00Z"));
    const { incident: b, update: first } = await createIncident(t.ctx, {
      name: "Web slow",
      body: "x",
      components: { [web.id]: "degraded_performance" },
    });
    t.clock.advance(MIN);
    await editIncidentUpdate(t.ctx, {
      incidentId: b.id,
      updateId: first.id,
      displayAt: new Date("2026-03-20T09:54:00Z"),
    });

    t.clock.set(new Date("2026-03-31T12:00:00Z"));
    const p = await getPage(t.db);
    const r = await computeMetrics(t.db, p.id, t.clock.now());
    // January and February had no incident: the report starts in March.
    expect(r.months).toEqual(["2026-03"]);
    const march = r.rows.filter((x) => x.month === "2026-03");
    expect(march.find((x) => x.componentId === api.id)!.timeToFirstUpdateMinutes).toBe(12);
    expect(march.find((x) => x.componentId === web.id)!.timeToFirstUpdateMinutes).toBe(6);
    expect(march.find((x) => x.componentId === null)!.timeToFirstUpdateMinutes).toBe(9);
  });

  it("compares each component's uptime against its own target, else the page's", async () => {
    const t = await createTestCtx();
    close = t.close;
    t.clock.set(new Date("2026-03-01T00:00:00Z"));
    await updatePage(t.ctx, { slaTarget: 99.9 });
    const strict = await createComponent(t.ctx, { name: "Strict", uptimeTarget: 99.99 });
    const lax = await createComponent(t.ctx, { name: "Lax" });
    await updateComponent(t.ctx, { id: lax.id, uptimeTarget: 95 });
    const plain = await createComponent(t.ctx, { name: "Plain" });

    // 60 min down each, over 10 days: 99.58 %.
    t.clock.set(new Date("2026-03-05T10:00:00Z"));
    const { incident } = await createIncident(t.ctx, {
      name: "All down",
      body: "x",
      components: { [strict.id]: "major_outage", [lax.id]: "major_outage", [plain.id]: "major_outage" },
    });
    t.clock.advance(60 * MIN);
    await postIncidentUpdate(t.ctx, { incidentId: incident.id, status: "resolved", body: "fixed" });

    t.clock.set(new Date("2026-03-11T00:00:00Z"));
    const p = await getPage(t.db);
    const r = await computeMetrics(t.db, p.id, t.clock.now());
    const row = (id: string | null) => r.rows.find((x) => x.componentId === id)!;
    expect(row(strict.id)).toMatchObject({ targetPercent: 99.99, slaMet: false });
    expect(row(lax.id)).toMatchObject({ targetPercent: 95, slaMet: true });
    expect(row(plain.id)).toMatchObject({ targetPercent: 99.9, slaMet: false });
    expect(row(null)).toMatchObject({ targetPercent: 99.9 });

    // Clearing a target falls back to the page's; a target outside 0–100 is refused and changes nothing.
    await updateComponent(t.ctx, { id: lax.id, uptimeTarget: null });
    await expect(updateComponent(t.ctx, { id: strict.id, uptimeTarget: 101 })).rejects.toThrow(/At most 100/);
    await expect(updateComponent(t.ctx, { id: strict.id, uptimeTarget: Number.NaN })).rejects.toThrow();
    await expect(createComponent(t.ctx, { name: "Bad", uptimeTarget: -1 })).rejects.toThrow(/At least 0/);
    const again = await computeMetrics(t.db, p.id, t.clock.now());
    expect(again.rows.find((x) => x.componentId === lax.id)).toMatchObject({ targetPercent: 99.9, slaMet: false });
    expect(again.rows.find((x) => x.componentId === strict.id)).toMatchObject({ targetPercent: 99.99 });
    expect(again.rows.some((x) => x.componentName === "Bad")).toBe(false);
  });
});
