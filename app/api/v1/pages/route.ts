import { apiRoute } from "@/app/_server/api";
import { pageV1 } from "@/lib/statuspage/v1";

export const dynamic = "force-dynamic";

/** The pages this key may manage: its own. */
export const GET = apiRoute(async ({ page }) => [pageV1(page)]);
