// Vendor components as staff set them up: which page a component follows,
// overriding it (staff set the status themselves) and resuming.
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { VENDOR_KINDS } from "@/db/constants";
import { componentVendor, type ComponentVendor } from "@/db/schema";
import { audit } from "../audit";
import { parseInput, requireRole, type Ctx } from "../context";
import { NotFoundError, ValidationError } from "../errors";
import { Id } from "../ids";
import { checkTargetUrl, NetError, type NetPolicy, netPolicyFromEnv } from "../net/fetch";
import { getComponentOrThrow } from "../components/components";
import { getPage } from "../page/page";
import { summaryUrl } from "./read";

export const SetVendorInput = z
  .strictObject({
    componentId: Id,
    kind: z.enum(VENDOR_KINDS, { error: "Pick the kind of status page" }),
    url: z.string().trim().min(1, "Enter the status page's address").max(2000, "At most 2000 characters"),
    vendorComponentId: z
      .string()
      .trim()
      .max(64, "At most 64 characters")
      .regex(/^[A-Za-z0-9_-]*$/, "Letters, digits, - and _ only")
      .transform((s) => s || null)
      .nullable()
      .default(null),
  })
  .refine((v) => v.kind !== "instatus" || !v.vendorComponentId, {
    message: "Instatus' summary.json lists no components: leave it empty to follow the whole page",
    path: ["vendorComponentId"],
  });
export type SetVendorInput = z.input<typeof SetVendorInput>;

export function vendorDto(v: ComponentVendor) {
  return {
    kind: v.kind,
    url: v.url,
    vendorComponentId: v.vendorComponentId,
    following: v.following,
    vendorStatus: v.vendorStatus,
    lastPolledAt: v.lastPolledAt,
    lastResult: v.lastResult,
    lastOkAt: v.lastOkAt,
  };
}
export type VendorView = ReturnType<typeof vendorDto>;

/** Vendor settings and last poll result of the page's components that follow one, by component id. */
export async function listComponentVendors(db: Tx, pageId: string): Promise<Map<string, VendorView>> {
  const rows = await db.select().from(componentVendor).where(eq(componentVendor.pageId, pageId));
  return new Map(rows.map((r) => [r.componentId, vendorDto(r)]));
}

/** Makes a component follow a vendor's page (or changes which); the first poll is due at once. */
export async function setComponentVendor(
  ctx: Ctx,
  input: SetVendorInput,
  policy: NetPolicy = netPolicyFromEnv(),
): Promise<VendorView> {
  requireRole(ctx.actor, "admin");
  const data = parseInput(SetVendorInput, input);
  let url: string;
  try {
    url = summaryUrl(data.kind, checkTargetUrl(data.url, policy).toString());
  } catch (err) {
    if (err instanceof NetError || err instanceof TypeError)
      throw new ValidationError(`The address cannot be used: ${err.message}`, { url: [err.message] });
    throw err;
  }
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    await getComponentOrThrow(tx, p.id, data.componentId);
    const before = await tx.query.componentVendor.findFirst({
      where: eq(componentVendor.componentId, data.componentId),
    });
    const now = ctx.now();
    const fields = {
      kind: data.kind,
      url,
      vendorComponentId: data.vendorComponentId,
      following: true,
      etag: null,
      nextPollAt: now,
      leaseUntil: null,
      updatedAt: now,
    };
    await tx
      .insert(componentVendor)
      .values({ componentId: data.componentId, pageId: p.id, ...fields, createdAt: now })
      .onConflictDoUpdate({ target: componentVendor.componentId, set: { ...fields, lastResult: null } });
    const after = (await tx.query.componentVendor.findFirst({
      where: eq(componentVendor.componentId, data.componentId),
    }))!;
    await audit(tx, ctx, {
      pageId: p.id,
      action: "component.set_vendor",
      entityType: "component",
      entityId: data.componentId,
      before: before ? vendorDto(before) : null,
      after: vendorDto(after),
    });
    return vendorDto(after);
  });
}

async function getVendorOrThrow(tx: Tx, componentId: string): Promise<ComponentVendor> {
  const row = await tx.query.componentVendor.findFirst({ where: eq(componentVendor.componentId, componentId) });
  if (!row) throw new NotFoundError("Vendor settings");
  return row;
}

/** Stops following: the component keeps its status until staff change it or resume. */
export async function removeComponentVendor(ctx: Ctx, input: { componentId: string }): Promise<void> {
  requireRole(ctx.actor, "admin");
  const { componentId } = parseInput(z.strictObject({ componentId: Id }), input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    await getComponentOrThrow(tx, p.id, componentId);
    const before = await getVendorOrThrow(tx, componentId);
    await tx.delete(componentVendor).where(eq(componentVendor.componentId, componentId));
    await audit(tx, ctx, {
      pageId: p.id,
      action: "component.remove_vendor",
      entityType: "component",
      entityId: componentId,
      before: vendorDto(before),
    });
  });
}

/**
 * Override (following false): polling goes on, so the console still shows
 * what the vendor says, but nothing is mirrored. Resume (following true):
 * the next poll, due at once and without the ETag, mirrors the vendor again.
 */
export async function setVendorFollowing(ctx: Ctx, input: { componentId: string; following: boolean }): Promise<void> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(z.strictObject({ componentId: Id, following: z.boolean() }), input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    await getComponentOrThrow(tx, p.id, data.componentId);
    await getVendorOrThrow(tx, data.componentId);
    const now = ctx.now();
    await tx
      .update(componentVendor)
      .set({ following: data.following, ...(data.following ? { etag: null, nextPollAt: now } : {}), updatedAt: now })
      .where(eq(componentVendor.componentId, data.componentId));
    await audit(tx, ctx, {
      pageId: p.id,
      action: data.following ? "component.resume_vendor" : "component.override_vendor",
      entityType: "component",
      entityId: data.componentId,
    });
  });
}
