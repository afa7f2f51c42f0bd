import { and, eq, inArray, isNull, max, ne, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { AnyIncidentStatus, ComponentStatus, NotificationKind } from "@/db/constants";
import {
  component,
  incident,
  incidentUpdate,
  incidentUpdateComponent,
  type Incident,
  type IncidentUpdate,
} from "@/db/schema";
import { applyComponentStatuses, loadComponentsOrThrow } from "../components/status-changes";
import type { Ctx } from "../context";
import { NotFoundError } from "../errors";
import { newId } from "../ids";
import { enqueueNotification } from "../notifications/enqueue";
import { bumpContentVersion } from "../page/page";
import { publishedIncidentOn, publishedUpdate } from "../public/visibility";
import { openAndStarted } from "../status/conditions";
import {
  compareUpdatesNewestFirst,
  impactFromComponentStatuses,
  isClosedStatus,
  timelineFromUpdates,
  worstComponentStatus,
} from "../status/rules";

/*
 * The timeline engine: writing an update with its component changes, and
 * recomputing what an incident's published updates imply. The verbs in
 * ./incidents.ts, lib/incidents/scheduled.ts, postmortem.ts and
 * lib/maintenance use it; nothing here checks roles or parses input.
 */

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
  const timeline =
    derived.status === "resolved" && row.postmortemPublishedAt
      ? { ...derived, status: "postmortem" as const }
      : derived;
  // Hidden components don't count: impact is public (banner, v2 JSON) and must not reveal them.
  const statuses = await tx
    .select({ s: incidentUpdateComponent.newStatus })
    .from(incidentUpdateComponent)
    .innerJoin(incidentUpdate, eq(incidentUpdate.id, incidentUpdateComponent.incidentUpdateId))
    .innerJoin(component, eq(component.id, incidentUpdateComponent.componentId))
    .where(and(eq(incidentUpdate.incidentId, incidentId), publishedUpdate, eq(component.hidden, false)));
  // Impact is the worst the incident ever was, so a resolved incident keeps its colour in history.
  const impact = row.impactOverride ?? impactFromComponentStatuses(statuses.map((s) => s.s));
  // Every change of an incident passes here, so the revision counts them (the calendar's SEQUENCE).
  await tx
    .update(incident)
    .set({ ...timeline, impact, revision: sql`${incident.revision} + 1`, updatedAt: now })
    .where(eq(incident.id, incidentId));
  return { ...row, ...timeline, impact, revision: row.revision + 1, updatedAt: now };
}

/**
 * What each of these components goes back to when an incident or maintenance lets go of it (resolving, completing):
 * the worst newest word of the other published, open and started incidents and maintenances that name it (an older
 * outage one has since released does not count), operational when none holds it. An incident scheduled or drafted
 * and not yet public holds nothing.
 */
export async function releasedStatuses(
  tx: Tx,
  pageId: string,
  incidentId: string,
  componentIds: readonly string[],
): Promise<Map<string, ComponentStatus>> {
  if (!componentIds.length) return new Map();
  const mentions = await tx
    .select({
      incidentId: incidentUpdate.incidentId,
      componentId: incidentUpdateComponent.componentId,
      newStatus: incidentUpdateComponent.newStatus,
      displayAt: incidentUpdate.displayAt,
      seq: incidentUpdate.seq,
    })
    .from(incidentUpdateComponent)
    .innerJoin(incidentUpdate, eq(incidentUpdate.id, incidentUpdateComponent.incidentUpdateId))
    .innerJoin(incident, eq(incident.id, incidentUpdate.incidentId))
    .where(
      and(
        publishedIncidentOn(pageId),
        ne(incident.id, incidentId),
        publishedUpdate,
        openAndStarted,
        inArray(incidentUpdateComponent.componentId, [...componentIds]),
      ),
    );
  const newest = new Map<string, (typeof mentions)[number]>();
  for (const m of [...mentions].sort(compareUpdatesNewestFirst)) {
    const key = `${m.incidentId}:${m.componentId}`;
    if (!newest.has(key)) newest.set(key, m);
  }
  const words = [...newest.values()];
  return new Map(
    componentIds.map((id) => [
      id,
      worstComponentStatus(words.filter((m) => m.componentId === id).map((m) => m.newStatus)),
    ]),
  );
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
  const last = await tx
    .select({ seq: max(incidentUpdate.seq) })
    .from(incidentUpdate)
    .where(eq(incidentUpdate.incidentId, args.incidentId))
    .get();
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

type ComponentChangeArgs = Pick<
  WriteUpdateArgs,
  "pageId" | "incidentId" | "status" | "components" | "mentioned" | "touchCurrentState"
> & { updateId: string };

/**
 * Writes the update's incident_update_component rows, applying the changes to the components when touchCurrentState.
 */
async function recordComponentChanges(tx: Tx, now: Date, args: ComponentChangeArgs): Promise<void> {
  const wanted = new Map<string, ComponentStatus>(Object.entries(args.components));
  // Resolving gives back the components it affected that the update does not set itself.
  const released =
    args.status === "resolved" && args.touchCurrentState
      ? await releasedStatuses(
          tx,
          args.pageId,
          args.incidentId,
          (await affectedComponentIds(tx, args.incidentId)).filter((id) => !wanted.has(id)),
        )
      : new Map<string, ComponentStatus>();
  const loaded = await loadComponentsOrThrow(tx, args.pageId, [
    ...wanted.keys(),
    ...released.keys(),
    ...args.mentioned,
  ]);
  // One still held at the word it has now is left as it is, and out of this update.
  for (const [id, status] of released)
    if (status === "operational" || loaded.get(id)!.status !== status) wanted.set(id, status);
  const changes = args.touchCurrentState
    ? await applyComponentStatuses(tx, loaded, wanted, {
        pageId: args.pageId,
        at: now,
        source: "incident_update",
        incidentId: args.incidentId,
        incidentUpdateId: args.updateId,
      })
    : [...wanted].map(([componentId, newStatus]) => ({
        componentId,
        oldStatus: loaded.get(componentId)!.status,
        newStatus,
      }));
  const rows = changes.map((c) => ({
    incidentUpdateId: args.updateId,
    componentId: c.componentId,
    oldStatus: c.oldStatus,
    newStatus: c.newStatus,
    requested: true,
  }));
  for (const mentionedId of args.mentioned) {
    if (wanted.has(mentionedId)) continue;
    const status = loaded.get(mentionedId)!.status;
    rows.push({
      incidentUpdateId: args.updateId,
      componentId: mentionedId,
      oldStatus: status,
      newStatus: status,
      requested: false,
    });
  }
  if (rows.length) await tx.insert(incidentUpdateComponent).values(rows);
}

/**
 * Publishing a scheduled update (or the first update of a scheduled
 * incident): applies the component changes it recorded, exactly as
 * writeUpdate would have had it been posted now — including the components a
 * resolving update gives back. Rows that set a status are applied, those
 * that only name a component stay mentions. Components deleted since
 * scheduling are dropped rather than failing the publish.
 */
export async function applyRecordedComponentChanges(
  tx: Tx,
  now: Date,
  pageId: string,
  update: IncidentUpdate,
): Promise<void> {
  const recorded = await tx
    .select()
    .from(incidentUpdateComponent)
    .where(eq(incidentUpdateComponent.incidentUpdateId, update.id));
  const ids = recorded.map((r) => r.componentId);
  const live = new Set(
    ids.length
      ? (
          await tx
            .select({ id: component.id })
            .from(component)
            .where(and(eq(component.pageId, pageId), inArray(component.id, ids), isNull(component.deletedAt)))
        ).map((r) => r.id)
      : [],
  );
  const kept = recorded.filter((r) => live.has(r.componentId));
  await tx.delete(incidentUpdateComponent).where(eq(incidentUpdateComponent.incidentUpdateId, update.id));
  await recordComponentChanges(tx, now, {
    pageId,
    incidentId: update.incidentId,
    updateId: update.id,
    status: update.status,
    components: Object.fromEntries(kept.filter((r) => r.requested).map((r) => [r.componentId, r.newStatus])),
    mentioned: kept.filter((r) => !r.requested).map((r) => r.componentId),
    touchCurrentState: true,
  });
}

/** Enqueues the update's notification when it asked for one (never for backfilled history). */
export async function maybeNotify(
  tx: Tx,
  pageId: string,
  kind: NotificationKind,
  inc: Incident,
  update: IncidentUpdate,
  now: Date,
) {
  if (!update.deliverNotifications || inc.backfilled) return;
  await enqueueNotification(tx, {
    pageId,
    kind,
    incidentId: inc.id,
    incidentUpdateId: update.id,
    componentIds: await affectedComponentIds(tx, inc.id),
    now,
  });
}

/**
 * An incident's public fields or timeline were edited: recompute its caches and
 * bump the content version, so the public surfaces render it again.
 */
export async function incidentEdited(tx: Tx, pageId: string, incidentId: string, now: Date): Promise<Incident> {
  const after = await refreshIncidentCaches(tx, incidentId, now);
  await bumpContentVersion(tx, pageId, now);
  return after;
}

/**
 * An update has just become public (posted now, or a scheduled one
 * published): recompute the caches, notify if it asked to, bump the version.
 */
export async function updateWentPublic(
  tx: Tx,
  pageId: string,
  before: Incident,
  update: IncidentUpdate,
  now: Date,
): Promise<Incident> {
  const after = await refreshIncidentCaches(tx, before.id, now);
  const kind =
    isClosedStatus(after.status) && !isClosedStatus(before.status) ? "incident_resolved" : "incident_updated";
  await maybeNotify(tx, pageId, kind, after, update, now);
  await bumpContentVersion(tx, pageId, now);
  return after;
}
