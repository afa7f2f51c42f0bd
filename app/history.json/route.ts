import { privatePageRefusal, renderViewer } from "@/app/_server/viewer";
import { env } from "@/lib/env";
import { buildJsonFeed, JSON_FEED_CONTENT_TYPE } from "@/lib/feeds/json-feed";
import { loadFeedEntries } from "@/lib/public/feed";
import { publicBaseUrl } from "@/lib/public/page";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

export async function GET() {
  const viewer = await renderViewer();
  if (!viewer) return privatePageRefusal();
  const { page, entries } = await loadFeedEntries(getDb(), undefined, viewer);
  const body = buildJsonFeed({ page, entries, baseUrl: publicBaseUrl(page, env().HERALD_URL) });
  return new Response(body, { headers: { "content-type": JSON_FEED_CONTENT_TYPE, "cache-control": "no-store" } });
}
