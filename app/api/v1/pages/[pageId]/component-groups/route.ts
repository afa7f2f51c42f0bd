import { apiRoute } from "@/app/_server/api";
import { createGroup } from "@/lib/components/components";
import { getComponentGroupV1, listComponentGroupsV1 } from "@/lib/statuspage/v1";
import { GroupCreateBody, toCreateGroupInput } from "@/lib/statuspage/v1-input";

export const dynamic = "force-dynamic";

type Params = { pageId: string };

export const GET = apiRoute<Params>(async ({ ctx, page }) => listComponentGroupsV1(ctx.db, page.id));

export const POST = apiRoute<Params>(
  async ({ ctx, page, body }) => {
    const group = await createGroup(ctx, toCreateGroupInput(await body(GroupCreateBody)));
    return getComponentGroupV1(ctx.db, page.id, group.id);
  },
  { status: 201, wrapper: "component_group", renames: { componentIds: "components" } },
);
