import { XMLParser, XMLValidator } from "fast-xml-parser";
import Parser from "rss-parser";
import { describe, expect, it } from "vitest";
import type { FeedEntry } from "../public/feed";
import type { PublicPage } from "../public/page";
import { renderMarkdown } from "../markdown/render";
import { buildAtom, buildRss } from "./feeds";
import { escapeXml, stripInvalidXmlChars } from "./xml";

const NASTY =
  `Tom & Jerry <b>bold</b> ]]> "quoted" 'single' \u0000\u0001\u0008\u000B\u000C\u001F\uFFFE\uFFFF ok ` +
  `🔥👩‍👩‍👧 مرحبا بالعالم שלום \uD800 lone \uDC00 low`;

const page: PublicPage = {
  id: "pg1",
  name: `Acme & <Co> ]]>\u0007`,
  url: null,
  timeZone: "UTC",
  supportUrl: null,
  logoUrl: null,
  brandColor: "#000",
};

function entry(n: number, over: Partial<FeedEntry> = {}): FeedEntry {
  const body = `${NASTY}\n\n[link](javascript:alert(1)) <img src=x onerror=alert(1)> **strong** ${n}`;
  return {
    updateId: `u${n}`,
    incidentId: `i${n}`,
    kind: n % 2 ? "incident" : "maintenance",
    incidentName: `${NASTY} #${n}`,
    status: n % 2 ? "investigating" : "in_progress",
    at: new Date(Date.UTC(2026, 2, 1, 12, 0, 0) - n * 60_000),
    html: renderMarkdown(body),
    text: body,
    ...over,
  };
}

const entries = [entry(1), entry(2), entry(3)];
const input = { page, entries, baseUrl: "https://status.example.com" };

describe("XML text", () => {
  it("drops what XML 1.0 forbids and keeps emoji, RTL text and tabs", () => {
    expect(stripInvalidXmlChars("a\u0000b\u0008c\td\uFFFEe\uD800f🔥g\u05e9")).toBe("abc\tdef🔥g\u05e9");
    expect(escapeXml(`<a href="x">&'`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
  });
});

describe.each([
  ["RSS 2.0", buildRss],
  ["Atom 1.0", buildAtom],
])("%s feed", (_name, build) => {
  const xml = build(input);

  it("is valid XML whatever the text (strict validator)", () => {
    expect(XMLValidator.validate(xml, { allowBooleanAttributes: false })).toBe(true);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 forbids
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    expect(xml).not.toContain("<![CDATA[");
  });

  it("parses with a feed reader: newest first, stable ids, absolute links, sanitized HTML", async () => {
    const feed = await new Parser().parseString(xml);
    expect(feed.items).toHaveLength(3);
    expect(feed.items.map((i) => i.link)).toEqual([
      "https://status.example.com/incidents/i1",
      "https://status.example.com/incidents/i2",
      "https://status.example.com/incidents/i3",
    ]);
    expect(feed.items.map((i) => i.guid ?? i.id)).toEqual([
      "urn:herald:pg1:incident-update:u1",
      "urn:herald:pg1:incident-update:u2",
      "urn:herald:pg1:incident-update:u3",
    ]);
    const first = feed.items[0];
    expect(first.title).toContain("Tom & Jerry <b>bold</b> ]]>");
    expect(first.title).toContain("🔥");
    expect(first.title).toContain("مرحبا");
    expect(first.title).toContain("— Investigating");
    const html = first.content ?? "";
    expect(html).toContain("<strong>strong</strong>");
    expect(html).not.toMatch(/javascript:|onerror|<img/i);
    expect(feed.title).toBe("Acme & <Co> ]]> status history");
  });

  it("dates the feed with its newest entry and stays byte-stable", () => {
    const tree = new XMLParser().parse(xml);
    const date = tree.rss ? tree.rss.channel.lastBuildDate : tree.feed.updated;
    expect(new Date(date).getTime()).toBe(entries[0].at.getTime());
    expect(build(input)).toBe(xml);
  });

  it("is valid when empty", () => {
    const empty = build({ ...input, entries: [] });
    expect(XMLValidator.validate(empty)).toBe(true);
  });
});
