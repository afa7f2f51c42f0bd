// Shields-style ("flat") SVG status badges. Text is escaped and clamped; the
// <title> and aria-label carry the same words for screen readers.
import { COMPONENT_STATUS_LABELS, type ComponentStatus } from "@/db/constants";
import { escapeXml } from "../feeds/xml";
import type { Indicator } from "../status/rules";

const GREEN = "#3c8a2e";
const YELLOW = "#a87a00";
const ORANGE = "#c2570c";
const RED = "#c0392b";
const BLUE = "#1f6fb2";

// Contrast ≥ 4.5:1 against white text at badge size.
export const INDICATOR_COLORS: Record<Indicator, string> = {
  none: GREEN,
  minor: YELLOW,
  major: ORANGE,
  critical: RED,
  maintenance: BLUE,
};
export const COMPONENT_COLORS: Record<ComponentStatus, string> = {
  operational: GREEN,
  degraded_performance: YELLOW,
  partial_outage: ORANGE,
  major_outage: RED,
  under_maintenance: BLUE,
};

const MAX_LABEL = 40;

/** Verdana 11px advance widths, roughly: enough to size the boxes like shields.io does. */
function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    if (/[ilj.,:;'|!I]/.test(ch)) w += 3.6;
    else if (/[mwMW]/.test(ch)) w += 10.5;
    else if (/[A-Z]/.test(ch)) w += 7.6;
    else if (/[0-9a-z ]/.test(ch)) w += ch === " " ? 3.9 : 6.6;
    else w += ch.codePointAt(0)! > 0x2e80 ? 11 : 7.4;
  }
  return Math.ceil(w);
}

function clamp(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, " ").trim()];
  return chars.length > max
    ? `${chars
        .slice(0, max - 1)
        .join("")
        .trimEnd()}…`
    : chars.join("");
}

export interface BadgeInput {
  label: string;
  message: string;
  color: string;
}

export function renderBadge({ label, message, color }: BadgeInput): string {
  const l = clamp(label, MAX_LABEL);
  const m = clamp(message, MAX_LABEL);
  const lw = textWidth(l) + 12;
  const mw = textWidth(m) + 12;
  const w = lw + mw;
  const title = escapeXml(`${l}: ${m}`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" ` +
    `aria-label="${title}"><title>${title}</title><linearGradient id="s" x2="0" y2="100%"><stop offset="0" ` +
    `stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient><clipPath ` +
    `id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect ` +
    `width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${color}"/><rect ` +
    `width="${w}" height="20" fill="url(#s)"/></g><g fill="#fff" text-anchor="middle" ` +
    `font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11"><text x="${lw / 2}" y="15" fill="#010101" ` +
    `fill-opacity=".3" aria-hidden="true">${escapeXml(l)}</text><text x="${lw / 2}" ` +
    `y="14">${escapeXml(l)}</text><text x="${lw + mw / 2}" y="15" fill="#010101" fill-opacity=".3" ` +
    `aria-hidden="true">${escapeXml(m)}</text><text x="${lw + mw / 2}" y="14">${escapeXml(m)}</text></g></svg>`
  );
}

export function pageBadge(pageName: string, overall: { indicator: Indicator; description: string }): string {
  return renderBadge({ label: pageName, message: overall.description, color: INDICATOR_COLORS[overall.indicator] });
}

export function componentBadge(name: string, status: ComponentStatus): string {
  return renderBadge({ label: name, message: COMPONENT_STATUS_LABELS[status], color: COMPONENT_COLORS[status] });
}
