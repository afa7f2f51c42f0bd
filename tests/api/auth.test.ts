import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKey } from "../../db/schema";
import { createApiKey, revokeApiKey } from "../../lib/api-keys/api-keys";
import { startApi, type ApiClient } from "./helpers";

describe("management API v1: authentication and pages", () => {
  let api: ApiClient;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api?.stop());

  it("answers 401 with a WWW-Authenticate hint without a key", async () => {
    const res = await api.get("/pages", { key: null });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/OAuth/);
    expect(res.body.error).toMatch(/Authorization: OAuth/);
  });

  it("answers 401 for an unknown key and for a malformed header", async () => {
    expect((await api.get("/pages", { key: "hrld_not-a-real-key" })).status).toBe(401);
    expect((await api.get("/pages", { key: api.keys.admin, scheme: "Basic" })).status).toBe(401);
    expect((await api.get(`${api.base}/components`, { key: "" })).status).toBe(401);
  });

  it("accepts both `OAuth` and `Bearer`", async () => {
    const oauth = await api.get("/pages", { scheme: "OAuth" });
    const bearer = await api.get("/pages", { scheme: "Bearer" });
    expect(oauth.status).toBe(200);
    expect(bearer.status).toBe(200);
    expect(bearer.body).toEqual(oauth.body);
  });

  it("rejects a revoked key", async () => {
    const { key, apiKey: row } = await createApiKey(api.ctx, { name: "soon revoked", role: "admin" });
    expect((await api.get("/pages", { key })).status).toBe(200);
    await revokeApiKey(api.ctx, { id: row.id });
    const res = await api.get("/pages", { key });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBeTruthy();
  });

  it("lets a viewer key read but not write, and the write changes nothing", async () => {
    expect((await api.get(`${api.base}/components`, { key: api.keys.viewer })).status).toBe(200);
    const before = await api.snapshot();
    const writes = [
      await api.post(`${api.base}/components`, { component: { name: "Viewer's" } }, { key: api.keys.viewer }),
      await api.post(`${api.base}/incidents`, { incident: { name: "Viewer's" } }, { key: api.keys.viewer }),
      await api.patch(api.base, { page: { name: "Viewer's" } }, { key: api.keys.viewer }),
    ];
    for (const res of writes) expect(res.status).toBe(403);
    expect(await api.snapshot()).toEqual(before);
  });

  it("lets an editor key post incidents but not restructure components", async () => {
    const created = await api.post(
      `${api.base}/components`,
      { component: { name: "Editor's" } },
      { key: api.keys.editor },
    );
    expect(created.status).toBe(403);
    const incident = await api.post(
      `${api.base}/incidents`,
      { incident: { name: "Editor's incident", body: "Looking" } },
      { key: api.keys.editor },
    );
    expect(incident.status).toBe(201);
  });

  it("lists the key's page and shows it in Statuspage's shape, uncached", async () => {
    const list = await api.get("/pages");
    expect(list.headers.get("cache-control")).toBe("no-store");
    expect(list.body).toHaveLength(1);
    const res = await api.get(api.base);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: api.page.id, name: api.page.name, time_zone: "UTC", url: null });
    expect(res.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(list.body[0]).toEqual(res.body);
  });

  it("answers 404 for an unknown page id, in every route", async () => {
    for (const path of [
      "/pages/zzzzzzzzzzzz",
      "/pages/zzzzzzzzzzzz/components",
      "/pages/zzzzzzzzzzzz/incidents",
      "/pages/NOT-AN-ID/component-groups",
    ]) {
      const res = await api.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.error).toBe("Page not found");
    }
  });

  it("patches the page settings", async () => {
    const res = await api.patch(api.base, {
      page: { name: "Acme Status", url: "https://status.acme.test/", time_zone: "Europe/Berlin" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: "Acme Status",
      url: "https://status.acme.test",
      domain: "status.acme.test",
      time_zone: "Europe/Berlin",
    });
    expect((await api.get(api.base)).body.name).toBe("Acme Status");
  });

  it("rejects page settings it does not know or cannot accept", async () => {
    const before = await api.snapshot();
    const extra = await api.patch(api.base, { page: { name: "x", content_version: 1 } });
    expect(extra.status).toBe(422);
    expect(extra.body.errors.page).toEqual(["Unknown field: content_version"]);
    const zone = await api.patch(api.base, { page: { time_zone: "Mars/Olympus" } });
    expect(zone.status).toBe(422);
    expect(zone.body.errors["page.time_zone"]).toEqual(["Unknown time zone"]);
    expect(await api.snapshot()).toEqual(before);
  });

  it("keeps reads free of writes beyond the key's last use", async () => {
    const before = await api.snapshot();
    await api.get("/pages");
    await api.get(`${api.base}/components`);
    await api.get(`${api.base}/incidents`);
    expect(await api.snapshot()).toEqual(before);
    const row = await api.server.db.query.apiKey.findFirst({ where: eq(apiKey.name, "admin key") });
    expect(row?.lastUsedAt).toBeInstanceOf(Date);
  });

  it("answers unknown methods with 405 and unknown paths with a JSON 404", async () => {
    expect((await api.call("POST", "/pages")).status).toBe(405);
    const res = await api.get(`${api.base}/no-such-resource`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: "Not found" });
  });
});
