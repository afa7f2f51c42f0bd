import { privatePageRefusal, renderViewer } from "@/app/_server/viewer";
import { pageBadge } from "@/lib/badges/badge";
import { loadOverall } from "@/lib/public/badges/overall";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

export async function GET() {
  const viewer = await renderViewer();
  if (!viewer) return privatePageRefusal();
  const { page, overall } = await loadOverall(getDb(), viewer);
  return new Response(pageBadge(page.name, overall), {
    headers: { "content-type": "image/svg+xml; charset=utf-8", "cache-control": "no-store" },
  });
}
