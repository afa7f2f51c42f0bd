// Scheduled publishing: an incident saved now and made public at a set time.
// Until then nothing public changes — published_at stays null (every public
// loader filters on it), its component changes are only recorded, not
// applied, and nothing is enqueued. The scheduler step publishDueIncidents
// applies the components, notifies and bumps the version, exactly once (a
// conditional UPDATE on published_at is the claim).
import { and, asc, eq, inArray, isNotNull, isNull, lte } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { component, incident, incidentUpdate, incidentUpdateComponent, type Incident, type IncidentUpdate } from "@/db/schema";
import { audit } from "../audit";
import { applyComponentStatuses } from "../components/status-changes";
import { parseInput, requireRole, SYSTEM_ACTOR, type Ctx } from "../context";
import { ValidationError } from "../errors";
import { newId } from "../ids";
import { serialized } from "../jobs/serialize";
import { enqueueNotification } from "../notifications/enqueue";
import { bumpContentVersion, getPage } from "../page/page";
import { resolveZonedInput, ZonedInput } from "../time/zoned-input";
import { affectedComponentIds, CreateIncidentInput, incidentDto, refreshIncidentCaches, writeUpdate } from "./incidents";

export const ScheduleIncidentInput = CreateIncidentInput.omit({ backfilled: true, backfillDate: true }).extend({ publishAt: ZonedInput });
export type ScheduleIncidentInput = z.input<typeof ScheduleIncidentInput>;

const MAX_AHEAD_MS = 366 * 86_400_000;

export async function scheduleIncident(ctx: Ctx, input: ScheduleIncidentInput): Promise<{ incident: Incident; update: IncidentUpdate }> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(ScheduleIncidentInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const now = ctx.now();
    const publishAt = resolveZonedInput(data.publishAt, p.timeZone, "publishAt");
    if (publishAt.getTime() <= now.getTime()) throw new ValidationError("The publish time must be in the future", { publishAt: ["Must be in the future"] });
    if (publishAt.getTime() > now.getTime() + MAX_AHEAD_MS) throw new ValidationError("The publish time must be within a year", { publishAt: ["Must be within a year"] });
    const id = newId();
    await tx.insert(incident).values({
      id,
      pageId: p.id,
      kind: "incident",
      name: data.name,
      status: data.status,
      impactOverride: data.impactOverride,
      startedAt: publishAt,
      publishAt,
      publishedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    const update = await writeUpdate(tx, ctx, {
      pageId: p.id,
      incidentId: id,
      status: data.status,
      body: data.body,
      displayAt: publishAt,
      notify: data.notify,
      components: data.components,
      mentioned: data.componentIds,
      // Recorded only; applied when it is published.
      touchCurrentState: false,
    });
    const created = await refreshIncidentCaches(tx, id, now);
    await audit(tx, ctx, { pageId: p.id, action: "incident.schedule", entityType: "incident", entityId: id, after: { ...incidentDto(created), publishAt, components: data.components } });
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

async function publishOne(ctx: Ctx, id: string): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const claim = await tx
      .update(incident)
      .set({ publishedAt: now, updatedAt: now })
      .where(and(eq(incident.id, id), isNull(incident.publishedAt)));
    if (claim.rowsAffected !== 1) return false;
    const inc = (await tx.query.incident.findFirst({ where: eq(incident.id, id) }))!;
    const first = (await tx.select().from(incidentUpdate).where(eq(incidentUpdate.incidentId, id)).orderBy(asc(incidentUpdate.seq)).limit(1).get())!;
    // Rows whose new status differs from the one recorded at scheduling time
    // are the requested changes; equal ones were only named as affected.
    const recorded = await tx.select().from(incidentUpdateComponent).where(eq(incidentUpdateComponent.incidentUpdateId, first.id));
    const wanted = new Map(recorded.filter((r) => r.newStatus !== r.oldStatus).map((r) => [r.componentId, r.newStatus]));
    // Components deleted since scheduling are skipped rather than failing the publish.
    const ids = [...wanted.keys()];
    const rows = ids.length ? await tx.select().from(component).where(and(inArray(component.id, ids), isNull(component.deletedAt))) : [];
    const live = new Map(rows.map((r) => [r.id, r]));
    for (const cid of ids) if (!live.has(cid)) wanted.delete(cid);
    const applied = await applyComponentStatuses(tx, live, wanted, { pageId: inc.pageId, at: now, source: "incident_update", incidentId: id, incidentUpdateId: first.id });
    for (const a of applied) {
      await tx
        .update(incidentUpdateComponent)
        .set({ oldStatus: a.oldStatus })
        .where(and(eq(incidentUpdateComponent.incidentUpdateId, first.id), eq(incidentUpdateComponent.componentId, a.componentId)));
    }
    const after = await refreshIncidentCaches(tx, id, now);
    if (first.deliverNotifications) {
      await enqueueNotification(tx, { pageId: inc.pageId, kind: "incident_created", incidentId: id, incidentUpdateId: first.id, componentIds: await affectedComponentIds(tx, id), now });
    }
    await bumpContentVersion(tx, inc.pageId, now);
    await audit(tx, ctx, { pageId: inc.pageId, action: "incident.publish_scheduled", entityType: "incident", entityId: id, after: incidentDto(after) });
    return true;
  });
}
