// Drafts: incidents saved unpublished with no publish time (monitor alerts
// open them, lib/integrations). Nothing about a draft is public and nobody is
// notified until a person publishes it here.
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { incidentUpdate } from "@/db/schema";
import { parseInput, requireRole, type Ctx } from "../context";
import { ConflictError } from "../errors";
import { Id } from "../ids";
import { getPage } from "../page/page";
import { getIncidentOrThrow } from "./incidents";
import { publishUnpublishedIncident } from "./scheduled";

export const PublishDraftInput = z.strictObject({ id: Id, notify: z.boolean().default(false) });
export type PublishDraftInput = z.input<typeof PublishDraftInput>;

/** Publishes a draft now; `notify` decides whether its first update goes to subscribers. */
export async function publishDraftIncident(ctx: Ctx, input: PublishDraftInput): Promise<void> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(PublishDraftInput, input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const inc = await getIncidentOrThrow(tx, p.id, data.id);
    if (inc.publishedAt || inc.publishAt) throw new ConflictError("This incident is not a draft");
    const first = await tx
      .select()
      .from(incidentUpdate)
      .where(eq(incidentUpdate.incidentId, inc.id))
      .orderBy(asc(incidentUpdate.seq))
      .limit(1)
      .get();
    if (first)
      await tx.update(incidentUpdate).set({ deliverNotifications: data.notify }).where(eq(incidentUpdate.id, first.id));
    if (!(await publishUnpublishedIncident(tx, ctx, inc.id, "incident.publish_draft")))
      throw new ConflictError("This incident was published meanwhile");
  });
}
