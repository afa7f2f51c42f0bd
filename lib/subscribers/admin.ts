import { and, count, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { SUBSCRIBER_STATES, type SubscriberState } from "@/db/constants";
import { subscriber, subscriberComponent, type Subscriber } from "@/db/schema";
import { audit } from "../audit";
import { parseCsv, toCsv } from "../csv";
import { hasRole, parseInput, requireRole, type Actor, type Ctx } from "../context";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { Id, newId } from "../ids";
import { getPage } from "../page/page";
import { Email, enqueueConfirmation, setScope, validComponentIds } from "./subscribe";
import { issueToken } from "./tokens";

export interface SubscriberDto {
  id: string;
  email: string;
  state: SubscriberState;
  componentIds: string[];
  createdAt: Date;
  confirmedAt: Date | null;
  unsubscribedAt: Date | null;
  quarantinedAt: Date | null;
  quarantineReason: string | null;
  paused: boolean;
  incidentOnly: boolean;
}

function dto(s: Subscriber, componentIds: string[]): SubscriberDto {
  return {
    id: s.id,
    email: s.email,
    state: s.state,
    componentIds,
    createdAt: s.createdAt,
    confirmedAt: s.confirmedAt,
    unsubscribedAt: s.unsubscribedAt,
    quarantinedAt: s.quarantinedAt,
    quarantineReason: s.quarantineReason,
    paused: s.pausedAt !== null,
    incidentOnly: s.incidentOnly,
  };
}

async function withScopes(db: Tx, rows: Subscriber[]): Promise<SubscriberDto[]> {
  if (!rows.length) return [];
  const scopes = await db
    .select()
    .from(subscriberComponent)
    .where(
      inArray(
        subscriberComponent.subscriberId,
        rows.map((r) => r.id),
      ),
    );
  const by = new Map<string, string[]>();
  for (const s of scopes)
    (by.get(s.subscriberId) ?? by.set(s.subscriberId, []).get(s.subscriberId)!).push(s.componentId);
  return rows.map((r) => dto(r, by.get(r.id) ?? []));
}

export const ListSubscribersInput = z.strictObject({
  q: z.string().trim().max(254).optional(),
  state: z.enum(SUBSCRIBER_STATES).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  perPage: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListSubscribersInput = z.input<typeof ListSubscribersInput>;

export async function listSubscribers(ctx: Ctx, input: ListSubscribersInput = {}) {
  requireRole(ctx.actor, "viewer");
  const data = parseInput(ListSubscribersInput, input);
  const p = await getPage(ctx.db);
  const q = data.q?.replace(/[%_\\]/g, (c) => `\\${c}`);
  const where = and(
    eq(subscriber.pageId, p.id),
    data.state ? eq(subscriber.state, data.state) : undefined,
    q ? sql`${subscriber.email} like ${`%${q}%`} escape '\\'` : undefined,
  );
  const total = await ctx.db.$count(subscriber, where);
  const rows = await ctx.db
    .select()
    .from(subscriber)
    .where(where)
    .orderBy(desc(subscriber.createdAt), desc(subscriber.id))
    .limit(data.perPage)
    .offset((data.page - 1) * data.perPage);
  return { subscribers: await withScopes(ctx.db, rows), total, page: data.page, perPage: data.perPage };
}

export async function subscriberCounts(ctx: Ctx): Promise<Record<SubscriberState, number>> {
  requireRole(ctx.actor, "viewer");
  const p = await getPage(ctx.db);
  const rows = await ctx.db
    .select({ state: subscriber.state, n: count() })
    .from(subscriber)
    .where(eq(subscriber.pageId, p.id))
    .groupBy(subscriber.state);
  const out = { unconfirmed: 0, active: 0, unsubscribed: 0, quarantined: 0 };
  for (const r of rows) out[r.state] = r.n;
  return out;
}

export async function getSubscriber(ctx: Ctx, id: string): Promise<SubscriberDto> {
  requireRole(ctx.actor, "viewer");
  const p = await getPage(ctx.db);
  const row = await ctx.db.query.subscriber.findFirst({
    where: and(eq(subscriber.id, id), eq(subscriber.pageId, p.id)),
  });
  if (!row) throw new NotFoundError("Subscriber");
  return (await withScopes(ctx.db, [row]))[0];
}

/**
 * Consent: a subscriber is active without confirming (double opt-in skipped)
 * only when an owner or admin adds them. The console form, the CSV import and
 * the v1 API's skip_confirmation_notification all ask this; the console hides
 * the option from everyone else.
 */
export function maySkipConfirmation(actor: Actor): boolean {
  return hasRole(actor, "admin");
}

export const AddSubscriberInput = z.strictObject({
  email: Email,
  componentIds: z.array(Id).max(500).default([]),
  /** Statuspage's skip_confirmation_notification: active at once, no confirmation email (owners and admins only). */
  skipConfirmation: z.boolean().default(false),
});
export type AddSubscriberInput = z.input<typeof AddSubscriberInput>;

/**
 * Console / API add. A live subscription for the address is a conflict (the
 * operator may see it); so is naming a component that is not a public one of
 * this page (the public form drops those silently, an operator gets told).
 * An editor asking to skip confirmation still adds the address, but it gets a
 * confirmation email and stays unconfirmed until the person confirms.
 */
export async function addSubscriber(ctx: Ctx, secret: string, input: AddSubscriberInput): Promise<SubscriberDto> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(AddSubscriberInput, input);
  const active = data.skipConfirmation && maySkipConfirmation(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const componentIds = await validComponentIds(tx, p.id, data.componentIds);
    const unknown = [...new Set(data.componentIds)].filter((id) => !componentIds.includes(id));
    if (unknown.length)
      throw new ValidationError(`Unknown component: ${unknown[0]}`, {
        componentIds: [`Unknown component: ${unknown.join(", ")}`],
      });
    const s = await insertSubscriber(tx, p.id, secret, data.email, componentIds, active, ctx.now());
    if (!s) throw new ConflictError("That address is already subscribed");
    await audit(tx, ctx, {
      pageId: p.id,
      action: "subscriber.add",
      entityType: "subscriber",
      entityId: s.id,
      after: { email: s.email, state: s.state },
    });
    return s;
  });
}

async function insertSubscriber(
  tx: Tx,
  pageId: string,
  secret: string,
  email: string,
  componentIds: string[],
  active: boolean,
  now: Date,
): Promise<SubscriberDto | null> {
  const live = await tx.query.subscriber.findFirst({
    where: and(
      eq(subscriber.pageId, pageId),
      sql`lower(${subscriber.email}) = ${email}`,
      inArray(subscriber.state, ["unconfirmed", "active"]),
    ),
  });
  if (live) return null;
  const id = newId();
  const manage = issueToken(secret);
  const confirm = active ? null : issueToken(secret);
  await tx.insert(subscriber).values({
    id,
    pageId,
    email,
    state: active ? "active" : "unconfirmed",
    confirmTokenHash: confirm?.hash ?? null,
    confirmTokenEnc: confirm?.enc ?? null,
    manageTokenHash: manage.hash,
    manageTokenEnc: manage.enc,
    confirmedAt: active ? now : null,
    createdAt: now,
    updatedAt: now,
  });
  await setScope(tx, id, componentIds);
  if (!active) await enqueueConfirmation(tx, pageId, id, now);
  const row = (await tx.query.subscriber.findFirst({ where: eq(subscriber.id, id) }))!;
  return dto(row, componentIds);
}

/** Removal keeps the row (delivery history references it) but stops all mail. */
export async function removeSubscriber(ctx: Ctx, id: string): Promise<void> {
  requireRole(ctx.actor, "editor");
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const row = await tx.query.subscriber.findFirst({ where: and(eq(subscriber.id, id), eq(subscriber.pageId, p.id)) });
    if (!row) throw new NotFoundError("Subscriber");
    const now = ctx.now();
    await tx
      .update(subscriber)
      .set({
        state: "unsubscribed",
        unsubscribedAt: row.unsubscribedAt ?? now,
        confirmTokenHash: null,
        confirmTokenEnc: null,
        updatedAt: now,
      })
      .where(eq(subscriber.id, id));
    await audit(tx, ctx, {
      pageId: p.id,
      action: "subscriber.remove",
      entityType: "subscriber",
      entityId: id,
      before: { email: row.email, state: row.state },
    });
  });
}

/** A new confirmation link (the old one stops working) and a new confirmation email. */
export async function resendConfirmation(ctx: Ctx, secret: string, id: string): Promise<void> {
  requireRole(ctx.actor, "editor");
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const row = await tx.query.subscriber.findFirst({ where: and(eq(subscriber.id, id), eq(subscriber.pageId, p.id)) });
    if (!row) throw new NotFoundError("Subscriber");
    if (row.state !== "unconfirmed") throw new ConflictError("Only unconfirmed subscribers get a confirmation email");
    const now = ctx.now();
    const confirm = issueToken(secret);
    await tx
      .update(subscriber)
      .set({ confirmTokenHash: confirm.hash, confirmTokenEnc: confirm.enc, updatedAt: now })
      .where(eq(subscriber.id, id));
    await enqueueConfirmation(tx, p.id, id, now);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "subscriber.resend_confirmation",
      entityType: "subscriber",
      entityId: id,
    });
  });
}

export interface ImportReport {
  added: number;
  skipped: number;
  invalid: string[];
}

/**
 * CSV import: a column named "email" (or the first column), optionally
 * "components" (ids separated by spaces or semicolons). With `confirm`,
 * everyone gets a confirmation email; without, rows become active at once
 * (only as maySkipConfirmation allows).
 */
export async function importSubscribersCsv(
  ctx: Ctx,
  secret: string,
  csv: string,
  opts: { confirm: boolean },
): Promise<ImportReport> {
  requireRole(ctx.actor, "admin");
  if (csv.length > 5_000_000) throw new ValidationError("The file is too large (5 MB at most)");
  const rows = parseCsv(csv);
  if (!rows.length) throw new ValidationError("The file has no rows");
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const hasHeader = header.includes("email");
  const emailCol = hasHeader ? header.indexOf("email") : 0;
  const compCol = hasHeader ? header.indexOf("components") : -1;
  const body = hasHeader ? rows.slice(1) : rows;
  if (body.length > 50_000) throw new ValidationError("At most 50,000 rows per import");
  const report: ImportReport = { added: 0, skipped: 0, invalid: [] };
  const active = !opts.confirm && maySkipConfirmation(ctx.actor);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const now = ctx.now();
    for (const r of body) {
      const email = Email.safeParse(r[emailCol] ?? "");
      if (!email.success) {
        if (report.invalid.length < 50) report.invalid.push(String(r[emailCol] ?? "").slice(0, 100));
        continue;
      }
      const comps = compCol >= 0 ? (r[compCol] ?? "").split(/[\s;]+/).filter(Boolean) : [];
      const added = await insertSubscriber(
        tx,
        p.id,
        secret,
        email.data,
        await validComponentIds(tx, p.id, comps),
        active,
        now,
      );
      if (added) report.added++;
      else report.skipped++;
    }
    await audit(tx, ctx, {
      pageId: p.id,
      action: "subscriber.import",
      entityType: "subscriber",
      entityId: null,
      after: { ...report, confirm: !active },
    });
  });
  return report;
}

export async function exportSubscribersCsv(ctx: Ctx): Promise<string> {
  requireRole(ctx.actor, "admin");
  const p = await getPage(ctx.db);
  const rows = await ctx.db.select().from(subscriber).where(eq(subscriber.pageId, p.id)).orderBy(subscriber.createdAt);
  const all = await withScopes(ctx.db, rows);
  return toCsv(
    ["email", "state", "components", "created_at", "confirmed_at", "unsubscribed_at"],
    all.map((s) => [
      s.email,
      s.state,
      s.componentIds.join(" "),
      s.createdAt.toISOString(),
      s.confirmedAt?.toISOString() ?? "",
      s.unsubscribedAt?.toISOString() ?? "",
    ]),
  );
}

/** Provider feedback (lib/email/webhook.ts): bounced or complaining addresses stop receiving mail. */
export async function quarantineAddress(db: Tx, email: string, reason: string, now: Date): Promise<number> {
  const res = await db
    .update(subscriber)
    .set({ state: "quarantined", quarantinedAt: now, quarantineReason: reason.slice(0, 200), updatedAt: now })
    .where(
      and(
        sql`lower(${subscriber.email}) = ${email.toLowerCase()}`,
        inArray(subscriber.state, ["unconfirmed", "active"]),
      ),
    );
  return res.rowsAffected;
}
