import { ogCard } from "@/app/_og/card";
import { siteCardText } from "@/lib/og/cards";
import { loadOverall } from "@/lib/public/badges/overall";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/** The status page's card: its name and the overall status. */
export async function GET() {
  const { page, overall } = await loadOverall(getDb());
  return ogCard(siteCardText(page, overall));
}
