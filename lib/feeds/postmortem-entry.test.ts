import { XMLParser } from "fast-xml-parser";
import Parser from "rss-parser";
import { afterEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { createComponent } from "../components/components";
import { createIncident, postIncidentUpdate } from "../incidents/incidents";
import { publishPostmortem, revertPostmortem, savePostmortemDraft } from "../incidents/postmortem";
import { loadFeedEntries } from "../public/feed";
import { buildAtom, buildRss } from "./feeds";

let close: (() => void) | undefined;
afterEach(() => close?.());

const BASE = "https://status.example.com";

async function feeds(db: Parameters<typeof loadFeedEntries>[0]) {
  const { page, entries } = await loadFeedEntries(db);
  const rss = await new Parser().parseString(buildRss({ page, entries, baseUrl: BASE }));
  const atom = new XMLParser({ ignoreAttributes: false }).parse(buildAtom({ page, entries, baseUrl: BASE })).feed;
  const atomEntries = [atom.entry ?? []].flat() as {
    id: string;
    title: { "#text": string };
    updated: string;
    published: string;
    content: { "#text": string };
    link: { "@_href": string };
  }[];
  return { page, rss, atom, atomEntries };
}

describe("a published postmortem in the history feeds", () => {
  it("gets one RSS item and one Atom entry, newest first, with a stable id dated at its publication", async () => {
    const t = await createTestCtx();
    close = t.close;
    const c = await createComponent(t.ctx, { name: "API" });
    const { incident: inc } = await createIncident(t.ctx, {
      name: "Login outage",
      body: "Down",
      components: { [c.id]: "major_outage" },
    });
    t.clock.advance(3_600_000);
    await postIncidentUpdate(t.ctx, { incidentId: inc.id, status: "resolved", body: "Fixed" });
    t.clock.advance(86_400_000);
    await savePostmortemDraft(t.ctx, { incidentId: inc.id, body: "## Cause\n\nA **bad** deploy" });
    // A draft is private: no entry yet.
    expect((await feeds(t.db)).rss.items).toHaveLength(2);

    const published = await publishPostmortem(t.ctx, { incidentId: inc.id });
    const { page, rss, atom, atomEntries } = await feeds(t.db);
    const id = `urn:herald:${page.id}:postmortem:${inc.id}`;
    expect(rss.items).toHaveLength(3);
    const [item] = rss.items;
    expect(item.guid).toBe(id);
    expect(item.title).toBe("Login outage — Postmortem");
    expect(item.link).toBe(`${BASE}/incidents/${inc.id}#postmortem-heading`);
    expect(new Date(item.pubDate!).getTime()).toBe(published.publishedAt!.getTime());
    expect(item.content).toContain("<strong>bad</strong>");
    expect(atomEntries).toHaveLength(3);
    expect(atomEntries[0].id).toBe(id);
    expect(atomEntries[0].published).toBe(published.publishedAt!.toISOString());
    expect(atomEntries[0].updated).toBe(published.publishedAt!.toISOString());
    expect(atom.updated).toBe(published.publishedAt!.toISOString());

    // Republishing an edit keeps the same id (feed readers update the entry rather than add one).
    t.clock.advance(3_600_000);
    await savePostmortemDraft(t.ctx, { incidentId: inc.id, body: "## Cause\n\nA bad deploy, rolled back" });
    await publishPostmortem(t.ctx, { incidentId: inc.id });
    const again = await feeds(t.db);
    expect(again.rss.items.map((i) => i.guid).filter((g) => g === id)).toHaveLength(1);
    expect(again.rss.items[0].content).toContain("rolled back");

    // Reverted to a draft: off the feeds again.
    await revertPostmortem(t.ctx, { incidentId: inc.id });
    const after = await feeds(t.db);
    expect(after.rss.items.map((i) => i.guid)).not.toContain(id);
    expect(after.atomEntries.map((e) => e.id)).not.toContain(id);
  });

  it("sorts the postmortem among updates by its publication time", async () => {
    const t = await createTestCtx();
    close = t.close;
    const { incident: first } = await createIncident(t.ctx, { name: "First", body: "Down" });
    t.clock.advance(60_000);
    await postIncidentUpdate(t.ctx, { incidentId: first.id, status: "resolved", body: "Fixed" });
    t.clock.advance(60_000);
    await savePostmortemDraft(t.ctx, { incidentId: first.id, body: "What happened" });
    await publishPostmortem(t.ctx, { incidentId: first.id });
    t.clock.advance(60_000);
    await createIncident(t.ctx, { name: "Second", body: "Slow" });
    const { rss } = await feeds(t.db);
    expect(rss.items.map((i) => i.title)).toEqual([
      "Second — Investigating",
      "First — Postmortem",
      "First — Resolved",
      "First — Investigating",
    ]);
  });
});
