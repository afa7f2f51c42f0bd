import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { openDb } from "@/db/client";
import { MIGRATIONS_FOLDER, migrateDb } from "@/db/migrate";
import {
  account,
  authSettings,
  channelNotice,
  channelPayload,
  automationComponent,
  componentVendor,
  integration,
  integrationAlert,
  integrationEvent,
  integrationRule,
  incidentNote,
  incidentUpdate,
  viewerMagicLink,
  incidentTemplate,
  invitation,
  mirrorJob,
  mirrorTarget,
  mirrorTargetConfig,
  v2DocumentStamp,
  outboxEmail,
  rateLimit,
  session,
  subscribeLimit,
  subscriberIncident,
  twoFactor,
  verification,
} from "@/db/schema";
import { createTestCtx } from "@/tests/helpers/test-db";
import { createApiKey } from "@/lib/api-keys/api-keys";
import { addChannelTarget } from "@/lib/subscribers/channels";
import { addAudienceNote, addMembers, createAudience, setRestriction } from "@/lib/audiences/audiences";
import { createViewerToken, updateViewerSettings } from "@/lib/viewers/settings";
import { createComponent, createGroup } from "@/lib/components/components";
import { createIncident, postIncidentUpdate } from "@/lib/incidents/incidents";
import { newId } from "@/lib/ids";
import { getPage } from "@/lib/page/page";
import { setupOwner } from "@/lib/users/users";
import { addSubscriber, dbState, tableNames } from "@/tests/helpers/db-state";

// The cascade trap (REFERENCE.md): drizzle-kit rebuilds SQLite tables on some
// changes, and ON DELETE CASCADE then silently deletes child rows. Every table
// is filled, the migrator runs again, and nothing may be lost.

let t: Awaited<ReturnType<typeof createTestCtx>>;

async function allRows(db: typeof t.db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of await tableNames(db)) out[name] = await db.all(sql.raw(`select * from "${name}" order by rowid`));
  return out;
}

beforeAll(async () => {
  t = await createTestCtx("owner");
  const now = t.clock.now();
  const later = new Date(now.getTime() + 86_400_000);
  const pageId = (await getPage(t.db)).id;
  const owner = await setupOwner(t.db, now, {
    name: "Olive",
    email: "olive@example.com",
    password: "correct horse battery",
  });
  await t.db
    .insert(session)
    .values({ id: newId(16), token: newId(32), userId: owner.id, expiresAt: later, createdAt: now, updatedAt: now });
  await t.db.insert(verification).values({
    id: newId(16),
    identifier: "reset:olive@example.com",
    value: "x",
    expiresAt: later,
    createdAt: now,
    updatedAt: now,
  });
  await t.db
    .insert(rateLimit)
    .values({ id: newId(16), key: "127.0.0.1/sign-in/email", count: 1, lastRequest: now.getTime() });
  const group = await createGroup(t.ctx, { name: "Core" });
  const api = await createComponent(t.ctx, { name: "API", groupId: group.id });
  const web = await createComponent(t.ctx, { name: "Website" });
  const everything = await addSubscriber(t.db, pageId, "all@example.com", "active");
  await addSubscriber(t.db, pageId, "scoped@example.com", "active", [api.id, web.id]);
  await addSubscriber(t.db, pageId, "left@example.com", "unsubscribed", [api.id]);
  const channelEnv = {
    secret: "s".repeat(32),
    policy: { allowHttp: true, allowPrivate: true },
    baseUrl: "https://x.example",
    timeoutMs: 1000,
  };
  const ownedHook = await addChannelTarget(t.ctx, channelEnv, {
    kind: "webhook",
    url: "https://hooks.example.com/a",
    componentIds: [api.id],
  });
  const { incident } = await createIncident(t.ctx, {
    name: "API down",
    body: "Investigating",
    components: { [api.id]: "major_outage" },
    notify: true,
  });
  await postIncidentUpdate(t.ctx, { incidentId: incident.id, status: "resolved", body: "Fixed", notify: true });
  await t.db.insert(subscriberIncident).values({ subscriberId: everything, incidentId: incident.id, createdAt: now });
  await t.db.insert(incidentNote).values({
    id: newId(),
    incidentId: incident.id,
    authorLabel: "olive@example.com",
    body: "Internal note",
    createdAt: now,
  });
  await t.db.insert(incidentTemplate).values({
    id: newId(),
    pageId,
    name: "DB slow",
    title: "Database latency",
    body: "We are investigating.",
    status: "investigating",
    components: { [api.id]: "degraded_performance" },
    createdAt: now,
    updatedAt: now,
  });
  await t.db.insert(outboxEmail).values({
    id: newId(),
    idempotencyKey: "k1",
    position: 0,
    fromAddress: "status@acme.example",
    toAddress: "all@example.com",
    subject: "s",
    html: "<p>h</p>",
    text: "t",
    headers: {},
    createdAt: now,
  });
  const [n] = await t.db.all<{ id: string }>(sql`select id from notification limit 1`);
  await t.db.insert(channelPayload).values({ notificationId: n.id, kind: "webhook", body: "{}", createdAt: now });
  await t.db.insert(channelNotice).values({
    id: newId(),
    targetId: ownedHook.target.id,
    toAddress: "owner@example.com",
    fromAddress: "status@acme.example",
    subject: "s",
    html: "<p>h</p>",
    text: "t",
    nextAttemptAt: now,
    createdAt: now,
  });
  await t.db.insert(subscribeLimit).values({ key: "ip:127.0.0.1:1", kind: "ip", windowEnd: later, count: 1 });
  await createApiKey(t.ctx, { name: "CI" });
  await t.db.insert(mirrorTarget).values({
    id: "directory",
    kind: "directory",
    label: "/srv/status",
    manifest: { "index.html": "ab" },
    createdAt: now,
    updatedAt: now,
  });
  await t.db.insert(mirrorJob).values({ id: newId(), version: 1, firstSeenAt: now, dueAt: now, createdAt: now });
  await t.db.insert(v2DocumentStamp).values({ key: "/api/v2/status.json", hash: "ab", changedAt: now });
  await t.db.insert(mirrorTargetConfig).values({
    id: newId(),
    kind: "s3",
    settings: { bucket: "status", region: "auto" },
    credentialsEnc: "sealed",
    createdAt: now,
    updatedAt: now,
  });
  await t.db.insert(account).values({
    id: newId(16),
    accountId: owner.id,
    providerId: "github",
    userId: owner.id,
    createdAt: now,
    updatedAt: now,
  });
  // Staff accounts (lib/auth, lib/users).
  await t.db.insert(twoFactor).values({ id: newId(16), secret: "enc", backupCodes: "enc", userId: owner.id });
  await t.db.insert(invitation).values({
    id: newId(16),
    email: "ed@example.com",
    role: "editor",
    tokenHash: "h",
    createdAt: now,
    sentAt: now,
    expiresAt: later,
  });
  await t.db.insert(authSettings).values({ id: "default", updatedAt: now });
  // Automation (lib/integrations, lib/vendors).
  const hook = newId();
  await t.db
    .insert(integration)
    .values({ id: hook, pageId, name: "Prometheus", tokenHash: "x".repeat(64), createdAt: now, updatedAt: now });
  await t.db.insert(integrationRule).values({
    id: newId(),
    integrationId: hook,
    position: 0,
    match: { service: "api" },
    componentId: api.id,
    status: "major_outage",
    createdAt: now,
  });
  await t.db.insert(integrationAlert).values({
    integrationId: hook,
    alertKey: "fp1",
    componentId: api.id,
    status: "major_outage",
    firing: true,
    summary: "down",
    updatedAt: now,
  });
  await t.db.insert(integrationEvent).values({
    id: newId(),
    integrationId: hook,
    at: now,
    format: "alertmanager",
    alerts: 1,
    outcome: ["API → major_outage"],
  });
  await t.db
    .insert(automationComponent)
    .values({ componentId: api.id, pageId, wanted: "operational", dueAt: later, updatedAt: now });
  await t.db.insert(componentVendor).values({
    componentId: web.id,
    pageId,
    kind: "statuspage",
    url: "https://status.example.com/api/v2/summary.json",
    nextPollAt: now,
    createdAt: now,
    updatedAt: now,
  });
  // Audiences and viewers (issue 13).
  const enterprise = await createAudience(t.ctx, { name: "Enterprise" });
  await addMembers(t.ctx, { audienceId: enterprise.id, emails: ["cto@acme.example", "@acme.example"] });
  await setRestriction(t.ctx, { entityType: "component", entityId: web.id, audienceIds: [enterprise.id] });
  const [firstUpdate] = await t.db.select().from(incidentUpdate).where(eq(incidentUpdate.incidentId, incident.id));
  await addAudienceNote(t.ctx, { updateId: firstUpdate.id, body: "Your shard", audienceIds: [enterprise.id] });
  await updateViewerSettings(t.ctx, {
    visibility: "private",
    magicLinkEnabled: true,
    allowedDomains: "acme.example",
    ipAllowList: "10.0.0.0/8",
  });
  await createViewerToken(t.ctx, { email: "cto@acme.example" });
  await t.db
    .insert(viewerMagicLink)
    .values({ id: newId(), tokenHash: "h", email: "cto@acme.example", expiresAt: later, createdAt: now });
});
afterAll(() => t.close());

describe("migrations", () => {
  it("the fixture fills every table (add new tables to it)", async () => {
    const state = await dbState(t.db);
    const empty = Object.entries(state)
      .filter(([, n]) => n === 0)
      .map(([name]) => name);
    expect(empty).toEqual([]);
  });

  it("running the migrator again on a full database loses no row", async () => {
    const counts = await dbState(t.db);
    const rows = await allRows(t.db);
    await migrateDb(t.db);
    // And from a fresh client, as a restart would.
    const { db, client } = openDb({ url: t.url });
    try {
      await migrateDb(db);
      expect(await dbState(db)).toEqual(counts);
      expect(await allRows(db)).toEqual(rows);
    } finally {
      client.close();
    }
    expect(await dbState(t.db)).toEqual(counts);
  });

  it("no migration declares ON DELETE CASCADE", () => {
    const files = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith(".sql"));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files)
      expect(readFileSync(path.join(MIGRATIONS_FOLDER, f), "utf8"), f).not.toMatch(/on\s+delete\s+cascade/i);
  });

  it("no foreign key in the migrated database cascades deletes", async () => {
    for (const name of await tableNames(t.db)) {
      const fks = await t.db.all<{ table: string; on_delete: string }>(sql.raw(`pragma foreign_key_list("${name}")`));
      for (const fk of fks) expect(`${name} → ${fk.table}: ${fk.on_delete}`).not.toMatch(/CASCADE/i);
    }
  });

  it("every migration is listed in the journal the migrator reads", () => {
    const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
      entries: { tag: string }[];
    };
    const files = readdirSync(MIGRATIONS_FOLDER)
      .filter((f) => f.endsWith(".sql"))
      .map((f) => f.replace(/\.sql$/, ""))
      .sort();
    expect(journal.entries.map((e) => e.tag).sort()).toEqual(files);
  });
});
