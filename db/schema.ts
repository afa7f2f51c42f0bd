import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import {
  ACTOR_TYPES,
  COMPONENT_STATUSES,
  DELIVERY_STATUSES,
  IMPACTS,
  INCIDENT_KINDS,
  INCIDENT_STATUSES,
  MAINTENANCE_STATUSES,
  NOTIFICATION_KINDS,
  ROLES,
  STATUS_CHANGE_SOURCES,
  SUBSCRIBER_STATES,
} from "./constants";

// Every time is stored as UTC integer milliseconds (drizzle maps them to Date).
// No ON DELETE CASCADE anywhere: drizzle-kit rebuilds SQLite tables on some
// changes and a cascade then silently deletes child rows (REFERENCE.md).
const ts = (name: string) => integer(name, { mode: "timestamp_ms" });
const bool = (name: string) => integer(name, { mode: "boolean" });
const created = () => ts("created_at").notNull();
const updated = () => ts("updated_at").notNull();

// ---------------------------------------------------------------- auth (better-auth)

export const user = sqliteTable(
  "user",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    email: text("email").notNull().unique(),
    emailVerified: bool("email_verified").notNull().default(false),
    image: text("image"),
    role: text("role", { enum: ROLES }).notNull().default("viewer"),
    createdAt: created(),
    updatedAt: updated(),
  },
  // At most one owner, enforced by the database: two concurrent first-visit
  // setups cannot both succeed.
  (t) => [uniqueIndex("user_single_owner").on(t.role).where(sql`role = 'owner'`)],
);

export const session = sqliteTable(
  "session",
  {
    id: text("id").primaryKey(),
    expiresAt: ts("expires_at").notNull(),
    token: text("token").notNull().unique(),
    createdAt: created(),
    updatedAt: updated(),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    userId: text("user_id")
      .notNull()
      .references(() => user.id),
  },
  (t) => [index("session_user").on(t.userId)],
);

export const account = sqliteTable(
  "account",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: ts("access_token_expires_at"),
    refreshTokenExpiresAt: ts("refresh_token_expires_at"),
    scope: text("scope"),
    password: text("password"),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [index("account_user").on(t.userId)],
);

export const verification = sqliteTable("verification", {
  id: text("id").primaryKey(),
  identifier: text("identifier").notNull(),
  value: text("value").notNull(),
  expiresAt: ts("expires_at").notNull(),
  createdAt: created(),
  updatedAt: updated(),
});

export const rateLimit = sqliteTable("rate_limit", {
  id: text("id").primaryKey(),
  key: text("key").notNull().unique(),
  count: integer("count").notNull(),
  lastRequest: integer("last_request").notNull(),
});

// ---------------------------------------------------------------- page

export const page = sqliteTable("page", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  url: text("url"),
  timeZone: text("time_zone").notNull().default("UTC"),
  supportUrl: text("support_url"),
  logoUrl: text("logo_url"),
  brandColor: text("brand_color").notNull().default("#2563eb"),
  emailFrom: text("email_from"),
  // Bumped in every transaction that changes anything public; the public
  // snapshot server keys its cache to it (DESIGN.md §4).
  contentVersion: integer("content_version").notNull().default(1),
  createdAt: created(),
  updatedAt: updated(),
});

// ---------------------------------------------------------------- components

export const componentGroup = sqliteTable(
  "component_group",
  {
    id: text("id").primaryKey(),
    pageId: text("page_id")
      .notNull()
      .references(() => page.id),
    name: text("name").notNull(),
    description: text("description"),
    position: integer("position").notNull(),
    hidden: bool("hidden").notNull().default(false),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [index("component_group_page").on(t.pageId, t.position)],
);

export const component = sqliteTable(
  "component",
  {
    id: text("id").primaryKey(),
    pageId: text("page_id")
      .notNull()
      .references(() => page.id),
    groupId: text("group_id").references(() => componentGroup.id),
    name: text("name").notNull(),
    description: text("description"),
    position: integer("position").notNull(),
    // Cache of the newest component_status_change; never written on its own.
    status: text("status", { enum: COMPONENT_STATUSES }).notNull().default("operational"),
    showcase: bool("showcase").notNull().default(true),
    startDate: text("start_date"),
    onlyShowIfDegraded: bool("only_show_if_degraded").notNull().default(false),
    hidden: bool("hidden").notNull().default(false),
    // Soft delete: history (status changes, incident timelines) keeps its rows.
    deletedAt: ts("deleted_at"),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [index("component_page").on(t.pageId, t.position)],
);

export const componentStatusChange = sqliteTable(
  "component_status_change",
  {
    id: text("id").primaryKey(),
    pageId: text("page_id")
      .notNull()
      .references(() => page.id),
    componentId: text("component_id")
      .notNull()
      .references(() => component.id),
    oldStatus: text("old_status", { enum: COMPONENT_STATUSES }),
    newStatus: text("new_status", { enum: COMPONENT_STATUSES }).notNull(),
    at: ts("at").notNull(),
    source: text("source", { enum: STATUS_CHANGE_SOURCES }).notNull(),
    incidentId: text("incident_id"),
    incidentUpdateId: text("incident_update_id"),
    createdAt: created(),
  },
  (t) => [index("component_status_change_component_at").on(t.componentId, t.at)],
);

// ---------------------------------------------------------------- incidents

export const incident = sqliteTable(
  "incident",
  {
    id: text("id").primaryKey(),
    pageId: text("page_id")
      .notNull()
      .references(() => page.id),
    kind: text("kind", { enum: INCIDENT_KINDS }).notNull().default("incident"),
    name: text("name").notNull(),
    // Caches derived from the updates (lib/incidents/rules.ts); never set on their own.
    status: text("status", { enum: [...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES] }).notNull(),
    impact: text("impact", { enum: IMPACTS }).notNull().default("none"),
    impactOverride: text("impact_override", { enum: IMPACTS }),
    startedAt: ts("started_at").notNull(),
    identifiedAt: ts("identified_at"),
    monitoringAt: ts("monitoring_at"),
    resolvedAt: ts("resolved_at"),
    scheduledFor: ts("scheduled_for"),
    scheduledUntil: ts("scheduled_until"),
    scheduledRemindPrior: bool("scheduled_remind_prior").notNull().default(false),
    scheduledAutoInProgress: bool("scheduled_auto_in_progress").notNull().default(false),
    scheduledAutoCompleted: bool("scheduled_auto_completed").notNull().default(false),
    autoTransitionToMaintenanceState: bool("auto_transition_to_maintenance_state").notNull().default(false),
    autoTransitionToOperationalState: bool("auto_transition_to_operational_state").notNull().default(false),
    autoTransitionDeliverNotificationsAtStart: bool("auto_transition_deliver_notifications_at_start")
      .notNull()
      .default(false),
    autoTransitionDeliverNotificationsAtEnd: bool("auto_transition_deliver_notifications_at_end")
      .notNull()
      .default(false),
    backfilled: bool("backfilled").notNull().default(false),
    postmortemBody: text("postmortem_body"),
    postmortemDraft: text("postmortem_draft"),
    postmortemPublishedAt: ts("postmortem_published_at"),
    // null = not yet public (scheduled publishing / drafts).
    publishedAt: ts("published_at"),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [index("incident_page_started").on(t.pageId, t.startedAt), index("incident_page_status").on(t.pageId, t.status)],
);

export const incidentUpdate = sqliteTable(
  "incident_update",
  {
    id: text("id").primaryKey(),
    incidentId: text("incident_id")
      .notNull()
      .references(() => incident.id),
    status: text("status", { enum: [...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES] }).notNull(),
    body: text("body").notNull(),
    displayAt: ts("display_at").notNull(),
    // Order of posting within the incident: breaks ties between equal display times.
    seq: integer("seq").notNull(),
    deliverNotifications: bool("deliver_notifications").notNull().default(false),
    authorUserId: text("author_user_id"),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [index("incident_update_incident_display").on(t.incidentId, t.displayAt)],
);

export const incidentUpdateComponent = sqliteTable(
  "incident_update_component",
  {
    incidentUpdateId: text("incident_update_id")
      .notNull()
      .references(() => incidentUpdate.id),
    componentId: text("component_id")
      .notNull()
      .references(() => component.id),
    oldStatus: text("old_status", { enum: COMPONENT_STATUSES }).notNull(),
    newStatus: text("new_status", { enum: COMPONENT_STATUSES }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentUpdateId, t.componentId] })],
);

// ---------------------------------------------------------------- subscribers and the outbox

export const subscriber = sqliteTable(
  "subscriber",
  {
    id: text("id").primaryKey(),
    pageId: text("page_id")
      .notNull()
      .references(() => page.id),
    email: text("email").notNull(),
    state: text("state", { enum: SUBSCRIBER_STATES }).notNull().default("unconfirmed"),
    confirmTokenHash: text("confirm_token_hash"),
    manageTokenHash: text("manage_token_hash"),
    confirmedAt: ts("confirmed_at"),
    unsubscribedAt: ts("unsubscribed_at"),
    quarantinedAt: ts("quarantined_at"),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    // One live row per address and page, case-insensitively.
    uniqueIndex("subscriber_live_email")
      .on(t.pageId, sql`lower(${t.email})`)
      .where(sql`state in ('unconfirmed', 'active')`),
    index("subscriber_page_state").on(t.pageId, t.state),
  ],
);

export const subscriberComponent = sqliteTable(
  "subscriber_component",
  {
    subscriberId: text("subscriber_id")
      .notNull()
      .references(() => subscriber.id),
    componentId: text("component_id")
      .notNull()
      .references(() => component.id),
  },
  (t) => [primaryKey({ columns: [t.subscriberId, t.componentId] }), index("subscriber_component_component").on(t.componentId)],
);

export const notification = sqliteTable(
  "notification",
  {
    id: text("id").primaryKey(),
    pageId: text("page_id")
      .notNull()
      .references(() => page.id),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    incidentId: text("incident_id"),
    incidentUpdateId: text("incident_update_id"),
    createdAt: created(),
  },
  (t) => [index("notification_page_created").on(t.pageId, t.createdAt)],
);

export const delivery = sqliteTable(
  "delivery",
  {
    id: text("id").primaryKey(),
    notificationId: text("notification_id")
      .notNull()
      .references(() => notification.id),
    subscriberId: text("subscriber_id")
      .notNull()
      .references(() => subscriber.id),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: ts("lease_until"),
    providerMessageId: text("provider_message_id"),
    lastError: text("last_error"),
    sentAt: ts("sent_at"),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex("delivery_notification_subscriber").on(t.notificationId, t.subscriberId),
    index("delivery_due").on(t.status, t.nextAttemptAt),
  ],
);

// ---------------------------------------------------------------- API keys and audit

export const apiKey = sqliteTable(
  "api_key",
  {
    id: text("id").primaryKey(),
    pageId: text("page_id")
      .notNull()
      .references(() => page.id),
    name: text("name").notNull(),
    // First characters of the key, shown in the console to tell keys apart.
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull().unique(),
    role: text("role", { enum: ROLES }).notNull(),
    createdByUserId: text("created_by_user_id"),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
    createdAt: created(),
  },
  (t) => [index("api_key_page").on(t.pageId)],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    pageId: text("page_id"),
    actorType: text("actor_type", { enum: ACTOR_TYPES }).notNull(),
    actorId: text("actor_id"),
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    before: text("before", { mode: "json" }),
    after: text("after", { mode: "json" }),
    at: ts("at").notNull(),
  },
  (t) => [index("audit_log_page_at").on(t.pageId, t.at)],
);

export type User = typeof user.$inferSelect;
export type Page = typeof page.$inferSelect;
export type ComponentGroup = typeof componentGroup.$inferSelect;
export type Component = typeof component.$inferSelect;
export type ComponentStatusChange = typeof componentStatusChange.$inferSelect;
export type Incident = typeof incident.$inferSelect;
export type IncidentUpdate = typeof incidentUpdate.$inferSelect;
export type IncidentUpdateComponent = typeof incidentUpdateComponent.$inferSelect;
export type Subscriber = typeof subscriber.$inferSelect;
export type Notification = typeof notification.$inferSelect;
export type Delivery = typeof delivery.$inferSelect;
export type ApiKey = typeof apiKey.$inferSelect;
export type AuditLogRow = typeof auditLog.$inferSelect;
