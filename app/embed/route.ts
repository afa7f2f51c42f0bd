import { env } from "@/lib/env";
import { embedHtml } from "@/lib/embed/widget";
import { loadStatusPage, publicBaseUrl } from "@/lib/public/loaders";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/** The iframe widget. The one public response other sites may frame (next.config.ts, lib/snapshots/routes.ts). */
export async function GET() {
  const data = await loadStatusPage(getDb());
  return new Response(embedHtml(data, publicBaseUrl(data.page, env().HERALD_URL)), {
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-security-policy": "frame-ancestors *" },
  });
}
