import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { createComponent } from "@/lib/components/components";
import { createIncident } from "@/lib/incidents/incidents";
import { getPage } from "@/lib/page/page";
import { startFakeResend, type FakeResend, type Misbehaviour } from "../helpers/fake-resend";
import { addActive, SECRET } from "./helpers";
import { killAndWait, spawnWorker } from "@/tests/helpers/worker";

describe("exactly-once delivery", () => {
  let fake: FakeResend;
  let t: Awaited<ReturnType<typeof createTestCtx>>;
  beforeAll(async () => {
    fake = await startFakeResend();
    t = await createTestCtx();
    t.clock.set(new Date());
  });
  afterAll(async () => {
    await fake.close();
    t.close();
  });

  const startWorker = () =>
    spawnWorker(t, {
      HERALD_SECRET: SECRET,
      HERALD_URL: "https://status.example.com",
      RESEND_API_KEY: "re_test_key",
      RESEND_BASE_URL: fake.url,
      HERALD_EMAIL_RATE: "40",
      HERALD_EMAIL_TIMEOUT_MS: "400",
      HERALD_EMAIL_LEASE_MS: "1500",
      HERALD_EMAIL_BACKOFF_MS: "50",
      HERALD_EMAIL_MAX_ATTEMPTS: "20",
      HERALD_WORKER_INTERVAL_MS: "100",
    });

  const until = async (cond: () => boolean | Promise<boolean>, ms: number, what: string) => {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  it("2,000 subscribers, a third of batches failing in assorted " +
    "ways, the worker process SIGKILLed twice: each matching " +
    "subscriber gets exactly one accepted email", async () => {
    const pageId = (await getPage(t.db)).id;
    const api = await createComponent(t.ctx, { name: "API" });
    const web = await createComponent(t.ctx, { name: "Web" });
    await addActive(t.db, pageId, 1400, { prefix: "all" });
    await addActive(t.db, pageId, 600, { prefix: "api", componentIds: [api.id] });
    await addActive(t.db, pageId, 150, { prefix: "web", componentIds: [web.id] });
    await addActive(t.db, pageId, 50, { prefix: "gone", state: "unsubscribed" });
    const late = await addActive(t.db, pageId, 40, { prefix: "late" });
    await createIncident(t.ctx, {
      name: "API down",
      body: "Looking into it",
      components: { [api.id]: "major_outage" },
      notify: true,
    });
    // Unsubscribed after the update was queued, before anything was sent.
    await t.db.run(
      sql`update subscriber set state = 'unsubscribed' where id in (${sql.join(
        late.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );

    const kinds: Misbehaviour[] = [
      { kind: "500" },
      { kind: "429", retryAfter: 0 },
      { kind: "drop" },
      { kind: "slow", ms: 700 },
      { kind: "accept-then-drop" },
    ];
    fake.misbehave((n) => (n % 3 === 0 ? kinds[(n / 3) % kinds.length] : null));

    const first = startWorker();
    await until(() => fake.accepted.length >= 300, 60_000, `first worker to send some mail\n${first.output()}`);
    await killAndWait(first.child, "SIGKILL");
    const second = startWorker();
    await until(() => fake.accepted.length >= 1000, 60_000, `second worker to send more\n${second.output()}`);
    await killAndWait(second.child, "SIGKILL");
    const third = startWorker();
    const pending = async () =>
      (await t.db.all<{ n: number }>(sql`select count(*) as n from delivery where status = 'pending'`))[0].n;
    await until(async () => (await pending()) === 0, 90_000, `the outbox to drain\n${third.output()}`);
    await killAndWait(third.child, "SIGTERM");

    const perAddress = new Map<string, number>();
    for (const e of fake.accepted) perAddress.set(e.to, (perAddress.get(e.to) ?? 0) + 1);
    const expected = [
      ...Array.from({ length: 1400 }, (_, i) => `all${i}@example.com`),
      ...Array.from({ length: 600 }, (_, i) => `api${i}@example.com`),
    ];
    expect(perAddress.size).toBe(2000);
    expect(expected.filter((a) => perAddress.get(a) !== 1)).toEqual([]);
    expect([...perAddress.keys()].filter((a) => /^(web|gone|late)/.test(a))).toEqual([]);
    const statuses = await t.db.all<{ status: string; n: number }>(
      sql`select status, count(*) as n from delivery group by status`,
    );
    expect(Object.fromEntries(statuses.map((s) => [s.status, s.n]))).toEqual({ sent: 2000, skipped: 40 });
    // The failures really happened, and retries reused keys (replays), not new sends.
    // A slow or dropped answer may land on a first send or on a replay, depending on timing.
    const outcomes = fake.requests.map((r) => r.outcome);
    for (const o of ["500", "429", "drop"]) expect(outcomes).toContain(o);
    for (const suffix of ["+slow", "+drop"])
      expect(
        outcomes.some((o) => o.endsWith(suffix)),
        suffix,
      ).toBe(true);
    expect(outcomes.some((o) => o.startsWith("replay"))).toBe(true);
  }, 240_000);
});
