import { render } from "@react-email/render";
import { and, eq, isNull } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { component, incident, incidentUpdate, incidentUpdateComponent, notification, page, type Notification } from "@/db/schema";
import { ConfirmSubscriptionEmail } from "../email/templates/confirm-subscription";
import type { Branding } from "../email/templates/layout";
import { headerSafe } from "../email/types";
import { newToken } from "../ids";
import { publicBaseUrl } from "../public/loaders";
import { renderIncidentEmail } from "./incident-email";

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
  const nonce = newToken().replace(/[^A-Za-z0-9]/g, "").slice(0, 16);
  const fresh = await renderFresh(db, n, baseUrl, nonce);
  // Two workers may render at once: the first write wins and both use it.
  await db.transaction((tx) =>
    tx
      .update(notification)
      .set({ renderedSubject: fresh.subject, renderedHtml: fresh.html, renderedText: fresh.text, renderNonce: nonce })
      .where(and(eq(notification.id, n.id), isNull(notification.renderedHtml))),
  );
  const stored = (await db.query.notification.findFirst({ where: eq(notification.id, n.id) }))!;
  return { subject: stored.renderedSubject!, html: stored.renderedHtml!, text: stored.renderedText!, nonce: stored.renderNonce! };
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function personalize(r: RenderedNotification, to: Recipient): { subject: string; html: string; text: string } {
  const values: Record<Slot, string> = { EMAIL: to.email, MANAGE: to.manageUrl, UNSUBSCRIBE: to.unsubscribeUrl, CONFIRM: to.confirmUrl };
  // One pass per body (the worker runs this for every recipient), and a
  // function replacer so a "$&" in a value is inserted literally.
  const slots = anySlot(r.nonce);
  return {
    subject: r.subject,
    html: r.html.replace(slots, (_, name: Slot) => escapeHtml(values[name])),
    text: r.text.replace(slots, (_, name: Slot) => values[name]),
  };
}

async function renderFresh(db: Tx, n: Notification, baseUrl: string, nonce: string) {
  const p = (await db.query.page.findFirst({ where: eq(page.id, n.pageId) }))!;
  const root = publicBaseUrl(p, baseUrl);
  const brand: Branding = { pageName: p.name, pageUrl: root, brandColor: p.brandColor, logoUrl: p.logoUrl };
  const slots = { recipient: slot(nonce, "EMAIL"), manageUrl: slot(nonce, "MANAGE"), unsubscribeUrl: slot(nonce, "UNSUBSCRIBE") };
  if (n.kind === "subscription_confirmation") {
    const el = <ConfirmSubscriptionEmail brand={brand} confirmUrl={slot(nonce, "CONFIRM")} {...slots} />;
    return { subject: headerSafe(`Confirm your subscription to ${p.name}`), html: await render(el), text: await render(el, { plainText: true }) };
  }
  const inc = (await db.query.incident.findFirst({ where: eq(incident.id, n.incidentId!) }))!;
  const upd = (await db.query.incidentUpdate.findFirst({ where: eq(incidentUpdate.id, n.incidentUpdateId!) }))!;
  const affected = await db
    .select({ name: component.name, status: incidentUpdateComponent.newStatus, hidden: component.hidden })
    .from(incidentUpdateComponent)
    .innerJoin(component, eq(component.id, incidentUpdateComponent.componentId))
    .where(eq(incidentUpdateComponent.incidentUpdateId, upd.id));
  return renderIncidentEmail({
    page: p,
    root,
    kind: inc.kind,
    incidentId: inc.id,
    incidentName: inc.name,
    status: upd.status,
    body: upd.body,
    displayAt: upd.displayAt,
    affected,
    recipient: slots.recipient,
    manageUrl: slots.manageUrl,
    unsubscribeUrl: slots.unsubscribeUrl,
  });
}
