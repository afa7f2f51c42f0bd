import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { createTestCtx } from "@/tests/helpers/test-db";
import {
  auditLog,
  component,
  componentStatusChange,
  delivery,
  incident,
  incidentUpdate,
  incidentUpdateComponent,
  notification,
  page,
} from "@/db/schema";
import { addSubscriber, dbState } from "@/tests/helpers/db-state";
import { createComponent } from "../components/components";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors";
import { getContentVersion, getPage } from "../page/page";
import {
  createIncident,
  deleteIncident,
  deleteIncidentUpdate,
  editIncidentUpdate,
  patchIncident,
  postIncidentUpdate,
  resolveIncident,
  updateIncident,
} from "./incidents";
import { scheduleIncident } from "./scheduled";

let t: Awaited<ReturnType<typeof createTestCtx>>;
let pageId: string;
let api: string;
let db: string;
let web: string;
let subs: { all: string; apiOnly: string; webOnly: string; gone: string; pending: string };

beforeAll(async () => {
  t = await createTestCtx("owner");
  pageId = (await getPage(t.db)).id;
  api = (await createComponent(t.ctx, { name: "API" })).id;
  db = (await createComponent(t.ctx, { name: "Database" })).id;
  web = (await createComponent(t.ctx, { name: "Website" })).id;
  subs = {
    all: await addSubscriber(t.db, pageId, "all@example.com", "active"),
    apiOnly: await addSubscriber(t.db, pageId, "api@example.com", "active", [api]),
    webOnly: await addSubscriber(t.db, pageId, "web@example.com", "active", [web]),
    gone: await addSubscriber(t.db, pageId, "gone@example.com", "unsubscribed"),
    pending: await addSubscriber(t.db, pageId, "pending@example.com", "unconfirmed"),
  };
});
afterAll(() => t.close());

const statusOf = async (id: string) => (await t.db.query.component.findFirst({ where: eq(component.id, id) }))!.status;
const changesOf = (id: string) =>
  t.db
    .select()
    .from(componentStatusChange)
    .where(eq(componentStatusChange.componentId, id))
    .orderBy(asc(componentStatusChange.at));
const lastAudit = async () => (await t.db.select().from(auditLog).orderBy(asc(auditLog.at)).all()).at(-1)!;
const deliveriesOf = async (notificationId: string) =>
  (await t.db.select().from(delivery).where(eq(delivery.notificationId, notificationId)))
    .map((d) => d.subscriberId)
    .sort();
const notificationsOf = (incidentId: string) =>
  t.db.select().from(notification).where(eq(notification.incidentId, incidentId)).orderBy(asc(notification.createdAt));
const tick = () => t.clock.advance(60_000);

async function resetComponents() {
  await t.db.update(component).set({ status: "operational" });
  // Close every incident so earlier tests don't hold components.
  await t.db.update(incident).set({ status: "resolved" });
}

describe("createIncident", () => {
  it(
    "writes the incident, its first update, affected components, " + "status history, caches and an audit row",
    async () => {
      await resetComponents();
      tick();
      const v0 = await getContentVersion(t.db, pageId);
      const { incident: inc, update } = await createIncident(t.ctx, {
        name: "API errors",
        body: "We are **investigating**.",
        components: { [api]: "partial_outage" },
        componentIds: [db],
      });
      expect(inc).toMatchObject({
        name: "API errors",
        status: "investigating",
        impact: "major",
        backfilled: false,
        startedAt: t.clock.now(),
      });
      expect(update).toMatchObject({
        status: "investigating",
        body: "We are **investigating**.",
        seq: 1,
        deliverNotifications: false,
        displayAt: t.clock.now(),
      });
      const affected = await t.db
        .select()
        .from(incidentUpdateComponent)
        .where(eq(incidentUpdateComponent.incidentUpdateId, update.id));
      expect(
        affected
          .map(({ componentId, oldStatus, newStatus }) => ({ componentId, oldStatus, newStatus }))
          .sort((a, b) => a.componentId.localeCompare(b.componentId)),
      ).toEqual(
        [
          { componentId: api, oldStatus: "operational", newStatus: "partial_outage" },
          { componentId: db, oldStatus: "operational", newStatus: "operational" },
        ].sort((a, b) => a.componentId.localeCompare(b.componentId)),
      );
      expect(await statusOf(api)).toBe("partial_outage");
      expect(await statusOf(db)).toBe("operational");
      expect((await changesOf(api)).at(-1)).toMatchObject({
        oldStatus: "operational",
        newStatus: "partial_outage",
        source: "incident_update",
        incidentId: inc.id,
        incidentUpdateId: update.id,
        at: t.clock.now(),
      });
      expect(await getContentVersion(t.db, pageId)).toBe(v0 + 1);
      const a = await lastAudit();
      expect(a).toMatchObject({
        action: "incident.create",
        entityType: "incident",
        entityId: inc.id,
        actorType: "user",
        actorId: "user-owner",
        actorLabel: "owner@example.com",
        pageId,
      });
      expect(a.after).toMatchObject({ name: "API errors", status: "investigating", impact: "major" });
    },
  );

  it("writes no outbox rows when notify is off", async () => {
    const { incident: inc } = await createIncident(t.ctx, {
      name: "Quiet",
      body: "x",
      components: { [api]: "degraded_performance" },
    });
    expect(await notificationsOf(inc.id)).toHaveLength(0);
  });

  it("with notify, queues one notification and a delivery per matching active subscriber only", async () => {
    await resetComponents();
    const { incident: inc, update } = await createIncident(t.ctx, {
      name: "API down",
      body: "x",
      components: { [api]: "major_outage" },
      notify: true,
    });
    const [n] = await notificationsOf(inc.id);
    expect(n).toMatchObject({ kind: "incident_created", incidentUpdateId: update.id, pageId });
    // Unscoped and API-scoped get it; the website-only, unsubscribed and unconfirmed ones don't.
    expect(await deliveriesOf(n.id)).toEqual([subs.all, subs.apiOnly].sort());
    const rows = await t.db.select().from(delivery).where(eq(delivery.notificationId, n.id));
    expect(rows.every((r) => r.status === "pending" && r.attempts === 0)).toBe(true);
  });

  it.each([
    ["an over-long name", { name: "x".repeat(256), body: "b" }, "name"],
    ["an unknown status", { name: "n", body: "b", status: "exploded" }, "status"],
    ["an unknown component status", { name: "n", body: "b", components: { abc: "on_fire" } }, "components.abc"],
    ["an extra pageId key", { name: "n", body: "b", pageId: "other" }, "_"],
    ["an empty body", { name: "n", body: "   " }, "body"],
  ])("rejects %s and changes nothing", async (_what, input, field) => {
    const before = await dbState(t.db);
    const err = await createIncident(t.ctx, input as never).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(Object.keys((err as ValidationError).fieldErrors)).toContain(field);
    expect(await dbState(t.db)).toEqual(before);
  });

  it("rejects an unknown component id and one of another page, changing nothing", async () => {
    const later = new Date(t.clock.now().getTime() + 1000);
    const otherPage = "otherpage1";
    await t.db.insert(page).values({ id: otherPage, name: "Internal", createdAt: later, updatedAt: later });
    await t.db.insert(component).values({
      id: "foreigncomp1",
      pageId: otherPage,
      name: "Other",
      position: 0,
      createdAt: later,
      updatedAt: later,
    });
    for (const id of ["nosuchcomponent", "foreigncomp1"]) {
      const before = await dbState(t.db);
      await expect(
        createIncident(t.ctx, { name: "n", body: "b", components: { [id]: "major_outage" } }),
      ).rejects.toThrow(ValidationError);
      await expect(createIncident(t.ctx, { name: "n", body: "b", componentIds: [id] })).rejects.toThrow(
        ValidationError,
      );
      expect(await dbState(t.db)).toEqual(before);
    }
  });

  it("denies a viewer and changes nothing", async () => {
    const before = await dbState(t.db);
    await expect(createIncident(t.as("viewer"), { name: "n", body: "b" })).rejects.toThrow(ForbiddenError);
    expect(await dbState(t.db)).toEqual(before);
  });
});

describe("postIncidentUpdate and resolveIncident", () => {
  it("posts an update, changes components and notifies only when asked", async () => {
    await resetComponents();
    const { incident: inc } = await createIncident(t.as("editor"), {
      name: "Slow DB",
      body: "x",
      components: { [db]: "degraded_performance" },
    });
    tick();
    const v0 = await getContentVersion(t.db, pageId);
    const r = await postIncidentUpdate(t.as("editor"), {
      incidentId: inc.id,
      status: "identified",
      body: "Found it",
      components: { [db]: "partial_outage" },
    });
    expect(r.incident).toMatchObject({ status: "identified", impact: "major", identifiedAt: t.clock.now() });
    expect(r.update.seq).toBe(2);
    expect(await statusOf(db)).toBe("partial_outage");
    expect(await getContentVersion(t.db, pageId)).toBe(v0 + 1);
    expect(await notificationsOf(inc.id)).toHaveLength(0);
    const a = await lastAudit();
    expect(a).toMatchObject({ action: "incident.post_update", actorLabel: "editor@example.com" });
    expect(a.before).toMatchObject({ status: "investigating" });
    expect(a.after).toMatchObject({ status: "identified" });

    tick();
    await postIncidentUpdate(t.ctx, { incidentId: inc.id, status: "monitoring", body: "Fix deployed", notify: true });
    tick();
    const resolved = await resolveIncident(t.ctx, { incidentId: inc.id, body: "All good", notify: true });
    expect(resolved.incident).toMatchObject({ status: "resolved", resolvedAt: t.clock.now(), impact: "major" });
    expect(await statusOf(db)).toBe("operational");
    const ns = await notificationsOf(inc.id);
    expect(ns.map((n) => n.kind)).toEqual(["incident_updated", "incident_resolved"]);
    // DB-scoped nobody: only the unscoped subscriber.
    expect(await deliveriesOf(ns[1].id)).toEqual([subs.all]);
  });

  it("resolving keeps a component status the resolving update sets explicitly", async () => {
    await resetComponents();
    const { incident: inc } = await createIncident(t.ctx, {
      name: "Web",
      body: "x",
      components: { [web]: "major_outage" },
    });
    await resolveIncident(t.ctx, {
      incidentId: inc.id,
      body: "Mostly fixed",
      components: { [web]: "degraded_performance" },
    });
    expect(await statusOf(web)).toBe("degraded_performance");
  });

  it("several incidents open at once: resolving one does not return a component the other still holds", async () => {
    await resetComponents();
    const a = await createIncident(t.ctx, {
      name: "A",
      body: "x",
      components: { [api]: "partial_outage", [web]: "degraded_performance" },
    });
    const b = await createIncident(t.ctx, { name: "B", body: "x", components: { [api]: "major_outage" } });
    await resolveIncident(t.ctx, { incidentId: a.incident.id, body: "A fixed" });
    expect(await statusOf(web)).toBe("operational");
    expect(await statusOf(api)).toBe("major_outage");
    await resolveIncident(t.ctx, { incidentId: b.incident.id, body: "B fixed" });
    expect(await statusOf(api)).toBe("operational");
  });

  it("regression: resolving returns a component that the other open incident already released", async () => {
    await resetComponents();
    const a = await createIncident(t.ctx, { name: "A", body: "x", components: { [api]: "partial_outage" } });
    const b = await createIncident(t.ctx, { name: "B", body: "x", components: { [api]: "major_outage" } });
    // B is still open (monitoring) but says the API is fine again.
    await postIncidentUpdate(t.ctx, {
      incidentId: b.incident.id,
      status: "monitoring",
      body: "API recovered",
      components: { [api]: "operational" },
    });
    await postIncidentUpdate(t.ctx, {
      incidentId: a.incident.id,
      status: "identified",
      body: "Still degraded",
      components: { [api]: "partial_outage" },
    });
    await resolveIncident(t.ctx, { incidentId: a.incident.id, body: "A fixed" });
    expect(await statusOf(api)).toBe("operational");
  });

  it("resolving gives a component back to what the incidents still holding it say, not to its own word", async () => {
    await resetComponents();
    const a = await createIncident(t.ctx, { name: "A", body: "x", components: { [api]: "major_outage" } });
    const b = await createIncident(t.ctx, { name: "B", body: "x", components: { [api]: "degraded_performance" } });
    await postIncidentUpdate(t.ctx, {
      incidentId: a.incident.id,
      status: "identified",
      body: "Worse",
      components: { [api]: "major_outage" },
    });
    await resolveIncident(t.ctx, { incidentId: a.incident.id, body: "A fixed" });
    expect(await statusOf(api)).toBe("degraded_performance");
    await resolveIncident(t.ctx, { incidentId: b.incident.id, body: "B fixed" });
    expect(await statusOf(api)).toBe("operational");
  });

  it("an incident scheduled for later holds no component: resolving another gives it back", async () => {
    await resetComponents();
    const a = await createIncident(t.ctx, { name: "A", body: "x", components: { [api]: "major_outage" } });
    await scheduleIncident(t.ctx, {
      name: "Planned",
      body: "x",
      components: { [api]: "degraded_performance" },
      publishAt: "2026-04-01T14:00",
    });
    await resolveIncident(t.ctx, { incidentId: a.incident.id, body: "A fixed" });
    expect(await statusOf(api)).toBe("operational");
  });

  it("regression: concurrent publishes in one process all succeed instead of failing with SQLITE_BUSY", async () => {
    const started = Date.now();
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map((i) => createIncident(t.ctx, { name: `Concurrent ${i}`, body: "x" })),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled"]);
    // The failure mode was a stall for the whole busy timeout (5 s) per waiting transaction.
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it("a back-dated update goes into the timeline without becoming the status", async () => {
    await resetComponents();
    const { incident: inc } = await createIncident(t.ctx, { name: "Backdate", body: "x" });
    tick();
    await postIncidentUpdate(t.ctx, { incidentId: inc.id, status: "monitoring", body: "m" });
    const r = await postIncidentUpdate(t.ctx, {
      incidentId: inc.id,
      status: "identified",
      body: "late note",
      displayAt: new Date(t.clock.now().getTime() - 30_000),
    });
    expect(r.incident.status).toBe("monitoring");
    expect(r.incident.identifiedAt).toEqual(new Date(t.clock.now().getTime() - 30_000));
  });

  it("rejects a display time in the future and an unknown incident, changing nothing", async () => {
    const { incident: inc } = await createIncident(t.ctx, { name: "Future", body: "x" });
    const before = await dbState(t.db);
    const future = new Date(t.clock.now().getTime() + 3_600_000);
    await expect(
      postIncidentUpdate(t.ctx, { incidentId: inc.id, status: "identified", body: "b", displayAt: future }),
    ).rejects.toThrow(ValidationError);
    await expect(
      postIncidentUpdate(t.ctx, { incidentId: "nosuchincident", status: "identified", body: "b" }),
    ).rejects.toThrow(NotFoundError);
    await expect(
      postIncidentUpdate(t.ctx, { incidentId: inc.id, status: "identified", body: "b", role: "owner" } as never),
    ).rejects.toThrow(ValidationError);
    await expect(
      postIncidentUpdate(t.as("viewer"), { incidentId: inc.id, status: "identified", body: "b" }),
    ).rejects.toThrow(ForbiddenError);
    expect(await dbState(t.db)).toEqual(before);
  });
});

describe("backfilled incidents", () => {
  it("record history with the back-dated time, touch no current state and never notify", async () => {
    await resetComponents();
    const historyBefore = (await changesOf(api)).length;
    const when = new Date(t.clock.now().getTime() - 7 * 86_400_000);
    const { incident: inc, update } = await createIncident(t.ctx, {
      name: "Last week's outage",
      body: "Recorded after the fact",
      components: { [api]: "major_outage" },
      notify: true,
      backfilled: true,
      backfillDate: when,
    });
    expect(inc).toMatchObject({
      backfilled: true,
      status: "resolved",
      startedAt: when,
      resolvedAt: when,
      impact: "critical",
    });
    expect(update).toMatchObject({ displayAt: when, deliverNotifications: false });
    expect(await statusOf(api)).toBe("operational");
    expect(await changesOf(api)).toHaveLength(historyBefore);
    expect(await notificationsOf(inc.id)).toHaveLength(0);
    // A later update with notify on stays silent too.
    await postIncidentUpdate(t.ctx, {
      incidentId: inc.id,
      status: "resolved",
      body: "Postscript",
      notify: true,
      components: { [api]: "major_outage" },
    });
    expect(await notificationsOf(inc.id)).toHaveLength(0);
    expect(await statusOf(api)).toBe("operational");
  });

  it("need the date it happened, and it cannot be in the future", async () => {
    const before = await dbState(t.db);
    await expect(createIncident(t.ctx, { name: "n", body: "b", backfilled: true })).rejects.toThrow(ValidationError);
    await expect(
      createIncident(t.ctx, {
        name: "n",
        body: "b",
        backfilled: true,
        backfillDate: new Date(t.clock.now().getTime() + 86_400_000),
      }),
    ).rejects.toThrow(ValidationError);
    expect(await dbState(t.db)).toEqual(before);
  });
});

describe("editing and deleting", () => {
  it("edits an update's wording and status, recomputing the incident status", async () => {
    const { incident: inc } = await createIncident(t.ctx, { name: "Edit me", body: "typo" });
    tick();
    const { update } = await postIncidentUpdate(t.ctx, { incidentId: inc.id, status: "identified", body: "found" });
    const v0 = await getContentVersion(t.db, pageId);
    const edited = await editIncidentUpdate(t.as("editor"), {
      incidentId: inc.id,
      updateId: update.id,
      body: "Found the cause",
      status: "monitoring",
    });
    expect(edited).toMatchObject({ body: "Found the cause", status: "monitoring" });
    expect((await t.db.query.incident.findFirst({ where: eq(incident.id, inc.id) }))!.status).toBe("monitoring");
    expect(await getContentVersion(t.db, pageId)).toBe(v0 + 1);
    const a = await lastAudit();
    expect(a).toMatchObject({ action: "incident_update.edit", entityId: update.id });
    expect(a.before).toMatchObject({ body: "found", status: "identified" });
    expect(a.after).toMatchObject({ body: "Found the cause", status: "monitoring" });
  });

  it("deletes an update (not the last one), cancelling its pending deliveries", async () => {
    await resetComponents();
    const { incident: inc, update: first } = await createIncident(t.ctx, {
      name: "Del",
      body: "x",
      components: { [api]: "degraded_performance" },
    });
    tick();
    const { update } = await postIncidentUpdate(t.ctx, {
      incidentId: inc.id,
      status: "monitoring",
      body: "oops",
      notify: true,
      components: { [api]: "partial_outage" },
    });
    const [n] = await notificationsOf(inc.id);
    await deleteIncidentUpdate(t.ctx, { incidentId: inc.id, updateId: update.id });
    expect(await t.db.query.incidentUpdate.findFirst({ where: eq(incidentUpdate.id, update.id) })).toBeUndefined();
    expect(
      await t.db.select().from(incidentUpdateComponent).where(eq(incidentUpdateComponent.incidentUpdateId, update.id)),
    ).toHaveLength(0);
    const inc2 = (await t.db.query.incident.findFirst({ where: eq(incident.id, inc.id) }))!;
    expect(inc2).toMatchObject({ status: "investigating", monitoringAt: null, impact: "minor" });
    const ds = await t.db.select().from(delivery).where(eq(delivery.notificationId, n.id));
    expect(ds.length).toBeGreaterThan(0);
    expect(ds.every((d) => d.status === "skipped")).toBe(true);
    expect((await lastAudit()).action).toBe("incident_update.delete");
    const before = await dbState(t.db);
    await expect(deleteIncidentUpdate(t.ctx, { incidentId: inc.id, updateId: first.id })).rejects.toThrow(
      ValidationError,
    );
    await expect(deleteIncidentUpdate(t.as("viewer"), { incidentId: inc.id, updateId: first.id })).rejects.toThrow(
      ForbiddenError,
    );
    expect(await dbState(t.db)).toEqual(before);
  });

  it("deletes an incident (admin only) but keeps the component history it caused", async () => {
    await resetComponents();
    const { incident: inc } = await createIncident(t.ctx, {
      name: "Gone",
      body: "x",
      components: { [web]: "partial_outage" },
      notify: true,
    });
    const history = await t.db.select().from(componentStatusChange).where(eq(componentStatusChange.incidentId, inc.id));
    expect(history).toHaveLength(1);
    const before = await dbState(t.db);
    await expect(deleteIncident(t.as("editor"), { id: inc.id })).rejects.toThrow(ForbiddenError);
    expect(await dbState(t.db)).toEqual(before);
    await deleteIncident(t.as("admin"), { id: inc.id });
    expect(await t.db.query.incident.findFirst({ where: eq(incident.id, inc.id) })).toBeUndefined();
    expect(await t.db.select().from(incidentUpdate).where(eq(incidentUpdate.incidentId, inc.id))).toHaveLength(0);
    expect(
      await t.db.select().from(componentStatusChange).where(eq(componentStatusChange.incidentId, inc.id)),
    ).toHaveLength(1);
    const [n] = await notificationsOf(inc.id);
    expect(
      await t.db
        .select()
        .from(delivery)
        .where(and(eq(delivery.notificationId, n.id), eq(delivery.status, "pending"))),
    ).toHaveLength(0);
    expect(await lastAudit()).toMatchObject({ action: "incident.delete", actorLabel: "admin@example.com" });
  });

  it("renames and overrides impact; clearing the override returns the computed impact", async () => {
    await resetComponents();
    const { incident: inc } = await createIncident(t.ctx, {
      name: "Small",
      body: "x",
      components: { [db]: "degraded_performance" },
    });
    const r = await updateIncident(t.as("editor"), { id: inc.id, name: "Bigger", impactOverride: "critical" });
    expect(r).toMatchObject({ name: "Bigger", impact: "critical", impactOverride: "critical" });
    expect((await updateIncident(t.ctx, { id: inc.id, impactOverride: null })).impact).toBe("minor");
    const before = await dbState(t.db);
    await expect(updateIncident(t.ctx, { id: inc.id, status: "resolved" } as never)).rejects.toThrow(ValidationError);
    await expect(updateIncident(t.ctx, { id: inc.id, name: "x".repeat(256) })).rejects.toThrow(ValidationError);
    expect(await dbState(t.db)).toEqual(before);
  });
});

describe("regressions", () => {
  it("regression: a hidden component's outage does not raise the public impact", async () => {
    tick();
    const secret = (await createComponent(t.ctx, { name: "Internal billing job", hidden: true })).id;
    const { incident: created } = await createIncident(t.ctx, {
      name: "Internal only",
      body: "x",
      components: { [secret]: "major_outage", [web]: "degraded_performance" },
    });
    expect(created.impact).toBe("minor");
    await resolveIncident(t.ctx, { incidentId: created.id, body: "done" });
  });

  it(
    "regression: a PATCH that edits and posts is one transaction " + "(a bad update leaves the name unchanged)",
    async () => {
      tick();
      const { incident: created } = await createIncident(t.ctx, { name: "Before", body: "x" });
      const before = await dbState(t.db);
      await expect(
        patchIncident(t.ctx, {
          edit: { id: created.id, name: "After" },
          post: {
            incidentId: created.id,
            status: "identified",
            body: "y",
            components: { nosuchcomponent: "major_outage" },
          },
        }),
      ).rejects.toBeInstanceOf(ValidationError);
      expect(await dbState(t.db)).toEqual(before);
      expect((await t.db.query.incident.findFirst({ where: eq(incident.id, created.id) }))!.name).toBe("Before");
      await patchIncident(t.ctx, {
        edit: { id: created.id, name: "After" },
        post: { incidentId: created.id, status: "resolved", body: "z" },
      });
      const after = (await t.db.query.incident.findFirst({ where: eq(incident.id, created.id) }))!;
      expect([after.name, after.status]).toEqual(["After", "resolved"]);
    },
  );
});
