// Exactly once across channels: 500 mixed targets (webhook, Slack, Teams,
// Discord on 20 hosts; active, disabled, removed, scoped elsewhere), three
// events (two incident updates and a component status change), a third of
// first requests failing in assorted ways (429, 500, no answer, dropped
// before or after the receiver took the event), the worker
// process SIGKILLed twice mid-drain. After dropping replays by webhook-id,
// every active in-scope target has each event exactly once; the others none.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANNEL_KINDS } from "@/db/constants";
import { createComponent, updateComponent } from "@/lib/components/components";
import { createIncident, postIncidentUpdate } from "@/lib/incidents/incidents";
import { createTestCtx } from "@/tests/helpers/test-db";
import { SECRET } from "../email/helpers";
import { insertTargets, type TargetRow } from "./helpers";
import { type Fault, type Receiver, startReceiver } from "./receiver";
import { killAndWait, spawnWorker } from "@/tests/helpers/worker";

describe("exactly-once channel delivery", () => {
  let rx: Receiver;
  let t: Awaited<ReturnType<typeof createTestCtx>>;
  beforeAll(async () => {
    rx = await startReceiver();
    t = await createTestCtx();
    t.clock.set(new Date());
  });
  afterAll(async () => {
    await rx.close();
    t.close();
  });

  const startWorker = () =>
    spawnWorker(t, {
      HERALD_SECRET: SECRET,
      HERALD_URL: "https://status.example.com",
      HERALD_WEBHOOK_ALLOW_HTTP: "1",
      HERALD_WEBHOOK_ALLOW_PRIVATE: "1",
      HERALD_CHANNEL_TIMEOUT_MS: "2000",
      HERALD_CHANNEL_LEASE_MS: "4000",
      HERALD_CHANNEL_BACKOFF_MS: "50",
      // Kills and a loaded machine's timeouts add attempts; the doubling must not outgrow the test.
      HERALD_CHANNEL_BACKOFF_MAX_MS: "500",
      HERALD_CHANNEL_MAX_ATTEMPTS: "20",
      HERALD_CHANNEL_DISABLE_AFTER: "1000",
      HERALD_WORKER_INTERVAL_MS: "100",
    });
  const until = async (cond: () => boolean | Promise<boolean>, ms: number, what: () => string) => {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  it("500 mixed targets, faults, the worker killed twice: each active target gets each event once", async () => {
    const api = await createComponent(t.ctx, { name: "API" });
    const web = await createComponent(t.ctx, { name: "Web" });
    const groups = {
      active: [] as string[],
      disabled: [] as string[],
      removed: [] as string[],
      elsewhere: [] as string[],
    };
    const rows: TargetRow[] = [];
    for (let i = 0; i < 500; i++) {
      const group = i < 400 ? "active" : i < 440 ? "disabled" : i < 470 ? "removed" : "elsewhere";
      const p = `/t/${group}/${i}`;
      groups[group].push(p);
      rows.push({
        kind: CHANNEL_KINDS[i % 4],
        url: rx.url(p, `127.0.0.${(i % 20) + 1}`),
        state: group === "disabled" ? "disabled" : group === "removed" ? "unsubscribed" : "active",
        componentIds: group === "elsewhere" ? [web.id] : i % 3 === 0 ? [api.id] : [],
        events: ["incidents", "maintenance", "components"],
      });
    }
    await insertTargets(t.db, SECRET, rows);
    const { incident } = await createIncident(t.ctx, {
      name: "API down",
      body: "Looking into it",
      components: { [api.id]: "major_outage" },
      notify: true,
    });
    await postIncidentUpdate(t.ctx, {
      incidentId: incident.id,
      status: "identified",
      body: "Found it",
      components: { [api.id]: "partial_outage" },
      notify: true,
    });
    // A component status change outside the incident (the console's): a third event, component_updated.
    await updateComponent(t.ctx, { id: api.id, status: "degraded_performance" });

    const faults: Fault[] = ["429", "500", "timeout", "drop", "accept-drop"];
    rx.behave = ({ path, n, body }) => {
      // A third of targets fail their first request of each event in one of the ways.
      const i = Number(path.split("/").pop());
      if (i % 3 !== 1 || n > 2) return "ok";
      return faults[(i + (body.includes("Found it") ? 1 : 0)) % faults.length];
    };
    const ok = () => rx.received.filter((r) => r.answered === "ok" || r.answered === "accept-drop").length;

    const first = startWorker();
    await until(
      () => ok() >= 150,
      120_000,
      () => `first worker to deliver some (${ok()} so far)\n${first.output()}`,
    );
    await killAndWait(first.child, "SIGKILL");
    const second = startWorker();
    await until(
      () => ok() >= 450,
      120_000,
      () => `second worker to deliver more (${ok()} so far)\n${second.output()}`,
    );
    await killAndWait(second.child, "SIGKILL");
    const third = startWorker();
    const pending = async () =>
      (await t.db.all<{ n: number }>(sql`select count(*) as n from channel_delivery where status = 'pending'`))[0].n;
    await until(
      async () => (await pending()) === 0,
      90_000,
      () => `the channel outbox to drain\n${third.output()}`,
    );
    await killAndWait(third.child, "SIGTERM");

    // Replays dropped by webhook-id: what each target took, once per id.
    const taken = new Map<string, Map<string, string>>();
    for (const r of rx.received) {
      if (r.answered !== "ok" && r.answered !== "accept-drop") continue;
      const ids = taken.get(r.path) ?? taken.set(r.path, new Map()).get(r.path)!;
      ids.set(String(r.headers["webhook-id"]), r.body);
    }
    for (const p of groups.active) {
      const events = taken.get(p);
      expect(events?.size, p).toBe(3);
      const bodies = [...(events?.values() ?? [])];
      expect(bodies.filter((b) => b.includes("Looking into it") && !b.includes("Found it")).length, p).toBe(1);
      expect(bodies.filter((b) => b.includes("Found it")).length, p).toBe(1);
      // Webhook: component_update; chat: "Degraded performance (was partial outage)" (Teams: a "Previously" fact).
      const change = (b: string) => b.includes("component_update") || /was partial outage|"Previously"/.test(b);
      expect(bodies.filter(change).length, p).toBe(1);
    }
    for (const p of [...groups.disabled, ...groups.removed, ...groups.elsewhere])
      expect(
        rx.received.filter((r) => r.path === p),
        p,
      ).toEqual([]);
    const statuses = await t.db.all<{ status: string; n: number }>(
      sql`select status, count(*) as n from channel_delivery group by status`,
    );
    expect(Object.fromEntries(statuses.map((s) => [s.status, s.n]))).toEqual({ sent: 1200 });
    // The faults happened, and some events were delivered more than once (replays the receiver dropped).
    const answered = new Set(rx.received.map((r) => r.answered));
    for (const f of faults) expect(answered).toContain(f);
    expect(rx.received.filter((r) => r.answered === "ok" || r.answered === "accept-drop").length).toBeGreaterThan(1200);
  }, 400_000);
});
