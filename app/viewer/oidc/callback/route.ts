import { env } from "@/lib/env";
import { getPage } from "@/lib/page/page";
import { publicBaseUrl } from "@/lib/public/page";
import { getDb } from "@/lib/runtime";
import { loadViewerSettings } from "@/lib/viewers/access";
import { finishViewerOidc, OIDC_FLOW_COOKIE, viewerOidcOf, type ViewerOidcResult } from "@/lib/viewers/oidc";
import { clearOidcFlowCookie, cookieValue, signedIn } from "../../session";

export const dynamic = "force-dynamic";

/** The provider sends the browser back here (GET, as OIDC does); the flow cookie is spent either way. */
export async function GET(request: Request): Promise<Response> {
  const db = getDb();
  const page = await getPage(db);
  const config = viewerOidcOf(await loadViewerSettings(db, page.id));
  const result: ViewerOidcResult = config
    ? await finishViewerOidc(db, config, {
        base: publicBaseUrl(page, env().HERALD_URL),
        search: new URL(request.url).search,
        flow: cookieValue(request.headers.get("cookie"), OIDC_FLOW_COOKIE),
        secret: env().HERALD_SECRET,
        now: Date.now(),
      })
    : { kind: "refused", reason: "flow" };
  let res: Response;
  if (result.kind === "signed_in") res = await signedIn({ kind: "email", email: result.email }, result.next);
  else {
    // The reason for the operator; no address, code or token.
    console.warn(
      `[herald] viewer single sign-on refused: ${result.reason}${result.detail ? ` (${result.detail})` : ""}`,
    );
    const error = result.reason === "not_allowed" || result.reason === "email" ? "oidc_denied" : "oidc";
    res = new Response(null, {
      status: 303,
      headers: { location: `/viewer/sign-in?error=${error}`, "cache-control": "no-store" },
    });
  }
  res.headers.append("set-cookie", clearOidcFlowCookie());
  return res;
}
