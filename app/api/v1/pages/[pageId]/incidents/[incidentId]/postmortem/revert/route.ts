import { apiRoute } from "@/app/_server/api";
import { getIncidentOrThrow } from "@/lib/incidents/incidents";
import { revertPostmortem } from "@/lib/incidents/postmortem";
import { postmortemV1 } from "@/lib/statuspage/v1-postmortem";

export const dynamic = "force-dynamic";

type Params = { pageId: string; incidentId: string };

/** Takes the postmortem off the incident page; its text stays as the draft. */
export const PUT = apiRoute<Params>(async ({ ctx, page, params }) => {
  await revertPostmortem(ctx, { incidentId: params.incidentId });
  return postmortemV1(await getIncidentOrThrow(ctx.db, page.id, params.incidentId));
});
