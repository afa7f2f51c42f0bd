import { apiRoute } from "@/app/_server/api";
import { createComponent } from "@/lib/components/components";
import { componentV1, listComponentsV1 } from "@/lib/statuspage/v1";
import { ComponentCreateBody, toCreateComponentInput } from "@/lib/statuspage/v1-input";

export const dynamic = "force-dynamic";

type Params = { pageId: string };

export const GET = apiRoute<Params>(async ({ ctx, page }) => listComponentsV1(ctx.db, page.id));

export const POST = apiRoute<Params>(
  async ({ ctx, body }) =>
    componentV1(await createComponent(ctx, toCreateComponentInput(await body(ComponentCreateBody)))),
  { status: 201, wrapper: "component" },
);
