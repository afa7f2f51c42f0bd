// The demo's story: the Acme Cloud page, its components, ninety days of
// incidents, maintenances, templates and subscribers. Data only; the runner
// (seed-demo.ts) turns it into use-case calls on a walking clock. Times are
// relative to the moment of seeding: "days ago at HH:MM UTC" or minutes from now.
import type { ComponentStatus, IncidentStatus, Urgency } from "../../db/constants";
import type { CreateTemplateInput } from "../templates/templates";

/** The demo page's settings, applied only to a page that had nothing of its own. */
export const PAGE = {
  name: "Acme Cloud",
  supportUrl: "https://acme-cloud.example/support",
  timeZone: "America/New_York",
};

export type Key =
  | "api"
  | "dashboard"
  | "auth"
  | "webhooks"
  | "db"
  | "search"
  | "storage"
  | "backups"
  | "email"
  | "sms"
  | "slack"
  | "billing";

export const GROUPS: {
  name: string;
  description: string;
  components: { key: Key; name: string; description: string }[];
}[] = [
  {
    name: "Core Platform",
    description: "The services every Acme Cloud customer uses directly.",
    components: [
      { key: "api", name: "API", description: "REST and GraphQL endpoints at api.acme.cloud." },
      { key: "dashboard", name: "Dashboard", description: "The web console at app.acme.cloud." },
      { key: "auth", name: "Authentication", description: "Sign-in, single sign-on and API token issuance." },
      { key: "webhooks", name: "Webhooks", description: "Outbound event delivery to customer endpoints." },
    ],
  },
  {
    name: "Data",
    description: "Storage and search behind the platform.",
    components: [
      { key: "db", name: "Primary database", description: "The managed PostgreSQL clusters that hold customer data." },
      { key: "search", name: "Search", description: "Full-text search across projects and records." },
      { key: "storage", name: "File storage", description: "Uploads, attachments and exports." },
      { key: "backups", name: "Backups", description: "Nightly snapshots and point-in-time recovery." },
    ],
  },
  {
    name: "Integrations",
    description: "Connections to third-party services.",
    components: [
      { key: "email", name: "Email delivery", description: "Transactional email sent on behalf of your workspace." },
      { key: "sms", name: "SMS", description: "Text messages for alerts and verification codes." },
      { key: "slack", name: "Slack app", description: "Alerts and commands in Slack." },
      { key: "billing", name: "Billing", description: "Subscriptions, invoices and payments." },
    ],
  },
];

export interface StoryUpdate {
  /** Minutes after the incident started. */
  at: number;
  status: IncidentStatus;
  body: string;
  components?: Partial<Record<Key, ComponentStatus>>;
}

export interface StoryIncident {
  name: string;
  /** Start, as "days ago at HH:MM UTC" for history or minutes before now for the open incident. */
  start: { daysAgo: number; time: string } | { minutesAgo: number };
  updates: StoryUpdate[];
}

export const HISTORY: StoryIncident[] = [
  {
    name: "Elevated API error rates",
    start: { daysAgo: 86, time: "14:05" },
    updates: [
      {
        at: 0,
        status: "investigating",
        components: { api: "partial_outage" },
        body:
          "We are investigating elevated 5xx error rates on the API. Some requests may fail or time out; " +
          "retrying usually succeeds.",
      },
      {
        at: 18,
        status: "identified",
        body:
          "A configuration change to the API load balancers sent part of the traffic to nodes that were being " +
          "drained. We are rolling the change back.",
      },
      {
        at: 41,
        status: "monitoring",
        components: { api: "degraded_performance" },
        body:
          "The rollback is complete and error rates are back to normal. Latency is still slightly elevated while " +
          "caches warm up; we are monitoring.",
      },
      {
        at: 75,
        status: "resolved",
        body:
          "Error rates and latency have been normal for 30 minutes. This incident is resolved.\n\nWe have added " +
          "a check that blocks load balancer changes that route traffic to draining nodes.",
      },
    ],
  },
  {
    name: "Delayed email notifications",
    start: { daysAgo: 79, time: "09:20" },
    updates: [
      {
        at: 0,
        status: "investigating",
        components: { email: "degraded_performance" },
        body:
          "Emails sent by Acme Cloud (alerts, invitations, password resets) are arriving with delays of up to 30 " +
          "minutes. We are investigating.",
      },
      {
        at: 25,
        status: "identified",
        body: "Our email provider is throttling one of our sending pools. We are moving traffic to a second pool.",
      },
      {
        at: 55,
        status: "monitoring",
        body: "Traffic has moved and new emails are delivered within seconds. The queued backlog is draining.",
      },
      {
        at: 90,
        status: "resolved",
        body: "All queued emails have been delivered; the longest delay was about 40 minutes. No email was lost.",
      },
    ],
  },
  {
    name: "Dashboard unavailable for some users in Europe",
    start: { daysAgo: 71, time: "02:10" },
    updates: [
      {
        at: 0,
        status: "investigating",
        components: { dashboard: "partial_outage", auth: "degraded_performance" },
        body: "Some users in Europe see certificate errors when opening the dashboard. The API is not affected.",
      },
      {
        at: 22,
        status: "identified",
        body:
          "One of our CDN's European edge locations is serving an expired certificate. The CDN provider is " +
          "replacing it and we have routed traffic around that location.",
      },
      {
        at: 64,
        status: "resolved",
        body:
          "The certificate has been replaced and traffic is back on the usual route. The dashboard is available " +
          "to everyone.",
      },
    ],
  },
  {
    name: "Slack notifications not posting",
    start: { daysAgo: 63, time: "17:45" },
    updates: [
      {
        at: 0,
        status: "investigating",
        components: { slack: "major_outage" },
        body:
          "Alerts are not being posted to Slack channels. Email and SMS alerts are unaffected. We are " +
          "investigating.",
      },
      {
        at: 35,
        status: "identified",
        body:
          "Slack rejected our app's tokens after a permissions change on their side. We are working with Slack " +
          "to restore them; no action is needed from you.",
      },
      {
        at: 120,
        status: "monitoring",
        components: { slack: "operational" },
        body:
          "Tokens have been restored and alerts are posting again. Alerts raised during the outage have been " +
          "re-sent.",
      },
      { at: 180, status: "resolved", body: "Slack alerts have been reliable for an hour. This incident is resolved." },
    ],
  },
  {
    // The multi-day incident: shown as ongoing across three days of history.
    name: "Search results delayed after index migration",
    start: { daysAgo: 55, time: "08:30" },
    updates: [
      {
        at: 0,
        status: "investigating",
        components: { search: "degraded_performance" },
        body:
          "New and updated records can take up to 20 minutes to appear in search results. Searching existing " +
          "data works normally.",
      },
      {
        at: 150,
        status: "identified",
        body:
          "The migration of search indexes to our new cluster is re-indexing far more documents than planned, " +
          "which delays fresh writes. Queries are not affected; only freshness is.",
      },
      {
        at: 22 * 60,
        status: "identified",
        body:
          "Re-indexing is about 60% complete. We have added capacity to the new cluster and expect freshness to " +
          "recover over the next day.",
      },
      {
        at: 44 * 60,
        status: "monitoring",
        body:
          "Re-indexing has finished and the backlog is cleared. New records appear in search within 30 seconds. " +
          "We are monitoring.",
      },
      {
        at: 54 * 60,
        status: "resolved",
        body:
          "Search freshness has stayed under 30 seconds for 10 hours. This incident is resolved.\n\nWe have " +
          "changed our migration runbook to re-index in smaller batches.",
      },
    ],
  },
  {
    name: "Payment processing failures",
    start: { daysAgo: 47, time: "11:00" },
    updates: [
      {
        at: 0,
        status: "investigating",
        components: { billing: "major_outage" },
        body: "Card payments and plan upgrades are failing. Your service is not affected. We are investigating.",
      },
      {
        at: 15,
        status: "identified",
        body:
          "Our payment processor is having an outage. We are in contact with them and following their status " +
          "updates.",
      },
      {
        at: 80,
        status: "monitoring",
        components: { billing: "degraded_performance" },
        body: "Payments are succeeding again. Renewals that failed during the outage are being retried automatically.",
      },
      {
        at: 140,
        status: "resolved",
        body:
          "All failed renewals have been retried successfully. No action is needed from you and no account was " +
          "suspended.",
      },
    ],
  },
  {
    name: "Increased latency on the primary database",
    start: { daysAgo: 38, time: "21:15" },
    updates: [
      {
        at: 0,
        status: "investigating",
        components: { db: "degraded_performance", api: "degraded_performance" },
        body:
          "API requests that write data are slower than usual (p95 around 2 seconds). We are investigating the " +
          "primary database.",
      },
      {
        at: 28,
        status: "identified",
        body:
          "A long-running maintenance query was holding locks on a busy table. We have stopped it and latency is " +
          "recovering.",
      },
      {
        at: 70,
        status: "resolved",
        body:
          "Latency is back to normal. The query has been rescheduled for a low-traffic window and now runs in " +
          "smaller batches.",
      },
    ],
  },
  {
    name: "SMS verification codes delayed in some regions",
    start: { daysAgo: 29, time: "13:40" },
    updates: [
      {
        at: 0,
        status: "investigating",
        components: { sms: "degraded_performance", auth: "degraded_performance" },
        body:
          "Verification codes sent by SMS to numbers in Brazil and Mexico are arriving late. Authenticator apps " +
          "work normally.",
      },
      {
        at: 45,
        status: "monitoring",
        body:
          "Our SMS provider has rerouted traffic through a different carrier. Codes now arrive within a few " +
          "seconds; we are monitoring.",
      },
      {
        at: 105,
        status: "resolved",
        body: "SMS delivery times have been normal for an hour. This incident is resolved.",
      },
    ],
  },
  {
    name: "File uploads failing",
    start: { daysAgo: 20, time: "04:05" },
    updates: [
      {
        at: 0,
        status: "investigating",
        components: { storage: "major_outage", dashboard: "degraded_performance" },
        body: "Uploading files and attachments fails with an error. Existing files can still be downloaded.",
      },
      {
        at: 12,
        status: "identified",
        body: "A storage credential expired during a scheduled rotation. We are issuing a new one.",
      },
      {
        at: 26,
        status: "monitoring",
        components: { storage: "operational", dashboard: "operational" },
        body: "Uploads work again. Please retry any upload that failed in the last half hour.",
      },
      {
        at: 60,
        status: "resolved",
        body:
          "Uploads have been working normally for half an hour. Credential rotation now checks the new " +
          "credential before retiring the old one.",
      },
    ],
  },
  {
    name: "Sign-in errors for single sign-on users",
    start: { daysAgo: 12, time: "15:30" },
    updates: [
      {
        at: 0,
        status: "investigating",
        components: { auth: "partial_outage" },
        body: 'Some users signing in with SAML single sign-on see an "invalid response" error. Password sign-in works.',
      },
      {
        at: 20,
        status: "identified",
        body: "A library update changed how we validate clock skew in SAML responses. We are reverting it.",
      },
      {
        at: 38,
        status: "monitoring",
        components: { auth: "operational" },
        body: "The revert is deployed and single sign-on works again. We are monitoring sign-in success rates.",
      },
      { at: 85, status: "resolved", body: "Sign-in success rates are back to normal. This incident is resolved." },
    ],
  },
  {
    name: "Dashboard slow to load",
    start: { daysAgo: 5, time: "10:10" },
    updates: [
      {
        at: 0,
        status: "investigating",
        components: { dashboard: "degraded_performance" },
        body: "The dashboard takes longer than usual to load project pages. We are investigating.",
      },
      { at: 50, status: "resolved", body: "A slow cache node was replaced and page load times are back to normal." },
    ],
  },
];

/** The incident still open now: three updates, the last posted at the moment of seeding. */
export const OPEN_INCIDENT: StoryIncident = {
  name: "Webhook deliveries failing for some endpoints",
  start: { minutesAgo: 95 },
  updates: [
    {
      at: 0,
      status: "investigating",
      components: { webhooks: "partial_outage" },
      body:
        "Some webhook deliveries are failing with connection timeouts. Failed deliveries are queued and will be " +
        "retried. We are investigating.",
    },
    {
      at: 43,
      status: "identified",
      body:
        "A network change in one of our regions dropped outbound connections to some customer endpoints. We are " +
        "rolling it back.",
    },
    {
      at: 95,
      status: "monitoring",
      components: { webhooks: "degraded_performance" },
      body:
        "The rollback is complete and new deliveries succeed. We are retrying the queued backlog, so some events " +
        "may still arrive late.",
    },
  ],
};

/** Recorded a week after it happened: history only, no current state, no email. */
export const BACKFILLED: {
  name: string;
  body: string;
  components: Partial<Record<Key, ComponentStatus>>;
  happened: { daysAgo: number; time: string };
  recorded: { daysAgo: number; time: string };
} = {
  name: "Brief API outage during network maintenance",
  body:
    "Between 03:12 and 03:19 UTC the API returned errors for about 7 minutes while a network switch was " +
    "replaced. We are recording it here after the fact for completeness.",
  components: { api: "major_outage" },
  happened: { daysAgo: 66, time: "03:12" },
  recorded: { daysAgo: 59, time: "10:00" },
};

/** The comms lead's fields on the open incident: console only, never public. */
export const OPEN_INCIDENT_PRACTICE: { urgency: Urgency; note: { at: number; body: string } } = {
  urgency: "high",
  note: {
    at: 50,
    body:
      "Trigger is network change NET-2291 (egress rules in eu-west); the rollback is done. Retry backlog was " +
      "~41k deliveries and drains at ~1.5k/min. Globex and Initech opened tickets: support answers with the " +
      "incident link. No ETA in public updates until the backlog is under 5k.",
  },
};

/** The review of the multi-day incident, drafted after it closed and published a few days later. */
export const POSTMORTEM = {
  incident: "Search results delayed after index migration",
  draftedDaysAfterResolved: 2,
  publishedDaysAfterResolved: 3,
  /** Minutes after the incident started, as in its story (the public updates are at 0, 150, 22 h, 44 h and 54 h). */
  timeline: [
    [-35, "The planned migration of search indexes to the new cluster starts."],
    [-12, "Our freshness alert fires: new records take more than 5 minutes to become searchable."],
    [0, "First public update. The search on-call engineer starts investigating."],
    [
      150,
      "Cause identified: the migration is re-indexing every document instead of replaying recent writes. We decide " +
        "to finish the migration rather than roll back, because a rollback would have meant re-indexing the old " +
        "cluster as well.",
    ],
    [22 * 60, "Re-indexing is 60% complete. We grow the new cluster from 12 to 20 nodes to speed it up."],
    [
      44 * 60,
      "Re-indexing finishes and the backlog of fresh writes clears. New records are searchable within 30 seconds " +
        "again.",
    ],
    [54 * 60, "After 10 hours of normal freshness, we resolve the incident."],
  ] as [number, string][],
  body: (timeline: string) => `## Summary

For about 44 hours, new and updated records took up to 20 minutes to appear in search results, instead of the usual few
seconds. A planned migration of our search indexes to a larger cluster re-indexed every document rather than only the
recent changes, and fresh writes queued behind that work.

## Impact

- Every workspace that uses search was affected. Searches kept working and returned existing records normally; only
  records created or edited during the incident showed up late.
- At the worst point, a new record took 20 minutes to become searchable. Normally it takes under 30 seconds.
- No data was lost or exposed. The API, the dashboard and all other components were unaffected.

## Root cause

The migration tool copies each index to the new cluster and then replays the writes that arrived during the copy. This
migration also added a field to the index mapping (the extracted text of attachments). The tool treated the mapping
change as a change to every document, so instead of replaying about 2 million recent writes it re-indexed all 310
million documents.

Re-indexing and fresh writes share one queue on the indexing workers, so
customers' new records waited behind the bulk work. Our migration plan and its load test were sized for a replay; the
load test used an index without the mapping change, so it did not catch this.

## Timeline (UTC)

${timeline}

## What we're changing

- **Separate queues.** Fresh writes now have their own indexing queue that always goes first, so bulk work can slow
  itself down but never delays new records. *Done.*
- **Safer migrations.** The migration tool refuses a mapping change that would re-index everything unless told to, and
  such migrations now run in batches of 5% of an index with a freshness check between batches. *Done; the runbook is
  updated.*
- **Realistic rehearsals.** Migration load tests run against a copy of a production index, including any pending
  mapping change. *In progress.*
- **Faster first update.** Our first public update came 35 minutes after the delays began. A freshness alert now opens
  a draft incident for the on-call engineer, so the first update can go out within 15 minutes. *In progress.*
`,
};

/** Canned updates for each phase, as a comms lead sets them up before the first incident. */
export const TEMPLATES: CreateTemplateInput[] = [
  {
    name: "Investigating degraded performance",
    title: "Degraded performance: {{component}}",
    status: "investigating",
    notify: true,
    body:
      "We are investigating slower than usual responses from {{components}}. Some requests may take longer to " +
      "complete or time out; retrying usually succeeds. We will post an update within the hour.",
  },
  {
    name: "Investigating an outage",
    title: "{{component}} unavailable",
    status: "investigating",
    notify: true,
    body:
      "{{components}} is unavailable for some or all customers. We are investigating as a priority and will post " +
      "an update within 30 minutes.",
  },
  {
    name: "Monitoring a fix",
    title: "Fix deployed for {{component}}",
    status: "monitoring",
    notify: false,
    body:
      "We have deployed a fix and {{components}} is recovering. We are monitoring the results and will confirm " +
      "once everything has been stable for a while.",
  },
  {
    name: "Resolved",
    title: "Resolved: {{component}}",
    status: "resolved",
    notify: true,
    body:
      "This incident is resolved: {{components}} has been working normally since {{time}}. Thank you for your " +
      "patience. If you still see problems, please contact support.",
  },
];

/** Short manual state changes with no incident behind them, as operators make them. */
export const BLIPS: { daysAgo: number; time: string; key: Key; status: ComponentStatus; minutes: number }[] = [
  { daysAgo: 74, time: "03:00", key: "backups", status: "degraded_performance", minutes: 180 },
  { daysAgo: 33, time: "16:20", key: "storage", status: "degraded_performance", minutes: 40 },
  { daysAgo: 9, time: "08:45", key: "api", status: "degraded_performance", minutes: 25 },
];

/** Maintenance windows, relative to now: one done, one running, one coming up. */
export const MAINTENANCES: {
  name: string;
  keys: Key[];
  /** When it was announced and its window, as offsets from now in minutes. */
  announced: number;
  window: [number, number];
  updates: { at: number; status: "in_progress" | "verifying" | "completed"; body: string }[];
  body: string;
}[] = [
  {
    name: "Primary database version upgrade",
    keys: ["db", "backups"],
    announced: -47 * 24 * 60,
    window: [-40 * 24 * 60, -40 * 24 * 60 + 90],
    body:
      "We will upgrade the primary database clusters to a new minor version. Writes may pause for up to 30 " +
      "seconds per cluster during the switchover; reads are not affected.",
    updates: [
      {
        at: -40 * 24 * 60,
        status: "in_progress",
        body: "The upgrade has started. Clusters are being switched over one at a time.",
      },
      {
        at: -40 * 24 * 60 + 70,
        status: "verifying",
        body: "All clusters run the new version. We are verifying replication and backups.",
      },
      {
        at: -40 * 24 * 60 + 85,
        status: "completed",
        body: "The upgrade is complete. The longest write pause was 12 seconds.",
      },
    ],
  },
  {
    name: "Backup storage migration",
    keys: ["backups"],
    announced: -3 * 24 * 60,
    window: [-40, 80],
    body:
      "We are moving backup snapshots to new storage. New snapshots are paused during the window and resume " +
      "right after; existing backups stay available for restores.",
    updates: [
      {
        at: -40,
        status: "in_progress",
        body: "The migration has started. Snapshot creation is paused until it completes.",
      },
    ],
  },
  {
    name: "Network maintenance in the EU region",
    keys: ["api", "dashboard"],
    announced: -24 * 60,
    window: [4 * 24 * 60, 4 * 24 * 60 + 120],
    body:
      "Our network provider will replace core routers in the EU region. Connections may be interrupted briefly " +
      "and then re-established; no downtime is expected.",
    updates: [],
  },
];

/** Subscribers added by the operator, confirmed already (the demo sends no confirmation email). */
export const SUBSCRIBERS: { email: string; keys: Key[] }[] = [
  { email: "oncall@example.com", keys: [] },
  { email: "cto@example.com", keys: [] },
  { email: "integrations-team@example.com", keys: ["webhooks", "slack", "email"] },
  { email: "data-platform@example.com", keys: ["db", "search", "backups"] },
  { email: "billing-ops@example.com", keys: ["billing"] },
];
