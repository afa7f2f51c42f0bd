import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import {
  auditLog,
  component,
  componentGroup,
  componentStatusChange,
  delivery,
  incident,
  incidentTemplate,
  incidentUpdate,
  incidentUpdateComponent,
  notification,
  subscriber,
  subscriberComponent,
} from "@/db/schema";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import { describePlan, importStatuspage, type StatuspageSource } from "@/lib/import/import-statuspage";
import type { HttpGet } from "@/lib/import/http";
import { safeFetch } from "@/lib/net/fetch";
import { loadSyndication } from "@/lib/public/syndication";
import { GENERATED_INCIDENTS, generatedId } from "@/tests/fixtures/statuspage/v1/incidents";
import { addSubscriber } from "@/tests/helpers/db-state";
import { createTestCtx } from "@/tests/helpers/test-db";
import { dumpDb, replayFetch } from "./helpers";
import { startReplay, V1_KEY, V1_PAGE, type Replay } from "./replay-server";

const SECRET = "x".repeat(40);
const deps = { fetch: replayFetch, secret: SECRET, v1IntervalMs: 0 };

let replay: Replay;
beforeAll(async () => {
  replay = await startReplay();
});
afterAll(() => replay.close());

async function outboxRows(db: Awaited<ReturnType<typeof createTestCtx>>["db"]) {
  return { notifications: await db.$count(notification), deliveries: await db.$count(delivery) };
}

describe("import from a Statuspage page's public v2 JSON", () => {
  let t: Awaited<ReturnType<typeof createTestCtx>>;
  let source: StatuspageSource;
  beforeAll(async () => {
    t = await createTestCtx("admin");
    source = { kind: "v2", url: `${replay.url}/` };
  });
  afterAll(() => t.close());

  it("plans without writing anything on a dry run", async () => {
    const before = await dumpDb(t.db);
    const plan = await importStatuspage(t.ctx, deps, source, { dryRun: true });
    expect(plan.counts.components.created).toBe(4);
    expect(plan.counts.groups.created).toBe(1);
    expect(plan.counts.incidents.created).toBe(3);
    expect(plan.counts.maintenances.created).toBe(2);
    expect(plan.changed).toBe(true);
    expect(describePlan(plan).join("\n")).toContain("would be updated");
    expect(await dumpDb(t.db)).toEqual(before);
  });

  it("keeps Statuspage's ids, groups, order, timelines and current statuses, and sends nothing", async () => {
    const versionBefore = (await t.db.query.page.findFirst())!.contentVersion;
    const plan = await importStatuspage(t.ctx, deps, source, { dryRun: false });
    expect(plan.counts.updates.created).toBe(10);
    expect(plan.notes.join("\n")).toMatch(/1 affected-component entry names a component the page no longer has/);

    const p = (await t.db.query.page.findFirst())!;
    expect([p.name, p.timeZone]).toEqual(["Acmé Cloud ☁️", "Europe/Berlin"]);
    expect(p.contentVersion).toBe(versionBefore + 1);

    const groups = await t.db.select().from(componentGroup);
    expect(groups.map((g) => [g.id, g.name, g.description, g.position])).toEqual([
      ["b13yz5g2cw10", "Core API", "Everything behind api.acme.example", 2],
    ]);
    const comps = await t.db.select().from(component).orderBy(asc(component.position));
    expect(comps.map((c) => [c.id, c.groupId, c.status, c.position])).toEqual([
      ["ftgks51sfs2d", null, "operational", 1],
      ["8kbf7d35c070", "b13yz5g2cw10", "operational", 3],
      ["vtnh60py4yd7", "b13yz5g2cw10", "degraded_performance", 4],
      ["zzq0m4n1p2r3", null, "partial_outage", 5],
    ]);
    expect(comps[2].description).toBe("Abfragen über **GraphQL** (日本語も)");
    expect(comps[3]).toMatchObject({ name: "Webhooks 🚀", onlyShowIfDegraded: true, startDate: "2024-01-15" });

    const incidents = await t.db.select().from(incident).orderBy(asc(incident.createdAt));
    expect(incidents.map((i) => [i.id, i.kind, i.status, i.impact])).toEqual([
      ["w4e5r6t7y8u9", "maintenance", "completed", "none"],
      ["kx7fq6tb0d3w", "incident", "resolved", "major"],
      ["s8d7f6g5h4j3", "maintenance", "scheduled", "none"],
      ["p31zjtct2jer", "incident", "identified", "minor"],
      ["yhf8rn0r5c2m", "incident", "investigating", "major"],
    ]);
    const rest = incidents.find((i) => i.id === "kx7fq6tb0d3w")!;
    // Herald's rule would say critical (a major outage); Statuspage showed major, so it is pinned.
    expect(rest).toMatchObject({
      impactOverride: "major",
      startedAt: new Date("2026-02-20T13:00:00Z"),
      resolvedAt: new Date("2026-02-20T15:40:00Z"),
      monitoringAt: new Date("2026-02-20T14:30:00Z"),
    });
    expect(incidents.find((i) => i.id === "s8d7f6g5h4j3")).toMatchObject({
      scheduledFor: new Date("2026-03-10T01:00:00Z"),
      scheduledUntil: new Date("2026-03-10T03:00:00Z"),
    });

    const updates = await t.db
      .select()
      .from(incidentUpdate)
      .where(eq(incidentUpdate.incidentId, "kx7fq6tb0d3w"))
      .orderBy(asc(incidentUpdate.seq));
    expect(updates.map((u) => [u.id, u.status, u.displayAt.toISOString()])).toEqual([
      ["z0x9c8v7b6n5", "investigating", "2026-02-20T13:00:00.000Z"],
      ["q1w2e3r4t5y6", "monitoring", "2026-02-20T14:30:00.000Z"],
      ["r5t6y7u8i9o0", "resolved", "2026-02-20T15:40:00.000Z"],
    ]);
    expect(updates[0].body).toContain("```\nHTTP/1.1 503 Service Unavailable\n```");
    const affected = await t.db
      .select()
      .from(incidentUpdateComponent)
      .where(eq(incidentUpdateComponent.incidentUpdateId, "z0x9c8v7b6n5"));
    expect(affected.map((a) => [a.componentId, a.oldStatus, a.newStatus]).sort()).toEqual([
      ["8kbf7d35c070", "operational", "major_outage"],
      ["ftgks51sfs2d", "operational", "degraded_performance"],
    ]);
    // The history feeds uptime: the REST API's outage is in its status log.
    const restLog = await t.db
      .select()
      .from(componentStatusChange)
      .where(eq(componentStatusChange.componentId, "8kbf7d35c070"))
      .orderBy(asc(componentStatusChange.at));
    expect(restLog.map((c) => c.newStatus)).toEqual([
      "under_maintenance",
      "operational",
      "major_outage",
      "partial_outage",
      "operational",
    ]);

    expect(await outboxRows(t.db)).toEqual({ notifications: 0, deliveries: 0 });
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.action, "import.statuspage"));
    expect(audits).toHaveLength(1);
  });

  it("serves the same ids through Herald's v2 JSON", async () => {
    const data = await loadSyndication(t.db, { incidents: "recent", maintenances: "recent" });
    expect(data.components.map((c) => c.id)).toEqual(
      expect.arrayContaining(["ftgks51sfs2d", "b13yz5g2cw10", "8kbf7d35c070", "vtnh60py4yd7", "zzq0m4n1p2r3"]),
    );
    expect(data.incidents.map((i) => i.id)).toEqual(["yhf8rn0r5c2m", "p31zjtct2jer", "kx7fq6tb0d3w"]);
    expect(data.incidents[2].updates.map((u) => u.id)).toEqual(["r5t6y7u8i9o0", "q1w2e3r4t5y6", "z0x9c8v7b6n5"]);
  });

  it("changes nothing on a second run", async () => {
    const before = await dumpDb(t.db);
    const plan = await importStatuspage(t.ctx, deps, source, { dryRun: false });
    expect(plan.changed).toBe(false);
    expect(plan.counts.incidents).toEqual({ created: 0, updated: 0, unchanged: 3, skipped: 0 });
    expect(describePlan(plan).join("\n")).toContain("Nothing to change");
    expect(await dumpDb(t.db)).toEqual(before);
  });

  it("updates what changed at the source, without duplicates", async () => {
    const inc = replay.data.v2.incidents.incidents.find((i: { id: string }) => i.id === "yhf8rn0r5c2m");
    inc.name = "Webhook delivery delays (EU)";
    const dash = replay.data.v2.components.components.find((c: { id: string }) => c.id === "ftgks51sfs2d");
    dash.status = "degraded_performance";
    dash.updated_at = "2026-02-28T09:00:00.000+01:00";
    try {
      const counts = {
        incidents: await t.db.$count(incident),
        updates: await t.db.$count(incidentUpdate),
        components: await t.db.$count(component),
      };
      const plan = await importStatuspage(t.ctx, deps, source, { dryRun: false });
      expect(plan.counts.incidents).toMatchObject({ created: 0, updated: 1 });
      expect(plan.counts.statusChanges.created).toBe(1);
      expect({
        incidents: await t.db.$count(incident),
        updates: await t.db.$count(incidentUpdate),
        components: await t.db.$count(component),
      }).toEqual(counts);
      expect((await t.db.query.incident.findFirst({ where: eq(incident.id, "yhf8rn0r5c2m") }))!.name).toBe(
        "Webhook delivery delays (EU)",
      );
      expect((await t.db.query.component.findFirst({ where: eq(component.id, "ftgks51sfs2d") }))!.status).toBe(
        "degraded_performance",
      );
      expect(await outboxRows(t.db)).toEqual({ notifications: 0, deliveries: 0 });
    } finally {
      inc.name = "Webhook delivery delays";
      dash.status = "operational";
      dash.updated_at = "2026-02-20T16:40:00.000+01:00";
    }
  });

  it("refuses editors, and answers bad addresses and bad JSON with clear errors that change nothing", async () => {
    const before = await dumpDb(t.db);
    await expect(importStatuspage(t.as("editor"), deps, source, { dryRun: true })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(
      importStatuspage(t.ctx, deps, { kind: "v2", url: "ftp://status.example.com" }, { dryRun: false }),
    ).rejects.toThrow(/http\(s\)/);
    await expect(
      importStatuspage(t.ctx, deps, { kind: "v2", url: `${replay.url}/nowhere` }, { dryRun: false }),
    ).rejects.toThrow(/nowhere\/api\/v2\/components.json answered 404/);
    // Herald's fetch policy without the test's allowance: the replay server on 127.0.0.1 is out of reach.
    const strict = {
      ...deps,
      fetch: ((url, opts) =>
        safeFetch(url, { ...opts, policy: { allowHttp: true, allowPrivate: false } })) satisfies HttpGet,
    };
    await expect(importStatuspage(t.ctx, strict, source, { dryRun: true })).rejects.toThrow(
      /Could not read http:\/\/127\.0\.0\.1:\d+\/api\/v2\/components\.json/,
    );
    const comp = replay.data.v2.components.components[0];
    comp.status = "on_fire";
    try {
      await expect(importStatuspage(t.ctx, deps, source, { dryRun: false })).rejects.toThrow(
        /not in Statuspage's format: components\.0\.status/,
      );
    } finally {
      comp.status = "operational";
    }
    expect(await dumpDb(t.db)).toEqual(before);
  });
});

describe("import through Statuspage's management API v1", () => {
  let t: Awaited<ReturnType<typeof createTestCtx>>;
  let source: Extract<StatuspageSource, { kind: "v1" }>;
  let existingId: string;
  beforeAll(async () => {
    t = await createTestCtx("admin");
    source = { kind: "v1", apiKey: V1_KEY, pageId: V1_PAGE, apiUrl: `${replay.url}/v1` };
    const p = (await t.db.query.page.findFirst())!;
    existingId = await addSubscriber(t.db, p.id, "already@herald.example", "active");
  });
  afterAll(() => t.close());

  it("reads every page of incidents, subscribers with states and scopes, templates and postmortems", async () => {
    replay.requests.length = 0;
    const plan = await importStatuspage(t.ctx, deps, source, { dryRun: false });
    expect(replay.requests.filter((r) => r.startsWith(`/v1/pages/${V1_PAGE}/incidents`))).toEqual(
      [1, 2, 3].map((n) => `/v1/pages/${V1_PAGE}/incidents?page=${n}&limit=100`),
    );
    expect(plan.counts.incidents.created + plan.counts.maintenances.created).toBe(GENERATED_INCIDENTS + 5);
    expect(await t.db.$count(incident)).toBe(GENERATED_INCIDENTS + 5);
    expect(await t.db.$count(incidentUpdate)).toBe(GENERATED_INCIDENTS * 2 + 10);

    const gen = (await t.db.query.incident.findFirst({ where: eq(incident.id, generatedId(7, "g")) }))!;
    expect(gen).toMatchObject({ status: "resolved", kind: "incident", name: "Störung #7: Webhooks 🚀 errors" });

    const subs = await t.db.select().from(subscriber).orderBy(asc(subscriber.email));
    expect(subs.map((s) => [s.id, s.email, s.state])).toEqual([
      [existingId, "already@herald.example", "active"],
      ["u5e6f7g8h9i0", "bounced@gone.example", "quarantined"],
      ["u2b3c4d5e6f7", "jürgen.müller@kunde.example", "active"],
      ["u6f7g8h9i0j1", "left@customer-three.example", "unsubscribed"],
      ["u1a2b3c4d5e6", "ops@customer-one.example", "active"],
      ["u4d5e6f7g8h9", "pending@customer-two.example", "unconfirmed"],
    ]);
    expect(plan.counts.subscribers).toMatchObject({ created: 5, skipped: 1 });
    expect(plan.notes).toContain("1 sms subscriber left out (Herald imports email subscribers)");
    const scope = await t.db
      .select()
      .from(subscriberComponent)
      .where(eq(subscriberComponent.subscriberId, "u2b3c4d5e6f7"));
    expect(scope.map((s) => s.componentId).sort()).toEqual(["vtnh60py4yd7", "zzq0m4n1p2r3"]);
    // Imported addresses can get Herald's emails (a manage link), but nothing is queued for them.
    expect(subs.find((s) => s.id === "u1a2b3c4d5e6")).toMatchObject({
      confirmTokenHash: null,
      manageTokenHash: expect.any(String),
    });
    expect(subs.find((s) => s.id === "u4d5e6f7g8h9")!.confirmTokenHash).toEqual(expect.any(String));
    expect(await outboxRows(t.db)).toEqual({ notifications: 0, deliveries: 0 });

    const templates = await t.db.select().from(incidentTemplate);
    expect(templates.map((x) => [x.id, x.name, x.status, x.components, x.notify])).toEqual([
      ["t1e2m3p4l5a6", "API down", "investigating", { "8kbf7d35c070": "major_outage" }, true],
    ]);
    expect(plan.notes.join("\n")).toMatch(/template "Planned network work" is for status scheduled/);

    const rest = (await t.db.query.incident.findFirst({ where: eq(incident.id, "kx7fq6tb0d3w") }))!;
    expect(rest).toMatchObject({
      status: "postmortem",
      postmortemPublishedAt: new Date("2026-02-22T10:00:00Z"),
      postmortemDraft: null,
    });
    expect(rest.postmortemBody).toContain("段階的に");
    expect((await t.db.query.incident.findFirst({ where: eq(incident.id, "p31zjtct2jer") }))!).toMatchObject({
      status: "identified",
      postmortemDraft: "Draft: cache node eviction bug.",
      postmortemBody: null,
    });
    expect((await t.db.query.incident.findFirst({ where: eq(incident.id, "s8d7f6g5h4j3") }))!).toMatchObject({
      kind: "maintenance",
      scheduledRemindPrior: true,
      scheduledRemindMinutes: 60,
      reminderSentAt: null,
      scheduledAutoInProgress: true,
      scheduledAutoCompleted: true,
      autoTransitionToMaintenanceState: true,
      autoTransitionDeliverNotificationsAtStart: true,
      autoTransitionDeliverNotificationsAtEnd: false,
    });
    // Statuspage already reminded: Herald must not remind again.
    expect((await t.db.query.incident.findFirst({ where: eq(incident.id, "w4e5r6t7y8u9") }))!.reminderSentAt).toEqual(
      new Date("2026-02-09T23:00:00Z"),
    );
  });

  it("changes nothing on a second run and never touches a subscriber's confirmation", async () => {
    const s = (await t.db.query.subscriber.findFirst({ where: eq(subscriber.id, "u4d5e6f7g8h9") }))!;
    // The person confirmed in Herald since the first run.
    await t.db
      .update(subscriber)
      .set({ state: "active", confirmedAt: t.clock.now(), confirmTokenHash: null, confirmTokenEnc: null })
      .where(eq(subscriber.id, s.id));
    const before = await dumpDb(t.db);
    const plan = await importStatuspage(t.ctx, deps, source, { dryRun: false });
    expect(plan.changed).toBe(false);
    expect(await dumpDb(t.db)).toEqual(before);
  });

  it("answers a refused key with a clear error and changes nothing", async () => {
    const before = await dumpDb(t.db);
    await expect(importStatuspage(t.ctx, deps, { ...source, apiKey: "wrong" }, { dryRun: false })).rejects.toThrow(
      /refused the request \(401\): check the API key/,
    );
    await expect(
      importStatuspage(t.ctx, deps, { ...source, pageId: "../x" }, { dryRun: false }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await dumpDb(t.db)).toEqual(before);
  });
});
