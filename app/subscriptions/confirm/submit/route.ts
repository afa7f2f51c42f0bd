import { formRoute } from "@/app/_server/forms";
import { confirmSubscription } from "@/lib/subscribers/subscribe";

/** The confirm page's button. GET never confirms (mail scanners follow links). */
export const POST = formRoute({ name: "confirm", invalid: () => "/subscriptions/done?what=invalid" }, async (f) => {
  const ok = await confirmSubscription(f.ctx, f.pageId, f.form?.get("token"));
  return `/subscriptions/done?what=${ok ? "confirmed" : "invalid"}`;
});
