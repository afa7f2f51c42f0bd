import { and, asc, eq, isNull, max, sql } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { COMPONENT_STATUSES } from "@/db/constants";
import { component, componentGroup, componentStatusChange, type Component, type ComponentGroup } from "@/db/schema";
import { audit } from "../audit";
import { parseInput, requireRole, type Ctx } from "../context";
import { NotFoundError, ValidationError } from "../errors";
import { Id, newId } from "../ids";
import { bumpContentVersion, getPage } from "../page/page";
import { applyComponentStatuses, loadComponentsOrThrow, notifyComponentChanges } from "./status-changes";

const Name = z.string().trim().min(1, "Name is required").max(255, "At most 255 characters");
const Description = z
  .string()
  .trim()
  .max(1000, "At most 1000 characters")
  .transform((s) => s || null)
  .nullable();
const StartDate = z.iso.date("Use YYYY-MM-DD").nullable();
/** Percent; null = the page's target (lib/metrics). */
const UptimeTarget = z.number({ error: "Enter a percentage" }).min(0, "At least 0").max(100, "At most 100").nullable();

export const CreateComponentInput = z.strictObject({
  name: Name,
  description: Description.optional(),
  groupId: Id.nullable().optional(),
  status: z.enum(COMPONENT_STATUSES).default("operational"),
  showcase: z.boolean().default(true),
  onlyShowIfDegraded: z.boolean().default(false),
  hidden: z.boolean().default(false),
  startDate: StartDate.optional(),
  uptimeTarget: UptimeTarget.default(null),
});
export type CreateComponentInput = z.input<typeof CreateComponentInput>;

export const UpdateComponentInput = z.strictObject({
  id: Id,
  name: Name.optional(),
  description: Description.optional(),
  groupId: Id.nullable().optional(),
  status: z.enum(COMPONENT_STATUSES).optional(),
  showcase: z.boolean().optional(),
  onlyShowIfDegraded: z.boolean().optional(),
  hidden: z.boolean().optional(),
  startDate: StartDate.optional(),
  uptimeTarget: UptimeTarget.optional(),
  /** A status change notifies the subscribers who chose component status changes unless this is false. */
  notify: z.boolean().optional(),
});
export type UpdateComponentInput = z.input<typeof UpdateComponentInput>;

export function componentDto(c: Component) {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    groupId: c.groupId,
    position: c.position,
    status: c.status,
    showcase: c.showcase,
    onlyShowIfDegraded: c.onlyShowIfDegraded,
    hidden: c.hidden,
    startDate: c.startDate,
    uptimeTarget: c.uptimeTarget,
  };
}

export function groupDto(g: ComponentGroup) {
  return { id: g.id, name: g.name, description: g.description, position: g.position, hidden: g.hidden };
}

export async function listComponents(db: Tx, pageId: string): Promise<Component[]> {
  return db
    .select()
    .from(component)
    .where(and(eq(component.pageId, pageId), isNull(component.deletedAt)))
    .orderBy(asc(component.position), asc(component.createdAt));
}

export async function listGroups(db: Tx, pageId: string): Promise<ComponentGroup[]> {
  return db
    .select()
    .from(componentGroup)
    .where(eq(componentGroup.pageId, pageId))
    .orderBy(asc(componentGroup.position), asc(componentGroup.createdAt));
}

export async function getComponentOrThrow(tx: Tx, pageId: string, id: string): Promise<Component> {
  const row = await tx.query.component.findFirst({
    where: and(eq(component.id, id), eq(component.pageId, pageId), isNull(component.deletedAt)),
  });
  if (!row) throw new NotFoundError("Component");
  return row;
}

export async function getGroupOrThrow(tx: Tx, pageId: string, id: string): Promise<ComponentGroup> {
  const row = await tx.query.componentGroup.findFirst({
    where: and(eq(componentGroup.id, id), eq(componentGroup.pageId, pageId)),
  });
  if (!row) throw new NotFoundError("Component group");
  return row;
}

async function checkGroup(tx: Tx, pageId: string, groupId: string | null | undefined): Promise<void> {
  if (!groupId) return;
  const g = await tx.query.componentGroup.findFirst({
    where: and(eq(componentGroup.id, groupId), eq(componentGroup.pageId, pageId)),
  });
  if (!g) throw new ValidationError("Unknown component group", { groupId: ["Unknown component group"] });
}

async function nextComponentPosition(tx: Tx, pageId: string, groupId: string | null): Promise<number> {
  const row = await tx
    .select({ p: max(component.position) })
    .from(component)
    .where(
      and(
        eq(component.pageId, pageId),
        isNull(component.deletedAt),
        groupId ? eq(component.groupId, groupId) : isNull(component.groupId),
      ),
    )
    .get();
  return (row?.p ?? -1) + 1;
}

function sourceOf(ctx: Ctx) {
  return ctx.actor.type === "api_key" ? ("api" as const) : ("manual" as const);
}

export async function createComponent(ctx: Ctx, input: CreateComponentInput): Promise<Component> {
  requireRole(ctx.actor, "admin");
  const data = parseInput(CreateComponentInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    await checkGroup(tx, p.id, data.groupId);
    const now = ctx.now();
    const id = newId();
    await tx.insert(component).values({
      id,
      pageId: p.id,
      groupId: data.groupId ?? null,
      name: data.name,
      description: data.description ?? null,
      position: await nextComponentPosition(tx, p.id, data.groupId ?? null),
      status: data.status,
      showcase: data.showcase,
      onlyShowIfDegraded: data.onlyShowIfDegraded,
      hidden: data.hidden,
      startDate: data.startDate ?? now.toISOString().slice(0, 10),
      uptimeTarget: data.uptimeTarget,
      createdAt: now,
      updatedAt: now,
    });
    // The first status is logged too: uptime needs to know when tracking began.
    await tx.insert(componentStatusChange).values({
      id: newId(),
      pageId: p.id,
      componentId: id,
      oldStatus: null,
      newStatus: data.status,
      at: now,
      source: sourceOf(ctx),
      createdAt: now,
    });
    if (!data.hidden) await bumpContentVersion(tx, p.id, now);
    const row = await getComponentOrThrow(tx, p.id, id);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "component.create",
      entityType: "component",
      entityId: id,
      after: componentDto(row),
    });
    return row;
  });
}

/** Edits a component; a status change is logged like any other (source manual or api). */
export async function updateComponent(ctx: Ctx, input: UpdateComponentInput): Promise<Component> {
  const data = parseInput(UpdateComponentInput, input);
  const { id, status, notify = true, ...fields } = data;
  // Editors may change a component's state; its structure is an admin's.
  requireRole(ctx.actor, Object.keys(fields).length ? "admin" : "editor");
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await getComponentOrThrow(tx, p.id, id);
    const now = ctx.now();
    const moved = fields.groupId !== undefined && fields.groupId !== before.groupId;
    if (moved) await checkGroup(tx, p.id, fields.groupId);
    if (Object.keys(fields).length) {
      await tx
        .update(component)
        .set({
          ...fields,
          ...(moved ? { position: await nextComponentPosition(tx, p.id, fields.groupId ?? null) } : {}),
          updatedAt: now,
        })
        .where(eq(component.id, id));
    }
    if (status) {
      const loaded = await loadComponentsOrThrow(tx, p.id, [id]);
      const origin = { pageId: p.id, at: now, source: sourceOf(ctx) };
      const applied = await applyComponentStatuses(tx, loaded, new Map([[id, status]]), origin);
      if (notify) await notifyComponentChanges(tx, loaded, applied, origin);
    }
    const after = await getComponentOrThrow(tx, p.id, id);
    // Hiding or un-hiding changes what the public sees, even for a hidden component.
    if (!before.hidden || !after.hidden) await bumpContentVersion(tx, p.id, now);
    await audit(tx, ctx, {
      pageId: p.id,
      action: status && !Object.keys(fields).length ? "component.set_status" : "component.update",
      entityType: "component",
      entityId: id,
      before: componentDto(before),
      after: componentDto(after),
    });
    return after;
  });
}

export async function deleteComponent(ctx: Ctx, input: { id: string }): Promise<void> {
  requireRole(ctx.actor, "admin");
  const { id } = parseInput(z.strictObject({ id: Id }), input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await getComponentOrThrow(tx, p.id, id);
    const now = ctx.now();
    // Soft delete: its status history and incident timelines stay intact.
    await tx.update(component).set({ deletedAt: now, updatedAt: now }).where(eq(component.id, id));
    if (!before.hidden) await bumpContentVersion(tx, p.id, now);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "component.delete",
      entityType: "component",
      entityId: id,
      before: componentDto(before),
    });
  });
}

const ReorderInput = z.strictObject({ groupId: Id.nullable(), ids: z.array(Id).max(1000) });

/** Sets the order of the components of one group (or the ungrouped ones); ids must be exactly that set. */
export async function reorderComponents(ctx: Ctx, input: z.input<typeof ReorderInput>): Promise<void> {
  requireRole(ctx.actor, "admin");
  const { groupId, ids } = parseInput(ReorderInput, input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const members = (await listComponents(tx, p.id)).filter((c) => c.groupId === groupId);
    assertSameSet(
      members.map((c) => c.id),
      ids,
    );
    for (const [position, id] of ids.entries())
      await tx.update(component).set({ position }).where(eq(component.id, id));
    await bumpContentVersion(tx, p.id, ctx.now());
    await audit(tx, ctx, {
      pageId: p.id,
      action: "component.reorder",
      entityType: "component_group",
      entityId: groupId,
      before: members.map((c) => c.id),
      after: ids,
    });
  });
}

function assertSameSet(current: string[], wanted: string[]): void {
  const a = [...current].sort().join(",");
  const b = [...wanted].sort().join(",");
  if (a !== b || new Set(wanted).size !== wanted.length)
    throw new ValidationError("The order must list each item exactly once", {
      ids: ["The order must list each item exactly once"],
    });
}

// ---------------------------------------------------------------- groups

export const CreateGroupInput = z.strictObject({
  name: Name,
  description: Description.optional(),
  hidden: z.boolean().default(false),
  componentIds: z.array(Id).max(500).optional(),
});
export type CreateGroupInput = z.input<typeof CreateGroupInput>;

export const UpdateGroupInput = z.strictObject({
  id: Id,
  name: Name.optional(),
  description: Description.optional(),
  hidden: z.boolean().optional(),
  componentIds: z.array(Id).max(500).optional(),
});
export type UpdateGroupInput = z.input<typeof UpdateGroupInput>;

/** Puts exactly these components in the group (in this order); former members become ungrouped. */
async function setGroupMembers(tx: Tx, pageId: string, groupId: string, ids: string[], now: Date): Promise<void> {
  await loadComponentsOrThrow(tx, pageId, ids, "componentIds");
  await tx
    .update(component)
    .set({ groupId: null, position: sql`${component.position} + 100000`, updatedAt: now })
    .where(and(eq(component.groupId, groupId), isNull(component.deletedAt)));
  for (const [position, id] of ids.entries())
    await tx.update(component).set({ groupId, position, updatedAt: now }).where(eq(component.id, id));
}

export async function createGroup(ctx: Ctx, input: CreateGroupInput): Promise<ComponentGroup> {
  requireRole(ctx.actor, "admin");
  const data = parseInput(CreateGroupInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const now = ctx.now();
    const id = newId();
    const last = await tx
      .select({ p: max(componentGroup.position) })
      .from(componentGroup)
      .where(eq(componentGroup.pageId, p.id))
      .get();
    await tx.insert(componentGroup).values({
      id,
      pageId: p.id,
      name: data.name,
      description: data.description ?? null,
      hidden: data.hidden,
      position: (last?.p ?? -1) + 1,
      createdAt: now,
      updatedAt: now,
    });
    if (data.componentIds) await setGroupMembers(tx, p.id, id, data.componentIds, now);
    await bumpContentVersion(tx, p.id, now);
    const row = await getGroupOrThrow(tx, p.id, id);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "component_group.create",
      entityType: "component_group",
      entityId: id,
      after: { ...groupDto(row), componentIds: data.componentIds ?? [] },
    });
    return row;
  });
}

export async function updateGroup(ctx: Ctx, input: UpdateGroupInput): Promise<ComponentGroup> {
  requireRole(ctx.actor, "admin");
  const { id, componentIds, ...fields } = parseInput(UpdateGroupInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await getGroupOrThrow(tx, p.id, id);
    const now = ctx.now();
    await tx
      .update(componentGroup)
      .set({ ...fields, updatedAt: now })
      .where(eq(componentGroup.id, id));
    if (componentIds) await setGroupMembers(tx, p.id, id, componentIds, now);
    await bumpContentVersion(tx, p.id, now);
    const after = await getGroupOrThrow(tx, p.id, id);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "component_group.update",
      entityType: "component_group",
      entityId: id,
      before: groupDto(before),
      after: { ...groupDto(after), ...(componentIds ? { componentIds } : {}) },
    });
    return after;
  });
}

/** Deletes the group; its components stay, ungrouped. */
export async function deleteGroup(ctx: Ctx, input: { id: string }): Promise<void> {
  requireRole(ctx.actor, "admin");
  const { id } = parseInput(z.strictObject({ id: Id }), input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await getGroupOrThrow(tx, p.id, id);
    const now = ctx.now();
    await setGroupMembers(tx, p.id, id, [], now);
    await tx.delete(componentGroup).where(eq(componentGroup.id, id));
    await bumpContentVersion(tx, p.id, now);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "component_group.delete",
      entityType: "component_group",
      entityId: id,
      before: groupDto(before),
    });
  });
}

export async function reorderGroups(ctx: Ctx, input: { ids: string[] }): Promise<void> {
  requireRole(ctx.actor, "admin");
  const { ids } = parseInput(z.strictObject({ ids: z.array(Id).max(500) }), input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const groups = await listGroups(tx, p.id);
    assertSameSet(
      groups.map((g) => g.id),
      ids,
    );
    for (const [position, id] of ids.entries())
      await tx.update(componentGroup).set({ position }).where(eq(componentGroup.id, id));
    await bumpContentVersion(tx, p.id, ctx.now());
    await audit(tx, ctx, {
      pageId: p.id,
      action: "component_group.reorder",
      entityType: "page",
      entityId: p.id,
      before: groups.map((g) => g.id),
      after: ids,
    });
  });
}
