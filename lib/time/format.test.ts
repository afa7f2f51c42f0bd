import { describe, expect, it } from "vitest";
import { formatDateTime, formatDuration, formatLasted, formatTime, zoneLabel } from "./format";

const s = 1000;
const min = 60 * s;
const h = 60 * min;
const d = 24 * h;

describe("formatDuration: one rounding rule for the console, public pages and emails", () => {
  it("2 min 45 s reads 3 min (it read 3 min in the console and 2 min publicly)", () => {
    expect(formatDuration(2 * min + 45 * s)).toBe("3 min");
    expect(formatDuration(2 * min + 29 * s)).toBe("2 min");
  });

  it("rounds to the nearest unit of the smallest part shown", () => {
    expect(formatDuration(59 * s)).toBe("under a minute");
    expect(formatDuration(0)).toBe("under a minute");
    expect(formatDuration(-5 * min)).toBe("under a minute");
    expect(formatDuration(60 * s)).toBe("1 min");
    expect(formatDuration(59 * min + 40 * s)).toBe("1 h");
    expect(formatDuration(2 * h + 14 * min + 31 * s)).toBe("2 h 15 min");
    expect(formatDuration(23 * h + 59 * min + 10 * s)).toBe("23 h 59 min");
    expect(formatDuration(23 * h + 59 * min + 40 * s)).toBe("1 d");
    expect(formatDuration(d + 4 * h + 40 * min)).toBe("1 d 5 h");
    expect(formatDuration(3 * d + 23 * h + 31 * min)).toBe("4 d");
  });
});

describe("formatLasted", () => {
  const start = new Date("2026-03-01T12:00:00Z");
  it("has no duration for a backfilled incident (started = resolved), never 'Lasted 0 min'", () => {
    expect(formatLasted(start, start)).toBeNull();
    expect(formatLasted(start, null)).toBeNull();
  });
  it("says how long a resolved incident lasted", () => {
    expect(formatLasted(start, new Date(start.getTime() + 20 * s))).toBe("under a minute");
    expect(formatLasted(start, new Date(start.getTime() + 2 * min + 45 * s))).toBe("3 min");
  });
});

describe("times in the page's zone, with its abbreviation", () => {
  const at = new Date("2026-03-01T19:05:00Z");
  it("writes New York times as EST / EDT", () => {
    expect(formatDateTime(at, "America/New_York")).toBe("Mar 1, 2026, 14:05 EST");
    expect(formatDateTime(new Date("2026-07-01T19:05:00Z"), "America/New_York")).toBe("Jul 1, 2026, 15:05 EDT");
    expect(formatTime(at, "America/New_York")).toBe("14:05 EST");
    expect(zoneLabel(at, "America/New_York")).toBe("EST");
    expect(formatDateTime(at, "UTC")).toBe("Mar 1, 2026, 19:05 UTC");
  });
});
