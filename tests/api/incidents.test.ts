import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { delivery, notification, subscriber } from "../../db/schema";
import { newId } from "../../lib/ids";
import { startApi, type ApiClient } from "./helpers";

describe("management API v1: incidents and incident updates", () => {
  let api: ApiClient;
  let web: string;
  let db: string;
  beforeAll(async () => {
    api = await startApi();
    web = (await api.post(`${api.base}/components`, { component: { name: "Web" } })).body.id;
    db = (await api.post(`${api.base}/components`, { component: { name: "Database" } })).body.id;
    const now = new Date();
    await api.server.db.insert(subscriber).values({
      id: newId(),
      pageId: api.page.id,
      email: "reader@example.com",
      state: "active",
      confirmedAt: now,
      createdAt: now,
      updatedAt: now,
    });
  });
  afterAll(() => api?.stop());

  const component = async (id: string) => (await api.get(`${api.base}/components/${id}`)).body;

  it("creates an incident whose components map sets component statuses, then reads and lists it", async () => {
    const created = await api.post(`${api.base}/incidents`, {
      incident: {
        name: "Checkout errors",
        status: "investigating",
        body: "We are looking into failed checkouts.",
        components: { [web]: "partial_outage" },
        component_ids: [web, db],
        deliver_notifications: true,
      },
    });
    expect(created.status).toBe(201);
    const inc = created.body;
    expect(inc).toMatchObject({
      name: "Checkout errors",
      status: "investigating",
      impact: "major",
      impact_override: null,
      page_id: api.page.id,
      backfilled: false,
      resolved_at: null,
      monitoring_at: null,
      shortlink: null,
    });
    expect(inc.id).toMatch(/^[0-9a-z]{12}$/);
    expect(inc.incident_updates).toHaveLength(1);
    const [update] = inc.incident_updates;
    expect(update).toMatchObject({
      status: "investigating",
      body: "We are looking into failed checkouts.",
      incident_id: inc.id,
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    });
    expect(update.affected_components).toEqual(
      expect.arrayContaining([
        { code: web, name: "Web", old_status: "operational", new_status: "partial_outage" },
        { code: db, name: "Database", old_status: "operational", new_status: "operational" },
      ]),
    );
    expect(inc.components.map((c: { id: string }) => c.id).sort()).toEqual([web, db].sort());
    expect((await component(web)).status).toBe("partial_outage");
    // deliver_notifications queued the outbox rows in the same request.
    const queued = await api.server.db.select().from(notification).where(eq(notification.incidentId, inc.id));
    expect(queued.map((n) => n.kind)).toEqual(["incident_created"]);
    expect(await api.server.db.$count(delivery, eq(delivery.notificationId, queued[0].id))).toBe(1);

    expect((await api.get(`${api.base}/incidents/${inc.id}`)).body).toEqual(inc);
    const list = await api.get(`${api.base}/incidents`);
    expect(list.status).toBe(200);
    expect(list.body[0]).toEqual(inc);
  });

  it(
    "posts an update on PATCH with status and body, edits on " +
      "PATCH with name only, and resolving restores components",
    async () => {
      const inc = (
        await api.post(`${api.base}/incidents`, {
          incident: { name: "Slow queries", body: "Looking", components: { [db]: "degraded_performance" } },
        })
      ).body;
      expect((await component(db)).status).toBe("degraded_performance");

      const identified = await api.patch(`${api.base}/incidents/${inc.id}`, {
        incident: { status: "identified", body: "A missing index.", components: { [db]: "major_outage" } },
      });
      expect(identified.status).toBe(200);
      expect(identified.body).toMatchObject({ status: "identified", impact: "critical" });
      expect(identified.body.incident_updates.map((u: { status: string }) => u.status)).toEqual([
        "identified",
        "investigating",
      ]);
      expect((await component(db)).status).toBe("major_outage");

      const renamed = await api.patch(`${api.base}/incidents/${inc.id}`, {
        incident: { name: "Slow database queries", impact_override: "minor" },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ name: "Slow database queries", impact: "minor", impact_override: "minor" });
      expect(renamed.body.incident_updates).toHaveLength(2);

      const monitoring = await api.put(
        `${api.base}/incidents/${inc.id}`,
        { incident: { status: "monitoring" } },
        { key: api.keys.editor },
      );
      expect(monitoring.status).toBe(200);
      expect(monitoring.body.monitoring_at).toBe(monitoring.body.incident_updates[0].display_at);
      expect(monitoring.body.incident_updates[0].body).toBe(
        "A fix has been implemented and we are monitoring the results.",
      );

      const resolved = await api.patch(`${api.base}/incidents/${inc.id}`, {
        incident: { status: "resolved", body: "Fixed." },
      });
      expect(resolved.body.status).toBe("resolved");
      expect(resolved.body.resolved_at).toBe(resolved.body.incident_updates[0].display_at);
      expect(resolved.body.incident_updates[0].affected_components).toEqual([
        { code: db, name: "Database", old_status: "major_outage", new_status: "operational" },
      ]);
      expect((await component(db)).status).toBe("operational");

      const unresolved = await api.get(`${api.base}/incidents/unresolved`);
      expect(unresolved.body.map((i: { id: string }) => i.id)).not.toContain(inc.id);
      expect(unresolved.body.every((i: { status: string }) => i.status !== "resolved")).toBe(true);
    },
  );

  it("records a backfilled incident at its date without touching current state or notifying", async () => {
    const before = await api.snapshot();
    const res = await api.post(`${api.base}/incidents`, {
      incident: {
        name: "Last year's outage",
        body: "It was down.",
        backfilled: true,
        backfill_date: "2025-06-01T10:00:00Z",
        components: { [web]: "major_outage" },
        deliver_notifications: true,
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ backfilled: true, status: "resolved", started_at: "2025-06-01T10:00:00.000Z" });
    const after = await api.snapshot();
    expect(after.componentRows).toEqual(before.componentRows);
    expect(after.statusChanges).toBe(before.statusChanges);
    expect(after.notifications).toBe(before.notifications);
  });

  it("edits and deletes an incident update", async () => {
    const inc = (
      await api.post(`${api.base}/incidents`, { incident: { name: "Login trouble", body: "Typo in this mesage" } })
    ).body;
    await api.patch(`${api.base}/incidents/${inc.id}`, { incident: { body: "Still looking" } });
    const [latest, first] = (await api.get(`${api.base}/incidents/${inc.id}`)).body.incident_updates;

    const edited = await api.patch(`${api.base}/incidents/${inc.id}/incident_updates/${first.id}`, {
      incident_update: { body: "Login fails for some users", display_at: "2026-01-01T09:00:00Z" },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      id: first.id,
      body: "Login fails for some users",
      display_at: "2026-01-01T09:00:00.000Z",
    });
    expect((await api.get(`${api.base}/incidents/${inc.id}/incident_updates/${first.id}`)).body).toEqual(edited.body);

    const deleted = await api.del(`${api.base}/incidents/${inc.id}/incident_updates/${latest.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: latest.id, body: "Still looking" });
    expect(
      (await api.get(`${api.base}/incidents/${inc.id}`)).body.incident_updates.map((u: { id: string }) => u.id),
    ).toEqual([first.id]);

    // The last update cannot go: delete the incident instead.
    const last = await api.del(`${api.base}/incidents/${inc.id}/incident_updates/${first.id}`);
    expect(last.status).toBe(422);

    const gone = await api.del(`${api.base}/incidents/${inc.id}`);
    expect(gone.status).toBe(200);
    expect(gone.body).toMatchObject({ id: inc.id, name: "Login trouble" });
    expect((await api.get(`${api.base}/incidents/${inc.id}`)).status).toBe(404);
  });

  it("lists newest first, searches with q and pages with limit and page", async () => {
    const names = ["Paging one", "Paging two", "Paging three"];
    const ids: string[] = [];
    for (const name of names)
      ids.push((await api.post(`${api.base}/incidents`, { incident: { name, body: "Zebra 100% down_time" } })).body.id);
    const newest = ids.toReversed();

    const all = await api.get(`${api.base}/incidents?q=Paging`);
    expect(all.body.map((i: { id: string }) => i.id)).toEqual(newest);
    const page1 = await api.get(`${api.base}/incidents?q=paging&limit=2`);
    const page2 = await api.get(`${api.base}/incidents?q=paging&limit=2&page=2`);
    expect(page1.body.map((i: { id: string }) => i.id)).toEqual(newest.slice(0, 2));
    expect(page2.body.map((i: { id: string }) => i.id)).toEqual(newest.slice(2));
    expect((await api.get(`${api.base}/incidents?q=paging&limit=2&page=3`)).body).toEqual([]);

    // Bodies are searched too, and LIKE wildcards are literal.
    expect((await api.get(`${api.base}/incidents?q=${encodeURIComponent("100% down_time")}`)).body).toHaveLength(3);
    expect((await api.get(`${api.base}/incidents?q=${encodeURIComponent("1_0%")}`)).body).toEqual([]);
  });

  it("gives the public shortlink once the page has a URL", async () => {
    await api.patch(api.base, { page: { url: "https://status.example.com" } });
    const inc = (await api.post(`${api.base}/incidents`, { incident: { name: "Linked" } })).body;
    expect(inc.shortlink).toBe(`https://status.example.com/incidents/${inc.id}`);
    expect(inc.incident_updates[0].body).toBe("We are currently investigating this issue.");
  });
});
