import { apiRoute } from "@/app/_server/api";
import { NotFoundError } from "@/lib/errors";
import { getSubscriber, removeSubscriber } from "@/lib/subscribers/admin";
import { getChannelTarget, removeChannelTarget } from "@/lib/subscribers/channels";
import { channelSubscriberV1, subscriberV1 } from "@/lib/subscribers/v1";

export const dynamic = "force-dynamic";

type Params = { pageId: string; subscriberId: string };

/** An email subscriber, or else a webhook/chat one (ids never collide: both are random). */
async function either<A, B>(email: () => Promise<A>, channel: () => Promise<B>): Promise<A | B> {
  try {
    return await email();
  } catch (err) {
    if (err instanceof NotFoundError) return channel();
    throw err;
  }
}

export const GET = apiRoute<Params>(async ({ ctx, params }) =>
  either(
    async () => subscriberV1(await getSubscriber(ctx, params.subscriberId)),
    async () => channelSubscriberV1(await getChannelTarget(ctx, params.subscriberId)),
  ),
);

/** Unsubscribes (the row stays for the delivery history) and answers with the subscriber as it is now. */
export const DELETE = apiRoute<Params>(async ({ ctx, params }) =>
  either(
    async () => {
      await removeSubscriber(ctx, params.subscriberId);
      return subscriberV1(await getSubscriber(ctx, params.subscriberId));
    },
    async () => channelSubscriberV1(await removeChannelTarget(ctx, params.subscriberId)),
  ),
);
