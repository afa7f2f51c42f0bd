import { formRoute } from "@/app/_server/forms";
import { confirmChannelCode } from "@/lib/subscribers/channels";
import { isWellFormedToken } from "@/lib/subscribers/tokens";

/** The code from the verification message, typed back by the visitor. */
export const POST = formRoute(
  { name: "channel confirm", invalid: () => "/subscriptions/done?what=invalid" },
  async (f) => {
    const token = f.form?.get("token");
    const result = await confirmChannelCode(f.ctx, token, f.text("code").slice(0, 50));
    return `/subscriptions/channel?token=${isWellFormedToken(token) ? token : ""}&result=${result}`;
  },
);
