import Papa from "papaparse";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { createComponent } from "@/lib/components/components";
import { listOutbox } from "@/lib/email/outbox";
import { createIncident, deleteIncident } from "@/lib/incidents/incidents";
import { retryFailedDeliveries, listNotificationSummaries } from "@/lib/notifications/status";
import {
  addSubscriber,
  exportSubscribersCsv,
  importSubscribersCsv,
  listSubscribers,
  removeSubscriber,
  resendConfirmation,
  subscriberCounts,
} from "@/lib/subscribers/admin";
import { runDueWork } from "@/lib/worker/run";
import { startFakeResend, type FakeResend, type Misbehaviour } from "../helpers/fake-resend";
import { dbState } from "../helpers/db-state";
import { deps, outboxMailer, resendMailer, SECRET } from "./helpers";

// The use cases behind the console's Subscribers and Outbox pages (their
// server actions only authenticate, call these and revalidate).
let t: Awaited<ReturnType<typeof createTestCtx>>;
let fake: FakeResend;
beforeAll(async () => {
  fake = await startFakeResend();
});
afterAll(() => fake.close());
beforeEach(async () => {
  t = await createTestCtx();
  t.clock.set(new Date());
  fake.misbehave(null);
});
afterEach(() => t.close());

const drain = (mailer = outboxMailer(t.db), over = {}) =>
  runDueWork({ db: t.db, now: t.clock.now }, deps(mailer, over), { budgetMs: 10_000 });
const outboxTo = async (to: string) => (await listOutbox(t.db, { q: to })).filter((i) => i.to === to);

describe("console subscribers", () => {
  it(
    "add: with confirmation queues one email, without is active " +
      "at once; a live duplicate is refused; a viewer cannot add",
    async () => {
      const a = await addSubscriber(t.ctx, SECRET, { email: "A@example.com" });
      const b = await addSubscriber(t.as("admin"), SECRET, { email: "b@example.com", skipConfirmation: true });
      expect([a.state, b.state]).toEqual(["unconfirmed", "active"]);
      await expect(addSubscriber(t.ctx, SECRET, { email: "a@EXAMPLE.com" })).rejects.toThrow(/already subscribed/);
      const before = await dbState(t.db);
      await expect(addSubscriber(t.as("viewer"), SECRET, { email: "c@example.com" })).rejects.toThrow(/editor role/);
      expect(await dbState(t.db)).toEqual(before);
      await drain();
      expect(await outboxTo("a@example.com")).toHaveLength(1);
      expect(await outboxTo("b@example.com")).toHaveLength(0);
    },
  );

  it(
    "CSV import with confirmation mails everyone new; without, " +
      "they are active and mailed nothing; duplicates and bad rows " +
      "are reported",
    async () => {
      const api = await createComponent(t.ctx, { name: "API" });
      await addSubscriber(t.ctx, SECRET, { email: "old@example.com", skipConfirmation: true });
      const withConfirm = await importSubscribersCsv(
        t.ctx,
        SECRET,
        `email,components\nnew1@example.com,${api.id}\nOLD@example.com,\nnot-an-address,\n`,
        { confirm: true },
      );
      expect(withConfirm).toEqual({ added: 1, skipped: 1, invalid: ["not-an-address"] });
      const quiet = await importSubscribersCsv(t.ctx, SECRET, "q1@example.com\nq2@example.com\n", { confirm: false });
      expect(quiet).toEqual({ added: 2, skipped: 0, invalid: [] });
      await expect(importSubscribersCsv(t.as("editor"), SECRET, "x@example.com", { confirm: false })).rejects.toThrow(
        /admin role/,
      );
      expect(await subscriberCounts(t.ctx)).toMatchObject({ active: 3, unconfirmed: 1 });
      const new1 = (await listSubscribers(t.ctx, { q: "new1" })).subscribers[0];
      expect(new1).toMatchObject({ state: "unconfirmed", componentIds: [api.id] });
      await drain();
      expect((await listOutbox(t.db)).map((i) => i.to)).toEqual(["new1@example.com"]);

      const csv = Papa.parse<Record<string, string>>(await exportSubscribersCsv(t.ctx), { header: true }).data;
      expect(csv.map((r) => [r.email, r.state, r.components]).sort()).toEqual([
        ["new1@example.com", "unconfirmed", api.id],
        ["old@example.com", "active", ""],
        ["q1@example.com", "active", ""],
        ["q2@example.com", "active", ""],
      ]);
      await expect(exportSubscribersCsv(t.as("editor"))).rejects.toThrow(/admin role/);
    },
  );

  it(
    "resend confirmation: a new link (the old one dies) and a " + "second email; refused for an active subscriber",
    async () => {
      const s = await addSubscriber(t.ctx, SECRET, { email: "r@example.com" });
      await drain();
      const hash = async () =>
        (await t.db.all<{ h: string }>(sql`select confirm_token_hash as h from subscriber where id = ${s.id}`))[0].h;
      const first = await hash();
      await resendConfirmation(t.ctx, SECRET, s.id);
      expect(await hash()).not.toBe(first);
      await drain();
      expect(await outboxTo("r@example.com")).toHaveLength(2);
      const active = await addSubscriber(t.ctx, SECRET, { email: "act@example.com", skipConfirmation: true });
      await expect(resendConfirmation(t.ctx, SECRET, active.id)).rejects.toThrow(/Only unconfirmed/);
    },
  );
});

describe("console outbox: retry failed", () => {
  beforeEach(() => {
    fake.accepted.length = 0;
    fake.requests.length = 0;
  });
  const batchKeys = async () =>
    (await t.db.all<{ b: string }>(sql`select distinct batch_id as b from delivery order by b`)).map(
      (r) => `herald-batch-${r.b}`,
    );
  async function failOnce(m: Misbehaviour, emails = ["f1@example.com", "f2@example.com"]) {
    for (const email of emails) await addSubscriber(t.ctx, SECRET, { email, skipConfirmation: true });
    const incident = await createIncident(t.ctx, { name: "Outage", body: "x", notify: true });
    fake.misbehave(() => m);
    await drain(resendMailer(fake.url), { maxAttempts: 1 });
    fake.misbehave(null);
    const [summary] = await listNotificationSummaries(t.ctx);
    expect(summary).toMatchObject({ failed: emails.length, sent: 0, pending: 0 });
    return { summary, incident, keys: await batchKeys() };
  }

  it(
    "a batch given up after a lost answer goes back under its idempotency key: the provider, which had accepted it, " +
      "replays its answer and nobody is mailed twice",
    async () => {
      const { summary, keys } = await failOnce({ kind: "accept-then-drop" });
      expect(fake.accepted.map((e) => e.to).sort()).toEqual(["f1@example.com", "f2@example.com"]);
      await expect(retryFailedDeliveries(t.as("viewer"), summary.id)).rejects.toThrow(/editor role/);
      expect(await retryFailedDeliveries(t.ctx, summary.id)).toBe(2);
      expect(await retryFailedDeliveries(t.ctx, summary.id)).toBe(0);
      await drain(resendMailer(fake.url));
      expect((await listNotificationSummaries(t.ctx))[0]).toMatchObject({ failed: 0, sent: 2, pending: 0 });
      expect(fake.accepted.map((e) => e.to).sort()).toEqual(["f1@example.com", "f2@example.com"]);
      expect(fake.requests.map((r) => r.outcome)).toEqual(["accepted+drop", "replay"]);
      expect(await batchKeys()).toEqual(keys);
    },
  );

  it("a batch the provider refused goes back under a new key, and is then sent", async () => {
    const { summary, keys } = await failOnce({ kind: "422" });
    expect(fake.accepted).toHaveLength(0);
    expect(await retryFailedDeliveries(t.ctx, summary.id)).toBe(2);
    await drain(resendMailer(fake.url));
    expect((await listNotificationSummaries(t.ctx))[0]).toMatchObject({ failed: 0, sent: 2, pending: 0 });
    expect(fake.accepted.map((e) => e.to).sort()).toEqual(["f1@example.com", "f2@example.com"]);
    expect(fake.accepted[0].idempotencyKey).not.toBe(keys[0]);
  });

  it("someone who unsubscribed after the failure is not mailed by the retry; the rest go under a new key", async () => {
    const { summary, keys } = await failOnce({ kind: "500" });
    const [f1] = (await listSubscribers(t.ctx, { q: "f1@" })).subscribers;
    await removeSubscriber(t.ctx, f1.id);
    expect(await retryFailedDeliveries(t.ctx, summary.id)).toBe(1);
    await drain(resendMailer(fake.url));
    expect((await listNotificationSummaries(t.ctx))[0]).toMatchObject({ failed: 0, sent: 1, skipped: 1 });
    expect(fake.accepted.map((e) => e.to)).toEqual(["f2@example.com"]);
    expect(fake.accepted[0].idempotencyKey).not.toBe(keys[0]);
  });

  it("a deleted incident's failed email is withdrawn with it: the retry revives nothing", async () => {
    const { summary, incident } = await failOnce({ kind: "500" });
    await deleteIncident(t.ctx, { id: incident.incident.id });
    expect((await listNotificationSummaries(t.ctx))[0]).toMatchObject({ failed: 0, skipped: 2 });
    expect(await retryFailedDeliveries(t.ctx, summary.id)).toBe(0);
    await drain(resendMailer(fake.url));
    expect(fake.accepted).toHaveLength(0);
  });
});
