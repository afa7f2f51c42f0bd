import { and, desc, eq, isNull, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import type { Role } from "@/db/constants";
import { apiKey, user, type ApiKey } from "@/db/schema";
import { audit } from "../audit";
import { hasRole, parseInput, requireRole, type Actor, type Ctx } from "../context";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "../errors";
import { newId, newToken, sha256 } from "../ids";
import { getPage } from "../page/page";
import type { ApiKeyLimiter } from "./rate-limit";

// Key lifecycle: a key belongs to the user who created it. It never acts above
// that user's current role (checked at authentication, so a demotion takes
// effect on the next request and a promotion back lifts the cap), and removing
// the user revokes their keys in the same transaction. Keys made by the CLI
// have no creator: the operator with shell access owns them, and they act as
// the role they were given until someone revokes them.

const KEY_PREFIX = "hrld_";

export const CreateApiKeyInput = z.strictObject({
  name: z.string().trim().min(1, "Name is required").max(100),
  role: z.enum(["admin", "editor", "viewer"]).default("admin"),
});
export type CreateApiKeyInput = z.input<typeof CreateApiKeyInput>;

export function apiKeyDto(k: ApiKey) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    role: k.role,
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt,
    revokedAt: k.revokedAt,
  };
}

type Creator = { id: string; name: string; email: string; role: Role };

/**
 * The role a key acts with: its own, capped at its creator's current role.
 * null when the creator no longer exists (the key must not act at all).
 */
export function effectiveKeyRole(k: Pick<ApiKey, "role" | "createdByUserId">, creator: Creator | null): Role | null {
  if (k.createdByUserId === null) return k.role;
  if (!creator) return null;
  return hasRole(creatorActor(creator), k.role) ? k.role : creator.role;
}

function creatorActor(c: Creator): Actor {
  return { type: "user", id: c.id, label: c.email, role: c.role };
}

const creatorColumns = { id: user.id, name: user.name, email: user.email, role: user.role };

async function keysWithCreators(db: Tx, where: SQL | undefined) {
  const rows = await db
    .select({ key: apiKey, creator: creatorColumns })
    .from(apiKey)
    .leftJoin(user, eq(user.id, apiKey.createdByUserId))
    .where(where)
    .orderBy(desc(apiKey.createdAt));
  // A left join yields a creator object of nulls when there is no match.
  return rows.map((r) => ({ key: r.key, creator: r.creator?.id ? (r.creator as Creator) : null }));
}

export type ApiKeyListItem = ReturnType<typeof apiKeyDto> & {
  /** Who created it; null for keys made by the CLI (or whose creator is gone, see creatorRemoved). */
  createdBy: { name: string; email: string } | null;
  creatorRemoved: boolean;
  effectiveRole: Role | null;
};

/** The console's list: each key with its creator and the role it acts with today. */
export async function listApiKeys(db: Tx, pageId: string): Promise<ApiKeyListItem[]> {
  return (await keysWithCreators(db, eq(apiKey.pageId, pageId))).map(({ key, creator }) => ({
    ...apiKeyDto(key),
    createdBy: creator && { name: creator.name, email: creator.email },
    creatorRemoved: key.createdByUserId !== null && !creator,
    effectiveRole: effectiveKeyRole(key, creator),
  }));
}

/** Returns the plaintext key once; only its hash is stored. */
export async function createApiKey(ctx: Ctx, input: CreateApiKeyInput): Promise<{ key: string; apiKey: ApiKey }> {
  requireRole(ctx.actor, "admin");
  // A key minting keys would make keys with no creator, outside any cap.
  if (ctx.actor.type !== "user" && ctx.actor.type !== "cli")
    throw new ForbiddenError("API keys are created in the console or with the CLI");
  const data = parseInput(CreateApiKeyInput, input);
  if (data.role === "admin" && ctx.actor.role !== "owner" && ctx.actor.role !== "admin") throw new ForbiddenError();
  const key = KEY_PREFIX + newToken();
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const id = newId();
    const now = ctx.now();
    await tx.insert(apiKey).values({
      id,
      pageId: p.id,
      name: data.name,
      prefix: key.slice(0, KEY_PREFIX.length + 6),
      keyHash: sha256(key),
      role: data.role,
      createdByUserId: ctx.actor.type === "user" ? ctx.actor.id : null,
      createdAt: now,
    });
    const row = (await tx.query.apiKey.findFirst({ where: eq(apiKey.id, id) }))!;
    await audit(tx, ctx, {
      pageId: p.id,
      action: "api_key.create",
      entityType: "api_key",
      entityId: id,
      after: apiKeyDto(row),
    });
    return { key, apiKey: row };
  });
}

export async function revokeApiKey(ctx: Ctx, input: { id: string }): Promise<void> {
  requireRole(ctx.actor, "admin");
  const { id } = parseInput(z.strictObject({ id: z.string().min(1).max(32) }), input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await tx.query.apiKey.findFirst({ where: and(eq(apiKey.id, id), eq(apiKey.pageId, p.id)) });
    if (!before) throw new NotFoundError("API key");
    if (before.revokedAt) return;
    await tx.update(apiKey).set({ revokedAt: ctx.now() }).where(eq(apiKey.id, id));
    await audit(tx, ctx, {
      pageId: p.id,
      action: "api_key.revoke",
      entityType: "api_key",
      entityId: id,
      before: apiKeyDto(before),
    });
  });
}

/**
 * Resolves an `Authorization: OAuth <key>` / `Bearer <key>` header to an actor
 * acting with the key's effective role. Looks the key up by its SHA-256 (an
 * index hit, no timing signal about the key) joined to its creator, so the
 * lifecycle check costs no extra query. The limiter, when given, is checked
 * before anything is written (last_used_at included).
 */
export async function authenticateApiKey(
  db: Tx,
  header: string | null,
  now: Date,
  limiter?: ApiKeyLimiter,
): Promise<Actor & { pageId: string }> {
  const match = header?.match(/^(?:OAuth|Bearer)\s+(\S+)\s*$/i);
  if (!match) throw new UnauthorizedError("Send an API key as `Authorization: OAuth <key>` or `Bearer <key>`");
  const [found] = await keysWithCreators(db, and(eq(apiKey.keyHash, sha256(match[1])), isNull(apiKey.revokedAt)));
  const role = found && effectiveKeyRole(found.key, found.creator);
  if (!found || !role) throw new UnauthorizedError("Invalid or revoked API key");
  const row = found.key;
  limiter?.check(row.id);
  // Touch last_used_at at most once a minute so reads stay reads.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiKey).set({ lastUsedAt: now }).where(eq(apiKey.id, row.id));
  }
  return { type: "api_key", id: row.id, label: `API key ${row.name} (${row.prefix}…)`, role, pageId: row.pageId };
}

/** Inside removeUser's transaction: the removed user's keys stop working with them, one audit row each. */
export async function revokeKeysOfRemovedUser(tx: Tx, ctx: Ctx, removed: { id: string; email: string }): Promise<void> {
  const keys = await tx
    .select()
    .from(apiKey)
    .where(and(eq(apiKey.createdByUserId, removed.id), isNull(apiKey.revokedAt)));
  for (const k of keys) {
    await tx.update(apiKey).set({ revokedAt: ctx.now() }).where(eq(apiKey.id, k.id));
    await audit(tx, ctx, {
      pageId: k.pageId,
      action: "api_key.revoke",
      entityType: "api_key",
      entityId: k.id,
      before: apiKeyDto(k),
      after: { reason: "creator_removed", creator: removed.email },
    });
  }
}

/**
 * Inside changeUserRole's transaction: one audit row for each active key of the
 * user whose effective role changes (capped by a demotion, or lifted again).
 */
export async function auditKeyCapsAfterRoleChange(tx: Tx, ctx: Ctx, before: Creator, after: Creator): Promise<void> {
  const keys = await tx
    .select()
    .from(apiKey)
    .where(and(eq(apiKey.createdByUserId, before.id), isNull(apiKey.revokedAt)));
  for (const k of keys) {
    const was = effectiveKeyRole(k, before);
    const now = effectiveKeyRole(k, after);
    if (was === now) continue;
    await audit(tx, ctx, {
      pageId: k.pageId,
      action: "api_key.role_cap",
      entityType: "api_key",
      entityId: k.id,
      before: { role: k.role, effectiveRole: was },
      after: {
        role: k.role,
        effectiveRole: now,
        reason: "creator_role_changed",
        creator: after.email,
        creatorRole: after.role,
      },
    });
  }
}
