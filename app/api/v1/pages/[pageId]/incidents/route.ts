import { apiRoute } from "@/app/_server/api";
import { createIncident } from "@/lib/incidents/incidents";
import { getIncidentV1, listIncidentsV1 } from "@/lib/statuspage/v1";
import { IncidentCreateBody, parseListQuery, toCreateIncidentInput } from "@/lib/statuspage/v1-input";

export const dynamic = "force-dynamic";

type Params = { pageId: string };

export const GET = apiRoute<Params>(async ({ ctx, page, query }) =>
  listIncidentsV1(ctx.db, page, parseListQuery(query)),
);

export const POST = apiRoute<Params>(
  async ({ ctx, page, body }) => {
    const created = await createIncident(ctx, toCreateIncidentInput(await body(IncidentCreateBody)));
    return getIncidentV1(ctx.db, page, created.incident.id);
  },
  // A backfilled incident is checked by its first update's display time.
  { status: 201, wrapper: "incident", renames: { notify: "deliver_notifications", displayAt: "backfill_date" } },
);
