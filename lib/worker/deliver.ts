import { eq, inArray, sql, type SQL } from "drizzle-orm";
import { notification, page, subscriber, type Notification, type Subscriber } from "@/db/schema";
import type { PublicCtx } from "../context";
import type { Mailer, OutgoingEmail, SendOutcome } from "../email/types";
import { headerSafe } from "../email/types";
import { newId } from "../ids";
import { mayReceive } from "../notifications/enqueue";
import { ensureRendered, personalize } from "../notifications/render";
import { publicBaseUrl } from "../public/page";
import { revealToken } from "../subscribers/tokens";
import type { Pacer } from "./pacer";

export interface DeliveryDeps {
  mailer: Mailer;
  pacer: Pacer;
  /** HERALD_SECRET, to reveal link tokens (lib/subscribers/tokens.ts). */
  secret: string;
  /** Public URL when the page has none set (HERALD_URL). */
  baseUrl: string;
  /** Sender when the page has no email_from (HERALD_EMAIL_FROM). */
  defaultFrom: string;
  workerId: string;
  /** Longer than a request can take (timeout + pacing), or a live batch could be taken over. */
  leaseMs: number;
  maxAttempts: number;
  /** Resend accepts at most 100 per batch. */
  batchSize: number;
  /** Batches in flight at once in this process (lib/worker/run.ts). */
  concurrency: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Where a delivery that is given up is reported (once, not every pass). */
  log: (msg: string) => void;
}

// Every write goes through db.transaction, which this process runs one at a
// time (db/client.ts): a bare write while a publish transaction is open in the
// same process would busy-wait on the event loop that transaction needs.
const write = (ctx: PublicCtx, q: SQL) => ctx.db.transaction((tx) => tx.run(q));

interface LeasedRow {
  id: string;
  notification_id: string;
  subscriber_id: string;
  batch_id: string;
  attempts: number;
}

type Recipient = Pick<Subscriber, "id" | "email" | "state" | "pausedAt" | "confirmTokenEnc" | "manageTokenEnc">;

interface LeasedBatch {
  batchId: string;
  notification: Notification;
  /** The members to send, sorted by id: the same batch gives the same request body on every retry. */
  rows: LeasedRow[];
  subs: Map<string, Recipient>;
  /** This request's attempt number, already counted. */
  attempts: number;
}

/**
 * Takes one batch and counts the attempt, in one transaction: the local
 * driver blocks the event loop for every commit, so commits per batch bound
 * the send rate (bench/fanout.ts).
 *
 * A batch id is written on its rows the first time they are leased and never
 * changes, so a retry sends exactly the same members under the same
 * idempotency key (the batch id) and the provider de-duplicates a batch it
 * already accepted before a crash or timeout. Each lease is one UPDATE …
 * RETURNING inside a write transaction, so two workers never get the same
 * rows. The INDEXED BY hints keep each lease independent of queue length: the
 * planner otherwise walks every pending row for the retry lease (~10 ms per
 * batch at 50k queued) or a notification's already-sent rows for a new one.
 */
async function leaseBatch(ctx: PublicCtx, deps: DeliveryDeps): Promise<LeasedBatch | null> {
  const now = ctx.now().getTime();
  const until = now + deps.leaseMs;
  const free = sql`status = 'pending' and next_attempt_at <= ${now} and (lease_until is null or lease_until < ${now})`;
  return ctx.db.transaction(async (tx) => {
    let rows = await tx.all<LeasedRow>(sql`
      update delivery indexed by delivery_batch set lease_owner = ${deps.workerId}, lease_until = ${until}
      where batch_id = (select batch_id from delivery indexed by delivery_retry where ${free} and batch_id is not null
      order by next_attempt_at limit 1) and ${free}
      returning id, notification_id, subscriber_id, batch_id, attempts`);
    if (!rows.length)
      rows = await tx.all<LeasedRow>(sql`
        update delivery set batch_id = ${newId(16)}, lease_owner = ${deps.workerId}, lease_until = ${until}
        where id in (
          select id from delivery indexed by delivery_due where ${free} and batch_id is null
            and notification_id = (select notification_id from delivery indexed by delivery_due where ${free} and
            batch_id is null order by next_attempt_at limit 1)
          order by next_attempt_at limit ${Math.min(deps.batchSize, 100)})
        returning id, notification_id, subscriber_id, batch_id, attempts`);
    if (!rows.length) return null;
    const batchId = rows[0].batch_id;
    const n = (await tx.query.notification.findFirst({ where: eq(notification.id, rows[0].notification_id) }))!;
    const subs = new Map(
      (
        await tx
          .select({
            id: subscriber.id,
            email: subscriber.email,
            state: subscriber.state,
            pausedAt: subscriber.pausedAt,
            confirmTokenEnc: subscriber.confirmTokenEnc,
            manageTokenEnc: subscriber.manageTokenEnc,
          })
          .from(subscriber)
          .where(
            inArray(
              subscriber.id,
              rows.map((r) => r.subscriber_id),
            ),
          )
      ).map((s) => [s.id, s]),
    );
    // Unsubscribed, quarantined or paused since enqueue → skipped. Decided only before
    // the batch's first request (attempts = 0): once a request may have reached
    // the provider, the members must stay the same for the idempotency key.
    if (rows[0].attempts === 0) {
      const skipped = rows.filter((r) => !mayReceive(n.kind, subs.get(r.subscriber_id)));
      if (skipped.length) {
        await tx.run(sql`update delivery set status = 'skipped', lease_owner = null, lease_until = null, last_error =
        'not subscribed at send time'
          where id in (${sql.join(
            skipped.map((r) => sql`${r.id}`),
            sql`, `,
          )})`);
        rows = rows.filter((r) => !skipped.includes(r));
      }
    }
    // Counted before the request: a crash after it still counts as tried.
    if (rows.length)
      await tx.run(sql`update delivery set attempts = attempts + 1 where batch_id = ${batchId} and status = 'pending'`);
    rows.sort((a, b) => (a.id < b.id ? -1 : 1));
    return { batchId, notification: n, rows, subs, attempts: rows.length ? rows[0].attempts + 1 : 0 };
  });
}

/** The From line: the page's own sender when set, else the install's (staff email, lib/users/staff-mail.tsx, too). */
export function senderOf(p: { name: string; emailFrom: string | null }, fallback: string): string {
  if (!p.emailFrom) return fallback;
  return `${headerSafe(p.name).replace(/[<>"\\,;:@]/g, "")} <${p.emailFrom}>`;
}

function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from;
}

/** Renders the batch's notification (once, stored) and hands the personalized emails to the mailer. */
async function sendLeased(
  ctx: PublicCtx,
  deps: DeliveryDeps,
  { batchId, notification: n, rows, subs }: LeasedBatch,
): Promise<SendOutcome> {
  const p = (await ctx.db.query.page.findFirst({ where: eq(page.id, n.pageId) }))!;
  const root = publicBaseUrl(p, deps.baseUrl);
  const from = senderOf(p, deps.defaultFrom);
  const rendered = await ensureRendered(ctx.db, n, deps.baseUrl);

  await deps.pacer.wait();
  // Built after the wait, so a batch's ~100 bodies exist only for its request
  // rather than for as long as the lane queues for its slot.
  const emails: OutgoingEmail[] = rows.map((r) => {
    const s = subs.get(r.subscriber_id)!;
    const manage = s.manageTokenEnc ? revealToken(deps.secret, s.manageTokenEnc) : "";
    const confirm = s.confirmTokenEnc ? revealToken(deps.secret, s.confirmTokenEnc) : "";
    const oneClick = `${root}/subscriptions/one-click?token=${manage}`;
    const body = personalize(rendered, {
      email: s.email,
      manageUrl: `${root}/subscriptions/manage?token=${manage}`,
      unsubscribeUrl: `${root}/subscriptions/unsubscribe?token=${manage}`,
      confirmUrl: `${root}/subscriptions/confirm?token=${confirm}`,
    });
    return {
      from,
      to: s.email,
      ...body,
      headers: {
        // RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to the https URL.
        "List-Unsubscribe": `<${oneClick}>, <mailto:${addressOf(from)}?subject=unsubscribe>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    };
  });

  return deps.mailer.sendBatch(emails, `herald-batch-${batchId}`);
}

/** Sends one leased batch and records the outcome on its rows. Returns false when nothing was due. */
export async function deliverOneBatch(ctx: PublicCtx, deps: DeliveryDeps): Promise<boolean> {
  const batch = await leaseBatch(ctx, deps);
  if (!batch) return false;
  const { batchId, notification: n, rows, attempts } = batch;
  if (!rows.length) return true;

  // A batch that cannot be rendered or handed over (a bug, a missing row) is
  // an attempt like a transport failure: it backs off, then fails with its
  // error for the console's Outbox. Thrown, it would stay pending forever.
  let outcome: SendOutcome;
  try {
    outcome = await sendLeased(ctx, deps, batch);
  } catch (err) {
    outcome = {
      kind: "transient",
      error: `could not render or send: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500),
    };
  }
  const now = ctx.now().getTime();
  const where = sql`batch_id = ${batchId} and status = 'pending'`;
  switch (outcome.kind) {
    case "accepted": {
      const ids = JSON.stringify(Object.fromEntries(rows.map((r, i) => [r.id, outcome.ids[i]])));
      await write(
        ctx,
        sql`update delivery set status = 'sent', sent_at = ${now}, provider_message_id = json_extract(${ids}, '$."' ||
        id || '"'),
        lease_owner = null, lease_until = null, last_error = null where ${where}`,
      );
      break;
    }
    case "rate_limited":
      // The provider's pace, not this batch's fault: not counted as an attempt.
      deps.pacer.pause(outcome.retryAfterMs);
      await write(
        ctx,
        sql`update delivery set attempts = attempts - 1, next_attempt_at = ${now + outcome.retryAfterMs},
        lease_owner = null, lease_until = null, last_error = ${outcome.error} where ${where}`,
      );
      break;
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: out of attempts, a transient failure is permanent
    case "transient":
      if (attempts < deps.maxAttempts) {
        const wait = Math.min(deps.backoffBaseMs * 2 ** (attempts - 1), deps.backoffMaxMs);
        await write(
          ctx,
          sql`update delivery set next_attempt_at = ${now + wait}, lease_owner = null, lease_until = null, last_error =
          ${outcome.error} where ${where}`,
        );
        break;
      }
    // falls through: out of attempts
    case "permanent":
      await write(
        ctx,
        sql`update delivery set status = 'failed', refused = ${outcome.kind === "permanent"}, lease_owner = null,
        lease_until = null, last_error = ${outcome.error} where ${where}`,
      );
      // Once per batch, when it is given up: retries in between are visible in the Outbox.
      deps.log(
        `[herald] ${rows.length} ${n.kind} deliveries of notification ${n.id} failed after ${attempts} attempt(s): ` +
          `${outcome.error}`,
      );
      break;
  }
  return true;
}
