import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { component, incident, incidentUpdate, page } from "../../db/schema";
import { newId } from "../../lib/ids";
import { startApi, type ApiClient } from "./helpers";

interface Case {
  name: string;
  method: string;
  path: () => string;
  /** A function when it names rows made in beforeAll. */
  body?: unknown;
  status: number;
  /** Expected field error keys (and optionally a message fragment for the first). */
  fields?: string[];
  message?: RegExp;
}

describe("management API v1: bad input is rejected and changes nothing", () => {
  let api: ApiClient;
  let comp: string;
  let group: string;
  let inc: string;
  let update: string;
  // Rows of a second page, which this page's key must never reach.
  const other = { page: newId(), component: newId(), incident: newId(), update: newId() };

  beforeAll(async () => {
    api = await startApi();
    comp = (await api.post(`${api.base}/components`, { component: { name: "Web" } })).body.id;
    group = (await api.post(`${api.base}/component-groups`, { component_group: { name: "Core", components: [comp] } }))
      .body.id;
    const created = (
      await api.post(`${api.base}/incidents`, {
        incident: { name: "Open", body: "Looking", components: { [comp]: "partial_outage" } },
      })
    ).body;
    inc = created.id;
    update = created.incident_updates[0].id;

    const at = new Date(Date.now() + 1000);
    const db = api.server.db;
    await db.insert(page).values({ id: other.page, name: "Internal", createdAt: at, updatedAt: at });
    await db
      .insert(component)
      .values({ id: other.component, pageId: other.page, name: "Secret", position: 0, createdAt: at, updatedAt: at });
    await db.insert(incident).values({
      id: other.incident,
      pageId: other.page,
      name: "Secret",
      status: "investigating",
      startedAt: at,
      createdAt: at,
      updatedAt: at,
    });
    await db.insert(incidentUpdate).values({
      id: other.update,
      incidentId: other.incident,
      status: "investigating",
      body: "x",
      displayAt: at,
      seq: 1,
      createdAt: at,
      updatedAt: at,
    });
  });
  afterAll(() => api?.stop());

  const future = () => new Date(Date.now() + 86_400_000).toISOString();
  const cases: Case[] = [
    // wrappers and mass assignment
    {
      name: "missing wrapper",
      method: "POST",
      path: () => `${api.base}/components`,
      body: { name: "x" },
      status: 422,
      fields: ["component", "_"],
    },
    { name: "empty body", method: "POST", path: () => `${api.base}/incidents`, status: 422, fields: ["incident"] },
    {
      name: "JSON array body",
      method: "POST",
      path: () => `${api.base}/incidents`,
      body: [],
      status: 422,
      fields: ["_"],
    },
    {
      name: "JSON null body",
      method: "PATCH",
      path: () => `${api.base}/components/${comp}`,
      body: "null",
      status: 422,
      fields: ["_"],
    },
    {
      name: "extra keys in the component",
      method: "POST",
      path: () => `${api.base}/components`,
      body: { component: { name: "x", role: "owner", page_id: "abc", isAdmin: true } },
      status: 422,
      fields: ["component"],
      message: /Unknown fields: role, page_id, isAdmin/,
    },
    {
      name: "extra key beside the wrapper",
      method: "POST",
      path: () => `${api.base}/components`,
      body: { component: { name: "x" }, isAdmin: true },
      status: 422,
      fields: ["_"],
    },
    {
      name: "extra key in an incident patch",
      method: "PATCH",
      path: () => `${api.base}/incidents/${inc}`,
      body: () => ({ incident: { name: "x", page_id: other.page } }),
      status: 422,
      fields: ["incident"],
    },
    {
      name: "backfilled on a patch",
      method: "PATCH",
      path: () => `${api.base}/incidents/${inc}`,
      body: { incident: { backfilled: true } },
      status: 422,
      fields: ["incident"],
    },
    {
      name: "extra key in a group",
      method: "POST",
      path: () => `${api.base}/component-groups`,
      body: { component_group: { name: "x", position: 0 } },
      status: 422,
      fields: ["component_group"],
    },
    {
      name: "extra key in an update",
      method: "PATCH",
      path: () => `${api.base}/incidents/${inc}/incident_updates/${update}`,
      body: () => ({ incident_update: { body: "x", incident_id: other.incident } }),
      status: 422,
      fields: ["incident_update"],
    },
    // enums and types
    {
      name: "unknown component status",
      method: "POST",
      path: () => `${api.base}/components`,
      body: { component: { name: "x", status: "broken" } },
      status: 422,
      fields: ["component.status"],
    },
    {
      name: "unknown incident status",
      method: "POST",
      path: () => `${api.base}/incidents`,
      body: { incident: { name: "x", status: "exploded" } },
      status: 422,
      fields: ["incident.status"],
    },
    {
      name: "unknown impact",
      method: "PATCH",
      path: () => `${api.base}/incidents/${inc}`,
      body: { incident: { impact_override: "apocalyptic" } },
      status: 422,
      fields: ["incident.impact_override"],
    },
    {
      name: "unknown status in the components map",
      method: "PATCH",
      path: () => `${api.base}/incidents/${inc}`,
      body: () => ({ incident: { components: { [comp]: "meh" } } }),
      status: 422,
      message: /^incident\.components\.[0-9a-z]{12}: Unknown component status$/,
    },
    {
      name: "array for a name",
      method: "POST",
      path: () => `${api.base}/components`,
      body: { component: { name: ["a", "b"] } },
      status: 422,
      fields: ["component.name"],
    },
    {
      name: "array for a status",
      method: "PATCH",
      path: () => `${api.base}/incidents/${inc}`,
      body: { incident: { status: ["resolved"] } },
      status: 422,
      fields: ["incident.status"],
    },
    {
      name: "string for a boolean",
      method: "POST",
      path: () => `${api.base}/components`,
      body: { component: { name: "x", showcase: "yes" } },
      status: 422,
      fields: ["component.showcase"],
    },
    {
      name: "array for the components map",
      method: "POST",
      path: () => `${api.base}/incidents`,
      body: () => ({ incident: { name: "x", components: [comp] } }),
      status: 422,
      fields: ["incident.components"],
    },
    {
      name: "string for component ids",
      method: "POST",
      path: () => `${api.base}/component-groups`,
      body: () => ({ component_group: { name: "x", components: comp } }),
      status: 422,
      fields: ["component_group.components"],
    },
    {
      name: "null name",
      method: "POST",
      path: () => `${api.base}/incidents`,
      body: { incident: { name: null } },
      status: 422,
      fields: ["incident.name"],
    },
    // values the use cases refuse
    {
      name: "over-long incident name",
      method: "POST",
      path: () => `${api.base}/incidents`,
      body: { incident: { name: "x".repeat(256) } },
      status: 422,
      fields: ["incident.name"],
    },
    {
      name: "blank component name",
      method: "PATCH",
      path: () => `${api.base}/components/${comp}`,
      body: { component: { name: "   " } },
      status: 422,
      fields: ["component.name"],
    },
    {
      name: "bad start date",
      method: "POST",
      path: () => `${api.base}/components`,
      body: { component: { name: "x", start_date: "01/02/2026" } },
      status: 422,
      fields: ["component.start_date"],
    },
    {
      name: "backfill without a date",
      method: "POST",
      path: () => `${api.base}/incidents`,
      body: { incident: { name: "x", backfilled: true } },
      status: 422,
      fields: ["incident.backfill_date"],
    },
    {
      name: "backfill date not a date",
      method: "POST",
      path: () => `${api.base}/incidents`,
      body: { incident: { name: "x", backfilled: true, backfill_date: "yesterday" } },
      status: 422,
      fields: ["incident.backfill_date"],
    },
    {
      name: "backfill date in the future",
      method: "POST",
      path: () => `${api.base}/incidents`,
      body: { incident: { name: "x", backfilled: true, backfill_date: future() } },
      status: 422,
      fields: ["incident.backfill_date"],
    },
    {
      name: "display_at in the future",
      method: "PATCH",
      path: () => `${api.base}/incidents/${inc}/incident_updates/${update}`,
      body: { incident_update: { display_at: future() } },
      status: 422,
      fields: ["incident_update.display_at"],
    },
    {
      name: "unknown component in the map",
      method: "POST",
      path: () => `${api.base}/incidents`,
      body: { incident: { name: "x", components: { zzzzzzzzzzzz: "major_outage" } } },
      status: 422,
      fields: ["incident.components"],
    },
    {
      name: "another page's component in component_ids",
      method: "POST",
      path: () => `${api.base}/incidents`,
      body: () => ({ incident: { name: "x", component_ids: [other.component] } }),
      status: 422,
      fields: ["incident.components"],
    },
    {
      name: "another page's component in a group",
      method: "PATCH",
      path: () => `${api.base}/component-groups/${group}`,
      body: () => ({ component_group: { components: [other.component] } }),
      status: 422,
      fields: ["component_group.components"],
    },
    {
      name: "component_ids without statuses on a patch",
      method: "PATCH",
      path: () => `${api.base}/incidents/${inc}`,
      body: () => ({ incident: { body: "x", component_ids: [comp] } }),
      status: 422,
      fields: ["incident.component_ids"],
    },
    {
      name: "deliver_notifications alone",
      method: "PATCH",
      path: () => `${api.base}/incidents/${inc}`,
      body: { incident: { deliver_notifications: true } },
      status: 422,
      fields: ["incident.deliver_notifications"],
    },
    {
      name: "name edit with a bad status",
      method: "PATCH",
      path: () => `${api.base}/incidents/${inc}`,
      body: { incident: { name: "Renamed", status: "nope" } },
      status: 422,
      fields: ["incident.status"],
    },
    {
      name: "valid update with an over-long name",
      method: "PATCH",
      path: () => `${api.base}/incidents/${inc}`,
      body: { incident: { name: "x".repeat(300), status: "resolved" } },
      status: 422,
      fields: ["incident.name"],
    },
    {
      name: "page url not http",
      method: "PATCH",
      path: () => api.base,
      body: { page: { url: "javascript:alert(1)" } },
      status: 422,
      fields: ["page.url"],
    },
    // malformed and huge bodies
    {
      name: "malformed JSON",
      method: "POST",
      path: () => `${api.base}/incidents`,
      body: '{"incident": {"name": "x",',
      status: 400,
    },
    {
      name: "body over 1 MB",
      method: "POST",
      path: () => `${api.base}/incidents`,
      body: { incident: { name: "x", body: "y".repeat(1_100_000) } },
      status: 413,
    },
    // ids: unknown, malformed, of another page
    {
      name: "unknown page id",
      method: "PATCH",
      path: () => `/pages/zzzzzzzzzzzz/components/${comp}`,
      body: { component: { name: "x" } },
      status: 404,
    },
    {
      name: "another page's id in the path",
      method: "GET",
      path: () => `/pages/${other.page}/components`,
      status: 404,
    },
    {
      name: "another page's component",
      method: "PATCH",
      path: () => `${api.base}/components/${other.component}`,
      body: { component: { name: "x" } },
      status: 404,
    },
    {
      name: "another page's incident",
      method: "GET",
      path: () => `${api.base}/incidents/${other.incident}`,
      status: 404,
    },
    {
      name: "another page's incident delete",
      method: "DELETE",
      path: () => `${api.base}/incidents/${other.incident}`,
      status: 404,
    },
    {
      name: "another incident's update",
      method: "PATCH",
      path: () => `${api.base}/incidents/${inc}/incident_updates/${other.update}`,
      body: { incident_update: { body: "x" } },
      status: 404,
    },
    {
      name: "malformed component id",
      method: "DELETE",
      path: () => `${api.base}/components/${encodeURIComponent("../x")}`,
      status: 404,
    },
    {
      name: "uppercase incident id",
      method: "PATCH",
      path: () => `${api.base}/incidents/ABC`,
      body: { incident: { name: "x" } },
      status: 404,
    },
    { name: "unknown group", method: "DELETE", path: () => `${api.base}/component-groups/zzzzzzzzzzzz`, status: 404 },
    // list parameters
    ...[
      "limit=1e9",
      "limit=abc",
      "limit=0",
      "limit=101",
      "limit=-5",
      "limit=2.5",
      "page=-1",
      "page=0",
      "page=abc",
      "limit=1&limit=2",
      `q=${"x".repeat(256)}`,
    ].map(
      (query): Case => ({
        name: `?${query.slice(0, 20)}`,
        method: "GET",
        path: () => `${api.base}/incidents?${query}`,
        status: 422,
        fields: [query.split("=")[0]],
      }),
    ),
    {
      name: "?limit on unresolved",
      method: "GET",
      path: () => `${api.base}/incidents/unresolved?limit=1e9`,
      status: 422,
      fields: ["limit"],
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const before = await api.snapshot();
    const res = await api.call(c.method, c.path(), { body: typeof c.body === "function" ? c.body() : c.body });
    expect(res.status, JSON.stringify(res.body)).toBe(c.status);
    expect(typeof res.body.error).toBe("string");
    expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|node_modules|\.ts:\d/);
    if (c.fields) expect(Object.keys(res.body.errors ?? {}).sort()).toEqual([...c.fields].sort());
    if (c.message) expect(res.body.error).toMatch(c.message);
    expect(await api.snapshot()).toEqual(before);
  });

  it("rejects a body declared larger than 1 MB before reading it", async () => {
    const res = await fetch(`${api.server.url}/api/v1${api.base}/incidents`, {
      method: "POST",
      headers: {
        authorization: `OAuth ${api.keys.admin}`,
        "content-type": "application/json",
        "content-length": String(2 * 1024 * 1024),
      },
      body: "{}".padEnd(2 * 1024 * 1024, " "),
    });
    expect(res.status).toBe(413);
  });

  it("still lists with valid parameters", async () => {
    const res = await api.get(`${api.base}/incidents?limit=1&page=1&q=Open&unknown=ignored`);
    expect(res.status).toBe(200);
    expect(res.body.map((i: { id: string }) => i.id)).toEqual([inc]);
  });

  it("logged no internal error for any of it", () => {
    expect(api.server.output()).not.toContain("API request failed");
  });
});
