// Channel targets (webhook, Slack, Teams, Discord): the use cases behind the
// console, the v1 API and the public subscribe page. Delivery is in
// lib/worker/deliver-channels.ts; the message formats in lib/channels/.
//
// Who may point Herald at a URL: staff (console, API) add active targets. A
// visitor's target stays pending until it proves someone there wants it: Herald
// sends ONE verification message with a code (signed, for webhooks), and the
// target becomes active when a webhook answers 2xx with the code in its
// response body, or when the visitor types the code back (the only way for
// chat targets, whose services always answer "ok"). A victim's endpoint gets at
// most that one message per subscribe allowance.
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { CHANNEL_EVENTS, CHANNEL_KINDS, type ChannelEvent, type ChannelKind, type ChannelState } from "@/db/constants";
import { type ChannelTarget, channelTarget, channelTargetComponent } from "@/db/schema";
import { audit } from "../audit";
import { ADAPTERS } from "../channels/adapters";
import type { ChannelOutcome } from "../channels/classify";
import { sendToChannel } from "../channels/send";
import { newWebhookSecret } from "../channels/sign";
import type { ChannelNotice } from "../channels/types";
import { type Ctx, type PublicCtx, parseInput, requireRole } from "../context";
import { env } from "../env";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { constantTimeEqual, Id, newId, sha256 } from "../ids";
import { checkTargetUrl, NetError, type NetPolicy, netPolicyFromEnv } from "../net/fetch";
import { pruneCounters } from "../limits/counters";
import { getPage } from "../page/page";
import { publicBaseUrl } from "../public/page";
import { type SubscribeLimits, takeSubscribeAllowance } from "./limits";
import { isPrivatePage } from "../viewers/access";
import { Email, validComponentIds } from "./subscribe";
import { hashToken, issueToken, isWellFormedToken, revealToken, seal, unseal } from "./tokens";

/** What the channel use cases need besides the context. */
export interface ChannelEnv {
  /** HERALD_SECRET: seals URLs, signing secrets and manage tokens. */
  secret: string;
  policy: NetPolicy;
  /** HERALD_URL, when the page has no URL set. */
  baseUrl: string;
  timeoutMs: number;
}

/** As configured by the environment (lib/env.ts). */
export function channelEnvFromEnv(): ChannelEnv {
  const e = env();
  return {
    secret: e.HERALD_SECRET,
    policy: netPolicyFromEnv(),
    baseUrl: e.HERALD_URL ?? `http://localhost:${e.PORT}`,
    timeoutMs: e.HERALD_CHANNEL_TIMEOUT_MS,
  };
}

export interface ChannelTargetDto {
  id: string;
  kind: ChannelKind;
  state: ChannelState;
  label: string;
  host: string;
  ownerEmail: string | null;
  events: ChannelEvent[];
  componentIds: string[];
  addedBy: ChannelTarget["addedBy"];
  consecutiveFailures: number;
  disabledReason: string | null;
  createdAt: Date;
  verifiedAt: Date | null;
  disabledAt: Date | null;
}

const TargetUrl = z.string().trim().min(1, "Enter the target's URL").max(2000, "At most 2,000 characters");

export const AddChannelInput = z.object({
  kind: z.enum(CHANNEL_KINDS, { error: `One of ${CHANNEL_KINDS.join(", ")}` }),
  url: TargetUrl,
  ownerEmail: z.union([Email, z.literal("").transform(() => null), z.null()]).default(null),
  componentIds: z.array(Id).max(500).default([]),
  events: z
    .array(z.enum(CHANNEL_EVENTS))
    .min(1, "Choose at least one kind of event")
    .default([...CHANNEL_EVENTS]),
});
export type AddChannelInput = z.input<typeof AddChannelInput>;

/** "https://hooks.slack.com/…k9Xz": enough to tell targets apart, not enough to post to one. */
export function maskUrl(url: URL): string {
  const rest = `${url.pathname}${url.search}`;
  return rest.length > 1 ? `${url.origin}/…${rest.slice(-4)}` : url.origin;
}

function checkUrl(raw: string, policy: NetPolicy): URL {
  try {
    return checkTargetUrl(raw, policy);
  } catch (err) {
    if (err instanceof NetError) throw new ValidationError(`URL: ${err.message}`, { url: [err.message] });
    throw err;
  }
}

async function scopes(db: Tx, ids: string[]): Promise<Map<string, string[]>> {
  const by = new Map<string, string[]>();
  if (!ids.length) return by;
  const rows = await db.select().from(channelTargetComponent).where(inArray(channelTargetComponent.targetId, ids));
  for (const r of rows) (by.get(r.targetId) ?? by.set(r.targetId, []).get(r.targetId)!).push(r.componentId);
  return by;
}

function dto(t: ChannelTarget, componentIds: string[]): ChannelTargetDto {
  return {
    id: t.id,
    kind: t.kind,
    state: t.state,
    label: t.label,
    host: t.host,
    ownerEmail: t.ownerEmail,
    events: t.events,
    componentIds,
    addedBy: t.addedBy,
    consecutiveFailures: t.consecutiveFailures,
    disabledReason: t.disabledReason,
    createdAt: t.createdAt,
    verifiedAt: t.verifiedAt,
    disabledAt: t.disabledAt,
  };
}

interface Created {
  target: ChannelTargetDto;
  /** Webhooks: the "whsec_…" signing secret. Shown once; only its sealed copy is kept. */
  signingSecret: string | null;
  manageToken: string;
}

async function insertTarget(
  tx: Tx,
  pageId: string,
  data: z.output<typeof AddChannelInput>,
  url: URL,
  env: ChannelEnv,
  now: Date,
  extra: { state: ChannelState; addedBy: ChannelTarget["addedBy"]; verifyCodeHash?: string },
): Promise<Created> {
  const urlHash = sha256(url.href);
  const live = await tx.query.channelTarget.findFirst({
    where: and(
      eq(channelTarget.pageId, pageId),
      eq(channelTarget.urlHash, urlHash),
      inArray(channelTarget.state, ["pending", "active", "disabled"]),
    ),
  });
  if (live) throw new ConflictError("This URL is already a target of this page");
  const componentIds = await validComponentIds(tx, pageId, data.componentIds);
  const signingSecret = data.kind === "webhook" ? newWebhookSecret() : null;
  const manage = issueToken(env.secret);
  const row: typeof channelTarget.$inferInsert = {
    id: newId(),
    pageId,
    kind: data.kind,
    state: extra.state,
    urlEnc: seal(env.secret, "channel-url", url.href),
    urlHash,
    label: maskUrl(url),
    host: url.hostname.toLowerCase(),
    secretEnc: signingSecret ? seal(env.secret, "channel-secret", signingSecret) : null,
    ownerEmail: data.ownerEmail,
    events: data.events,
    verifyCodeHash: extra.verifyCodeHash ?? null,
    manageTokenHash: manage.hash,
    manageTokenEnc: manage.enc,
    addedBy: extra.addedBy,
    verifiedAt: extra.state === "active" ? now : null,
    createdAt: now,
    updatedAt: now,
  };
  await tx.insert(channelTarget).values(row);
  if (componentIds.length)
    await tx
      .insert(channelTargetComponent)
      .values(componentIds.map((componentId) => ({ targetId: row.id!, componentId })));
  const stored = (await tx.query.channelTarget.findFirst({ where: eq(channelTarget.id, row.id!) }))!;
  return { target: dto(stored, componentIds), signingSecret, manageToken: manage.token };
}

/** Staff (console or API): the target is active at once. */
export async function addChannelTarget(ctx: Ctx, env: ChannelEnv, input: AddChannelInput): Promise<Created> {
  requireRole(ctx.actor, "admin");
  const data = parseInput(AddChannelInput, input);
  const url = checkUrl(data.url, env.policy);
  const p = await getPage(ctx.db);
  return ctx.db.transaction(async (tx) => {
    const created = await insertTarget(tx, p.id, data, url, env, ctx.now(), {
      state: "active",
      addedBy: ctx.actor.type === "api_key" ? "api" : "staff",
    });
    await audit(tx, ctx, {
      pageId: p.id,
      action: "channel.add",
      entityType: "channel_target",
      entityId: created.target.id,
      after: { kind: created.target.kind, target: created.target.label, events: created.target.events },
    });
    return created;
  });
}

async function targetOrThrow(db: Tx, pageId: string, id: string): Promise<ChannelTarget> {
  const t = await db.query.channelTarget.findFirst({
    where: and(eq(channelTarget.id, id), eq(channelTarget.pageId, pageId)),
  });
  if (!t) throw new NotFoundError("Channel target");
  return t;
}

export async function listChannelTargets(ctx: Ctx): Promise<ChannelTargetDto[]> {
  requireRole(ctx.actor, "viewer");
  const p = await getPage(ctx.db);
  const rows = await ctx.db
    .select()
    .from(channelTarget)
    .where(eq(channelTarget.pageId, p.id))
    .orderBy(desc(channelTarget.createdAt), desc(channelTarget.id));
  const by = await scopes(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => dto(r, by.get(r.id) ?? []));
}

export async function getChannelTarget(ctx: Ctx, id: string): Promise<ChannelTargetDto> {
  requireRole(ctx.actor, "viewer");
  const p = await getPage(ctx.db);
  const t = await targetOrThrow(ctx.db, p.id, id);
  return dto(t, (await scopes(ctx.db, [t.id])).get(t.id) ?? []);
}

export interface DeliveryLogEntry {
  id: string;
  notificationId: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
  nextAttemptAt: Date;
  kind: string;
  incidentName: string | null;
}

/** The target's latest deliveries, newest first. */
export async function channelDeliveryLog(ctx: Ctx, id: string, limit = 50): Promise<DeliveryLogEntry[]> {
  requireRole(ctx.actor, "viewer");
  const p = await getPage(ctx.db);
  await targetOrThrow(ctx.db, p.id, id);
  return ctx.db
    .all<DeliveryLogEntry>(sql`
    select d.id, d.notification_id as notificationId, d.status, d.attempts, d.last_status as lastStatus,
      d.last_error as lastError, d.created_at as createdAt, d.sent_at as sentAt, d.next_attempt_at as nextAttemptAt,
      n.kind, i.name as incidentName
    from channel_delivery d join notification n on n.id = d.notification_id left join incident i on i.id = n.incident_id
    where d.target_id = ${id} order by d.created_at desc, d.id desc limit ${limit}`)
    .then((rows) =>
      rows.map((r) => ({
        ...r,
        createdAt: new Date(Number(r.createdAt)),
        sentAt: r.sentAt === null ? null : new Date(Number(r.sentAt)),
        nextAttemptAt: new Date(Number(r.nextAttemptAt)),
      })),
    );
}

async function changeState(
  ctx: Ctx,
  id: string,
  action: string,
  change: (t: ChannelTarget) => Partial<typeof channelTarget.$inferInsert>,
): Promise<ChannelTargetDto> {
  requireRole(ctx.actor, "admin");
  const p = await getPage(ctx.db);
  return ctx.db.transaction(async (tx) => {
    const t = await targetOrThrow(tx, p.id, id);
    const set = { ...change(t), updatedAt: ctx.now() };
    await tx.update(channelTarget).set(set).where(eq(channelTarget.id, t.id));
    await audit(tx, ctx, {
      pageId: p.id,
      action,
      entityType: "channel_target",
      entityId: t.id,
      before: { state: t.state },
      after: { state: set.state ?? t.state },
    });
    const fresh = (await tx.query.channelTarget.findFirst({ where: eq(channelTarget.id, t.id) }))!;
    return dto(fresh, (await scopes(tx, [t.id])).get(t.id) ?? []);
  });
}

/** After failures (or a pending visitor target staff vouch for): active again, the failure streak forgotten. */
export function reenableChannelTarget(ctx: Ctx, id: string): Promise<ChannelTargetDto> {
  return changeState(ctx, id, "channel.reenable", (t) => {
    if (t.state === "unsubscribed") throw new ConflictError("This target was removed; add it again");
    return {
      state: "active",
      consecutiveFailures: 0,
      disabledAt: null,
      disabledReason: null,
      verifiedAt: t.verifiedAt ?? ctx.now(),
    };
  });
}

export function removeChannelTarget(ctx: Ctx, id: string): Promise<ChannelTargetDto> {
  return changeState(ctx, id, "channel.remove", () => ({ state: "unsubscribed", unsubscribedAt: ctx.now() }));
}

/** A new signing secret, returned once; the old one stops working at once. */
export async function rotateChannelSecret(ctx: Ctx, env: ChannelEnv, id: string): Promise<{ signingSecret: string }> {
  requireRole(ctx.actor, "admin");
  const p = await getPage(ctx.db);
  return ctx.db.transaction(async (tx) => {
    const t = await targetOrThrow(tx, p.id, id);
    if (t.kind !== "webhook") throw new ConflictError("Only webhooks are signed");
    const signingSecret = newWebhookSecret();
    await tx
      .update(channelTarget)
      .set({ secretEnc: seal(env.secret, "channel-secret", signingSecret), updatedAt: ctx.now() })
      .where(eq(channelTarget.id, t.id));
    await audit(tx, ctx, {
      pageId: p.id,
      action: "channel.rotate_secret",
      entityType: "channel_target",
      entityId: t.id,
    });
    return { signingSecret };
  });
}

/** The decrypted URL and secret, for sending; never for display. */
export function targetCredentials(secret: string, t: Pick<ChannelTarget, "urlEnc" | "secretEnc">) {
  return {
    url: unseal(secret, "channel-url", t.urlEnc),
    signingSecret: t.secretEnc ? unseal(secret, "channel-secret", t.secretEnc) : null,
  };
}

/** Where a target's owner manages it (meta.unsubscribe of every webhook payload). */
export function manageUrlOf(root: string, secret: string, t: Pick<ChannelTarget, "manageTokenEnc">): string {
  return `${root}/subscriptions/channel?token=${revealToken(secret, t.manageTokenEnc)}`;
}

async function sendNotice(
  ctx: PublicCtx,
  env: ChannelEnv,
  t: ChannelTarget,
  notice: Omit<ChannelNotice, "pageId" | "pageName" | "root">,
) {
  const p = await getPage(ctx.db);
  const root = publicBaseUrl(p, env.baseUrl);
  const { url, signingSecret } = targetCredentials(env.secret, t);
  const body = ADAPTERS[t.kind].renderNotice({ ...notice, pageId: p.id, pageName: p.name, root });
  const now = ctx.now();
  return sendToChannel({
    kind: t.kind,
    url,
    body,
    id: `msg_${notice.type}_${newId(16)}`,
    webhook: signingSecret
      ? { secret: signingSecret, unsubscribe: manageUrlOf(root, env.secret, t), generatedAt: now }
      : undefined,
    now,
    root,
    policy: env.policy,
    timeoutMs: env.timeoutMs,
  });
}

/**
 * "Send test" in the console: one message now, outside the outbox; the answer is shown, nothing is recorded but an
 * audit row.
 */
export async function sendChannelTest(ctx: Ctx, env: ChannelEnv, id: string): Promise<ChannelOutcome> {
  requireRole(ctx.actor, "editor");
  const p = await getPage(ctx.db);
  const t = await targetOrThrow(ctx.db, p.id, id);
  if (t.state === "unsubscribed") throw new ConflictError("This target was removed");
  const { outcome } = await sendNotice(ctx, env, t, {
    type: "test",
    title: `Test message from ${p.name}`,
    text: "This target will receive incident and maintenance notifications from this status page.",
  });
  await ctx.db.transaction((tx) =>
    audit(tx, ctx, {
      pageId: p.id,
      action: "channel.test",
      entityType: "channel_target",
      entityId: t.id,
      after: { outcome: outcome.kind, status: outcome.status },
    }),
  );
  return outcome;
}

// ---------------------------------------------------------------- visitors

export const RequestChannelInput = AddChannelInput.extend({
  honeypot: z.string().max(1000).optional(),
  ip: z.string().max(100).default("unknown"),
});
export type RequestChannelInput = z.input<typeof RequestChannelInput>;

/** Codes are 8 characters from an alphabet without look-alikes. */
const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
function newCode(): string {
  const bytes = newId(8).split("");
  return bytes.map((c) => CODE_ALPHABET[c.charCodeAt(0) % CODE_ALPHABET.length]).join("");
}
const normalizeCode = (code: string) => code.trim().toUpperCase().replace(/[\s-]/g, "");
const MAX_CODE_TRIES = 5;

export type RequestChannelResult =
  | { kind: "limited"; limit: keyof SubscribeLimits }
  | { kind: "ignored" }
  /** A private page takes targets from its team only. */
  | { kind: "private" }
  | {
      kind: "created";
      manageToken: string;
      state: ChannelState;
      signingSecret: string | null;
      answered: ChannelOutcome;
    };

/**
 * A visitor adds a target: pending, and one verification message goes out
 * with a code. A webhook whose 2xx answer contains the code is active at once;
 * otherwise the visitor enters the code on the target's page.
 */
export async function requestChannelTarget(
  ctx: PublicCtx,
  env: ChannelEnv,
  limits: SubscribeLimits,
  input: RequestChannelInput,
): Promise<RequestChannelResult> {
  const data = parseInput(RequestChannelInput, input);
  if (data.honeypot) return { kind: "ignored" };
  const p = await getPage(ctx.db);
  // A private page's updates go only to its readers, and a target has no reader behind it to check (an email
  // sign-up is checked against the allow-list): its team adds targets in the console.
  if (await isPrivatePage(ctx.db, p.id)) return { kind: "private" };
  const url = checkUrl(data.url, env.policy);
  const code = newCode();
  const now = ctx.now();
  const created = await ctx.db.transaction(async (tx) => {
    // The prune is a write: SQLite's write lock serializes the count below (lib/limits/counters.ts).
    await pruneCounters(tx, now);
    const hit = await takeSubscribeAllowance(tx, limits, `channel:${url.hostname.toLowerCase()}`, data.ip, now);
    if (hit) return hit;
    return insertTarget(tx, p.id, data, url, env, now, {
      state: "pending",
      addedBy: "visitor",
      verifyCodeHash: sha256(code),
    });
  });
  if (typeof created === "string") return { kind: "limited", limit: created };
  const t = (await ctx.db.query.channelTarget.findFirst({ where: eq(channelTarget.id, created.target.id) }))!;
  const answered = await sendVerification(ctx, env, t, code);
  const fresh = (await ctx.db.query.channelTarget.findFirst({ where: eq(channelTarget.id, t.id) }))!;
  return {
    kind: "created",
    manageToken: created.manageToken,
    state: fresh.state,
    signingSecret: created.signingSecret,
    answered,
  };
}

async function sendVerification(
  ctx: PublicCtx,
  env: ChannelEnv,
  t: ChannelTarget,
  code: string,
): Promise<ChannelOutcome> {
  const p = await getPage(ctx.db);
  const { outcome, answer } = await sendNotice(ctx, env, t, {
    type: "verification",
    title: `Confirm notifications from ${p.name}`,
    text:
      t.kind === "webhook"
        ? "Answer this request with 2xx and the code in the response " +
          "body, or enter the code on the page where this target was " +
          "added."
        : "Someone added this channel to the status page's " +
          "notifications. Enter the code on the page where it was " +
          "added to confirm; ignore this message otherwise.",
    code,
  });
  if (t.kind === "webhook" && outcome.kind === "done" && answer.includes(code)) await activate(ctx, t.id);
  return outcome;
}

async function activate(ctx: PublicCtx, id: string): Promise<void> {
  const now = ctx.now();
  await ctx.db.transaction((tx) =>
    tx
      .update(channelTarget)
      .set({ state: "active", verifiedAt: now, verifyCodeHash: null, updatedAt: now })
      .where(and(eq(channelTarget.id, id), eq(channelTarget.state, "pending"))),
  );
}

async function targetByToken(ctx: PublicCtx, token: unknown): Promise<ChannelTarget> {
  if (!isWellFormedToken(token)) throw new NotFoundError("Channel target");
  const t = await ctx.db.query.channelTarget.findFirst({ where: eq(channelTarget.manageTokenHash, hashToken(token)) });
  if (!t) throw new NotFoundError("Channel target");
  return t;
}

export interface PublicChannelView {
  kind: ChannelKind;
  state: ChannelState;
  label: string;
  events: ChannelEvent[];
  codeTriesLeft: number;
  /** A visitor's webhook: its signing secret, shown on its page for the first 15 minutes only. */
  signingSecret: string | null;
}

/** How long a visitor's page shows the new webhook's signing secret. */
export const SECRET_SHOWN_MS = 15 * 60_000;

export async function viewChannelByToken(ctx: PublicCtx, secret: string, token: unknown): Promise<PublicChannelView> {
  const t = await targetByToken(ctx, token);
  const fresh = ctx.now().getTime() - t.createdAt.getTime() < SECRET_SHOWN_MS;
  return {
    kind: t.kind,
    state: t.state,
    label: t.label,
    events: t.events,
    codeTriesLeft: Math.max(0, MAX_CODE_TRIES - t.verifyAttempts),
    signingSecret:
      fresh && t.addedBy === "visitor" && t.state !== "unsubscribed"
        ? targetCredentials(secret, t).signingSecret
        : null,
  };
}

/** The visitor types the code from the verification message. Five tries, then the target must be added again. */
export async function confirmChannelCode(
  ctx: PublicCtx,
  token: unknown,
  code: string,
): Promise<"active" | "wrong" | "exhausted"> {
  const t = await targetByToken(ctx, token);
  if (t.state === "active") return "active";
  if (t.state !== "pending" || !t.verifyCodeHash || t.verifyAttempts >= MAX_CODE_TRIES) return "exhausted";
  if (constantTimeEqual(sha256(normalizeCode(code)), t.verifyCodeHash)) {
    await activate(ctx, t.id);
    return "active";
  }
  await ctx.db.transaction((tx) =>
    tx
      .update(channelTarget)
      .set({ verifyAttempts: sql`${channelTarget.verifyAttempts} + 1` })
      .where(eq(channelTarget.id, t.id)),
  );
  return t.verifyAttempts + 1 >= MAX_CODE_TRIES ? "exhausted" : "wrong";
}

/** From the link in meta.unsubscribe or the visitor's page: no more messages. */
export async function unsubscribeChannelByToken(ctx: PublicCtx, token: unknown): Promise<void> {
  const t = await targetByToken(ctx, token);
  const now = ctx.now();
  await ctx.db.transaction((tx) =>
    tx
      .update(channelTarget)
      .set({ state: "unsubscribed", unsubscribedAt: now, updatedAt: now })
      .where(eq(channelTarget.id, t.id)),
  );
}
