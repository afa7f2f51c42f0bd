import { render } from "@react-email/render";
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { COMPONENT_STATUS_LABELS, INCIDENT_STATUS_LABELS, type NotificationKind } from "@/db/constants";
import {
  component,
  delivery,
  incident,
  incidentUpdate,
  incidentUpdateComponent,
  notification,
  page,
  subscriber,
  subscriberComponent,
  subscriberIncident,
  type Incident,
  type Notification,
  type Page,
} from "@/db/schema";
import { loadComponentEvent } from "../channels/event";
import { componentChangeLine, componentTitle } from "../channels/types";
import { ConfirmSubscriptionEmail, type ConfirmScope } from "../email/templates/confirm-subscription";
import { IncidentUpdateEmail } from "../email/templates/incident-update";
import type { Branding } from "../email/templates/layout";
import { headerSafe } from "../email/types";
import { newToken } from "../ids";
import { listComponentSections } from "../components/order";
import { eventAudiences } from "../audiences/notify";
import { ANONYMOUS, publishedUpdate, scopeFor } from "../public/visibility";
import { formatDateTime } from "../time/format";
import { publicBaseUrl } from "../public/page";
import { renderIncidentEmail, type IncidentEmailInput } from "./incident-email";

export interface RenderedNotification {
  subject: string;
  html: string;
  text: string;
  nonce: string;
}

/** Per-recipient values substituted into the once-rendered bodies. */
export interface Recipient {
  email: string;
  manageUrl: string;
  unsubscribeUrl: string;
  confirmUrl: string;
}

const SLOTS = ["EMAIL", "MANAGE", "UNSUBSCRIBE", "CONFIRM"] as const;
type Slot = (typeof SLOTS)[number];
const slot = (nonce: string, name: Slot) => `HERALD-${nonce}-${name}`;
// Matches every slot, capturing its name. Nonces are alphanumeric (ensureRendered), so safe in a pattern.
const anySlot = (nonce: string) => new RegExp(`HERALD-${nonce}-(${SLOTS.join("|")})`, "g");

/**
 * Renders a notification's subject, HTML and text once and stores them on the
 * row, so retries (and other workers) send byte-identical requests under the
 * same idempotency key. Recipient-specific parts are placeholders with a
 * random nonce, so admin-written text can never collide with them.
 */
export async function ensureRendered(db: Db, n: Notification, baseUrl: string): Promise<RenderedNotification> {
  if (n.renderedHtml && n.renderedText && n.renderedSubject && n.renderNonce)
    return { subject: n.renderedSubject, html: n.renderedHtml, text: n.renderedText, nonce: n.renderNonce };
  const nonce = newToken()
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(0, 16);
  const fresh = await renderFresh(db, n, baseUrl, nonce);
  // Two workers may render at once: the first write wins and both use it.
  await db.transaction((tx) =>
    tx
      .update(notification)
      .set({ renderedSubject: fresh.subject, renderedHtml: fresh.html, renderedText: fresh.text, renderNonce: nonce })
      .where(and(eq(notification.id, n.id), isNull(notification.renderedHtml))),
  );
  const stored = (await db.query.notification.findFirst({ where: eq(notification.id, n.id) }))!;
  return {
    subject: stored.renderedSubject!,
    html: stored.renderedHtml!,
    text: stored.renderedText!,
    nonce: stored.renderNonce!,
  };
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function personalize(r: RenderedNotification, to: Recipient): { subject: string; html: string; text: string } {
  const values: Record<Slot, string> = {
    EMAIL: to.email,
    MANAGE: to.manageUrl,
    UNSUBSCRIBE: to.unsubscribeUrl,
    CONFIRM: to.confirmUrl,
  };
  // One pass per body (the worker runs this for every recipient), and a
  // function replacer so a "$&" in a value is inserted literally.
  const slots = anySlot(r.nonce);
  return {
    subject: r.subject,
    html: r.html.replace(slots, (_, name: Slot) => escapeHtml(values[name])),
    text: r.text.replace(slots, (_, name: Slot) => values[name]),
  };
}

type Slots = { recipient: string; manageUrl: string; unsubscribeUrl: string };
interface RenderEnv {
  db: Tx;
  n: Notification;
  page: Page;
  root: string;
  brand: Branding;
  slots: Slots;
  confirmUrl: string;
}
type Rendered = { subject: string; html: string; text: string };

/**
 * How each notification kind is rendered. A Record over NOTIFICATION_KINDS, so
 * a kind added to db/constants.ts does not compile until it has a renderer
 * (and tests/email/every-kind.test.ts fails until it is driven end to end).
 */
const RENDERERS: Record<NotificationKind, (r: RenderEnv) => Promise<Rendered>> = {
  subscription_confirmation: renderConfirmation,
  incident_created: renderUpdate,
  incident_updated: renderUpdate,
  incident_resolved: renderUpdate,
  maintenance_scheduled: renderUpdate,
  maintenance_started: renderUpdate,
  maintenance_completed: renderUpdate,
  maintenance_reminder: renderReminder,
  postmortem_published: renderPostmortem,
  component_updated: renderComponentUpdate,
};

async function renderFresh(db: Tx, n: Notification, baseUrl: string, nonce: string): Promise<Rendered> {
  const p = await db.query.page.findFirst({ where: eq(page.id, n.pageId) });
  if (!p) throw new Error(`notification ${n.id}: page ${n.pageId} not found`);
  const root = publicBaseUrl(p, baseUrl);
  const brand: Branding = { pageName: p.name, pageUrl: root, brandColor: p.brandColor, logoUrl: p.logoUrl };
  const slots = {
    recipient: slot(nonce, "EMAIL"),
    manageUrl: slot(nonce, "MANAGE"),
    unsubscribeUrl: slot(nonce, "UNSUBSCRIBE"),
  };
  return RENDERERS[n.kind]({ db, n, page: p, root, brand, slots, confirmUrl: slot(nonce, "CONFIRM") });
}

/**
 * The confirmation names what the subscriber chose. Bodies are rendered once
 * per notification, but a confirmation notification has exactly one delivery
 * (enqueueConfirmation), so its recipient's scope can be rendered into it.
 */
async function renderConfirmation({ db, n, page: p, brand, slots, confirmUrl }: RenderEnv): Promise<Rendered> {
  const el = (
    <ConfirmSubscriptionEmail brand={brand} confirmUrl={confirmUrl} scope={await confirmationScope(db, n)} {...slots} />
  );
  return {
    subject: headerSafe(`Confirm your subscription to ${p.name}`),
    html: await render(el),
    text: await render(el, { plainText: true }),
  };
}

async function confirmationScope(db: Tx, n: Notification): Promise<ConfirmScope> {
  const recipients = await db
    .select({ subscriberId: delivery.subscriberId })
    .from(delivery)
    .where(eq(delivery.notificationId, n.id));
  if (recipients.length !== 1)
    throw new Error(
      `notification ${n.id} (${n.kind}): a confirmation needs exactly one recipient, found ${recipients.length}`,
    );
  const [{ subscriberId }] = recipients;
  const sub = await db.query.subscriber.findFirst({ where: eq(subscriber.id, subscriberId) });
  if (!sub) throw new Error(`notification ${n.id} (${n.kind}): subscriber ${subscriberId} not found`);
  // In the page's order, and only what the public sees: a component hidden or deleted since is not named.
  const chosen = new Set(
    (
      await db
        .select({ id: subscriberComponent.componentId })
        .from(subscriberComponent)
        .where(eq(subscriberComponent.subscriberId, sub.id))
    ).map((r) => r.id),
  );
  const components = (await listComponentSections(db, n.pageId, { audience: "public" }))
    .flatMap((s) => s.components)
    .filter((c) => chosen.has(c.id));
  const incidents = await db
    .select({ name: incident.name })
    .from(subscriberIncident)
    .innerJoin(incident, eq(incident.id, subscriberIncident.incidentId))
    .where(eq(subscriberIncident.subscriberId, sub.id))
    .orderBy(asc(subscriberIncident.createdAt), asc(incident.id));
  return {
    incidentOnly: sub.incidentOnly,
    components: components.map((c) => c.name),
    incidents: incidents.map((i) => i.name),
  };
}

/** The incident (or maintenance) a notification is about; every kind but the confirmation has one. */
async function incidentOf({ db, n }: RenderEnv): Promise<Incident> {
  const inc = n.incidentId ? await db.query.incident.findFirst({ where: eq(incident.id, n.incidentId) }) : undefined;
  if (!inc) throw new Error(`notification ${n.id} (${n.kind}): incident ${n.incidentId ?? "(none)"} not found`);
  return inc;
}

/**
 * Components named in one update, or (without one) each component's latest state across the incident's published
 * updates.
 */
async function affectedOf(db: Tx, inc: Incident, by: { updateId: string } | { incidentId: string }) {
  const rows = await db
    .select({
      id: component.id,
      name: component.name,
      groupId: component.groupId,
      status: incidentUpdateComponent.newStatus,
      hidden: component.hidden,
      at: incidentUpdate.displayAt,
    })
    .from(incidentUpdateComponent)
    .innerJoin(component, eq(component.id, incidentUpdateComponent.componentId))
    .innerJoin(incidentUpdate, eq(incidentUpdate.id, incidentUpdateComponent.incidentUpdateId))
    .where(
      "updateId" in by
        ? eq(incidentUpdate.id, by.updateId)
        : and(eq(incidentUpdate.incidentId, by.incidentId), publishedUpdate),
    )
    .orderBy(asc(incidentUpdate.displayAt), asc(incidentUpdate.id), asc(component.position));
  // One body goes to every recipient (issue 13): it names the components anonymous readers may see, or, for an
  // incident restricted to exactly one audience, what that audience may see; restricted ones of others never.
  const own = await eventAudiences(db, inc.id, []);
  const scope = await scopeFor(db, inc.pageId, own?.length === 1 ? { audiences: own } : ANONYMOUS);
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows)
    if (!scope.hiddenComponents.has(r.id) && !(r.groupId !== null && scope.hiddenGroups.has(r.groupId)))
      latest.set(r.id, r);
  return [...latest.values()];
}

function emailOf(
  r: RenderEnv,
  inc: Incident,
  rest: Pick<IncidentEmailInput, "label" | "body" | "at" | "affected"> & { when?: string },
) {
  return renderIncidentEmail({
    page: r.page,
    root: r.root,
    kind: inc.kind,
    incidentId: inc.id,
    incidentName: inc.name,
    ...r.slots,
    ...rest,
  });
}

async function renderUpdate(r: RenderEnv): Promise<Rendered> {
  const inc = await incidentOf(r);
  const upd = r.n.incidentUpdateId
    ? await r.db.query.incidentUpdate.findFirst({ where: eq(incidentUpdate.id, r.n.incidentUpdateId) })
    : undefined;
  if (!upd)
    throw new Error(
      `notification ${r.n.id} (${r.n.kind}): incident update ${r.n.incidentUpdateId ?? "(none)"} not found`,
    );
  const affected = await affectedOf(r.db, inc, { updateId: upd.id });
  return emailOf(r, inc, { label: INCIDENT_STATUS_LABELS[upd.status], body: upd.body, at: upd.displayAt, affected });
}

/** Before the window: what was announced, and when it runs, in the page's zone. */
async function renderReminder(r: RenderEnv): Promise<Rendered> {
  const inc = await incidentOf(r);
  const [announcement] = await r.db
    .select()
    .from(incidentUpdate)
    .where(and(eq(incidentUpdate.incidentId, inc.id), publishedUpdate))
    .orderBy(asc(incidentUpdate.displayAt), asc(incidentUpdate.id))
    .limit(1);
  const start = inc.scheduledFor ?? inc.startedAt;
  const tz = r.page.timeZone;
  const when =
    inc.scheduledFor && inc.scheduledUntil
      ? `${formatDateTime(inc.scheduledFor, tz)} – ${formatDateTime(inc.scheduledUntil, tz)}`
      : undefined;
  const affected = await affectedOf(r.db, inc, { incidentId: inc.id });
  return emailOf(r, inc, { label: "Reminder", body: announcement?.body ?? "", at: start, when, affected });
}

async function renderPostmortem(r: RenderEnv): Promise<Rendered> {
  const inc = await incidentOf(r);
  if (!inc.postmortemBody || !inc.postmortemPublishedAt)
    throw new Error(`notification ${r.n.id}: the postmortem of ${inc.id} is not published`);
  const affected = await affectedOf(r.db, inc, { incidentId: inc.id });
  return emailOf(r, inc, { label: "Postmortem", body: inc.postmortemBody, at: inc.postmortemPublishedAt, affected });
}

/** A component status change: the same layout as an incident email, headed "Component status", linking the page. */
async function renderComponentUpdate(r: RenderEnv): Promise<Rendered> {
  const ev = await loadComponentEvent(r.db, r.n, r.root);
  const title = componentTitle(ev);
  const line = componentChangeLine(ev);
  const el = (
    <IncidentUpdateEmail
      brand={r.brand}
      kindLabel="Component status"
      incidentName={title}
      statusLabel={COMPONENT_STATUS_LABELS[ev.component_update.new_status]}
      bodyHtml={`<p>${escapeHtml(`${title}: ${line}.`)}</p>`}
      bodyText={`${title}: ${line}.`}
      displayAt={formatDateTime(new Date(ev.component_update.created_at), r.page.timeZone)}
      affected={[]}
      incidentUrl={r.root}
      {...r.slots}
    />
  );
  return {
    subject: headerSafe(`[${r.page.name}] ${title}: ${line}`, 250),
    html: await render(el),
    text: await render(el, { plainText: true }),
  };
}
