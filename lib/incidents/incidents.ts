import { and, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { COMPONENT_STATUSES, IMPACTS, INCIDENT_STATUSES, type IncidentKind } from "@/db/constants";
import {
  incident,
  incidentUpdate,
  incidentUpdateComponent,
  notification,
  type Incident,
  type IncidentUpdate,
} from "@/db/schema";
import { audit } from "../audit";
import { AudienceNoteInput, insertAudienceNote, writeRestriction } from "../audiences/audiences";
import { parseInput, requireRole, type Ctx } from "../context";
import { NotFoundError, ValidationError } from "../errors";
import { Id, newId } from "../ids";
import { withdrawDeliveries } from "../notifications/enqueue";
import { bumpContentVersion, getPage } from "../page/page";
import { isPublishedUpdate, publishedUpdate } from "../public/visibility";
import { incidentEdited, maybeNotify, refreshIncidentCaches, updateWentPublic, writeUpdate } from "./timeline";

const Name = z.string().trim().min(1, "Name is required").max(255, "At most 255 characters");
const Body = z.string().trim().min(1, "A message is required").max(20_000, "At most 20,000 characters");
const ComponentStatusMap = z
  .record(Id, z.enum(COMPONENT_STATUSES, { error: "Unknown component status" }))
  .refine((m) => Object.keys(m).length <= 500, "Too many components");
const ComponentIds = z.array(Id).max(500);
// Dates arrive as Date (lib callers), ISO strings (API) or form values.
const When = z.coerce
  .date({ error: "Invalid date" })
  .refine((d) => d.getUTCFullYear() >= 1970 && d.getUTCFullYear() <= 9999, "Date out of range");

export const CreateIncidentInput = z.strictObject({
  name: Name,
  status: z.enum(INCIDENT_STATUSES).default("investigating"),
  body: Body,
  components: ComponentStatusMap.default({}),
  componentIds: ComponentIds.default([]),
  impactOverride: z.enum(IMPACTS).nullable().default(null),
  notify: z.boolean().default(false),
  backfilled: z.boolean().default(false),
  backfillDate: When.optional(),
  /** Restricted to these audiences from the start (issue 13): its notification reaches only their subscribers. */
  audienceIds: z.array(Id).max(100).default([]),
});
export type CreateIncidentInput = z.input<typeof CreateIncidentInput>;

export const PostUpdateInput = z.strictObject({
  incidentId: Id,
  status: z.enum(INCIDENT_STATUSES),
  body: Body,
  components: ComponentStatusMap.default({}),
  notify: z.boolean().default(false),
  displayAt: When.optional(),
  /** An internal note under the update, shown only to its audiences (issue 13); never in notifications. */
  note: AudienceNoteInput.optional(),
});
export type PostUpdateInput = z.input<typeof PostUpdateInput>;

export const EditUpdateInput = z.strictObject({
  incidentId: Id,
  updateId: Id,
  body: Body.optional(),
  status: z.enum(INCIDENT_STATUSES).optional(),
  displayAt: When.optional(),
});
export type EditUpdateInput = z.input<typeof EditUpdateInput>;

export const UpdateIncidentInput = z.strictObject({
  id: Id,
  name: Name.optional(),
  impactOverride: z.enum(IMPACTS).nullable().optional(),
});
export type UpdateIncidentInput = z.input<typeof UpdateIncidentInput>;

export function incidentDto(i: Incident) {
  return {
    id: i.id,
    kind: i.kind,
    name: i.name,
    status: i.status,
    impact: i.impact,
    impactOverride: i.impactOverride,
    backfilled: i.backfilled,
    startedAt: i.startedAt,
    resolvedAt: i.resolvedAt,
  };
}

export function updateDto(u: IncidentUpdate) {
  return {
    id: u.id,
    status: u.status,
    body: u.body,
    displayAt: u.displayAt,
    deliverNotifications: u.deliverNotifications,
    publishAt: u.publishAt,
  };
}

/** An incident or a maintenance of the page by id (404 for another page's or the other kind). */
export async function getOfKindOrThrow(tx: Tx, pageId: string, id: string, kind: IncidentKind): Promise<Incident> {
  const row = await tx.query.incident.findFirst({
    where: and(eq(incident.id, id), eq(incident.pageId, pageId), eq(incident.kind, kind)),
  });
  if (!row) throw new NotFoundError(kind === "incident" ? "Incident" : "Maintenance");
  return row;
}

export const getIncidentOrThrow = (tx: Tx, pageId: string, id: string) => getOfKindOrThrow(tx, pageId, id, "incident");

async function getUpdateOrThrow(tx: Tx, incidentId: string, updateId: string): Promise<IncidentUpdate> {
  const row = await tx.query.incidentUpdate.findFirst({
    where: and(eq(incidentUpdate.id, updateId), eq(incidentUpdate.incidentId, incidentId)),
  });
  if (!row) throw new NotFoundError("Incident update");
  return row;
}

function checkDisplayAt(displayAt: Date | undefined, now: Date): Date {
  if (!displayAt) return now;
  if (displayAt.getTime() > now.getTime() + 60_000)
    throw new ValidationError("The display time cannot be in the future", { displayAt: ["Cannot be in the future"] });
  return displayAt;
}

/** A new incident as createIncident and scheduleIncident both write it, before what each does with it. */
type NewIncident = Pick<
  z.infer<typeof CreateIncidentInput>,
  "name" | "status" | "impactOverride" | "body" | "notify" | "components" | "componentIds" | "audienceIds"
> & {
  backfilled?: boolean;
  startedAt: Date;
  /** When a scheduled incident goes public (null: it is public now). */
  publishAt: Date | null;
  publishedAt: Date | null;
  /** Whether the first update's component statuses apply now (not for history, nor before publishing). */
  touchCurrentState: boolean;
};

/**
 * Inserts the incident row, its audiences (a scheduled incident keeps them until it publishes, and after) and its
 * first update, displayed from startedAt.
 */
export async function insertIncident(
  tx: Tx,
  ctx: Ctx,
  pageId: string,
  n: NewIncident,
): Promise<{ id: string; update: IncidentUpdate }> {
  const id = newId();
  const now = ctx.now();
  await tx.insert(incident).values({
    id,
    pageId,
    kind: "incident",
    name: n.name,
    status: n.status,
    impactOverride: n.impactOverride,
    backfilled: n.backfilled ?? false,
    startedAt: n.startedAt,
    publishAt: n.publishAt,
    publishedAt: n.publishedAt,
    createdAt: now,
    updatedAt: now,
  });
  if (n.audienceIds.length) await writeRestriction(tx, ctx, pageId, "incident", id, n.audienceIds);
  const update = await writeUpdate(tx, ctx, {
    pageId,
    incidentId: id,
    status: n.status,
    body: n.body,
    displayAt: n.startedAt,
    notify: n.notify,
    components: n.components,
    mentioned: n.componentIds,
    touchCurrentState: n.touchCurrentState,
  });
  return { id, update };
}

export async function createIncident(
  ctx: Ctx,
  input: CreateIncidentInput,
): Promise<{ incident: Incident; update: IncidentUpdate }> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(CreateIncidentInput, input);
  if (data.backfilled && !data.backfillDate)
    throw new ValidationError("A backfilled incident needs the date it happened", {
      backfillDate: ["Required for a backfilled incident"],
    });
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const now = ctx.now();
    const startedAt = data.backfilled ? checkDisplayAt(data.backfillDate, now) : now;
    // A backfilled incident is history: it is recorded resolved.
    const status = data.backfilled ? "resolved" : data.status;
    const { id, update } = await insertIncident(tx, ctx, p.id, {
      ...data,
      status,
      startedAt,
      publishAt: null,
      publishedAt: now,
      notify: data.notify && !data.backfilled,
      touchCurrentState: !data.backfilled,
    });
    const created = await refreshIncidentCaches(tx, id, now);
    await maybeNotify(tx, p.id, "incident_created", created, update, now);
    await bumpContentVersion(tx, p.id, now);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "incident.create",
      entityType: "incident",
      entityId: id,
      after: { ...incidentDto(created), update: updateDto(update), components: data.components },
    });
    return { incident: created, update };
  });
}

export async function postIncidentUpdate(
  ctx: Ctx,
  input: PostUpdateInput,
): Promise<{ incident: Incident; update: IncidentUpdate }> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(PostUpdateInput, input);
  return ctx.db.transaction((tx) => postUpdateInTx(tx, ctx, data));
}

async function postUpdateInTx(tx: Tx, ctx: Ctx, data: z.infer<typeof PostUpdateInput>) {
  const p = await getPage(tx);
  const before = await getIncidentOrThrow(tx, p.id, data.incidentId);
  // Nobody can see it yet: an update would notify about it and move its components now, and its publish would then
  // put its first update back on top. A draft is published first; a scheduled incident waits for its time.
  if (!before.publishedAt)
    throw new ValidationError("This incident is not published yet", { body: ["Publish the incident first"] });
  const now = ctx.now();
  const update = await writeUpdate(tx, ctx, {
    pageId: p.id,
    incidentId: before.id,
    status: data.status,
    body: data.body,
    displayAt: checkDisplayAt(data.displayAt, now),
    notify: data.notify && !before.backfilled,
    components: data.components,
    mentioned: [],
    touchCurrentState: !before.backfilled,
  });
  if (data.note) await insertAudienceNote(tx, ctx, p.id, update.id, data.note);
  const after = await updateWentPublic(tx, p.id, before, update, now);
  await audit(tx, ctx, {
    pageId: p.id,
    action: "incident.post_update",
    entityType: "incident",
    entityId: before.id,
    before: incidentDto(before),
    after: { ...incidentDto(after), update: updateDto(update), components: data.components },
  });
  return { incident: after, update };
}

/** Resolving is an update with status resolved; affected components return to operational. */
export async function resolveIncident(ctx: Ctx, input: Omit<PostUpdateInput, "status">) {
  return postIncidentUpdate(ctx, { ...input, status: "resolved" });
}

/** Corrects a past update's wording, status or time. Component changes it made stay: they happened. */
export async function editIncidentUpdate(ctx: Ctx, input: EditUpdateInput): Promise<IncidentUpdate> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(EditUpdateInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    await getIncidentOrThrow(tx, p.id, data.incidentId);
    const before = await getUpdateOrThrow(tx, data.incidentId, data.updateId);
    const now = ctx.now();
    await tx
      .update(incidentUpdate)
      .set({
        ...(data.body !== undefined ? { body: data.body } : {}),
        ...(data.status ? { status: data.status } : {}),
        ...(data.displayAt ? { displayAt: checkDisplayAt(data.displayAt, now) } : {}),
        updatedAt: now,
      })
      .where(eq(incidentUpdate.id, before.id));
    // A scheduled update is not public yet: nothing public changed (its publish refreshes and bumps).
    if (isPublishedUpdate(before)) await incidentEdited(tx, p.id, data.incidentId, now);
    const after = await getUpdateOrThrow(tx, data.incidentId, data.updateId);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "incident_update.edit",
      entityType: "incident_update",
      entityId: before.id,
      before: updateDto(before),
      after: updateDto(after),
    });
    return after;
  });
}

export async function deleteIncidentUpdate(ctx: Ctx, input: { incidentId: string; updateId: string }): Promise<void> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(z.strictObject({ incidentId: Id, updateId: Id }), input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    await getIncidentOrThrow(tx, p.id, data.incidentId);
    const before = await getUpdateOrThrow(tx, data.incidentId, data.updateId);
    // A scheduled update can always go; a published one only while another published one remains.
    if (isPublishedUpdate(before)) {
      const count = await tx.$count(
        incidentUpdate,
        and(eq(incidentUpdate.incidentId, data.incidentId), publishedUpdate),
      );
      if (count <= 1) throw new ValidationError("An incident keeps at least one update; delete the incident instead");
    }
    const now = ctx.now();
    await withdrawDeliveries(tx, eq(notification.incidentUpdateId, before.id), CANCELLED);
    await tx.delete(incidentUpdateComponent).where(eq(incidentUpdateComponent.incidentUpdateId, before.id));
    await tx.delete(incidentUpdate).where(eq(incidentUpdate.id, before.id));
    if (isPublishedUpdate(before)) await incidentEdited(tx, p.id, data.incidentId, now);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "incident_update.delete",
      entityType: "incident_update",
      entityId: before.id,
      before: updateDto(before),
    });
  });
}

export async function updateIncident(ctx: Ctx, input: UpdateIncidentInput): Promise<Incident> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(UpdateIncidentInput, input);
  return ctx.db.transaction((tx) => updateIncidentInTx(tx, ctx, data));
}

async function updateIncidentInTx(tx: Tx, ctx: Ctx, { id, ...fields }: z.infer<typeof UpdateIncidentInput>) {
  const p = await getPage(tx);
  const before = await getIncidentOrThrow(tx, p.id, id);
  const now = ctx.now();
  await tx.update(incident).set(fields).where(eq(incident.id, id));
  const after = await incidentEdited(tx, p.id, id, now);
  await audit(tx, ctx, {
    pageId: p.id,
    action: "incident.update",
    entityType: "incident",
    entityId: id,
    before: incidentDto(before),
    after: incidentDto(after),
  });
  return after;
}

/**
 * Statuspage's PATCH: edit the incident and/or post an update, in ONE
 * transaction so a failure in either half leaves nothing behind.
 */
export async function patchIncident(
  ctx: Ctx,
  input: { edit?: UpdateIncidentInput; post?: PostUpdateInput },
): Promise<void> {
  requireRole(ctx.actor, "editor");
  const edit = input.edit && parseInput(UpdateIncidentInput, input.edit);
  const post = input.post && parseInput(PostUpdateInput, input.post);
  await ctx.db.transaction(async (tx) => {
    if (post) await postUpdateInTx(tx, ctx, post);
    if (edit) await updateIncidentInTx(tx, ctx, edit);
  });
}

/** Anything still queued for a deleted incident or update (email, chat or webhook) is never sent. */
const CANCELLED = "cancelled: the update was deleted";

/** Removes the incident and its timeline. Component history it caused stays (it happened). */
export async function deleteIncident(ctx: Ctx, input: { id: string }): Promise<void> {
  requireRole(ctx.actor, "admin");
  const { id } = parseInput(z.strictObject({ id: Id }), input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await getIncidentOrThrow(tx, p.id, id);
    const updates = await tx
      .select()
      .from(incidentUpdate)
      .where(eq(incidentUpdate.incidentId, id))
      .orderBy(desc(incidentUpdate.displayAt));
    await withdrawDeliveries(tx, eq(notification.incidentId, id), CANCELLED);
    const updateIds = updates.map((u) => u.id);
    if (updateIds.length)
      await tx.delete(incidentUpdateComponent).where(inArray(incidentUpdateComponent.incidentUpdateId, updateIds));
    await tx.delete(incidentUpdate).where(eq(incidentUpdate.incidentId, id));
    await tx.delete(incident).where(eq(incident.id, id));
    await bumpContentVersion(tx, p.id, ctx.now());
    await audit(tx, ctx, {
      pageId: p.id,
      action: "incident.delete",
      entityType: "incident",
      entityId: id,
      before: { ...incidentDto(before), updates: updates.map(updateDto) },
    });
  });
}
