import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { createComponent } from "@/lib/components/components";
import { createIncident, postIncidentUpdate } from "@/lib/incidents/incidents";
import { getPage } from "@/lib/page/page";
import { runDueWork } from "@/lib/worker/run";
import { startFakeResend, type FakeResend } from "../helpers/fake-resend";
import { addActive, deliveryCounts, deps, resendMailer } from "./helpers";

let fake: FakeResend;
beforeAll(async () => {
  fake = await startFakeResend();
});
afterAll(() => fake.close());

let t: Awaited<ReturnType<typeof createTestCtx>>;
let pageId: string;
beforeEach(async () => {
  t = await createTestCtx();
  t.clock.set(new Date());
  pageId = (await getPage(t.db)).id;
  fake.requests.length = 0;
  fake.accepted.length = 0;
  fake.misbehave(null);
  fake.rateLimit(null);
});
afterEach(() => t.close());

const work = { db: () => t.db, now: () => new Date() };
const drain = (d = deps(resendMailer(fake.url))) =>
  runDueWork({ db: work.db(), now: work.now }, d, { budgetMs: 20_000 });

async function drainUntilIdle(d = deps(resendMailer(fake.url)), maxMs = 15_000) {
  const end = Date.now() + maxMs;
  while (Date.now() < end) {
    await drain(d);
    const pending = await t.db.all<{ n: number }>(sql`select count(*) as n from delivery where status = 'pending'`);
    if (pending[0].n === 0) return;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error("deliveries still pending");
}

describe("delivery worker against the fake Resend", () => {
  it(
    "sends one email per matching subscriber in batches of at " +
      "most 100 with stable idempotency keys and unsubscribe " +
      "headers",
    async () => {
      const api = await createComponent(t.ctx, { name: "API" });
      const web = await createComponent(t.ctx, { name: "Web" });
      await addActive(t.db, pageId, 230, { prefix: "all" });
      await addActive(t.db, pageId, 20, { prefix: "api", componentIds: [api.id] });
      await addActive(t.db, pageId, 15, { prefix: "web", componentIds: [web.id] });
      await createIncident(t.ctx, {
        name: "API down",
        body: "We are **looking**.",
        components: { [api.id]: "major_outage" },
        notify: true,
      });
      await drainUntilIdle();
      const to = fake.accepted.map((e) => e.to);
      expect(to).toHaveLength(250);
      expect(new Set(to).size).toBe(250);
      expect(to.some((a) => a.startsWith("web"))).toBe(false);
      expect(Math.max(...fake.requests.map((r) => r.count))).toBeLessThanOrEqual(100);
      expect(fake.requests.every((r) => /^herald-batch-[0-9a-z]+$/.test(String(r.headers["idempotency-key"])))).toBe(
        true,
      );
      const e = fake.accepted[0];
      expect(e.subject).toBe("[Acme Status] Investigating: API down");
      expect(e.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      expect(e.headers["List-Unsubscribe"]).toMatch(
        new RegExp(
          String.raw`^<https://status\.example\.com/subscriptions/one-click\?token=[A-Za-z0-9_-]{43}>, ` +
            String.raw`<mailto:status@example\.com\?subject=unsubscribe>$`,
        ),
      );
      expect(e.html).toContain("<strong>looking</strong>");
      expect(e.html).toContain(`https://status.example.com/subscriptions/manage?token=`);
      expect(e.text).toContain("We are looking");
      expect(e.text).toContain("https://status.example.com/subscriptions/unsubscribe?token=");
      expect(await deliveryCounts(t.db)).toEqual({ sent: 250 });
    },
  );

  it("sends nothing when notify is off, and never for a backfilled incident", async () => {
    await addActive(t.db, pageId, 5);
    const { incident } = await createIncident(t.ctx, { name: "Quiet", body: "x", notify: false });
    await postIncidentUpdate(t.ctx, { incidentId: incident.id, status: "identified", body: "still quiet" });
    await createIncident(t.ctx, {
      name: "Old",
      body: "history",
      notify: true,
      backfilled: true,
      backfillDate: new Date(Date.now() - 86_400_000),
    });
    await drain();
    expect(await deliveryCounts(t.db)).toEqual({});
    expect(fake.requests).toHaveLength(0);
  });

  it("skips subscribers who unsubscribed or were quarantined after the update was queued", async () => {
    const ids = await addActive(t.db, pageId, 10);
    await createIncident(t.ctx, { name: "Down", body: "x", notify: true });
    await t.db.run(sql`update subscriber set state = 'unsubscribed' where id = ${ids[0]}`);
    await t.db.run(sql`update subscriber set state = 'quarantined' where id = ${ids[1]}`);
    await drainUntilIdle();
    expect(fake.accepted.map((e) => e.to).sort()).toEqual(
      ids
        .slice(2)
        .map((_, i) => `user${i + 2}@example.com`)
        .sort(),
    );
    expect(await deliveryCounts(t.db)).toEqual({ sent: 8, skipped: 2 });
  });

  it("honours retry-after on 429 and does not count it as an attempt", async () => {
    await addActive(t.db, pageId, 3);
    await createIncident(t.ctx, { name: "Down", body: "x", notify: true });
    fake.queue({ kind: "429", retryAfter: 1 });
    const started = Date.now();
    await drainUntilIdle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.requests.map((r) => r.outcome)).toEqual(["429", "accepted"]);
    const rows = await t.db.all<{ attempts: number }>(sql`select attempts from delivery`);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
  });

  it(
    "retries 5xx, timeouts and dropped connections with the same " + "idempotency key and delivers exactly once",
    async () => {
      await addActive(t.db, pageId, 5);
      await createIncident(t.ctx, { name: "Down", body: "x", notify: true });
      fake.queue({ kind: "500" }, { kind: "drop" }, { kind: "slow", ms: 1500 }, { kind: "accept-then-drop" });
      await drainUntilIdle(deps(resendMailer(fake.url, 500), { maxAttempts: 6 }));
      expect(fake.requests.map((r) => r.outcome)).toEqual(["500", "drop", "accepted+slow", "replay+drop", "replay"]);
      expect(new Set(fake.requests.map((r) => r.headers["idempotency-key"])).size).toBe(1);
      expect(fake.accepted).toHaveLength(5);
      expect(await deliveryCounts(t.db)).toEqual({ sent: 5 });
    },
  );

  it("gives up after the configured number of attempts and records the error", async () => {
    await addActive(t.db, pageId, 2);
    await createIncident(t.ctx, { name: "Down", body: "x", notify: true });
    fake.misbehave(() => ({ kind: "500" }));
    await drainUntilIdle(deps(resendMailer(fake.url), { maxAttempts: 3 }));
    expect(fake.requests).toHaveLength(3);
    const rows = await t.db.all<{ status: string; last_error: string }>(sql`select status, last_error from delivery`);
    expect(rows.every((r) => r.status === "failed" && r.last_error.startsWith("500"))).toBe(true);
  });

  it("header injection through an incident title: CR/LF never reach a header line", async () => {
    await addActive(t.db, pageId, 1);
    await createIncident(t.ctx, { name: "Outage\r\nBcc: victim@evil.test\r\n\r\n<b>x</b>", body: "x", notify: true });
    await drainUntilIdle();
    const e = fake.accepted[0];
    expect(e.subject).not.toMatch(/[\r\n]/);
    expect(e.subject).toBe("[Acme Status] Investigating: Outage Bcc: victim@evil.test <b>x</b>");
    expect(Object.keys(e.headers).sort()).toEqual(["List-Unsubscribe", "List-Unsubscribe-Post"]);
    expect(e.html).not.toContain("<b>x</b>");
  });

  it("two workers draining at once never send the same row", async () => {
    await addActive(t.db, pageId, 600);
    await createIncident(t.ctx, { name: "Down", body: "x", notify: true });
    await Promise.all([
      drain(deps(resendMailer(fake.url))),
      drain(deps(resendMailer(fake.url))),
      drain(deps(resendMailer(fake.url))),
    ]);
    expect(fake.accepted).toHaveLength(600);
    expect(new Set(fake.accepted.map((e) => e.to)).size).toBe(600);
    expect(new Set(fake.requests.map((r) => r.headers["idempotency-key"])).size).toBe(6);
  });
});
