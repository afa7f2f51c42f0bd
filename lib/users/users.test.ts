import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import { verifyPassword } from "better-auth/crypto";
import { createTestCtx, createTestDb } from "@/tests/helpers/test-db";
import { account, auditLog, session, user } from "@/db/schema";
import { dbState } from "@/tests/helpers/db-state";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors";
import { newId } from "../ids";
import { changeUserRole, createUser, hasOwner, recordPasswordChange, removeUser, setupOwner } from "./users";

const PASSWORD = "correct horse battery";

describe("setupOwner", () => {
  // Regression: concurrent transactions in one process stalled the event loop and failed with SQLITE_BUSY.
  it("run 5 times concurrently: exactly one owner, the rest ConflictError", async () => {
    const t = await createTestDb();
    try {
      const now = new Date("2026-03-01T12:00:00Z");
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) =>
          setupOwner(t.db, now, { name: `Owner ${i}`, email: `owner${i}@example.com`, password: PASSWORD }),
        ),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results.filter((r) => r.status === "rejected"))
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
      const users = await t.db.select().from(user);
      expect(users).toHaveLength(1);
      expect(users[0].role).toBe("owner");
      expect(await t.db.select().from(account)).toHaveLength(1);
      expect(await t.db.select().from(auditLog).where(eq(auditLog.action, "user.setup_owner"))).toHaveLength(1);
    } finally {
      t.close();
    }
  });

  it("stores a password hash, never the password; later setups are refused", async () => {
    const t = await createTestDb();
    try {
      const now = new Date();
      const owner = await setupOwner(t.db, now, {
        name: "Olive",
        email: "Olive@Example.com",
        password: PASSWORD,
        pageName: "Olive Status",
      });
      expect(owner).toMatchObject({ email: "olive@example.com", role: "owner" });
      expect(await hasOwner(t.db)).toBe(true);
      const [acc] = await t.db.select().from(account).where(eq(account.userId, owner.id));
      expect(acc.password).not.toContain(PASSWORD);
      expect(await verifyPassword({ hash: acc.password!, password: PASSWORD })).toBe(true);
      const before = await dbState(t.db);
      await expect(
        setupOwner(t.db, now, { name: "Mallory", email: "m@example.com", password: PASSWORD }),
      ).rejects.toThrow(ConflictError);
      await expect(
        setupOwner(t.db, now, { name: "Mallory", email: "m@example.com", password: "short" }),
      ).rejects.toThrow(ValidationError);
      await expect(
        setupOwner(t.db, now, { name: "Mallory", email: "m@example.com", password: PASSWORD, role: "owner" } as never),
      ).rejects.toThrow(ValidationError);
      expect(await dbState(t.db)).toEqual(before);
    } finally {
      t.close();
    }
  });
});

describe("users", () => {
  let t: Awaited<ReturnType<typeof createTestCtx>>;
  beforeAll(async () => {
    t = await createTestCtx("owner");
  });
  afterAll(() => t.close());

  const lastAudit = async () => (await t.db.select().from(auditLog).orderBy(asc(auditLog.at)).all()).at(-1)!;
  async function addSession(userId: string) {
    const now = t.clock.now();
    await t.db.insert(session).values({
      id: newId(16),
      token: newId(32),
      userId,
      expiresAt: new Date(now.getTime() + 86_400_000),
      createdAt: now,
      updatedAt: now,
    });
  }
  const sessionsOf = (userId: string) => t.db.select().from(session).where(eq(session.userId, userId));

  it("createUser writes the user, a credential account and an audit row without the password", async () => {
    const u = await createUser(t.as("admin"), {
      name: "Eddie",
      email: "EDDIE@example.com",
      password: PASSWORD,
      role: "editor",
    });
    expect(u).toMatchObject({ name: "Eddie", email: "eddie@example.com", role: "editor" });
    const [acc] = await t.db.select().from(account).where(eq(account.userId, u.id));
    expect(acc.providerId).toBe("credential");
    const a = await lastAudit();
    expect(a).toMatchObject({ action: "user.create", entityId: u.id, actorLabel: "admin@example.com" });
    expect(JSON.stringify(a)).not.toContain(PASSWORD);
  });

  it.each([
    ["the owner role", { role: "owner" }, ValidationError],
    ["an unknown role", { role: "superuser" }, ValidationError],
    ["a bad email", { email: "not-an-email" }, ValidationError],
    ["a short password", { password: "short" }, ValidationError],
    ["a duplicate email in another case", { email: "Eddie@Example.com" }, ConflictError],
    ["an extra key", { isAdmin: true }, ValidationError],
  ])("rejects %s and changes nothing", async (_what, patch, error) => {
    const before = await dbState(t.db);
    await expect(
      createUser(t.ctx, { name: "N", email: "new@example.com", password: PASSWORD, role: "viewer", ...patch } as never),
    ).rejects.toThrow(error);
    expect(await dbState(t.db)).toEqual(before);
  });

  it("only the owner adds admins; editors add nobody", async () => {
    const before = await dbState(t.db);
    await expect(
      createUser(t.as("admin"), { name: "A", email: "a2@example.com", password: PASSWORD, role: "admin" }),
    ).rejects.toThrow(ForbiddenError);
    await expect(
      createUser(t.as("editor"), { name: "V", email: "v@example.com", password: PASSWORD, role: "viewer" }),
    ).rejects.toThrow(ForbiddenError);
    expect(await dbState(t.db)).toEqual(before);
    expect(
      (await createUser(t.ctx, { name: "Ada", email: "ada@example.com", password: PASSWORD, role: "admin" })).role,
    ).toBe("admin");
  });

  it("a role change revokes the user's sessions and is audited with before/after", async () => {
    const u = await createUser(t.ctx, { name: "Val", email: "val@example.com", password: PASSWORD, role: "editor" });
    await addSession(u.id);
    await addSession(u.id);
    const changed = await changeUserRole(t.as("admin"), { userId: u.id, role: "viewer" });
    expect(changed.role).toBe("viewer");
    expect(await sessionsOf(u.id)).toHaveLength(0);
    const a = await lastAudit();
    expect(a).toMatchObject({ action: "user.change_role", entityId: u.id });
    expect(a.before).toMatchObject({ role: "editor" });
    expect(a.after).toMatchObject({ role: "viewer" });
  });

  it("refuses role changes that would escalate or touch the owner, changing nothing", async () => {
    const owner = (await t.db.select().from(user).where(eq(user.role, "admin")))[0];
    const ed = await createUser(t.ctx, { name: "Ed", email: "ed2@example.com", password: PASSWORD, role: "editor" });
    await addSession(ed.id);
    const before = await dbState(t.db);
    await expect(changeUserRole(t.as("admin"), { userId: ed.id, role: "admin" })).rejects.toThrow(ForbiddenError);
    await expect(changeUserRole(t.as("admin"), { userId: owner.id, role: "viewer" })).rejects.toThrow(ForbiddenError);
    await expect(changeUserRole(t.as("editor"), { userId: ed.id, role: "viewer" })).rejects.toThrow(ForbiddenError);
    await expect(changeUserRole(t.ctx, { userId: ed.id, role: "owner" })).rejects.toThrow(ValidationError);
    await expect(changeUserRole(t.ctx, { userId: "nosuchuser", role: "viewer" })).rejects.toThrow(NotFoundError);
    expect(await dbState(t.db)).toEqual(before);
    expect(await sessionsOf(ed.id)).toHaveLength(1);
  });

  it("removeUser deletes the user, account and sessions", async () => {
    const u = await createUser(t.ctx, { name: "Rita", email: "rita@example.com", password: PASSWORD, role: "viewer" });
    await addSession(u.id);
    await addSession(u.id);
    await removeUser(t.as("admin"), { userId: u.id });
    expect(await t.db.query.user.findFirst({ where: eq(user.id, u.id) })).toBeUndefined();
    expect(await t.db.select().from(account).where(eq(account.userId, u.id))).toHaveLength(0);
    expect(await sessionsOf(u.id)).toHaveLength(0);
    expect(await lastAudit()).toMatchObject({ action: "user.remove", entityId: u.id });
  });

  it("a password change is audited, with no password in the row", async () => {
    t.clock.advance(1000);
    await recordPasswordChange(t.as("editor"));
    const a = await lastAudit();
    expect(a).toMatchObject({
      action: "user.change_password",
      actorId: "user-editor",
      entityId: "user-editor",
      before: null,
      after: null,
    });
  });
});
