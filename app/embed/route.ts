import { privatePageRefusal, renderViewer } from "@/app/_server/viewer";
import { env } from "@/lib/env";
import { loadEmbed } from "@/lib/embed/model";
import { embedHtml } from "@/lib/embed/widget";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/**
 * The iframe widget, also read by the script widget (/embed.js) from other sites. The one public response other
 * sites may frame (next.config.ts, lib/snapshots/routes.ts).
 */
export async function GET() {
  const viewer = await renderViewer();
  if (!viewer) return privatePageRefusal();
  return new Response(embedHtml(await loadEmbed(getDb(), env().HERALD_URL, viewer)), {
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": "frame-ancestors *",
      "access-control-allow-origin": "*",
    },
  });
}
