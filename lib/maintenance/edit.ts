// Changing a maintenance before it starts: edit its name, announcement,
// window and automation flags, or cancel it. Once it has started the
// timeline (postMaintenanceUpdate) is the only way forward.
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { incident, incidentUpdate, type Incident, type IncidentUpdate, type Page } from "@/db/schema";
import { audit } from "../audit";
import { parseInput, requireRole, type Ctx } from "../context";
import { ConflictError } from "../errors";
import { Id } from "../ids";
import { incidentEdited } from "../incidents/timeline";
import { getPage } from "../page/page";
import { resolveZonedInput, ZonedInput } from "../time/zoned-input";
import { applyMaintenanceStatus, getMaintenanceOrThrow, maintenanceDto, validateWindow } from "./maintenance";
import { RemindMinutes } from "./remind";

export const UpdateMaintenanceInput = z.strictObject({
  maintenanceId: Id,
  name: z.string().trim().min(1, "Name is required").max(255, "At most 255 characters"),
  /** The announcement: the body of the maintenance's first timeline entry. */
  body: z.string().trim().min(1, "A message is required").max(20_000, "At most 20,000 characters"),
  scheduledFor: ZonedInput,
  scheduledUntil: ZonedInput,
  autoStart: z.boolean(),
  autoComplete: z.boolean(),
  transitionComponents: z.boolean(),
  remindMinutes: RemindMinutes,
  notifyAtStart: z.boolean(),
  notifyAtEnd: z.boolean(),
});
export type UpdateMaintenanceInput = z.input<typeof UpdateMaintenanceInput>;

export const CancelMaintenanceInput = z.strictObject({
  maintenanceId: Id,
  body: z
    .string()
    .trim()
    .min(1, "A message is required")
    .max(20_000, "At most 20,000 characters")
    .default("This maintenance has been cancelled."),
  notify: z.boolean().default(false),
});
export type CancelMaintenanceInput = z.input<typeof CancelMaintenanceInput>;

/** The edit form's starting values: the maintenance's settings and its announcement. */
export async function loadMaintenanceForEdit(db: Tx, pageId: string, id: string) {
  return editValues(db, await getMaintenanceOrThrow(db, pageId, id));
}

/** A maintenance's settings and announcement, as the edit input takes them. */
export async function editValues(db: Tx, m: Incident) {
  const first = await db
    .select({ body: incidentUpdate.body })
    .from(incidentUpdate)
    .where(eq(incidentUpdate.incidentId, m.id))
    .orderBy(asc(incidentUpdate.seq))
    .limit(1)
    .get();
  return { ...maintenanceDto(m), body: first?.body ?? "" };
}
export type MaintenanceEditDto = Awaited<ReturnType<typeof loadMaintenanceForEdit>>;

function requireScheduled(m: Incident, verb: string): void {
  if (m.status !== "scheduled") throw new ConflictError(`Only a maintenance that has not started can be ${verb}`);
}

export async function updateMaintenance(ctx: Ctx, input: UpdateMaintenanceInput): Promise<Incident> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(UpdateMaintenanceInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await getMaintenanceOrThrow(tx, p.id, data.maintenanceId);
    return editMaintenanceIn(tx, ctx, p, before, data);
  });
}

/** The edit inside the caller's transaction (updateMaintenance; patchMaintenance with a timeline entry). */
export async function editMaintenanceIn(
  tx: Tx,
  ctx: Ctx,
  p: Page,
  before: Incident,
  data: z.output<typeof UpdateMaintenanceInput>,
): Promise<Incident> {
  requireScheduled(before, "edited");
  const now = ctx.now();
  const start = resolveZonedInput(data.scheduledFor, p.timeZone, "scheduledFor");
  const end = resolveZonedInput(data.scheduledUntil, p.timeZone, "scheduledUntil");
  validateWindow(start, end, now, false);
  const windowMoved = start.getTime() !== before.scheduledFor?.getTime();
  await tx
    .update(incident)
    .set({
      name: data.name,
      startedAt: start,
      scheduledFor: start,
      scheduledUntil: end,
      scheduledRemindPrior: data.remindMinutes !== null,
      scheduledRemindMinutes: data.remindMinutes,
      // A moved window reminds again before its new start.
      ...(windowMoved ? { reminderSentAt: null } : {}),
      scheduledAutoInProgress: data.autoStart,
      scheduledAutoCompleted: data.autoComplete,
      autoTransitionToMaintenanceState: data.transitionComponents,
      autoTransitionToOperationalState: data.transitionComponents,
      autoTransitionDeliverNotificationsAtStart: data.notifyAtStart,
      autoTransitionDeliverNotificationsAtEnd: data.notifyAtEnd,
      updatedAt: now,
    })
    .where(eq(incident.id, before.id));
  const first = await tx
    .select()
    .from(incidentUpdate)
    .where(eq(incidentUpdate.incidentId, before.id))
    .orderBy(asc(incidentUpdate.seq))
    .limit(1)
    .get();
  if (first && first.body !== data.body)
    await tx.update(incidentUpdate).set({ body: data.body, updatedAt: now }).where(eq(incidentUpdate.id, first.id));
  const after = await incidentEdited(tx, p.id, before.id, now);
  await audit(tx, ctx, {
    pageId: p.id,
    action: "maintenance.update",
    entityType: "incident",
    entityId: before.id,
    before: maintenanceDto(before),
    after: { ...maintenanceDto(after), body: data.body },
  });
  return after;
}

/**
 * Cancels a maintenance that has not started: a final "completed" entry with
 * the given message (optionally emailed), and no scheduler work left. The
 * automation flags are cleared first so completing it changes no component,
 * not even one another maintenance has put under maintenance.
 */
export async function cancelMaintenance(
  ctx: Ctx,
  input: CancelMaintenanceInput,
): Promise<{ maintenance: Incident; update: IncidentUpdate }> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(CancelMaintenanceInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await getMaintenanceOrThrow(tx, p.id, data.maintenanceId);
    requireScheduled(before, "cancelled");
    await tx
      .update(incident)
      .set({
        scheduledAutoInProgress: false,
        scheduledAutoCompleted: false,
        scheduledRemindPrior: false,
        autoTransitionToMaintenanceState: false,
        autoTransitionToOperationalState: false,
        autoTransitionDeliverNotificationsAtStart: false,
        autoTransitionDeliverNotificationsAtEnd: false,
        cancelledAt: ctx.now(),
      })
      .where(eq(incident.id, before.id));
    const stopped = await getMaintenanceOrThrow(tx, p.id, before.id);
    const result = await applyMaintenanceStatus(tx, ctx, stopped, "completed", data.body, data.notify);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "maintenance.cancel",
      entityType: "incident",
      entityId: before.id,
      before: maintenanceDto(before),
      after: { ...maintenanceDto(result.maintenance), notify: data.notify },
    });
    return result;
  });
}
