import { privatePageRefusal, renderViewer } from "@/app/_server/viewer";
import { ogCard } from "@/app/_og/card";
import { impactText } from "@/components/status/incident-card";
import { INCIDENT_STATUS_LABELS } from "@/db/constants";
import { INDICATOR_COLORS } from "@/lib/badges/badge";
import { cardPageName } from "@/lib/og/cards";
import { OG_TITLE_MAX, ogText } from "@/lib/og/text";
import { formatDateTime } from "@/lib/time/format";
import { loadIncident } from "@/lib/public/incident";
import { loadPublicPage } from "@/lib/public/page";
import { getDb } from "@/lib/runtime";

export const dynamic = "force-dynamic";

const NO_IMPACT_COLOR = "#52525b";

/** An incident's card: title, impact, status and when it was last updated. */
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
  const page = await loadPublicPage(db);
  const maintenance = incident.kind === "maintenance";
  const latest = incident.updates[0];
  return ogCard({
    brandColor: page.brandColor,
    pageName: cardPageName(page.name),
    title: ogText(incident.name, OG_TITLE_MAX),
    pill: {
      text: `${impactText(incident)} · ${INCIDENT_STATUS_LABELS[incident.status]}`,
      color: maintenance
        ? INDICATOR_COLORS.maintenance
        : incident.impact === "none"
          ? NO_IMPACT_COLOR
          : INDICATOR_COLORS[incident.impact],
    },
    lines: latest ? [`Latest update: ${formatDateTime(latest.displayAt, page.timeZone)}`] : [],
  });
}
