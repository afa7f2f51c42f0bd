import { apiRoute } from "@/app/_server/api";
import { getSubscriber, removeSubscriber } from "@/lib/subscribers/admin";
import { subscriberV1 } from "@/lib/subscribers/v1";

export const dynamic = "force-dynamic";

type Params = { pageId: string; subscriberId: string };

export const GET = apiRoute<Params>(async ({ ctx, params }) =>
  subscriberV1(await getSubscriber(ctx, params.subscriberId)),
);

/** Unsubscribes (the row stays for the delivery history) and answers with the subscriber as it is now. */
export const DELETE = apiRoute<Params>(async ({ ctx, params }) => {
  await removeSubscriber(ctx, params.subscriberId);
  return subscriberV1(await getSubscriber(ctx, params.subscriberId));
});
