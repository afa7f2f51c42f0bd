// Subscribers follow audiences (issue 13): a notification about a restricted
// incident, or about components that are all restricted, reaches only
// subscribers whose address is a member of one of those audiences (by
// address or by @domain). Channels without an address (webhooks, chat) get
// none of it.
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { audienceRestriction, component } from "@/db/schema";

/** The audiences an event is for, or null when it is for everyone. */
export async function eventAudiences(
  tx: Tx,
  incidentId: string,
  componentIds: readonly string[],
): Promise<string[] | null> {
  const own = await tx
    .select({ id: audienceRestriction.audienceId })
    .from(audienceRestriction)
    .where(and(eq(audienceRestriction.entityType, "incident"), eq(audienceRestriction.entityId, incidentId)));
  if (own.length) return own.map((r) => r.id);
  if (!componentIds.length) return null;
  const rows = await tx
    .select({ id: component.id, groupId: component.groupId })
    .from(component)
    .where(inArray(component.id, [...componentIds]));
  const entities = [...rows.map((r) => r.id), ...rows.flatMap((r) => (r.groupId ? [r.groupId] : []))];
  const restrictions = await tx
    .select({
      type: audienceRestriction.entityType,
      id: audienceRestriction.entityId,
      audienceId: audienceRestriction.audienceId,
    })
    .from(audienceRestriction)
    .where(inArray(audienceRestriction.entityId, entities));
  const audiences = new Set<string>();
  for (const c of rows) {
    const mine = restrictions.filter(
      (r) => (r.type === "component" && r.id === c.id) || (r.type === "group" && r.id === c.groupId),
    );
    if (!mine.length) return null; // one public component: the event is public
    for (const r of mine) audiences.add(r.audienceId);
  }
  return [...audiences];
}

/** Whether the address `email` (an SQL expression) is a member of one of these audiences: itself or its domain. */
export function memberOf(audiences: readonly string[], email: SQL): SQL {
  return sql`exists (select 1 from audience_member am where am.audience_id in (${sql.join(
    audiences.map((a) => sql`${a}`),
    sql`, `,
  )}) and (am.email = lower(${email}) or am.email = '@' || substr(lower(${email}), instr(${email}, '@') + 1)))`;
}

/** The SQL condition on subscriber `s` for an event's audiences (empty when the event is for everyone). */
export function audienceRecipients(audiences: readonly string[] | null): SQL {
  if (audiences === null) return sql``;
  if (!audiences.length) return sql`and 0`;
  return sql`and ${memberOf(audiences, sql`s.email`)}`;
}

/** Whether an address may hear about this incident: anyone for a public one, its audiences' members otherwise. */
export async function mayHearOfIncident(tx: Tx, incidentId: string, email: string): Promise<boolean> {
  const audiences = await eventAudiences(tx, incidentId, []);
  if (audiences === null) return true;
  if (!audiences.length) return false;
  const row = await tx.get<{ ok: number }>(sql`select ${memberOf(audiences, sql`${email}`)} as ok`);
  return row?.ok === 1;
}
