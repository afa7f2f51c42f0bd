import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { incident, incidentUpdate, notification } from "@/db/schema";
import { createComponent } from "../components/components";
import { createMaintenance } from "./maintenance";

const run = promisify(execFile);
const fixture = path.join(import.meta.dirname, "race-worker.fixture.ts");
const tsx = path.resolve(import.meta.dirname, "../../node_modules/.bin/tsx");

let close: (() => void) | undefined;
afterEach(() => close?.());

describe("runMaintenanceTransitions across processes", () => {
  it("two worker processes racing perform each transition exactly once", async () => {
    const t = await createTestCtx();
    close = t.close;
    const c = await createComponent(t.ctx, { name: "API" });
    const ids = [];
    for (let i = 0; i < 4; i++) {
      const { maintenance } = await createMaintenance(t.ctx, {
        name: `M${i}`,
        body: "x",
        componentIds: [c.id],
        scheduledFor: "2026-03-01T13:00",
        scheduledUntil: "2026-03-01T14:00",
        remindMinutes: 30,
        notifyAtStart: true,
      });
      ids.push(maintenance.id);
    }
    const goAt = Date.now() + 4000;
    const worker = (now: string) =>
      run(tsx, [fixture, t.url, now, String(goAt)], { cwd: path.resolve(import.meta.dirname, "../..") });
    // Reminder due for all four: 12:30 ≤ now < 13:00.
    const reminders = await Promise.all([worker("2026-03-01T12:45:00Z"), worker("2026-03-01T12:45:00Z")]);
    expect(reminders.map((r) => Number(r.stdout)).reduce((a, b) => a + b)).toBe(4);
    const goAt2 = Date.now() + 4000;
    const starts = await Promise.all(
      [0, 1].map(() =>
        run(tsx, [fixture, t.url, "2026-03-01T13:00:00Z", String(goAt2)], {
          cwd: path.resolve(import.meta.dirname, "../.."),
        }),
      ),
    );
    expect(starts.map((r) => Number(r.stdout)).reduce((a, b) => a + b)).toBe(4);
    expect(await t.db.$count(notification, eq(notification.kind, "maintenance_reminder"))).toBe(4);
    expect(await t.db.$count(notification, eq(notification.kind, "maintenance_started"))).toBe(4);
    for (const id of ids) {
      expect(await t.db.$count(incidentUpdate, eq(incidentUpdate.incidentId, id))).toBe(2);
      expect((await t.db.select({ s: incident.status }).from(incident).where(eq(incident.id, id)).get())!.s).toBe(
        "in_progress",
      );
    }
  }, 60_000);
});
