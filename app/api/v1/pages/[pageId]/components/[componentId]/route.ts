import { apiRoute } from "@/app/_server/api";
import { deleteComponent, getComponentOrThrow, updateComponent } from "@/lib/components/components";
import { componentV1 } from "@/lib/statuspage/v1";
import { ComponentPatchBody, toUpdateComponentInput } from "@/lib/statuspage/v1-input";

export const dynamic = "force-dynamic";

type Params = { pageId: string; componentId: string };

export const GET = apiRoute<Params>(async ({ ctx, page, params }) =>
  componentV1(await getComponentOrThrow(ctx.db, page.id, params.componentId)),
);

const patch = apiRoute<Params>(
  async ({ ctx, params, body }) =>
    componentV1(await updateComponent(ctx, toUpdateComponentInput(params.componentId, await body(ComponentPatchBody)))),
  { wrapper: "component" },
);
export { patch as PATCH, patch as PUT };

/** Answers with the component as it was before the delete. */
export const DELETE = apiRoute<Params>(async ({ ctx, page, params }) => {
  const before = componentV1(await getComponentOrThrow(ctx.db, page.id, params.componentId));
  await deleteComponent(ctx, { id: params.componentId });
  return before;
});
