import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { NOTIFICATION_KINDS } from "@/db/constants";
import { notification } from "@/db/schema";
import { createComponent, updateComponent } from "@/lib/components/components";
import { newId } from "@/lib/ids";
import { createIncident, postIncidentUpdate, resolveIncident } from "@/lib/incidents/incidents";
import { publishPostmortem, savePostmortemDraft } from "@/lib/incidents/postmortem";
import { createMaintenance } from "@/lib/maintenance/maintenance";
import { getPage, updatePage } from "@/lib/page/page";
import { DEFAULT_SUBSCRIBE_LIMITS } from "@/lib/subscribers/limits";
import { confirmSubscription, followIncident, subscribe } from "@/lib/subscribers/subscribe";
import { runDueWork } from "@/lib/worker/run";
import { startFakeResend, type FakeResend } from "../helpers/fake-resend";
import { addActive, deliveryCounts, deps, resendMailer, SECRET } from "./helpers";

// Regression: maintenance reminders and postmortem notifications have no
// incident update; rendering them threw and their deliveries stayed pending
// forever. This drives every notification kind through the real worker to
// the fake provider. The journey must produce exactly NOTIFICATION_KINDS: a
// kind added later fails here until the journey covers it.

let fake: FakeResend;
beforeAll(async () => {
  fake = await startFakeResend();
});
afterAll(() => fake.close());

let t: Awaited<ReturnType<typeof createTestCtx>>;
let pageId: string;
beforeEach(async () => {
  t = await createTestCtx();
  t.clock.set(new Date("2026-03-02T15:00:00Z"));
  pageId = (await getPage(t.db)).id;
  await updatePage(t.ctx, { timeZone: "America/New_York" });
  fake.accepted.length = 0;
  fake.requests.length = 0;
  fake.misbehave(null);
});
afterEach(() => t.close());

const cfg = { secret: SECRET, limits: DEFAULT_SUBSCRIBE_LIMITS };
const pub = () => ({ db: t.db, now: t.clock.now });
const drain = (over = {}) =>
  runDueWork({ db: t.db, now: t.clock.now }, deps(resendMailer(fake.url), over), { budgetMs: 10_000 });
const subjectsTo = (to: string) => fake.accepted.filter((e) => e.to === to).map((e) => e.subject);
const confirmLink = (to: string) =>
  /\/subscriptions\/confirm\?token=([A-Za-z0-9_-]{43})/.exec(fake.accepted.findLast((e) => e.to === to)!.text)![1];

describe("every notification kind reaches every subscriber", () => {
  it(
    "incident, maintenance, reminder, postmortem, confirmation " +
      "and a followed incident: each subscriber gets each once",
    async () => {
      const api = await createComponent(t.ctx, { name: "API" });
      const web = await createComponent(t.ctx, { name: "Web" });
      const [everyone] = await addActive(t.db, pageId, 1, { prefix: "all" });
      await addActive(t.db, pageId, 1, { prefix: "api", componentIds: [api.id] });
      await addActive(t.db, pageId, 1, { prefix: "web", componentIds: [web.id] });
      expect(everyone).toBeTruthy();

      // A new subscriber: the confirmation email, then confirmed by its link.
      // … who also chose component status changes (opt-in by email).
      const all = ["incidents", "maintenance", "components"] as const;
      expect(
        await subscribe(pub(), pageId, { email: "new@example.com", ip: "198.51.100.1", events: [...all] }, cfg),
      ).toBe("confirmation_queued");
      await drain();
      expect(await confirmSubscription(pub(), pageId, confirmLink("new@example.com"))).toBe(true);

      const { incident } = await createIncident(t.ctx, {
        name: "API errors",
        body: "Looking into **errors**.",
        components: { [api.id]: "major_outage" },
        notify: true,
      });
      // Someone follows only this incident (its own confirmation first).
      expect(
        await followIncident(
          pub(),
          pageId,
          { email: "follower@example.com", ip: "198.51.100.2", incidentId: incident.id },
          cfg,
        ),
      ).toBe("confirmation_queued");
      await drain();
      expect(await confirmSubscription(pub(), pageId, confirmLink("follower@example.com"))).toBe(true);

      await postIncidentUpdate(t.ctx, {
        incidentId: incident.id,
        status: "identified",
        body: "Found it.",
        notify: true,
      });
      await resolveIncident(t.ctx, {
        incidentId: incident.id,
        body: "Fixed.",
        components: { [api.id]: "operational" },
        notify: true,
      });
      await savePostmortemDraft(t.ctx, { incidentId: incident.id, body: "## What happened\nA bad deploy." });
      await publishPostmortem(t.ctx, { incidentId: incident.id, notify: true });
      await drain();

      // 10:00 New York time tomorrow; reminder 30 minutes before.
      const { maintenance } = await createMaintenance(t.ctx, {
        name: "Database upgrade",
        body: "Upgrading the primary.",
        componentIds: [api.id],
        scheduledFor: "2026-03-03T10:00",
        scheduledUntil: "2026-03-03T11:00",
        remindMinutes: 30,
        notifyNow: true,
        notifyAtStart: true,
        notifyAtEnd: true,
      });
      await drain();
      for (const at of ["2026-03-03T14:31:00Z", "2026-03-03T15:00:00Z", "2026-03-03T16:00:00Z"]) {
        t.clock.set(new Date(at));
        await drain();
        await drain();
      }
      // A component changed by hand (console): only the subscriber who chose component changes hears of it.
      await updateComponent(t.ctx, { id: web.id, status: "degraded_performance" });
      // Unless staff clear "Notify subscribers".
      await updateComponent(t.ctx, { id: web.id, status: "partial_outage", notify: false });
      await drain();

      const kinds = (await t.db.selectDistinct({ kind: notification.kind }).from(notification))
        .map((r) => r.kind)
        .sort();
      expect(kinds).toEqual([...NOTIFICATION_KINDS].sort());
      expect(await deliveryCounts(t.db)).toEqual({ sent: expect.any(Number) });

      const incidentMails = [
        "[Acme Status] Investigating: API errors",
        "[Acme Status] Identified: API errors",
        "[Acme Status] Resolved: API errors",
        "[Acme Status] Postmortem: API errors",
      ];
      const maintenanceMails = [
        "[Acme Status] Scheduled: Database upgrade",
        "[Acme Status] Reminder: Database upgrade",
        "[Acme Status] In progress: Database upgrade",
        "[Acme Status] Completed: Database upgrade",
      ];
      const expected: Record<string, string[]> = {
        "all0@example.com": [...incidentMails, ...maintenanceMails],
        "api0@example.com": [...incidentMails, ...maintenanceMails],
        "web0@example.com": [],
        "new@example.com": [
          "Confirm your subscription to Acme Status",
          ...incidentMails,
          ...maintenanceMails,
          "[Acme Status] Web: Degraded performance (was operational)",
        ],
        // Joined after the incident opened; follows only that incident.
        "follower@example.com": ["Confirm your subscription to Acme Status", ...incidentMails.slice(1)],
      };
      for (const [to, subjects] of Object.entries(expected)) expect(subjectsTo(to), to).toEqual(subjects);

      // What the kinds without an update say: the window in the page's zone; the postmortem's text.
      const reminder = fake.accepted.find((e) => e.to === "all0@example.com" && e.subject.includes("Reminder"))!;
      expect(reminder.text).toContain("Mar 3, 2026, 10:00 EST – Mar 3, 2026, 11:00 EST");
      expect(reminder.text).toContain("Upgrading the primary.");
      expect(reminder.html).toContain(`/incidents/${maintenance.id}`);
      const postmortem = fake.accepted.find((e) => e.to === "all0@example.com" && e.subject.includes("Postmortem"))!;
      expect(postmortem.html).toContain("A bad deploy.");
      expect(postmortem.text).toMatch(/manage\?token=[A-Za-z0-9_-]{43}/);
      // Times staff and subscribers read are in the page's zone, with its abbreviation.
      const first = fake.accepted.find((e) => e.to === "all0@example.com")!;
      expect(first.text).toContain("Mar 2, 2026, 10:00 EST");
      const change = fake.accepted.find((e) => e.to === "new@example.com" && e.subject.includes("Web:"))!;
      expect(change.text).toContain("Web: Degraded performance (was operational).");
      expect(change.text).toMatch(/manage\?token=[A-Za-z0-9_-]{43}/);
    },
  );

  it(
    "a notification that cannot be rendered is retried, then " + "marked failed with its error and logged once",
    async () => {
      await addActive(t.db, pageId, 3);
      // An event whose incident is gone: rendering it must fail, not hang.
      await t.db.insert(notification).values({
        id: newId(),
        pageId,
        kind: "postmortem_published",
        incidentId: "gone00000000",
        createdAt: t.clock.now(),
      });
      const id = (await t.db.select({ id: notification.id }).from(notification))[0].id;
      await t.db.run(sql`insert into delivery (id, notification_id, subscriber_id, status, attempts, next_attempt_at,
      created_at)
      select lower(hex(randomblob(6))), ${id}, s.id, 'pending', 0, 0, 0 from subscriber s`);
      const logged: string[] = [];
      const over = { maxAttempts: 3, backoffBaseMs: 1, backoffMaxMs: 1, log: (m: string) => logged.push(m) };
      for (let i = 0; i < 6; i++) {
        await drain(over);
        t.clock.advance(1000);
      }
      const rows = await t.db.all<{ status: string; attempts: number; last_error: string }>(
        sql`select status, attempts, last_error from delivery`,
      );
      expect(rows).toHaveLength(3);
      for (const r of rows) {
        expect(r.status).toBe("failed");
        expect(r.attempts).toBe(3);
        expect(r.last_error).toMatch(/could not render or send: .*incident gone00000000 not found/);
      }
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(/3 postmortem_published deliveries .* failed after 3 attempt/);
      expect(fake.requests).toHaveLength(0);
    },
  );
});
