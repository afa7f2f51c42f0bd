import { formRoute } from "@/app/_server/forms";
import { setPausedByToken } from "@/lib/subscribers/subscribe";

/** The manage page's Pause / Resume buttons (`paused` = "1" pauses, anything else resumes). */
export const POST = formRoute({ name: "pause", invalid: () => "/subscriptions/done?what=invalid" }, async (f) => {
  const paused = f.text("paused") === "1";
  const ok = await setPausedByToken(f.ctx, f.pageId, f.form?.get("token"), paused);
  return `/subscriptions/done?what=${ok ? (paused ? "paused" : "resumed") : "invalid"}`;
});
