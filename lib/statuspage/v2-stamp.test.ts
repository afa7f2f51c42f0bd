// `page.updated_at` of each API v2 document moves when that document changes,
// and only then: an incident update leaves components.json and the maintenance
// lists byte for byte as they were (the static mirror and CDNs keep them).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCtx } from "../../tests/helpers/test-db";
import { createComponent } from "../components/components";
import { createIncident, deleteIncident, postIncidentUpdate } from "../incidents/incidents";
import { ANONYMOUS } from "../public/visibility";
import { v2Components, v2Incidents, v2Maintenances, v2Status } from "./v2";
import { v2Document } from "./v2-stamp";

let t: Awaited<ReturnType<typeof createTestCtx>>;
beforeAll(async () => {
  t = await createTestCtx();
});
afterAll(() => t.close());

const DOCS = {
  "/api/v2/status.json": { select: { incidents: "none", maintenances: "none" }, serialize: v2Status },
  "/api/v2/components.json": { select: { incidents: "none", maintenances: "none" }, serialize: v2Components },
  "/api/v2/incidents/unresolved.json": {
    select: { incidents: "unresolved", maintenances: "none" },
    serialize: v2Incidents,
  },
  "/api/v2/scheduled-maintenances.json": {
    select: { incidents: "none", maintenances: "recent" },
    serialize: v2Maintenances,
  },
} as const;

/** Every document as served now, as bytes. */
async function render(): Promise<Record<keyof typeof DOCS, string>> {
  const out: Record<string, string> = {};
  for (const [path, d] of Object.entries(DOCS))
    out[path] = JSON.stringify(await v2Document(t.db, { path, ...d, viewer: ANONYMOUS, fallbackUrl: "https://x" }));
  return out;
}
const stamp = (doc: string) => JSON.parse(doc).page.updated_at as string;

describe("API v2 document stamps", () => {
  it("move with their own document only, never backwards, and survive a removal", async () => {
    const api = await createComponent(t.ctx, { name: "API" });
    const v0 = await render();
    expect(await render()).toEqual(v0);

    t.clock.advance(60_000);
    const { incident } = await createIncident(t.ctx, {
      name: "Errors",
      status: "investigating",
      body: "Looking.",
      components: { [api.id]: "partial_outage" },
    });
    const v1 = await render();
    // The status turned and the component changed: those move; nothing about maintenances changed.
    expect(stamp(v1["/api/v2/status.json"])).not.toBe(stamp(v0["/api/v2/status.json"]));
    expect(stamp(v1["/api/v2/components.json"])).toBe("2026-03-01T12:01:00.000+00:00");
    expect(v1["/api/v2/scheduled-maintenances.json"]).toBe(v0["/api/v2/scheduled-maintenances.json"]);

    // An update that changes no component: only the incident lists change, byte for byte the rest stays.
    t.clock.advance(60_000);
    await postIncidentUpdate(t.ctx, { incidentId: incident.id, status: "identified", body: "Found it." });
    const v2 = await render();
    expect(v2["/api/v2/status.json"]).toBe(v1["/api/v2/status.json"]);
    expect(v2["/api/v2/components.json"]).toBe(v1["/api/v2/components.json"]);
    expect(v2["/api/v2/scheduled-maintenances.json"]).toBe(v1["/api/v2/scheduled-maintenances.json"]);
    expect(stamp(v2["/api/v2/incidents/unresolved.json"])).toBe("2026-03-01T12:02:00.000+00:00");

    // The incident goes away: the list is empty again, and its stamp is that change's time, not an older one.
    t.clock.advance(60_000);
    await deleteIncident(t.ctx, { id: incident.id });
    const v3 = await render();
    expect(JSON.parse(v3["/api/v2/incidents/unresolved.json"]).incidents).toEqual([]);
    expect(stamp(v3["/api/v2/incidents/unresolved.json"])).toBe("2026-03-01T12:03:00.000+00:00");
  });
});
