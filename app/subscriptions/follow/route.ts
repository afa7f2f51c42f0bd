import { formRoute } from "@/app/_server/forms";
import { subscriptionConfig } from "@/app/_server/subscriptions";
import { followIncident } from "@/lib/subscribers/subscribe";

/**
 * The "follow this incident" form's POST (components/status/follow-form.tsx).
 * Like /subscriptions/new: every outcome gets the same 303 to the same page.
 */
export const POST = formRoute({ name: "follow", invalid: () => "/subscriptions/check-email?invalid=1" }, async (f) => {
  const input = { email: f.text("email"), incidentId: f.text("incident"), honeypot: f.text("website"), ip: f.ip };
  await followIncident(f.ctx, f.pageId, input, subscriptionConfig());
  return "/subscriptions/check-email";
});
