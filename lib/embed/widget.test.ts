import { describe, expect, it } from "vitest";
import { embedModel } from "./model";
import { embedHtml, embedMarkup, embedScript } from "./widget";
import type { PublicIncidentSummary } from "../public/incident";
import type { StatusPageData } from "../public/status-page";

const item = (id: string, over: Partial<PublicIncidentSummary>): PublicIncidentSummary => ({
  id,
  kind: "incident",
  name: id,
  status: "investigating",
  impact: "minor",
  startedAt: new Date(0),
  resolvedAt: null,
  scheduledFor: null,
  scheduledUntil: null,
  latestUpdate: null,
  ...over,
});

const data: Pick<StatusPageData, "page" | "overall" | "active"> = {
  page: { id: "p", name: "Acme & Co", url: null, timeZone: "UTC", supportUrl: null, logoUrl: null, brandColor: "#000" },
  overall: { indicator: "major", description: "Partial System Outage" },
  active: [
    item("m1", { kind: "maintenance", name: "Upgrade", status: "in_progress", impact: "none" }),
    item("i2", { name: `<img src=x onerror=alert(1)> "quoted"`, impact: "major", status: "identified" }),
    item("i1", { name: "Quiet", impact: "none" }),
  ],
};

describe("embed model and widget", () => {
  const model = embedModel(data, "https://status.example");

  it("keeps the loader's order and labels each item by kind, impact and status", () => {
    expect(model.items.map((i) => [i.url, i.label])).toEqual([
      ["https://status.example/incidents/m1", "Maintenance · In progress"],
      ["https://status.example/incidents/i2", "Major impact · Identified"],
      ["https://status.example/incidents/i1", "No impact · Investigating"],
    ]);
    expect(model.color).toBe("#c2570c");
  });

  it("escapes the iframe's markup; the script carries the page's name but no status", () => {
    const markup = embedMarkup(model);
    expect(markup).toContain("&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot;");
    expect(markup).not.toContain("<img");
    expect(embedHtml(model)).toContain(markup);
    expect(embedHtml(model)).toContain("<title>Acme &amp; Co status</title>");
    const script = embedScript("Acme & Co");
    expect(script).toContain('f.title = "Acme & Co status"');
    expect(script).not.toContain("Partial System Outage");
    expect(embedScript('Acme "Q"')).toContain('f.title = "Acme \\"Q\\" status"');
  });
});
