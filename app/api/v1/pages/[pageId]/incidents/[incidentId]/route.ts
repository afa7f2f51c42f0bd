import { apiRoute } from "@/app/_server/api";
import { deleteIncident, getIncidentOrThrow, patchIncident } from "@/lib/incidents/incidents";
import { getIncidentV1 } from "@/lib/statuspage/v1";
import { IncidentPatchBody, planIncidentPatch } from "@/lib/statuspage/v1-input";

export const dynamic = "force-dynamic";

type Params = { pageId: string; incidentId: string };

export const GET = apiRoute<Params>(async ({ ctx, page, params }) => getIncidentV1(ctx.db, page, params.incidentId));

/**
 * As in Statuspage, a PATCH with status, body or components posts a new
 * update; name and impact_override edit the incident, in one transaction.
 */
const patch = apiRoute<Params>(
  async ({ ctx, page, params, body }) => {
    const input = await body(IncidentPatchBody);
    const current = await getIncidentOrThrow(ctx.db, page.id, params.incidentId);
    const plan = planIncidentPatch(current.id, current.status, input);
    await patchIncident(ctx, plan);
    return getIncidentV1(ctx.db, page, current.id);
  },
  { wrapper: "incident", renames: { notify: "deliver_notifications" } },
);
export { patch as PATCH, patch as PUT };

/** Answers with the incident as it was, timeline included. */
export const DELETE = apiRoute<Params>(async ({ ctx, page, params }) => {
  const before = await getIncidentV1(ctx.db, page, params.incidentId);
  await deleteIncident(ctx, { id: params.incidentId });
  return before;
});
