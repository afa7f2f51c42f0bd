import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, componentStatusChange } from "../../db/schema";
import { startApi, type ApiClient } from "./helpers";

describe("management API v1: components and component groups", () => {
  let api: ApiClient;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api?.stop());

  it("creates, reads, lists, patches and deletes a component", async () => {
    const created = await api.post(`${api.base}/components`, {
      component: {
        name: "API",
        description: "Public REST API",
        status: "degraded_performance",
        showcase: false,
        only_show_if_degraded: true,
        start_date: "2026-01-15",
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      page_id: api.page.id,
      group_id: null,
      group: false,
      name: "API",
      description: "Public REST API",
      status: "degraded_performance",
      showcase: false,
      only_show_if_degraded: true,
      start_date: "2026-01-15",
      hidden: false,
    });
    expect(created.body.id).toMatch(/^[0-9a-z]{12}$/);
    const id = created.body.id;

    const got = await api.get(`${api.base}/components/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const list = await api.get(`${api.base}/components`);
    expect(list.body.map((c: { id: string }) => c.id)).toContain(id);

    const patched = await api.patch(`${api.base}/components/${id}`, {
      component: { name: "REST API", status: "major_outage", description: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, name: "REST API", status: "major_outage", description: null });
    // The status change is logged as coming from the API, for uptime.
    const changes = await api.server.db
      .select()
      .from(componentStatusChange)
      .where(eq(componentStatusChange.componentId, id));
    expect(changes.map((c) => [c.oldStatus, c.newStatus, c.source])).toEqual([
      [null, "degraded_performance", "api"],
      ["degraded_performance", "major_outage", "api"],
    ]);
    const audit = await api.server.db.select().from(auditLog).where(eq(auditLog.entityId, id));
    expect(audit.map((a) => [a.action, a.actorType])).toEqual([
      ["component.create", "api_key"],
      ["component.update", "api_key"],
    ]);

    const put = await api.put(
      `${api.base}/components/${id}`,
      { component: { status: "operational" } },
      { key: api.keys.editor },
    );
    expect(put.status).toBe(200);
    expect(put.body.status).toBe("operational");

    const deleted = await api.del(`${api.base}/components/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id, name: "REST API" });
    expect((await api.get(`${api.base}/components/${id}`)).status).toBe(404);
    expect((await api.del(`${api.base}/components/${id}`)).status).toBe(404);
    expect((await api.get(`${api.base}/components`)).body.map((c: { id: string }) => c.id)).not.toContain(id);
  });

  it("creates, reads, lists, patches and deletes a component group", async () => {
    const a = (await api.post(`${api.base}/components`, { component: { name: "Web" } })).body.id;
    const b = (await api.post(`${api.base}/components`, { component: { name: "Workers" } })).body.id;
    const c = (await api.post(`${api.base}/components`, { component: { name: "Database" } })).body.id;

    const created = await api.post(`${api.base}/component-groups`, {
      component_group: { name: "Core", description: "The core", components: [b, a] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      page_id: api.page.id,
      name: "Core",
      description: "The core",
      components: [b, a],
    });
    const id = created.body.id;
    expect((await api.get(`${api.base}/components/${a}`)).body.group_id).toBe(id);

    expect((await api.get(`${api.base}/component-groups/${id}`)).body).toEqual(created.body);
    const list = await api.get(`${api.base}/component-groups`);
    expect(list.body.map((g: { id: string }) => g.id)).toEqual([id]);

    const patched = await api.patch(`${api.base}/component-groups/${id}`, {
      component_group: { name: "Platform", components: [c, a] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: "Platform", components: [c, a] });
    // Left out of the list: no longer in the group.
    expect((await api.get(`${api.base}/components/${b}`)).body.group_id).toBeNull();

    // A component can also move into a group by its own group_id.
    const moved = await api.patch(`${api.base}/components/${b}`, { component: { group_id: id } });
    expect(moved.body.group_id).toBe(id);
    expect((await api.get(`${api.base}/component-groups/${id}`)).body.components).toEqual([c, a, b]);

    const deleted = await api.del(`${api.base}/component-groups/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id, name: "Platform", components: [c, a, b] });
    expect((await api.get(`${api.base}/component-groups/${id}`)).status).toBe(404);
    // Its components stay, ungrouped.
    expect((await api.get(`${api.base}/components/${a}`)).body).toMatchObject({ id: a, group_id: null });
  });

  it("rejects group members that are unknown, and a group_id of no group", async () => {
    const before = await api.snapshot();
    const group = await api.post(`${api.base}/component-groups`, {
      component_group: { name: "Ghosts", components: ["zzzzzzzzzzzz"] },
    });
    expect(group.status).toBe(422);
    expect(group.body.errors["component_group.components"]).toEqual(["Unknown component: zzzzzzzzzzzz"]);
    const comp = await api.post(`${api.base}/components`, { component: { name: "Orphan", group_id: "zzzzzzzzzzzz" } });
    expect(comp.status).toBe(422);
    expect(comp.body.errors["component.group_id"]).toEqual(["Unknown component group"]);
    expect(await api.snapshot()).toEqual(before);
  });
});
