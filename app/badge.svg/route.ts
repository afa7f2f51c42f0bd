import { pageBadge } from "@/lib/badges/badge";
import { loadOverall } from "@/lib/public/badges/overall";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

export async function GET() {
  const { page, overall } = await loadOverall(getDb());
  return new Response(pageBadge(page.name, overall), {
    headers: { "content-type": "image/svg+xml; charset=utf-8", "cache-control": "no-store" },
  });
}
