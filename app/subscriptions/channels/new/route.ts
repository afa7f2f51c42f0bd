import { formRoute } from "@/app/_server/forms";
import { subscriptionConfig } from "@/app/_server/subscriptions";
import { ConflictError } from "@/lib/errors";
import { channelEnvFromEnv, requestChannelTarget } from "@/lib/subscribers/channels";

/** The channel form's POST: a pending target and one verification message, then its page. */
export const POST = formRoute(
  { name: "channel subscribe", invalid: () => "/subscriptions/channels?error=invalid" },
  async (f) => {
    try {
      const r = await requestChannelTarget(f.ctx, channelEnvFromEnv(), subscriptionConfig().limits, {
        kind: f.text("kind") as never,
        url: f.text("url"),
        ownerEmail: f.text("email") || null,
        events: f.all("events") as never,
        honeypot: f.text("website"),
        ip: f.ip,
      });
      if (r.kind === "limited") return "/subscriptions/channels?error=limited";
      if (r.kind === "private") return "/subscriptions/channels?error=private";
      if (r.kind === "ignored") return "/subscriptions/check-email";
      return `/subscriptions/channel?token=${r.manageToken}`;
    } catch (err) {
      if (err instanceof ConflictError) return "/subscriptions/channels?error=taken";
      throw err;
    }
  },
);
