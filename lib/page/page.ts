import { asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "@/db/client";
import { page, type Page } from "@/db/schema";
import { audit } from "../audit";
import { parseInput, requireRole, type Ctx } from "../context";
import { NotFoundError } from "../errors";
import { newId } from "../ids";
import { RemindMinutes } from "../maintenance/remind";
import { isTimeZone, localDate } from "../time/zone";

/** Herald serves one page today; every row carries page_id so a second can come later. */
export async function getPage(db: Tx): Promise<Page> {
  const row = await findPage(db);
  if (!row) throw new NotFoundError("Page");
  return row;
}

export async function findPage(db: Tx): Promise<Page | undefined> {
  return db.query.page.findFirst({ orderBy: asc(page.createdAt) });
}

/** Creates the page on first start so the console and public site have something to show. */
export async function ensurePage(db: Db, now: Date, name = "Herald"): Promise<Page> {
  return db.transaction(async (tx) => {
    const existing = await findPage(tx);
    if (existing) return existing;
    // uptimeDay starts at today so the first worker pass doesn't bump the version (lib/uptime/rollover.ts).
    const row = {
      id: newId(),
      name,
      timeZone: "UTC",
      uptimeDay: localDate(now, "UTC"),
      createdAt: now,
      updatedAt: now,
    };
    await tx.insert(page).values(row);
    return getPage(tx);
  });
}

/**
 * The one writer of content_version: called inside every transaction that
 * changes anything public (content-version.test.ts checks no other code writes it).
 */
export async function bumpContentVersion(tx: Tx, pageId: string, now: Date): Promise<void> {
  await tx
    .update(page)
    .set({ contentVersion: sql`${page.contentVersion} + 1`, updatedAt: now })
    .where(eq(page.id, pageId));
}

/**
 * Columns that are the state of this install, not the page's content: an export leaves them out, and a page row
 * that replaces another (a restore) carries them over so versions keep counting up and snapshots of an older
 * version can never be taken for the new content.
 */
export const INSTALL_STATE_COLUMNS = ["contentVersion", "uptimeDay"] as const;

export function installStateOf(p: Page): Pick<Page, (typeof INSTALL_STATE_COLUMNS)[number]> {
  return { contentVersion: p.contentVersion, uptimeDay: p.uptimeDay };
}

/**
 * The one reader of content_version: the snapshot server keys every public
 * response to it. Without a page id, the first page's (the one page served).
 */
export async function getContentVersion(db: Tx, pageId?: string): Promise<number> {
  const row = await db
    .select({ v: page.contentVersion })
    .from(page)
    .where(pageId === undefined ? undefined : eq(page.id, pageId))
    .orderBy(asc(page.createdAt))
    .limit(1)
    .get();
  if (!row) throw new NotFoundError("Page");
  return row.v;
}

const httpUrl = z
  .url({ protocol: /^https?$/, error: "Must be an http(s) URL" })
  .max(2048)
  .transform((u) => u.replace(/\/+$/, ""));
const optionalUrl = z.union([z.literal("").transform(() => null), httpUrl, z.null()]).optional();

export const UpdatePageInput = z.strictObject({
  name: z.string().trim().min(1, "Name is required").max(255).optional(),
  url: optionalUrl,
  timeZone: z.string().refine(isTimeZone, "Unknown time zone").optional(),
  supportUrl: optionalUrl,
  logoUrl: optionalUrl,
  brandColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, "Use a hex colour like #2563eb")
    .optional(),
  emailFrom: z.union([z.literal("").transform(() => null), z.email().max(320), z.null()]).optional(),
  uptimeCountsMaintenance: z.boolean().optional(),
  slaTarget: z.number({ error: "Enter a percentage" }).min(0, "At least 0").max(100, "At most 100").optional(),
  /** Default reminder for new maintenance, in minutes before the start; null = off . */
  maintenanceRemindMinutes: RemindMinutes.optional(),
});
export type UpdatePageInput = z.input<typeof UpdatePageInput>;

/** The page as the public site shows it (lib/public/page.ts serves it). */
export interface PublicPage {
  id: string;
  name: string;
  url: string | null;
  timeZone: string;
  supportUrl: string | null;
  logoUrl: string | null;
  brandColor: string;
}

export function publicPageOf(p: Page): PublicPage {
  return {
    id: p.id,
    name: p.name,
    url: p.url,
    timeZone: p.timeZone,
    supportUrl: p.supportUrl,
    logoUrl: p.logoUrl,
    brandColor: p.brandColor,
  };
}

/** The settings the console edits: the public fields and the private ones. */
export function pageSettingsDto(p: Page) {
  return {
    ...publicPageOf(p),
    emailFrom: p.emailFrom,
    uptimeCountsMaintenance: p.uptimeCountsMaintenance,
    slaTarget: p.slaTarget,
    maintenanceRemindMinutes: p.maintenanceRemindMinutes,
  };
}

export async function updatePage(ctx: Ctx, input: UpdatePageInput): Promise<Page> {
  requireRole(ctx.actor, "admin");
  const data = parseInput(UpdatePageInput, input);
  return ctx.db.transaction(async (tx) => {
    const before = await getPage(tx);
    const now = ctx.now();
    await tx
      .update(page)
      .set({ ...data, updatedAt: now })
      .where(eq(page.id, before.id));
    await bumpContentVersion(tx, before.id, now);
    const after = await getPage(tx);
    await audit(tx, ctx, {
      pageId: before.id,
      action: "page.update",
      entityType: "page",
      entityId: before.id,
      before: pageSettingsDto(before),
      after: pageSettingsDto(after),
    });
    return after;
  });
}
