import { formRoute } from "@/app/_server/forms";
import { env } from "@/lib/env";
import { getPage } from "@/lib/page/page";
import { publicBaseUrl } from "@/lib/public/page";
import { loadViewerSettings } from "@/lib/viewers/access";
import { startViewerOidc, viewerOidcOf } from "@/lib/viewers/oidc";
import { oidcFlowCookie } from "../../session";

/** "Sign in with single sign-on": off to the provider, with this browser's flow in a signed cookie. */
export const POST = formRoute({ name: "viewer-oidc-start", invalid: () => "/viewer/sign-in?error=oidc" }, async (f) => {
  const page = await getPage(f.ctx.db);
  const config = viewerOidcOf(await loadViewerSettings(f.ctx.db, page.id));
  if (!config) return "/viewer/sign-in?error=oidc";
  try {
    const { url, flow } = await startViewerOidc(config, {
      base: publicBaseUrl(page, env().HERALD_URL),
      next: f.text("next"),
      secret: env().HERALD_SECRET,
      now: Date.now(),
    });
    return new Response(null, {
      status: 303,
      headers: { location: url, "cache-control": "no-store", "set-cookie": oidcFlowCookie(flow) },
    });
  } catch (err) {
    // Discovery failed (the provider is down or misconfigured): the name only, never the request's details.
    console.error(`[herald] viewer single sign-on: the provider could not be reached (${(err as Error).name})`);
    return "/viewer/sign-in?error=oidc";
  }
});
