import { apiRoute } from "@/app/_server/api";
import { listMaintenancesV1 } from "@/lib/statuspage/v1";
import { parseListQuery } from "@/lib/statuspage/v1-input";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ pageId: string }>(async ({ ctx, page, query }) =>
  listMaintenancesV1(ctx.db, page, "upcoming", parseListQuery(query)),
);
