import { apiRoute } from "@/app/_server/api";
import { deleteIncident, patchIncident } from "@/lib/incidents/incidents";
import { patchMaintenance } from "@/lib/maintenance/patch";
import { getIncidentV1 } from "@/lib/statuspage/v1";
import {
  AnyIncidentCreateBody,
  MAINTENANCE_RENAMES,
  planIncidentOrMaintenancePatch,
} from "@/lib/statuspage/v1-maintenance";

export const dynamic = "force-dynamic";

type Params = { pageId: string; incidentId: string };

export const GET = apiRoute<Params>(async ({ ctx, page, params }) => getIncidentV1(ctx.db, page, params.incidentId));

/**
 * As in Statuspage, a PATCH with status, body or components posts a new
 * update; name and impact_override edit the incident, in one transaction.
 * On a maintenance, the window and its switches edit it (before it starts).
 */
const patch = apiRoute<Params>(
  async ({ ctx, page, params, body }) => {
    const planned = await planIncidentOrMaintenancePatch(
      ctx.db,
      page,
      params.incidentId,
      await body(AnyIncidentCreateBody),
    );
    if (planned.kind === "maintenance") await patchMaintenance(ctx, planned.plan);
    else await patchIncident(ctx, planned.plan);
    return getIncidentV1(ctx.db, page, params.incidentId);
  },
  { wrapper: "incident", renames: { ...MAINTENANCE_RENAMES, notify: "deliver_notifications" } },
);
export { patch as PATCH, patch as PUT };

/** Answers with the incident as it was, timeline included. */
export const DELETE = apiRoute<Params>(async ({ ctx, page, params }) => {
  const before = await getIncidentV1(ctx.db, page, params.incidentId);
  await deleteIncident(ctx, { id: params.incidentId });
  return before;
});
