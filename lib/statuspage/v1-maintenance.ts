// Scheduled maintenance through Statuspage's v1 incident endpoints: a POST or
// PATCH of `/incidents` whose body carries `scheduled_for` (or a maintenance
// status) stands for a maintenance. Strict schemas as in v1-input.ts; the
// mapping to lib/maintenance's inputs; the field names translated back for
// validation errors (MAINTENANCE_RENAMES).
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { MAINTENANCE_STATUSES, type MaintenanceStatus } from "@/db/constants";
import { incident, type Page } from "@/db/schema";
import { parseInput } from "../context";
import { NotFoundError, ValidationError } from "../errors";
import type { CreateMaintenanceInput } from "../maintenance/maintenance";
import type { PatchMaintenanceInput } from "../maintenance/patch";
import { COMPLETED_BODY, STARTED_BODY } from "../maintenance/transitions";
import {
  IncidentCreateBody,
  IncidentPatchBody,
  type IncidentPatchPlan,
  planIncidentPatch,
  toCreateIncidentInput,
} from "./v1-input";
import type { CreateIncidentInput } from "../incidents/incidents";

const Instant = z.iso.datetime({ offset: true, error: "Use an ISO-8601 date-time with an offset" });
/** Statuspage's reminder is a switch (60 minutes before); Herald's length comes from the page's default. */
export const STATUSPAGE_REMIND_MINUTES = 60;

/** Statuspage's stock wording for each maintenance status. */
const DEFAULT_BODIES: Record<MaintenanceStatus, string> = {
  scheduled: "Scheduled maintenance.",
  in_progress: STARTED_BODY,
  verifying: "Verification is currently underway for the maintenance items.",
  completed: COMPLETED_BODY,
};

const MaintenanceFields = z.strictObject({
  name: z.string(),
  status: z.enum(MAINTENANCE_STATUSES, { error: "Unknown maintenance status" }),
  body: z.string(),
  scheduled_for: Instant,
  scheduled_until: Instant,
  scheduled_remind_prior: z.boolean(),
  scheduled_auto_in_progress: z.boolean(),
  /** Statuspage's older name for scheduled_auto_in_progress. */
  scheduled_auto_transition: z.boolean(),
  scheduled_auto_completed: z.boolean(),
  auto_transition_to_maintenance_state: z.boolean(),
  auto_transition_to_operational_state: z.boolean(),
  auto_transition_deliver_notifications_at_start: z.boolean(),
  auto_transition_deliver_notifications_at_end: z.boolean(),
  deliver_notifications: z.boolean(),
  /** Maintenance has no impact to override; Statuspage reports "maintenance". */
  impact_override: z.enum(["maintenance"], { error: "A maintenance's impact is always maintenance" }).nullable(),
});

const MaintenanceCreateFields = MaintenanceFields.extend({
  /** The automation sets the statuses: under_maintenance at the start, operational at the end. */
  components: z.record(
    z.string(),
    z.enum(["under_maintenance", "operational"], {
      error: "A maintenance puts components under_maintenance (and back to operational) itself",
    }),
  ),
  component_ids: z.array(z.string()).max(500),
  backfilled: z.boolean(),
})
  .partial()
  .required({ name: true, scheduled_for: true, scheduled_until: true });
const MaintenanceCreateBody = z.strictObject({ incident: MaintenanceCreateFields });
export const MaintenancePatchBody = z.strictObject({ incident: MaintenanceFields.partial() });

const MAINTENANCE_KEYS = [
  "scheduled_for",
  "scheduled_until",
  "scheduled_remind_prior",
  "scheduled_auto_in_progress",
  "scheduled_auto_transition",
  "scheduled_auto_completed",
];

/** Use-case field → API field, for errors of the maintenance use cases (apiRoute's renames). */
export const MAINTENANCE_RENAMES: Record<string, string> = {
  scheduledFor: "scheduled_for",
  scheduledUntil: "scheduled_until",
  remindMinutes: "scheduled_remind_prior",
  autoStart: "scheduled_auto_in_progress",
  autoComplete: "scheduled_auto_completed",
  transitionComponents: "auto_transition_to_maintenance_state",
  notifyAtStart: "auto_transition_deliver_notifications_at_start",
  notifyAtEnd: "auto_transition_deliver_notifications_at_end",
  notifyNow: "deliver_notifications",
  componentIds: "component_ids",
};

/** The body of POST or PATCH /incidents before we know which it is: checked strictly by the plans below. */
export const AnyIncidentCreateBody = z.strictObject({ incident: z.record(z.string(), z.unknown()) });

export type IncidentCreatePlan =
  | { kind: "incident"; input: CreateIncidentInput }
  | { kind: "maintenance"; input: CreateMaintenanceInput };

function isMaintenanceBody(i: Record<string, unknown>): boolean {
  return MAINTENANCE_KEYS.some((k) => k in i) || (MAINTENANCE_STATUSES as readonly unknown[]).includes(i.status);
}

function fail(field: string, message: string): never {
  throw new ValidationError(`incident.${field}: ${message}`, { [`incident.${field}`]: [message] });
}

/** One flag in Herald; Statuspage has two that scripts set together. */
function transitionFlag(i: {
  auto_transition_to_maintenance_state?: boolean;
  auto_transition_to_operational_state?: boolean;
}): boolean | undefined {
  const a = i.auto_transition_to_maintenance_state;
  const b = i.auto_transition_to_operational_state;
  if (a !== undefined && b !== undefined && a !== b)
    fail(
      "auto_transition_to_operational_state",
      "Herald switches components at both ends or at neither: give both the same value",
    );
  return a ?? b;
}

function remindMinutes(flag: boolean | undefined, page: Page): number | null | undefined {
  if (flag === undefined) return undefined;
  return flag ? (page.maintenanceRemindMinutes ?? STATUSPAGE_REMIND_MINUTES) : null;
}

function autoStart(i: {
  scheduled_auto_in_progress?: boolean;
  scheduled_auto_transition?: boolean;
}): boolean | undefined {
  return i.scheduled_auto_in_progress ?? i.scheduled_auto_transition;
}

/** POST /incidents: an incident, or a maintenance when the body schedules one. */
export function planIncidentCreate(body: z.infer<typeof AnyIncidentCreateBody>, page: Page): IncidentCreatePlan {
  if (!isMaintenanceBody(body.incident))
    return { kind: "incident", input: toCreateIncidentInput(parseInput(IncidentCreateBody, body)) };
  const i = parseInput(MaintenanceCreateBody, body).incident;
  const backfilled = i.backfilled ?? false;
  if (i.status !== undefined && i.status !== (backfilled ? "completed" : "scheduled")) {
    fail(
      "status",
      backfilled
        ? "A backfilled maintenance is completed"
        : "A new maintenance starts as scheduled; move it on with a PATCH",
    );
  }
  const componentIds = [...new Set([...(i.component_ids ?? []), ...Object.keys(i.components ?? {})])];
  const status = backfilled ? "completed" : "scheduled";
  return {
    kind: "maintenance",
    input: defined({
      name: i.name,
      body: i.body ?? DEFAULT_BODIES[status],
      componentIds,
      scheduledFor: i.scheduled_for,
      scheduledUntil: i.scheduled_until,
      autoStart: autoStart(i),
      autoComplete: i.scheduled_auto_completed,
      transitionComponents: transitionFlag(i),
      remindMinutes: remindMinutes(i.scheduled_remind_prior, page),
      notifyNow: i.deliver_notifications,
      notifyAtStart: i.auto_transition_deliver_notifications_at_start,
      notifyAtEnd: i.auto_transition_deliver_notifications_at_end,
      backfilled,
    }),
  };
}

/**
 * PATCH /incidents/{id} of a maintenance: window, name and switches edit it
 * (only before it starts); status or body post a timeline entry, as for
 * incidents; deliver_notifications goes with the entry.
 */
export function planMaintenancePatch(
  id: string,
  current: MaintenanceStatus,
  body: z.infer<typeof MaintenancePatchBody>,
  page: Page,
): PatchMaintenanceInput {
  const i = body.incident;
  const edit = defined({
    name: i.name,
    scheduledFor: i.scheduled_for,
    scheduledUntil: i.scheduled_until,
    remindMinutes: remindMinutes(i.scheduled_remind_prior, page),
    autoStart: autoStart(i),
    autoComplete: i.scheduled_auto_completed,
    transitionComponents: transitionFlag(i),
    notifyAtStart: i.auto_transition_deliver_notifications_at_start,
    notifyAtEnd: i.auto_transition_deliver_notifications_at_end,
  });
  const plan: PatchMaintenanceInput = { maintenanceId: id };
  if (Object.keys(edit).length) plan.edit = edit;
  if (i.status !== undefined || i.body !== undefined) {
    const status = i.status ?? current;
    plan.post = defined({ status, body: i.body ?? DEFAULT_BODIES[status], notify: i.deliver_notifications });
  } else if (i.deliver_notifications !== undefined) {
    fail("deliver_notifications", "deliver_notifications applies to a new update: send it with status or body");
  }
  return plan;
}

function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export type IncidentPatch =
  | { kind: "incident"; plan: IncidentPatchPlan }
  | { kind: "maintenance"; plan: PatchMaintenanceInput };

/** PATCH /incidents/{id}: the row decides which schema the body must follow. */
export async function planIncidentOrMaintenancePatch(
  db: Tx,
  page: Page,
  id: string,
  body: z.infer<typeof AnyIncidentCreateBody>,
): Promise<IncidentPatch> {
  const row = await db.query.incident.findFirst({ where: and(eq(incident.id, id), eq(incident.pageId, page.id)) });
  if (!row) throw new NotFoundError("Incident");
  if (row.kind === "incident")
    return { kind: "incident", plan: planIncidentPatch(row.id, row.status, parseInput(IncidentPatchBody, body)) };
  return {
    kind: "maintenance",
    plan: planMaintenancePatch(row.id, row.status as MaintenanceStatus, parseInput(MaintenancePatchBody, body), page),
  };
}
