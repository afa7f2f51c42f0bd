// Renders a notification once per channel kind and stores it (channel_payload),
// so every retry and every worker sends the same bytes.
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { ChannelKind } from "@/db/constants";
import { channelPayload, type Notification } from "@/db/schema";
import { ADAPTERS } from "./adapters";
import { loadChannelEvent, loadComponentEvent } from "./event";

export async function ensureChannelPayload(
  db: Db,
  n: Notification,
  kind: ChannelKind,
  baseUrl: string,
): Promise<string> {
  const find = () =>
    db.query.channelPayload.findFirst({
      where: and(eq(channelPayload.notificationId, n.id), eq(channelPayload.kind, kind)),
    });
  const stored = await find();
  if (stored) return stored.body;
  const body =
    n.kind === "component_updated"
      ? ADAPTERS[kind].renderComponent(await loadComponentEvent(db, n, baseUrl))
      : ADAPTERS[kind].renderEvent(await loadChannelEvent(db, n, baseUrl));
  // Two workers may render at once: the first write wins and both send it.
  await db.transaction((tx) =>
    tx
      .insert(channelPayload)
      .values({ notificationId: n.id, kind, body, createdAt: n.createdAt })
      .onConflictDoNothing(),
  );
  return (await find())!.body;
}
