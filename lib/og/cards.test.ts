import { describe, expect, it } from "vitest";
import { siteCardText } from "./cards";

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
