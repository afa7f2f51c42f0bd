import { and, desc, eq, inArray, isNull, max, ne } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { COMPONENT_STATUSES, IMPACTS, INCIDENT_STATUSES, type AnyIncidentStatus, type ComponentStatus, type NotificationKind } from "@/db/constants";
import { component, delivery, incident, incidentUpdate, incidentUpdateComponent, notification, type Incident, type IncidentUpdate } from "@/db/schema";
import { audit } from "../audit";
import { applyComponentStatuses, loadComponentsOrThrow } from "../components/status-changes";
import { parseInput, requireRole, type Ctx } from "../context";
import { NotFoundError, ValidationError } from "../errors";
import { newId } from "../ids";
import { enqueueNotification } from "../notifications/enqueue";
import { bumpContentVersion, getPage } from "../page/page";
import { compareUpdatesNewestFirst, impactFromComponentStatuses, isClosedStatus, timelineFromUpdates } from "../status/rules";

const Id = z.string().regex(/^[0-9a-z]{1,32}$/, "Malformed id");
const Name = z.string().trim().min(1, "Name is required").max(255, "At most 255 characters");
const Body = z.string().trim().min(1, "A message is required").max(20_000, "At most 20,000 characters");
const ComponentStatusMap = z
  .record(Id, z.enum(COMPONENT_STATUSES, { error: "Unknown component status" }))
  .refine((m) => Object.keys(m).length <= 500, "Too many components");
const ComponentIds = z.array(Id).max(500);
// Dates arrive as Date (lib callers), ISO strings (API) or form values.
const When = z.coerce.date({ error: "Invalid date" }).refine((d) => d.getUTCFullYear() >= 1970 && d.getUTCFullYear() <= 9999, "Date out of range");

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
});
export type CreateIncidentInput = z.input<typeof CreateIncidentInput>;

export const PostUpdateInput = z.strictObject({
  incidentId: Id,
  status: z.enum(INCIDENT_STATUSES),
  body: Body,
  components: ComponentStatusMap.default({}),
  notify: z.boolean().default(false),
  displayAt: When.optional(),
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
  return { id: u.id, status: u.status, body: u.body, displayAt: u.displayAt, deliverNotifications: u.deliverNotifications, publishAt: u.publishAt };
}

export async function getIncidentOrThrow(tx: Tx, pageId: string, id: string): Promise<Incident> {
  const row = await tx.query.incident.findFirst({ where: and(eq(incident.id, id), eq(incident.pageId, pageId), eq(incident.kind, "incident")) });
  if (!row) throw new NotFoundError("Incident");
  return row;
}

async function getUpdateOrThrow(tx: Tx, incidentId: string, updateId: string): Promise<IncidentUpdate> {
  const row = await tx.query.incidentUpdate.findFirst({ where: and(eq(incidentUpdate.id, updateId), eq(incidentUpdate.incidentId, incidentId)) });
  if (!row) throw new NotFoundError("Incident update");
  return row;
}

/**
 * Updates that have gone public. A scheduled update (publish_at set) exists
 * only for the console until lib/incidents/scheduled.ts publishes it: nothing
 * derived from the timeline may count it.
 */
export const publishedUpdate = isNull(incidentUpdate.publishAt);

/** Components named in any published update of the incident. */
export async function affectedComponentIds(tx: Tx, incidentId: string): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ id: incidentUpdateComponent.componentId })
    .from(incidentUpdateComponent)
    .innerJoin(incidentUpdate, eq(incidentUpdate.id, incidentUpdateComponent.incidentUpdateId))
    .where(and(eq(incidentUpdate.incidentId, incidentId), publishedUpdate));
  return rows.map((r) => r.id);
}

/**
 * Recomputes the incident's caches (status, milestones, impact) from its
 * published updates. The only writer of those columns.
 */
export async function refreshIncidentCaches(tx: Tx, incidentId: string, now: Date): Promise<Incident> {
  const row = await tx.query.incident.findFirst({ where: eq(incident.id, incidentId) });
  if (!row) throw new NotFoundError("Incident");
  const updates = await tx
    .select()
    .from(incidentUpdate)
    .where(and(eq(incidentUpdate.incidentId, incidentId), publishedUpdate));
  const derived = timelineFromUpdates(updates);
  // A resolved incident with a published postmortem reads "postmortem" (lib/incidents/postmortem.ts).
  const timeline = derived.status === "resolved" && row.postmortemPublishedAt ? { ...derived, status: "postmortem" as const } : derived;
  // Hidden components don't count: impact is public (banner, v2 JSON) and must not reveal them.
  const statuses = await tx
    .select({ s: incidentUpdateComponent.newStatus })
    .from(incidentUpdateComponent)
    .innerJoin(incidentUpdate, eq(incidentUpdate.id, incidentUpdateComponent.incidentUpdateId))
    .innerJoin(component, eq(component.id, incidentUpdateComponent.componentId))
    .where(and(eq(incidentUpdate.incidentId, incidentId), publishedUpdate, eq(component.hidden, false)));
  // Impact is the worst the incident ever was, so a resolved incident keeps its colour in history.
  const impact = row.impactOverride ?? impactFromComponentStatuses(statuses.map((s) => s.s));
  await tx
    .update(incident)
    .set({ ...timeline, impact, updatedAt: now })
    .where(eq(incident.id, incidentId));
  return { ...row, ...timeline, impact, updatedAt: now };
}

/**
 * When an incident resolves, the components it affected go back to
 * operational unless the resolving update said otherwise, or another open
 * incident still holds them: its newest word on the component is not
 * operational (an older outage it has since released does not count).
 */
async function componentsToRestore(tx: Tx, pageId: string, incidentId: string, explicit: Set<string>): Promise<string[]> {
  const affected = (await affectedComponentIds(tx, incidentId)).filter((id) => !explicit.has(id));
  if (!affected.length) return [];
  const mentions = await tx
    .select({ incidentId: incidentUpdate.incidentId, componentId: incidentUpdateComponent.componentId, newStatus: incidentUpdateComponent.newStatus, displayAt: incidentUpdate.displayAt, seq: incidentUpdate.seq })
    .from(incidentUpdateComponent)
    .innerJoin(incidentUpdate, eq(incidentUpdate.id, incidentUpdateComponent.incidentUpdateId))
    .innerJoin(incident, eq(incident.id, incidentUpdate.incidentId))
    .where(
      and(
        eq(incident.pageId, pageId),
        ne(incident.id, incidentId),
        publishedUpdate,
        inArray(incident.status, ["investigating", "identified", "monitoring", "in_progress", "verifying"]),
        inArray(incidentUpdateComponent.componentId, affected),
      ),
    );
  const newest = new Map<string, (typeof mentions)[number]>();
  for (const m of [...mentions].sort(compareUpdatesNewestFirst)) {
    const key = `${m.incidentId}:${m.componentId}`;
    if (!newest.has(key)) newest.set(key, m);
  }
  const held = new Set([...newest.values()].filter((m) => m.newStatus !== "operational").map((m) => m.componentId));
  return affected.filter((id) => !held.has(id));
}

export interface WriteUpdateArgs {
  pageId: string;
  incidentId: string;
  status: AnyIncidentStatus;
  body: string;
  displayAt: Date;
  notify: boolean;
  /** Components whose status this update sets. */
  components: Record<string, ComponentStatus>;
  /** Components named as affected without a new status. */
  mentioned: readonly string[];
  /** Backfilled history and scheduled updates record the changes but never touch current state. */
  touchCurrentState: boolean;
  /** Set for a scheduled update: it stays out of every public read until then. */
  publishAt?: Date;
}

/** Inserts one update with its affected components and applies the component changes (also used by lib/maintenance). */
export async function writeUpdate(tx: Tx, ctx: Ctx, args: WriteUpdateArgs): Promise<IncidentUpdate> {
  const now = ctx.now();
  const id = newId();
  const last = await tx.select({ seq: max(incidentUpdate.seq) }).from(incidentUpdate).where(eq(incidentUpdate.incidentId, args.incidentId)).get();
  await tx.insert(incidentUpdate).values({
    id,
    incidentId: args.incidentId,
    status: args.status,
    body: args.body,
    displayAt: args.displayAt,
    seq: (last?.seq ?? 0) + 1,
    deliverNotifications: args.notify,
    authorUserId: ctx.actor.type === "user" ? ctx.actor.id : null,
    publishAt: args.publishAt ?? null,
    createdAt: now,
    updatedAt: now,
  });
  await recordComponentChanges(tx, now, { ...args, updateId: id });
  return (await tx.query.incidentUpdate.findFirst({ where: eq(incidentUpdate.id, id) }))!;
}

type ComponentChangeArgs = Pick<WriteUpdateArgs, "pageId" | "incidentId" | "status" | "components" | "mentioned" | "touchCurrentState"> & { updateId: string };

/** Writes the update's incident_update_component rows, applying the changes to the components when touchCurrentState. */
async function recordComponentChanges(tx: Tx, now: Date, args: ComponentChangeArgs): Promise<void> {
  const wanted = new Map<string, ComponentStatus>(Object.entries(args.components));
  if (args.status === "resolved" && args.touchCurrentState) {
    for (const id of await componentsToRestore(tx, args.pageId, args.incidentId, new Set(wanted.keys()))) wanted.set(id, "operational");
  }
  const loaded = await loadComponentsOrThrow(tx, args.pageId, [...wanted.keys(), ...args.mentioned]);
  const changes = args.touchCurrentState
    ? await applyComponentStatuses(tx, loaded, wanted, { pageId: args.pageId, at: now, source: "incident_update", incidentId: args.incidentId, incidentUpdateId: args.updateId })
    : [...wanted].map(([componentId, newStatus]) => ({ componentId, oldStatus: loaded.get(componentId)!.status, newStatus }));
  const rows = changes.map((c) => ({ incidentUpdateId: args.updateId, componentId: c.componentId, oldStatus: c.oldStatus, newStatus: c.newStatus }));
  for (const mentionedId of args.mentioned) {
    if (wanted.has(mentionedId)) continue;
    const status = loaded.get(mentionedId)!.status;
    rows.push({ incidentUpdateId: args.updateId, componentId: mentionedId, oldStatus: status, newStatus: status });
  }
  if (rows.length) await tx.insert(incidentUpdateComponent).values(rows);
}

/**
 * Publishing a scheduled update (or the first update of a scheduled
 * incident): applies the component changes it recorded, exactly as
 * writeUpdate would have had it been posted now — including the components a
 * resolving update gives back. `requested` tells the rows that set a status
 * from those that only name a component. Components deleted since
 * scheduling are dropped rather than failing the publish.
 */
export async function applyRecordedComponentChanges(
  tx: Tx,
  now: Date,
  pageId: string,
  update: IncidentUpdate,
  requested: (row: { oldStatus: ComponentStatus; newStatus: ComponentStatus }) => boolean,
): Promise<void> {
  const recorded = await tx.select().from(incidentUpdateComponent).where(eq(incidentUpdateComponent.incidentUpdateId, update.id));
  const ids = recorded.map((r) => r.componentId);
  const live = new Set(
    ids.length
      ? (await tx.select({ id: component.id }).from(component).where(and(eq(component.pageId, pageId), inArray(component.id, ids), isNull(component.deletedAt)))).map((r) => r.id)
      : [],
  );
  const kept = recorded.filter((r) => live.has(r.componentId));
  await tx.delete(incidentUpdateComponent).where(eq(incidentUpdateComponent.incidentUpdateId, update.id));
  await recordComponentChanges(tx, now, {
    pageId,
    incidentId: update.incidentId,
    updateId: update.id,
    status: update.status,
    components: Object.fromEntries(kept.filter(requested).map((r) => [r.componentId, r.newStatus])),
    mentioned: kept.filter((r) => !requested(r)).map((r) => r.componentId),
    touchCurrentState: true,
  });
}

async function maybeNotify(tx: Tx, pageId: string, kind: NotificationKind, inc: Incident, update: IncidentUpdate, now: Date) {
  if (!update.deliverNotifications || inc.backfilled) return;
  await enqueueNotification(tx, { pageId, kind, incidentId: inc.id, incidentUpdateId: update.id, componentIds: await affectedComponentIds(tx, inc.id), now });
}

function checkDisplayAt(displayAt: Date | undefined, now: Date): Date {
  if (!displayAt) return now;
  if (displayAt.getTime() > now.getTime() + 60_000) throw new ValidationError("The display time cannot be in the future", { displayAt: ["Cannot be in the future"] });
  return displayAt;
}

export async function createIncident(ctx: Ctx, input: CreateIncidentInput): Promise<{ incident: Incident; update: IncidentUpdate }> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(CreateIncidentInput, input);
  if (data.backfilled && !data.backfillDate) throw new ValidationError("A backfilled incident needs the date it happened", { backfillDate: ["Required for a backfilled incident"] });
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const now = ctx.now();
    const startedAt = data.backfilled ? checkDisplayAt(data.backfillDate, now) : now;
    const id = newId();
    await tx.insert(incident).values({
      id,
      pageId: p.id,
      kind: "incident",
      name: data.name,
      // A backfilled incident is history: it is recorded resolved.
      status: data.backfilled ? "resolved" : data.status,
      impactOverride: data.impactOverride,
      backfilled: data.backfilled,
      startedAt,
      publishedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    const update = await writeUpdate(tx, ctx, {
      pageId: p.id,
      incidentId: id,
      status: data.backfilled ? "resolved" : data.status,
      body: data.body,
      displayAt: startedAt,
      notify: data.notify && !data.backfilled,
      components: data.components,
      mentioned: data.componentIds,
      touchCurrentState: !data.backfilled,
    });
    const created = await refreshIncidentCaches(tx, id, now);
    await maybeNotify(tx, p.id, "incident_created", created, update, now);
    await bumpContentVersion(tx, p.id, now);
    await audit(tx, ctx, { pageId: p.id, action: "incident.create", entityType: "incident", entityId: id, after: { ...incidentDto(created), update: updateDto(update), components: data.components } });
    return { incident: created, update };
  });
}

export async function postIncidentUpdate(ctx: Ctx, input: PostUpdateInput): Promise<{ incident: Incident; update: IncidentUpdate }> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(PostUpdateInput, input);
  return ctx.db.transaction((tx) => postUpdateInTx(tx, ctx, data));
}

async function postUpdateInTx(tx: Tx, ctx: Ctx, data: z.infer<typeof PostUpdateInput>) {
  const p = await getPage(tx);
  const before = await getIncidentOrThrow(tx, p.id, data.incidentId);
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
  const after = await updateWentPublic(tx, p.id, before, update, now);
  await audit(tx, ctx, { pageId: p.id, action: "incident.post_update", entityType: "incident", entityId: before.id, before: incidentDto(before), after: { ...incidentDto(after), update: updateDto(update), components: data.components } });
  return { incident: after, update };
}

/**
 * An update has just become public (posted now, or a scheduled one
 * published): recompute the caches, notify if it asked to, bump the version.
 */
export async function updateWentPublic(tx: Tx, pageId: string, before: Incident, update: IncidentUpdate, now: Date): Promise<Incident> {
  const after = await refreshIncidentCaches(tx, before.id, now);
  const kind = isClosedStatus(after.status) && !isClosedStatus(before.status) ? "incident_resolved" : "incident_updated";
  await maybeNotify(tx, pageId, kind, after, update, now);
  await bumpContentVersion(tx, pageId, now);
  return after;
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
    await refreshIncidentCaches(tx, data.incidentId, now);
    await bumpContentVersion(tx, p.id, now);
    const after = await getUpdateOrThrow(tx, data.incidentId, data.updateId);
    await audit(tx, ctx, { pageId: p.id, action: "incident_update.edit", entityType: "incident_update", entityId: before.id, before: updateDto(before), after: updateDto(after) });
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
    if (!before.publishAt) {
      const count = await tx.$count(incidentUpdate, and(eq(incidentUpdate.incidentId, data.incidentId), publishedUpdate));
      if (count <= 1) throw new ValidationError("An incident keeps at least one update; delete the incident instead");
    }
    const now = ctx.now();
    await cancelPendingDeliveries(tx, eq(notification.incidentUpdateId, before.id));
    await tx.delete(incidentUpdateComponent).where(eq(incidentUpdateComponent.incidentUpdateId, before.id));
    await tx.delete(incidentUpdate).where(eq(incidentUpdate.id, before.id));
    await refreshIncidentCaches(tx, data.incidentId, now);
    await bumpContentVersion(tx, p.id, now);
    await audit(tx, ctx, { pageId: p.id, action: "incident_update.delete", entityType: "incident_update", entityId: before.id, before: updateDto(before) });
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
  const after = await refreshIncidentCaches(tx, id, now);
  await bumpContentVersion(tx, p.id, now);
  await audit(tx, ctx, { pageId: p.id, action: "incident.update", entityType: "incident", entityId: id, before: incidentDto(before), after: incidentDto(after) });
  return after;
}

/**
 * Statuspage's PATCH: edit the incident and/or post an update, in ONE
 * transaction so a failure in either half leaves nothing behind.
 */
export async function patchIncident(ctx: Ctx, input: { edit?: UpdateIncidentInput; post?: PostUpdateInput }): Promise<void> {
  requireRole(ctx.actor, "editor");
  const edit = input.edit && parseInput(UpdateIncidentInput, input.edit);
  const post = input.post && parseInput(PostUpdateInput, input.post);
  await ctx.db.transaction(async (tx) => {
    if (post) await postUpdateInTx(tx, ctx, post);
    if (edit) await updateIncidentInTx(tx, ctx, edit);
  });
}

/** Anything still queued for a deleted incident or update is never sent. */
async function cancelPendingDeliveries(tx: Tx, which: ReturnType<typeof eq>) {
  const ids = tx.select({ id: notification.id }).from(notification).where(which);
  await tx
    .update(delivery)
    .set({ status: "skipped", lastError: "cancelled: the update was deleted" })
    .where(and(eq(delivery.status, "pending"), inArray(delivery.notificationId, ids)));
}

/** Removes the incident and its timeline. Component history it caused stays (it happened). */
export async function deleteIncident(ctx: Ctx, input: { id: string }): Promise<void> {
  requireRole(ctx.actor, "admin");
  const { id } = parseInput(z.strictObject({ id: Id }), input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await getIncidentOrThrow(tx, p.id, id);
    const updates = await tx.select().from(incidentUpdate).where(eq(incidentUpdate.incidentId, id)).orderBy(desc(incidentUpdate.displayAt));
    await cancelPendingDeliveries(tx, eq(notification.incidentId, id));
    const updateIds = updates.map((u) => u.id);
    if (updateIds.length) await tx.delete(incidentUpdateComponent).where(inArray(incidentUpdateComponent.incidentUpdateId, updateIds));
    await tx.delete(incidentUpdate).where(eq(incidentUpdate.incidentId, id));
    await tx.delete(incident).where(eq(incident.id, id));
    await bumpContentVersion(tx, p.id, ctx.now());
    await audit(tx, ctx, { pageId: p.id, action: "incident.delete", entityType: "incident", entityId: id, before: { ...incidentDto(before), updates: updates.map(updateDto) } });
  });
}
