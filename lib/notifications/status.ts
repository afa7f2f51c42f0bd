import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { NotificationKind } from "@/db/constants";
import { delivery, incident, notification, subscriber } from "@/db/schema";
import { audit } from "../audit";
import { requireRole, type Ctx } from "../context";
import { NotFoundError } from "../errors";
import { getPage } from "../page/page";
import { mayReceive } from "./enqueue";

export interface NotificationSummary {
  id: string;
  kind: NotificationKind;
  incidentId: string | null;
  incidentName: string | null;
  createdAt: Date;
  pending: number;
  sent: number;
  failed: number;
  skipped: number;
}

/** "Incident created: API errors": how the console names a notification. */
export function notificationLabel(n: Pick<NotificationSummary, "kind" | "incidentName">): string {
  const kind = n.kind.replaceAll("_", " ");
  return `${kind[0].toUpperCase()}${kind.slice(1)}${n.incidentName ? `: ${n.incidentName}` : ""}`;
}

/** The console's delivery log: one row per notification with counts per delivery state. */
export async function listNotificationSummaries(
  ctx: Ctx,
  opts: { limit?: number } = {},
): Promise<NotificationSummary[]> {
  return summaries(ctx, undefined, opts.limit ?? 50);
}

/** One notification's summary (the heading of its deliveries page); undefined when it is not this page's. */
export async function getNotificationSummary(
  ctx: Ctx,
  notificationId: string,
): Promise<NotificationSummary | undefined> {
  return (await summaries(ctx, notificationId, 1))[0];
}

async function summaries(ctx: Ctx, notificationId: string | undefined, limit: number): Promise<NotificationSummary[]> {
  requireRole(ctx.actor, "viewer");
  const p = await getPage(ctx.db);
  return ctx.db
    .select({
      id: notification.id,
      kind: notification.kind,
      incidentId: notification.incidentId,
      incidentName: incident.name,
      createdAt: notification.createdAt,
      pending: sql<number>`coalesce(sum(${delivery.status} = 'pending'), 0)`,
      sent: sql<number>`coalesce(sum(${delivery.status} = 'sent'), 0)`,
      failed: sql<number>`coalesce(sum(${delivery.status} = 'failed'), 0)`,
      skipped: sql<number>`coalesce(sum(${delivery.status} = 'skipped'), 0)`,
    })
    .from(notification)
    .leftJoin(incident, eq(incident.id, notification.incidentId))
    .leftJoin(delivery, eq(delivery.notificationId, notification.id))
    .where(
      and(
        eq(notification.pageId, p.id),
        notificationId === undefined ? undefined : eq(notification.id, notificationId),
      ),
    )
    .groupBy(notification.id)
    .orderBy(desc(notification.createdAt), desc(notification.id))
    .limit(Math.min(Math.max(limit, 1), 200));
}

export interface DeliveryRow {
  id: string;
  email: string;
  status: string;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
  nextAttemptAt: Date;
}

/** Deliveries of one notification, failures first. */
export async function listDeliveries(
  ctx: Ctx,
  notificationId: string,
  opts: { limit?: number } = {},
): Promise<DeliveryRow[]> {
  requireRole(ctx.actor, "viewer");
  const p = await getPage(ctx.db);
  return ctx.db
    .select({
      id: delivery.id,
      email: subscriber.email,
      status: delivery.status,
      attempts: delivery.attempts,
      lastError: delivery.lastError,
      sentAt: delivery.sentAt,
      nextAttemptAt: delivery.nextAttemptAt,
    })
    .from(delivery)
    .innerJoin(notification, eq(notification.id, delivery.notificationId))
    .innerJoin(subscriber, eq(subscriber.id, delivery.subscriberId))
    .where(and(eq(delivery.notificationId, notificationId), eq(notification.pageId, p.id)))
    .orderBy(sql`${delivery.status} = 'failed' desc`, delivery.id)
    .limit(Math.min(Math.max(opts.limit ?? 200, 1), 1000));
}

/**
 * Puts a notification's failed deliveries back in the queue. A batch the provider refused (a 4xx) goes back without
 * its batch: nothing of it was accepted, so new batches with new idempotency keys are safe. A batch given up after
 * timeouts or 5xx may have been accepted all the same: it goes back whole under its key, so the provider answers a
 * request it already took with its first answer instead of mailing it twice (Resend keeps keys for 24 hours). Whoever
 * may no longer receive it (unsubscribed, paused) is skipped, and then the rest of that batch has to go under a new
 * key. A deleted update's or withdrawn recipient's failed rows were skipped when that happened (withdrawDeliveries):
 * nothing is revived here.
 */
export async function retryFailedDeliveries(ctx: Ctx, notificationId: string): Promise<number> {
  requireRole(ctx.actor, "editor");
  return ctx.db.transaction(async (tx: Tx) => {
    const p = await getPage(tx);
    const n = await tx.query.notification.findFirst({
      where: and(eq(notification.id, notificationId), eq(notification.pageId, p.id)),
    });
    if (!n) throw new NotFoundError("Notification");
    const failed = await tx
      .select({
        id: delivery.id,
        batchId: delivery.batchId,
        refused: delivery.refused,
        state: subscriber.state,
        pausedAt: subscriber.pausedAt,
        confirmTokenEnc: subscriber.confirmTokenEnc,
      })
      .from(delivery)
      .innerJoin(subscriber, eq(subscriber.id, delivery.subscriberId))
      .where(and(eq(delivery.notificationId, n.id), eq(delivery.status, "failed")));
    // A batch's request went to its members that were tried (the worker skips some before the first): all of them
    // must go again for its key to hold.
    const tried = new Map(
      (
        await tx
          .select({ batchId: delivery.batchId, n: sql<number>`count(*)` })
          .from(delivery)
          .where(and(eq(delivery.notificationId, n.id), sql`${delivery.attempts} > 0`))
          .groupBy(delivery.batchId)
      ).map((b) => [b.batchId, b.n]),
    );
    const batches = new Map<string | null, typeof failed>();
    for (const d of failed) {
      const rows = batches.get(d.batchId);
      if (rows) rows.push(d);
      else batches.set(d.batchId, [d]);
    }
    const skip: string[] = [];
    const rekey: string[] = [];
    const keep: string[] = [];
    for (const [batchId, rows] of batches) {
      const receiving: string[] = [];
      for (const d of rows) (mayReceive(n.kind, d) ? receiving : skip).push(d.id);
      const whole = batchId !== null && !rows[0].refused && receiving.length === tried.get(batchId);
      (whole ? keep : rekey).push(...receiving);
    }
    const now = ctx.now();
    const back = { status: "pending" as const, leaseOwner: null, leaseUntil: null, nextAttemptAt: now };
    await updateDeliveries(tx, skip, { status: "skipped", lastError: "not subscribed at retry time" });
    // Without a batch, the worker checks each member again before the first request (attempts 0).
    await updateDeliveries(tx, rekey, { ...back, attempts: 0, batchId: null, refused: false });
    // Past the first attempt: the worker sends the batch as it is, the members its key was given for.
    await updateDeliveries(tx, keep, { ...back, attempts: 1 });
    const retried = rekey.length + keep.length;
    await audit(tx, ctx, {
      pageId: p.id,
      action: "notification.retry_failed",
      entityType: "notification",
      entityId: n.id,
      after: { retried, sameKey: keep.length, skipped: skip.length },
    });
    return retried;
  });
}

async function updateDeliveries(tx: Tx, ids: string[], values: Partial<typeof delivery.$inferInsert>): Promise<void> {
  // Chunked: SQLite binds at most 32k parameters per statement.
  for (let i = 0; i < ids.length; i += 10_000)
    await tx
      .update(delivery)
      .set(values)
      .where(inArray(delivery.id, ids.slice(i, i + 10_000)));
}
