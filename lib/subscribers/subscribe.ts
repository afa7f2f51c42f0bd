import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "@/db/client";
import { component, delivery, notification, subscriber, subscriberComponent, type Subscriber } from "@/db/schema";
import { newId } from "../ids";
import { ValidationError } from "../errors";
import { pruneSubscribeLimits, takeSubscribeAllowance, type SubscribeLimits } from "./limits";
import { hashToken, isWellFormedToken, issueToken } from "./tokens";

/** What the public subscription flows need besides the database and clock. */
export interface SubscriptionConfig {
  /** HERALD_SECRET: encrypts link tokens for the worker (tokens.ts). */
  secret: string;
  limits: SubscribeLimits;
}

export interface PublicCtx {
  db: Db;
  now: () => Date;
}

/** A pending confirmation link stops working after a week. */
export const CONFIRM_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const Email = z
  .string()
  .trim()
  .max(254, "At most 254 characters")
  .pipe(z.email({ error: "Enter a valid email address" }))
  .transform((e) => e.toLowerCase());

const Id = z.string().regex(/^[0-9a-z]{1,32}$/, "Malformed id");

export const SubscribeInput = z.object({
  email: Email,
  componentIds: z.array(Id).max(500).default([]),
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
export async function subscribe(ctx: PublicCtx, pageId: string, input: SubscribeInput, cfg: SubscriptionConfig): Promise<SubscribeOutcome> {
  const parsed = SubscribeInput.safeParse(input);
  if (!parsed.success) throw new ValidationError("Enter a valid email address", { email: ["Enter a valid email address"] });
  const data = parsed.data;
  const now = ctx.now();
  if (data.honeypot) return "honeypot";
  const componentIds = await validComponentIds(ctx.db, pageId, data.componentIds);
  return ctx.db.transaction(async (tx) => {
    await pruneSubscribeLimits(tx, now);
    if (await takeSubscribeAllowance(tx, cfg.limits, data.email, data.ip, now)) return "limited";
    const existing = await tx
      .select()
      .from(subscriber)
      .where(and(eq(subscriber.pageId, pageId), sql`lower(${subscriber.email}) = ${data.email}`, inArray(subscriber.state, ["unconfirmed", "active", "quarantined"])))
      .all();
    if (existing.some((s) => s.state === "active")) return "already_active";
    // A bounced or complaining address is not mailed again through the public form.
    if (existing.some((s) => s.state === "quarantined")) return "suppressed";
    const pending = existing.find((s) => s.state === "unconfirmed");
    const confirm = issueToken(cfg.secret);
    let id: string;
    if (pending) {
      id = pending.id;
      await tx
        .update(subscriber)
        .set({ confirmTokenHash: confirm.hash, confirmTokenEnc: confirm.enc, updatedAt: now })
        .where(eq(subscriber.id, id));
    } else {
      id = newId();
      const manage = issueToken(cfg.secret);
      await tx.insert(subscriber).values({
        id,
        pageId,
        email: data.email,
        state: "unconfirmed",
        confirmTokenHash: confirm.hash,
        confirmTokenEnc: confirm.enc,
        manageTokenHash: manage.hash,
        manageTokenEnc: manage.enc,
        createdAt: now,
        updatedAt: now,
      });
    }
    await setScope(tx, id, componentIds);
    await enqueueConfirmation(tx, pageId, id, now);
    return "confirmation_queued";
  });
}

/** One subscription_confirmation notification with its single delivery. */
export async function enqueueConfirmation(tx: Tx, pageId: string, subscriberId: string, now: Date): Promise<void> {
  const notificationId = newId();
  await tx.insert(notification).values({ id: notificationId, pageId, kind: "subscription_confirmation", createdAt: now });
  await tx.insert(delivery).values({ id: newId(), notificationId, subscriberId, status: "pending", nextAttemptAt: now, createdAt: now });
}

export async function setScope(tx: Tx, subscriberId: string, componentIds: readonly string[]): Promise<void> {
  await tx.delete(subscriberComponent).where(eq(subscriberComponent.subscriberId, subscriberId));
  if (componentIds.length) await tx.insert(subscriberComponent).values(componentIds.map((componentId) => ({ subscriberId, componentId })));
}

/** Unknown, deleted or hidden components are dropped: the form offers only public ones. */
export async function validComponentIds(db: Tx, pageId: string, ids: readonly string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db
    .select({ id: component.id })
    .from(component)
    .where(and(eq(component.pageId, pageId), inArray(component.id, [...new Set(ids)]), isNull(component.deletedAt), eq(component.hidden, false)));
  return rows.map((r) => r.id);
}

async function findByToken(db: Tx, pageId: string, column: "confirm" | "manage", token: unknown): Promise<Subscriber | undefined> {
  if (!isWellFormedToken(token)) return undefined;
  const col = column === "confirm" ? subscriber.confirmTokenHash : subscriber.manageTokenHash;
  // Scoped to the page: a token from another page's email finds nothing here.
  return db.query.subscriber.findFirst({ where: and(eq(col, hashToken(token)), eq(subscriber.pageId, pageId)) });
}

export interface SubscriptionView {
  email: string;
  state: Subscriber["state"];
  componentIds: string[];
}

/** For the GET pages: shows what a link is for without changing anything. */
export async function viewByConfirmToken(ctx: PublicCtx, pageId: string, token: unknown): Promise<SubscriptionView | null> {
  const s = await findByToken(ctx.db, pageId, "confirm", token);
  if (!s || s.state !== "unconfirmed" || ctx.now().getTime() - s.updatedAt.getTime() > CONFIRM_TTL_MS) return null;
  return view(ctx.db, s);
}

export async function viewByManageToken(ctx: PublicCtx, pageId: string, token: unknown): Promise<SubscriptionView | null> {
  const s = await findByToken(ctx.db, pageId, "manage", token);
  return s ? view(ctx.db, s) : null;
}

async function view(db: Tx, s: Subscriber): Promise<SubscriptionView> {
  const scope = await db.select({ id: subscriberComponent.componentId }).from(subscriberComponent).where(eq(subscriberComponent.subscriberId, s.id));
  return { email: s.email, state: s.state, componentIds: scope.map((r) => r.id) };
}

/** POST only. Returns the manage token's view on success, null for a bad or used link. */
export async function confirmSubscription(ctx: PublicCtx, pageId: string, token: unknown): Promise<boolean> {
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const s = await findByToken(tx, pageId, "confirm", token);
    if (!s || s.state !== "unconfirmed" || now.getTime() - s.updatedAt.getTime() > CONFIRM_TTL_MS) return false;
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
      .set({ state: "unsubscribed", unsubscribedAt: now, confirmTokenHash: null, confirmTokenEnc: null, updatedAt: now })
      .where(eq(subscriber.id, s.id));
  }
  return true;
}

/** Changes the component choice of an active or pending subscription (empty = everything). */
export async function updatePreferencesByToken(ctx: PublicCtx, pageId: string, token: unknown, componentIds: string[]): Promise<boolean> {
  const s = await findByToken(ctx.db, pageId, "manage", token);
  if (!s || (s.state !== "active" && s.state !== "unconfirmed")) return false;
  const ids = await validComponentIds(ctx.db, pageId, componentIds);
  await ctx.db.transaction(async (tx) => {
    await setScope(tx, s.id, ids);
    await tx.update(subscriber).set({ updatedAt: ctx.now() }).where(eq(subscriber.id, s.id));
  });
  return true;
}
