import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, subscriber } from "../../db/schema";
import { createComponent } from "../../lib/components/components";
import { createIncident } from "../../lib/incidents/incidents";
import { dbState } from "../helpers/db-state";
import { startApi, type ApiClient } from "./helpers";

// Duplicate policy (documented on the POST route): a live (unconfirmed or
// active) subscription for the address answers 409 and leaves it as it is.
describe("management API v1: subscribers", () => {
  let api: ApiClient;
  let componentId: string;
  beforeAll(async () => {
    // The worker's own tick is far away: only wakeWorker() after the commit gets the confirmation out in time.
    api = await startApi({ env: { HERALD_WORKER_INTERVAL_MS: "600000" } });
    componentId = (await createComponent(api.ctx, { name: "API" })).id;
  });
  afterAll(() => api?.stop());

  const subs = `/pages/PAGE/subscribers`;
  const path = (p = "") => subs.replace("PAGE", api.page.id) + p;

  it("creates with and without confirmation, reads, lists with filters and deletes (unsubscribes)", async () => {
    const quiet = await api.post(path(), {
      subscriber: { email: "Ops@Example.com", component_ids: [componentId], skip_confirmation_notification: true },
    });
    expect(quiet.status).toBe(201);
    expect(quiet.body).toEqual({
      id: expect.stringMatching(/^[0-9a-z]{12}$/),
      email: "ops@example.com",
      mode: "email",
      skip_confirmation_notification: true,
      quarantined_at: null,
      purge_at: null,
      components: [componentId],
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      state: "active",
    });
    const pending = await api.post(path(), { subscriber: { email: "new@example.com" } });
    expect(pending.status).toBe(201);
    expect(pending.body).toMatchObject({ state: "unconfirmed", skip_confirmation_notification: false, components: [] });
    // The confirmation email is queued and the worker woken: it reaches the outbox within seconds.
    const end = Date.now() + 5_000;
    let mailed = 0;
    while (Date.now() < end && !mailed) {
      mailed = (
        await api.server.db.all<{ n: number }>(
          sql`select count(*) as n from outbox_email where to_address = 'new@example.com'`,
        )
      )[0].n;
      if (!mailed) await new Promise((r) => setTimeout(r, 100));
    }
    expect(mailed).toBe(1);
    expect(await api.server.db.all(sql`select 1 from outbox_email where to_address = 'ops@example.com'`)).toHaveLength(
      0,
    );

    const got = await api.get(path(`/${quiet.body.id}`), { key: api.keys.viewer });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(quiet.body);

    // Default state filter is "active", as on Statuspage.
    expect((await api.get(path(), { key: api.keys.viewer })).body.map((s: { email: string }) => s.email)).toEqual([
      "ops@example.com",
    ]);
    expect((await api.get(path("?state=all"))).body.map((s: { email: string }) => s.email).sort()).toEqual([
      "new@example.com",
      "ops@example.com",
    ]);
    expect((await api.get(path("?state=unconfirmed"))).body.map((s: { email: string }) => s.email)).toEqual([
      "new@example.com",
    ]);
    expect((await api.get(path("?state=all&q=OPS"))).body.map((s: { email: string }) => s.email)).toEqual([
      "ops@example.com",
    ]);
    const page1 = (await api.get(path("?state=all&limit=1&page=1"))).body;
    const page2 = (await api.get(path("?state=all&limit=1&page=2"))).body;
    expect(page1).toHaveLength(1);
    expect(page2).toHaveLength(1);
    expect(page1[0].id).not.toBe(page2[0].id);

    const deleted = await api.del(path(`/${pending.body.id}`));
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: pending.body.id, email: "new@example.com", state: "unsubscribed" });
    expect((await api.get(path("?state=unsubscribed"))).body.map((s: { id: string }) => s.id)).toEqual([
      pending.body.id,
    ]);
    const audit = await api.server.db.select().from(auditLog).where(eq(auditLog.entityId, pending.body.id));
    expect(audit.map((a) => [a.action, a.actorType])).toEqual([
      ["subscriber.add", "api_key"],
      ["subscriber.remove", "api_key"],
    ]);
    // The address is free again after the delete.
    expect(
      (await api.post(path(), { subscriber: { email: "new@example.com", skip_confirmation_notification: true } }))
        .status,
    ).toBe(201);
  });

  it("a duplicate live address is 409 and changes nothing", async () => {
    await api.post(path(), { subscriber: { email: "dup@example.com", skip_confirmation_notification: true } });
    const before = await dbState(api.server.db);
    const again = await api.post(path(), { subscriber: { email: "DUP@example.com" } });
    expect(again.status).toBe(409);
    expect(await dbState(api.server.db)).toEqual(before);
  });

  it("auth: no key 401, wrong key 401, viewer cannot write, unknown or malformed ids 404", async () => {
    expect((await api.get(path(), { key: null })).status).toBe(401);
    expect((await api.get(path(), { key: "hk_wrongwrongwrong" })).status).toBe(401);
    const before = await dbState(api.server.db);
    expect((await api.post(path(), { subscriber: { email: "v@example.com" } }, { key: api.keys.viewer })).status).toBe(
      403,
    );
    const someone = (await api.server.db.select().from(subscriber).limit(1))[0];
    expect((await api.del(path(`/${someone.id}`), { key: api.keys.viewer })).status).toBe(403);
    expect(await dbState(api.server.db)).toEqual(before);
    expect((await api.get(path("/doesnotexist"))).status).toBe(404);
    expect((await api.del(path("/doesnotexist"))).status).toBe(404);
    expect((await api.get(path("/Bad-Id!"))).status).toBe(404);
    expect((await api.get(`/pages/otherpage/subscribers`)).status).toBe(404);
  });

  it("bad input is 422 with the field named, and the database is unchanged", async () => {
    const inc = await createIncident(api.ctx, { name: "Noise", body: "x", notify: false });
    expect(inc.incident.id).toBeTruthy();
    const before = await dbState(api.server.db);
    const cases: Array<[unknown, string]> = [
      [{ subscriber: { email: "not-an-address" } }, "subscriber.email"],
      [{ subscriber: { email: "a@example.com\r\nBcc: x@example.com" } }, "subscriber.email"],
      [{ subscriber: { email: "a@example.com", component_ids: ["nosuchcomponent"] } }, "subscriber.component_ids"],
      [
        { subscriber: { email: "a@example.com", component_ids: [componentId, "nosuchcomponent"] } },
        "subscriber.component_ids",
      ],
      [{ subscriber: { email: "a@example.com", isAdmin: true } }, "subscriber"],
      [{ subscriber: { email: "a@example.com" }, state: "active" }, "_"],
      [
        { subscriber: { email: "a@example.com", skip_confirmation_notification: "yes" } },
        "subscriber.skip_confirmation_notification",
      ],
      [{ subscriber: { email: ["a@example.com"] } }, "subscriber.email"],
      [{}, "subscriber"],
    ];
    for (const [body, field] of cases) {
      const res = await api.post(path(), body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(Object.keys(res.body.errors), JSON.stringify(body)).toContain(field);
    }
    expect((await api.post(path(), "{not json")).status).toBe(400);
    for (const q of ["?state=paused", "?limit=1e9", "?limit=0", "?page=-1", "?state=active&state=all"])
      expect((await api.get(path(q))).status, q).toBe(422);
    expect(await dbState(api.server.db)).toEqual(before);
  });
});
