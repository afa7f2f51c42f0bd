import { asc, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { component, incident, incidentUpdate, notification, page } from "@/db/schema";
import { createComponent, updateComponent } from "../components/components";
import { getPage } from "../page/page";
import { cancelMaintenance, updateMaintenance, type UpdateMaintenanceInput } from "./edit";
import { createMaintenance, postMaintenanceUpdate } from "./maintenance";
import { runMaintenanceTransitions } from "./transitions";

let close: (() => void) | undefined;
afterEach(() => close?.());

async function setup() {
  const t = await createTestCtx();
  close = t.close;
  const api = await createComponent(t.ctx, { name: "API" });
  await getPage(t.db);
  const { maintenance } = await createMaintenance(t.ctx, {
    name: "DB upgrade",
    body: "We will upgrade the database.",
    componentIds: [api.id],
    scheduledFor: "2026-03-01T14:00",
    scheduledUntil: "2026-03-01T15:00",
    remindMinutes: 60,
  });
  return { ...t, api, m: maintenance };
}

type T = Awaited<ReturnType<typeof setup>>;
const row = async (t: T) => (await t.db.select().from(incident).where(eq(incident.id, t.m.id)).get())!;
const version = async (t: T) => (await t.db.select({ v: page.contentVersion }).from(page).get())!.v;
const kinds = async (t: T) => (await t.db.select({ k: notification.kind }).from(notification)).map((r) => r.k);

const edit = (t: T, over: Partial<UpdateMaintenanceInput> = {}): UpdateMaintenanceInput => ({
  maintenanceId: t.m.id,
  name: "Database upgrade",
  body: "We will upgrade **Postgres**.",
  scheduledFor: "2026-03-01T16:00",
  scheduledUntil: "2026-03-01T17:30",
  autoStart: true,
  autoComplete: false,
  transitionComponents: true,
  remindMinutes: 15,
  notifyAtStart: true,
  notifyAtEnd: false,
  ...over,
});

describe("updateMaintenance", () => {
  it("changes name, announcement, window and flags, and bumps the public version", async () => {
    const t = await setup();
    const v0 = await version(t);
    await updateMaintenance(t.ctx, edit(t));
    const r = await row(t);
    expect(r.name).toBe("Database upgrade");
    expect(r.scheduledFor!.toISOString()).toBe("2026-03-01T16:00:00.000Z");
    expect(r.scheduledUntil!.toISOString()).toBe("2026-03-01T17:30:00.000Z");
    expect([
      r.scheduledAutoInProgress,
      r.scheduledAutoCompleted,
      r.scheduledRemindMinutes,
      r.autoTransitionDeliverNotificationsAtStart,
    ]).toEqual([true, false, 15, true]);
    const first = await t.db
      .select()
      .from(incidentUpdate)
      .where(eq(incidentUpdate.incidentId, t.m.id))
      .orderBy(asc(incidentUpdate.seq))
      .get();
    expect(first!.body).toBe("We will upgrade **Postgres**.");
    expect(await version(t)).toBeGreaterThan(v0);
  });

  it("moving the window sends the reminder again before the new start", async () => {
    const t = await setup();
    t.clock.set(new Date("2026-03-01T13:00:00Z"));
    expect(await runMaintenanceTransitions(t.ctx)).toBe(1);
    await updateMaintenance(t.ctx, edit(t, { remindMinutes: 60 }));
    expect(await runMaintenanceTransitions(t.ctx)).toBe(0);
    t.clock.set(new Date("2026-03-01T15:00:00Z"));
    expect(await runMaintenanceTransitions(t.ctx)).toBe(1);
    expect(await kinds(t)).toEqual(["maintenance_reminder", "maintenance_reminder"]);
  });

  it("validates the window like creation does", async () => {
    const t = await setup();
    await expect(updateMaintenance(t.ctx, edit(t, { scheduledUntil: "2026-03-01T15:00" }))).rejects.toThrow(
      /end must be after the start/,
    );
    expect((await row(t)).name).toBe("DB upgrade");
  });

  it("refuses once the maintenance has started, and for viewers", async () => {
    const t = await setup();
    await expect(updateMaintenance(t.as("viewer"), edit(t))).rejects.toThrow();
    await postMaintenanceUpdate(t.ctx, { maintenanceId: t.m.id, status: "in_progress", body: "Started early." });
    await expect(updateMaintenance(t.ctx, edit(t))).rejects.toThrow(/has not started/);
  });
});

describe("cancelMaintenance", () => {
  it("completes it with the message, leaves components alone and stops the scheduler", async () => {
    const t = await setup();
    // Another maintenance has the component under maintenance right now.
    await updateComponent(t.ctx, { id: t.api.id, status: "under_maintenance" });
    await cancelMaintenance(t.ctx, { maintenanceId: t.m.id, body: "Cancelled: the vendor postponed.", notify: true });
    const r = await row(t);
    expect(r.status).toBe("completed");
    expect((await t.db.select().from(component).where(eq(component.id, t.api.id)).get())!.status).toBe(
      "under_maintenance",
    );
    expect(await kinds(t)).toEqual(["maintenance_completed"]);
    t.clock.set(new Date("2026-03-01T14:30:00Z"));
    expect(await runMaintenanceTransitions(t.ctx)).toBe(0);
    const last = await t.db
      .select()
      .from(incidentUpdate)
      .where(eq(incidentUpdate.incidentId, t.m.id))
      .orderBy(asc(incidentUpdate.seq))
      .all();
    expect(last.at(-1)!.body).toBe("Cancelled: the vendor postponed.");
  });

  it("refuses a maintenance that already started", async () => {
    const t = await setup();
    await postMaintenanceUpdate(t.ctx, { maintenanceId: t.m.id, status: "in_progress", body: "Started." });
    await expect(cancelMaintenance(t.ctx, { maintenanceId: t.m.id })).rejects.toThrow(/has not started/);
  });
});
