import { apiRoute } from "@/app/_server/api";
import { updatePage } from "@/lib/page/page";
import { pageV1 } from "@/lib/statuspage/v1";
import { PagePatchBody, toUpdatePageInput } from "@/lib/statuspage/v1-input";

export const dynamic = "force-dynamic";

type Params = { pageId: string };

export const GET = apiRoute<Params>(async ({ page }) => pageV1(page));

const patch = apiRoute<Params>(
  async ({ ctx, body }) => pageV1(await updatePage(ctx, toUpdatePageInput(await body(PagePatchBody)))),
  { wrapper: "page" },
);
export { patch as PATCH, patch as PUT };
