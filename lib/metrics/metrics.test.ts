import Papa from "papaparse";
import { afterEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { createComponent } from "../components/components";
import { createIncident, postIncidentUpdate } from "../incidents/incidents";
import { getPage, updatePage } from "../page/page";
import { computeMetrics, metricsCsv } from "./metrics";

const MIN = 60_000;
let close: (() => void) | undefined;
afterEach(() => close?.());

describe("computeMetrics", () => {
  it(
    "counts incidents by impact and averages MTTA/MTTR per month " + "and component, with uptime against the SLA",
    async () => {
      const t = await createTestCtx();
      close = t.close;
      t.clock.set(new Date("2026-02-01T00:00:00Z"));
      const api = await createComponent(t.ctx, { name: "=API" });
      const web = await createComponent(t.ctx, { name: "Web" });
      await updatePage(t.ctx, { slaTarget: 99.9 });

      t.clock.set(new Date("2026-03-10T10:00:00Z"));
      const { incident: a } = await createIncident(t.ctx, {
        name: "A",
        body: "x",
        components: { [api.id]: "major_outage" },
      });
      t.clock.advance(20 * MIN);
      await postIncidentUpdate(t.ctx, { incidentId: a.id, status: "identified", body: "found" });
      t.clock.advance(40 * MIN);
      await postIncidentUpdate(t.ctx, { incidentId: a.id, status: "resolved", body: "fixed" });

      t.clock.set(new Date("2026-03-20T10:00:00Z"));
      const { incident: b } = await createIncident(t.ctx, {
        name: "B",
        body: "x",
        components: { [web.id]: "degraded_performance" },
      });
      t.clock.advance(120 * MIN);
      await postIncidentUpdate(t.ctx, { incidentId: b.id, status: "resolved", body: "fixed" });

      t.clock.set(new Date("2026-03-31T12:00:00Z"));
      const p = await getPage(t.db);
      const r = await computeMetrics(t.db, p.id, t.clock.now(), 3);
      // Nothing happened before March: January and February are not listed.
      expect(r.months).toEqual(["2026-03"]);
      const march = r.rows.filter((x) => x.month === "2026-03");
      expect(march[0]).toMatchObject({
        componentName: "All components",
        total: 2,
        incidents: { critical: 1, minor: 1, major: 0, none: 0 },
        mttaMinutes: 20,
        mttrMinutes: 90,
        timeToFirstUpdateMinutes: 0,
      });
      const apiRow = march.find((x) => x.componentId === api.id)!;
      expect(apiRow).toMatchObject({ total: 1, mttrMinutes: 60, slaMet: false });
      // 60 min down over 30.5 days of March.
      expect(apiRow.uptimePercent).toBe(Math.round(10000 * (1 - 60 / (30.5 * 24 * 60))) / 100);
      expect(march.find((x) => x.componentId === web.id)).toMatchObject({
        total: 1,
        uptimePercent: 100,
        slaMet: true,
        mttaMinutes: null,
      });

      const csv = metricsCsv(r);
      const parsed = Papa.parse<string[]>(csv.trim()).data;
      expect(parsed[0]).toEqual([
        "month",
        "component",
        "incidents",
        "impact_none",
        "impact_minor",
        "impact_major",
        "impact_critical",
        "time_to_first_update_min",
        "mtta_min",
        "mttr_min",
        "uptime_percent",
        "sla_target_percent",
        "sla_met",
      ]);
      expect(parsed).toHaveLength(1 + 3);
      // A name starting with "=" cannot become a spreadsheet formula.
      expect(parsed.find((row) => row[0] === "2026-03" && row[1].includes("API"))![1]).toBe("'=API");
    },
  );
});
