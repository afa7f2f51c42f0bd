// Postmortems, as Statuspage has them: a markdown draft the team edits and
// previews, published onto the incident page (optionally notifying
// subscribers), and reversible back to a draft. While one is published the
// incident's status reads "postmortem" (refreshIncidentCaches derives it).
import { eq } from "drizzle-orm";
import { z } from "zod";
import { incident, type Incident } from "@/db/schema";
import { audit } from "../audit";
import { parseInput, requireRole, type Ctx } from "../context";
import { ConflictError, ValidationError } from "../errors";
import { Id } from "../ids";
import { renderMarkdown } from "../markdown/render";
import { enqueueNotification } from "../notifications/enqueue";
import { getPage } from "../page/page";
import { getIncidentOrThrow } from "./incidents";
import { affectedComponentIds, incidentEdited } from "./timeline";

export const SavePostmortemDraftInput = z.strictObject({
  incidentId: Id,
  body: z.string().trim().max(100_000, "At most 100,000 characters"),
});
export type SavePostmortemDraftInput = z.input<typeof SavePostmortemDraftInput>;

export const PublishPostmortemInput = z.strictObject({ incidentId: Id, notify: z.boolean().default(false) });
export type PublishPostmortemInput = z.input<typeof PublishPostmortemInput>;

export interface PostmortemDto {
  incidentId: string;
  incidentStatus: Incident["status"];
  draft: string | null;
  /** Sanitized HTML of the draft, exactly as the incident page would show it. */
  draftHtml: string | null;
  published: string | null;
  publishedAt: Date | null;
  /** The draft differs from what is published. */
  unpublishedChanges: boolean;
}

export function postmortemDto(i: Incident): PostmortemDto {
  const published = i.postmortemPublishedAt ? i.postmortemBody : null;
  return {
    incidentId: i.id,
    incidentStatus: i.status,
    draft: i.postmortemDraft,
    draftHtml: i.postmortemDraft ? renderMarkdown(i.postmortemDraft) : null,
    published,
    publishedAt: i.postmortemPublishedAt,
    unpublishedChanges: (i.postmortemDraft ?? null) !== published,
  };
}

export async function savePostmortemDraft(ctx: Ctx, input: SavePostmortemDraftInput): Promise<PostmortemDto> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(SavePostmortemDraftInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await getIncidentOrThrow(tx, p.id, data.incidentId);
    const now = ctx.now();
    // A draft is private: nothing public changes, so no version bump.
    await tx
      .update(incident)
      .set({ postmortemDraft: data.body || null, updatedAt: now })
      .where(eq(incident.id, before.id));
    const after = await getIncidentOrThrow(tx, p.id, before.id);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "postmortem.save_draft",
      entityType: "incident",
      entityId: before.id,
      before: { draft: before.postmortemDraft },
      after: { draft: after.postmortemDraft },
    });
    return postmortemDto(after);
  });
}

export async function publishPostmortem(ctx: Ctx, input: PublishPostmortemInput): Promise<PostmortemDto> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(PublishPostmortemInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await getIncidentOrThrow(tx, p.id, data.incidentId);
    if (!before.postmortemDraft?.trim())
      throw new ValidationError("Write the postmortem before publishing it", { body: ["Write the postmortem first"] });
    if (before.status !== "resolved" && before.status !== "postmortem")
      throw new ConflictError("Resolve the incident before publishing its postmortem");
    const now = ctx.now();
    await tx
      .update(incident)
      .set({ postmortemBody: before.postmortemDraft, postmortemPublishedAt: now, updatedAt: now })
      .where(eq(incident.id, before.id));
    const after = await incidentEdited(tx, p.id, before.id, now);
    // Backfilled history never notifies; neither does an unpublished incident.
    if (data.notify && !before.backfilled && before.publishedAt) {
      await enqueueNotification(tx, {
        pageId: p.id,
        kind: "postmortem_published",
        incidentId: before.id,
        incidentUpdateId: null,
        componentIds: await affectedComponentIds(tx, before.id),
        now,
      });
    }
    await audit(tx, ctx, {
      pageId: p.id,
      action: "postmortem.publish",
      entityType: "incident",
      entityId: before.id,
      after: { body: after.postmortemBody, notify: data.notify },
    });
    return postmortemDto(after);
  });
}

/** Takes the postmortem off the incident page; its text stays as the draft. */
export async function revertPostmortem(ctx: Ctx, input: { incidentId: string }): Promise<PostmortemDto> {
  requireRole(ctx.actor, "editor");
  const { incidentId } = parseInput(z.strictObject({ incidentId: Id }), input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = await getIncidentOrThrow(tx, p.id, incidentId);
    if (!before.postmortemPublishedAt) throw new ConflictError("The postmortem is not published");
    const now = ctx.now();
    await tx
      .update(incident)
      .set({
        postmortemDraft: before.postmortemDraft ?? before.postmortemBody,
        postmortemBody: null,
        postmortemPublishedAt: null,
        updatedAt: now,
      })
      .where(eq(incident.id, before.id));
    const after = await incidentEdited(tx, p.id, before.id, now);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "postmortem.revert",
      entityType: "incident",
      entityId: before.id,
      before: { body: before.postmortemBody },
    });
    return postmortemDto(after);
  });
}
