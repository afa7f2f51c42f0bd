import { formRoute } from "@/app/_server/forms";
import { subscriptionConfig } from "@/app/_server/subscriptions";
import { subscribe } from "@/lib/subscribers/subscribe";
import { subscribeRetryPath } from "../retry";

/**
 * The subscribe form's POST (components/status/subscribe-form.tsx). Every
 * outcome — new, pending, active, unsubscribed, rate-limited, honeypot — gets
 * the same 303 to the same page, so the answer says nothing about the address.
 * Only a bad input throws a domain error: the form comes back with it beside the field.
 */
export const POST = formRoute(
  { name: "subscribe", invalid: (f) => subscribeRetryPath("email", f.text("email"), f.all("component")) },
  async (f) => {
    const input = {
      email: f.text("email"),
      componentIds: f.all("component"),
      events: f.all("events") as never,
      honeypot: f.text("website"),
      ip: f.ip,
    };
    await subscribe(f.ctx, f.pageId, input, subscriptionConfig());
    return "/subscriptions/check-email";
  },
);
