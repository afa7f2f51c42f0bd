import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { createTestCtx } from "@/tests/helpers/test-db";
import { component, delivery, incident, notification, page, subscriber } from "@/db/schema";
import { dbState } from "@/tests/helpers/db-state";
import { createAudience } from "../audiences/audiences";
import { createComponent, updateComponent } from "../components/components";
import { getContentVersion, getPage, updatePage } from "../page/page";
import { loadFeedEntries } from "../public/feed";
import { loadHistory } from "../public/history";
import { loadIncident } from "../public/incident";
import { loadStatusPage } from "../public/status-page";
import { loadSyndication } from "../public/syndication";
import { loadUptime } from "../uptime/load";
import { runDueWork, STEPS, type WorkDeps } from "../worker/run";
import {
  createIncident,
  deleteIncidentUpdate,
  editIncidentUpdate,
  postIncidentUpdate,
  updateIncident,
} from "./incidents";
import { getConsoleIncident } from "./queries";
import { publishDueIncidents, scheduleIncident, scheduleIncidentUpdate } from "./scheduled";

let close: (() => void) | undefined;
afterEach(() => close?.());

describe("scheduled publishing", () => {
  it("takes no update before it is public: nothing sent, no component moved, its publish as scheduled", async () => {
    const t = await createTestCtx();
    close = t.close;
    const api = await createComponent(t.ctx, { name: "API" });
    const { incident: s } = await scheduleIncident(t.ctx, {
      name: "Planned",
      body: "x",
      components: { [api.id]: "major_outage" },
      notify: true,
      publishAt: "2026-03-01T14:00",
    });
    await expect(
      postIncidentUpdate(t.ctx, { incidentId: s.id, status: "resolved", body: "Never mind", notify: true }),
    ).rejects.toThrow(/not published yet/);
    expect(await t.db.select().from(notification)).toEqual([]);
    expect((await t.db.query.component.findFirst({ where: eq(component.id, api.id) }))!.status).toBe("operational");
    t.clock.set(new Date("2026-03-01T14:00:01Z"));
    expect(await publishDueIncidents({ db: t.db, now: t.clock.now })).toBe(1);
    expect((await t.db.query.incident.findFirst({ where: eq(incident.id, s.id) }))!.status).toBe("investigating");
    expect((await t.db.select({ k: notification.kind }).from(notification)).map((n) => n.k)).toEqual([
      "incident_created",
    ]);
  });

  it("shows and sends nothing before the time, then publishes once", async () => {
    const t = await createTestCtx();
    close = t.close;
    const api = await createComponent(t.ctx, { name: "API" });
    const web = await createComponent(t.ctx, { name: "Web" });
    const p = await getPage(t.db);
    await t.db.insert(subscriber).values({
      id: "sub1",
      pageId: p.id,
      email: "a@example.com",
      state: "active",
      createdAt: t.clock.now(),
      updatedAt: t.clock.now(),
    });
    await updatePage(t.ctx, { timeZone: "America/New_York" });
    const v0 = (await t.db.select({ v: page.contentVersion }).from(page).get())!.v;

    // 2026-03-01 12:00Z is 07:00 in New York; publish at 08:00 local.
    const { incident: inc } = await scheduleIncident(t.ctx, {
      name: "Planned notice",
      body: "Heads up",
      components: { [api.id]: "degraded_performance" },
      componentIds: [web.id],
      notify: true,
      publishAt: "2026-03-01T08:00",
    });
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
    expect(shown.affected.map((c) => [c.name, c.status])).toEqual(
      expect.arrayContaining([
        ["API", "degraded_performance"],
        ["Web", "operational"],
      ]),
    );
    expect((await t.db.select().from(component).where(eq(component.id, api.id)).get())!.status).toBe(
      "degraded_performance",
    );
    expect((await t.db.select().from(component).where(eq(component.id, web.id)).get())!.status).toBe("operational");
    expect((await t.db.select({ k: notification.kind }).from(notification)).map((r) => r.k)).toEqual([
      "incident_created",
    ]);
    expect(await t.db.$count(delivery)).toBe(1);
    expect((await t.db.select({ v: page.contentVersion }).from(page).get())!.v).toBeGreaterThan(v0);
    expect((await t.db.select().from(incident).get())!.impact).toBe("minor");
  });

  it("keeps the audiences it is scheduled for when it publishes: others never see it", async () => {
    const t = await createTestCtx();
    close = t.close;
    const staff = await createAudience(t.ctx, { name: "Staff" });
    const { incident: inc } = await scheduleIncident(t.ctx, {
      name: "Staff-only notice",
      body: "Heads up",
      audienceIds: [staff.id],
      publishAt: "2026-03-01T13:00",
    });
    t.clock.set(new Date("2026-03-01T13:00:05Z"));
    expect(await publishDueIncidents(t.ctx)).toBe(1);
    expect(await loadIncident(t.db, inc.id)).toBeNull();
    expect(JSON.stringify(await loadStatusPage(t.db))).not.toContain("Staff-only notice");
    expect((await loadIncident(t.db, inc.id, { audiences: [staff.id] }))?.name).toBe("Staff-only notice");
  });

  it(
    "applies a status it sets that the component already had when it was scheduled, though the component moved " +
      "meanwhile; a component it only names stays as it is",
    async () => {
      const t = await createTestCtx();
      close = t.close;
      const api = await createComponent(t.ctx, { name: "API", status: "major_outage" });
      const web = await createComponent(t.ctx, { name: "Web" });
      await scheduleIncident(t.ctx, {
        name: "Planned",
        body: "x",
        components: { [api.id]: "major_outage" },
        componentIds: [web.id],
        publishAt: "2026-03-01T14:00",
      });
      await updateComponent(t.ctx, { id: api.id, status: "operational" });
      await updateComponent(t.ctx, { id: web.id, status: "degraded_performance" });
      t.clock.set(new Date("2026-03-01T14:00:01Z"));
      expect(await publishDueIncidents({ db: t.db, now: t.clock.now })).toBe(1);
      const status = async (id: string) =>
        (await t.db.query.component.findFirst({ where: eq(component.id, id) }))!.status;
      expect([await status(api.id), await status(web.id)]).toEqual(["major_outage", "degraded_performance"]);
    },
  );

  it("rejects a time in the past or more than a year ahead", async () => {
    const t = await createTestCtx();
    close = t.close;
    await expect(scheduleIncident(t.ctx, { name: "x", body: "x", publishAt: "2026-03-01T11:00" })).rejects.toThrow(
      /future/,
    );
    await expect(scheduleIncident(t.ctx, { name: "x", body: "x", publishAt: "2027-06-01T11:00" })).rejects.toThrow(
      /within a year/,
    );
    await expect(
      scheduleIncident(t.as("viewer"), { name: "x", body: "x", publishAt: "2026-03-02T11:00" }),
    ).rejects.toThrow(/editor/);
  });
});

describe("scheduled updates", () => {
  const steps = STEPS.filter((s) => s.name.startsWith("scheduled-"));
  const work = (t: { db: Db; clock: { now: () => Date } }) =>
    runDueWork({ db: t.db, now: t.clock.now }, { concurrency: 2 } as WorkDeps, { steps });
  // Everything a visitor, a feed reader or an API client can see.
  const publicView = async (db: Db, incidentId: string) =>
    JSON.stringify([
      await loadIncident(db, incidentId),
      await loadStatusPage(db),
      await loadHistory(db, 1),
      await loadSyndication(db, { incidents: "recent", maintenances: "none" }),
      await loadSyndication(db, { incidents: "unresolved", maintenances: "none" }),
      await loadFeedEntries(db),
      await loadUptime(db, (await getPage(db)).id, new Date("2026-03-01T12:30:00Z")),
    ]);

  it(
    "is invisible and changes nothing until its time, then " + "publishes once with its components and notification",
    async () => {
      const t = await createTestCtx();
      close = t.close;
      const api = await createComponent(t.ctx, { name: "API" });
      const web = await createComponent(t.ctx, { name: "Web" });
      const p = await getPage(t.db);
      await t.db.insert(subscriber).values({
        id: "sub1",
        pageId: p.id,
        email: "a@example.com",
        state: "active",
        createdAt: t.clock.now(),
        updatedAt: t.clock.now(),
      });
      await updatePage(t.ctx, { timeZone: "America/New_York" });
      const { incident: inc } = await createIncident(t.ctx, {
        name: "Slow API",
        body: "Looking into it",
        components: { [api.id]: "degraded_performance" },
      });
      const incidentRow = () => t.db.select().from(incident).where(eq(incident.id, inc.id)).get();
      const statuses = async () =>
        (await t.db.select({ id: component.id, s: component.status }).from(component))
          .map((r) => `${r.id}:${r.s}`)
          .sort();
      const view0 = await publicView(t.db, inc.id);
      const row0 = await incidentRow();
      const statuses0 = await statuses();
      const state0 = await dbState(t.db);

      // 12:00Z is 07:00 in New York; publish at 08:00 local = 13:00Z.
      const update = await scheduleIncidentUpdate(t.ctx, {
        incidentId: inc.id,
        status: "resolved",
        body: "Fixed by the rollback",
        components: { [web.id]: "degraded_performance" },
        notify: true,
        publishAt: "2026-03-01T08:00",
      });
      expect(update.publishAt!.toISOString()).toBe("2026-03-01T13:00:00.000Z");

      const unchanged = async () => {
        expect(await publicView(t.db, inc.id)).toBe(view0);
        expect(await incidentRow()).toEqual(row0);
        expect(await statuses()).toEqual(statuses0);
      };
      await unchanged();
      // Only the row, its recorded component change and the audit entry: no outbox row, no version bump.
      expect(await dbState(t.db)).toEqual({
        ...state0,
        incident_update: state0.incident_update + 1,
        incident_update_component: state0.incident_update_component + 1,
        audit_log: state0.audit_log + 1,
      });
      const console0 = (await getConsoleIncident(t.db, p.id, inc.id))!;
      expect(console0.updates[0]).toMatchObject({ id: update.id, publishAt: update.publishAt });
      expect(console0.lastUpdateAt).toEqual(row0!.startedAt);
      expect(console0.components.map((c) => c.name)).toEqual(["API"]);

      t.clock.set(new Date("2026-03-01T12:59:59Z"));
      expect((await work(t)).done["scheduled-updates"]).toBe(0);
      await unchanged();
      expect(await t.db.$count(notification)).toBe(0);

      t.clock.set(new Date("2026-03-01T13:00:05Z"));
      const [a, b] = await Promise.all([work(t), work(t)]);
      expect(a.done["scheduled-updates"] + b.done["scheduled-updates"]).toBe(1);
      expect((await work(t)).done["scheduled-updates"]).toBe(0);

      const shown = (await loadIncident(t.db, inc.id))!;
      expect(shown.status).toBe("resolved");
      expect(shown.updates.map((u) => [u.status, u.displayAt.toISOString()])[0]).toEqual([
        "resolved",
        "2026-03-01T13:00:00.000Z",
      ]);
      expect(shown.affected.map((c) => [c.name, c.status])).toEqual([
        ["API", "operational"],
        ["Web", "degraded_performance"],
      ]);
      expect((await loadFeedEntries(t.db)).entries.map((e) => e.text)).toContain("Fixed by the rollback");
      expect(JSON.stringify(await loadSyndication(t.db, { incidents: "recent", maintenances: "none" }))).toContain(
        "Fixed by the rollback",
      );
      // Resolving gave API back; Web took the status the update asked for.
      expect(await statuses()).toEqual([`${api.id}:operational`, `${web.id}:degraded_performance`].sort());
      expect((await incidentRow())!.resolvedAt!.toISOString()).toBe("2026-03-01T13:00:00.000Z");
      expect(await t.db.select({ k: notification.kind, u: notification.incidentUpdateId }).from(notification)).toEqual([
        { k: "incident_resolved", u: update.id },
      ]);
      expect(await t.db.$count(delivery)).toBe(1);
      expect((await t.db.select({ v: page.contentVersion }).from(page).get())!.v).toBeGreaterThan(
        state0["page.content_version"],
      );
      expect((await getConsoleIncident(t.db, p.id, inc.id))!.updates[0].publishAt).toBeNull();
    },
  );

  it(
    "counts for nothing while other writes recompute state: " + "status, impact, affected components, components held",
    async () => {
      const t = await createTestCtx();
      close = t.close;
      const api = await createComponent(t.ctx, { name: "API" });
      const web = await createComponent(t.ctx, { name: "Web" });
      const { incident: a } = await createIncident(t.ctx, {
        name: "Slow API",
        body: "Looking into it",
        components: { [api.id]: "degraded_performance" },
      });
      const { incident: b } = await createIncident(t.ctx, { name: "Other", body: "Unrelated" });
      await scheduleIncidentUpdate(t.ctx, {
        incidentId: a.id,
        status: "resolved",
        body: "Later",
        components: { [web.id]: "major_outage" },
        publishAt: "2026-03-01T13:00",
      });
      await scheduleIncidentUpdate(t.ctx, {
        incidentId: b.id,
        status: "identified",
        body: "Later too",
        components: { [api.id]: "major_outage" },
        publishAt: "2026-03-01T13:00",
      });

      // A rename recomputes the caches: the pending resolve and outage don't count.
      await updateIncident(t.ctx, { id: a.id, name: "Slow API (renamed)" });
      expect(
        await t.db
          .select({ s: incident.status, i: incident.impact, r: incident.resolvedAt })
          .from(incident)
          .where(eq(incident.id, a.id))
          .get(),
      ).toEqual({ s: "investigating", i: "minor", r: null });

      // Resolving now gives API back (B's pending outage doesn't hold it) and leaves Web (only named by a pending
      // update)
      // alone.
      await postIncidentUpdate(t.ctx, { incidentId: a.id, status: "resolved", body: "Resolved now" });
      expect((await t.db.select().from(component).where(eq(component.id, api.id)).get())!.status).toBe("operational");
      expect((await loadIncident(t.db, a.id))!.affected.map((c) => c.name)).toEqual(["API"]);
      expect((await loadIncident(t.db, b.id))!.status).toBe("investigating");
    },
  );

  it("editing or deleting one before its time changes nothing public: no version, updated_at or SEQUENCE", async () => {
    const t = await createTestCtx();
    close = t.close;
    const { incident: inc } = await createIncident(t.ctx, { name: "Slow API", body: "Looking into it" });
    const scheduled = await scheduleIncidentUpdate(t.ctx, {
      incidentId: inc.id,
      status: "identified",
      body: "Draft wording",
      publishAt: "2026-03-01T12:30",
    });
    const seen = async () => ({
      view: await publicView(t.db, inc.id),
      version: await getContentVersion(t.db),
      row: await t.db.query.incident.findFirst({ where: eq(incident.id, inc.id) }),
    });
    const before = await seen();
    t.clock.advance(60_000);
    await editIncidentUpdate(t.ctx, { incidentId: inc.id, updateId: scheduled.id, body: "Better wording" });
    expect(await seen()).toEqual(before);
    t.clock.advance(60_000);
    await deleteIncidentUpdate(t.ctx, { incidentId: inc.id, updateId: scheduled.id });
    expect(await seen()).toEqual(before);
  });

  it("without notify enqueues nothing, and a deleted scheduled update never publishes", async () => {
    const t = await createTestCtx();
    close = t.close;
    const api = await createComponent(t.ctx, { name: "API" });
    const { incident: inc } = await createIncident(t.ctx, { name: "Slow API", body: "Looking into it" });
    const quiet = await scheduleIncidentUpdate(t.ctx, {
      incidentId: inc.id,
      status: "identified",
      body: "Quiet one",
      components: { [api.id]: "partial_outage" },
      publishAt: "2026-03-01T12:30",
    });
    const dropped = await scheduleIncidentUpdate(t.ctx, {
      incidentId: inc.id,
      status: "resolved",
      body: "Never shown",
      notify: true,
      publishAt: "2026-03-01T12:40",
    });
    // The only published update can't go while scheduled ones remain; a scheduled one can.
    await expect(
      deleteIncidentUpdate(t.ctx, { incidentId: inc.id, updateId: (await loadIncident(t.db, inc.id))!.updates[0].id }),
    ).rejects.toThrow(/at least one update/);
    await deleteIncidentUpdate(t.ctx, { incidentId: inc.id, updateId: dropped.id });
    t.clock.set(new Date("2026-03-01T13:00:00Z"));
    expect((await work(t)).done["scheduled-updates"]).toBe(1);
    const shown = (await loadIncident(t.db, inc.id))!;
    expect(shown.updates.map((u) => u.id)[0]).toBe(quiet.id);
    expect(shown.status).toBe("identified");
    expect((await t.db.select().from(component).where(eq(component.id, api.id)).get())!.status).toBe("partial_outage");
    expect(await t.db.$count(notification)).toBe(0);
  });

  it(
    "rejects a past time, more than a year ahead, a bad or " +
      "nonexistent wall time, an unpublished incident — leaving " +
      "the database as it was",
    async () => {
      const t = await createTestCtx();
      close = t.close;
      await updatePage(t.ctx, { timeZone: "America/New_York" });
      const { incident: inc } = await createIncident(t.ctx, { name: "Slow API", body: "Looking into it" });
      const { incident: later } = await scheduleIncident(t.ctx, {
        name: "Later",
        body: "x",
        publishAt: "2026-03-02T08:00",
      });
      const before = await dbState(t.db);
      const base = { incidentId: inc.id, status: "monitoring" as const, body: "x" };
      await expect(scheduleIncidentUpdate(t.ctx, { ...base, publishAt: "2026-03-01T06:00" })).rejects.toThrow(/future/);
      await expect(scheduleIncidentUpdate(t.ctx, { ...base, publishAt: "2027-06-01T11:00" })).rejects.toThrow(
        /within a year/,
      );
      await expect(scheduleIncidentUpdate(t.ctx, { ...base, publishAt: "tomorrow at noon" })).rejects.toThrow(
        /YYYY-MM-DDTHH:MM/,
      );
      // 2026-03-08 02:30 does not exist in New York (the clocks skip that hour).
      await expect(scheduleIncidentUpdate(t.ctx, { ...base, publishAt: "2026-03-08T02:30" })).rejects.toThrow(
        /does not exist/,
      );
      await expect(
        scheduleIncidentUpdate(t.ctx, { ...base, incidentId: later.id, publishAt: "2026-03-03T08:00" }),
      ).rejects.toThrow(/not published/);
      await expect(
        scheduleIncidentUpdate(t.ctx, {
          ...base,
          components: { nosuchcomponent: "major_outage" },
          publishAt: "2026-03-02T08:00",
        }),
      ).rejects.toThrow(/Unknown component/);
      await expect(scheduleIncidentUpdate(t.as("viewer"), { ...base, publishAt: "2026-03-02T08:00" })).rejects.toThrow(
        /editor/,
      );
      expect(await dbState(t.db)).toEqual(before);
    },
  );
});
