// The public history by quarter: which quarter lists an incident (in the page's time zone), which pages exist, and
// that a new incident or update leaves the older quarters' pages as they were.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { createIncident, postIncidentUpdate } from "../incidents/incidents";
import { updatePage } from "../page/page";
import { existsIn } from "../snapshots/routes";
import { loadHistory } from "./history";
import { historyWhich } from "./history-keys";
import { loadPublicIndex } from "./index";

let t: Awaited<ReturnType<typeof createTestCtx>>;
const past = async (name: string, at: string) =>
  (
    await createIncident(t.ctx, {
      name,
      status: "resolved",
      body: `${name} happened.`,
      backfilled: true,
      backfillDate: new Date(at),
    })
  ).incident.id;

beforeAll(async () => {
  t = await createTestCtx();
  await updatePage(t.ctx, { timeZone: "America/New_York" });
  // 2026-01-01 03:00 UTC is still New Year's Eve in New York: the last quarter of 2025 there.
  await past("New Year's Eve outage", "2026-01-01T03:00:00Z");
  await past("Summer outage", "2025-07-15T12:00:00Z");
  // 2026-Q1 has nothing in January, 2025-Q4 nothing in October and November.
  await past("February outage", "2026-02-10T12:00:00Z");
});
afterAll(() => t.close());

const names = (h: Awaited<ReturnType<typeof loadHistory>>) =>
  h?.months.map((m) => [m.key, m.incidents.map((i) => i.name)]);

describe("history by quarter", () => {
  it("lists a quarter's incidents by month in the page's zone, newest first, with the quarters around it", async () => {
    const newest = await loadHistory(t.db);
    expect(newest?.quarter).toBe("2026-Q1");
    // The newest quarter stops at its newest incident's month: the page never depends on the clock.
    expect(names(newest)).toEqual([
      ["2026-02", ["February outage"]],
      ["2026-01", []],
    ]);
    expect([newest?.newer, newest?.older]).toEqual([null, "2025-Q4"]);
    const q4 = await loadHistory(t.db, { quarter: "2025-Q4" });
    expect(names(q4)).toEqual([
      ["2025-12", ["New Year's Eve outage"]],
      ["2025-11", []],
      ["2025-10", []],
    ]);
    expect([q4?.newer, q4?.older]).toEqual(["2026-Q1", "2025-Q3"]);
    expect((await loadHistory(t.db, { quarter: "2025-Q3" }))?.older).toBeNull();
    // ?page=N counts quarters back from the newest (old links keep working).
    expect((await loadHistory(t.db, 3))?.quarter).toBe("2025-Q3");
  });

  it("has no page outside the range or for a malformed key, and the edge knows without a render", async () => {
    const index = await loadPublicIndex(t.db);
    expect(index.history).toEqual({ oldest: "2025-Q3", newest: "2026-Q1" });
    for (const q of ["2025-Q2", "2026-Q2", "2026-Q5", "2026-q1", "26-Q1", "2026-Q1x"]) {
      expect(await loadHistory(t.db, { quarter: q }), q).toBeNull();
      expect(existsIn(index, `/history?quarter=${q}`), q).toBe(false);
    }
    for (const q of ["2025-Q3", "2025-Q4", "2026-Q1"]) expect(existsIn(index, `/history?quarter=${q}`), q).toBe(true);
    expect(await loadHistory(t.db, 4)).toBeNull();
    expect(existsIn(index, "/history?page=3")).toBe(true);
    expect(existsIn(index, "/history?page=4")).toBe(false);
    expect(existsIn(index, "/history?quarter=2025-Q4&page=1")).toBe(false);
    expect(historyWhich(null, "0")).toBeNull();
    expect(historyWhich(null, null)).toEqual({ back: 0 });
  });

  it("a new incident and its updates change the newest quarter's page only", async () => {
    const older = JSON.stringify(await loadHistory(t.db, { quarter: "2025-Q4" }));
    t.clock.set(new Date("2026-02-20T12:00:00Z"));
    const { incident } = await createIncident(t.ctx, { name: "API errors", status: "investigating", body: "Looking." });
    await postIncidentUpdate(t.ctx, { incidentId: incident.id, status: "identified", body: "Found it." });
    expect(JSON.stringify(await loadHistory(t.db, { quarter: "2025-Q4" }))).toBe(older);
    const newest = await loadHistory(t.db);
    expect(newest?.months[0].incidents.map((i) => [i.name, i.summary])).toEqual([
      ["API errors", "Found it."],
      ["February outage", "February outage happened."],
    ]);
  });

  it("shows an empty first page before anything is published", async () => {
    const empty = await createTestCtx();
    try {
      expect(await loadHistory(empty.db)).toMatchObject({ quarter: null, months: [], newer: null, older: null });
      expect((await loadPublicIndex(empty.db)).history).toBeNull();
      expect(await loadHistory(empty.db, { quarter: "2026-Q1" })).toBeNull();
    } finally {
      empty.close();
    }
  });
});
