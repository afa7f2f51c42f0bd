import { apiRoute } from "@/app/_server/api";
import { getIncidentOrThrow } from "@/lib/incidents/incidents";
import { publishPostmortem } from "@/lib/incidents/postmortem";
import { PostmortemPublishBody, postmortemV1, toPublishInput } from "@/lib/statuspage/v1-postmortem";

export const dynamic = "force-dynamic";

type Params = { pageId: string; incidentId: string };

/** Publishes the draft on the incident page; notify_subscribers emails them (once, through the outbox). */
export const PUT = apiRoute<Params>(
  async ({ ctx, page, params, body }) => {
    await publishPostmortem(ctx, toPublishInput(params.incidentId, await body(PostmortemPublishBody)));
    return postmortemV1(await getIncidentOrThrow(ctx.db, page.id, params.incidentId));
  },
  { wrapper: "postmortem", renames: { body: "body_draft", notify: "notify_subscribers" } },
);
