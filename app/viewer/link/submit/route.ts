import { formRoute } from "@/app/_server/forms";
import { consumeMagicLink } from "@/lib/viewers/sign-in";
import { signedIn } from "../../session";

/** Uses the link once and signs the viewer in. */
export const POST = formRoute({ name: "viewer-link-use", invalid: () => "/viewer/sign-in?error=link" }, async (f) => {
  const email = await consumeMagicLink(f.ctx, f.text("token"));
  if (!email) return "/viewer/sign-in?error=link";
  return signedIn({ kind: "email", email }, f.text("next"));
});
