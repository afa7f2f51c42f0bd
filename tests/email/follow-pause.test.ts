import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { getOutboxEmail, listOutbox } from "@/lib/email/outbox";
import { createComponent } from "@/lib/components/components";
import { createIncident, postIncidentUpdate } from "@/lib/incidents/incidents";
import { getPage } from "@/lib/page/page";
import { DEFAULT_SUBSCRIBE_LIMITS } from "@/lib/subscribers/limits";
import {
  confirmSubscription,
  followIncident,
  setPausedByToken,
  subscribe,
  unsubscribeByToken,
  updatePreferencesByToken,
  viewByManageToken,
} from "@/lib/subscribers/subscribe";
import { runDueWork } from "@/lib/worker/run";
import { addActive, deps, outboxMailer, SECRET } from "./helpers";

let t: Awaited<ReturnType<typeof createTestCtx>>;
let pageId: string;
const cfg = { secret: SECRET, limits: DEFAULT_SUBSCRIBE_LIMITS };
const loose = { secret: SECRET, limits: { perAddress15m: 0, perAddressDay: 0, perIpHour: 0, globalHour: 0 } };
const pub = () => ({ db: t.db, now: t.clock.now });
beforeEach(async () => {
  t = await createTestCtx();
  pageId = (await getPage(t.db)).id;
});
afterEach(() => t.close());

const drain = () => runDueWork({ db: t.db, now: t.clock.now }, deps(outboxMailer(t.db)), { budgetMs: 10_000 });
const tokenIn = (text: string, kind: string) =>
  new RegExp(`/subscriptions/${kind}\\?token=([A-Za-z0-9_-]{43})`).exec(text)?.[1];
/** The newest outbox email to `to` (texts hold the links). */
const mailTo = async (to: string) => {
  const item = (await listOutbox(t.db, { q: to })).find((i) => i.to === to);
  return item ? (await getOutboxEmail(t.db, item.id))! : undefined;
};
const subjectsTo = async (to: string) =>
  (await listOutbox(t.db, { q: to })).filter((i) => i.to === to).map((i) => i.subject);
const deliveriesOf = (email: string) =>
  t.db.all<{ status: string; last_error: string | null }>(
    sql`select d.status, d.last_error from delivery d join subscriber s on s.id = d.subscriber_id where s.email =
    ${email} order by d.created_at`,
  );

/** Subscribes and confirms through the public flow; returns the manage token. */
async function confirmedVia(action: () => Promise<unknown>, email: string): Promise<string> {
  await action();
  await drain();
  const mail = (await mailTo(email))!;
  expect(await confirmSubscription(pub(), pageId, tokenIn(mail.text, "confirm"))).toBe(true);
  return tokenIn(mail.text, "unsubscribe")!;
}

describe("pause and resume", () => {
  it(
    "a subscriber paused after enqueue is skipped at send time; " +
      "paused at publish time gets no delivery; resumed gets the " +
      "next one",
    async () => {
      const manage = await confirmedVia(
        () => subscribe(pub(), pageId, { email: "p@example.com", ip: "1" }, cfg),
        "p@example.com",
      );
      await addActive(t.db, pageId, 1, { prefix: "other" });

      const first = await createIncident(t.ctx, { name: "First", body: "x", notify: true });
      // Paused between the publish (delivery queued) and the worker's send.
      expect(await setPausedByToken(pub(), pageId, manage, true)).toBe(true);
      expect((await viewByManageToken(pub(), pageId, manage))?.paused).toBe(true);
      await drain();
      expect(await deliveriesOf("p@example.com")).toEqual([
        { status: "sent", last_error: null },
        { status: "skipped", last_error: "not subscribed at send time" },
      ]);
      expect(await subjectsTo("other0@example.com")).toHaveLength(1);

      // Paused at publish time: not even queued.
      await postIncidentUpdate(t.ctx, { incidentId: first.incident.id, status: "identified", body: "y", notify: true });
      await drain();
      expect(await deliveriesOf("p@example.com")).toHaveLength(2);

      expect(await setPausedByToken(pub(), pageId, manage, false)).toBe(true);
      await postIncidentUpdate(t.ctx, { incidentId: first.incident.id, status: "resolved", body: "z", notify: true });
      await drain();
      expect((await subjectsTo("p@example.com")).filter((s) => s.includes("Resolved"))).toHaveLength(1);
      expect(await subjectsTo("other0@example.com")).toHaveLength(3);
    },
  );

  it("only an active subscription can be paused, and a bad token does nothing", async () => {
    await subscribe(pub(), pageId, { email: "u@example.com", ip: "1" }, cfg);
    await drain();
    const manage = tokenIn((await mailTo("u@example.com"))!.text, "unsubscribe")!;
    expect(await setPausedByToken(pub(), pageId, manage, true)).toBe(false);
    expect(await setPausedByToken(pub(), pageId, "x".repeat(43), true)).toBe(false);
    expect(
      (await t.db.all<{ paused_at: number | null }>(sql`select paused_at from subscriber`))[0].paused_at,
    ).toBeNull();
  });
});

describe("follow this incident", () => {
  it(
    "a new address confirms by double opt-in, then gets only the " +
      "followed incident's updates until it unsubscribes",
    async () => {
      const api = await createComponent(t.ctx, { name: "API" });
      const followed = await createIncident(t.ctx, { name: "Followed", body: "a", notify: false });
      const other = await createIncident(t.ctx, { name: "Other", body: "b", notify: false });
      await addActive(t.db, pageId, 2, { prefix: "all" });
      await addActive(t.db, pageId, 1, { prefix: "web", componentIds: [api.id] });

      expect(
        await followIncident(pub(), pageId, { email: "f@example.com", incidentId: followed.incident.id, ip: "1" }, cfg),
      ).toBe("confirmation_queued");
      // Unconfirmed: nothing but the confirmation.
      await postIncidentUpdate(t.ctx, {
        incidentId: followed.incident.id,
        status: "identified",
        body: "c",
        notify: true,
      });
      await drain();
      expect(await subjectsTo("f@example.com")).toEqual([expect.stringMatching(/^Confirm your subscription/)]);
      const manage = await confirmedVia(async () => undefined, "f@example.com");
      expect(await viewByManageToken(pub(), pageId, manage)).toMatchObject({
        state: "active",
        incidentOnly: true,
        following: ["Followed"],
      });

      await postIncidentUpdate(t.ctx, { incidentId: other.incident.id, status: "identified", body: "d", notify: true });
      await postIncidentUpdate(t.ctx, {
        incidentId: followed.incident.id,
        status: "monitoring",
        body: "e",
        notify: true,
      });
      await drain();
      const subjects = await subjectsTo("f@example.com");
      expect(subjects.filter((s) => !s.startsWith("Confirm"))).toEqual(["[Acme Status] Monitoring: Followed"]);
      // Page-wide subscribers still get both.
      expect((await subjectsTo("all0@example.com")).length).toBe(3);

      expect(await unsubscribeByToken(pub(), pageId, manage)).toBe(true);
      await postIncidentUpdate(t.ctx, {
        incidentId: followed.incident.id,
        status: "resolved",
        body: "f",
        notify: true,
      });
      await drain();
      expect((await subjectsTo("f@example.com")).filter((s) => !s.startsWith("Confirm"))).toHaveLength(1);
    },
  );

  it(
    "an active subscriber scoped to other components gets the " + "followed incident too, with no confirmation email",
    async () => {
      const api = await createComponent(t.ctx, { name: "API" });
      const web = await createComponent(t.ctx, { name: "Web" });
      const manage = await confirmedVia(
        () => subscribe(pub(), pageId, { email: "s@example.com", componentIds: [web.id], ip: "1" }, loose),
        "s@example.com",
      );
      const inc = await createIncident(t.ctx, {
        name: "API trouble",
        body: "a",
        components: { [api.id]: "major_outage" },
        notify: true,
      });
      await drain();
      expect(await subjectsTo("s@example.com")).toHaveLength(1);
      expect(
        await followIncident(pub(), pageId, { email: "S@example.com", incidentId: inc.incident.id, ip: "1" }, loose),
      ).toBe("following");
      await postIncidentUpdate(t.ctx, { incidentId: inc.incident.id, status: "resolved", body: "b", notify: true });
      await drain();
      expect((await subjectsTo("s@example.com"))[0]).toBe("[Acme Status] Resolved: API trouble");
      expect(await subjectsTo("s@example.com")).toHaveLength(2);
      // Saving preferences keeps a full subscriber full.
      expect(await updatePreferencesByToken(pub(), pageId, manage, [])).toBe(true);
      expect((await viewByManageToken(pub(), pageId, manage))?.incidentOnly).toBe(false);
    },
  );

  it(
    "shares the subscribe form's abuse limits, honeypot and " + "silence about unknown or unpublished incidents",
    async () => {
      const inc = await createIncident(t.ctx, { name: "Public", body: "a", notify: false });
      const input = { email: "victim@example.com", incidentId: inc.incident.id, ip: "9.9.9.9" };
      expect(await followIncident(pub(), pageId, input, cfg)).toBe("confirmation_queued");
      // One per address per 15 minutes, whichever form it came through.
      expect(await followIncident(pub(), pageId, input, cfg)).toBe("limited");
      expect(await subscribe(pub(), pageId, { email: "victim@example.com", ip: "8.8.8.8" }, cfg)).toBe("limited");
      expect(
        await followIncident(pub(), pageId, { ...input, email: "bot@example.com", honeypot: "http://spam" }, cfg),
      ).toBe("honeypot");
      expect(
        await followIncident(pub(), pageId, { ...input, email: "x@example.com", incidentId: "doesnotexist" }, cfg),
      ).toBe("no_incident");
      await expect(followIncident(pub(), pageId, { ...input, email: "not an address" }, cfg)).rejects.toThrow(
        /valid email/,
      );
      const rows = await t.db.all<{ email: string }>(sql`select email from subscriber`);
      expect(rows.map((r) => r.email)).toEqual(["victim@example.com"]);
      await drain();
      expect((await listOutbox(t.db)).length).toBe(1);
    },
  );
});
