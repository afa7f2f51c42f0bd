import { formRoute } from "@/app/_server/forms";
import { checkPagePassword } from "@/lib/viewers/sign-in";
import { signedIn, tooMany } from "../../session";

export const POST = formRoute(
  { name: "viewer-password", invalid: () => "/viewer/sign-in?error=password" },
  async (f) => {
    const result = await checkPagePassword(f.ctx, { password: f.text("password"), ip: f.ip });
    if (result.kind === "limited") return tooMany(result.retryAfterMs);
    if (result.kind === "wrong")
      return `/viewer/sign-in?error=password&next=${encodeURIComponent(f.text("next") || "/")}`;
    return signedIn({ kind: "password" }, f.text("next"));
  },
);
