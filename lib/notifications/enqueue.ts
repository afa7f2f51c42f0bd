import { sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { NotificationKind } from "@/db/constants";
import { notification } from "@/db/schema";
import { audienceRecipients, eventAudiences } from "../audiences/notify";
import { EVENT_OF_KIND } from "../channels/events";
import { newId } from "../ids";

export interface EnqueueInput {
  pageId: string;
  kind: NotificationKind;
  incidentId: string;
  incidentUpdateId: string | null;
  /** Components the event affects; subscribers scoped to other components are skipped. */
  componentIds: readonly string[];
  now: Date;
}

/**
 * Writes the outbox inside the publish transaction: one notification row and
 * one pending delivery per matching active, unpaused subscriber, chosen now
 * (enqueue time) so later scope changes don't rewrite history. A subscriber
 * matches by component scope (none = everything) unless they are an
 * incident-only follower; anyone following this incident matches. One
 * INSERT … SELECT keeps this fast at 100k subscribers. Sending happens later,
 * in the worker (which skips whoever paused or left since).
 */
export async function enqueueNotification(tx: Tx, input: EnqueueInput): Promise<string> {
  const id = newId();
  await tx.insert(notification).values({
    id,
    pageId: input.pageId,
    kind: input.kind,
    incidentId: input.incidentId,
    incidentUpdateId: input.incidentUpdateId,
    createdAt: input.now,
  });
  const at = input.now.getTime();
  const scope = input.componentIds.length
    ? sql`or exists (select 1 from subscriber_component sc where sc.subscriber_id = s.id and sc.component_id in
    (${sql.join(
      input.componentIds.map((c) => sql`${c}`),
      sql`, `,
    )}))`
    : sql``;
  // A restricted event reaches only its audiences' subscribers (lib/audiences/notify.ts).
  const restrictedTo = await eventAudiences(tx, input.incidentId, input.componentIds);
  const audiences = audienceRecipients(restrictedTo);
  await tx.run(sql`
    insert into delivery (id, notification_id, subscriber_id, status, attempts, next_attempt_at, created_at)
    select lower(hex(randomblob(6))), ${id}, s.id, 'pending', 0, ${at}, ${at}
    from subscriber s
    where s.page_id = ${input.pageId} and s.state = 'active' and s.paused_at is null ${audiences}
      and ((s.incident_only = 0 and (not exists (select 1 from subscriber_component sc where sc.subscriber_id = s.id)
      ${scope}))
        or exists (select 1 from subscriber_incident si where si.subscriber_id = s.id and si.incident_id =
        ${input.incidentId}))`);
  // Channel targets (webhook, Slack, Teams, Discord) that chose this kind of
  // event, same scope rule; no follow-an-incident for them.
  const event = EVENT_OF_KIND[input.kind];
  const channelScope = input.componentIds.length
    ? sql`or exists (select 1 from channel_target_component tc where tc.target_id = t.id and tc.component_id in
    (${sql.join(
      input.componentIds.map((c) => sql`${c}`),
      sql`, `,
    )}))`
    : sql``;
  // A restricted event never goes to a channel target: it has no address to be an audience member.
  if (event && restrictedTo === null)
    await tx.run(sql`
      insert into channel_delivery (id, notification_id, target_id, status, attempts, next_attempt_at, created_at)
      select lower(hex(randomblob(8))), ${id}, t.id, 'pending', 0, ${at}, ${at}
      from channel_target t
      where t.page_id = ${input.pageId} and t.state = 'active'
        and exists (select 1 from json_each(t.events) e where e.value = ${event})
        and (not exists (select 1 from channel_target_component tc where tc.target_id = t.id) ${channelScope})`);
  return id;
}
