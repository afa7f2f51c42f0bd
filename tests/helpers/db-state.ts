import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { SubscriberState } from "../../db/constants";
import { subscriber, subscriberComponent } from "../../db/schema";
import { newId } from "../../lib/ids";

/** Every application table of the database (the migrator's journal left out). */
export async function tableNames(db: Db): Promise<string[]> {
  const rows = await db.all<{ name: string }>(
    sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'
    order by name`,
  );
  return rows.map((r) => r.name);
}

/** Derived by public renders, which run on their own after any change (lib/statuspage/v2-stamp.ts): not state. */
const RENDER_DERIVED = new Set(["v2_document_stamp"]);

/**
 * Row count of every table plus the pages' content versions: a use case that
 * fails must leave all of it exactly as it was.
 */
export async function dbState(db: Db): Promise<Record<string, number>> {
  const state: Record<string, number> = {};
  for (const name of await tableNames(db)) {
    if (RENDER_DERIVED.has(name)) continue;
    const row = await db.get<{ n: number }>(sql.raw(`select count(*) as n from "${name}"`));
    state[name] = row.n;
  }
  const v = await db.get<{ v: number | null }>(sql`select sum(content_version) as v from page`);
  state["page.content_version"] = v.v ?? 0;
  return state;
}

/** Subscriber rows are inserted directly: their use cases belong to another feature. */
export async function addSubscriber(
  db: Db,
  pageId: string,
  email: string,
  state: SubscriberState,
  componentIds: string[] = [],
): Promise<string> {
  const id = newId();
  const now = new Date("2026-01-01T00:00:00Z");
  await db.insert(subscriber).values({ id, pageId, email, state, createdAt: now, updatedAt: now });
  if (componentIds.length)
    await db.insert(subscriberComponent).values(componentIds.map((componentId) => ({ subscriberId: id, componentId })));
  return id;
}
