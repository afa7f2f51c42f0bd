import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKey, auditLog, incident, incidentUpdate, page as pageTable, type User } from "../../db/schema";
import { createApiKey } from "../../lib/api-keys/api-keys";
import type { Ctx } from "../../lib/context";
import { changeUserRole, createUser, removeUser } from "../../lib/users/users";
import { consoleSession } from "../helpers/console-session";
import { startApi, type ApiClient } from "./helpers";

// The management API's per-key limit and the key lifecycle, over HTTP against
// the real server. The burst is the default (10); the refill is slowed to one
// token per 4 s so that concurrent writes, which SQLite serializes over a
// second or two on a busy machine, cannot earn more than one extra token.

describe("management API v1: per-key rate limit and key lifecycle", () => {
  let api: ApiClient;
  beforeAll(async () => {
    api = await startApi({ env: { HERALD_API_RATE_PER_SEC: "0.25", HERALD_API_BURST: "10" } });
    // Load the routes once so the burst below is not spread out by first-request work.
    expect((await api.get(`${api.base}/incidents`)).status).toBe(200);
  });
  afterAll(() => api?.stop());

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let n = 0;
  /** An admin and an admin key made by them in the console. */
  async function adminWithKey() {
    const u = await createUser(api.ctx, {
      name: `Staff ${++n}`,
      email: `staff${n}@example.com`,
      password: "correct horse battery",
      role: "admin",
    });
    const asUser: Ctx = { ...api.ctx, actor: { type: "user", id: u.id, label: u.email, role: u.role } };
    const { key, apiKey: row } = await createApiKey(asUser, { name: `Key of ${u.name}`, role: "admin" });
    return { user: u as User, key, id: row.id };
  }
  const incidentCount = () => api.server.db.$count(incident);
  const pageUrl = async () =>
    (await api.server.db.select({ url: pageTable.url }).from(pageTable).where(eq(pageTable.id, api.page.id)).get())!
      .url;

  it(
    "a rate-limited key: 15 writes at once pass the burst of 10, " +
      "the rest get 429 with Retry-After and write nothing; it " +
      "works again after waiting",
    async () => {
      const { key } = await createApiKey(api.ctx, { name: "busy script", role: "editor" });
      const before = { incidents: await incidentCount(), updates: await api.server.db.$count(incidentUpdate) };
      const results = await Promise.all(
        Array.from({ length: 15 }, (_, i) =>
          api.post(`${api.base}/incidents`, { incident: { name: `Burst ${i}`, body: "Looking" } }, { key }),
        ),
      );
      const created = results.filter((r) => r.status === 201);
      const limited = results.filter((r) => r.status === 429);
      expect(created.length + limited.length).toBe(15);
      // 10 from the burst; an 11th only if the batch took over 4 s to arrive.
      expect(created.length).toBeGreaterThanOrEqual(10);
      expect(created.length).toBeLessThanOrEqual(11);
      for (const r of limited) {
        expect(r.headers.get("retry-after")).toMatch(/^[1-4]$/);
        expect(r.headers.get("content-type")).toMatch(/application\/json/);
        expect(r.body.error).toMatch(/rate limit/i);
      }
      // Refused requests wrote nothing: one incident and one update per 201 only.
      expect(await incidentCount()).toBe(before.incidents + created.length);
      expect(await api.server.db.$count(incidentUpdate)).toBe(before.updates + created.length);

      // Other keys have their own bucket.
      expect((await api.get(`${api.base}/incidents`)).status).toBe(200);

      // The wait this refusal names counts every token taken so far (a batch's own answers may predate its last 201).
      const tooSoon = await api.post(`${api.base}/incidents`, { incident: { name: "Too soon", body: "x" } }, { key });
      expect(tooSoon.status).toBe(429);
      await sleep(Number(tooSoon.headers.get("retry-after")) * 1000 + 100);
      const again = await api.post(
        `${api.base}/incidents`,
        { incident: { name: "After waiting", body: "Looking" } },
        { key },
      );
      expect(again.status).toBe(201);
    },
  );

  it("reads count against the limit too", async () => {
    const { key } = await createApiKey(api.ctx, { name: "busy reader", role: "viewer" });
    const statuses = (
      await Promise.all(Array.from({ length: 15 }, () => api.get(`${api.base}/components`, { key })))
    ).map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(11);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(4);
  });

  it(
    "a demoted admin's key: admin writes are refused after the " +
      "demotion, editor writes still work; a viewer's only reads; " +
      "promotion lifts the cap",
    async () => {
      const { user, key, id } = await adminWithKey();
      expect((await api.patch(api.base, { page: { url: "https://status.acme.test/" } }, { key })).status).toBe(200);
      const url = await pageUrl();

      await changeUserRole(api.ctx, { userId: user.id, role: "editor" });
      const before = await api.snapshot();
      const refused = await api.patch(api.base, { page: { url: "https://evil.example/" } }, { key });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatch(/admin/);
      expect(await pageUrl()).toBe(url);
      expect(await api.snapshot()).toEqual(before);
      expect(
        (await api.post(`${api.base}/incidents`, { incident: { name: "Still an editor", body: "Looking" } }, { key }))
          .status,
      ).toBe(201);
      const cap = await api.server.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entityId, id), eq(auditLog.action, "api_key.role_cap")));
      expect(cap).toHaveLength(1);
      expect(cap[0].after).toMatchObject({ effectiveRole: "editor", creator: user.email });

      await changeUserRole(api.ctx, { userId: user.id, role: "viewer" });
      expect(
        (await api.post(`${api.base}/incidents`, { incident: { name: "Viewer now", body: "x" } }, { key })).status,
      ).toBe(403);
      expect((await api.get(`${api.base}/incidents`, { key })).status).toBe(200);

      await changeUserRole(api.ctx, { userId: user.id, role: "admin" });
      expect((await api.patch(api.base, { page: { url: "https://status.acme.test/back" } }, { key })).status).toBe(200);
    },
  );

  it("a removed user's key gets 401, and the revocation is audited", async () => {
    const { user, key, id } = await adminWithKey();
    expect((await api.get(`${api.base}/incidents`, { key })).status).toBe(200);
    await removeUser(api.ctx, { userId: user.id });
    const before = await api.snapshot();
    const res = await api.patch(api.base, { page: { url: "https://evil.example/" } }, { key });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatch(/revoked/i);
    expect((await api.get(`${api.base}/incidents`, { key })).status).toBe(401);
    expect(await api.snapshot()).toEqual(before);
    const row = (await api.server.db.query.apiKey.findFirst({ where: eq(apiKey.id, id) }))!;
    expect(row.revokedAt).not.toBeNull();
    const [revoke] = await api.server.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, id), eq(auditLog.action, "api_key.revoke")));
    expect(revoke.after).toMatchObject({ reason: "creator_removed", creator: user.email });
  });

  it("a key still works after another user is removed", async () => {
    const { key } = await adminWithKey();
    const other = await adminWithKey();
    await removeUser(api.ctx, { userId: other.user.id });
    expect(
      (await api.post(`${api.base}/incidents`, { incident: { name: "Unaffected", body: "x" } }, { key })).status,
    ).toBe(201);
  });

  it(
    "the console's API keys page shows each key's creator, role " +
      "(and the role it acts with when capped), created and last " +
      "used",
    async () => {
      const { user, key } = await adminWithKey();
      expect((await api.get(`${api.base}/incidents`, { key })).status).toBe(200);
      await changeUserRole(api.ctx, { userId: user.id, role: "editor" });
      const unused = await adminWithKey();
      const gone = await adminWithKey();
      await removeUser(api.ctx, { userId: gone.user.id });
      await createApiKey(api.ctx, { name: "operator key", role: "editor" });
      const owner = await consoleSession(api.server);
      const res = await owner.get("/admin/api-keys");
      expect(res.status).toBe(200);
      const rowText = (name: string) => {
        const row = res.html.split("<tr").find((r) => r.includes(name))!;
        return row
          .replace(/<!--.*?-->/g, "")
          .replace(/<[^>]+>/g, " ")
          .replace(/\s+/g, " ");
      };
      const capped = rowText(`Key of ${user.name}<`);
      expect(capped).toMatch(/admin acts as editor/);
      expect(capped).toContain(user.name);
      expect(capped).not.toMatch(/Never/);
      expect(rowText(`Key of ${unused.user.name}<`)).toMatch(new RegExp(`admin ${unused.user.name} .* Never`));
      expect(rowText("operator key")).toMatch(/editor CLI/);
      expect(rowText(`Key of ${gone.user.name}<`)).toMatch(/admin Removed user .* Revoked/);
    },
  );
});
