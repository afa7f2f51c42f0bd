import { env } from "@/lib/env";
import { buildRss } from "@/lib/feeds/feeds";
import { loadFeedEntries } from "@/lib/public/feed";
import { publicBaseUrl } from "@/lib/public/page";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

export async function GET() {
  const { page, entries } = await loadFeedEntries(getDb());
  const body = buildRss({ page, entries, baseUrl: publicBaseUrl(page, env().HERALD_URL) });
  return new Response(body, {
    headers: { "content-type": "application/rss+xml; charset=utf-8", "cache-control": "no-store" },
  });
}
