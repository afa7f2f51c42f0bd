import { spawn } from "node:child_process";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { incident, incidentUpdate, notification } from "@/db/schema";
import { createComponent } from "../components/components";
import { createMaintenance } from "./maintenance";

const fixture = path.join(import.meta.dirname, "race-worker.fixture.ts");
const tsx = path.resolve(import.meta.dirname, "../../node_modules/.bin/tsx");

/** Two scheduler processes at `now`, told to go at the same moment once both are loaded: their transitions. */
async function race(url: string, now: string): Promise<number[]> {
  const workers = [0, 1].map(() => {
    const child = spawn(tsx, [fixture, url, now], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      stdio: ["pipe", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on("data", () => out.startsWith("ready\n") && resolve());
      child.on("close", (code) => reject(new Error(`worker exited ${code} before it was ready: ${out}`)));
    });
    const done = new Promise<number>((resolve, reject) =>
      child.on("close", (code) =>
        code === 0 ? resolve(Number(out.slice("ready\n".length))) : reject(new Error(`worker exited ${code}: ${out}`)),
      ),
    );
    return { child, ready, done };
  });
  await Promise.all(workers.map((w) => w.ready));
  for (const w of workers) w.child.stdin.end("go\n");
  return Promise.all(workers.map((w) => w.done));
}

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
    // Reminder due for all four: 12:30 ≤ now < 13:00.
    const reminders = await race(t.url, "2026-03-01T12:45:00Z");
    expect(reminders.reduce((a, b) => a + b)).toBe(4);
    const starts = await race(t.url, "2026-03-01T13:00:00Z");
    expect(starts.reduce((a, b) => a + b)).toBe(4);
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
