// What the OG cards say (app/_og/card.tsx draws it). Text goes through ogText.
import { INDICATOR_COLORS } from "../badges/badge";
import { impactText, type PublicIncidentSummary } from "../public/incident";
import type { OverallStatus } from "../status/rules";
import { formatDateTime } from "../time/format";
import { OG_NAME_MAX, OG_TITLE_MAX, ogText } from "./text";

export interface CardText {
  brandColor: string;
  /** The small line above the title; left out when the title already names the page. */
  pageName?: string;
  title: string;
  /** The coloured pill: status words and their colour. */
  pill: { text: string; color: string };
  lines: string[];
}

/** The status page's card: "Acme Cloud status" (the page named once) and the overall status. */
export function siteCardText(page: { name: string; brandColor: string }, overall: OverallStatus): CardText {
  return {
    brandColor: page.brandColor,
    title: ogText(`${page.name} status`, OG_TITLE_MAX),
    pill: { text: overall.description, color: INDICATOR_COLORS[overall.indicator] },
    lines: [],
  };
}

/** The page's name for the line above an incident's title. */
export const cardPageName = (name: string) => ogText(name, OG_NAME_MAX);

const NO_IMPACT_COLOR = "#52525b";

/**
 * An incident's card: its title, impact and when it began (a maintenance: when it is scheduled for). It carries
 * nothing an update changes. Chat apps and social sites keep the first card they fetch for days, so a status drawn on
 * it would go on saying "Investigating" long after the fix; the page's description (its metadata) says the status
 * now. It also leaves the card's file untouched on the static mirror from one update to the next.
 */
export function incidentCardText(
  page: { name: string; brandColor: string; timeZone: string },
  incident: Pick<PublicIncidentSummary, "name" | "kind" | "impact" | "startedAt" | "scheduledFor">,
): CardText {
  const maintenance = incident.kind === "maintenance";
  const since = maintenance && incident.scheduledFor;
  return {
    brandColor: page.brandColor,
    pageName: cardPageName(page.name),
    title: ogText(incident.name, OG_TITLE_MAX),
    pill: {
      text: impactText(incident),
      color: maintenance
        ? INDICATOR_COLORS.maintenance
        : incident.impact === "none"
          ? NO_IMPACT_COLOR
          : INDICATOR_COLORS[incident.impact],
    },
    lines: [
      since
        ? `Scheduled for ${formatDateTime(since, page.timeZone)}`
        : `Began ${formatDateTime(incident.startedAt, page.timeZone)}`,
    ],
  };
}
