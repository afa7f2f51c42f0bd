import { describe, expect, it } from "vitest";
import { addDays, localDate, parseLocalInput, startOfLocalDay, toLocalInput, wallTimeToUtc } from "./zone";

const NY = "America/New_York";
const hours = (a: Date, b: Date) => (b.getTime() - a.getTime()) / 3_600_000;

describe("local days", () => {
  it("spring-forward day in New York is 23 hours", () => {
    expect(startOfLocalDay("2026-03-08", NY).toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(hours(startOfLocalDay("2026-03-08", NY), startOfLocalDay("2026-03-09", NY))).toBe(23);
  });

  it("fall-back day in New York is 25 hours", () => {
    expect(startOfLocalDay("2026-11-01", NY).toISOString()).toBe("2026-11-01T04:00:00.000Z");
    expect(hours(startOfLocalDay("2026-11-01", NY), startOfLocalDay("2026-11-02", NY))).toBe(25);
  });

  it("a zone whose midnight is skipped starts the day at the transition (Santiago, 2026-09-06)", () => {
    const start = startOfLocalDay("2026-09-06", "America/Santiago");
    expect(localDate(start, "America/Santiago")).toBe("2026-09-06");
    expect(toLocalInput(start, "America/Santiago")).toBe("2026-09-06T01:00");
  });

  it("23:30 in UTC+10 is that local day, not the next or the UTC one", () => {
    const t = wallTimeToUtc({ year: 2026, month: 1, day: 15, hour: 23, minute: 30 }, "Australia/Brisbane")!;
    expect(t.toISOString()).toBe("2026-01-15T13:30:00.000Z");
    expect(localDate(t, "Australia/Brisbane")).toBe("2026-01-15");
    expect(localDate(t, "America/Los_Angeles")).toBe("2026-01-15");
    const morning = wallTimeToUtc({ year: 2026, month: 1, day: 16, hour: 7, minute: 30 }, "Australia/Brisbane")!;
    expect(localDate(morning, "Australia/Brisbane")).toBe("2026-01-16");
    expect(localDate(morning, "America/Los_Angeles")).toBe("2026-01-15");
  });

  it("addDays crosses months and leap days", () => {
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });
});

describe("wall time to UTC", () => {
  it("a time in the spring-forward gap does not exist", () => {
    expect(wallTimeToUtc({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, NY)).toBeNull();
  });

  it("an ambiguous fall-back time resolves to its first occurrence", () => {
    expect(wallTimeToUtc({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, NY)!.toISOString()).toBe(
      "2026-11-01T05:30:00.000Z",
    );
  });

  it("round-trips through the datetime-local format", () => {
    const w = parseLocalInput("2026-07-04T09:15")!;
    const t = wallTimeToUtc(w, NY)!;
    expect(t.toISOString()).toBe("2026-07-04T13:15:00.000Z");
    expect(toLocalInput(t, NY)).toBe("2026-07-04T09:15");
  });

  it("rejects malformed and impossible dates", () => {
    expect(parseLocalInput("2026-02-31T10:00")).toBeNull();
    expect(parseLocalInput("2026-13-01T10:00")).toBeNull();
    expect(parseLocalInput("tomorrow")).toBeNull();
  });
});
