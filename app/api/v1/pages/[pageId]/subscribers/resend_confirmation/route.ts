import { apiRoute } from "@/app/_server/api";
import { env } from "@/lib/env";
import { ResendConfirmationBody, resendConfirmationsV1 } from "@/lib/statuspage/v1-subscribers";

export const dynamic = "force-dynamic";

/** `{"subscribers": "id1,id2"}` (or an array): a fresh confirmation email to each unconfirmed subscriber. */
export const POST = apiRoute<{ pageId: string }>(
  async ({ ctx, body }) => resendConfirmationsV1(ctx, env().HERALD_SECRET, await body(ResendConfirmationBody)),
  { status: 201 },
);
