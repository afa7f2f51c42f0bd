// The scheduler step that moves maintenance windows on time: reminders,
// automatic start and automatic completion. Exactly once, however many
// workers run: each transition opens with a conditional UPDATE (the claim)
// inside a write transaction, and only the worker whose claim changed a row
// goes on; the others see zero rows and skip. Within one process, calls are
// also serialized (lib/jobs/serialize.ts).
import { and, eq, gt, inArray, isNotNull, isNull, lte, type SQL, sql } from "drizzle-orm";
import { MAINTENANCE_UNDERWAY_STATUSES } from "@/db/constants";
import { incident, type Incident } from "@/db/schema";
import { audit } from "../audit";
import { serialized } from "../jobs/serialize";
import { SYSTEM_ACTOR, type Ctx, type PublicCtx } from "../context";
import { enqueueNotification } from "../notifications/enqueue";
import { affectedComponentIds } from "../incidents/timeline";
import { maintenanceUnderway } from "../status/conditions";
import { applyMaintenanceStatus, maintenanceDto } from "./maintenance";

export const STARTED_BODY = "Scheduled maintenance is now in progress. We will provide updates as necessary.";
export const COMPLETED_BODY = "The scheduled maintenance has been completed.";

/** Performs every due transition once; returns how many it performed. */
export async function runMaintenanceTransitions(ctx: PublicCtx): Promise<number> {
  return serialized(ctx.db, "scheduler", () => runAll(ctx));
}

async function runAll(ctx: PublicCtx): Promise<number> {
  const sys: Ctx = { db: ctx.db, now: ctx.now, actor: SYSTEM_ACTOR };
  const now = ctx.now();
  let done = 0;
  const due = (...conditions: SQL[]) =>
    ctx.db
      .select({ id: incident.id })
      .from(incident)
      .where(and(eq(incident.kind, "maintenance"), ...conditions));
  const scheduled = eq(incident.status, "scheduled");

  const remind = await due(
    scheduled,
    eq(incident.scheduledRemindPrior, true),
    isNotNull(incident.scheduledRemindMinutes),
    isNull(incident.reminderSentAt),
    gt(incident.scheduledFor, now),
    lte(sql`${incident.scheduledFor} - ${incident.scheduledRemindMinutes} * 60000`, now.getTime()),
  );
  for (const { id } of remind) if (await sendReminder(sys, id)) done++;

  const start = await due(scheduled, eq(incident.scheduledAutoInProgress, true), lte(incident.scheduledFor, now));
  for (const { id } of start) if (await transition(sys, id, ["scheduled"], "in_progress")) done++;

  // After the starts: a window that began and ended while no worker ran still
  // goes through in_progress (components, notifications) before completing.
  const complete = await due(
    maintenanceUnderway,
    eq(incident.scheduledAutoCompleted, true),
    lte(incident.scheduledUntil, now),
  );
  for (const { id } of complete) if (await transition(sys, id, [...MAINTENANCE_UNDERWAY_STATUSES], "completed")) done++;
  return done;
}

async function sendReminder(ctx: Ctx, id: string): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const claim = await tx
      .update(incident)
      .set({ reminderSentAt: now })
      .where(and(eq(incident.id, id), isNull(incident.reminderSentAt), eq(incident.status, "scheduled")));
    if (claim.rowsAffected !== 1) return false;
    const m = (await tx.query.incident.findFirst({ where: eq(incident.id, id) }))!;
    await enqueueNotification(tx, {
      pageId: m.pageId,
      kind: "maintenance_reminder",
      incidentId: id,
      incidentUpdateId: null,
      componentIds: await affectedComponentIds(tx, id),
      now,
    });
    await audit(tx, ctx, {
      pageId: m.pageId,
      action: "maintenance.remind",
      entityType: "incident",
      entityId: id,
      after: maintenanceDto(m),
    });
    return true;
  });
}

async function transition(
  ctx: Ctx,
  id: string,
  from: Incident["status"][],
  to: "in_progress" | "completed",
): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    // The claim: only one worker's update matches a row still in `from`.
    const claim = await tx
      .update(incident)
      .set({ status: to, updatedAt: ctx.now() })
      .where(and(eq(incident.id, id), inArray(incident.status, from)));
    if (claim.rowsAffected !== 1) return false;
    const before = (await tx.query.incident.findFirst({ where: eq(incident.id, id) }))!;
    const notify =
      to === "in_progress"
        ? before.autoTransitionDeliverNotificationsAtStart
        : before.autoTransitionDeliverNotificationsAtEnd;
    const { maintenance } = await applyMaintenanceStatus(
      tx,
      ctx,
      before,
      to,
      to === "in_progress" ? STARTED_BODY : COMPLETED_BODY,
      notify,
    );
    await audit(tx, ctx, {
      pageId: before.pageId,
      action: to === "in_progress" ? "maintenance.auto_start" : "maintenance.auto_complete",
      entityType: "incident",
      entityId: id,
      after: maintenanceDto(maintenance),
    });
    return true;
  });
}
