// Request bodies and query strings of the Statuspage v1 management API:
// strict zod schemas for the wrapped objects (`{"incident": {...}}`) and their
// mapping to the lib use cases' inputs. Every object is strict, so extra keys
// such as `role`, `page_id` or `isAdmin` are rejected, never assigned. The use
// cases validate again (lengths, ids of this page); their field names are
// translated back to the API's by v1ValidationError.
import { z } from "zod";
import {
  COMPONENT_STATUSES,
  IMPACTS,
  INCIDENT_STATUSES,
  type AnyIncidentStatus,
  type IncidentStatus,
} from "@/db/constants";
import type {
  CreateComponentInput,
  CreateGroupInput,
  UpdateComponentInput,
  UpdateGroupInput,
} from "../components/components";
import { ValidationError, type FieldErrors } from "../errors";
import type {
  CreateIncidentInput,
  EditUpdateInput,
  PostUpdateInput,
  UpdateIncidentInput,
} from "../incidents/incidents";
import type { UpdatePageInput } from "../page/page";

const Text = z.string();
const NullableText = z.string().nullable();
const Ids = z.array(z.string()).max(500);
const Timestamp = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: "Use an ISO-8601 date or date-time",
});
const ComponentStatusMap = z.record(z.string(), z.enum(COMPONENT_STATUSES, { error: "Unknown component status" }));
const IncidentStatusEnum = z.enum(INCIDENT_STATUSES, { error: "Unknown incident status" });
const ImpactEnum = z.enum(IMPACTS, { error: "Unknown impact" }).nullable();

function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

// ---------------------------------------------------------------- page

export const PagePatchBody = z.strictObject({
  page: z.strictObject({
    name: Text.optional(),
    url: NullableText.optional(),
    time_zone: Text.optional(),
    support_url: NullableText.optional(),
  }),
});

export function toUpdatePageInput({ page: p }: z.infer<typeof PagePatchBody>): UpdatePageInput {
  return defined({ name: p.name, url: p.url, timeZone: p.time_zone, supportUrl: p.support_url });
}

// ---------------------------------------------------------------- components

const ComponentFields = z.strictObject({
  name: Text,
  description: NullableText,
  status: z.enum(COMPONENT_STATUSES, { error: "Unknown component status" }),
  group_id: NullableText,
  showcase: z.boolean(),
  only_show_if_degraded: z.boolean(),
  start_date: NullableText,
  hidden: z.boolean(),
});

export const ComponentCreateBody = z.strictObject({ component: ComponentFields.partial().required({ name: true }) });
export const ComponentPatchBody = z.strictObject({ component: ComponentFields.partial() });

function componentFields(c: Partial<z.infer<typeof ComponentFields>>) {
  return defined({
    name: c.name,
    description: c.description,
    status: c.status,
    groupId: c.group_id,
    showcase: c.showcase,
    onlyShowIfDegraded: c.only_show_if_degraded,
    startDate: c.start_date,
    hidden: c.hidden,
  });
}

export function toCreateComponentInput(body: z.infer<typeof ComponentCreateBody>): CreateComponentInput {
  return { ...componentFields(body.component), name: body.component.name };
}

export function toUpdateComponentInput(id: string, body: z.infer<typeof ComponentPatchBody>): UpdateComponentInput {
  return { id, ...componentFields(body.component) };
}

// ---------------------------------------------------------------- component groups

const GroupFields = z.strictObject({
  name: Text,
  description: NullableText,
  components: Ids,
  hidden: z.boolean(),
});

export const GroupCreateBody = z.strictObject({ component_group: GroupFields.partial().required({ name: true }) });
export const GroupPatchBody = z.strictObject({ component_group: GroupFields.partial() });

function groupFields(g: Partial<z.infer<typeof GroupFields>>) {
  return defined({ name: g.name, description: g.description, componentIds: g.components, hidden: g.hidden });
}

export function toCreateGroupInput(body: z.infer<typeof GroupCreateBody>): CreateGroupInput {
  return { ...groupFields(body.component_group), name: body.component_group.name };
}

export function toUpdateGroupInput(id: string, body: z.infer<typeof GroupPatchBody>): UpdateGroupInput {
  return { id, ...groupFields(body.component_group) };
}

// ---------------------------------------------------------------- incidents

/** Statuspage's stock wording, for automation that changes a status without a message. */
const DEFAULT_BODIES: Record<IncidentStatus, string> = {
  investigating: "We are currently investigating this issue.",
  identified: "The issue has been identified and a fix is being implemented.",
  monitoring: "A fix has been implemented and we are monitoring the results.",
  resolved: "This incident has been resolved.",
  postmortem: "A postmortem has been published.",
};

const IncidentPatchFields = z.strictObject({
  name: Text,
  status: IncidentStatusEnum,
  body: Text,
  impact_override: ImpactEnum,
  deliver_notifications: z.boolean(),
  components: ComponentStatusMap,
  component_ids: Ids,
});

export const IncidentCreateBody = z.strictObject({
  incident: IncidentPatchFields.extend({ backfilled: z.boolean(), backfill_date: Timestamp })
    .partial()
    .required({ name: true }),
});
export const IncidentPatchBody = z.strictObject({ incident: IncidentPatchFields.partial() });

export function toCreateIncidentInput(body: z.infer<typeof IncidentCreateBody>): CreateIncidentInput {
  const i = body.incident;
  const status = i.status ?? "investigating";
  return defined({
    name: i.name,
    status,
    body: i.body ?? DEFAULT_BODIES[status],
    components: i.components,
    componentIds: i.component_ids,
    impactOverride: i.impact_override,
    notify: i.deliver_notifications,
    backfilled: i.backfilled,
    backfillDate: i.backfill_date,
  });
}

const isIncidentStatus = (s: AnyIncidentStatus): s is IncidentStatus =>
  (INCIDENT_STATUSES as readonly string[]).includes(s);

export interface IncidentPatchPlan {
  /** Edits of the incident itself (name, impact override). */
  edit?: UpdateIncidentInput;
  /** A new update, as Statuspage posts one when status, body or components change. */
  post?: PostUpdateInput;
}

/**
 * Splits a v1 PATCH into the use cases it stands for. `component_ids` names
 * components without a status: on a PATCH they must come with one in
 * `components` (a new update only records status changes).
 */
export function planIncidentPatch(
  id: string,
  currentStatus: AnyIncidentStatus,
  body: z.infer<typeof IncidentPatchBody>,
): IncidentPatchPlan {
  const i = body.incident;
  const plan: IncidentPatchPlan = {};
  if (i.name !== undefined || i.impact_override !== undefined)
    plan.edit = defined({ id, name: i.name, impactOverride: i.impact_override });
  const missing = (i.component_ids ?? []).filter((c) => !i.components || !(c in i.components));
  if (missing.length) {
    const message = `Give each listed component a status in components: ${missing.join(", ")}`;
    throw new ValidationError(message, { "incident.component_ids": [message] });
  }
  if (i.status !== undefined || i.body !== undefined || i.components !== undefined) {
    const status = i.status ?? (isIncidentStatus(currentStatus) ? currentStatus : "investigating");
    plan.post = defined({
      incidentId: id,
      status,
      body: i.body ?? DEFAULT_BODIES[status],
      components: i.components,
      notify: i.deliver_notifications,
    });
  } else if (i.deliver_notifications !== undefined) {
    const message = "deliver_notifications applies to a new update: send it with status, body or components";
    throw new ValidationError(message, { "incident.deliver_notifications": [message] });
  }
  return plan;
}

export const IncidentUpdatePatchBody = z.strictObject({
  incident_update: z
    .strictObject({
      body: Text,
      display_at: Timestamp,
      status: IncidentStatusEnum,
    })
    .partial(),
});

export function toEditUpdateInput(
  incidentId: string,
  updateId: string,
  body: z.infer<typeof IncidentUpdatePatchBody>,
): EditUpdateInput {
  const u = body.incident_update;
  return defined({ incidentId, updateId, body: u.body, status: u.status, displayAt: u.display_at });
}

// ---------------------------------------------------------------- list queries

const MAX_LIMIT = 100;

const ListQuery = z.object({
  q: z.string().max(255, "At most 255 characters").optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, `A whole number from 1 to ${MAX_LIMIT}`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= MAX_LIMIT, `A whole number from 1 to ${MAX_LIMIT}`)
    .default(MAX_LIMIT),
  page: z
    .string()
    .regex(/^[1-9]\d{0,5}$/, "A whole number from 1")
    .transform(Number)
    .default(1),
});

/** `?q=&limit=&page=`; other parameters are ignored, a repeated one is an error. */
export function parseListQuery(params: URLSearchParams): z.infer<typeof ListQuery> {
  const fieldErrors: FieldErrors = {};
  const raw: Record<string, string> = {};
  for (const key of Object.keys(ListQuery.shape)) {
    const values = params.getAll(key);
    if (values.length > 1) fieldErrors[key] = ["Give a single value"];
    else if (values.length === 1) raw[key] = values[0];
  }
  const parsed = ListQuery.safeParse(raw);
  if (!parsed.success)
    for (const issue of parsed.error.issues) (fieldErrors[issue.path.join(".")] ??= []).push(issue.message);
  const first = Object.entries(fieldErrors)[0];
  if (first || !parsed.success)
    throw new ValidationError(first ? `${first[0]}: ${first[1][0]}` : "Invalid query", fieldErrors);
  return parsed.data;
}

// ---------------------------------------------------------------- errors

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Re-keys a use case's validation errors to the API's names: `groupId` under
 * the `component` wrapper becomes `component.group_id`. Keys that already
 * name the wrapper (errors of the schemas above) stay as they are.
 */
export function v1ValidationError(
  err: ValidationError,
  wrapper: string,
  renames: Record<string, string> = {},
): ValidationError {
  const fieldErrors: FieldErrors = {};
  for (const [key, messages] of Object.entries(err.fieldErrors)) {
    const [head, ...rest] = key.split(".");
    const name = head === wrapper || head === "_" ? key : [wrapper, renames[head] ?? snake(head), ...rest].join(".");
    (fieldErrors[name] ??= []).push(...messages);
  }
  const first = Object.entries(fieldErrors)[0];
  const message = first && first[0] !== "_" ? `${first[0]}: ${first[1][0]}` : err.message;
  return new ValidationError(message, fieldErrors);
}
