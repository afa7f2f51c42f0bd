import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import {
  auditLog,
  component,
  componentStatusChange,
  delivery,
  incident,
  notification,
  page,
  subscriber,
} from "@/db/schema";
import { createComponent } from "../components/components";
import { createIncident, resolveIncident } from "../incidents/incidents";
import { getPage, updatePage } from "../page/page";
import { loadStatusPage } from "../public/status-page";
import { createMaintenance, listMaintenances, postMaintenanceUpdate } from "./maintenance";
import { runMaintenanceTransitions } from "./transitions";

let close: (() => void) | undefined;
afterEach(() => close?.());

async function setup() {
  const t = await createTestCtx();
  close = t.close;
  const api = await createComponent(t.ctx, { name: "API" });
  const p = await getPage(t.db);
  await t.db.insert(subscriber).values({
    id: "sub1",
    pageId: p.id,
    email: "a@example.com",
    state: "active",
    createdAt: t.clock.now(),
    updatedAt: t.clock.now(),
  });
  return { ...t, api, pageId: p.id };
}

const statusOf = async (t: Awaited<ReturnType<typeof setup>>, id: string) =>
  (await t.db.query.component.findFirst({ where: eq(component.id, id) }))!.status;
const version = async (t: Awaited<ReturnType<typeof setup>>) =>
  (await t.db.select({ v: page.contentVersion }).from(page).get())!.v;
const kinds = async (t: Awaited<ReturnType<typeof setup>>) =>
  (await t.db.select({ k: notification.kind }).from(notification)).map((r) => r.k);

describe("createMaintenance", () => {
  it("reads the window in the page's time zone, across a DST change", async () => {
    const t = await setup();
    await updatePage(t.ctx, { timeZone: "America/New_York" });
    t.clock.set(new Date("2026-03-01T12:00:00Z"));
    const { maintenance } = await createMaintenance(t.ctx, {
      name: "DB upgrade",
      body: "Upgrading",
      componentIds: [t.api.id],
      scheduledFor: "2026-03-08T01:00",
      scheduledUntil: "2026-03-08T04:00",
    });
    expect(maintenance.scheduledFor!.toISOString()).toBe("2026-03-08T06:00:00.000Z"); // EST
    expect(maintenance.scheduledUntil!.toISOString()).toBe("2026-03-08T08:00:00.000Z"); // EDT: 2 real hours
    expect(maintenance.status).toBe("scheduled");
    expect(maintenance.publishedAt).not.toBeNull();
  });

  it("rejects a start inside the spring-forward gap", async () => {
    const t = await setup();
    await updatePage(t.ctx, { timeZone: "America/New_York" });
    await expect(
      createMaintenance(t.ctx, {
        name: "x",
        body: "x",
        scheduledFor: "2026-03-08T02:30",
        scheduledUntil: "2026-03-08T05:00",
      }),
    ).rejects.toThrow(/does not exist in America\/New_York/);
  });

  it.each([
    ["end before start", "2026-03-02T10:00", "2026-03-02T09:00", /end must be after the start/],
    ["zero-length", "2026-03-02T10:00", "2026-03-02T10:00", /zero-length/],
    ["start in the past", "2026-02-20T10:00", "2026-02-20T11:00", /backfilled/],
    ["absurd year", "20266-03-02T10:00", "20266-03-02T11:00", /YYYY-MM-DD/],
    ["far future", "2099-03-02T10:00", "2099-03-02T11:00", /between 2000 and 2031/],
    ["ancient", "1999-03-02T10:00Z", "1999-03-02T11:00Z", /YYYY-MM-DD|between 2000/],
    ["malformed", "tomorrow", "2026-03-02T11:00", /YYYY-MM-DD/],
  ])("rejects %s", async (_, from, until, msg) => {
    const t = await setup();
    await expect(
      createMaintenance(t.ctx, { name: "x", body: "x", scheduledFor: from, scheduledUntil: until }),
    ).rejects.toThrow(msg);
    expect(await t.db.$count(incident)).toBe(0);
  });

  it("records a past window as backfilled history without touching components or notifying", async () => {
    const t = await setup();
    const { maintenance } = await createMaintenance(t.ctx, {
      name: "Old",
      body: "Done",
      componentIds: [t.api.id],
      scheduledFor: "2026-02-20T10:00",
      scheduledUntil: "2026-02-20T11:00",
      backfilled: true,
      notifyNow: true,
      notifyAtStart: true,
    });
    expect(maintenance.status).toBe("completed");
    expect(await kinds(t)).toEqual([]);
    expect(await runMaintenanceTransitions(t.ctx)).toBe(0);
    expect((await t.db.select().from(component).get())!.status).toBe("operational");
  });

  it("notifies on creation only when asked", async () => {
    const t = await setup();
    await createMaintenance(t.ctx, {
      name: "Quiet",
      body: "x",
      scheduledFor: "2026-03-02T10:00",
      scheduledUntil: "2026-03-02T11:00",
    });
    expect(await kinds(t)).toEqual([]);
    await createMaintenance(t.ctx, {
      name: "Loud",
      body: "x",
      scheduledFor: "2026-03-02T10:00",
      scheduledUntil: "2026-03-02T11:00",
      notifyNow: true,
    });
    expect(await kinds(t)).toEqual(["maintenance_scheduled"]);
  });

  it("takes the page's default reminder unless the caller chooses one; two racing schedulers remind once", async () => {
    const t = await setup();
    await updatePage(t.ctx, { maintenanceRemindMinutes: 60 });
    const window = { body: "x", scheduledFor: "2026-03-01T14:00", scheduledUntil: "2026-03-01T15:00" };
    const byDefault = await createMaintenance(t.ctx, { name: "Default", ...window });
    const off = await createMaintenance(t.ctx, { name: "Off", ...window, remindMinutes: null });
    const own = await createMaintenance(t.ctx, { name: "Own", ...window, remindMinutes: 15 });
    const remind = async (id: string) => (await t.db.select().from(incident).where(eq(incident.id, id)).get())!;
    expect((await remind(byDefault.maintenance.id)).scheduledRemindMinutes).toBe(60);
    expect((await remind(off.maintenance.id)).scheduledRemindPrior).toBe(false);
    expect((await remind(own.maintenance.id)).scheduledRemindMinutes).toBe(15);
    t.clock.set(new Date("2026-03-01T13:30:00Z"));
    const [a, b] = await Promise.all([runMaintenanceTransitions(t.ctx), runMaintenanceTransitions(t.ctx)]);
    expect(a + b).toBe(1);
    const sent = await t.db
      .select({ id: notification.incidentId })
      .from(notification)
      .where(eq(notification.kind, "maintenance_reminder"));
    expect(sent).toEqual([{ id: byDefault.maintenance.id }]);
    await expect(updatePage(t.ctx, { maintenanceRemindMinutes: 2 })).rejects.toThrow(/At least 5 minutes/);
  });

  it("needs the editor role", async () => {
    const t = await setup();
    await expect(
      createMaintenance(t.as("viewer"), {
        name: "x",
        body: "x",
        scheduledFor: "2026-03-02T10:00",
        scheduledUntil: "2026-03-02T11:00",
      }),
    ).rejects.toThrow(/editor/);
  });
});

describe("the maintenance lifecycle", () => {
  it("reminds, starts and completes on time, once each, with components and outbox rows", async () => {
    const t = await setup();
    const { maintenance: m } = await createMaintenance(t.ctx, {
      name: "DB upgrade",
      body: "We will upgrade the database.",
      componentIds: [t.api.id],
      scheduledFor: "2026-03-01T14:00",
      scheduledUntil: "2026-03-01T15:00",
      remindMinutes: 60,
      notifyAtStart: true,
      notifyAtEnd: true,
    });
    const v0 = await version(t);
    expect(await runMaintenanceTransitions(t.ctx)).toBe(0);

    t.clock.set(new Date("2026-03-01T13:00:00Z"));
    expect(await runMaintenanceTransitions(t.ctx)).toBe(1);
    expect(await runMaintenanceTransitions(t.ctx)).toBe(0);
    expect(await kinds(t)).toEqual(["maintenance_reminder"]);
    expect(await version(t)).toBe(v0); // a reminder changes nothing public

    t.clock.set(new Date("2026-03-01T14:00:00Z"));
    expect(await runMaintenanceTransitions(t.ctx)).toBe(1);
    expect(await runMaintenanceTransitions(t.ctx)).toBe(0);
    let row = (await t.db.select().from(incident).where(eq(incident.id, m.id)).get())!;
    expect(row.status).toBe("in_progress");
    expect((await t.db.select().from(component).get())!.status).toBe("under_maintenance");
    expect(await version(t)).toBeGreaterThan(v0);
    const status = await loadStatusPage(t.db);
    expect(status.active.map((i) => i.id)).toEqual([m.id]);
    expect(status.overall.indicator).toBe("maintenance");

    t.clock.set(new Date("2026-03-01T15:00:30Z"));
    expect(await runMaintenanceTransitions(t.ctx)).toBe(1);
    expect(await runMaintenanceTransitions(t.ctx)).toBe(0);
    row = (await t.db.select().from(incident).where(eq(incident.id, m.id)).get())!;
    expect(row.status).toBe("completed");
    expect(row.resolvedAt!.toISOString()).toBe("2026-03-01T15:00:30.000Z");
    expect((await t.db.select().from(component).get())!.status).toBe("operational");
    expect(await kinds(t)).toEqual(["maintenance_reminder", "maintenance_started", "maintenance_completed"]);
    expect(await t.db.$count(delivery)).toBe(3);
    const log = await t.db.select().from(componentStatusChange).where(eq(componentStatusChange.componentId, t.api.id));
    expect(log.map((c) => c.newStatus)).toEqual(["operational", "under_maintenance", "operational"]);
    const actions = (await t.db.select({ a: auditLog.action }).from(auditLog)).map((r) => r.a);
    expect(actions).toEqual(
      expect.arrayContaining(["maintenance.remind", "maintenance.auto_start", "maintenance.auto_complete"]),
    );
  });

  it("sends nothing at start or end when the flags are off, and leaves components when told to", async () => {
    const t = await setup();
    await createMaintenance(t.ctx, {
      name: "Quiet",
      body: "x",
      componentIds: [t.api.id],
      scheduledFor: "2026-03-01T13:00",
      scheduledUntil: "2026-03-01T14:00",
      transitionComponents: false,
    });
    t.clock.set(new Date("2026-03-01T13:30:00Z"));
    expect(await runMaintenanceTransitions(t.ctx)).toBe(1);
    expect((await t.db.select().from(component).get())!.status).toBe("operational");
    expect(await kinds(t)).toEqual([]);
  });

  it("a window missed entirely while no worker ran still starts, then completes", async () => {
    const t = await setup();
    const { maintenance: m } = await createMaintenance(t.ctx, {
      name: "M",
      body: "x",
      componentIds: [t.api.id],
      scheduledFor: "2026-03-01T13:00",
      scheduledUntil: "2026-03-01T14:00",
      remindMinutes: 30,
    });
    t.clock.set(new Date("2026-03-02T00:00:00Z"));
    expect(await runMaintenanceTransitions(t.ctx)).toBe(2);
    const row = (await t.db.select().from(incident).where(eq(incident.id, m.id)).get())!;
    expect(row.status).toBe("completed");
    expect(row.reminderSentAt).toBeNull(); // too late to remind
    expect((await t.db.select().from(component).get())!.status).toBe("operational");
  });

  it("manual updates move through verifying and completed; auto-complete then has nothing to do", async () => {
    const t = await setup();
    const { maintenance: m } = await createMaintenance(t.ctx, {
      name: "M",
      body: "x",
      componentIds: [t.api.id],
      scheduledFor: "2026-03-01T13:00",
      scheduledUntil: "2026-03-01T14:00",
      autoStart: false,
    });
    t.clock.set(new Date("2026-03-01T13:05:00Z"));
    expect(await runMaintenanceTransitions(t.ctx)).toBe(0); // no auto start
    await postMaintenanceUpdate(t.ctx, {
      maintenanceId: m.id,
      status: "in_progress",
      body: "Started by hand",
      notify: true,
    });
    expect((await t.db.select().from(component).get())!.status).toBe("under_maintenance");
    await postMaintenanceUpdate(t.ctx, { maintenanceId: m.id, status: "verifying", body: "Checking" });
    const done = await postMaintenanceUpdate(t.ctx, { maintenanceId: m.id, status: "completed", body: "Done" });
    expect(done.maintenance.status).toBe("completed");
    expect((await t.db.select().from(component).get())!.status).toBe("operational");
    t.clock.set(new Date("2026-03-01T15:00:00Z"));
    expect(await runMaintenanceTransitions(t.ctx)).toBe(0);
    expect(await kinds(t)).toEqual(["maintenance_started"]);
    const list = await listMaintenances(t.db, t.pageId);
    expect(list[0]).toMatchObject({ id: m.id, status: "completed", components: [{ id: t.api.id, name: "API" }] });
  });

  it("an incident resolved in a maintenance gives the component back to it, and its end to operational", async () => {
    const t = await setup();
    const { maintenance: m } = await createMaintenance(t.ctx, {
      name: "M",
      body: "x",
      componentIds: [t.api.id],
      scheduledFor: "2026-03-01T13:00",
      scheduledUntil: "2026-03-01T15:00",
    });
    t.clock.set(new Date("2026-03-01T13:00:01Z"));
    await runMaintenanceTransitions(t.ctx);
    const { incident: a } = await createIncident(t.ctx, {
      name: "A",
      body: "x",
      components: { [t.api.id]: "major_outage" },
    });
    await resolveIncident(t.ctx, { incidentId: a.id, body: "fixed" });
    expect(await statusOf(t, t.api.id)).toBe("under_maintenance");
    t.clock.set(new Date("2026-03-01T15:00:01Z"));
    await runMaintenanceTransitions(t.ctx);
    expect((await t.db.query.incident.findFirst({ where: eq(incident.id, m.id) }))!.status).toBe("completed");
    expect(await statusOf(t, t.api.id)).toBe("operational");
  });

  it("overlapping maintenances: the first to end leaves the component under the one still running", async () => {
    const t = await setup();
    for (const [name, from, until] of [
      ["M1", "13:00", "14:00"],
      ["M2", "13:30", "16:00"],
    ])
      await createMaintenance(t.ctx, {
        name,
        body: "x",
        componentIds: [t.api.id],
        scheduledFor: `2026-03-01T${from}`,
        scheduledUntil: `2026-03-01T${until}`,
      });
    const at = async (hhmm: string) => {
      t.clock.set(new Date(`2026-03-01T${hhmm}:01Z`));
      await runMaintenanceTransitions(t.ctx);
      return statusOf(t, t.api.id);
    };
    expect(await at("13:00")).toBe("under_maintenance");
    expect(await at("13:30")).toBe("under_maintenance");
    expect(await at("14:00")).toBe("under_maintenance");
    expect(await at("16:00")).toBe("operational");
  });

  it("two concurrent scheduler calls perform each transition exactly once", async () => {
    const t = await setup();
    for (let i = 0; i < 3; i++) {
      await createMaintenance(t.ctx, {
        name: `M${i}`,
        body: "x",
        componentIds: [t.api.id],
        scheduledFor: "2026-03-01T13:00",
        scheduledUntil: "2026-03-01T14:00",
        notifyAtStart: true,
      });
    }
    t.clock.set(new Date("2026-03-01T13:00:00Z"));
    const [a, b] = await Promise.all([runMaintenanceTransitions(t.ctx), runMaintenanceTransitions(t.ctx)]);
    expect(a + b).toBe(3);
    expect(await t.db.$count(notification, eq(notification.kind, "maintenance_started"))).toBe(3);
    expect(await t.db.$count(incident, and(eq(incident.kind, "maintenance"), eq(incident.status, "in_progress")))).toBe(
      3,
    );
  });
});
