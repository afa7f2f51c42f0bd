// RSS 2.0 and Atom 1.0 history feeds (DESIGN.md §12): one entry per published
// update of an incident or maintenance and one per published postmortem, newest first, the feed's date being
// its newest entry's. Pure functions of the loader DTOs (loadFeedEntries).
import { INCIDENT_STATUS_LABELS } from "@/db/constants";
import type { FeedEntry } from "../public/feed";
import type { PublicPage } from "../public/page";
import { escapeXml } from "./xml";

export interface FeedInput {
  page: PublicPage;
  entries: readonly FeedEntry[];
  /** Public base URL, no trailing slash (publicBaseUrl). */
  baseUrl: string;
}

export const entryTitle = (e: FeedEntry) => `${e.incidentName} — ${INCIDENT_STATUS_LABELS[e.status]}`;
/**
 * A postmortem's entry opens its section of the incident page (the heading id in app/(public)/incidents/[id]/page.tsx).
 */
export const entryLink = (baseUrl: string, e: FeedEntry) =>
  `${baseUrl}/incidents/${e.incidentId}${e.updateId === null ? "#postmortem-heading" : ""}`;
/**
 * Stable across edits, renames, republishing and a change of public URL:
 * built from the page and update ids only (an incident has at most one
 * postmortem, so its entry is named after the incident).
 */
export const entryId = (pageId: string, e: FeedEntry) =>
  e.updateId === null
    ? `urn:herald:${pageId}:postmortem:${e.incidentId}`
    : `urn:herald:${pageId}:incident-update:${e.updateId}`;

/** The feed's own date: its newest entry's, else a fixed epoch so an empty feed's bytes never change. */
function feedDate(entries: readonly FeedEntry[]): Date {
  return entries[0]?.at ?? new Date(0);
}

export function buildRss({ page, entries, baseUrl }: FeedInput): string {
  const items = entries
    .map(
      (e) => `    <item>
      <title>${escapeXml(entryTitle(e))}</title>
      <link>${escapeXml(entryLink(baseUrl, e))}</link>
      <guid isPermaLink="false">${escapeXml(entryId(page.id, e))}</guid>
      <pubDate>${e.at.toUTCString()}</pubDate>
      <category>${e.kind}</category>
      <description>${escapeXml(e.html)}</description>
    </item>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${escapeXml(`${page.name} status history`)}</title>
    <link>${escapeXml(`${baseUrl}/history`)}</link>
    <atom:link href="${escapeXml(`${baseUrl}/history.rss`)}" rel="self" type="application/rss+xml"/>
    <description>${escapeXml(`Incidents and scheduled maintenance for ${page.name}`)}</description>
    <language>en</language>
    <lastBuildDate>${feedDate(entries).toUTCString()}</lastBuildDate>
    <pubDate>${feedDate(entries).toUTCString()}</pubDate>
    <generator>Herald</generator>
${items}
  </channel>
</rss>
`;
}

export function buildAtom({ page, entries, baseUrl }: FeedInput): string {
  const items = entries
    .map(
      (e) => `  <entry>
    <id>${escapeXml(entryId(page.id, e))}</id>
    <title type="text">${escapeXml(entryTitle(e))}</title>
    <link rel="alternate" type="text/html" href="${escapeXml(entryLink(baseUrl, e))}"/>
    <published>${e.at.toISOString()}</published>
    <updated>${e.at.toISOString()}</updated>
    <category term="${e.kind}"/>
    <summary type="text">${escapeXml(e.text)}</summary>
    <content type="html">${escapeXml(e.html)}</content>
  </entry>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>${escapeXml(`urn:herald:${page.id}:history`)}</id>
  <title type="text">${escapeXml(`${page.name} status history`)}</title>
  <link rel="alternate" type="text/html" href="${escapeXml(`${baseUrl}/history`)}"/>
  <link rel="self" type="application/atom+xml" href="${escapeXml(`${baseUrl}/history.atom`)}"/>
  <updated>${feedDate(entries).toISOString()}</updated>
  <author><name>${escapeXml(page.name)}</name></author>
  <generator>Herald</generator>
${items}
</feed>
`;
}
