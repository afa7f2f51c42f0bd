import { apiRoute } from "@/app/_server/api";
import { env } from "@/lib/env";
import { addSubscriber, listSubscribers } from "@/lib/subscribers/admin";
import { addChannelTarget, channelEnvFromEnv, listChannelTargets } from "@/lib/subscribers/channels";
import {
  channelSubscriberV1,
  channelTypeOf,
  parseSubscriberQuery,
  SubscriberCreateBody,
  subscriberV1,
  toAddChannelInput,
  toAddSubscriberInput,
} from "@/lib/subscribers/v1";

export const dynamic = "force-dynamic";

type Params = { pageId: string };

export const GET = apiRoute<Params>(async ({ ctx, query }) => {
  const type = channelTypeOf(query);
  if (type) return (await listChannelTargets(ctx)).filter((t) => t.kind === type).map(channelSubscriberV1);
  return (await listSubscribers(ctx, parseSubscriberQuery(query))).subscribers.map(subscriberV1);
});

/**
 * A live subscription for the address already → 409 (the existing one is left
 * as it is). skip_confirmation_notification is honoured for admin keys; with
 * an editor key the subscriber is created unconfirmed and gets a confirmation
 * email (lib/subscribers/admin.ts maySkipConfirmation). With `endpoint`, a
 * webhook (or, with `channel`, a chat) target, active at once (admin keys);
 * a webhook's `signing_secret` is in this answer only.
 */
export const POST = apiRoute<Params>(
  async ({ ctx, body }) => {
    const parsed = await body(SubscriberCreateBody);
    const channel = toAddChannelInput(parsed);
    if (channel) {
      const made = await addChannelTarget(ctx, channelEnvFromEnv(), channel);
      return { ...channelSubscriberV1(made.target), signing_secret: made.signingSecret };
    }
    return subscriberV1(await addSubscriber(ctx, env().HERALD_SECRET, toAddSubscriberInput(parsed)));
  },
  {
    status: 201,
    wrapper: "subscriber",
    renames: {
      componentIds: "component_ids",
      skipConfirmation: "skip_confirmation_notification",
      url: "endpoint",
      ownerEmail: "email",
    },
  },
);
