// What the OG cards say (app/_og/card.tsx draws it). Text goes through ogText.
import { INDICATOR_COLORS } from "../badges/badge";
import type { OverallStatus } from "../status/rules";
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
