// What the embeddable widget shows: one DTO built from the status page
// loader for the /embed document, which the /embed.js script reads too, so
// the widget's two forms cannot drift in content or order.
import { IMPACT_LABELS, INCIDENT_STATUS_LABELS } from "@/db/constants";
import type { Tx } from "@/db/client";
import { INDICATOR_COLORS } from "../badges/badge";
import { publicBaseUrl } from "../public/page";
import { loadStatusPage, type StatusPageData } from "../public/status-page";
import { ANONYMOUS, type Viewer } from "../public/visibility";
import type { Indicator } from "../status/rules";

export interface EmbedItem {
  name: string;
  url: string;
  /** "Major impact · Identified", "Maintenance · In progress". */
  label: string;
}

export interface EmbedModel {
  pageName: string;
  baseUrl: string;
  indicator: Indicator;
  description: string;
  color: string;
  /** Open incidents and maintenances in progress, in the status page's order. */
  items: EmbedItem[];
}

export function embedModel(data: Pick<StatusPageData, "page" | "overall" | "active">, baseUrl: string): EmbedModel {
  return {
    pageName: data.page.name,
    baseUrl,
    indicator: data.overall.indicator,
    description: data.overall.description,
    color: INDICATOR_COLORS[data.overall.indicator],
    items: data.active.map((i) => {
      const kind =
        i.kind === "maintenance"
          ? "Maintenance"
          : i.impact === "none"
            ? "No impact"
            : `${IMPACT_LABELS[i.impact]} impact`;
      return {
        name: i.name,
        url: `${baseUrl}/incidents/${i.id}`,
        label: `${kind} · ${INCIDENT_STATUS_LABELS[i.status]}`,
      };
    }),
  };
}

/** The widget's data; `fallbackUrl` is HERALD_URL, used when the page has no public URL of its own. */
export async function loadEmbed(
  db: Tx,
  fallbackUrl: string | undefined,
  viewer: Viewer = ANONYMOUS,
): Promise<EmbedModel> {
  const data = await loadStatusPage(db, viewer);
  return embedModel(data, publicBaseUrl(data.page, fallbackUrl));
}
