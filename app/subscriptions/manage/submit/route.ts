import { formRoute } from "@/app/_server/forms";
import { updatePreferencesByToken } from "@/lib/subscribers/subscribe";

/** Saves the manage page's component choice (none ticked = everything) and event choice (none = the default). */
export const POST = formRoute({ name: "manage", invalid: () => "/subscriptions/done?what=invalid" }, async (f) => {
  const ok = await updatePreferencesByToken(f.ctx, f.pageId, f.form?.get("token"), f.all("component"), f.all("events"));
  return `/subscriptions/done?what=${ok ? "saved" : "invalid"}`;
});
