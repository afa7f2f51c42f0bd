import { formRoute } from "@/app/_server/forms";
import { unsubscribeChannelByToken } from "@/lib/subscribers/channels";
import { isWellFormedToken } from "@/lib/subscribers/tokens";

/** The channel page's "Stop updates" button (meta.unsubscribe leads there; GET never unsubscribes). */
export const POST = formRoute(
  { name: "channel unsubscribe", invalid: () => "/subscriptions/done?what=invalid" },
  async (f) => {
    const token = f.form?.get("token");
    await unsubscribeChannelByToken(f.ctx, token);
    return `/subscriptions/channel?token=${isWellFormedToken(token) ? token : ""}`;
  },
);
