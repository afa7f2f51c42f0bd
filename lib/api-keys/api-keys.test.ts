import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq, sql } from "drizzle-orm";
import { createTestCtx } from "@/db/testing";
import { apiKey, auditLog } from "@/db/schema";
import { dbState } from "@/tests/helpers/db-state";
import { ForbiddenError, UnauthorizedError, ValidationError } from "../errors";
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from "./api-keys";

let t: Awaited<ReturnType<typeof createTestCtx>>;

beforeAll(async () => {
  t = await createTestCtx("owner");
});
afterAll(() => t.close());

const lastAudit = async () => (await t.db.select().from(auditLog).orderBy(asc(auditLog.at)).all()).at(-1)!;

describe("createApiKey", () => {
  it("returns the key once and stores only its hash; the audit row carries no secret", async () => {
    const { key, apiKey: row } = await createApiKey(t.as("admin"), { name: "CI", role: "editor" });
    expect(key).toMatch(/^hrld_[A-Za-z0-9_-]{43}$/);
    expect(row).toMatchObject({ name: "CI", role: "editor", prefix: key.slice(0, 11), revokedAt: null, createdByUserId: "user-admin" });
    expect(row.keyHash).not.toContain(key.slice(5));
    const dump = JSON.stringify(await t.db.all(sql`select * from api_key`)) + JSON.stringify(await t.db.select().from(auditLog));
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
    const { key, apiKey: row } = await createApiKey(t.ctx, { name: "Auth", role: "viewer" });
    const now = t.clock.now();
    const actor = await authenticateApiKey(t.db, `OAuth ${key}`, now);
    expect(actor).toMatchObject({ type: "api_key", id: row.id, role: "viewer", pageId: row.pageId });
    expect(actor.label).not.toContain(key);
    expect(await authenticateApiKey(t.db, `Bearer ${key}`, new Date(now.getTime() + 30_000))).toMatchObject({ id: row.id });
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
    const { key, apiKey: row } = await createApiKey(t.ctx, { name: "Soon revoked" });
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
