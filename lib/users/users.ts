import { and, asc, eq } from "drizzle-orm";
import { hashPassword } from "better-auth/crypto";
import { z } from "zod";
import type { Db, Tx } from "@/db/client";
import { ROLES } from "@/db/constants";
import { account, page, session, twoFactor, user, type User } from "@/db/schema";
import { auditKeyCapsAfterRoleChange, revokeKeysOfRemovedUser } from "../api-keys/api-keys";
import { audit } from "../audit";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../auth/constants";
import { parseInput, requireRole, type Ctx } from "../context";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors";
import { newId } from "../ids";
import { bumpContentVersion, ensurePage } from "../page/page";

export const Email = z
  .email("Enter a valid email address")
  .max(320)
  .transform((e) => e.toLowerCase());
export const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH);
export const PersonName = z.string().trim().min(1, "Name is required").max(255);

export const SetupOwnerInput = z.strictObject({
  name: PersonName,
  email: Email,
  password: Password,
  pageName: z.string().trim().min(1).max(255).optional(),
});
export type SetupOwnerInput = z.input<typeof SetupOwnerInput>;

export const CreateUserInput = z.strictObject({
  name: PersonName,
  email: Email,
  password: Password,
  role: z.enum(ROLES),
});
export type CreateUserInput = z.input<typeof CreateUserInput>;

export function userDto(u: User) {
  return { id: u.id, name: u.name, email: u.email, role: u.role, createdAt: u.createdAt };
}

export async function hasOwner(db: Tx): Promise<boolean> {
  return !!(await db.query.user.findFirst({ where: eq(user.role, "owner"), columns: { id: true } }));
}

/** Whether the account has a password (a credential account); an SSO-only account has none. */
export async function hasPassword(db: Tx, userId: string): Promise<boolean> {
  const row = await db.query.account.findFirst({
    where: and(eq(account.userId, userId), eq(account.providerId, "credential")),
    columns: { id: true },
  });
  return !!row;
}

export async function listUsers(db: Tx): Promise<User[]> {
  return db.select().from(user).orderBy(asc(user.createdAt));
}

/** Creates a user with a password (a credential account), refusing a taken address. */
export async function insertUser(
  tx: Tx,
  data: { name: string; email: string; password: string; role: User["role"] },
  now: Date,
): Promise<User> {
  const existing = await tx.query.user.findFirst({ where: eq(user.email, data.email), columns: { id: true } });
  if (existing) throw new ConflictError("A user with that email already exists");
  const id = newId(16);
  await tx.insert(user).values({
    id,
    name: data.name,
    email: data.email,
    role: data.role,
    emailVerified: false,
    createdAt: now,
    updatedAt: now,
  });
  await tx.insert(account).values({
    id: newId(16),
    accountId: id,
    providerId: "credential",
    userId: id,
    password: await hashPassword(data.password),
    createdAt: now,
    updatedAt: now,
  });
  return (await tx.query.user.findFirst({ where: eq(user.id, id) }))!;
}

function isUniqueViolation(err: unknown): boolean {
  const text = String((err as { cause?: unknown })?.cause ?? "") + String((err as Error)?.message ?? "");
  return /UNIQUE constraint failed/i.test(text);
}

/**
 * First-visit setup: creates the owner (and the page). Works exactly once: the
 * check runs in a write transaction and a partial unique index allows a single
 * owner, so concurrent first requests cannot both win.
 */
export async function setupOwner(db: Db, now: Date, input: SetupOwnerInput): Promise<User> {
  const data = parseInput(SetupOwnerInput, input);
  const pageRow = await ensurePage(db, now);
  try {
    return await db.transaction(async (tx) => {
      if (await hasOwner(tx)) throw new ConflictError("Herald is already set up");
      const owner = await insertUser(tx, { ...data, role: "owner" }, now);
      if (data.pageName) {
        await tx.update(page).set({ name: data.pageName }).where(eq(page.id, pageRow.id));
        await bumpContentVersion(tx, pageRow.id, now);
      }
      const ctx: Ctx = { db, now: () => now, actor: { type: "user", id: owner.id, label: owner.email, role: "owner" } };
      await audit(tx, ctx, {
        pageId: pageRow.id,
        action: "user.setup_owner",
        entityType: "user",
        entityId: owner.id,
        after: userDto(owner),
      });
      return owner;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError("Herald is already set up");
    throw err;
  }
}

export async function createUser(ctx: Ctx, input: CreateUserInput): Promise<User> {
  requireRole(ctx.actor, "admin");
  const data = parseInput(CreateUserInput, input);
  if (data.role === "owner")
    throw new ValidationError("There is one owner; transfer ownership instead", {
      role: ["Pick admin, editor or viewer"],
    });
  if (data.role === "admin" && ctx.actor.role !== "owner") throw new ForbiddenError("Only the owner can add admins");
  return ctx.db.transaction(async (tx) => {
    const created = await insertUser(tx, data, ctx.now());
    await audit(tx, ctx, {
      pageId: null,
      action: "user.create",
      entityType: "user",
      entityId: created.id,
      after: userDto(created),
    });
    return created;
  });
}

async function getUserOrThrow(tx: Tx, id: string): Promise<User> {
  const row = await tx.query.user.findFirst({ where: eq(user.id, id) });
  if (!row) throw new NotFoundError("User");
  return row;
}

/** Admins manage editors and viewers; only the owner manages admins; nobody changes the owner here. */
function checkCanManage(ctx: Ctx, target: User, newRole?: User["role"]) {
  requireRole(ctx.actor, "admin");
  if (target.role === "owner") throw new ForbiddenError("The owner cannot be changed or removed");
  if (target.id === ctx.actor.id) throw new ForbiddenError("You cannot change your own role or remove yourself");
  if ((target.role === "admin" || newRole === "admin") && ctx.actor.role !== "owner")
    throw new ForbiddenError("Only the owner can manage admins");
  if (newRole === "owner") throw new ValidationError("There is one owner", { role: ["Pick admin, editor or viewer"] });
}

/**
 * Changes a role and ends the user's sessions, so no session outlives the role
 * it was granted under. The user's API keys are capped at the new role when
 * they authenticate (lib/api-keys); the change is audited per key here.
 */
export async function changeUserRole(ctx: Ctx, input: { userId: string; role: string }): Promise<User> {
  const data = parseInput(z.strictObject({ userId: z.string().min(1).max(64), role: z.enum(ROLES) }), input);
  return ctx.db.transaction(async (tx) => {
    const before = await getUserOrThrow(tx, data.userId);
    checkCanManage(ctx, before, data.role);
    await tx.update(user).set({ role: data.role, updatedAt: ctx.now() }).where(eq(user.id, before.id));
    await tx.delete(session).where(eq(session.userId, before.id));
    const after = await getUserOrThrow(tx, before.id);
    await audit(tx, ctx, {
      pageId: null,
      action: "user.change_role",
      entityType: "user",
      entityId: before.id,
      before: userDto(before),
      after: userDto(after),
    });
    await auditKeyCapsAfterRoleChange(tx, ctx, before, after);
    return after;
  });
}

/** Removes a user, ends their sessions and revokes the API keys they created. */
export async function removeUser(ctx: Ctx, input: { userId: string }): Promise<void> {
  const data = parseInput(z.strictObject({ userId: z.string().min(1).max(64) }), input);
  await ctx.db.transaction(async (tx) => {
    const before = await getUserOrThrow(tx, data.userId);
    checkCanManage(ctx, before);
    await tx.delete(session).where(eq(session.userId, before.id));
    await tx.delete(account).where(eq(account.userId, before.id));
    // Their second factor (secret, recovery codes) goes with them; it references the user row.
    await tx.delete(twoFactor).where(eq(twoFactor.userId, before.id));
    await tx.delete(user).where(eq(user.id, before.id));
    await audit(tx, ctx, {
      pageId: null,
      action: "user.remove",
      entityType: "user",
      entityId: before.id,
      before: userDto(before),
    });
    await revokeKeysOfRemovedUser(tx, ctx, before);
  });
}

/**
 * The password itself changes through better-auth (it hashes and ends other sessions); the audit log records that it
 * happened.
 */
export async function recordPasswordChange(ctx: Ctx): Promise<void> {
  if (!ctx.actor.id) return;
  await ctx.db.transaction((tx) =>
    audit(tx, ctx, { pageId: null, action: "user.change_password", entityType: "user", entityId: ctx.actor.id }),
  );
}

/** Two-factor is switched on and off through better-auth (it owns the secret); the audit log records that it did. */
export async function recordTwoFactorChange(ctx: Ctx, enabled: boolean): Promise<void> {
  if (!ctx.actor.id) return;
  const action = enabled ? "user.enable_two_factor" : "user.disable_two_factor";
  await ctx.db.transaction((tx) =>
    audit(tx, ctx, { pageId: null, action, entityType: "user", entityId: ctx.actor.id }),
  );
}
