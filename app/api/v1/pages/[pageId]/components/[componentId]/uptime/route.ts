import { apiRoute } from "@/app/_server/api";
import { componentUptimeV1 } from "@/lib/statuspage/v1-uptime";

export const dynamic = "force-dynamic";

type Params = { pageId: string; componentId: string };

/** `?range_start=YYYY-MM-DD&range_end=YYYY-MM-DD`, local days of the page's zone. */
export const GET = apiRoute<Params>(async ({ ctx, page, params, query }) =>
  componentUptimeV1(ctx.db, page, params.componentId, query, ctx.now()),
);
