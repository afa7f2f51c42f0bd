import { afterEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { user } from "@/db/schema";
import { createComponent } from "../components/components";
import { getPage } from "../page/page";
import { loadHistory } from "../public/history";
import { loadIncident } from "../public/incident";
import { loadStatusPage } from "../public/status-page";
import { loadUptime } from "../uptime/load";
import { createIncident, postIncidentUpdate } from "./incidents";
import {
  addIncidentNote,
  DEFAULT_CADENCE,
  listIncidentNotes,
  loadCommsView,
  nextUpdateDue,
  priorityOf,
  setIncidentPractice,
  updateCadencePolicy,
} from "./practice";

const MIN = 60_000;
let close: (() => void) | undefined;
afterEach(() => close?.());

describe("rules", () => {
  it("priority from impact × urgency", () => {
    expect(priorityOf("critical", "high")).toBe("P1");
    expect(priorityOf("critical", "low")).toBe("P2");
    expect(priorityOf("major", null)).toBe("P2");
    expect(priorityOf("minor", "low")).toBe("P4");
    expect(priorityOf("none", "high")).toBe("P3");
  });

  it("first update within 15 minutes, then per impact", () => {
    const start = new Date("2026-03-01T12:00:00Z");
    expect(nextUpdateDue(DEFAULT_CADENCE, { startedAt: start, impact: "critical", postedAt: [] }).toISOString()).toBe(
      "2026-03-01T12:15:00.000Z",
    );
    const posted = [new Date("2026-03-01T12:05:00Z"), new Date("2026-03-01T12:20:00Z")];
    expect(
      nextUpdateDue(DEFAULT_CADENCE, { startedAt: start, impact: "critical", postedAt: posted }).toISOString(),
    ).toBe("2026-03-01T12:50:00.000Z");
    expect(nextUpdateDue(DEFAULT_CADENCE, { startedAt: start, impact: "major", postedAt: posted }).toISOString()).toBe(
      "2026-03-01T13:20:00.000Z",
    );
    expect(nextUpdateDue(DEFAULT_CADENCE, { startedAt: start, impact: "none", postedAt: posted }).toISOString()).toBe(
      "2026-03-01T14:20:00.000Z",
    );
  });
});

describe("the comms lead's view", () => {
  it(
    "shows when the next update is due, highlights overdue ones, " + "and keeps internal fields off public paths",
    async () => {
      const t = await createTestCtx();
      close = t.close;
      const now = t.clock.now();
      await t.db.insert(user).values({
        id: "owner-dana-lead",
        name: "Dana Lead",
        email: "dana@example.com",
        role: "editor",
        createdAt: now,
        updatedAt: now,
      });
      const api = await createComponent(t.ctx, { name: "API" });
      const { incident: crit } = await createIncident(t.ctx, {
        name: "API down",
        body: "x",
        components: { [api.id]: "major_outage" },
      });
      const { incident: minor } = await createIncident(t.ctx, { name: "Slow search", body: "x" });
      await setIncidentPractice(t.ctx, { incidentId: crit.id, ownerUserId: "owner-dana-lead", urgency: "high" });
      await expect(setIncidentPractice(t.ctx, { incidentId: crit.id, ownerUserId: "ghost" })).rejects.toThrow(
        /Unknown team member/,
      );
      await addIncidentNote(t.ctx, { incidentId: crit.id, body: "SECRET-NOTE: the vendor's fault, don't say so" });

      t.clock.advance(31 * MIN);
      const p = await getPage(t.db);
      let view = await loadCommsView(t.db, p.id, t.clock.now());
      expect(view[0]).toMatchObject({
        id: crit.id,
        priority: "P1",
        overdue: true,
        overdueMinutes: 1,
        owner: { id: "owner-dana-lead", name: "Dana Lead" },
      });
      expect(view[1]).toMatchObject({ id: minor.id, priority: "P4", overdue: false });

      await postIncidentUpdate(t.ctx, { incidentId: crit.id, status: "identified", body: "Found it" });
      view = await loadCommsView(t.db, p.id, t.clock.now());
      expect(view.find((v) => v.id === crit.id)).toMatchObject({
        overdue: false,
        nextUpdateDue: new Date(t.clock.now().getTime() + 30 * MIN),
      });

      await updateCadencePolicy(t.ctx, {
        criticalMinutes: 10,
        majorMinutes: 20,
        minorMinutes: 30,
        firstUpdateMinutes: 5,
      });
      t.clock.advance(11 * MIN);
      // Both are overdue now; the longest overdue comes first.
      view = await loadCommsView(t.db, p.id, t.clock.now());
      expect(view.map((v) => [v.id, v.overdue, v.overdueMinutes])).toEqual([
        [minor.id, true, 12],
        [crit.id, true, 1],
      ]);
      await expect(
        updateCadencePolicy(t.as("editor"), {
          criticalMinutes: 10,
          majorMinutes: 20,
          minorMinutes: 30,
          firstUpdateMinutes: 5,
        }),
      ).rejects.toThrow(/admin/);

      expect((await listIncidentNotes(t.db, crit.id)).map((n) => n.body)).toEqual([
        "SECRET-NOTE: the vendor's fault, don't say so",
      ]);
      const publicJson = JSON.stringify([
        await loadStatusPage(t.db),
        await loadIncident(t.db, crit.id),
        await loadHistory(t.db, 1),
        await loadUptime(t.db, p.id, t.clock.now()),
      ]);
      expect(publicJson).toContain("API down");
      // Markers long enough that a random base36 id can never contain them by chance (regression: "u1" did).
      for (const secret of ["SECRET-NOTE", "Dana Lead", "owner-dana-lead", "P1", "urgency", "owner"])
        expect(publicJson).not.toContain(secret);
    },
  );
});
