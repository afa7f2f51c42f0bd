import { apiRoute } from "@/app/_server/api";
import { getIncidentOrThrow } from "@/lib/incidents/incidents";
import { savePostmortemDraft } from "@/lib/incidents/postmortem";
import { PostmortemDraftBody, postmortemV1, toSaveDraftInput } from "@/lib/statuspage/v1-postmortem";

export const dynamic = "force-dynamic";

type Params = { pageId: string; incidentId: string };

export const GET = apiRoute<Params>(async ({ ctx, page, params }) =>
  postmortemV1(await getIncidentOrThrow(ctx.db, page.id, params.incidentId)),
);

/** Saves the draft; nothing public changes until …/publish. */
export const PUT = apiRoute<Params>(
  async ({ ctx, page, params, body }) => {
    await savePostmortemDraft(ctx, toSaveDraftInput(params.incidentId, await body(PostmortemDraftBody)));
    return postmortemV1(await getIncidentOrThrow(ctx.db, page.id, params.incidentId));
  },
  { wrapper: "postmortem", renames: { body: "body_draft" } },
);
