import type { Db } from "@/db/client";
import type { ChannelEvent, ChannelKind, ChannelState } from "@/db/constants";
import { channelTarget, channelTargetComponent } from "@/db/schema";
import { newWebhookSecret } from "@/lib/channels/sign";
import { newId, sha256 } from "@/lib/ids";
import { getPage } from "@/lib/page/page";
import { maskUrl } from "@/lib/subscribers/channels";
import { issueToken, seal } from "@/lib/subscribers/tokens";

export interface TargetRow {
  kind: ChannelKind;
  url: string;
  state: ChannelState;
  componentIds?: string[];
  /** Default: incidents and maintenance. */
  events?: ChannelEvent[];
}

/** Targets inserted directly, sealed as addChannelTarget seals them (fast, for volume tests). Returns their ids. */
export async function insertTargets(db: Db, secret: string, rows: TargetRow[]): Promise<string[]> {
  const pageId = (await getPage(db)).id;
  const now = new Date();
  const manage = issueToken(secret);
  const values = rows.map((r, i) => {
    const url = new URL(r.url);
    return {
      id: newId(),
      pageId,
      kind: r.kind,
      state: r.state,
      urlEnc: seal(secret, "channel-url", url.href),
      urlHash: sha256(url.href),
      label: maskUrl(url),
      host: url.hostname,
      secretEnc: r.kind === "webhook" ? seal(secret, "channel-secret", newWebhookSecret()) : null,
      events: r.events ?? (["incidents", "maintenance"] as ChannelEvent[]),
      // One manage token shared by all rows keeps setup fast; the hashes stay unique.
      manageTokenHash: `${manage.hash}-${i}`,
      manageTokenEnc: manage.enc,
      addedBy: "staff" as const,
      createdAt: now,
      updatedAt: now,
    };
  });
  await db.transaction(async (tx) => {
    for (let i = 0; i < values.length; i += 200) await tx.insert(channelTarget).values(values.slice(i, i + 200));
    const scopes = rows.flatMap((r, i) =>
      (r.componentIds ?? []).map((componentId) => ({ targetId: values[i].id, componentId })),
    );
    if (scopes.length) await tx.insert(channelTargetComponent).values(scopes);
  });
  return values.map((v) => v.id);
}
