import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import {
  ACTOR_TYPES,
  type CHANNEL_EVENTS,
  DEFAULT_EMAIL_EVENTS,
  CHANNEL_KINDS,
  CHANNEL_STATES,
  COMPONENT_STATUSES,
  DELIVERY_STATUSES,
  IMPACTS,
  INCIDENT_KINDS,
  INCIDENT_STATUSES,
  MAINTENANCE_STATUSES,
  type ComponentStatus,
  URGENCIES,
  NOTIFICATION_KINDS,
  ROLES,
  STATUS_CHANGE_SOURCES,
  SUBSCRIBER_STATES,
  INTEGRATION_INCIDENT_MODES,
  VENDOR_KINDS,
  PAGE_VISIBILITIES,
  RESTRICTED_ENTITY_TYPES,
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
    // better-auth's two-factor plugin: set once a TOTP enrolment is verified.
    twoFactorEnabled: bool("two_factor_enabled").notNull().default(false),
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

// ---------------------------------------------------------------- staff accounts (lib/auth, lib/users)

/** better-auth's two-factor plugin: the TOTP secret and recovery codes, both encrypted with HERALD_SECRET. */
export const twoFactor = sqliteTable(
  "two_factor",
  {
    id: text("id").primaryKey(),
    secret: text("secret").notNull(),
    backupCodes: text("backup_codes").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id),
    verified: bool("verified").notNull().default(true),
    failedVerificationCount: integer("failed_verification_count").notNull().default(0),
    lockedUntil: ts("locked_until"),
  },
  (t) => [index("two_factor_user").on(t.userId), index("two_factor_secret").on(t.secret)],
);

/**
 * A pending staff invitation (lib/users/invitations.ts). Only a hash of the
 * link's token is stored. One open invitation per address: a new invite for
 * the same email rotates the token of the open one.
 */
export const invitation = sqliteTable(
  "invitation",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    invitedByUserId: text("invited_by_user_id"),
    createdAt: created(),
    sentAt: ts("sent_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
    acceptedAt: ts("accepted_at"),
    acceptedUserId: text("accepted_user_id"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [uniqueIndex("invitation_open_email").on(t.email).where(sql`accepted_at IS NULL AND revoked_at IS NULL`)],
);

/**
 * Sign-in policy, one row (lib/auth/policy.ts). The OIDC issuer, client id
 * and secret may also come from the environment, which then wins; the secret
 * is never sent to a browser. `ssoDomains` is a JSON list of
 * { domain, role, passwordSignIn }.
 */
export const authSettings = sqliteTable("auth_settings", {
  id: text("id").primaryKey(),
  requireTwoFactor: bool("require_two_factor").notNull().default(false),
  oidcIssuer: text("oidc_issuer"),
  oidcClientId: text("oidc_client_id"),
  oidcClientSecret: text("oidc_client_secret"),
  oidcJit: bool("oidc_jit").notNull().default(false),
  ssoDomains: text("sso_domains", { mode: "json" })
    .$type<{ domain: string; role: Exclude<(typeof ROLES)[number], "owner">; passwordSignIn: boolean }[]>()
    .notNull()
    .default(sql`'[]'`),
  updatedAt: updated(),
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
  // Uptime formula switch: whether under_maintenance time counts as down (lib/uptime).
  uptimeCountsMaintenance: bool("uptime_counts_maintenance").notNull().default(false),
  // The owner's uptime target in percent, compared against on the metrics page.
  slaTarget: real("sla_target").notNull().default(99.9),
  // The local day the public snapshots last rolled over to (lib/uptime/rollover.ts):
  // uptime bars shift by one day at the page's midnight.
  uptimeDay: text("uptime_day"),
  // Update cadence policy in minutes (lib/incidents/practice.ts).
  cadenceCriticalMinutes: integer("cadence_critical_minutes").notNull().default(30),
  cadenceMajorMinutes: integer("cadence_major_minutes").notNull().default(60),
  cadenceMinorMinutes: integer("cadence_minor_minutes").notNull().default(120),
  firstUpdateMinutes: integer("first_update_minutes").notNull().default(15),
  // Maintenance reminders: minutes before the start a new maintenance reminds
  // subscribers unless its form or API call chooses otherwise; null = off
  // (Statuspage's page-level scheduled_remind_prior default; lib/maintenance).
  maintenanceRemindMinutes: integer("maintenance_remind_minutes"),
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
    // Uptime target in percent for the metrics page; null = the page's slaTarget.
    uptimeTarget: real("uptime_target"),
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
    // How long before scheduled_for the reminder goes out (with scheduled_remind_prior).
    scheduledRemindMinutes: integer("scheduled_remind_minutes"),
    // Set once by the scheduler that sent the reminder: the conditional update
    // on it is what keeps two workers from both reminding (lib/maintenance/transitions.ts).
    reminderSentAt: ts("reminder_sent_at"),
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
    // Scheduled publishing: when the scheduler makes the incident public
    // (lib/incidents/scheduled.ts). Stays as a record once published.
    publishAt: ts("publish_at"),
    // Console-only fields for the comms lead (lib/incidents/practice.ts); never public.
    ownerUserId: text("owner_user_id"),
    urgency: text("urgency", { enum: URGENCIES }),
    // Calendar (lib/public/calendar.ts): raised by refreshIncidentCaches on
    // every change of the incident (timeline, name, window), so it is the
    // iCalendar SEQUENCE; set when a maintenance is cancelled (STATUS:CANCELLED).
    revision: integer("revision").notNull().default(0),
    cancelledAt: ts("cancelled_at"),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    index("incident_page_started").on(t.pageId, t.startedAt),
    index("incident_page_status").on(t.pageId, t.status),
    // Uptime: the incidents that started before the window and were resolved in it or later (lib/uptime/load.ts).
    index("incident_page_resolved").on(t.pageId, t.resolvedAt),
  ],
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
    // Scheduled update (lib/incidents/scheduled.ts): non-null = not yet public.
    // Every reader that derives state or shows updates skips these rows; the
    // scheduler clears it when it publishes.
    publishAt: ts("publish_at"),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    index("incident_update_incident_display").on(t.incidentId, t.displayAt),
    // The feeds' order (newest first across all incidents): the latest entries are read off its end.
    index("incident_update_display_order").on(t.displayAt, t.seq, t.id),
    // Only the scheduled updates, which the scheduler looks up by time. A full index invited the planner to answer
    // "publish_at is null" (every public reader) by walking all of history's updates instead of one incident's.
    index("incident_update_publish_at").on(t.publishAt).where(sql`${t.publishAt} is not null`),
  ],
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
    // The update set this status (true) or only named the component as affected (false). An update saved to be
    // published later is applied then, when the component may have moved: a status it set equal to the one the
    // component had at saving time must still be applied, so old_status = new_status cannot tell the two apart.
    requested: integer("requested", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.incidentUpdateId, t.componentId] })],
);

/** Internal notes beside an incident's public timeline. Console only: no public loader reads this table. */
export const incidentNote = sqliteTable(
  "incident_note",
  {
    id: text("id").primaryKey(),
    incidentId: text("incident_id")
      .notNull()
      .references(() => incident.id),
    authorUserId: text("author_user_id"),
    authorLabel: text("author_label").notNull(),
    body: text("body").notNull(),
    createdAt: created(),
  },
  (t) => [index("incident_note_incident").on(t.incidentId, t.createdAt)],
);

/**
 * Canned incident text per phase (lib/templates). `components` maps component
 * id → status to set; placeholders in title/body are substituted from a fixed
 * list, never through a template engine.
 */
export const incidentTemplate = sqliteTable(
  "incident_template",
  {
    id: text("id").primaryKey(),
    pageId: text("page_id")
      .notNull()
      .references(() => page.id),
    name: text("name").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    status: text("status", { enum: INCIDENT_STATUSES }).notNull(),
    components: text("components", { mode: "json" }).$type<Record<string, ComponentStatus>>().notNull(),
    notify: bool("notify").notNull().default(false),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [index("incident_template_page").on(t.pageId, t.name)],
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
    // The same tokens encrypted with a key derived from HERALD_SECRET, so the
    // worker can put them into links (lib/subscribers/tokens.ts). Lookups use
    // the hashes; a database copy alone reveals no working link.
    confirmTokenEnc: text("confirm_token_enc"),
    manageTokenEnc: text("manage_token_enc"),
    // Why the provider reported the address (bounce / complaint).
    quarantineReason: text("quarantine_reason"),
    confirmedAt: ts("confirmed_at"),
    unsubscribedAt: ts("unsubscribed_at"),
    quarantinedAt: ts("quarantined_at"),
    // Paused from the manage page: receives nothing (skipped at enqueue and at send time) until resumed.
    pausedAt: ts("paused_at"),
    // Came in through "follow this incident": only the followed incidents'
    // updates (subscriber_incident), never the page-wide ones.
    incidentOnly: bool("incident_only").notNull().default(false),
    // Which events the subscriber receives (issue 12; the same choice as a channel target's `events`).
    events: text("events", { mode: "json" })
      .$type<ChannelEventChoice[]>()
      .notNull()
      // The enqueue query compares with this exact text (lib/notifications/enqueue.ts).
      .default(sql.raw(`'${JSON.stringify(DEFAULT_EMAIL_EVENTS)}'`)),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    // One live row per address and page, case-insensitively.
    uniqueIndex("subscriber_live_email")
      .on(t.pageId, sql`lower(${t.email})`)
      .where(sql`state in ('unconfirmed', 'active')`),
    index("subscriber_page_state").on(t.pageId, t.state),
    uniqueIndex("subscriber_confirm_token").on(t.confirmTokenHash),
    uniqueIndex("subscriber_manage_token").on(t.manageTokenHash),
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
  (t) => [
    primaryKey({ columns: [t.subscriberId, t.componentId] }),
    index("subscriber_component_component").on(t.componentId),
  ],
);

/** "Follow this incident": the subscriber gets this incident's updates whatever its component scope. */
export const subscriberIncident = sqliteTable(
  "subscriber_incident",
  {
    subscriberId: text("subscriber_id")
      .notNull()
      .references(() => subscriber.id),
    incidentId: text("incident_id")
      .notNull()
      .references(() => incident.id),
    createdAt: created(),
  },
  (t) => [
    primaryKey({ columns: [t.subscriberId, t.incidentId] }),
    index("subscriber_incident_incident").on(t.incidentId),
  ],
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
    // component_updated: the component_status_change it announces (issue 12).
    componentStatusChangeId: text("component_status_change_id"),
    // Rendered once, by the first worker that sends it (lib/notifications/render.ts);
    // retries reuse these exact bytes so a batch's idempotency key always
    // matches the same request body.
    renderedSubject: text("rendered_subject"),
    renderedHtml: text("rendered_html"),
    renderedText: text("rendered_text"),
    // Random part of the per-recipient placeholders in the rendered bodies.
    renderNonce: text("render_nonce"),
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
    // Set when the row is first leased and never changed: the batch's members
    // and its idempotency key stay the same across retries (lib/worker/deliver.ts).
    batchId: text("batch_id"),
    // A failed row's batch was refused by the provider (a definite 4xx): nothing of it was accepted, so a retry may
    // send it under a new idempotency key. Otherwise (given up after timeouts or 5xx) the provider may have accepted
    // it, and a retry keeps the batch and its key (lib/notifications/status.ts).
    refused: integer("refused", { mode: "boolean" }).notNull().default(false),
    sentAt: ts("sent_at"),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex("delivery_notification_subscriber").on(t.notificationId, t.subscriberId),
    index("delivery_due").on(t.status, t.nextAttemptAt),
    // Partial: the publish transaction inserts 100k rows with no batch yet; they cost these indexes nothing.
    index("delivery_batch").on(t.batchId).where(sql`batch_id is not null`),
    // Batches waiting for a retry: few rows, found without scanning the whole queue.
    index("delivery_retry").on(t.nextAttemptAt).where(sql`status = 'pending' and batch_id is not null`),
  ],
);

/**
 * Emails the outbox transport kept instead of sending (no RESEND_API_KEY): the
 * console's Outbox shows them. One row per recipient of a batch; the
 * idempotency key + position make a retried batch a no-op, like the provider.
 */
export const outboxEmail = sqliteTable(
  "outbox_email",
  {
    id: text("id").primaryKey(),
    idempotencyKey: text("idempotency_key").notNull(),
    position: integer("position").notNull(),
    fromAddress: text("from_address").notNull(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    html: text("html").notNull(),
    text: text("text").notNull(),
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex("outbox_email_key").on(t.idempotencyKey, t.position),
    index("outbox_email_created").on(t.createdAt),
  ],
);

/**
 * Fixed-window counters for the subscribe form's abuse limits
 * (lib/subscribers/limits.ts). `key` includes the window, so a new window is a
 * new row; old rows are pruned. `blocked` counts refused requests for the console.
 */
export const subscribeLimit = sqliteTable(
  "subscribe_limit",
  {
    key: text("key").primaryKey(),
    kind: text("kind").notNull(),
    windowEnd: ts("window_end").notNull(),
    count: integer("count").notNull().default(0),
    blocked: integer("blocked").notNull().default(0),
    lastBlockedAt: ts("last_blocked_at"),
  },
  (t) => [index("subscribe_limit_window").on(t.windowEnd)],
);

// ---------------------------------------------------------------- channel targets (issue 12)
// Webhook, Slack, Teams and Discord subscribers. They share the email outbox's
// `notification` rows (written in the publish transaction); each target gets
// one `channel_delivery` per notification, enqueued in the same transaction
// (lib/notifications/enqueue.ts) and sent by lib/worker/deliver-channels.ts.

export const channelTarget = sqliteTable(
  "channel_target",
  {
    id: text("id").primaryKey(),
    pageId: text("page_id")
      .notNull()
      .references(() => page.id),
    kind: text("kind", { enum: CHANNEL_KINDS }).notNull(),
    state: text("state", { enum: CHANNEL_STATES }).notNull(),
    // A Slack/Teams/Discord URL is itself a credential: stored encrypted under a
    // key derived from HERALD_SECRET (lib/subscribers/tokens.ts seal), looked
    // up by its SHA-256, shown only as `label` (origin and a masked path).
    urlEnc: text("url_enc").notNull(),
    urlHash: text("url_hash").notNull(),
    label: text("label").notNull(),
    // Lower-case host name: requests are paced per host.
    host: text("host").notNull(),
    // Webhooks: the Standard Webhooks secret ("whsec_…"), encrypted; shown once.
    secretEnc: text("secret_enc"),
    // Told when the target is disabled after failures (Statuspage's `email`).
    ownerEmail: text("owner_email"),
    events: text("events", { mode: "json" }).$type<ChannelEventChoice[]>().notNull(),
    // Visitors' targets: the code sent in the verification event (hash only).
    verifyCodeHash: text("verify_code_hash"),
    verifyAttempts: integer("verify_attempts").notNull().default(0),
    // The link in every payload's meta.unsubscribe and on the visitor's page.
    manageTokenHash: text("manage_token_hash").notNull(),
    manageTokenEnc: text("manage_token_enc").notNull(),
    addedBy: text("added_by", { enum: ["staff", "api", "visitor"] }).notNull(),
    // Events in a row that ended failed; reset by a delivered one.
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    verifiedAt: ts("verified_at"),
    disabledAt: ts("disabled_at"),
    disabledReason: text("disabled_reason"),
    unsubscribedAt: ts("unsubscribed_at"),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [
    uniqueIndex("channel_target_live_url")
      .on(t.pageId, t.urlHash)
      .where(sql`state in ('pending', 'active', 'disabled')`),
    index("channel_target_page_state").on(t.pageId, t.state),
    uniqueIndex("channel_target_manage_token").on(t.manageTokenHash),
  ],
);

export const channelTargetComponent = sqliteTable(
  "channel_target_component",
  {
    targetId: text("target_id")
      .notNull()
      .references(() => channelTarget.id),
    componentId: text("component_id")
      .notNull()
      .references(() => component.id),
  },
  (t) => [
    primaryKey({ columns: [t.targetId, t.componentId] }),
    index("channel_target_component_component").on(t.componentId),
  ],
);

export const channelDelivery = sqliteTable(
  "channel_delivery",
  {
    // Also the Standard Webhooks `webhook-id` ("msg_" + id): the same on every retry.
    id: text("id").primaryKey(),
    notificationId: text("notification_id")
      .notNull()
      .references(() => notification.id),
    targetId: text("target_id")
      .notNull()
      .references(() => channelTarget.id),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: ts("lease_until"),
    // The last answer's HTTP status (null: no answer) and error, for the console's delivery log.
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    sentAt: ts("sent_at"),
    createdAt: created(),
  },
  (t) => [
    uniqueIndex("channel_delivery_notification_target").on(t.notificationId, t.targetId),
    index("channel_delivery_due").on(t.status, t.nextAttemptAt),
    index("channel_delivery_target").on(t.targetId, t.createdAt),
  ],
);

/** A notification's body per channel kind, rendered once (the first worker writes it, retries reuse it). */
export const channelPayload = sqliteTable(
  "channel_payload",
  {
    notificationId: text("notification_id")
      .notNull()
      .references(() => notification.id),
    kind: text("kind", { enum: CHANNEL_KINDS }).notNull(),
    body: text("body").notNull(),
    createdAt: created(),
  },
  (t) => [primaryKey({ columns: [t.notificationId, t.kind] })],
);

/**
 * Emails to a target's owner (today: "your target was disabled"), written in
 * the transaction that disabled it and sent by the worker like any outbox row:
 * leased, retried with backoff under one idempotency key ("herald-channel-
 * notice-" + id), the rendered bytes stored so every retry sends the same
 * request. The owner is no subscriber, so these are not `delivery` rows.
 */
export const channelNotice = sqliteTable(
  "channel_notice",
  {
    id: text("id").primaryKey(),
    targetId: text("target_id")
      .notNull()
      .references(() => channelTarget.id),
    toAddress: text("to_address").notNull(),
    fromAddress: text("from_address").notNull(),
    subject: text("subject").notNull(),
    html: text("html").notNull(),
    text: text("text").notNull(),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull(),
    leaseOwner: text("lease_owner"),
    leaseUntil: ts("lease_until"),
    lastError: text("last_error"),
    sentAt: ts("sent_at"),
    createdAt: created(),
  },
  (t) => [index("channel_notice_due").on(t.status, t.nextAttemptAt)],
);

export type ChannelEventChoice = (typeof CHANNEL_EVENTS)[number];
export type ChannelTarget = typeof channelTarget.$inferSelect;
export type ChannelDelivery = typeof channelDelivery.$inferSelect;

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

// ---------------------------------------------------------------- automation: monitor integrations and vendor
// components
// lib/integrations (inbound alerts at /api/integrations/<id>/<token>) and
// lib/vendors (polling third-party status pages). Status changes they make go
// through component_status_change with source "automation" / "vendor".

/** An inbound alert endpoint. The token is only ever stored hashed; its URL is shown once. */
export const integration = sqliteTable(
  "integration",
  {
    id: text("id").primaryKey(),
    pageId: text("page_id")
      .notNull()
      .references(() => page.id),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    // Debounce: a change must still be wanted this long after it was first asked for (0 = at once).
    holdSeconds: integer("hold_seconds").notNull().default(120),
    // Requests accepted per minute; more are answered 429 with Retry-After.
    perMinute: integer("per_minute").notNull().default(60),
    lastEventAt: ts("last_event_at"),
    deletedAt: ts("deleted_at"),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [index("integration_page").on(t.pageId)],
);

/** Maps alerts whose labels equal every `match` entry to a component and the status it takes while they fire. */
export const integrationRule = sqliteTable(
  "integration_rule",
  {
    id: text("id").primaryKey(),
    integrationId: text("integration_id")
      .notNull()
      .references(() => integration.id),
    position: integer("position").notNull(),
    match: text("match", { mode: "json" }).$type<Record<string, string>>().notNull(),
    componentId: text("component_id")
      .notNull()
      .references(() => component.id),
    status: text("status", { enum: COMPONENT_STATUSES }).notNull(),
    incidentMode: text("incident_mode", { enum: INTEGRATION_INCIDENT_MODES }).notNull().default("none"),
    // Whether the rule's status changes notify the subscribers who chose component changes, and (incident_mode
    // "publish") whether the published incident notifies.
    notify: bool("notify").notNull().default(false),
    createdAt: created(),
  },
  (t) => [index("integration_rule_integration").on(t.integrationId, t.position)],
);

/** The last word of each alert per component it maps to: what is firing now. */
export const integrationAlert = sqliteTable(
  "integration_alert",
  {
    integrationId: text("integration_id")
      .notNull()
      .references(() => integration.id),
    // The alert's fingerprint, or a hash of its labels when the sender gives none.
    alertKey: text("alert_key").notNull(),
    componentId: text("component_id")
      .notNull()
      .references(() => component.id),
    ruleId: text("rule_id"),
    status: text("status", { enum: COMPONENT_STATUSES }).notNull(),
    firing: bool("firing").notNull(),
    summary: text("summary").notNull(),
    updatedAt: updated(),
  },
  (t) => [
    primaryKey({ columns: [t.integrationId, t.alertKey, t.componentId] }),
    index("integration_alert_component").on(t.componentId),
  ],
);

/**
 * Per component driven by alerts: the change waiting out the hold (wanted +
 * due_at, applied by runDueWork) and the incident automation opened for the
 * current episode (so a second alert does not open a second one).
 */
export const automationComponent = sqliteTable("automation_component", {
  componentId: text("component_id")
    .primaryKey()
    .references(() => component.id),
  pageId: text("page_id")
    .notNull()
    .references(() => page.id),
  wanted: text("wanted", { enum: COMPONENT_STATUSES }),
  dueAt: ts("due_at"),
  integrationId: text("integration_id"),
  ruleId: text("rule_id"),
  summary: text("summary"),
  incidentId: text("incident_id"),
  updatedAt: updated(),
});

/** What each request to an integration did, newest kept (lib/integrations/events.ts prunes). */
export const integrationEvent = sqliteTable(
  "integration_event",
  {
    id: text("id").primaryKey(),
    integrationId: text("integration_id")
      .notNull()
      .references(() => integration.id),
    at: ts("at").notNull(),
    format: text("format").notNull(),
    alerts: integer("alerts").notNull(),
    // One line per effect, e.g. "API → major_outage (held 120 s)".
    outcome: text("outcome", { mode: "json" }).$type<string[]>().notNull(),
    test: bool("test").notNull().default(false),
  },
  (t) => [index("integration_event_integration_at").on(t.integrationId, t.at)],
);

/** A component that mirrors a third-party status page. `following` false = staff override in force. */
export const componentVendor = sqliteTable(
  "component_vendor",
  {
    componentId: text("component_id")
      .primaryKey()
      .references(() => component.id),
    pageId: text("page_id")
      .notNull()
      .references(() => page.id),
    kind: text("kind", { enum: VENDOR_KINDS }).notNull(),
    url: text("url").notNull(),
    // The vendor's component id (Statuspage, Herald); null = the vendor's overall status.
    vendorComponentId: text("vendor_component_id"),
    following: bool("following").notNull().default(true),
    etag: text("etag"),
    vendorStatus: text("vendor_status", { enum: COMPONENT_STATUSES }),
    nextPollAt: ts("next_poll_at").notNull(),
    leaseUntil: ts("lease_until"),
    lastPolledAt: ts("last_polled_at"),
    // "ok", "not_modified" or an error line shown on the component form.
    lastResult: text("last_result"),
    lastOkAt: ts("last_ok_at"),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [index("component_vendor_due").on(t.nextPollAt)],
);

// ---------------------------------------------------------------- audiences and viewers (issue 13)

/** A named group of viewers ("Internal", "Enterprise customers"). */
export const audience = sqliteTable(
  "audience",
  {
    id: text("id").primaryKey(),
    pageId: text("page_id")
      .notNull()
      .references(() => page.id),
    name: text("name").notNull(),
    createdAt: created(),
    updatedAt: updated(),
  },
  (t) => [uniqueIndex("audience_page_name").on(t.pageId, t.name)],
);

/** A member: a lower-cased email address, or "@example.com" for everyone at a domain. */
export const audienceMember = sqliteTable(
  "audience_member",
  {
    id: text("id").primaryKey(),
    audienceId: text("audience_id")
      .notNull()
      .references(() => audience.id),
    email: text("email").notNull(),
    createdAt: created(),
  },
  (t) => [uniqueIndex("audience_member_unique").on(t.audienceId, t.email), index("audience_member_email").on(t.email)],
);

/**
 * A restricted component, group, incident or internal note: only viewers of
 * one of its audiences see it. Nothing listed here = everyone sees it.
 */
export const audienceRestriction = sqliteTable(
  "audience_restriction",
  {
    entityType: text("entity_type", { enum: RESTRICTED_ENTITY_TYPES }).notNull(),
    entityId: text("entity_id").notNull(),
    audienceId: text("audience_id")
      .notNull()
      .references(() => audience.id),
    createdAt: created(),
  },
  (t) => [
    primaryKey({ columns: [t.entityType, t.entityId, t.audienceId] }),
    index("audience_restriction_audience").on(t.audienceId),
  ],
);

/** An internal note on an incident update, shown only to the audiences its restriction rows name. */
export const audienceNote = sqliteTable(
  "audience_note",
  {
    id: text("id").primaryKey(),
    updateId: text("update_id")
      .notNull()
      .references(() => incidentUpdate.id),
    body: text("body").notNull(),
    createdAt: created(),
  },
  (t) => [index("audience_note_update").on(t.updateId)],
);

/** Who may read the page's public surfaces, and how viewers sign in. */
export const viewerSettings = sqliteTable("viewer_settings", {
  pageId: text("page_id")
    .primaryKey()
    .references(() => page.id),
  visibility: text("visibility", { enum: PAGE_VISIBILITIES }).notNull().default("public"),
  magicLinkEnabled: bool("magic_link_enabled").notNull().default(false),
  /** Email domains whose addresses may sign in by magic link, one per line ("example.com"). */
  allowedDomains: text("allowed_domains").notNull().default(""),
  /** The shared page password (scrypt), or null when there is none. */
  passwordHash: text("password_hash"),
  /** CIDRs whose client addresses read a private page without signing in, one per line. */
  ipAllowList: text("ip_allow_list").notNull().default(""),
  /** Bumped to sign every viewer out (a password change). */
  sessionEpoch: integer("session_epoch").notNull().default(1),
  // Viewer single sign-on (lib/viewers/oidc.ts): an OpenID Connect client of its own, apart from staff SSO.
  // All three set = "Sign in with single sign-on" is offered. The secret is never sent to a browser or logged.
  oidcIssuer: text("oidc_issuer"),
  oidcClientId: text("oidc_client_id"),
  oidcClientSecret: text("oidc_client_secret"),
  updatedAt: updated(),
});

/** A per-viewer secret for machine surfaces (JSON, feeds, badges) of a private page: ?token=… in the URL. */
export const viewerToken = sqliteTable(
  "viewer_token",
  {
    id: text("id").primaryKey(),
    pageId: text("page_id")
      .notNull()
      .references(() => page.id),
    email: text("email").notNull(),
    prefix: text("prefix").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    revokedAt: ts("revoked_at"),
    createdAt: created(),
  },
  (t) => [index("viewer_token_page").on(t.pageId)],
);

/** A sign-in link sent to a viewer: single use, expiring, stored hashed. */
export const viewerMagicLink = sqliteTable(
  "viewer_magic_link",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    email: text("email").notNull(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
    createdAt: created(),
  },
  (t) => [index("viewer_magic_link_expires").on(t.expiresAt)],
);

// ---------------------------------------------------------------- static mirror (lib/mirror)

// One row per configured mirror target (directory, git branch, S3 bucket): what
// was last pushed there. The targets themselves (and their credentials) come
// from the environment; nothing secret is stored here.
export const mirrorTarget = sqliteTable("mirror_target", {
  id: text("id").primaryKey(),
  kind: text("kind", { enum: ["directory", "git", "s3"] }).notNull(),
  // Where it points, without credentials (shown in the console and the CLI).
  label: text("label").notNull(),
  // Path → sha256 of what the target holds; "" marks a file whose push may have
  // been interrupted (a crash mid-push), so the next push rewrites or removes it.
  manifest: text("manifest", { mode: "json" }).$type<Record<string, string>>().notNull().default({}),
  // The content version the target last fully received, and when.
  pushedVersion: integer("pushed_version"),
  pushedAt: ts("pushed_at"),
  // git: the commit last pushed (another writer on the branch means a full compare).
  remoteHead: text("remote_head"),
  lastUploaded: integer("last_uploaded").notNull().default(0),
  lastDeleted: integer("last_deleted").notNull().default(0),
  lastAttemptAt: ts("last_attempt_at"),
  lastError: text("last_error"),
  lastErrorAt: ts("last_error_at"),
  createdAt: created(),
  updatedAt: updated(),
  // "Push now" on this target: the next push compares with what the target really holds (as a full sync does).
  pushRequested: bool("push_requested").notNull().default(false),
});

// The durable queue: at most one open job (debounced content changes fold into
// it). Leased by one worker at a time, retried with backoff, deleted when every
// target has the version it names.
export const mirrorJob = sqliteTable("mirror_job", {
  id: text("id").primaryKey(),
  // A full re-sync (`herald mirror sync`): everything fetched and re-pushed.
  full: bool("full").notNull().default(false),
  // The newest content version this job must bring the targets to.
  version: integer("version").notNull(),
  // When the first change of this batch was seen (the debounce never waits past a bound from it).
  firstSeenAt: ts("first_seen_at").notNull(),
  dueAt: ts("due_at").notNull(),
  attempts: integer("attempts").notNull().default(0),
  leaseOwner: text("lease_owner"),
  leaseUntil: ts("lease_until"),
  lastError: text("last_error"),
  createdAt: created(),
});

// Targets added in the console (Settings → Static mirror), beside the environment's.
// Their mirror_target row (same id) holds the push state. Where a target points is
// plain text (`settings`, shown in the console and audited); its credentials (S3
// keys, a git token or ssh key) are one AES-256-GCM value under HERALD_SECRET
// (lib/subscribers/tokens.ts seal), write-only: never shown, logged, exported or audited.
export const mirrorTargetConfig = sqliteTable("mirror_target_config", {
  id: text("id").primaryKey(),
  kind: text("kind", { enum: ["directory", "git", "s3"] }).notNull(),
  settings: text("settings", { mode: "json" }).$type<Record<string, string>>().notNull(),
  credentialsEnc: text("credentials_enc"),
  createdAt: created(),
  updatedAt: updated(),
});

// ---------------------------------------------------------------- API v2 document stamps (lib/statuspage)

// When each API v2 document last changed (its `page.updated_at`): the hash of
// its body without that field, and the time of the content version that first
// served this body. A change elsewhere on the page leaves a document's bytes
// alone, so a CDN or the static mirror keeps its copy. Derived: rebuilt by
// the next render when missing.
export const v2DocumentStamp = sqliteTable("v2_document_stamp", {
  // The path, and the viewer's audiences for a private view ("/api/v2/status.json", "/api/v2/status.json?a=x,y").
  key: text("key").primaryKey(),
  hash: text("hash").notNull(),
  changedAt: ts("changed_at").notNull(),
});

export type MirrorTarget = typeof mirrorTarget.$inferSelect;
export type MirrorJob = typeof mirrorJob.$inferSelect;
export type MirrorTargetConfig = typeof mirrorTargetConfig.$inferSelect;

export type User = typeof user.$inferSelect;
export type Invitation = typeof invitation.$inferSelect;
export type AuthSettings = typeof authSettings.$inferSelect;
export type Page = typeof page.$inferSelect;
export type ComponentGroup = typeof componentGroup.$inferSelect;
export type Component = typeof component.$inferSelect;
export type ComponentStatusChange = typeof componentStatusChange.$inferSelect;
export type Incident = typeof incident.$inferSelect;
export type IncidentUpdate = typeof incidentUpdate.$inferSelect;
export type IncidentUpdateComponent = typeof incidentUpdateComponent.$inferSelect;
export type IncidentTemplate = typeof incidentTemplate.$inferSelect;
export type IncidentNote = typeof incidentNote.$inferSelect;
export type Subscriber = typeof subscriber.$inferSelect;
export type Notification = typeof notification.$inferSelect;
export type Delivery = typeof delivery.$inferSelect;
export type OutboxEmail = typeof outboxEmail.$inferSelect;
export type ApiKey = typeof apiKey.$inferSelect;
export type AuditLogRow = typeof auditLog.$inferSelect;
export type Integration = typeof integration.$inferSelect;
export type IntegrationRule = typeof integrationRule.$inferSelect;
export type IntegrationEvent = typeof integrationEvent.$inferSelect;
export type ComponentVendor = typeof componentVendor.$inferSelect;
export type Audience = typeof audience.$inferSelect;
export type ViewerSettings = typeof viewerSettings.$inferSelect;
