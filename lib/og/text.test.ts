import { describe, expect, it } from "vitest";
import { ogText, visualOrder } from "./text";

describe("ogText", () => {
  it("drops emoji and controls, collapses spaces, and clamps by characters", () => {
    expect(ogText("🔥 API\u0001down 🇺🇸 👍🏽 now", 100)).toBe("API down now");
    expect(ogText(`${"障".repeat(20)}`, 10)).toBe(`${"障".repeat(9)}…`);
    expect(ogText("𝒜𝒜𝒜𝒜", 3)).toBe("𝒜𝒜…");
  });
});

describe("visualOrder (satori draws every line left to right)", () => {
  it("leaves text without right-to-left characters alone", () => {
    for (const t of ["Elevated API error rates", "Сбой при входе", "障害が発生しています", ""])
      expect(visualOrder(t)).toBe(t);
  });

  it("reverses a right-to-left paragraph, keeping left-to-right runs and numbers in order", () => {
    expect(visualOrder("שלום עולם")).toBe("םלוע םולש");
    expect(visualOrder("תקלה ב-API 502")).toBe("API 502-ב הלקת");
    expect(visualOrder("(שלום)")).toBe("(םולש)");
  });

  it("reverses only the right-to-left runs inside a left-to-right paragraph", () => {
    expect(visualOrder("Outage: שלום עולם (EU)")).toBe("Outage: םלוע םולש (EU)");
    expect(visualOrder("API مرحبا")).toBe("API ابحرم");
  });

  it("keeps combining marks with their letters", () => {
    // shin + qamats + shin dot stays one cluster, as does vav + holam.
    expect(visualOrder("\u05E9\u05B8\u05C1\u05DC\u05D5\u05B9\u05DD")).toBe(
      "\u05DD\u05D5\u05B9\u05DC\u05E9\u05B8\u05C1",
    );
  });
});
