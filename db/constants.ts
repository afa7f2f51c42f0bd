// Enums shared by the database, lib/ and client components. No drizzle import
// here so client components can use these without pulling the ORM into a bundle.

export const COMPONENT_STATUSES = [
  "operational",
  "degraded_performance",
  "partial_outage",
  "major_outage",
  "under_maintenance",
] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export const INCIDENT_STATUSES = ["investigating", "identified", "monitoring", "resolved", "postmortem"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const MAINTENANCE_STATUSES = ["scheduled", "in_progress", "verifying", "completed"] as const;
export type MaintenanceStatus = (typeof MAINTENANCE_STATUSES)[number];

export type AnyIncidentStatus = IncidentStatus | MaintenanceStatus;

/**
 * The statuses that end an incident or a maintenance; every other status is open (lib/status/rules.ts isClosedStatus).
 */
export const CLOSED_STATUSES = ["resolved", "postmortem", "completed"] as const satisfies readonly AnyIncidentStatus[];

/** A maintenance that has started and is not completed. */
export const MAINTENANCE_UNDERWAY_STATUSES = [
  "in_progress",
  "verifying",
] as const satisfies readonly MaintenanceStatus[];

export const IMPACTS = ["none", "minor", "major", "critical"] as const;
export type Impact = (typeof IMPACTS)[number];

/** How urgently the business needs it fixed; with impact it gives the console-only priority. */
export const URGENCIES = ["low", "medium", "high"] as const;
export type Urgency = (typeof URGENCIES)[number];

/** Console-only incident priority, from impact × urgency (lib/incidents/practice.ts). */
export type Priority = "P1" | "P2" | "P3" | "P4";

export const INCIDENT_KINDS = ["incident", "maintenance"] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const ROLES = ["owner", "admin", "editor", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/**
 * "automation": an inbound monitor alert (lib/integrations); "vendor": a followed third-party status page
 * (lib/vendors).
 */
export const STATUS_CHANGE_SOURCES = [
  "incident_update",
  "maintenance",
  "manual",
  "api",
  "scheduler",
  "automation",
  "vendor",
] as const;
export type StatusChangeSource = (typeof STATUS_CHANGE_SOURCES)[number];

export const SUBSCRIBER_STATES = ["unconfirmed", "active", "unsubscribed", "quarantined"] as const;
export type SubscriberState = (typeof SUBSCRIBER_STATES)[number];

export const NOTIFICATION_KINDS = [
  "incident_created",
  "incident_updated",
  "incident_resolved",
  "maintenance_scheduled",
  "maintenance_reminder",
  "maintenance_started",
  "maintenance_completed",
  "postmortem_published",
  "subscription_confirmation",
  /** A component's status changed outside an incident update (console, API, an automation rule that notifies). */
  "component_updated",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const DELIVERY_STATUSES = ["pending", "sent", "failed", "skipped"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

// ---- channel targets (webhook, Slack, Teams, Discord; lib/channels)
export const CHANNEL_KINDS = ["webhook", "slack", "teams", "discord"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export const CHANNEL_KIND_LABELS: Record<ChannelKind, string> = {
  webhook: "Webhook",
  slack: "Slack",
  teams: "Microsoft Teams",
  discord: "Discord",
};
/** pending: added by a visitor, not verified yet; disabled: after repeated failed events (staff re-enable). */
export const CHANNEL_STATES = ["pending", "active", "disabled", "unsubscribed"] as const;
export type ChannelState = (typeof CHANNEL_STATES)[number];
/** Which events a subscriber (email or channel target) receives; "components": component status changes. */
export const CHANNEL_EVENTS = ["incidents", "maintenance", "components"] as const;
export type ChannelEvent = (typeof CHANNEL_EVENTS)[number];
export const CHANNEL_EVENT_LABELS: Record<ChannelEvent, string> = {
  incidents: "Incidents",
  maintenance: "Scheduled maintenance",
  components: "Component status changes",
};
/** What an email subscriber receives unless they choose otherwise (component changes are opt-in by email). */
export const DEFAULT_EMAIL_EVENTS: readonly ChannelEvent[] = ["incidents", "maintenance"];

export const ACTOR_TYPES = ["user", "api_key", "cli", "system"] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export const COMPONENT_STATUS_LABELS: Record<ComponentStatus, string> = {
  operational: "Operational",
  degraded_performance: "Degraded performance",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
  under_maintenance: "Under maintenance",
};

export const INCIDENT_STATUS_LABELS: Record<AnyIncidentStatus, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
  postmortem: "Postmortem",
  scheduled: "Scheduled",
  in_progress: "In progress",
  verifying: "Verifying",
  completed: "Completed",
};

export const IMPACT_LABELS: Record<Impact, string> = {
  none: "None",
  minor: "Minor",
  major: "Major",
  critical: "Critical",
};

/** What a matching integration rule does about an incident when it sets a component's status (lib/integrations). */
export const INTEGRATION_INCIDENT_MODES = ["none", "draft", "publish"] as const;
export type IntegrationIncidentMode = (typeof INTEGRATION_INCIDENT_MODES)[number];

/** Third-party status page formats a component can follow (lib/vendors). */
export const VENDOR_KINDS = ["statuspage", "instatus", "herald"] as const;
export type VendorKind = (typeof VENDOR_KINDS)[number];

export const VENDOR_KIND_LABELS: Record<VendorKind, string> = {
  statuspage: "Atlassian Statuspage (summary.json)",
  instatus: "Instatus (summary.json)",
  herald: "Another Herald page",
};

// ---------------------------------------------------------------- audiences (issue 13)

/** What an audience restriction applies to; a "note" is an internal note on an incident update. */
export const RESTRICTED_ENTITY_TYPES = ["component", "group", "incident", "note"] as const;
export type RestrictedEntityType = (typeof RESTRICTED_ENTITY_TYPES)[number];

/** A public page is open to everyone; a private one needs a viewer sign-in on every public surface. */
export const PAGE_VISIBILITIES = ["public", "private"] as const;
export type PageVisibility = (typeof PAGE_VISIBILITIES)[number];
