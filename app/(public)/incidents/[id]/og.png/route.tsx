import { privatePageRefusal, renderViewer } from "@/app/_server/viewer";
import { ogCard } from "@/app/_og/card";
import { incidentCardText } from "@/lib/og/cards";
import { loadIncident } from "@/lib/public/incident";
import { loadPublicPage } from "@/lib/public/page";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/** An incident's card (lib/og/cards.ts says what it shows, and why not its status). */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const db = getDb();
  const viewer = await renderViewer();
  if (!viewer) return privatePageRefusal();
  const incident = await loadIncident(db, (await params).id, viewer);
  if (!incident)
    return new Response("Not found\n", {
      status: 404,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  return ogCard(incidentCardText(await loadPublicPage(db), incident));
}
