// Statuspage's JSON as the importer reads it (REFERENCE.md; v1 from Statuspage's
// OpenAPI description). Only the fields Herald uses are named; others are
// ignored. Enums are checked: a value Herald has no word for is an error that
// names the field, never a guess.
import { z } from "zod";
import { COMPONENT_STATUSES, IMPACTS, INCIDENT_STATUSES, MAINTENANCE_STATUSES } from "@/db/constants";

const Time = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), "Not a timestamp")
  .transform((s) => new Date(s));
const OptionalTime = Time.nullable()
  .optional()
  .transform((d) => d ?? null);
const Flag = z
  .boolean()
  .nullable()
  .optional()
  .transform((b) => b ?? false);
const Text = z
  .string()
  .nullable()
  .optional()
  .transform((s) => s ?? null);
const ComponentStatus = z.enum(COMPONENT_STATUSES);
const AnyIncidentStatus = z.enum([...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES]);

export const SpPage = z.object({ id: z.string().min(1), name: z.string().min(1).max(255), time_zone: Text });

export const SpComponent = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  status: ComponentStatus,
  created_at: Time,
  updated_at: Time,
  position: z.number().int(),
  description: Text,
  showcase: z
    .boolean()
    .nullable()
    .optional()
    .transform((b) => b ?? true),
  start_date: Text,
  group_id: Text,
  group: Flag,
  only_show_if_degraded: Flag,
  components: z.array(z.string()).nullable().optional(),
});
export type SpComponent = z.output<typeof SpComponent>;

/** v1 /component-groups rows. */
export const SpGroup = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  description: Text,
  position: z.number().int(),
  created_at: Time,
  updated_at: Time,
  components: z.array(z.string()).nullable().optional(),
});
export type SpGroup = z.output<typeof SpGroup>;

const SpAffected = z.object({ code: z.string().min(1), old_status: ComponentStatus, new_status: ComponentStatus });

const SpUpdate = z.object({
  id: z.string().min(1),
  status: AnyIncidentStatus,
  body: z
    .string()
    .nullable()
    .transform((s) => s ?? ""),
  created_at: Time,
  updated_at: Time,
  display_at: OptionalTime,
  affected_components: z.array(SpAffected).nullable().optional(),
  deliver_notifications: Flag,
});

export const SpIncident = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  status: AnyIncidentStatus,
  impact: z.enum([...IMPACTS, "maintenance"]),
  created_at: Time,
  updated_at: Time,
  started_at: OptionalTime,
  incident_updates: z.array(SpUpdate),
  scheduled_for: OptionalTime,
  scheduled_until: OptionalTime,
  // v1 only from here on.
  impact_override: z
    .enum([...IMPACTS, "maintenance"])
    .nullable()
    .optional(),
  postmortem_body: Text,
  postmortem_published_at: OptionalTime,
  scheduled_remind_prior: Flag,
  scheduled_reminded_at: OptionalTime,
  scheduled_auto_in_progress: Flag,
  scheduled_auto_completed: Flag,
  auto_transition_to_maintenance_state: Flag,
  auto_transition_to_operational_state: Flag,
  auto_transition_deliver_notifications_at_start: Flag,
  auto_transition_deliver_notifications_at_end: Flag,
});
export type SpIncident = z.output<typeof SpIncident>;

export const SpSubscriber = z.object({
  id: z.string().min(1),
  mode: z.string().nullable().optional(),
  email: Text,
  components: z.array(z.string()).nullable().optional(),
  created_at: Time,
  quarantined_at: OptionalTime,
});
export type SpSubscriber = z.output<typeof SpSubscriber>;

export const SpTemplate = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  title: z
    .string()
    .nullable()
    .transform((s) => s ?? ""),
  body: z
    .string()
    .nullable()
    .transform((s) => s ?? ""),
  update_status: z.string().nullable().optional(),
  should_send_notifications: Flag,
  components: z
    .array(z.object({ id: z.string().min(1), status: ComponentStatus.optional() }))
    .nullable()
    .optional(),
});
export type SpTemplate = z.output<typeof SpTemplate>;

/** Envelopes of the public v2 endpoints. */
export const V2Components = z.object({ page: SpPage, components: z.array(SpComponent) });
export const V2Incidents = z.object({ page: SpPage, incidents: z.array(SpIncident) });
export const V2Maintenances = z.object({ page: SpPage, scheduled_maintenances: z.array(SpIncident) });
