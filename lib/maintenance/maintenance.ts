// Scheduled maintenance: an incident row of kind "maintenance" with a window
// and Statuspage's automation flags. Its timeline uses the incident update
// machinery (lib/incidents/incidents.ts: writeUpdate, refreshIncidentCaches);
// the scheduler moves it through its states (transitions.ts).
import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import {
  MAINTENANCE_STATUSES,
  type ComponentStatus,
  type MaintenanceStatus,
  type NotificationKind,
} from "@/db/constants";
import { component, incident, type Incident, type IncidentUpdate } from "@/db/schema";
import { audit } from "../audit";
import { parseInput, requireRole, type Ctx } from "../context";
import { ValidationError } from "../errors";
import { Id, newId } from "../ids";
import { getOfKindOrThrow } from "../incidents/incidents";
import { affectedComponentIds, refreshIncidentCaches, releasedStatuses, writeUpdate } from "../incidents/timeline";
import { enqueueNotification } from "../notifications/enqueue";
import { bumpContentVersion, getPage } from "../page/page";
import { resolveZonedInput, ZonedInput } from "../time/zoned-input";
import { RemindMinutes } from "./remind";

const Name = z.string().trim().min(1, "Name is required").max(255, "At most 255 characters");
const Body = z.string().trim().min(1, "A message is required").max(20_000, "At most 20,000 characters");

/** A window may not start further ahead than this (absurd years, typos like 20266). */
const MAX_YEARS_AHEAD = 5;
const MAX_WINDOW_MS = 31 * 86_400_000;
/** Forms take a moment to submit: a start this far in the past still counts as "now". */
const PAST_GRACE_MS = 5 * 60_000;

export const CreateMaintenanceInput = z.strictObject({
  name: Name,
  body: Body,
  componentIds: z.array(Id).max(500).default([]),
  scheduledFor: ZonedInput,
  scheduledUntil: ZonedInput,
  autoStart: z.boolean().default(true),
  autoComplete: z.boolean().default(true),
  /** Components to under_maintenance at the start and back to operational at the end. */
  transitionComponents: z.boolean().default(true),
  /** null = no reminder; left out = the page's default (page.maintenanceRemindMinutes). */
  remindMinutes: RemindMinutes.optional(),
  notifyNow: z.boolean().default(false),
  notifyAtStart: z.boolean().default(false),
  notifyAtEnd: z.boolean().default(false),
  /** Record a past maintenance as history: completed, nothing sent, no component changes. */
  backfilled: z.boolean().default(false),
});
export type CreateMaintenanceInput = z.input<typeof CreateMaintenanceInput>;

export const PostMaintenanceUpdateInput = z.strictObject({
  maintenanceId: Id,
  status: z.enum(MAINTENANCE_STATUSES),
  body: Body,
  notify: z.boolean().default(false),
});
export type PostMaintenanceUpdateInput = z.input<typeof PostMaintenanceUpdateInput>;

export function validateWindow(start: Date, end: Date, now: Date, backfilled: boolean): void {
  const errors: Record<string, string[]> = {};
  const maxYear = now.getUTCFullYear() + MAX_YEARS_AHEAD;
  for (const [field, d] of [
    ["scheduledFor", start],
    ["scheduledUntil", end],
  ] as const) {
    if (d.getUTCFullYear() < 2000 || d.getUTCFullYear() > maxYear)
      errors[field] = [`Pick a date between 2000 and ${maxYear}`];
  }
  if (!errors.scheduledUntil && !errors.scheduledFor) {
    if (end.getTime() <= start.getTime())
      errors.scheduledUntil = [
        end.getTime() === start.getTime() ? "The window cannot be zero-length" : "The end must be after the start",
      ];
    else if (end.getTime() - start.getTime() > MAX_WINDOW_MS)
      errors.scheduledUntil = ["A window lasts at most 31 days"];
  }
  if (!errors.scheduledFor) {
    const past = start.getTime() < now.getTime() - PAST_GRACE_MS;
    if (past && !backfilled)
      errors.scheduledFor = ["The start is in the past; record it as a backfilled maintenance instead"];
    if (backfilled && end.getTime() > now.getTime())
      errors.scheduledUntil = ["A backfilled maintenance must have ended already"];
  }
  const first = Object.entries(errors)[0];
  if (first) throw new ValidationError(first[1][0], errors);
}

export function maintenanceDto(i: Incident) {
  return {
    id: i.id,
    name: i.name,
    status: i.status,
    scheduledFor: i.scheduledFor,
    scheduledUntil: i.scheduledUntil,
    autoStart: i.scheduledAutoInProgress,
    autoComplete: i.scheduledAutoCompleted,
    transitionComponents: i.autoTransitionToMaintenanceState,
    remindMinutes: i.scheduledRemindPrior ? i.scheduledRemindMinutes : null,
    notifyAtStart: i.autoTransitionDeliverNotificationsAtStart,
    notifyAtEnd: i.autoTransitionDeliverNotificationsAtEnd,
    backfilled: i.backfilled,
  };
}

export const getMaintenanceOrThrow = (tx: Tx, pageId: string, id: string) =>
  getOfKindOrThrow(tx, pageId, id, "maintenance");

export async function createMaintenance(
  ctx: Ctx,
  input: CreateMaintenanceInput,
): Promise<{ maintenance: Incident; update: IncidentUpdate }> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(CreateMaintenanceInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const now = ctx.now();
    const start = resolveZonedInput(data.scheduledFor, p.timeZone, "scheduledFor");
    const end = resolveZonedInput(data.scheduledUntil, p.timeZone, "scheduledUntil");
    validateWindow(start, end, now, data.backfilled);
    const id = newId();
    const status: MaintenanceStatus = data.backfilled ? "completed" : "scheduled";
    const remindMinutes = data.remindMinutes === undefined ? p.maintenanceRemindMinutes : data.remindMinutes;
    await tx.insert(incident).values({
      id,
      pageId: p.id,
      kind: "maintenance",
      name: data.name,
      status,
      startedAt: start,
      scheduledFor: start,
      scheduledUntil: end,
      scheduledRemindPrior: remindMinutes !== null && !data.backfilled,
      scheduledRemindMinutes: remindMinutes,
      scheduledAutoInProgress: data.autoStart && !data.backfilled,
      scheduledAutoCompleted: data.autoComplete && !data.backfilled,
      autoTransitionToMaintenanceState: data.transitionComponents,
      autoTransitionToOperationalState: data.transitionComponents,
      autoTransitionDeliverNotificationsAtStart: data.notifyAtStart,
      autoTransitionDeliverNotificationsAtEnd: data.notifyAtEnd,
      backfilled: data.backfilled,
      publishedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    const notify = data.notifyNow && !data.backfilled;
    const update = await writeUpdate(tx, ctx, {
      pageId: p.id,
      incidentId: id,
      status,
      body: data.body,
      displayAt: data.backfilled ? start : now,
      notify,
      components: {},
      mentioned: data.componentIds,
      touchCurrentState: false,
    });
    const created = await refreshIncidentCaches(tx, id, now);
    if (notify)
      await enqueueNotification(tx, {
        pageId: p.id,
        kind: "maintenance_scheduled",
        incidentId: id,
        incidentUpdateId: update.id,
        componentIds: data.componentIds,
        now,
      });
    await bumpContentVersion(tx, p.id, now);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "maintenance.create",
      entityType: "incident",
      entityId: id,
      after: { ...maintenanceDto(created), componentIds: data.componentIds },
    });
    return { maintenance: created, update };
  });
}

const NOTIFY_KIND: Record<MaintenanceStatus, NotificationKind> = {
  scheduled: "maintenance_scheduled",
  in_progress: "maintenance_started",
  verifying: "incident_updated",
  completed: "maintenance_completed",
};

/**
 * The component changes a maintenance makes entering a status: affected
 * components go under maintenance at the start (one already under another
 * maintenance is recorded as under this one too), and at the end those still
 * under maintenance go back to what the other open incidents and maintenances
 * that name them say (releasedStatuses), operational when none does.
 */
async function componentChanges(tx: Tx, m: Incident, to: MaintenanceStatus): Promise<Record<string, ComponentStatus>> {
  if (m.backfilled || !m.autoTransitionToMaintenanceState) return {};
  const ids = await affectedComponentIds(tx, m.id);
  if (!ids.length) return {};
  const live = await tx
    .select({ id: component.id, status: component.status })
    .from(component)
    .where(and(inArray(component.id, ids), isNull(component.deletedAt)));
  const out: Record<string, ComponentStatus> = {};
  if (to === "in_progress")
    for (const c of live)
      if (c.status === "operational" || c.status === "under_maintenance") out[c.id] = "under_maintenance";
  if (to === "completed") {
    const under = live.filter((c) => c.status === "under_maintenance").map((c) => c.id);
    for (const [id, status] of await releasedStatuses(tx, m.pageId, m.id, under))
      if (status !== "under_maintenance") out[id] = status;
  }
  return out;
}

/**
 * Writes one timeline entry moving the maintenance to `to` inside the caller's
 * transaction: component changes, caches, outbox (when notify), version bump.
 * Shared by the console (postMaintenanceUpdate) and the scheduler.
 */
export async function applyMaintenanceStatus(
  tx: Tx,
  ctx: Ctx,
  m: Incident,
  to: MaintenanceStatus,
  body: string,
  notify: boolean,
): Promise<{ maintenance: Incident; update: IncidentUpdate }> {
  const now = ctx.now();
  const send = notify && !m.backfilled;
  const update = await writeUpdate(tx, ctx, {
    pageId: m.pageId,
    incidentId: m.id,
    status: to,
    body,
    displayAt: now,
    notify: send,
    components: await componentChanges(tx, m, to),
    mentioned: [],
    touchCurrentState: !m.backfilled,
  });
  const after = await refreshIncidentCaches(tx, m.id, now);
  if (send)
    await enqueueNotification(tx, {
      pageId: m.pageId,
      kind: NOTIFY_KIND[to],
      incidentId: m.id,
      incidentUpdateId: update.id,
      componentIds: await affectedComponentIds(tx, m.id),
      now,
    });
  await bumpContentVersion(tx, m.pageId, now);
  return { maintenance: after, update };
}

export async function postMaintenanceUpdate(
  ctx: Ctx,
  input: PostMaintenanceUpdateInput,
): Promise<{ maintenance: Incident; update: IncidentUpdate }> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(PostMaintenanceUpdateInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await getMaintenanceOrThrow(tx, p.id, data.maintenanceId);
    return postMaintenanceUpdateIn(tx, ctx, before, data);
  });
}

/** A timeline entry inside the caller's transaction (postMaintenanceUpdate; patchMaintenance). */
export async function postMaintenanceUpdateIn(
  tx: Tx,
  ctx: Ctx,
  before: Incident,
  data: Pick<z.output<typeof PostMaintenanceUpdateInput>, "status" | "body" | "notify">,
): Promise<{ maintenance: Incident; update: IncidentUpdate }> {
  const result = await applyMaintenanceStatus(tx, ctx, before, data.status, data.body, data.notify);
  await audit(tx, ctx, {
    pageId: before.pageId,
    action: "maintenance.post_update",
    entityType: "incident",
    entityId: before.id,
    before: maintenanceDto(before),
    after: {
      ...maintenanceDto(result.maintenance),
      update: { id: result.update.id, status: result.update.status, body: result.update.body },
    },
  });
  return result;
}

export interface ConsoleMaintenance {
  id: string;
  name: string;
  status: Incident["status"];
  scheduledFor: Date;
  scheduledUntil: Date;
  remindMinutes: number | null;
  autoStart: boolean;
  autoComplete: boolean;
  backfilled: boolean;
  components: { id: string; name: string }[];
}

/** Console list: upcoming and running first (soonest first), then the most recent finished ones. */
export async function listMaintenances(db: Tx, pageId: string, limit = 100): Promise<ConsoleMaintenance[]> {
  const rows = await db
    .select()
    .from(incident)
    .where(and(eq(incident.pageId, pageId), eq(incident.kind, "maintenance")))
    .orderBy(desc(incident.scheduledFor))
    .limit(limit);
  const out: ConsoleMaintenance[] = [];
  for (const r of rows) {
    const ids = await affectedComponentIds(db, r.id);
    const comps = ids.length
      ? await db
          .select({ id: component.id, name: component.name })
          .from(component)
          .where(inArray(component.id, ids))
          .orderBy(asc(component.position))
      : [];
    out.push({
      id: r.id,
      name: r.name,
      status: r.status,
      scheduledFor: r.scheduledFor ?? r.startedAt,
      scheduledUntil: r.scheduledUntil ?? r.startedAt,
      remindMinutes: r.scheduledRemindPrior ? r.scheduledRemindMinutes : null,
      autoStart: r.scheduledAutoInProgress,
      autoComplete: r.scheduledAutoCompleted,
      backfilled: r.backfilled,
      components: comps,
    });
  }
  const open = (m: ConsoleMaintenance) => m.status !== "completed";
  return [
    ...out.filter(open).sort((a, b) => a.scheduledFor.getTime() - b.scheduledFor.getTime()),
    ...out.filter((m) => !open(m)),
  ];
}
