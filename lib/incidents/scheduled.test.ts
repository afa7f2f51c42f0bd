import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/db/testing";
import { component, delivery, incident, notification, page, subscriber } from "@/db/schema";
import { createComponent } from "../components/components";
import { getPage, updatePage } from "../page/page";
import { loadHistory, loadIncident, loadStatusPage } from "../public/loaders";
import { publishDueIncidents, scheduleIncident } from "./scheduled";

let close: (() => void) | undefined;
afterEach(() => close?.());

describe("scheduled publishing", () => {
  it("shows and sends nothing before the time, then publishes once", async () => {
    const t = await createTestCtx();
    close = t.close;
    const api = await createComponent(t.ctx, { name: "API" });
    const web = await createComponent(t.ctx, { name: "Web" });
    const p = await getPage(t.db);
    await t.db.insert(subscriber).values({ id: "sub1", pageId: p.id, email: "a@example.com", state: "active", createdAt: t.clock.now(), updatedAt: t.clock.now() });
    await updatePage(t.ctx, { timeZone: "America/New_York" });
    const v0 = (await t.db.select({ v: page.contentVersion }).from(page).get())!.v;

    // 2026-03-01 12:00Z is 07:00 in New York; publish at 08:00 local.
    const { incident: inc } = await scheduleIncident(t.ctx, { name: "Planned notice", body: "Heads up", components: { [api.id]: "degraded_performance" }, componentIds: [web.id], notify: true, publishAt: "2026-03-01T08:00" });
    expect(inc.publishAt!.toISOString()).toBe("2026-03-01T13:00:00.000Z");
    expect(inc.publishedAt).toBeNull();

    const hidden = async () => {
      expect(await loadIncident(t.db, inc.id)).toBeNull();
      const s = await loadStatusPage(t.db);
      expect(JSON.stringify(s)).not.toContain("Planned notice");
      expect(JSON.stringify(await loadHistory(t.db, 1))).not.toContain("Planned notice");
      expect((await t.db.select().from(component).where(eq(component.id, api.id)).get())!.status).toBe("operational");
      expect(await t.db.$count(notification)).toBe(0);
    };
    await hidden();
    expect((await t.db.select({ v: page.contentVersion }).from(page).get())!.v).toBe(v0);
    t.clock.set(new Date("2026-03-01T12:59:59Z"));
    expect(await publishDueIncidents(t.ctx)).toBe(0);
    await hidden();

    t.clock.set(new Date("2026-03-01T13:00:05Z"));
    const [a, b] = await Promise.all([publishDueIncidents(t.ctx), publishDueIncidents(t.ctx)]);
    expect(a + b).toBe(1);
    expect(await publishDueIncidents(t.ctx)).toBe(0);
    const shown = (await loadIncident(t.db, inc.id))!;
    expect(shown.affected.map((c) => [c.name, c.status])).toEqual(expect.arrayContaining([["API", "degraded_performance"], ["Web", "operational"]]));
    expect((await t.db.select().from(component).where(eq(component.id, api.id)).get())!.status).toBe("degraded_performance");
    expect((await t.db.select().from(component).where(eq(component.id, web.id)).get())!.status).toBe("operational");
    expect((await t.db.select({ k: notification.kind }).from(notification)).map((r) => r.k)).toEqual(["incident_created"]);
    expect(await t.db.$count(delivery)).toBe(1);
    expect((await t.db.select({ v: page.contentVersion }).from(page).get())!.v).toBeGreaterThan(v0);
    expect((await t.db.select().from(incident).get())!.impact).toBe("minor");
  });

  it("rejects a time in the past or more than a year ahead", async () => {
    const t = await createTestCtx();
    close = t.close;
    await expect(scheduleIncident(t.ctx, { name: "x", body: "x", publishAt: "2026-03-01T11:00" })).rejects.toThrow(/future/);
    await expect(scheduleIncident(t.ctx, { name: "x", body: "x", publishAt: "2027-06-01T11:00" })).rejects.toThrow(/within a year/);
    await expect(scheduleIncident(t.as("viewer"), { name: "x", body: "x", publishAt: "2026-03-02T11:00" })).rejects.toThrow(/editor/);
  });
});
