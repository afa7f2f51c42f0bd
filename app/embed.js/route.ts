import { privatePageRefusal, renderViewer } from "@/app/_server/viewer";
import { embedScript } from "@/lib/embed/widget";
import { loadPublicPage } from "@/lib/public/page";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/**
 * The script widget: a loader that reads /embed from the reader's browser, so it carries no status and its bytes
 * change only with the page's name (a snapshot per content version, the same one version after version).
 */
export async function GET() {
  if (!(await renderViewer())) return privatePageRefusal();
  return new Response(embedScript((await loadPublicPage(getDb())).name), {
    headers: {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "no-store",
      "access-control-allow-origin": "*",
    },
  });
}
