// JSON Feed 1.1 (https://jsonfeed.org/version/1.1) beside RSS and Atom: the
// same entries, ids, links and titles (feeds.ts owns them), so a reader that
// switches format sees no new items. A pure function of the loader DTOs.
import type { FeedInput } from "./feeds";
import { entryId, entryLink, entryTitle } from "./feeds";
import { stripInvalidXmlChars } from "./xml";

// The same characters as the XML feeds carry: controls and lone surrogates are
// valid escaped JSON but break readers, and RSS and Atom drop them too.
const clean = stripInvalidXmlChars;

export const JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1";
export const JSON_FEED_CONTENT_TYPE = "application/feed+json; charset=utf-8";

export function buildJsonFeed({ page, entries, baseUrl }: FeedInput): string {
  const feed = {
    version: JSON_FEED_VERSION,
    title: clean(`${page.name} status history`),
    home_page_url: `${baseUrl}/history`,
    feed_url: `${baseUrl}/history.json`,
    description: clean(`Incidents and scheduled maintenance for ${page.name}`),
    language: "en",
    authors: [{ name: clean(page.name), url: `${baseUrl}/` }],
    items: entries.map((e) => ({
      id: entryId(page.id, e),
      url: entryLink(baseUrl, e),
      title: clean(entryTitle(e)),
      // Sanitized by renderMarkdown (lib/markdown/render.ts), as in RSS and Atom.
      content_html: clean(e.html),
      content_text: clean(e.text),
      date_published: e.at.toISOString(),
      tags: [e.kind],
    })),
  };
  // JSON.stringify escapes quotes and control characters; U+2028/2029 are
  // escaped too so the bytes are safe in a <script> as well.
  return `${JSON.stringify(feed, null, 2)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029")}\n`;
}
