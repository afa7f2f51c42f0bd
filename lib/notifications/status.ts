import { and, desc, eq, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { NotificationKind } from "@/db/constants";
import { delivery, incident, notification, subscriber } from "@/db/schema";
import { audit } from "../audit";
import { requireRole, type Ctx } from "../context";
import { NotFoundError } from "../errors";
import { getPage } from "../page/page";

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
 * Puts a notification's failed deliveries back in the queue as new batches
 * (fresh idempotency keys: the provider never accepted them, as far as we know).
 */
export async function retryFailedDeliveries(ctx: Ctx, notificationId: string): Promise<number> {
  requireRole(ctx.actor, "editor");
  return ctx.db.transaction(async (tx: Tx) => {
    const p = await getPage(tx);
    const n = await tx.query.notification.findFirst({
      where: and(eq(notification.id, notificationId), eq(notification.pageId, p.id)),
    });
    if (!n) throw new NotFoundError("Notification");
    const now = ctx.now();
    const res = await tx
      .update(delivery)
      .set({ status: "pending", attempts: 0, batchId: null, leaseOwner: null, leaseUntil: null, nextAttemptAt: now })
      .where(and(eq(delivery.notificationId, n.id), eq(delivery.status, "failed")));
    await audit(tx, ctx, {
      pageId: p.id,
      action: "notification.retry_failed",
      entityType: "notification",
      entityId: n.id,
      after: { retried: res.rowsAffected },
    });
    return res.rowsAffected;
  });
}
