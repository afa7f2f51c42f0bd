// Every use case that changes what the public site shows must bump the content
// version in its transaction, or the snapshot server keeps serving the old
// page. Runs each public-changing use case in turn and checks the version grew.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { createComponent, createGroup, deleteComponent, updateComponent, updateGroup } from "../components/components";
import {
  createIncident,
  deleteIncidentUpdate,
  editIncidentUpdate,
  postIncidentUpdate,
  updateIncident,
} from "../incidents/incidents";
import { publishPostmortem, savePostmortemDraft } from "../incidents/postmortem";
import { createMaintenance, postMaintenanceUpdate } from "../maintenance/maintenance";
import { getContentVersion, updatePage } from "../page/page";
import { rollOverUptimeDay } from "../uptime/rollover";

let t: Awaited<ReturnType<typeof createTestCtx>>;
beforeAll(async () => {
  t = await createTestCtx("owner");
});
afterAll(() => t.close());

/** Runs a change and returns how much the content version grew. */
async function growth(change: () => Promise<unknown>): Promise<number> {
  const before = await getContentVersion(t.db);
  await change();
  return (await getContentVersion(t.db)) - before;
}

describe("the content version", () => {
  it("grows with every public change", async () => {
    const ids: Record<string, string> = {};
    const steps: [string, () => Promise<unknown>][] = [
      ["page settings", () => updatePage(t.ctx, { name: "Acme Status Page" })],
      ["new group", async () => (ids.group = (await createGroup(t.ctx, { name: "Core" })).id)],
      ["new component", async () => (ids.api = (await createComponent(t.ctx, { name: "API", groupId: ids.group })).id)],
      ["second component", async () => (ids.web = (await createComponent(t.ctx, { name: "Web" })).id)],
      ["component status", () => updateComponent(t.ctx, { id: ids.api, status: "degraded_performance" })],
      ["group renamed", () => updateGroup(t.ctx, { id: ids.group, name: "Core services" })],
      [
        "new incident",
        async () =>
          (ids.incident = (
            await createIncident(t.ctx, {
              name: "Slow API",
              body: "Looking",
              components: { [ids.api]: "partial_outage" },
            })
          ).incident.id),
      ],
      [
        "incident update",
        async () =>
          (ids.update = (
            await postIncidentUpdate(t.ctx, { incidentId: ids.incident, status: "identified", body: "Found it" })
          ).update.id),
      ],
      [
        "update edited",
        () => editIncidentUpdate(t.ctx, { incidentId: ids.incident, updateId: ids.update, body: "Found the cause" }),
      ],
      ["incident renamed", () => updateIncident(t.ctx, { id: ids.incident, name: "Slow API responses" })],
      ["update deleted", () => deleteIncidentUpdate(t.ctx, { incidentId: ids.incident, updateId: ids.update })],
      [
        "incident resolved",
        () => postIncidentUpdate(t.ctx, { incidentId: ids.incident, status: "resolved", body: "Fixed" }),
      ],
      [
        "postmortem published",
        async () => {
          await savePostmortemDraft(t.ctx, { incidentId: ids.incident, body: "A bad deploy" });
          await publishPostmortem(t.ctx, { incidentId: ids.incident });
        },
      ],
      [
        "maintenance scheduled",
        async () =>
          (ids.maintenance = (
            await createMaintenance(t.ctx, {
              name: "DB upgrade",
              body: "Upgrading",
              componentIds: [ids.web],
              scheduledFor: "2026-03-10T01:00",
              scheduledUntil: "2026-03-10T04:00",
            })
          ).maintenance.id),
      ],
      [
        "maintenance update",
        () => postMaintenanceUpdate(t.ctx, { maintenanceId: ids.maintenance, status: "in_progress", body: "Started" }),
      ],
      ["component deleted", () => deleteComponent(t.ctx, { id: ids.web })],
      [
        "the uptime day rolled over",
        async () => {
          t.clock.advance(24 * 60 * 60 * 1000);
          await rollOverUptimeDay(t.ctx);
        },
      ],
    ];
    const missed: string[] = [];
    for (const [name, change] of steps) if ((await growth(change)) < 1) missed.push(name);
    expect(missed).toEqual([]);
  });

  it("stays put for a change the public does not see", async () => {
    const hidden = await createComponent(t.ctx, { name: "Internal", hidden: true });
    expect(await growth(() => updateComponent(t.ctx, { id: hidden.id, status: "major_outage" }))).toBe(0);
  });
});
