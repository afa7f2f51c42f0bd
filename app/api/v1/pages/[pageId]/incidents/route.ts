import { apiRoute } from "@/app/_server/api";
import { createIncident } from "@/lib/incidents/incidents";
import { createMaintenance } from "@/lib/maintenance/maintenance";
import { getIncidentV1, listIncidentsV1 } from "@/lib/statuspage/v1";
import { parseListQuery } from "@/lib/statuspage/v1-input";
import { AnyIncidentCreateBody, MAINTENANCE_RENAMES, planIncidentCreate } from "@/lib/statuspage/v1-maintenance";

export const dynamic = "force-dynamic";

type Params = { pageId: string };

export const GET = apiRoute<Params>(async ({ ctx, page, query }) =>
  listIncidentsV1(ctx.db, page, parseListQuery(query)),
);

/** An incident, or a scheduled maintenance when the body has scheduled_for (Statuspage's one endpoint for both). */
export const POST = apiRoute<Params>(
  async ({ ctx, page, body }) => {
    const plan = planIncidentCreate(await body(AnyIncidentCreateBody), page);
    const id =
      plan.kind === "maintenance"
        ? (await createMaintenance(ctx, plan.input)).maintenance.id
        : (await createIncident(ctx, plan.input)).incident.id;
    return getIncidentV1(ctx.db, page, id);
  },
  // A backfilled incident is checked by its first update's display time.
  {
    status: 201,
    wrapper: "incident",
    renames: { ...MAINTENANCE_RENAMES, notify: "deliver_notifications", displayAt: "backfill_date" },
  },
);
