// Viewer sign-in settings and per-viewer tokens (issue 13), console use cases:
// one transaction each, audited, bumping the content version so the access
// model every instance keeps in memory follows at once.
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { and, desc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { PAGE_VISIBILITIES } from "@/db/constants";
import { viewerSettings, viewerToken } from "@/db/schema";
import { audit } from "../audit";
import { parseInput, requireRole, type Ctx } from "../context";
import { NotFoundError, ValidationError } from "../errors";
import { Id, newId, newToken, sha256 } from "../ids";
import { bumpContentVersion, getPage } from "../page/page";
import { loadViewerSettings, parseCidrs, settingLines } from "./access";

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export const MIN_PAGE_PASSWORD = 8;

/** "scrypt$<salt>$<hash>", base64url. */
export async function hashPagePassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString("base64url")}$${(await scrypt(password, salt, 32)).toString("base64url")}`;
}

export async function verifyPagePassword(password: string, stored: string): Promise<boolean> {
  const [kind, salt, hash] = stored.split("$");
  if (kind !== "scrypt" || !salt || !hash || password.length > 1024) return false;
  const expected = Buffer.from(hash, "base64url");
  const got = await scrypt(password, Buffer.from(salt, "base64url"), expected.length);
  return timingSafeEqual(got, expected);
}

const Domain = z
  .string()
  .transform((d) => d.replace(/^@/, ""))
  .refine((d) => /^[a-z0-9.-]+\.[a-z]{2,}$/.test(d), "Not a domain");

export const ViewerSettingsInput = z.strictObject({
  visibility: z.enum(PAGE_VISIBILITIES),
  magicLinkEnabled: z.boolean(),
  allowedDomains: z.string().max(10_000),
  ipAllowList: z.string().max(10_000),
  /** A new shared page password; "" keeps the current one. */
  password: z.string().max(200).optional(),
  removePassword: z.boolean().optional(),
});
export type ViewerSettingsInput = z.input<typeof ViewerSettingsInput>;

export async function updateViewerSettings(ctx: Ctx, input: ViewerSettingsInput): Promise<void> {
  requireRole(ctx.actor, "admin");
  const data = parseInput(ViewerSettingsInput, input);
  const domains = settingLines(data.allowedDomains);
  const badDomain = domains.find((d) => !Domain.safeParse(d).success);
  if (badDomain) throw new ValidationError(`"${badDomain}" is not a domain`, { allowedDomains: ["Not a domain"] });
  const ips = settingLines(data.ipAllowList);
  try {
    parseCidrs(ips);
  } catch (err) {
    throw new ValidationError((err as Error).message, { ipAllowList: [(err as Error).message] });
  }
  const password = data.password ?? "";
  if (password && password.length < MIN_PAGE_PASSWORD)
    throw new ValidationError(`The page password needs at least ${MIN_PAGE_PASSWORD} characters`, {
      password: ["Too short"],
    });
  const passwordHash = password ? await hashPagePassword(password) : undefined;
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await loadViewerSettings(tx, p.id);
    const now = ctx.now();
    const next = {
      visibility: data.visibility,
      magicLinkEnabled: data.magicLinkEnabled,
      allowedDomains: domains.map((d) => d.replace(/^@/, "")).join("\n"),
      ipAllowList: ips.join("\n"),
      passwordHash: data.removePassword ? null : (passwordHash ?? before.passwordHash),
      // A new or removed password signs every viewer out.
      sessionEpoch: before.sessionEpoch + (passwordHash || (data.removePassword && before.passwordHash) ? 1 : 0),
      updatedAt: now,
    };
    await tx
      .insert(viewerSettings)
      .values({ pageId: p.id, ...next })
      .onConflictDoUpdate({ target: viewerSettings.pageId, set: next });
    const shown = (s: typeof next | typeof before) => ({
      visibility: s.visibility,
      magicLinkEnabled: s.magicLinkEnabled,
      allowedDomains: s.allowedDomains,
      ipAllowList: s.ipAllowList,
      password: s.passwordHash ? "set" : "none",
    });
    await audit(tx, ctx, {
      pageId: p.id,
      action: "viewers.settings",
      entityType: "page",
      entityId: p.id,
      before: shown(before),
      after: { ...shown(next), passwordChanged: Boolean(passwordHash) },
    });
    await bumpContentVersion(tx, p.id, now);
  });
}

export interface ViewerTokenItem {
  id: string;
  email: string;
  prefix: string;
  createdAt: Date;
}

export async function listViewerTokens(db: Tx, pageId: string): Promise<ViewerTokenItem[]> {
  return db
    .select({
      id: viewerToken.id,
      email: viewerToken.email,
      prefix: viewerToken.prefix,
      createdAt: viewerToken.createdAt,
    })
    .from(viewerToken)
    .where(and(eq(viewerToken.pageId, pageId), isNull(viewerToken.revokedAt)))
    .orderBy(desc(viewerToken.createdAt));
}

/** A viewer's secret for machine surfaces (?token=…). Shown once; stored as its SHA-256. */
export async function createViewerToken(ctx: Ctx, input: { email: string }): Promise<{ id: string; token: string }> {
  requireRole(ctx.actor, "admin");
  const { email } = parseInput(
    z.strictObject({ email: z.string().trim().toLowerCase().pipe(z.email("Enter an email address")) }),
    input,
  );
  const token = `hv_${newToken()}`;
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const now = ctx.now();
    const id = newId();
    await tx
      .insert(viewerToken)
      .values({ id, pageId: p.id, email, prefix: token.slice(0, 9), tokenHash: sha256(token), createdAt: now });
    await audit(tx, ctx, {
      pageId: p.id,
      action: "viewer_token.create",
      entityType: "viewer_token",
      entityId: id,
      after: { email, prefix: token.slice(0, 9) },
    });
    await bumpContentVersion(tx, p.id, now);
    return { id, token };
  });
}

export async function revokeViewerToken(ctx: Ctx, input: { id: string }): Promise<void> {
  requireRole(ctx.actor, "admin");
  const { id } = parseInput(z.strictObject({ id: Id }), input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const row = await tx
      .select()
      .from(viewerToken)
      .where(and(eq(viewerToken.id, id), eq(viewerToken.pageId, p.id), isNull(viewerToken.revokedAt)))
      .get();
    if (!row) throw new NotFoundError("Viewer token");
    const now = ctx.now();
    await tx.update(viewerToken).set({ revokedAt: now }).where(eq(viewerToken.id, id));
    await audit(tx, ctx, {
      pageId: p.id,
      action: "viewer_token.revoke",
      entityType: "viewer_token",
      entityId: id,
      before: { email: row.email, prefix: row.prefix },
    });
    await bumpContentVersion(tx, p.id, now);
  });
}
