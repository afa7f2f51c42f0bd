import { privatePageRefusal, renderViewer } from "@/app/_server/viewer";
import { componentBadge } from "@/lib/badges/badge";
import { loadPublicComponent } from "@/lib/public/badges/overall";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/** Unknown, hidden and deleted components answer the same 404. */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const viewer = await renderViewer();
  if (!viewer) return privatePageRefusal();
  const c = await loadPublicComponent(getDb(), (await params).id, viewer);
  if (!c)
    return new Response("Not found\n", {
      status: 404,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  return new Response(componentBadge(c.name, c.status), {
    headers: { "content-type": "image/svg+xml; charset=utf-8", "cache-control": "no-store" },
  });
}
