import { privatePageRefusal, renderViewer } from "@/app/_server/viewer";
import { ogCard } from "@/app/_og/card";
import { siteCardText } from "@/lib/og/cards";
import { loadOverall } from "@/lib/public/badges/overall";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/** The status page's card: its name and the overall status. */
export async function GET() {
  const viewer = await renderViewer();
  if (!viewer) return privatePageRefusal();
  const { page, overall } = await loadOverall(getDb(), viewer);
  return ogCard(siteCardText(page, overall));
}
