import Parser from "rss-parser";
import { describe, expect, it } from "vitest";
import { JsonFeed } from "@/tests/syndication/schemas";
import type { FeedEntry } from "../public/feed";
import type { PublicPage } from "../public/page";
import { renderMarkdown } from "../markdown/render";
import { buildRss } from "./feeds";
import { buildJsonFeed, JSON_FEED_VERSION } from "./json-feed";

const NASTY = `Tom & Jerry <b>bold</b> "quoted" \u0000\u0001\u2028\u2029 🔥 مرحبا \uD800 lone`;
const page: PublicPage = {
  id: "pg1",
  name: `Acme "&" <Co>`,
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

const entries = [entry(1), entry(2), entry(3, { updateId: null, status: "postmortem" })];
const input = { page, entries, baseUrl: "https://status.example.com" };

describe("JSON Feed 1.1", () => {
  const text = buildJsonFeed(input);
  const feed = JSON.parse(text);

  it("has the spec's required fields and nothing unknown", () => {
    expect(JsonFeed.safeParse(feed).error).toBeUndefined();
    expect(feed.version).toBe(JSON_FEED_VERSION);
    expect(feed.feed_url).toBe("https://status.example.com/history.json");
    expect(feed.title).toBe(`Acme "&" <Co> status history`);
  });

  it("carries the same entries as RSS: ids, links, titles, order", async () => {
    const rss = await new Parser().parseString(buildRss(input));
    expect(feed.items.map((i: { id: string }) => i.id)).toEqual(rss.items.map((i) => i.guid));
    expect(feed.items.map((i: { url: string }) => i.url)).toEqual(rss.items.map((i) => i.link));
    expect(feed.items.map((i: { title: string }) => i.title)).toEqual(rss.items.map((i) => i.title));
    expect(feed.items[2].url).toBe("https://status.example.com/incidents/i3#postmortem-heading");
    expect(feed.items.map((i: { date_published: string }) => i.date_published)).toEqual(
      entries.map((e) => e.at.toISOString()),
    );
  });

  it("keeps hostile text as data: sanitized HTML, escaped line separators, emoji and RTL intact", () => {
    const first = feed.items[0];
    expect(first.content_html).toContain("<strong>strong</strong>");
    expect(first.content_html).not.toMatch(/javascript:|onerror|<img/i);
    expect(first.title).toContain("🔥");
    expect(first.title).toContain("مرحبا");
    expect(text).not.toMatch(/[\u2028\u2029]/);
    expect(text).not.toMatch(/\\u0000|\\u0001|\\ud800/i);
    expect(first.title).toContain("\u2028");
  });

  it("is byte-stable and valid when empty", () => {
    expect(buildJsonFeed(input)).toBe(text);
    const empty = JSON.parse(buildJsonFeed({ ...input, entries: [] }));
    expect(JsonFeed.safeParse(empty).success).toBe(true);
    expect(empty.items).toEqual([]);
  });
});
