import { ogCard } from "@/app/_og/card";
import { INDICATOR_COLORS } from "@/lib/badges/badge";
import { OG_NAME_MAX, OG_TITLE_MAX, ogText } from "@/lib/og/text";
import { loadOverall } from "@/lib/public/loaders";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/** The status page's card: its name and the overall status. */
export async function GET() {
  const { page, overall } = await loadOverall(getDb());
  return ogCard({
    brandColor: page.brandColor,
    pageName: ogText(page.name, OG_NAME_MAX),
    title: ogText(`${page.name} status`, OG_TITLE_MAX),
    pill: { text: overall.description, color: INDICATOR_COLORS[overall.indicator] },
    lines: [],
  });
}
