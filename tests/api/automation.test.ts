// The rest of Statuspage's v1 API that automation uses: scheduled maintenance
// through /incidents, the maintenance lists, postmortems, templates, component
// uptime and the subscriber extras, against the real server.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { componentStatusChange, incident, notification, subscriber } from "../../db/schema";
import { newId } from "../../lib/ids";
import { updatePage } from "../../lib/page/page";
import { startApi, type ApiClient } from "./helpers";

const DAY = 86_400_000;
const day = (n: number) => new Date(Math.ceil(Date.now() / DAY) * DAY + n * DAY);

describe("management API v1: automation endpoints", () => {
  let api: ApiClient;
  let db: string;
  beforeAll(async () => {
    api = await startApi();
    db = (await api.post(`${api.base}/components`, { component: { name: "Database" } })).body.id;
  });
  afterAll(() => api?.stop());

  const kinds = async () => (await api.server.db.select({ k: notification.kind }).from(notification)).map((r) => r.k);
  const row = async (id: string) => (await api.server.db.select().from(incident).where(eq(incident.id, id)).get())!;

  describe("scheduled maintenance through /incidents", () => {
    let mId: string;

    it(
      "POST with scheduled_for creates a maintenance with " + "Statuspage's switches (Bearer as well as OAuth)",
      async () => {
        const res = await api.post(
          `${api.base}/incidents`,
          {
            incident: {
              name: "Database upgrade",
              status: "scheduled",
              body: "We will upgrade the primary database.",
              scheduled_for: day(2).toISOString(),
              scheduled_until: new Date(day(2).getTime() + 7_200_000).toISOString(),
              scheduled_remind_prior: true,
              scheduled_auto_in_progress: true,
              scheduled_auto_completed: false,
              auto_transition_to_maintenance_state: true,
              auto_transition_to_operational_state: true,
              auto_transition_deliver_notifications_at_start: true,
              auto_transition_deliver_notifications_at_end: false,
              components: { [db]: "under_maintenance" },
            },
          },
          { scheme: "Bearer" },
        );
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        mId = res.body.id;
        expect(res.body).toMatchObject({
          name: "Database upgrade",
          status: "scheduled",
          impact: "maintenance",
          scheduled_for: day(2).toISOString(),
          scheduled_remind_prior: true,
          scheduled_reminded_at: null,
          scheduled_auto_in_progress: true,
          scheduled_auto_completed: false,
          auto_transition_to_maintenance_state: true,
          auto_transition_deliver_notifications_at_start: true,
          auto_transition_deliver_notifications_at_end: false,
        });
        expect(res.body.incident_updates).toHaveLength(1);
        // The page has no default: Statuspage's one hour.
        const r = await row(mId);
        expect([r.kind, r.scheduledRemindMinutes]).toEqual(["maintenance", 60]);
        expect((await api.get(`${api.base}/incidents/${mId}`)).body.id).toBe(mId);
        expect(await kinds()).toEqual([]);
      },
    );

    it("takes the page's reminder default, and scheduled_remind_prior: false turns it off", async () => {
      await updatePage(api.ctx, { maintenanceRemindMinutes: 1440 });
      const window = { scheduled_for: day(3).toISOString(), scheduled_until: day(4).toISOString() };
      const byDefault = await api.post(`${api.base}/incidents`, { incident: { name: "Default", ...window } });
      const on = await api.post(`${api.base}/incidents`, {
        incident: { name: "On", scheduled_remind_prior: true, ...window },
      });
      const off = await api.post(`${api.base}/incidents`, {
        incident: { name: "Off", scheduled_remind_prior: false, ...window },
      });
      expect([byDefault.status, on.status, off.status]).toEqual([201, 201, 201]);
      expect((await row(byDefault.body.id)).scheduledRemindMinutes).toBe(1440);
      expect((await row(on.body.id)).scheduledRemindMinutes).toBe(1440);
      expect(off.body.scheduled_remind_prior).toBe(false);
      await updatePage(api.ctx, { maintenanceRemindMinutes: null });
      // Completed (not deleted: DELETE is for incidents), so they leave the upcoming list.
      for (const id of [byDefault.body.id, on.body.id, off.body.id]) {
        expect((await api.patch(`${api.base}/incidents/${id}`, { incident: { status: "completed" } })).status).toBe(
          200,
        );
      }
    });

    it.each([
      ["an end before the start", { scheduled_until: day(1).toISOString() }, "incident.scheduled_until"],
      ["a date without an offset", { scheduled_for: "2026-13-01T10:00" }, "incident.scheduled_for"],
      ["a component status the automation owns", { components: { web: "major_outage" } }, "incident.components.web"],
      ["a start as in_progress", { status: "in_progress" }, "incident.status"],
      [
        "switches that disagree",
        { auto_transition_to_maintenance_state: true, auto_transition_to_operational_state: false },
        "incident.auto_transition_to_operational_state",
      ],
      ["an unknown field", { role: "admin" }, "incident"],
    ])("rejects %s with 422 and changes nothing", async (_, extra, field) => {
      const before = await api.snapshot();
      const res = await api.post(`${api.base}/incidents`, {
        incident: { name: "Bad", scheduled_for: day(2).toISOString(), scheduled_until: day(3).toISOString(), ...extra },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(Object.keys(res.body.errors)).toContain(field);
      expect(await api.snapshot()).toEqual(before);
    });

    it("a viewer key cannot schedule maintenance", async () => {
      const res = await api.post(
        `${api.base}/incidents`,
        { incident: { name: "x", scheduled_for: day(2).toISOString(), scheduled_until: day(3).toISOString() } },
        { key: api.keys.viewer },
      );
      expect(res.status).toBe(403);
    });

    it(
      "PATCH moves the window and renames it before the start; a " + "status posts an update, notifying when asked",
      async () => {
        const moved = await api.patch(`${api.base}/incidents/${mId}`, {
          incident: {
            name: "Database upgrade (moved)",
            scheduled_for: day(5).toISOString(),
            scheduled_until: new Date(day(5).getTime() + 3_600_000).toISOString(),
            scheduled_auto_completed: true,
          },
        });
        expect(moved.status, JSON.stringify(moved.body)).toBe(200);
        expect(moved.body).toMatchObject({
          name: "Database upgrade (moved)",
          scheduled_for: day(5).toISOString(),
          scheduled_auto_completed: true,
          scheduled_auto_in_progress: true,
          status: "scheduled",
        });
        expect(moved.body.incident_updates).toHaveLength(1);

        const started = await api.patch(`${api.base}/incidents/${mId}`, {
          incident: { status: "in_progress", deliver_notifications: true },
        });
        expect(started.status, JSON.stringify(started.body)).toBe(200);
        expect(started.body.status).toBe("in_progress");
        expect(started.body.incident_updates[0]).toMatchObject({ status: "in_progress", deliver_notifications: true });
        expect(started.body.incident_updates[0].body).toMatch(/in progress/);
        expect((await api.get(`${api.base}/components/${db}`)).body.status).toBe("under_maintenance");
        expect(await kinds()).toEqual(["maintenance_started"]);

        const before = await api.snapshot();
        const late = await api.patch(`${api.base}/incidents/${mId}`, {
          incident: { scheduled_for: day(6).toISOString() },
        });
        expect(late.status).toBe(409);
        const bad = await api.patch(`${api.base}/incidents/${mId}`, { incident: { status: "investigating" } });
        expect(bad.status).toBe(422);
        expect(Object.keys(bad.body.errors)).toEqual(["incident.status"]);
        expect(await api.snapshot()).toEqual(before);
      },
    );

    it(
      "lists upcoming, active and all scheduled maintenance; " +
        "incidents stay out of them and maintenance out of /incidents",
      async () => {
        const upcoming = await api.post(`${api.base}/incidents`, {
          incident: {
            name: "Network work",
            scheduled_for: day(7).toISOString(),
            scheduled_until: day(8).toISOString(),
          },
        });
        const plain = await api.post(`${api.base}/incidents`, { incident: { name: "Plain incident" } });
        const ids = async (path: string) =>
          (await api.get(`${api.base}/incidents/${path}`)).body.map((i: { id: string }) => i.id);
        expect(await ids("upcoming")).toEqual([upcoming.body.id]);
        expect(await ids("active_maintenance")).toEqual([mId]);
        const scheduled = await ids("scheduled");
        expect(scheduled.slice(0, 2)).toEqual([upcoming.body.id, mId]);
        expect(scheduled).toHaveLength(5);
        expect(await ids("scheduled?limit=1&page=2")).toEqual([mId]);
        expect((await api.get(`${api.base}/incidents/upcoming?limit=0`)).status).toBe(422);
        const all = (await api.get(`${api.base}/incidents`)).body.map((i: { id: string }) => i.id);
        expect(all).toContain(plain.body.id);
        expect(all).not.toContain(mId);
      },
    );
  });

  describe("postmortems", () => {
    it("saves a draft, publishes it (notifying when asked) and reverts it", async () => {
      const inc = (
        await api.post(`${api.base}/incidents`, { incident: { name: "Outage", status: "resolved", body: "Fixed." } })
      ).body.id;
      const base = `${api.base}/incidents/${inc}/postmortem`;
      expect((await api.put(`${base}/publish`, {})).status).toBe(422); // nothing written yet
      const draft = await api.put(base, { postmortem: { body_draft: "## What happened\nA **bad** deploy." } });
      expect(draft.status, JSON.stringify(draft.body)).toBe(200);
      expect(draft.body).toMatchObject({
        body_draft: "## What happened\nA **bad** deploy.",
        body: null,
        published_at: null,
      });
      const before = await kinds();
      const published = await api.put(`${base}/publish`, {
        postmortem: { notify_subscribers: true, notify_twitter: false },
      });
      expect(published.status, JSON.stringify(published.body)).toBe(200);
      expect(published.body.body).toBe("## What happened\nA **bad** deploy.");
      expect(published.body.published_at).not.toBeNull();
      expect((await api.get(`${api.base}/incidents/${inc}`)).body.status).toBe("postmortem");
      expect((await kinds()).slice(before.length)).toEqual(["postmortem_published"]);
      const reverted = await api.put(`${base}/revert`, {});
      expect(reverted.body).toMatchObject({
        body: null,
        published_at: null,
        body_draft: "## What happened\nA **bad** deploy.",
      });
      expect((await api.get(`${api.base}/incidents/${inc}`)).body.status).toBe("resolved");
      expect((await api.put(`${base}/revert`, {})).status).toBe(409);
      expect((await api.put(base, { postmortem: { body: "x" } })).status).toBe(422);
      expect((await api.get(base)).body.body_draft).toContain("bad");
    });
  });

  describe("incident templates", () => {
    it("creates and lists templates with their components", async () => {
      const res = await api.post(`${api.base}/incident_templates`, {
        template: {
          name: "DB slow",
          title: "Database latency",
          body: "Queries are slow.",
          update_status: "identified",
          should_send_notifications: true,
          should_tweet: false,
          component_ids: [db],
          components: { [db]: "degraded_performance" },
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({
        name: "DB slow",
        title: "Database latency",
        update_status: "identified",
        should_send_notifications: true,
        group_id: null,
        component_statuses: { [db]: "degraded_performance" },
      });
      expect(res.body.components.map((c: { id: string }) => c.id)).toEqual([db]);
      const list = await api.get(`${api.base}/incident_templates`);
      expect(list.body.map((t: { id: string }) => t.id)).toEqual([res.body.id]);
    });

    it.each([
      ["a listed component without a status", { component_ids: [newId()] }, "template.component_ids"],
      ["a template group", { group_id: "abc" }, "template.group_id"],
      ["a maintenance status", { update_status: "in_progress" }, "template.update_status"],
      ["a missing title", { title: undefined }, "template.title"],
    ])("rejects %s", async (_, extra, field) => {
      const res = await api.post(`${api.base}/incident_templates`, {
        template: { name: "T", title: "T", body: "B", ...extra },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(Object.keys(res.body.errors)).toContain(field);
      expect((await api.get(`${api.base}/incident_templates`)).body).toHaveLength(1);
    });
  });

  describe("component uptime", () => {
    it("reports uptime, outage seconds and related events over whole days", async () => {
      const c = (
        await api.post(`${api.base}/components`, {
          component: { name: "Search", start_date: day(-20).toISOString().slice(0, 10) },
        })
      ).body.id;
      const at = (d: number, h: number) => new Date(day(d).getTime() + h * 3_600_000);
      const change = (
        when: Date,
        oldStatus: "operational" | "major_outage" | "partial_outage",
        newStatus: typeof oldStatus,
      ) =>
        api.server.db.insert(componentStatusChange).values({
          id: newId(),
          pageId: api.page.id,
          componentId: c,
          oldStatus,
          newStatus,
          at: when,
          source: "manual",
          createdAt: when,
        });
      // One hour of major outage three days ago, two of partial outage two days ago.
      await change(at(-4, 10), "operational", "major_outage");
      await change(at(-4, 11), "major_outage", "operational");
      await change(at(-3, 8), "operational", "partial_outage");
      await change(at(-3, 10), "partial_outage", "operational");
      const from = day(-6).toISOString().slice(0, 10);
      const to = day(-2).toISOString().slice(0, 10);
      const res = await api.get(`${api.base}/components/${c}/uptime?range_start=${from}&range_end=${to}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({
        id: c,
        name: "Search",
        range_start: day(-6).toISOString(),
        range_end: day(-1).toISOString(),
        // 1 h down + 30 % of 2 h over five days.
        uptime_percentage: Math.round(100 * (1 - (3600 + 0.3 * 7200) / (5 * 86400)) * 100) / 100,
        major_outage: 3600,
        partial_outage: 7200,
        warnings: [],
        related_events: [],
      });
      const future = await api.get(
        `${api.base}/components/${c}/uptime?range_end=${day(30).toISOString().slice(0, 10)}`,
      );
      expect(future.body.warnings).toEqual([expect.stringMatching(/adjusted to today/)]);
      const inc = (
        await api.post(`${api.base}/incidents`, {
          incident: { name: "Search down", components: { [c]: "major_outage" } },
        })
      ).body.id;
      expect((await api.get(`${api.base}/components/${c}/uptime`)).body.related_events).toEqual([{ id: inc }]);
      for (const [q, field] of [
        [`range_start=${to}&range_end=${from}`, "range_start"],
        ["range_start=2026-02-30", "range_start"],
        ["range_end=yesterday", "range_end"],
        [`range_start=${day(-400).toISOString().slice(0, 10)}`, "range_start"],
        ["range_start=2026-01-01&range_start=2026-01-02", "range_start"],
      ]) {
        const bad = await api.get(`${api.base}/components/${c}/uptime?${q}`);
        expect(bad.status, q).toBe(422);
        expect(Object.keys(bad.body.errors), q).toEqual([field]);
      }
      expect((await api.get(`${api.base}/components/${newId()}/uptime`)).status).toBe(404);
    });
  });

  describe("subscriber extras", () => {
    const ids: Record<string, string> = {};
    beforeAll(async () => {
      const now = new Date();
      for (const [name, state] of [
        ["a", "active"],
        ["b", "active"],
        ["u", "unconfirmed"],
        ["x", "unsubscribed"],
      ] as const) {
        ids[name] = newId();
        await api.server.db.insert(subscriber).values({
          id: ids[name],
          pageId: api.page.id,
          email: `${name}@example.com`,
          state,
          confirmedAt: state === "unconfirmed" ? null : now,
          unsubscribedAt: state === "unsubscribed" ? now : null,
          createdAt: now,
          updatedAt: now,
        });
      }
    });

    it("counts subscribers by state (active by default)", async () => {
      expect((await api.get(`${api.base}/subscribers/count`)).body).toEqual({ email: 2 });
      expect((await api.get(`${api.base}/subscribers/count?state=all`)).body).toEqual({ email: 4 });
      expect((await api.get(`${api.base}/subscribers/count?type=email&state=unconfirmed`)).body).toEqual({ email: 1 });
      expect((await api.get(`${api.base}/subscribers/count?type=sms`)).status).toBe(422);
      expect((await api.get(`${api.base}/subscribers/count?state=everyone`)).status).toBe(422);
    });

    it("lists the unsubscribed", async () => {
      const res = await api.get(`${api.base}/subscribers/unsubscribed`);
      expect(res.body.map((s: { id: string; state: string }) => [s.id, s.state])).toEqual([[ids.x, "unsubscribed"]]);
    });

    it("resends confirmations to unconfirmed subscribers only; a bad list sends nothing", async () => {
      const confirmations = () =>
        api.server.db.$count(notification, eq(notification.kind, "subscription_confirmation"));
      const before = await confirmations();
      expect(
        (await api.post(`${api.base}/subscribers/resend_confirmation`, { subscribers: `${ids.u},${ids.a}` })).status,
      ).toBe(422);
      expect(
        (await api.post(`${api.base}/subscribers/resend_confirmation`, { subscribers: [ids.u, newId()] })).status,
      ).toBe(404);
      expect((await api.post(`${api.base}/subscribers/resend_confirmation`, { subscribers: "" })).status).toBe(422);
      expect(await confirmations()).toBe(before);
      const ok = await api.post(`${api.base}/subscribers/resend_confirmation`, { subscribers: ids.u });
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect(ok.body.map((s: { id: string }) => s.id)).toEqual([ids.u]);
      expect(await confirmations()).toBe(before + 1);
      const row = await api.server.db
        .select()
        .from(subscriber)
        .where(and(eq(subscriber.id, ids.u)))
        .get();
      expect(row!.state).toBe("unconfirmed");
    });
  });
});
