import { describe, expect, it } from "vitest";
import { createTestCtx } from "@/db/testing";
import { createComponent } from "../components/components";
import { createIncident, postIncidentUpdate } from "./incidents";

describe("smoke", () => {
  it("creates and resolves", async () => {
    const t = await createTestCtx();
    const c = await createComponent(t.ctx, { name: "API" });
    const { incident } = await createIncident(t.ctx, { name: "Down", body: "x", components: { [c.id]: "major_outage" }, notify: true });
    expect(incident.impact).toBe("critical");
    const r = await postIncidentUpdate(t.ctx, { incidentId: incident.id, status: "resolved", body: "fixed" });
    expect(r.incident.status).toBe("resolved");
    t.close();
  });
});
