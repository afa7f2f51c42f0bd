import { apiRoute } from "@/app/_server/api";
import { deleteGroup, updateGroup } from "@/lib/components/components";
import { getComponentGroupV1 } from "@/lib/statuspage/v1";
import { GroupPatchBody, toUpdateGroupInput } from "@/lib/statuspage/v1-input";

export const dynamic = "force-dynamic";

type Params = { pageId: string; groupId: string };

export const GET = apiRoute<Params>(async ({ ctx, page, params }) =>
  getComponentGroupV1(ctx.db, page.id, params.groupId),
);

const patch = apiRoute<Params>(
  async ({ ctx, page, params, body }) => {
    await updateGroup(ctx, toUpdateGroupInput(params.groupId, await body(GroupPatchBody)));
    return getComponentGroupV1(ctx.db, page.id, params.groupId);
  },
  { wrapper: "component_group", renames: { componentIds: "components" } },
);
export { patch as PATCH, patch as PUT };

/** Answers with the group as it was; its components stay, ungrouped. */
export const DELETE = apiRoute<Params>(async ({ ctx, page, params }) => {
  const before = await getComponentGroupV1(ctx.db, page.id, params.groupId);
  await deleteGroup(ctx, { id: params.groupId });
  return before;
});
