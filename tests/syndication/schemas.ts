// The Statuspage API v2 shapes (../shared/REFERENCE.md) as strict zod schemas:
// a missing, extra or mistyped field fails. The fixtures beside this file are
// the documented shapes; the contract tests hold Herald's answers to the same
// schemas.
import { z } from "zod";

const Timestamp = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/, "ISO-8601 with an offset");
const Id = z.string().min(1);
const ComponentStatus = z.enum([
  "operational",
  "degraded_performance",
  "partial_outage",
  "major_outage",
  "under_maintenance",
]);
const IncidentStatus = z.enum(["investigating", "identified", "monitoring", "resolved", "postmortem"]);
const MaintenanceStatus = z.enum(["scheduled", "in_progress", "verifying", "completed"]);

export const PageEnvelope = z.strictObject({
  id: Id,
  name: z.string(),
  url: z.url(),
  time_zone: z.string().min(1),
  updated_at: Timestamp,
});

export const Component = z.strictObject({
  id: Id,
  name: z.string(),
  status: ComponentStatus,
  created_at: Timestamp,
  updated_at: Timestamp,
  position: z.number().int(),
  description: z.string().nullable(),
  showcase: z.boolean(),
  start_date: z
    .string()
    .regex(/^\d{4}-\d\d-\d\d$/)
    .nullable(),
  group_id: Id.nullable(),
  page_id: Id,
  group: z.boolean(),
  only_show_if_degraded: z.boolean(),
  components: z.array(Id).optional(),
});

const Update = (status: z.ZodType) =>
  z.strictObject({
    id: Id,
    status,
    body: z.string(),
    incident_id: Id,
    created_at: Timestamp,
    updated_at: Timestamp,
    display_at: Timestamp,
    affected_components: z
      .array(z.strictObject({ code: Id, name: z.string(), old_status: ComponentStatus, new_status: ComponentStatus }))
      .min(1)
      .nullable(),
    deliver_notifications: z.boolean(),
    custom_tweet: z.null(),
    tweet_id: z.null(),
  });

const incidentFields = {
  id: Id,
  name: z.string().max(255),
  created_at: Timestamp,
  updated_at: Timestamp,
  monitoring_at: Timestamp.nullable(),
  resolved_at: Timestamp.nullable(),
  shortlink: z.url(),
  started_at: Timestamp,
  page_id: Id,
  components: z.array(Component),
};

export const Incident = z.strictObject({
  ...incidentFields,
  status: IncidentStatus,
  impact: z.enum(["none", "minor", "major", "critical"]),
  incident_updates: z.array(Update(IncidentStatus)).min(1),
});

export const Maintenance = z.strictObject({
  ...incidentFields,
  status: MaintenanceStatus,
  impact: z.literal("maintenance"),
  incident_updates: z.array(Update(MaintenanceStatus)).min(1),
  scheduled_for: Timestamp,
  scheduled_until: Timestamp,
});

export const Status = z.strictObject({
  indicator: z.enum(["none", "minor", "major", "critical", "maintenance"]),
  description: z.enum([
    "All Systems Operational",
    "Partially Degraded Service",
    "Partial System Outage",
    "Major Service Outage",
    "Service Under Maintenance",
  ]),
});

export const StatusResponse = z.strictObject({ page: PageEnvelope, status: Status });
export const ComponentsResponse = z.strictObject({ page: PageEnvelope, components: z.array(Component) });
export const IncidentsResponse = z.strictObject({ page: PageEnvelope, incidents: z.array(Incident).max(50) });
export const MaintenancesResponse = z.strictObject({
  page: PageEnvelope,
  scheduled_maintenances: z.array(Maintenance).max(50),
});
export const SummaryResponse = z.strictObject({
  page: PageEnvelope,
  components: z.array(Component),
  incidents: z.array(Incident),
  scheduled_maintenances: z.array(Maintenance),
  status: Status,
});

/** Every endpoint with the schema of its answer. */
export const ENDPOINTS = {
  "/api/v2/summary.json": SummaryResponse,
  "/api/v2/status.json": StatusResponse,
  "/api/v2/components.json": ComponentsResponse,
  "/api/v2/incidents.json": IncidentsResponse,
  "/api/v2/incidents/unresolved.json": IncidentsResponse,
  "/api/v2/scheduled-maintenances.json": MaintenancesResponse,
  "/api/v2/scheduled-maintenances/upcoming.json": MaintenancesResponse,
  "/api/v2/scheduled-maintenances/active.json": MaintenancesResponse,
} as const;

// JSON Feed 1.1 (https://jsonfeed.org/version/1.1) as a strict schema: the
// required fields (version, title, items; each item's id and content_html or
// content_text), the types of the optional ones we send, and no unknown keys
// (the spec reserves unprefixed names; extensions start with "_").
const Author = z
  .strictObject({ name: z.string().optional(), url: z.url().optional(), avatar: z.url().optional() })
  .refine((a) => Object.keys(a).length > 0, "an author needs a field");
const Item = z
  .strictObject({
    id: z.string().min(1),
    url: z.url().optional(),
    title: z.string().optional(),
    content_html: z.string().optional(),
    content_text: z.string().optional(),
    date_published: Timestamp.optional(),
    tags: z.array(z.string()).optional(),
  })
  .refine(
    (i) => i.content_html !== undefined || i.content_text !== undefined,
    "content_html or content_text is required",
  );
export const JsonFeed = z.strictObject({
  version: z.literal("https://jsonfeed.org/version/1.1"),
  title: z.string().min(1),
  home_page_url: z.url().optional(),
  feed_url: z.url().optional(),
  description: z.string().optional(),
  language: z.string().optional(),
  authors: z.array(Author).optional(),
  items: z.array(Item),
});
