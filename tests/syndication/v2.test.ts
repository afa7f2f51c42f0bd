// Contract tests of the Statuspage API v2 (REFERENCE.md) against the real
// server: an empty page, the demo seed with private data mixed in, and a
// maintenance in progress. Every answer must parse with the strict schemas
// the documented fixtures parse with.
import { readFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../../lib/demo/seed-demo";
import { componentGroup, incident, incidentNote } from "../../db/schema";
import { createComponent, createGroup } from "../../lib/components/components";
import { createIncident, postIncidentUpdate } from "../../lib/incidents/incidents";
import { createMaintenance, postMaintenanceUpdate } from "../../lib/maintenance/maintenance";
import { getPage } from "../../lib/page/page";
import { startServer, type RunningServer } from "../helpers/server";
import { cliCtx } from "../public/seed";
import { get, nudge } from "./helpers";
import {
  ComponentsResponse,
  ENDPOINTS,
  IncidentsResponse,
  MaintenancesResponse,
  StatusResponse,
  SummaryResponse,
} from "./schemas";

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8"));

async function json(server: RunningServer, p: string) {
  const r = await get(`${server.url}${p}`);
  expect(r.status, p).toBe(200);
  expect(r.headers["content-type"]).toMatch(/^application\/json/);
  expect(r.headers["access-control-allow-origin"]).toBe("*");
  return JSON.parse(r.text);
}

async function checkAll(server: RunningServer) {
  const out: Record<string, any> = {};
  for (const [p, schema] of Object.entries(ENDPOINTS)) {
    const body = await json(server, p);
    const parsed = schema.safeParse(body);
    expect(parsed.success ? "" : `${p}: ${parsed.error.message}`).toBe("");
    out[p] = body;
  }
  return out;
}

describe("the documented shapes", () => {
  it("parse with the contract schemas (the schemas are neither too strict nor too loose)", () => {
    expect(StatusResponse.parse(fixture("status.json"))).toBeTruthy();
    expect(ComponentsResponse.parse(fixture("components.json"))).toBeTruthy();
    expect(IncidentsResponse.parse(fixture("incidents.json"))).toBeTruthy();
    expect(MaintenancesResponse.parse(fixture("scheduled-maintenances.json"))).toBeTruthy();
    expect(SummaryResponse.parse(fixture("summary.json"))).toBeTruthy();
    // And they catch drift: an extra key, a Z-less timestamp, a wrong enum.
    const inc = fixture("incidents.json") as any;
    expect(
      IncidentsResponse.safeParse({ ...inc, incidents: [{ ...inc.incidents[0], internal_note: "x" }] }).success,
    ).toBe(false);
    expect(
      IncidentsResponse.safeParse({ ...inc, incidents: [{ ...inc.incidents[0], started_at: "2026-02-27 16:13" }] })
        .success,
    ).toBe(false);
    expect(
      IncidentsResponse.safeParse({ ...inc, incidents: [{ ...inc.incidents[0], impact: "maintenance" }] }).success,
    ).toBe(false);
  });
});

describe("API v2 against the real server", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ env: { HERALD_SNAPSHOT_POLL_MS: "60000" } });
  });
  afterAll(() => server.stop());

  it("answers every endpoint on an empty page", async () => {
    const all = await checkAll(server);
    expect(all["/api/v2/status.json"].status).toEqual({ indicator: "none", description: "All Systems Operational" });
    expect(all["/api/v2/components.json"].components).toEqual([]);
    expect(all["/api/v2/summary.json"].incidents).toEqual([]);
    expect(all["/api/v2/scheduled-maintenances.json"].scheduled_maintenances).toEqual([]);
    expect(all["/api/v2/summary.json"].page.url).toBe(server.url);
    expect(all["/api/v2/summary.json"].page.updated_at).toMatch(/[+-]\d\d:\d\d$/);
  });

  it("answers CORS preflights and revalidates with ETag", async () => {
    const pre = await get(
      `${server.url}/api/v2/summary.json`,
      { origin: "https://example.com", "access-control-request-method": "GET" },
      "OPTIONS",
    );
    expect(pre.status).toBe(204);
    expect(pre.headers["access-control-allow-origin"]).toBe("*");
    expect(String(pre.headers["access-control-allow-methods"])).toContain("GET");
    const first = await get(`${server.url}/api/v2/status.json`);
    expect(first.headers.etag).toBeTruthy();
    const again = await get(`${server.url}/api/v2/status.json`, { "if-none-match": String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.headers["access-control-allow-origin"]).toBe("*");
  });

  it("serves the demo page with Statuspage's shapes, ordering and limits, and no private data", async () => {
    const ctx = cliCtx(server.db);
    await seedDemo(server.db, { force: false, now: new Date(), publicUrl: server.url });
    // Private data mixed in: a hidden component an incident names, a hidden group, an unpublished incident, an internal
    // note.
    const secret = await createComponent(ctx, { name: "Secret billing sync", hidden: true });
    const shown = await createComponent(ctx, { name: "Visible edge" });
    const inGroup = await createComponent(ctx, { name: "Member of a hidden group" });
    const hiddenGroup = await createGroup(ctx, { name: "Hidden group", componentIds: [inGroup.id] });
    await server.db.update(componentGroup).set({ hidden: true }).where(eq(componentGroup.id, hiddenGroup.id));
    const open = await createIncident(ctx, {
      name: "Edge errors",
      body: "Looking into **edge** errors.",
      components: { [secret.id]: "major_outage", [shown.id]: "partial_outage", [inGroup.id]: "degraded_performance" },
    });
    await postIncidentUpdate(ctx, { incidentId: open.incident.id, status: "identified", body: "Found it." });
    const draft = await createIncident(ctx, { name: "Draft never published", body: "draft body" });
    await server.db.update(incident).set({ publishedAt: null }).where(eq(incident.id, draft.incident.id));
    const p = await getPage(server.db);
    await server.db.insert(incidentNote).values({
      id: "note1",
      incidentId: open.incident.id,
      authorLabel: "ops",
      body: "Internal: customer X is angry",
      createdAt: new Date(),
    });
    // More than 50 incidents: the list endpoints keep the 50 most recent.
    for (let i = 0; i < 52; i++)
      await createIncident(ctx, { name: `Old blip ${i}`, status: "resolved", body: "Done." });
    await nudge(server);

    const all = await checkAll(server);
    const everything = JSON.stringify(all);
    for (const leak of [
      "Secret billing sync",
      "Member of a hidden group",
      "Hidden group",
      "Draft never published",
      "Internal: customer X",
      secret.id,
      inGroup.id,
      draft.incident.id,
      "owner_user_id",
      "urgency",
    ]) {
      expect(everything, leak).not.toContain(leak);
    }

    const components = all["/api/v2/components.json"].components as any[];
    expect(components.map((c) => c.position)).toEqual(components.map((_, i) => i + 1));
    const groups = components.filter((c) => c.group);
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) {
      expect(g.components.length).toBeGreaterThan(0);
      for (const id of g.components) expect(components.find((c) => c.id === id)?.group_id).toBe(g.id);
    }
    for (const c of components.filter((c) => c.group_id))
      expect(groups.find((g) => g.id === c.group_id)?.components).toContain(c.id);
    expect(components.every((c) => c.page_id === p.id)).toBe(true);

    const recent = all["/api/v2/incidents.json"].incidents as any[];
    expect(recent).toHaveLength(50);
    const unresolved = all["/api/v2/incidents/unresolved.json"].incidents as any[];
    expect(unresolved.every((i) => !["resolved", "postmortem"].includes(i.status))).toBe(true);
    const edge = unresolved.find((i) => i.id === open.incident.id);
    expect(edge.status).toBe("identified");
    expect(edge.shortlink).toBe(`${server.url}/incidents/${open.incident.id}`);
    expect(edge.incident_updates.map((u: any) => u.status)).toEqual(["identified", "investigating"]);
    expect(edge.incident_updates[1].body).toBe("Looking into **edge** errors.");
    expect(edge.incident_updates[1].affected_components).toEqual([
      { code: shown.id, name: "Visible edge", old_status: "operational", new_status: "partial_outage" },
    ]);
    expect(edge.incident_updates[0].affected_components).toBeNull();
    expect(edge.components.map((c: any) => c.id)).toEqual([shown.id]);
    expect(all["/api/v2/summary.json"].incidents.map((i: any) => i.id)).toEqual(unresolved.map((i) => i.id));
    for (const i of recent) {
      const times = i.incident_updates.map((u: any) => Date.parse(u.display_at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
    }
    expect(all["/api/v2/status.json"].status).toEqual(all["/api/v2/summary.json"].status);
    expect(all["/api/v2/status.json"].status.indicator).not.toBe("none");
  });

  it("shows a maintenance in progress on active, summary and the list, with its window", async () => {
    const ctx = cliCtx(server.db);
    const c = await createComponent(ctx, { name: "Primary database" });
    const start = new Date(Date.now() + 60_000);
    const end = new Date(start.getTime() + 3_600_000);
    const { maintenance } = await createMaintenance(ctx, {
      name: "Database upgrade",
      body: "We will upgrade the database.",
      componentIds: [c.id],
      scheduledFor: start,
      scheduledUntil: end,
    });
    const later = await createMaintenance(ctx, {
      name: "Next week's upgrade",
      body: "Later.",
      scheduledFor: new Date(start.getTime() + 7 * 86_400_000),
      scheduledUntil: new Date(end.getTime() + 7 * 86_400_000),
    });
    await nudge(server);
    let all = await checkAll(server);
    const mine = (list: any[]) =>
      list.map((m) => m.id).filter((id: string) => id === maintenance.id || id === later.maintenance.id);
    // Soonest first (the demo seed may hold maintenances of its own).
    expect(mine(all["/api/v2/scheduled-maintenances/upcoming.json"].scheduled_maintenances)).toEqual([
      maintenance.id,
      later.maintenance.id,
    ]);
    expect(mine(all["/api/v2/scheduled-maintenances/active.json"].scheduled_maintenances)).toEqual([]);

    await postMaintenanceUpdate(ctx, {
      maintenanceId: maintenance.id,
      status: "in_progress",
      body: "The upgrade has started.",
    });
    await nudge(server);
    all = await checkAll(server);
    const active = all["/api/v2/scheduled-maintenances/active.json"].scheduled_maintenances;
    expect(mine(active)).toEqual([maintenance.id]);
    expect(active.every((m: any) => ["in_progress", "verifying"].includes(m.status))).toBe(true);
    const m = active.find((x: any) => x.id === maintenance.id);
    expect(m.status).toBe("in_progress");
    expect(m.impact).toBe("maintenance");
    expect(Date.parse(m.scheduled_for)).toBe(start.getTime());
    expect(Date.parse(m.scheduled_until)).toBe(end.getTime());
    expect(m.incident_updates.map((u: any) => u.status)).toEqual(["in_progress", "scheduled"]);
    expect(m.components.map((x: any) => x.id)).toEqual([c.id]);
    expect(mine(all["/api/v2/scheduled-maintenances/upcoming.json"].scheduled_maintenances)).toEqual([
      later.maintenance.id,
    ]);
    expect(mine(all["/api/v2/summary.json"].scheduled_maintenances).sort()).toEqual(
      [maintenance.id, later.maintenance.id].sort(),
    );
    expect(all["/api/v2/scheduled-maintenances.json"].scheduled_maintenances.map((m: any) => m.id)).toContain(
      maintenance.id,
    );
    const db = all["/api/v2/components.json"].components.find((x: any) => x.id === c.id);
    expect(db.status).toBe("under_maintenance");
  });
});
