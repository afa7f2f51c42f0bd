// Delivery to channel targets (webhook, Slack, Teams, Discord) from the same
// outbox the publish transaction writes (channel_delivery rows beside the email
// deliveries). One unit of work = one leased batch:
//  1. lease (one transaction): due rows, at most `perHost` per target host so a
//     batch never queues long behind one slow host; the attempt is counted
//     before the request (a crash after it still counts); rows whose target is
//     no longer active are skipped;
//  2. send: each row through the per-host limiter and the SSRF-safe fetch;
//     bodies are rendered once per notification and kind (channel_payload);
//     a webhook's `webhook-id` is the delivery's id, so a retry after a crash
//     or timeout carries the same id and receivers drop the replay;
//  3. record (one transaction): sent; retry with exponential backoff
//     (Retry-After honoured); or failed after `maxAttempts` / at once for a
//     permanent answer. `disableAfter` failed events in a row disable the
//     target; its owner, if it has an email, is told once, through an outbox
//     row (channel_notice) written in that same transaction and sent by
//     deliverChannelNotice, so the email is retried and survives a crash.
import { eq, inArray, type SQL, sql } from "drizzle-orm";
import { type ChannelTarget, channelNotice, channelTarget, type Notification, notification, page } from "@/db/schema";
import type { ChannelOutcome } from "../channels/classify";
import { ensureChannelPayload } from "../channels/render";
import { sendToChannel } from "../channels/send";
import { webhookIdOf } from "../channels/sign";
import type { PublicCtx } from "../context";
import { headerSafe, type Mailer } from "../email/types";
import { newId } from "../ids";
import type { NetPolicy } from "../net/fetch";
import { publicBaseUrl } from "../public/page";
import { manageUrlOf, targetCredentials } from "../subscribers/channels";
import { senderOf } from "./deliver";
import type { HostLimiter } from "./host-limiter";

export interface ChannelDeliveryDeps {
  policy: NetPolicy;
  hosts: HostLimiter;
  /** Per request (connect, answer, body). */
  timeoutMs: number;
  /** Longer than a batch can take: perHost rows per host per lane, each up to timeoutMs. */
  leaseMs: number;
  maxAttempts: number;
  /** Failed events in a row before a target is disabled. */
  disableAfter: number;
  batchSize: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** What the channel step takes from the worker's dependencies. */
export interface ChannelWorkDeps {
  channels: ChannelDeliveryDeps;
  mailer: Mailer;
  secret: string;
  baseUrl: string;
  defaultFrom: string;
  workerId: string;
  log: (msg: string) => void;
}

interface Leased {
  id: string;
  notification_id: string;
  target_id: string;
  attempts: number;
}

/** The target columns a send needs (not its events, scope or verification state). */
const SENT_TARGET = {
  id: channelTarget.id,
  kind: channelTarget.kind,
  state: channelTarget.state,
  label: channelTarget.label,
  host: channelTarget.host,
  urlEnc: channelTarget.urlEnc,
  secretEnc: channelTarget.secretEnc,
  manageTokenEnc: channelTarget.manageTokenEnc,
};
type SentTarget = Pick<ChannelTarget, keyof typeof SENT_TARGET>;

interface Result {
  row: Leased;
  target: SentTarget;
  outcome: ChannelOutcome;
}

/**
 * Due rows looked at per lease, in batches: enough to fill one from many hosts at `perHost` each, few enough that
 * the lease stays cheap (each candidate is a table and a target lookup, and the lease runs in a write transaction
 * on the thread that also answers the requests in flight). With a queue dominated by one host a batch is smaller,
 * not slower to lease.
 */
const CANDIDATES = 4;

export async function deliverChannelBatch(ctx: PublicCtx, deps: ChannelWorkDeps): Promise<boolean> {
  const c = deps.channels;
  const now = ctx.now();
  const at = now.getTime();
  const free = sql`d.status = 'pending' and d.next_attempt_at <= ${at} and (d.lease_until is null or d.lease_until <
  ${at})`;

  const leased = await ctx.db.transaction(async (tx) => {
    const rows = await tx.all<Leased>(sql`
      update channel_delivery set lease_owner = ${deps.workerId}, lease_until = ${at + c.leaseMs}, attempts = attempts
      + 1
      where id in (
        select id from (
          select d.id, d.next_attempt_at,
            row_number() over (partition by t.host order by d.next_attempt_at, d.id) as nth
          from (select d.id, d.target_id, d.next_attempt_at from channel_delivery d indexed by channel_delivery_due
                where ${free}
                order by d.next_attempt_at limit ${c.batchSize * CANDIDATES}) d
          join channel_target t on t.id = d.target_id)
        where nth <= ${c.hosts.perHost} order by next_attempt_at limit ${c.batchSize})
      returning id, notification_id, target_id, attempts`);
    if (!rows.length) return null;
    const targets = new Map(
      (
        await tx
          .select(SENT_TARGET)
          .from(channelTarget)
          .where(
            inArray(
              channelTarget.id,
              rows.map((r) => r.target_id),
            ),
          )
      ).map((t) => [t.id, t]),
    );
    // Removed, disabled or (never) pending since enqueue → skipped, whatever the attempt.
    const skipped = rows.filter((r) => targets.get(r.target_id)?.state !== "active");
    if (skipped.length)
      await tx.run(sql`update channel_delivery set status = 'skipped', lease_owner = null, lease_until = null,
        last_error = 'target not active at send time' where id in (${sql.join(
          skipped.map((r) => sql`${r.id}`),
          sql`, `,
        )})`);
    const live = rows.filter((r) => !skipped.includes(r));
    const notifications = new Map(
      live.length
        ? (
            await tx
              .select()
              .from(notification)
              .where(
                inArray(
                  notification.id,
                  live.map((r) => r.notification_id),
                ),
              )
          ).map((n) => [n.id, n])
        : [],
    );
    return { rows: live, targets, notifications };
  });
  if (!leased) return false;
  if (!leased.rows.length) return true;

  const p = (await ctx.db.query.page.findFirst({
    where: eq(page.id, leased.notifications.values().next().value!.pageId),
  }))!;
  const root = publicBaseUrl(p, deps.baseUrl);
  // One render per notification and kind for the whole batch (and, stored, for every later one).
  const bodies = new Map<string, Promise<string>>();
  const bodyOf = (n: Notification, t: SentTarget) => {
    const key = `${n.id}:${t.kind}`;
    let b = bodies.get(key);
    if (!b) bodies.set(key, (b = ensureChannelPayload(ctx.db, n, t.kind, deps.baseUrl)));
    return b;
  };

  const results: Result[] = await Promise.all(
    leased.rows.map(async (row): Promise<Result> => {
      const target = leased.targets.get(row.target_id)!;
      const n = leased.notifications.get(row.notification_id)!;
      try {
        const body = await bodyOf(n, target);
        const { url, signingSecret } = targetCredentials(deps.secret, target);
        const { outcome } = await c.hosts.run(target.host, () =>
          sendToChannel({
            kind: target.kind,
            url,
            body,
            id: webhookIdOf(row.id),
            webhook: signingSecret
              ? {
                  secret: signingSecret,
                  unsubscribe: manageUrlOf(root, deps.secret, target),
                  generatedAt: n.createdAt,
                }
              : undefined,
            now: ctx.now(),
            root,
            policy: c.policy,
            timeoutMs: c.timeoutMs,
          }),
        );
        return { row, target, outcome };
      } catch (err) {
        // Render or decrypt failures are attempts like any other: they back off, then fail visibly.
        const error = `could not render or send: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500);
        return { row, target, outcome: { kind: "retry", status: null, retryAfterMs: null, error } };
      }
    }),
  );

  const disabled = await record(ctx, deps, results, { pageName: p.name, root, from: senderOf(p, deps.defaultFrom) });
  for (const t of disabled)
    deps.log(`[herald] ${t.kind} target ${t.label} disabled after ${deps.channels.disableAfter} failed events`);
  return true;
}

/**
 * Records a batch's outcomes in one transaction with one UPDATE per group of
 * equal outcomes, not one per row: the local driver blocks the event loop
 * while it writes, and a long block makes other lanes' requests miss their
 * deadline (Node runs expired timers before it reads the answers that came in).
 */
async function record(
  ctx: PublicCtx,
  deps: ChannelWorkDeps,
  results: Result[],
  page: OwnerNoticePage,
): Promise<ChannelTarget[]> {
  const c = deps.channels;
  const at = ctx.now().getTime();
  const groups = new Map<string, { set: SQL; rows: Result[]; failed: boolean }>();
  const add = (key: string, set: SQL, r: Result, failed = false) => {
    const g = groups.get(key) ?? groups.set(key, { set, rows: [], failed }).get(key)!;
    g.rows.push(r);
  };
  for (const r of results) {
    const { outcome, row } = r;
    if (outcome.kind === "done") {
      add(
        `done:${outcome.status}`,
        sql`status = 'sent', sent_at = ${at}, last_status = ${outcome.status}, last_error = null`,
        r,
      );
      continue;
    }
    const error = outcome.error.slice(0, 500);
    if (outcome.kind === "retry" && row.attempts < c.maxAttempts) {
      const backoff = Math.min(c.backoffBaseMs * 2 ** (row.attempts - 1), c.backoffMaxMs);
      const next = at + Math.max(backoff, outcome.retryAfterMs ?? 0);
      add(
        `retry:${next}:${outcome.status}:${error}`,
        sql`next_attempt_at = ${next}, last_status = ${outcome.status}, last_error = ${error}`,
        r,
      );
    } else
      add(
        `failed:${outcome.status}:${error}`,
        sql`status = 'failed', last_status = ${outcome.status}, last_error = ${error}`,
        r,
        true,
      );
  }
  const ids = (rows: Result[]) =>
    sql.join(
      rows.map((r) => sql`${r.row.id}`),
      sql`, `,
    );
  return ctx.db.transaction(async (tx) => {
    const failures = new Map<string, number>();
    const okTargets = new Set<string>();
    for (const g of groups.values()) {
      // Only rows this worker still holds: a lease taken over after expiry is recorded by its new holder.
      const changed = await tx.all<{
        id: string;
      }>(sql`update channel_delivery set ${g.set}, lease_owner = null, lease_until = null
        where id in (${ids(g.rows)}) and status = 'pending' and lease_owner = ${deps.workerId} returning id`);
      const mine = new Set(changed.map((r) => r.id));
      for (const r of g.rows) {
        if (!mine.has(r.row.id)) continue;
        if (r.outcome.kind === "done") okTargets.add(r.target.id);
        else if (g.failed) {
          failures.set(r.target.id, (failures.get(r.target.id) ?? 0) + 1);
          deps.log(
            `[herald] ${r.target.kind} delivery ${r.row.id} to ${r.target.label} failed after ${r.row.attempts} ` +
              `attempt(s): ${"error" in r.outcome ? r.outcome.error : ""}`,
          );
        }
      }
    }
    // A delivered event ends the streak, unless the same batch also failed one for that target.
    const reset = [...okTargets].filter((id) => !failures.has(id));
    if (reset.length)
      await tx.run(sql`update channel_target set consecutive_failures = 0
        where consecutive_failures > 0 and id in (${sql.join(
          reset.map((id) => sql`${id}`),
          sql`, `,
        )})`);
    if (!failures.size) return [];
    for (const [id, n] of failures)
      await tx.run(sql`update channel_target set consecutive_failures = consecutive_failures + ${n} where id = ${id}`);
    const reason = `${c.disableAfter} events in a row could not be delivered`;
    const disabled = await tx.all<ChannelTarget>(sql`
      update channel_target set state = 'disabled', disabled_at = ${at}, disabled_reason = ${reason}, updated_at = ${at}
      where state = 'active' and consecutive_failures >= ${c.disableAfter} and id in (${sql.join(
        [...failures.keys()].map((id) => sql`${id}`),
        sql`, `,
      )})
      returning id, kind, label, owner_email as ownerEmail, disabled_at as disabledAt`);
    // The owner's email is an outbox row of this same transaction: it survives a crash and is retried.
    for (const t of disabled)
      if (t.ownerEmail) await tx.insert(channelNotice).values(ownerNotice(t, c.disableAfter, page, new Date(at)));
    return disabled;
  });
}

interface OwnerNoticePage {
  pageName: string;
  root: string;
  from: string;
}

/** "Notifications to your target were disabled", rendered once into its outbox row. */
function ownerNotice(t: ChannelTarget, disableAfter: number, p: OwnerNoticePage, now: Date) {
  const text = [
    `Notifications from ${p.pageName} to your ${t.kind} target ${t.label} have stopped:`,
    `${disableAfter} events in a row could not be delivered.`,
    "",
    `Once the target answers again, ask the status page's team to re-enable it, or add it again on ` +
      `${p.root}/subscriptions.`,
  ].join("\n");
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return {
    id: newId(16),
    targetId: t.id,
    toAddress: t.ownerEmail!,
    fromAddress: p.from,
    subject: headerSafe(`[${p.pageName}] Notifications to your ${t.kind} target were disabled`, 250),
    html: `<p>${esc(text).replace(/\n/g, "<br>")}</p>`,
    text,
    status: "pending" as const,
    nextAttemptAt: now,
    createdAt: now,
  };
}

/**
 * Sends one due owner notice (leased like any outbox row; one idempotency key
 * per notice, so a retry after a crash or timeout is de-duplicated by the
 * provider). Returns false when none is due.
 */
export async function deliverChannelNotice(ctx: PublicCtx, deps: ChannelWorkDeps): Promise<boolean> {
  const c = deps.channels;
  const at = ctx.now().getTime();
  const [row] = await ctx.db.transaction((tx) =>
    tx.all<{ id: string; attempts: number }>(sql`
      update channel_notice set lease_owner = ${deps.workerId}, lease_until = ${at + c.leaseMs}, attempts = attempts + 1
      where id = (select id from channel_notice indexed by channel_notice_due
        where status = 'pending' and next_attempt_at <= ${at} and (lease_until is null or lease_until < ${at})
        order by next_attempt_at limit 1)
      returning id, attempts`),
  );
  if (!row) return false;
  const n = (await ctx.db.query.channelNotice.findFirst({ where: eq(channelNotice.id, row.id) }))!;
  const outcome = await deps.mailer.sendBatch(
    [{ from: n.fromAddress, to: n.toAddress, subject: n.subject, html: n.html, text: n.text, headers: {} }],
    `herald-channel-notice-${n.id}`,
  );
  const now = ctx.now().getTime();
  const mine = sql`id = ${n.id} and status = 'pending' and lease_owner = ${deps.workerId}`;
  let set: SQL;
  if (outcome.kind === "accepted") set = sql`status = 'sent', sent_at = ${now}, last_error = null`;
  else if (outcome.kind === "rate_limited")
    // The provider's pace, not the notice's fault: not counted as an attempt.
    set = sql`attempts = attempts - 1, next_attempt_at = ${now + outcome.retryAfterMs}, last_error = ${outcome.error}`;
  else if (outcome.kind === "transient" && row.attempts < c.maxAttempts) {
    const wait = Math.min(c.backoffBaseMs * 2 ** (row.attempts - 1), c.backoffMaxMs);
    set = sql`next_attempt_at = ${now + wait}, last_error = ${outcome.error}`;
  } else {
    set = sql`status = 'failed', last_error = ${outcome.error}`;
    deps.log(
      `[herald] could not tell the owner of channel target ${n.targetId} that it was disabled: ${outcome.error}`,
    );
  }
  await ctx.db.transaction((tx) =>
    tx.run(sql`update channel_notice set ${set}, lease_owner = null, lease_until = null where ${mine}`),
  );
  return true;
}
