import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { apiKey, type ApiKey } from "@/db/schema";
import { audit } from "../audit";
import { parseInput, requireRole, type Actor, type Ctx } from "../context";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "../errors";
import { newId, newToken, sha256 } from "../ids";
import { getPage } from "../page/page";

const KEY_PREFIX = "hrld_";

export const CreateApiKeyInput = z.strictObject({
  name: z.string().trim().min(1, "Name is required").max(100),
  role: z.enum(["admin", "editor", "viewer"]).default("admin"),
});
export type CreateApiKeyInput = z.input<typeof CreateApiKeyInput>;

export function apiKeyDto(k: ApiKey) {
  return { id: k.id, name: k.name, prefix: k.prefix, role: k.role, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt, revokedAt: k.revokedAt };
}

export async function listApiKeys(db: Tx, pageId: string): Promise<ApiKey[]> {
  return db.select().from(apiKey).where(eq(apiKey.pageId, pageId)).orderBy(desc(apiKey.createdAt));
}

/** Returns the plaintext key once; only its hash is stored. */
export async function createApiKey(ctx: Ctx, input: CreateApiKeyInput): Promise<{ key: string; apiKey: ApiKey }> {
  requireRole(ctx.actor, "admin");
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
    await audit(tx, ctx, { pageId: p.id, action: "api_key.create", entityType: "api_key", entityId: id, after: apiKeyDto(row) });
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
    await audit(tx, ctx, { pageId: p.id, action: "api_key.revoke", entityType: "api_key", entityId: id, before: apiKeyDto(before) });
  });
}

/**
 * Resolves an `Authorization: OAuth <key>` / `Bearer <key>` header to an actor.
 * Looks the key up by its SHA-256 (an index hit, no timing signal about the key).
 */
export async function authenticateApiKey(db: Tx, header: string | null, now: Date): Promise<Actor & { pageId: string }> {
  const match = header?.match(/^(?:OAuth|Bearer)\s+(\S+)\s*$/i);
  if (!match) throw new UnauthorizedError("Send an API key as `Authorization: OAuth <key>` or `Bearer <key>`");
  const row = await db.query.apiKey.findFirst({ where: and(eq(apiKey.keyHash, sha256(match[1])), isNull(apiKey.revokedAt)) });
  if (!row) throw new UnauthorizedError("Invalid or revoked API key");
  // Touch last_used_at at most once a minute so reads stay reads.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiKey).set({ lastUsedAt: now }).where(eq(apiKey.id, row.id));
  }
  return { type: "api_key", id: row.id, label: `API key ${row.name} (${row.prefix}…)`, role: row.role, pageId: row.pageId };
}
