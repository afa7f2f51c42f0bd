import { privatePageRefusal, renderViewer } from "@/app/_server/viewer";
import { env } from "@/lib/env";
import { buildRss } from "@/lib/feeds/feeds";
import { loadFeedEntries } from "@/lib/public/feed";
import { publicBaseUrl } from "@/lib/public/page";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

export async function GET() {
  const viewer = await renderViewer();
  if (!viewer) return privatePageRefusal();
  const { page, entries } = await loadFeedEntries(getDb(), undefined, viewer);
  const body = buildRss({ page, entries, baseUrl: publicBaseUrl(page, env().HERALD_URL) });
  return new Response(body, {
    headers: { "content-type": "application/rss+xml; charset=utf-8", "cache-control": "no-store" },
  });
}
