import { apiRoute } from "@/app/_server/api";
import { unsubscribedV1 } from "@/lib/statuspage/v1-subscribers";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ pageId: string }>(async ({ ctx, query }) => unsubscribedV1(ctx, query));
