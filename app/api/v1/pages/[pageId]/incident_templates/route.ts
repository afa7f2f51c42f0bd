import { apiRoute } from "@/app/_server/api";
import { createTemplate, listTemplates } from "@/lib/templates/templates";
import { TemplateCreateBody, templatesV1, toCreateTemplateInput } from "@/lib/statuspage/v1-templates";

export const dynamic = "force-dynamic";

type Params = { pageId: string };

export const GET = apiRoute<Params>(async ({ ctx, page }) =>
  templatesV1(ctx.db, page.id, await listTemplates(ctx.db, page.id)),
);

export const POST = apiRoute<Params>(
  async ({ ctx, page, body }) => {
    const created = await createTemplate(ctx, toCreateTemplateInput(await body(TemplateCreateBody)));
    return (await templatesV1(ctx.db, page.id, [created]))[0];
  },
  { status: 201, wrapper: "template", renames: { status: "update_status", notify: "should_send_notifications" } },
);
