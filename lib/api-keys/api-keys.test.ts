import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq, sql } from "drizzle-orm";
import { createTestCtx } from "@/tests/helpers/test-db";
import { account, apiKey, auditLog, session, user } from "@/db/schema";
import { dbState } from "@/tests/helpers/db-state";
import type { User } from "@/db/schema";
import { CLI_ACTOR, type Ctx } from "../context";
import { ForbiddenError, UnauthorizedError, ValidationError } from "../errors";
import { RateLimitedError } from "../limits/rate-limited";
import { changeUserRole, createUser, removeUser } from "../users/users";
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from "./api-keys";
import { ApiKeyLimiter } from "./rate-limit";

let t: Awaited<ReturnType<typeof createTestCtx>>;
// Keys made by the CLI have no creator and act as their own role.
let cli: Ctx;

beforeAll(async () => {
  t = await createTestCtx("owner");
  cli = { ...t.ctx, actor: CLI_ACTOR };
});
afterAll(() => t.close());

const lastAudit = async () => (await t.db.select().from(auditLog).orderBy(asc(auditLog.at)).all()).at(-1)!;

describe("createApiKey", () => {
  it("returns the key once and stores only its hash; the audit row carries no secret", async () => {
    const { key, apiKey: row } = await createApiKey(t.as("admin"), { name: "CI", role: "editor" });
    expect(key).toMatch(/^hrld_[A-Za-z0-9_-]{43}$/);
    expect(row).toMatchObject({
      name: "CI",
      role: "editor",
      prefix: key.slice(0, 11),
      revokedAt: null,
      createdByUserId: "user-admin",
    });
    expect(row.keyHash).not.toContain(key.slice(5));
    const dump =
      JSON.stringify(await t.db.all(sql`select * from api_key`)) + JSON.stringify(await t.db.select().from(auditLog));
    expect(dump).not.toContain(key);
    const a = await lastAudit();
    expect(a).toMatchObject({ action: "api_key.create", entityId: row.id, actorLabel: "admin@example.com" });
    expect(JSON.stringify(a.after)).not.toContain(row.keyHash);
  });

  it("defaults to the admin role", async () => {
    expect((await createApiKey(t.ctx, { name: "Default" })).apiKey.role).toBe("admin");
  });

  it.each([
    ["an owner key", { name: "x", role: "owner" }],
    ["an unknown role", { name: "x", role: "root" }],
    ["an empty name", { name: " " }],
    ["an extra pageId key", { name: "x", pageId: "other" }],
  ])("rejects %s and changes nothing", async (_what, input) => {
    const before = await dbState(t.db);
    await expect(createApiKey(t.ctx, input as never)).rejects.toThrow(ValidationError);
    expect(await dbState(t.db)).toEqual(before);
  });

  it("denies editors and viewers", async () => {
    const before = await dbState(t.db);
    await expect(createApiKey(t.as("editor"), { name: "x", role: "viewer" })).rejects.toThrow(ForbiddenError);
    await expect(createApiKey(t.as("viewer"), { name: "x", role: "viewer" })).rejects.toThrow(ForbiddenError);
    expect(await dbState(t.db)).toEqual(before);
  });
});

describe("authenticateApiKey", () => {
  it("accepts both `OAuth` and `Bearer`, and touches last_used_at at most once a minute", async () => {
    const { key, apiKey: row } = await createApiKey(cli, { name: "Auth", role: "viewer" });
    const now = t.clock.now();
    const actor = await authenticateApiKey(t.db, `OAuth ${key}`, now);
    expect(actor).toMatchObject({ type: "api_key", id: row.id, role: "viewer", pageId: row.pageId });
    expect(actor.label).not.toContain(key);
    expect(await authenticateApiKey(t.db, `Bearer ${key}`, new Date(now.getTime() + 30_000))).toMatchObject({
      id: row.id,
    });
    const used = async () => (await t.db.query.apiKey.findFirst({ where: eq(apiKey.id, row.id) }))!.lastUsedAt;
    expect(await used()).toEqual(now);
    await authenticateApiKey(t.db, `bearer ${key}`, new Date(now.getTime() + 120_000));
    expect(await used()).toEqual(new Date(now.getTime() + 120_000));
  });

  it.each([
    ["no header", null],
    ["an empty header", ""],
    ["another scheme", "Basic dXNlcjpwYXNz"],
    ["a wrong key", "OAuth hrld_not-a-real-key"],
    ["a key with trailing junk", "Bearer a b"],
  ])("rejects %s", async (_what, header) => {
    await expect(authenticateApiKey(t.db, header, t.clock.now())).rejects.toThrow(UnauthorizedError);
  });

  it("rejects a revoked key; revoking is audited once", async () => {
    const { key, apiKey: row } = await createApiKey(cli, { name: "Soon revoked" });
    const before = await dbState(t.db);
    await expect(revokeApiKey(t.as("editor"), { id: row.id })).rejects.toThrow(ForbiddenError);
    expect(await dbState(t.db)).toEqual(before);
    await revokeApiKey(t.as("admin"), { id: row.id });
    expect(await lastAudit()).toMatchObject({ action: "api_key.revoke", entityId: row.id });
    await expect(authenticateApiKey(t.db, `OAuth ${key}`, t.clock.now())).rejects.toThrow(UnauthorizedError);
    const audits = (await t.db.select().from(auditLog)).length;
    await revokeApiKey(t.ctx, { id: row.id });
    expect(await t.db.select().from(auditLog)).toHaveLength(audits);
    expect((await listApiKeys(t.db, row.pageId)).find((k) => k.id === row.id)!.revokedAt).toEqual(t.clock.now());
  });
});

describe("rate limit", () => {
  it("is checked before last_used_at is touched, per key", async () => {
    const { key, apiKey: row } = await createApiKey(cli, { name: "Limited", role: "viewer" });
    const other = (await createApiKey(cli, { name: "Other", role: "viewer" })).key;
    let ms = t.clock.now().getTime();
    const limiter = new ApiKeyLimiter({ ratePerSec: 1, burst: 2 }, () => ms);
    await authenticateApiKey(t.db, `OAuth ${key}`, t.clock.now(), limiter);
    await authenticateApiKey(t.db, `OAuth ${key}`, t.clock.now(), limiter);
    const later = new Date(t.clock.now().getTime() + 120_000);
    const err = await authenticateApiKey(t.db, `OAuth ${key}`, later, limiter).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err.retryAfterSeconds).toBe(1);
    expect((await t.db.query.apiKey.findFirst({ where: eq(apiKey.id, row.id) }))!.lastUsedAt).toEqual(t.clock.now());
    await authenticateApiKey(t.db, `OAuth ${other}`, later, limiter);
    ms += 1000;
    await authenticateApiKey(t.db, `OAuth ${key}`, later, limiter);
  });
});

describe("key lifecycle: a key belongs to the user who created it", () => {
  const PASSWORD = "correct horse battery";
  const asUser = (u: User): Ctx => ({ ...t.ctx, actor: { type: "user", id: u.id, label: u.email, role: u.role } });
  const auth = (key: string) => authenticateApiKey(t.db, `OAuth ${key}`, t.clock.now());
  const auditsFor = (id: string) =>
    t.db.select().from(auditLog).where(eq(auditLog.entityId, id)).orderBy(asc(auditLog.at));
  let n = 0;
  const newUser = (role: "admin" | "editor") =>
    createUser(cli, { name: `User ${++n}`, email: `user${n}@example.com`, password: PASSWORD, role });

  it("acts at most with its creator's current role; demotions and promotions are audited per key", async () => {
    const ada = await newUser("admin");
    const adminKey = await createApiKey(asUser(ada), { name: "Ada's admin key", role: "admin" });
    const editorKey = await createApiKey(asUser(ada), { name: "Ada's editor key", role: "editor" });
    expect((await auth(adminKey.key)).role).toBe("admin");

    await changeUserRole(cli, { userId: ada.id, role: "editor" });
    expect((await auth(adminKey.key)).role).toBe("editor");
    expect((await auth(editorKey.key)).role).toBe("editor");
    expect((await auditsFor(adminKey.apiKey.id)).at(-1)).toMatchObject({
      action: "api_key.role_cap",
      actorLabel: "cli",
      before: { role: "admin", effectiveRole: "admin" },
      after: {
        role: "admin",
        effectiveRole: "editor",
        reason: "creator_role_changed",
        creator: ada.email,
        creatorRole: "editor",
      },
    });
    // The editor key was not above the new role: nothing to audit for it.
    expect((await auditsFor(editorKey.apiKey.id)).map((a) => a.action)).toEqual(["api_key.create"]);

    await changeUserRole(cli, { userId: ada.id, role: "viewer" });
    expect((await auth(adminKey.key)).role).toBe("viewer");
    expect((await auth(editorKey.key)).role).toBe("viewer");
    expect((await auditsFor(editorKey.apiKey.id)).at(-1)).toMatchObject({
      action: "api_key.role_cap",
      after: { effectiveRole: "viewer" },
    });

    await changeUserRole(cli, { userId: ada.id, role: "admin" });
    expect((await auth(adminKey.key)).role).toBe("admin");
    expect((await auditsFor(adminKey.apiKey.id)).map((a) => a.action)).toEqual([
      "api_key.create",
      "api_key.role_cap",
      "api_key.role_cap",
      "api_key.role_cap",
    ]);

    const listed = (await listApiKeys(t.db, adminKey.apiKey.pageId)).find((k) => k.id === adminKey.apiKey.id)!;
    expect(listed).toMatchObject({
      role: "admin",
      effectiveRole: "admin",
      createdBy: { name: ada.name, email: ada.email },
      creatorRemoved: false,
    });
  });

  it("the console lists a capped key with both roles", async () => {
    const bob = await newUser("admin");
    const k = await createApiKey(asUser(bob), { name: "Bob's", role: "admin" });
    await changeUserRole(cli, { userId: bob.id, role: "editor" });
    expect((await listApiKeys(t.db, k.apiKey.pageId)).find((x) => x.id === k.apiKey.id)).toMatchObject({
      role: "admin",
      effectiveRole: "editor",
    });
  });

  it("is revoked, with an audit row, in the transaction that removes its creator; CLI keys stay", async () => {
    const cat = await newUser("editor");
    const k1 = await createApiKey(
      { ...asUser(cat), actor: { ...asUser(cat).actor, role: "admin" } },
      { name: "Cat's", role: "editor" },
    );
    const cliKey = await createApiKey(cli, { name: "Operator's", role: "editor" });
    await removeUser(cli, { userId: cat.id });
    await expect(auth(k1.key)).rejects.toThrow(UnauthorizedError);
    expect((await auth(cliKey.key)).role).toBe("editor");
    const row = (await listApiKeys(t.db, k1.apiKey.pageId)).find((x) => x.id === k1.apiKey.id)!;
    expect(row).toMatchObject({ revokedAt: t.clock.now(), createdBy: null, creatorRemoved: true, effectiveRole: null });
    expect((await auditsFor(k1.apiKey.id)).at(-1)).toMatchObject({
      action: "api_key.revoke",
      actorLabel: "cli",
      after: { reason: "creator_removed", creator: cat.email },
    });
  });

  it(
    "refuses a key whose creator is gone even if it was never " + "revoked (a user deleted before keys followed them)",
    async () => {
      const dan = await newUser("admin");
      const k = await createApiKey(asUser(dan), { name: "Dan's", role: "admin" });
      await t.db.delete(session).where(eq(session.userId, dan.id));
      await t.db.delete(account).where(eq(account.userId, dan.id));
      await t.db.delete(user).where(eq(user.id, dan.id));
      await expect(auth(k.key)).rejects.toThrow(UnauthorizedError);
    },
  );

  it("cannot be created by an API key, which would make a key with no creator", async () => {
    const { apiKey: row } = await createApiKey(cli, { name: "Parent", role: "admin" });
    const before = await dbState(t.db);
    const keyCtx: Ctx = { ...t.ctx, actor: { type: "api_key", id: row.id, label: "API key Parent", role: "admin" } };
    await expect(createApiKey(keyCtx, { name: "Child", role: "viewer" })).rejects.toThrow(ForbiddenError);
    expect(await dbState(t.db)).toEqual(before);
  });
});
