import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { CHANNEL_EVENTS, type ChannelEvent, DEFAULT_EMAIL_EVENTS } from "@/db/constants";
import {
  component,
  delivery,
  incident,
  notification,
  subscriber,
  subscriberComponent,
  subscriberIncident,
  type Subscriber,
} from "@/db/schema";
import type { PublicCtx } from "../context";
import { Id, newId } from "../ids";
import { ValidationError } from "../errors";
import { pruneCounters } from "../limits/counters";
import { publishedIncident, publishedIncidentOn } from "../public/visibility";
import { takeSubscribeAllowance, type SubscribeLimits } from "./limits";
import { hashToken, isWellFormedToken, issueToken } from "./tokens";
import { mayReadPage } from "../viewers/access";
import { mayHearOfIncident } from "../audiences/notify";

/** What the public subscription flows need besides the database and clock. */
export interface SubscriptionConfig {
  /** HERALD_SECRET: encrypts link tokens for the worker (tokens.ts). */
  secret: string;
  limits: SubscribeLimits;
}

/** A pending confirmation link stops working after a week. */
export const CONFIRM_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const Email = z
  .string()
  .trim()
  .max(254, "At most 254 characters")
  .pipe(z.email({ error: "Enter a valid email address" }))
  .transform((e) => e.toLowerCase());

export const SubscribeInput = z.object({
  email: Email,
  componentIds: z.array(Id).max(500).default([]),
  /** Which events to receive; none = DEFAULT_EMAIL_EVENTS (emailEvents). */
  events: z.array(z.enum(CHANNEL_EVENTS)).max(CHANNEL_EVENTS.length).default([]),
  /** The hidden form field a person never fills in. */
  honeypot: z.string().max(1000).optional(),
  ip: z.string().max(100).default("unknown"),
});
export type SubscribeInput = z.input<typeof SubscribeInput>;

/**
 * The outcome is for tests and logs only: the HTTP answer is the same for
 * every one of them, so a caller cannot learn whether an address is known.
 */
export type SubscribeOutcome = "confirmation_queued" | "already_active" | "suppressed" | "limited" | "honeypot";

/**
 * Public double opt-in. Everything happens in one transaction whose first
 * statement writes (taking SQLite's write lock), then the abuse limits are
 * checked and counted before anything else is written or queued. The
 * confirmation email itself is an outbox row the worker sends; its token is
 * never part of the response.
 */
export async function subscribe(
  ctx: PublicCtx,
  pageId: string,
  input: SubscribeInput,
  cfg: SubscriptionConfig,
): Promise<SubscribeOutcome> {
  const data = parsePublic(SubscribeInput, input);
  if (data.honeypot) return "honeypot";
  const componentIds = await validComponentIds(ctx.db, pageId, data.componentIds);
  return withAllowance(ctx, pageId, data, cfg, async (tx, existing, now) => {
    if (existing.some((s) => s.state === "active")) return "already_active";
    const pending = existing.find((s) => s.state === "unconfirmed");
    // Asking for the whole page turns a pending "follow this incident" into a full subscription.
    const id = pending
      ? await renewConfirmation(tx, pending.id, cfg.secret, now, { incidentOnly: false })
      : await insertPending(tx, pageId, data.email, cfg.secret, now, false);
    await setScope(tx, id, componentIds);
    await tx
      .update(subscriber)
      .set({ events: emailEvents(data.events) })
      .where(eq(subscriber.id, id));
    await enqueueConfirmation(tx, pageId, id, now);
    return "confirmation_queued";
  });
}

/** An email subscription's event choice: what was ticked, in CHANNEL_EVENTS order; nothing ticked = the default. */
export function emailEvents(chosen: readonly ChannelEvent[]): ChannelEvent[] {
  const set = new Set(chosen);
  return set.size ? CHANNEL_EVENTS.filter((e) => set.has(e)) : [...DEFAULT_EMAIL_EVENTS];
}

export const FollowIncidentInput = SubscribeInput.omit({ componentIds: true, events: true }).extend({ incidentId: Id });
export type FollowIncidentInput = z.input<typeof FollowIncidentInput>;

/** As SubscribeOutcome, for tests and logs only; the HTTP answer is always the same. */
export type FollowOutcome = SubscribeOutcome | "following" | "no_incident";

/**
 * "Follow this incident" from the public incident page, under the same abuse
 * limits and with the same identical answer as subscribe(). An active
 * subscriber just gains the incident (its updates then reach them whatever
 * their component scope). Anyone else gets a double opt-in confirmation; a new
 * address becomes an incident-only subscriber who hears about the followed
 * incidents and nothing else.
 */
export async function followIncident(
  ctx: PublicCtx,
  pageId: string,
  input: FollowIncidentInput,
  cfg: SubscriptionConfig,
): Promise<FollowOutcome> {
  const data = parsePublic(FollowIncidentInput, input);
  if (data.honeypot) return "honeypot";
  // Only what the public can see: published incidents of this page.
  const inc = await ctx.db.query.incident.findFirst({
    where: and(eq(incident.id, data.incidentId), publishedIncidentOn(pageId)),
  });
  // One restricted to audiences is theirs: to anyone else it does not exist (its name is in the confirmation email).
  if (!inc || !(await mayHearOfIncident(ctx.db, inc.id, data.email))) return "no_incident";
  return withAllowance<FollowOutcome>(ctx, pageId, data, cfg, async (tx, existing, now) => {
    const active = existing.find((s) => s.state === "active");
    if (active) {
      await follow(tx, active.id, inc.id, now);
      return "following";
    }
    const pending = existing.find((s) => s.state === "unconfirmed");
    const id = pending
      ? await renewConfirmation(tx, pending.id, cfg.secret, now, {})
      : await insertPending(tx, pageId, data.email, cfg.secret, now, true);
    await follow(tx, id, inc.id, now);
    await enqueueConfirmation(tx, pageId, id, now);
    return "confirmation_queued";
  });
}

function parsePublic<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw new ValidationError("Enter a valid email address", { email: ["Enter a valid email address"] });
  return parsed.data;
}

/**
 * The transaction shared by the public sign-up flows: lock, count against the
 * limits, then hand the address's live rows to `body`. Quarantined addresses
 * are not mailed again through a public form.
 */
async function withAllowance<T extends string>(
  ctx: PublicCtx,
  pageId: string,
  data: { email: string; ip: string },
  cfg: SubscriptionConfig,
  body: (tx: Tx, existing: Subscriber[], now: Date) => Promise<T>,
): Promise<T | "limited" | "suppressed"> {
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    await pruneCounters(tx, now);
    if (await takeSubscribeAllowance(tx, cfg.limits, data.email, data.ip, now)) return "limited";
    // A private page's updates go only to addresses that may read it (issue 13); same answer, no email.
    if (!(await mayReadPage(tx, pageId, data.email))) return "suppressed";
    const existing = await tx
      .select()
      .from(subscriber)
      .where(
        and(
          eq(subscriber.pageId, pageId),
          sql`lower(${subscriber.email}) = ${data.email}`,
          inArray(subscriber.state, ["unconfirmed", "active", "quarantined"]),
        ),
      )
      .all();
    if (!existing.some((s) => s.state === "active") && existing.some((s) => s.state === "quarantined"))
      return "suppressed";
    return body(tx, existing, now);
  });
}

/** A new confirmation link for a pending row (the old one stops working). */
async function renewConfirmation(
  tx: Tx,
  id: string,
  secret: string,
  now: Date,
  set: { incidentOnly?: boolean },
): Promise<string> {
  const confirm = issueToken(secret);
  await tx
    .update(subscriber)
    .set({ ...set, confirmTokenHash: confirm.hash, confirmTokenEnc: confirm.enc, updatedAt: now })
    .where(eq(subscriber.id, id));
  return id;
}

async function insertPending(
  tx: Tx,
  pageId: string,
  email: string,
  secret: string,
  now: Date,
  incidentOnly: boolean,
): Promise<string> {
  const id = newId();
  const confirm = issueToken(secret);
  const manage = issueToken(secret);
  await tx.insert(subscriber).values({
    id,
    pageId,
    email,
    state: "unconfirmed",
    incidentOnly,
    confirmTokenHash: confirm.hash,
    confirmTokenEnc: confirm.enc,
    manageTokenHash: manage.hash,
    manageTokenEnc: manage.enc,
    createdAt: now,
    updatedAt: now,
  });
  return id;
}

async function follow(tx: Tx, subscriberId: string, incidentId: string, now: Date): Promise<void> {
  await tx.insert(subscriberIncident).values({ subscriberId, incidentId, createdAt: now }).onConflictDoNothing();
}

/** One subscription_confirmation notification with its single delivery. */
export async function enqueueConfirmation(tx: Tx, pageId: string, subscriberId: string, now: Date): Promise<void> {
  const notificationId = newId();
  await tx
    .insert(notification)
    .values({ id: notificationId, pageId, kind: "subscription_confirmation", createdAt: now });
  await tx
    .insert(delivery)
    .values({ id: newId(), notificationId, subscriberId, status: "pending", nextAttemptAt: now, createdAt: now });
}

export async function setScope(tx: Tx, subscriberId: string, componentIds: readonly string[]): Promise<void> {
  await tx.delete(subscriberComponent).where(eq(subscriberComponent.subscriberId, subscriberId));
  if (componentIds.length)
    await tx.insert(subscriberComponent).values(componentIds.map((componentId) => ({ subscriberId, componentId })));
}

/** Unknown, deleted or hidden components are dropped: the form offers only public ones. */
export async function validComponentIds(db: Tx, pageId: string, ids: readonly string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db
    .select({ id: component.id })
    .from(component)
    .where(
      and(
        eq(component.pageId, pageId),
        inArray(component.id, [...new Set(ids)]),
        isNull(component.deletedAt),
        eq(component.hidden, false),
      ),
    );
  return rows.map((r) => r.id);
}

async function findByToken(
  db: Tx,
  pageId: string,
  column: "confirm" | "manage",
  token: unknown,
): Promise<Subscriber | undefined> {
  if (!isWellFormedToken(token)) return undefined;
  const col = column === "confirm" ? subscriber.confirmTokenHash : subscriber.manageTokenHash;
  // Scoped to the page: a token from another page's email finds nothing here.
  return db.query.subscriber.findFirst({ where: and(eq(col, hashToken(token)), eq(subscriber.pageId, pageId)) });
}

export interface SubscriptionView {
  email: string;
  state: Subscriber["state"];
  componentIds: string[];
  events: ChannelEvent[];
  paused: boolean;
  /** Only the followed incidents' updates (a "follow this incident" sign-up). */
  incidentOnly: boolean;
  /** Names of the followed incidents that are public. */
  following: string[];
}

/** For the GET pages: shows what a link is for without changing anything. */
export async function viewByConfirmToken(
  ctx: PublicCtx,
  pageId: string,
  token: unknown,
): Promise<SubscriptionView | null> {
  const s = await findByToken(ctx.db, pageId, "confirm", token);
  if (s?.state !== "unconfirmed" || ctx.now().getTime() - s.updatedAt.getTime() > CONFIRM_TTL_MS) return null;
  return view(ctx.db, s);
}

export async function viewByManageToken(
  ctx: PublicCtx,
  pageId: string,
  token: unknown,
): Promise<SubscriptionView | null> {
  const s = await findByToken(ctx.db, pageId, "manage", token);
  return s ? view(ctx.db, s) : null;
}

async function view(db: Tx, s: Subscriber): Promise<SubscriptionView> {
  const scope = await db
    .select({ id: subscriberComponent.componentId })
    .from(subscriberComponent)
    .where(eq(subscriberComponent.subscriberId, s.id));
  const followed = await db
    .select({ name: incident.name })
    .from(subscriberIncident)
    .innerJoin(incident, eq(incident.id, subscriberIncident.incidentId))
    .where(and(eq(subscriberIncident.subscriberId, s.id), publishedIncident))
    .orderBy(subscriberIncident.createdAt);
  return {
    email: s.email,
    state: s.state,
    componentIds: scope.map((r) => r.id),
    events: s.events,
    paused: s.pausedAt !== null,
    incidentOnly: s.incidentOnly,
    following: followed.map((r) => r.name),
  };
}

/** POST only. Returns the manage token's view on success, null for a bad or used link. */
export async function confirmSubscription(ctx: PublicCtx, pageId: string, token: unknown): Promise<boolean> {
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const s = await findByToken(tx, pageId, "confirm", token);
    if (s?.state !== "unconfirmed" || now.getTime() - s.updatedAt.getTime() > CONFIRM_TTL_MS) return false;
    await tx
      .update(subscriber)
      .set({ state: "active", confirmedAt: now, confirmTokenHash: null, confirmTokenEnc: null, updatedAt: now })
      .where(and(eq(subscriber.id, s.id), eq(subscriber.state, "unconfirmed")));
    return true;
  });
}

/**
 * POST only (the page's button or an RFC 8058 one-click POST). Idempotent:
 * repeating it, or using it on an already-unsubscribed row, is a success.
 */
export async function unsubscribeByToken(ctx: PublicCtx, pageId: string, token: unknown): Promise<boolean> {
  const now = ctx.now();
  const s = await findByToken(ctx.db, pageId, "manage", token);
  if (!s) return false;
  if (s.state === "active" || s.state === "unconfirmed") {
    await ctx.db
      .update(subscriber)
      .set({
        state: "unsubscribed",
        unsubscribedAt: now,
        confirmTokenHash: null,
        confirmTokenEnc: null,
        updatedAt: now,
      })
      .where(eq(subscriber.id, s.id));
  }
  return true;
}

/**
 * Changes the component choice (empty = everything) and the event choice
 * (empty = the default) of an active or pending subscription. Saving preferences is asking for page-wide updates, so an
 * incident-only follower becomes a full subscriber (the manage token proves
 * the address is theirs).
 */
export async function updatePreferencesByToken(
  ctx: PublicCtx,
  pageId: string,
  token: unknown,
  componentIds: string[],
  events: readonly string[] = [],
): Promise<boolean> {
  const s = await findByToken(ctx.db, pageId, "manage", token);
  if (!s || (s.state !== "active" && s.state !== "unconfirmed")) return false;
  const ids = await validComponentIds(ctx.db, pageId, componentIds);
  // Unknown values are dropped like unknown components: the form offers only CHANNEL_EVENTS.
  const chosen = emailEvents(CHANNEL_EVENTS.filter((e) => events.includes(e)));
  await ctx.db.transaction(async (tx) => {
    await setScope(tx, s.id, ids);
    await tx
      .update(subscriber)
      .set({ incidentOnly: false, events: chosen, updatedAt: ctx.now() })
      .where(eq(subscriber.id, s.id));
  });
  return true;
}

/** Pause or resume an active subscription from the manage page (POST only). Repeating either is a success. */
export async function setPausedByToken(
  ctx: PublicCtx,
  pageId: string,
  token: unknown,
  paused: boolean,
): Promise<boolean> {
  const s = await findByToken(ctx.db, pageId, "manage", token);
  if (s?.state !== "active") return false;
  const now = ctx.now();
  await ctx.db
    .update(subscriber)
    .set({ pausedAt: paused ? (s.pausedAt ?? now) : null, updatedAt: now })
    .where(eq(subscriber.id, s.id));
  return true;
}
