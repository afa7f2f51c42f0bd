import { formRoute } from "@/app/_server/forms";
import { mailerFromEnv } from "@/lib/email/from-env";
import { env } from "@/lib/env";
import { requestMagicLink } from "@/lib/viewers/sign-in";
import { tooMany } from "../../session";

/** Asks for a sign-in link. The answer never says whether the address may sign in. */
export const POST = formRoute({ name: "viewer-link", invalid: () => "/viewer/sign-in" }, async (f) => {
  const e = env();
  const next = f.text("next");
  const result = await requestMagicLink(
    f.ctx,
    { email: f.text("email"), ip: f.ip, next },
    {
      mailer: mailerFromEnv(f.ctx.db),
      fallbackUrl: e.HERALD_URL,
      from: e.HERALD_EMAIL_FROM ?? "Status updates <status@localhost>",
    },
  );
  if (result.kind === "limited") return tooMany(result.retryAfterMs);
  return `/viewer/sign-in?sent=1&next=${encodeURIComponent(next || "/")}`;
});
