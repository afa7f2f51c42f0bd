import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { page as pageTable } from "@/db/schema";
import { listOutbox, getOutboxEmail } from "@/lib/email/outbox";
import { getPage } from "@/lib/page/page";
import { DEFAULT_SUBSCRIBE_LIMITS, recentLimitHits } from "@/lib/subscribers/limits";
import {
  confirmSubscription,
  subscribe,
  unsubscribeByToken,
  viewByConfirmToken,
  viewByManageToken,
} from "@/lib/subscribers/subscribe";
import { runDueWork } from "@/lib/worker/run";
import { deps, outboxMailer, SECRET } from "./helpers";

let t: Awaited<ReturnType<typeof createTestCtx>>;
let pageId: string;
const cfg = { secret: SECRET, limits: DEFAULT_SUBSCRIBE_LIMITS };
const pub = () => ({ db: t.db, now: t.clock.now });
beforeEach(async () => {
  t = await createTestCtx();
  pageId = (await getPage(t.db)).id;
});
afterEach(() => t.close());

const count = async (table: string) =>
  (await t.db.all<{ n: number }>(sql.raw(`select count(*) as n from ${table}`)))[0].n;
const drain = () => runDueWork({ db: t.db, now: t.clock.now }, deps(outboxMailer(t.db)), { budgetMs: 10_000 });
const tokenIn = (text: string, kind: string) =>
  new RegExp(`/subscriptions/${kind}\\?token=([A-Za-z0-9_-]{43})`).exec(text)?.[1];

describe("double opt-in", () => {
  it(
    "queues the confirmation in the outbox (never sent in the " +
      "request), confirms only on POST, and the manage token " +
      "unsubscribes",
    async () => {
      expect(await subscribe(pub(), pageId, { email: "Ann@Example.com", ip: "1.1.1.1" }, cfg)).toBe(
        "confirmation_queued",
      );
      expect(await count("outbox_email")).toBe(0);
      await drain();
      const [item] = await listOutbox(t.db);
      expect(item.to).toBe("ann@example.com");
      const mail = (await getOutboxEmail(t.db, item.id))!;
      expect(mail.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      const confirm = tokenIn(mail.text, "confirm")!;
      // A scanner's GET only views: state unchanged.
      expect((await viewByConfirmToken(pub(), pageId, confirm))?.state).toBe("unconfirmed");
      expect((await t.db.all<{ state: string }>(sql`select state from subscriber`))[0].state).toBe("unconfirmed");
      expect(await confirmSubscription(pub(), pageId, confirm)).toBe(true);
      expect(await confirmSubscription(pub(), pageId, confirm)).toBe(false);
      const manage = tokenIn(mail.text, "unsubscribe")!;
      expect((await viewByManageToken(pub(), pageId, manage))?.state).toBe("active");
      expect(await unsubscribeByToken(pub(), pageId, manage)).toBe(true);
      expect((await t.db.all<{ state: string }>(sql`select state from subscriber`))[0].state).toBe("unsubscribed");
    },
  );

  it("tokens are stored hashed and encrypted, never in the clear", async () => {
    await subscribe(pub(), pageId, { email: "a@example.com", ip: "1" }, cfg);
    await drain();
    const mail = (await getOutboxEmail(t.db, (await listOutbox(t.db))[0].id))!;
    const token = tokenIn(mail.text, "confirm")!;
    const dump = JSON.stringify(await t.db.all(sql`select * from subscriber`));
    expect(dump).not.toContain(token);
  });

  it(
    "enumeration: new, pending, active and unsubscribed " + "addresses get the same outcome class and no extra signal",
    async () => {
      // The route answers identically for every outcome; here we pin that no outcome throws or differs in shape.
      const loose = { ...cfg, limits: { perAddress15m: 0, perAddressDay: 0, perIpHour: 0, globalHour: 0 } };
      const outcomes = [];
      outcomes.push(await subscribe(pub(), pageId, { email: "new@example.com", ip: "1" }, loose));
      outcomes.push(await subscribe(pub(), pageId, { email: "new@example.com", ip: "1" }, loose));
      await t.db.run(sql`update subscriber set state = 'active'`);
      outcomes.push(await subscribe(pub(), pageId, { email: "new@example.com", ip: "1" }, loose));
      await t.db.run(sql`update subscriber set state = 'unsubscribed'`);
      outcomes.push(await subscribe(pub(), pageId, { email: "new@example.com", ip: "1" }, loose));
      expect(outcomes).toEqual(["confirmation_queued", "confirmation_queued", "already_active", "confirmation_queued"]);
    },
  );
});

describe("abuse limits", () => {
  it("subscription bombing: one victim address gets one confirmation per 15 minutes and three per day", async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        subscribe(pub(), pageId, { email: "victim@example.com", ip: `10.0.0.${i}` }, cfg),
      ),
    );
    expect(results.filter((r) => r === "confirmation_queued")).toHaveLength(1);
    for (let i = 0; i < 10; i++) {
      t.clock.advance(16 * 60_000);
      await subscribe(pub(), pageId, { email: "victim@example.com", ip: `10.1.0.${i}` }, cfg);
    }
    expect(await count("notification")).toBeLessThanOrEqual(3);
    const hits = await recentLimitHits(t.db, t.clock.now());
    expect(hits.map((h) => h.kind)).toContain("perAddress15m");
  });

  it("rotation from one IP: many addresses from one client stop at the per-IP limit before any write", async () => {
    const results = [];
    for (let i = 0; i < 25; i++)
      results.push(await subscribe(pub(), pageId, { email: `bot${i}@example.com`, ip: "6.6.6.6" }, cfg));
    expect(results.filter((r) => r === "confirmation_queued")).toHaveLength(DEFAULT_SUBSCRIBE_LIMITS.perIpHour);
    expect(await count("subscriber")).toBe(DEFAULT_SUBSCRIBE_LIMITS.perIpHour);
  });

  it("a global ceiling holds across addresses and IPs", async () => {
    const tight = { ...cfg, limits: { ...DEFAULT_SUBSCRIBE_LIMITS, globalHour: 5 } };
    for (let i = 0; i < 12; i++)
      await subscribe(pub(), pageId, { email: `g${i}@example.com`, ip: `9.9.9.${i}` }, tight);
    expect(await count("subscriber")).toBe(5);
  });

  it("the honeypot field writes nothing", async () => {
    expect(await subscribe(pub(), pageId, { email: "x@example.com", ip: "1", honeypot: "http://spam" }, cfg)).toBe(
      "honeypot",
    );
    expect(await count("subscriber")).toBe(0);
  });
});

describe("tokens", () => {
  it("forged, malformed and cross-page tokens do nothing", async () => {
    await subscribe(pub(), pageId, { email: "a@example.com", ip: "1" }, cfg);
    await drain();
    const mail = (await getOutboxEmail(t.db, (await listOutbox(t.db))[0].id))!;
    const confirm = tokenIn(mail.text, "confirm")!;
    for (const bad of [
      "",
      "x",
      "A".repeat(43),
      confirm.slice(0, -1) + (confirm.endsWith("A") ? "B" : "A"),
      `${confirm}' or 1=1 --`,
      null,
      42,
    ])
      expect(await confirmSubscription(pub(), pageId, bad)).toBe(false);
    // A second page: its id does not own this token.
    const other = "otherpage123";
    await t.db
      .insert(pageTable)
      .values({ id: other, name: "Other", createdAt: t.clock.now(), updatedAt: t.clock.now() });
    expect(await confirmSubscription(pub(), other, confirm)).toBe(false);
    expect(await viewByConfirmToken(pub(), other, confirm)).toBeNull();
    expect(await confirmSubscription(pub(), pageId, confirm)).toBe(true);
  });
});
