import { describe, expect, it } from "vitest";
import { incidentCardText, siteCardText } from "./cards";

describe("the status page's OG card", () => {
  it("names the page once (it was the line above the title and the title)", () => {
    const card = siteCardText(
      { name: "Acme  Cloud", brandColor: "#2563eb" },
      { indicator: "minor", description: "Minor Service Outage" },
    );
    const all = [card.pageName ?? "", card.title, card.pill.text, ...card.lines].join("\n");
    expect(all.split("Acme Cloud").length - 1).toBe(1);
    expect(card.title).toBe("Acme Cloud status");
  });
});

describe("an incident's OG card", () => {
  const page = { name: "Acme Cloud", brandColor: "#2563eb", timeZone: "UTC" };
  const incident = {
    name: "Elevated API latency",
    kind: "incident" as const,
    impact: "major" as const,
    startedAt: new Date("2026-03-01T14:05:00Z"),
    scheduledFor: null,
  };

  it("says what no update changes: the title, the impact and when it began", () => {
    const card = incidentCardText(page, incident);
    expect(card).toMatchObject({ pageName: "Acme Cloud", title: "Elevated API latency" });
    expect(card.pill.text).toBe("Major impact");
    expect(card.lines).toEqual(["Began Mar 1, 2026, 14:05 UTC"]);
    // Nothing of the status, which a chat app's cached preview would keep showing after it changed.
    expect(JSON.stringify(card)).not.toMatch(/investigating|identified|monitoring|resolved/i);
  });

  it("gives a maintenance its scheduled start", () => {
    const card = incidentCardText(page, {
      ...incident,
      kind: "maintenance",
      impact: "none",
      scheduledFor: new Date("2026-03-02T02:00:00Z"),
    });
    expect(card.pill.text).toBe("Maintenance");
    expect(card.lines).toEqual(["Scheduled for Mar 2, 2026, 02:00 UTC"]);
  });
});
