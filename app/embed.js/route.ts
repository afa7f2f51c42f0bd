import { privatePageRefusal, renderViewer } from "@/app/_server/viewer";
import { env } from "@/lib/env";
import { loadEmbed } from "@/lib/embed/model";
import { embedScript } from "@/lib/embed/widget";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/**
 * The script widget: carries the same model as /embed, so it needs no request of its own (a snapshot per content
 * version).
 */
export async function GET() {
  const viewer = await renderViewer();
  if (!viewer) return privatePageRefusal();
  return new Response(embedScript(await loadEmbed(getDb(), env().HERALD_URL, viewer)), {
    headers: {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "no-store",
      "access-control-allow-origin": "*",
    },
  });
}
