import { apiRoute } from "@/app/_server/api";
import { deleteIncidentUpdate, editIncidentUpdate } from "@/lib/incidents/incidents";
import { getIncidentUpdateV1 } from "@/lib/statuspage/v1";
import { IncidentUpdatePatchBody, toEditUpdateInput } from "@/lib/statuspage/v1-input";

export const dynamic = "force-dynamic";

type Params = { pageId: string; incidentId: string; updateId: string };

export const GET = apiRoute<Params>(async ({ ctx, page, params }) =>
  getIncidentUpdateV1(ctx.db, page, params.incidentId, params.updateId),
);

const patch = apiRoute<Params>(
  async ({ ctx, page, params, body }) => {
    await editIncidentUpdate(
      ctx,
      toEditUpdateInput(params.incidentId, params.updateId, await body(IncidentUpdatePatchBody)),
    );
    return getIncidentUpdateV1(ctx.db, page, params.incidentId, params.updateId);
  },
  { wrapper: "incident_update" },
);
export { patch as PATCH, patch as PUT };

/** Answers with the update as it was. An incident keeps at least one update. */
export const DELETE = apiRoute<Params>(async ({ ctx, page, params }) => {
  const before = await getIncidentUpdateV1(ctx.db, page, params.incidentId, params.updateId);
  await deleteIncidentUpdate(ctx, { incidentId: params.incidentId, updateId: params.updateId });
  return before;
});
