import { describe, expect, it } from "vitest";
import type { AnyIncidentStatus, ComponentStatus, Impact, IncidentKind } from "@/db/constants";
import { createTestCtx } from "@/tests/helpers/test-db";
import { createComponent, createGroup, updateComponent } from "../components/components";
import { createIncident, postIncidentUpdate, resolveIncident } from "../incidents/incidents";
import { loadStatusPage } from "../public/status-page";
import {
  compareUpdatesNewestFirst,
  impactFromComponentStatuses,
  isClosedStatus,
  overallStatus,
  timelineFromUpdates,
  worstComponentStatus,
  worstImpact,
} from "./rules";

const at = (iso: string) => new Date(`2026-03-01T${iso}:00Z`);
const upd = (status: AnyIncidentStatus, time: string, seq: number) => ({ status, displayAt: at(time), seq });
const comps = (...statuses: ComponentStatus[]) => statuses.map((status) => ({ status }));
const open = (impact: Impact, status: AnyIncidentStatus = "investigating", kind: IncidentKind = "incident") => ({
  kind,
  status,
  impact,
});

describe("impactFromComponentStatuses", () => {
  it.each<[ComponentStatus[], Impact]>([
    [[], "none"],
    [["operational"], "none"],
    [["under_maintenance"], "none"],
    [["degraded_performance"], "minor"],
    [["partial_outage"], "major"],
    [["major_outage"], "critical"],
    [["operational", "degraded_performance", "partial_outage"], "major"],
    [["major_outage", "degraded_performance"], "critical"],
  ])("%j → %s", (statuses, impact) => {
    expect(impactFromComponentStatuses(statuses)).toBe(impact);
  });

  it("ranks maintenance below any degradation", () => {
    expect(worstComponentStatus(["under_maintenance", "degraded_performance"])).toBe("degraded_performance");
    expect(worstComponentStatus(["operational", "under_maintenance"])).toBe("under_maintenance");
    expect(worstImpact(["minor", "critical", "none"])).toBe("critical");
  });
});

describe("timelineFromUpdates", () => {
  it("takes the status of the newest update and the first time each milestone was reached", () => {
    const t = timelineFromUpdates([
      upd("investigating", "10:00", 1),
      upd("identified", "10:20", 2),
      upd("identified", "10:40", 3),
      upd("monitoring", "11:00", 4),
      upd("resolved", "12:00", 5),
    ]);
    expect(t).toEqual({
      status: "resolved",
      identifiedAt: at("10:20"),
      monitoringAt: at("11:00"),
      resolvedAt: at("12:00"),
    });
  });

  it("orders by display time, not posting order: a back-dated update does not become the status", () => {
    // Posted last (seq 3) but shown as having happened before the monitoring update.
    const t = timelineFromUpdates([
      upd("investigating", "10:00", 1),
      upd("monitoring", "11:00", 2),
      upd("identified", "10:30", 3),
    ]);
    expect(t.status).toBe("monitoring");
    expect(t.identifiedAt).toEqual(at("10:30"));
  });

  it("breaks ties between equal display times by posting order", () => {
    expect(timelineFromUpdates([upd("resolved", "10:00", 2), upd("investigating", "10:00", 1)]).status).toBe(
      "resolved",
    );
    expect(timelineFromUpdates([upd("resolved", "10:00", 1), upd("investigating", "10:00", 2)]).status).toBe(
      "investigating",
    );
    const sorted = [
      upd("investigating", "10:00", 1),
      upd("monitoring", "10:00", 3),
      upd("identified", "09:00", 9),
    ].sort(compareUpdatesNewestFirst);
    expect(sorted.map((u) => u.seq)).toEqual([3, 1, 9]);
  });

  it("clears resolvedAt when an incident is reopened", () => {
    const t = timelineFromUpdates([
      upd("investigating", "10:00", 1),
      upd("resolved", "11:00", 2),
      upd("investigating", "12:00", 3),
    ]);
    expect(t.status).toBe("investigating");
    expect(t.resolvedAt).toBeNull();
  });

  it("treats verifying as the maintenance monitoring milestone and completed as closed", () => {
    const t = timelineFromUpdates([
      upd("scheduled", "09:00", 1),
      upd("in_progress", "10:00", 2),
      upd("verifying", "10:30", 3),
      upd("completed", "11:00", 4),
    ]);
    expect(t).toMatchObject({ status: "completed", monitoringAt: at("10:30"), resolvedAt: at("11:00") });
    expect(isClosedStatus("completed")).toBe(true);
    expect(isClosedStatus("monitoring")).toBe(false);
  });

  it("refuses an incident without updates", () => {
    expect(() => timelineFromUpdates([])).toThrow();
  });
});

describe("overallStatus", () => {
  it("is all green with operational components and no open incident", () => {
    expect(overallStatus({ components: comps("operational", "operational"), openIncidents: [] })).toEqual({
      indicator: "none",
      description: "All Systems Operational",
    });
  });

  it.each<[ComponentStatus, string, string]>([
    ["degraded_performance", "minor", "Partially Degraded Service"],
    ["partial_outage", "major", "Partial System Outage"],
    ["major_outage", "critical", "Major Service Outage"],
    ["under_maintenance", "maintenance", "Service Under Maintenance"],
  ])("a %s component gives %s", (status, indicator, description) => {
    expect(overallStatus({ components: comps("operational", status), openIncidents: [] })).toEqual({
      indicator,
      description,
    });
  });

  it("counts the impact of an open incident even when every component is operational", () => {
    expect(
      overallStatus({ components: comps("operational"), openIncidents: [open("major", "identified")] }).indicator,
    ).toBe("major");
  });

  it("takes the worst of components and incidents", () => {
    expect(overallStatus({ components: comps("major_outage"), openIncidents: [open("minor")] }).indicator).toBe(
      "critical",
    );
    expect(
      overallStatus({ components: comps("degraded_performance"), openIncidents: [open("major"), open("minor")] })
        .indicator,
    ).toBe("major");
  });

  it("stuck banner: an incident with several updates, then resolved, gives operational again", () => {
    const updates = [
      upd("investigating", "10:00", 1),
      upd("identified", "10:30", 2),
      upd("monitoring", "11:00", 3),
      upd("resolved", "12:00", 4),
    ];
    const { status } = timelineFromUpdates(updates);
    // Even if a caller still passes the resolved incident along, it never counts.
    expect(overallStatus({ components: comps("operational"), openIncidents: [open("critical", status)] })).toEqual({
      indicator: "none",
      description: "All Systems Operational",
    });
  });

  it("shows maintenance only when nothing is worse", () => {
    const inProgress = open("none", "in_progress", "maintenance");
    expect(overallStatus({ components: comps("operational"), openIncidents: [inProgress] }).indicator).toBe(
      "maintenance",
    );
    expect(
      overallStatus({ components: comps("operational"), openIncidents: [open("none", "verifying", "maintenance")] })
        .indicator,
    ).toBe("maintenance");
    expect(
      overallStatus({ components: comps("operational"), openIncidents: [open("none", "scheduled", "maintenance")] })
        .indicator,
    ).toBe("none");
    expect(
      overallStatus({ components: comps("under_maintenance", "degraded_performance"), openIncidents: [inProgress] })
        .indicator,
    ).toBe("minor");
  });

  it("a hidden component that is down does not count once the caller leaves it out", () => {
    const all = [
      { status: "operational" as const, hidden: false },
      { status: "major_outage" as const, hidden: true },
    ];
    expect(overallStatus({ components: all.filter((c) => !c.hidden), openIncidents: [] }).indicator).toBe("none");
    // The rule itself does not know about visibility: given the hidden one it would go red.
    expect(overallStatus({ components: all, openIncidents: [] }).indicator).toBe("critical");
  });
});

describe("overall status through the use cases and the public loader", () => {
  it("a hidden component that is down, or one in a hidden group, leaves the banner green", async () => {
    const t = await createTestCtx();
    try {
      await createComponent(t.ctx, { name: "API" });
      const secret = await createComponent(t.ctx, { name: "Internal queue", hidden: true });
      await updateComponent(t.ctx, { id: secret.id, status: "major_outage" });
      const group = await createGroup(t.ctx, { name: "Staff tools", hidden: true });
      const tool = await createComponent(t.ctx, { name: "Admin tool", groupId: group.id });
      await updateComponent(t.ctx, { id: tool.id, status: "partial_outage" });
      expect((await loadStatusPage(t.db)).overall).toEqual({
        indicator: "none",
        description: "All Systems Operational",
      });
    } finally {
      t.close();
    }
  });

  it("stuck banner: several updates, then resolve, and the page is operational again", async () => {
    const t = await createTestCtx();
    try {
      const api = await createComponent(t.ctx, { name: "API" });
      const { incident } = await createIncident(t.ctx, {
        name: "API errors",
        body: "Investigating",
        components: { [api.id]: "major_outage" },
      });
      expect((await loadStatusPage(t.db)).overall.indicator).toBe("critical");
      t.clock.advance(60_000);
      await postIncidentUpdate(t.ctx, {
        incidentId: incident.id,
        status: "identified",
        body: "Found",
        components: { [api.id]: "partial_outage" },
      });
      t.clock.advance(60_000);
      await postIncidentUpdate(t.ctx, {
        incidentId: incident.id,
        status: "monitoring",
        body: "Fixed",
        components: { [api.id]: "degraded_performance" },
      });
      // The incident's impact stays "critical" (its worst), so an open incident keeps the banner red.
      expect((await loadStatusPage(t.db)).overall.indicator).toBe("critical");
      t.clock.advance(60_000);
      await resolveIncident(t.ctx, { incidentId: incident.id, body: "Resolved" });
      expect((await loadStatusPage(t.db)).overall).toEqual({
        indicator: "none",
        description: "All Systems Operational",
      });
    } finally {
      t.close();
    }
  });
});
