import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { DEFAULT_EMAIL_EVENTS, type NotificationKind } from "@/db/constants";
import { channelDelivery, delivery, notification, type Subscriber } from "@/db/schema";
import { audienceRecipients, eventAudiences } from "../audiences/notify";
import { EVENT_OF_KIND } from "../channels/events";
import { newId } from "../ids";
import { isPrivatePage } from "../viewers/access";

export interface EnqueueInput {
  pageId: string;
  kind: NotificationKind;
  /** The incident or maintenance; null for a component status change (component_updated). */
  incidentId: string | null;
  incidentUpdateId: string | null;
  /** component_updated: the component_status_change row it announces. */
  componentStatusChangeId?: string | null;
  /** Components the event affects; subscribers scoped to other components are skipped. */
  componentIds: readonly string[];
  now: Date;
}

/**
 * Delivery ids for an INSERT … SELECT ordered by `key` (the subscriber's or target's id): the notification's id and a
 * fixed-width row number. Rows then arrive in the order of both the primary key and the (notification, recipient)
 * unique index, so each index grows at its end; random ids (and random recipient ids in scan order) made each row
 * a B-tree insert at a random page and dominated the publish transaction (bench/fanout.ts). Unique because the
 * notification's id is, and stable once written (a webhook's `webhook-id` is derived from it).
 */
const rowIds = (notificationId: string, key: SQL) =>
  sql`${notificationId} || printf('%08d', row_number() over (order by ${key}))`;

/**
 * Writes the outbox inside the publish transaction: one notification row and
 * one pending delivery per matching active, unpaused subscriber, chosen now
 * (enqueue time) so later scope changes don't rewrite history. A subscriber
 * matches when they chose this kind of event (incidents, maintenance,
 * component status changes) and by component scope (none = everything),
 * unless they are an incident-only follower; anyone following this incident
 * matches. One INSERT … SELECT keeps this fast at 100k subscribers. Sending
 * happens later, in the worker (which skips whoever paused or left since).
 *
 * Returns the notification's id, or null when it reached nobody and was not
 * kept (component status changes only: nobody chose them is the common case,
 * and an empty row would only clutter the delivery log).
 */
export async function enqueueNotification(tx: Tx, input: EnqueueInput): Promise<string | null> {
  const id = newId();
  await tx.insert(notification).values({
    id,
    pageId: input.pageId,
    kind: input.kind,
    incidentId: input.incidentId,
    incidentUpdateId: input.incidentUpdateId,
    componentStatusChangeId: input.componentStatusChangeId ?? null,
    createdAt: input.now,
  });
  const at = input.now.getTime();
  const ids = sql.join(
    input.componentIds.map((c) => sql`${c}`),
    sql`, `,
  );
  const scope = input.componentIds.length
    ? sql`or exists (select 1 from subscriber_component sc where sc.subscriber_id = s.id
      and sc.component_id in (${ids}))`
    : sql``;
  // A restricted event reaches only its audiences' subscribers (lib/audiences/notify.ts). A component status
  // change has no incident of its own: only its component's restrictions count ("" matches no incident).
  const restrictedTo = await eventAudiences(tx, input.incidentId ?? "", input.componentIds);
  const audiences = audienceRecipients(restrictedTo);
  const event = EVENT_OF_KIND[input.kind];
  const chose = (alias: "s" | "t") =>
    event ? sql.raw(`exists (select 1 from json_each(${alias}.events) e where e.value = '${event}')`) : sql`1`;
  // Nearly every email subscriber keeps the default choice: a string comparison answers for those rows, and
  // json_each (~3 µs a row, 0.3 s at 100k) runs only for the others.
  const usual = sql.raw(`'${JSON.stringify(DEFAULT_EMAIL_EVENTS)}'`);
  const emailChose = !event
    ? sql`1`
    : DEFAULT_EMAIL_EVENTS.includes(event)
      ? sql`(s.events = ${usual} or ${chose("s")})`
      : sql`(s.events <> ${usual} and ${chose("s")})`;
  const follows = input.incidentId
    ? sql`or exists (select 1 from subscriber_incident si where si.subscriber_id = s.id and si.incident_id =
        ${input.incidentId})`
    : sql``;
  const emails = await tx.run(sql`
    insert into delivery (id, notification_id, subscriber_id, status, attempts, next_attempt_at, created_at)
    select ${rowIds(id, sql`s.id`)}, ${id}, s.id, 'pending', 0, ${at}, ${at}
    from subscriber s
    where s.page_id = ${input.pageId} and s.state = 'active' and s.paused_at is null ${audiences}
      and ((s.incident_only = 0 and ${emailChose}
        and (not exists (select 1 from subscriber_component sc where sc.subscriber_id = s.id) ${scope}))
        ${follows})
    order by s.id`);
  // Channel targets (webhook, Slack, Teams, Discord) that chose this kind of
  // event, same scope rule; no follow-an-incident for them.
  const channelScope = input.componentIds.length
    ? sql`or exists (select 1 from channel_target_component tc where tc.target_id = t.id and tc.component_id in
    (${ids}))`
    : sql``;
  // A restricted event never goes to a channel target: it has no address to be an audience member. Nor does a
  // private page's event go to a target a visitor added (one added while the page was public): nobody behind it was
  // ever checked as a reader. Targets staff or the API added are theirs to choose.
  const addedBy = (await isPrivatePage(tx, input.pageId)) ? sql`and t.added_by <> 'visitor'` : sql``;
  const channels =
    event && restrictedTo === null
      ? await tx.run(sql`
      insert into channel_delivery (id, notification_id, target_id, status, attempts, next_attempt_at, created_at)
      select ${rowIds(id, sql`t.id`)}, ${id}, t.id, 'pending', 0, ${at}, ${at}
      from channel_target t
      where t.page_id = ${input.pageId} and t.state = 'active' and ${chose("t")} ${addedBy}
        and (not exists (select 1 from channel_target_component tc where tc.target_id = t.id) ${channelScope})
      order by t.id`)
      : { rowsAffected: 0 };
  if (input.kind === "component_updated" && emails.rowsAffected + channels.rowsAffected === 0) {
    await tx.delete(notification).where(eq(notification.id, id));
    return null;
  }
  return id;
}

/**
 * Takes back what could still go out for the notifications matching `which` (a condition on notification): every
 * pending webhook or chat delivery, and the pending or failed email (the console's retry would send a failed one), or
 * with `keepEmailTo` (a condition on its subscriber `s`) only the email to those it does not match. Sent rows stay:
 * they happened.
 */
export async function withdrawDeliveries(tx: Tx, which: SQL, reason: string, keepEmailTo?: SQL): Promise<void> {
  const ids = tx.select({ id: notification.id }).from(notification).where(which);
  const skipped = { status: "skipped" as const, lastError: reason };
  const keep = keepEmailTo
    ? sql`not exists (select 1 from subscriber s where s.id = ${delivery.subscriberId} and ${keepEmailTo})`
    : undefined;
  await tx
    .update(delivery)
    .set(skipped)
    .where(and(inArray(delivery.status, ["pending", "failed"]), inArray(delivery.notificationId, ids), keep));
  await tx
    .update(channelDelivery)
    .set(skipped)
    .where(and(eq(channelDelivery.status, "pending"), inArray(channelDelivery.notificationId, ids)));
}

/**
 * Whether a queued email may still go to this subscriber: the confirmation request while they have not confirmed,
 * anything else while they are subscribed and not paused. The worker asks before a batch's first request, the
 * console's retry before it puts a failed one back.
 */
export function mayReceive(
  kind: NotificationKind,
  s: Pick<Subscriber, "state" | "pausedAt" | "confirmTokenEnc"> | undefined,
): boolean {
  if (!s) return false;
  return kind === "subscription_confirmation"
    ? s.state === "unconfirmed" && !!s.confirmTokenEnc
    : s.state === "active" && s.pausedAt === null;
}
