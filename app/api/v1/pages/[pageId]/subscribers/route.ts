import { apiRoute } from "@/app/_server/api";
import { env } from "@/lib/env";
import { addSubscriber, listSubscribers } from "@/lib/subscribers/admin";
import { parseSubscriberQuery, SubscriberCreateBody, subscriberV1, toAddSubscriberInput } from "@/lib/subscribers/v1";

export const dynamic = "force-dynamic";

type Params = { pageId: string };

export const GET = apiRoute<Params>(async ({ ctx, query }) =>
  (await listSubscribers(ctx, parseSubscriberQuery(query))).subscribers.map(subscriberV1),
);

/**
 * A live subscription for the address already → 409 (the existing one is left
 * as it is). skip_confirmation_notification is honoured for admin keys; with
 * an editor key the subscriber is created unconfirmed and gets a confirmation
 * email (lib/subscribers/admin.ts maySkipConfirmation).
 */
export const POST = apiRoute<Params>(
  async ({ ctx, body }) =>
    subscriberV1(await addSubscriber(ctx, env().HERALD_SECRET, toAddSubscriberInput(await body(SubscriberCreateBody)))),
  {
    status: 201,
    wrapper: "subscriber",
    renames: { componentIds: "component_ids", skipConfirmation: "skip_confirmation_notification" },
  },
);
