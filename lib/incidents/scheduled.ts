// Scheduled publishing: an incident, or an update to a published incident,
// saved now and made public at a set time. Until then nothing public changes —
// a scheduled incident's published_at stays null and a scheduled update's
// publish_at stays set (every public loader and every cache derivation skips
// both), their component changes are only recorded, not applied, and nothing
// is enqueued. The scheduler steps publishDueIncidents and publishDueUpdates
// apply the components, notify and bump the version, exactly once (a
// conditional UPDATE on published_at / publish_at is the claim).
import { and, asc, eq, isNotNull, isNull, lte, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Db, Tx } from "@/db/client";
import { incident, incidentUpdate, type Incident, type IncidentUpdate } from "@/db/schema";
import { insertAudienceNote } from "../audiences/audiences";
import { audit } from "../audit";
import { parseInput, requireRole, SYSTEM_ACTOR, type Ctx } from "../context";
import { ValidationError } from "../errors";
import { serialized } from "../jobs/serialize";
import { enqueueNotification } from "../notifications/enqueue";
import { bumpContentVersion, getPage } from "../page/page";
import { resolveZonedInput, ZonedInput } from "../time/zoned-input";
import {
  CreateIncidentInput,
  getIncidentOrThrow,
  incidentDto,
  insertIncident,
  PostUpdateInput,
  updateDto,
} from "./incidents";
import {
  affectedComponentIds,
  applyRecordedComponentChanges,
  refreshIncidentCaches,
  updateWentPublic,
  writeUpdate,
} from "./timeline";

export const ScheduleIncidentInput = CreateIncidentInput.omit({ backfilled: true, backfillDate: true }).extend({
  publishAt: ZonedInput,
});
export type ScheduleIncidentInput = z.input<typeof ScheduleIncidentInput>;

export const ScheduleUpdateInput = PostUpdateInput.omit({ displayAt: true }).extend({ publishAt: ZonedInput });
export type ScheduleUpdateInput = z.input<typeof ScheduleUpdateInput>;

const MAX_AHEAD_MS = 366 * 86_400_000;

/** The publish time in UTC: typed in the page's zone, in the future, within a year. */
function futurePublishTime(value: Date | string, timeZone: string, now: Date): Date {
  const publishAt = resolveZonedInput(value, timeZone, "publishAt");
  if (publishAt.getTime() <= now.getTime())
    throw new ValidationError("The publish time must be in the future", { publishAt: ["Must be in the future"] });
  if (publishAt.getTime() > now.getTime() + MAX_AHEAD_MS)
    throw new ValidationError("The publish time must be within a year", { publishAt: ["Must be within a year"] });
  return publishAt;
}

export async function scheduleIncident(
  ctx: Ctx,
  input: ScheduleIncidentInput,
): Promise<{ incident: Incident; update: IncidentUpdate }> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(ScheduleIncidentInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const now = ctx.now();
    const publishAt = futurePublishTime(data.publishAt, p.timeZone, now);
    const { id, update } = await insertIncident(tx, ctx, p.id, {
      ...data,
      startedAt: publishAt,
      publishAt,
      publishedAt: null,
      // Recorded only; applied when it is published.
      touchCurrentState: false,
    });
    const created = await refreshIncidentCaches(tx, id, now);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "incident.schedule",
      entityType: "incident",
      entityId: id,
      after: { ...incidentDto(created), publishAt, components: data.components },
    });
    return { incident: created, update };
  });
}

/** Scheduler step: publishes every incident whose time has come; returns how many. */
export async function publishDueIncidents(sctx: { db: Db; now: () => Date }): Promise<number> {
  return serialized(sctx.db, "scheduler", () => publishAll({ db: sctx.db, now: sctx.now, actor: SYSTEM_ACTOR }));
}

async function publishAll(ctx: Ctx): Promise<number> {
  const due = await ctx.db
    .select({ id: incident.id })
    .from(incident)
    .where(and(isNull(incident.publishedAt), isNotNull(incident.publishAt), lte(incident.publishAt, ctx.now())));
  let done = 0;
  for (const { id } of due) if (await publishOne(ctx, id)) done++;
  return done;
}

/**
 * Saves an update to a published incident that goes public at publishAt.
 * Touches nothing else: no component change, cache refresh, outbox row or
 * version bump — only the row (with its component changes recorded) and an
 * audit entry.
 */
export async function scheduleIncidentUpdate(ctx: Ctx, input: ScheduleUpdateInput): Promise<IncidentUpdate> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(ScheduleUpdateInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const inc = await getIncidentOrThrow(tx, p.id, data.incidentId);
    const now = ctx.now();
    const publishAt = futurePublishTime(data.publishAt, p.timeZone, now);
    // Its publish would notify about an incident nobody can see yet.
    if (!inc.publishedAt)
      throw new ValidationError("This incident is not published yet", {
        publishAt: ["The incident is not published yet"],
      });
    if (inc.backfilled)
      throw new ValidationError("A backfilled incident is history; its updates cannot be scheduled", {
        publishAt: ["Not for a backfilled incident"],
      });
    const update = await writeUpdate(tx, ctx, {
      pageId: p.id,
      incidentId: inc.id,
      status: data.status,
      body: data.body,
      displayAt: publishAt,
      notify: data.notify,
      components: data.components,
      mentioned: [],
      // Recorded only; applied when it is published.
      touchCurrentState: false,
      publishAt,
    });
    // Not public before its update is: loaders read notes of published updates only, and the publish bumps.
    if (data.note) await insertAudienceNote(tx, ctx, p.id, update.id, data.note);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "incident_update.schedule",
      entityType: "incident_update",
      entityId: update.id,
      after: { ...updateDto(update), incidentId: inc.id, components: data.components },
    });
    return update;
  });
}

/** Scheduler step: publishes every scheduled update whose time has come; returns how many. */
export async function publishDueUpdates(sctx: { db: Db; now: () => Date }): Promise<number> {
  return serialized(sctx.db, "scheduler", async () => {
    const ctx: Ctx = { db: sctx.db, now: sctx.now, actor: SYSTEM_ACTOR };
    const due = await ctx.db
      .select({ id: incidentUpdate.id })
      .from(incidentUpdate)
      .where(and(isNotNull(incidentUpdate.publishAt), lte(incidentUpdate.publishAt, ctx.now())))
      .orderBy(asc(incidentUpdate.publishAt), asc(incidentUpdate.seq));
    let done = 0;
    for (const { id } of due) if (await publishUpdate(ctx, id)) done++;
    return done;
  });
}

async function publishUpdate(ctx: Ctx, id: string): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    // The claim: only one transaction sees publish_at set. The update shows at
    // its scheduled time (SET reads the old publish_at), not when a late worker ran.
    const claim = await tx
      .update(incidentUpdate)
      .set({ displayAt: sql`${incidentUpdate.publishAt}`, publishAt: null, updatedAt: now })
      .where(and(eq(incidentUpdate.id, id), isNotNull(incidentUpdate.publishAt), lte(incidentUpdate.publishAt, now)));
    if (claim.rowsAffected !== 1) return false;
    const update = (await tx.query.incidentUpdate.findFirst({ where: eq(incidentUpdate.id, id) }))!;
    const before = (await tx.query.incident.findFirst({ where: eq(incident.id, update.incidentId) }))!;
    await applyRecordedComponentChanges(tx, now, before.pageId, update);
    const after = await updateWentPublic(tx, before.pageId, before, update, now);
    await audit(tx, ctx, {
      pageId: before.pageId,
      action: "incident_update.publish_scheduled",
      entityType: "incident_update",
      entityId: id,
      before: incidentDto(before),
      after: { ...incidentDto(after), update: updateDto(update) },
    });
    return true;
  });
}

async function publishOne(ctx: Ctx, id: string): Promise<boolean> {
  return ctx.db.transaction((tx) => publishUnpublishedIncident(tx, ctx, id, "incident.publish_scheduled"));
}

/**
 * Makes an unpublished incident public inside the caller's transaction: a
 * scheduled one whose time came, or a draft (lib/incidents/drafts.ts,
 * opened by lib/integrations) a person publishes. The conditional UPDATE on
 * published_at is the claim; false when it was already published.
 */
export async function publishUnpublishedIncident(tx: Tx, ctx: Ctx, id: string, action: string): Promise<boolean> {
  const now = ctx.now();
  const claim = await tx
    .update(incident)
    .set({ publishedAt: now, updatedAt: now })
    .where(and(eq(incident.id, id), isNull(incident.publishedAt)));
  if (claim.rowsAffected !== 1) return false;
  const inc = (await tx.query.incident.findFirst({ where: eq(incident.id, id) }))!;
  const first = (await tx
    .select()
    .from(incidentUpdate)
    .where(eq(incidentUpdate.incidentId, id))
    .orderBy(asc(incidentUpdate.seq))
    .limit(1)
    .get())!;
  await applyRecordedComponentChanges(tx, now, inc.pageId, first);
  const after = await refreshIncidentCaches(tx, id, now);
  if (first.deliverNotifications) {
    await enqueueNotification(tx, {
      pageId: inc.pageId,
      kind: "incident_created",
      incidentId: id,
      incidentUpdateId: first.id,
      componentIds: await affectedComponentIds(tx, id),
      now,
    });
  }
  await bumpContentVersion(tx, inc.pageId, now);
  await audit(tx, ctx, { pageId: inc.pageId, action, entityType: "incident", entityId: id, after: incidentDto(after) });
  return true;
}
