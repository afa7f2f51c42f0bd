// Statuspage v1 postmortems (PUT /incidents/{id}/postmortem, …/publish,
// …/revert): request bodies and the Postmortem object, over lib/incidents/postmortem.ts.
import { z } from "zod";
import type { Incident } from "@/db/schema";
import type { PublishPostmortemInput, SavePostmortemDraftInput } from "../incidents/postmortem";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const PostmortemDraftBody = z.strictObject({ postmortem: z.strictObject({ body_draft: z.string() }) });

/** Herald posts nothing to Twitter: notify_twitter and custom_tweet are accepted for old scripts and ignored. */
export const PostmortemPublishBody = z.strictObject({
  postmortem: z
    .strictObject({ notify_subscribers: z.boolean(), notify_twitter: z.boolean(), custom_tweet: z.string().nullable() })
    .partial()
    .optional(),
});

export function toSaveDraftInput(
  incidentId: string,
  body: z.infer<typeof PostmortemDraftBody>,
): SavePostmortemDraftInput {
  return { incidentId, body: body.postmortem.body_draft };
}

export function toPublishInput(
  incidentId: string,
  body: z.infer<typeof PostmortemPublishBody>,
): PublishPostmortemInput {
  return { incidentId, notify: body.postmortem?.notify_subscribers ?? false };
}

/**
 * Statuspage's Postmortem object. Herald keeps no separate timestamps for the
 * draft or whether the publication notified: those read null.
 */
export function postmortemV1(i: Incident) {
  const published = i.postmortemPublishedAt ? i.postmortemBody : null;
  return {
    preview_key: null,
    body: published,
    body_updated_at: iso(i.postmortemPublishedAt),
    body_draft: i.postmortemDraft,
    body_draft_updated_at: null,
    published_at: iso(i.postmortemPublishedAt),
    notify_subscribers: null,
    notify_twitter: false,
    custom_tweet: null,
    created_at: iso(i.createdAt),
    updated_at: iso(i.updatedAt),
  };
}
