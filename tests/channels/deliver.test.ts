// Webhook, Slack, Teams and Discord targets against a local fake receiver:
// every notification kind reaches every channel in its own format, webhooks
// signed (verified with the `standardwebhooks` package, not our code), chat
// text escaped; faults retried (429 with Retry-After, 500, no answer, dropped
// connections), given up after N attempts, the target disabled after M failed
// events and its owner told.
import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ChannelKind, NotificationKind } from "@/db/constants";
import { createAudience, setRestriction } from "@/lib/audiences/audiences";
import { createComponent } from "@/lib/components/components";
import { loadIncident } from "@/lib/public/incident";
import { createIncident, deleteIncident, deleteIncidentUpdate, postIncidentUpdate } from "@/lib/incidents/incidents";
import { publishPostmortem, savePostmortemDraft } from "@/lib/incidents/postmortem";
import { createMaintenance } from "@/lib/maintenance/maintenance";
import { getPage, updatePage } from "@/lib/page/page";
import {
  addChannelTarget,
  type ChannelEnv,
  reenableChannelTarget,
  requestChannelTarget,
} from "@/lib/subscribers/channels";
import { DEFAULT_SUBSCRIBE_LIMITS } from "@/lib/subscribers/limits";
import { updateViewerSettings } from "@/lib/viewers/settings";
import { dbState } from "@/tests/helpers/db-state";
import type { Mailer } from "@/lib/email/types";
import { runDueWork, STEPS } from "@/lib/worker/run";
import { createTestCtx } from "@/tests/helpers/test-db";
import { deps, outboxMailer, SECRET } from "../email/helpers";
import { type Receiver, startReceiver } from "./receiver";

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(() => rx.close());

let t: Awaited<ReturnType<typeof createTestCtx>>;
beforeEach(async () => {
  t = await createTestCtx();
  t.clock.set(new Date("2026-03-02T15:00:00Z"));
  await updatePage(t.ctx, { timeZone: "America/New_York" });
  rx.received.length = 0;
  rx.behave = () => "ok";
});
afterEach(() => t.close());

const env: ChannelEnv = {
  secret: SECRET,
  policy: { allowHttp: true, allowPrivate: true },
  baseUrl: "https://status.example.com",
  timeoutMs: 2000,
};
const drain = (over = {}) =>
  runDueWork({ db: t.db, now: t.clock.now }, deps(outboxMailer(t.db), over), { budgetMs: 10_000 });
const channelSteps = STEPS.filter((s) => s.name === "deliver-channels");
const drainChannels = (over = {}) =>
  runDueWork({ db: t.db, now: t.clock.now }, deps(outboxMailer(t.db), over), { budgetMs: 10_000, steps: channelSteps });
const to = (path: string) => rx.received.filter((r) => r.path === path && r.answered === "ok");
const json = (body: string) => JSON.parse(body);

/** Verifies as a receiver would at the moment of receipt: the worker's clock here is the test's. */
function verifyAsReceiver(secret: string, r: { body: string; headers: Record<string, unknown> }) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Number(r.headers["webhook-timestamp"]) * 1000 + 2000);
  try {
    return new Webhook(secret).verify(r.body, {
      "webhook-id": String(r.headers["webhook-id"]),
      "webhook-timestamp": String(r.headers["webhook-timestamp"]),
      "webhook-signature": String(r.headers["webhook-signature"]),
    }) as Record<string, any>;
  } finally {
    vi.useRealTimers();
  }
}

describe("every channel, every kind", () => {
  it(
    "incident, resolution, postmortem, maintenance announcement, " +
      "reminder, start and completion reach each channel once, in " +
      "its format",
    async () => {
      const api = await createComponent(t.ctx, { name: "API" });
      const targets: Record<ChannelKind, { path: string; secret: string | null }> = {} as never;
      for (const kind of ["webhook", "slack", "teams", "discord"] as const) {
        const path = `/${kind}`;
        const made = await addChannelTarget(t.ctx, env, { kind, url: rx.url(path), ownerEmail: `${kind}@example.com` });
        targets[kind] = { path, secret: made.signingSecret };
      }
      expect(targets.webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      expect(targets.slack.secret).toBeNull();

      const hostile = "<!channel> Payments & <@U123> @here down <https://evil.example|click>";
      const { incident } = await createIncident(t.ctx, {
        name: hostile,
        body: "Looking into **errors** on [the API](https://status.example.com/x). Ping @everyone <script>x</script>",
        components: { [api.id]: "major_outage" },
        impactOverride: "critical",
        notify: true,
      });
      await drain();
      t.clock.advance(60_000);
      await postIncidentUpdate(t.ctx, { incidentId: incident.id, status: "resolved", body: "Fixed.", notify: true });
      await drain();
      t.clock.advance(60_000);
      await savePostmortemDraft(t.ctx, { incidentId: incident.id, body: "What happened." });
      await publishPostmortem(t.ctx, { incidentId: incident.id, notify: true });
      await drain();
      t.clock.advance(60_000);
      await createMaintenance(t.ctx, {
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
      }

      const expected: NotificationKind[] = [
        "incident_created",
        "incident_resolved",
        "postmortem_published",
        "maintenance_scheduled",
        "maintenance_reminder",
        "maintenance_started",
        "maintenance_completed",
      ];
      // Webhook: Statuspage's shape, signed, one request per event.
      const hooks = to(targets.webhook.path);
      expect(hooks.map((h) => json(h.body).herald_event)).toEqual(expected);
      for (const h of hooks) {
        const payload = verifyAsReceiver(targets.webhook.secret!, h);
        expect(Object.keys(payload.meta)).toEqual(["unsubscribe", "documentation", "generated_at"]);
        expect(payload.meta.documentation).toBe("https://status.example.com/subscriptions/channels");
        expect(payload.meta.unsubscribe).toMatch(/^https:\/\/status\.example\.com\/subscriptions\/channel\?token=/);
        expect(Object.keys(payload.page)).toEqual(["id", "status_indicator", "status_description"]);
        expect(payload.incident.incident_updates.length).toBeGreaterThan(0);
      }
      const first = json(hooks[0].body);
      expect(first.incident).toMatchObject({
        id: incident.id,
        name: hostile,
        status: "investigating",
        impact: "critical",
      });
      expect(first.incident.incident_updates[0].affected_components[0]).toMatchObject({
        name: "API",
        new_status: "major_outage",
      });
      expect(first.page.status_indicator).toBe("critical");
      // A tampered body fails verification.
      expect(() =>
        verifyAsReceiver(targets.webhook.secret!, { ...hooks[0], body: hooks[0].body.replace("critical", "minor") }),
      ).toThrow(/signature/i);

      // Slack: Block Kit; nothing from user text can mention or link.
      const slack = to(targets.slack.path).map((r) => json(r.body));
      expect(slack).toHaveLength(expected.length);
      const s0 = JSON.stringify(slack[0]);
      expect(slack[0].blocks[0].text.type).toBe("mrkdwn");
      expect(s0).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil|(?<!\\u200d)@here|@everyone/);
      expect(slack[0].blocks[0].text.text).toContain("&lt;!channel&gt; Payments &amp; &lt;@U123&gt;");
      expect(slack[0].blocks[0].text.text).toContain(`<https://status.example.com/incidents/${incident.id}|`);
      expect(slack[0].blocks[1].text.text).toContain("*errors*");
      expect(slack[0].blocks[1].text.text).toContain("<https://status.example.com/x|the API>");
      expect(slack[0].blocks[1].text.text).toContain("&lt;script&gt;");
      expect(slack[0].blocks[2].fields[0].text).toBe("*API*\nMajor outage");

      // Teams: an Adaptive Card attachment.
      const teams = to(targets.teams.path).map((r) => json(r.body));
      expect(teams).toHaveLength(expected.length);
      expect(teams[0].attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
      expect(teams[0].attachments[0].content.type).toBe("AdaptiveCard");
      expect(teams[0].attachments[0].content.actions[0].url).toBe(
        `https://status.example.com/incidents/${incident.id}`,
      );

      // Discord: an embed coloured by impact; mentions switched off.
      const discord = to(targets.discord.path).map((r) => json(r.body));
      expect(discord).toHaveLength(expected.length);
      expect(discord[0].allowed_mentions).toEqual({ parse: [] });
      expect(discord[0].embeds[0].color).toBe(0xe74c3c); // critical
      expect(discord[1].embeds[0].color).toBe(0x2ecc71); // resolved
      expect(discord[3].embeds[0].color).toBe(0x3498db); // maintenance
      expect(discord[0].embeds[0].fields.map((f: { name: string }) => f.name)).toEqual([
        "Status",
        "Impact",
        "Affected components",
      ]);
    },
  );
});

describe("faults", () => {
  it(
    "429 (Retry-After honoured), 500, no answer and dropped " +
      "connections are retried with the same webhook-id until " +
      "delivered",
    async () => {
      const faults = ["429", "500", "timeout", "drop"] as const;
      const ids: string[] = [];
      for (const f of faults) {
        const made = await addChannelTarget(t.ctx, env, { kind: "webhook", url: rx.url(`/${f}`) });
        ids.push(made.target.id);
      }
      // Each target fails its first request in its own way, then answers.
      rx.behave = ({ path, n }) => (n === 1 ? (path.slice(1) as (typeof faults)[number]) : "ok");
      await createIncident(t.ctx, { name: "Down", body: "Looking", notify: true });
      await drainChannels();
      expect(rx.received.map((r) => r.answered).sort()).toEqual([...faults].sort());
      // Not due yet: backoff (20 ms base here) and Retry-After: 1 s.
      t.clock.advance(500);
      await drainChannels();
      expect(rx.received.filter((r) => r.path === "/429")).toHaveLength(1);
      t.clock.advance(1000);
      await drainChannels();
      for (const f of faults) {
        const got = rx.received.filter((r) => r.path === `/${f}`);
        expect(got.map((g) => g.answered)).toEqual([f, "ok"]);
        expect(new Set(got.map((g) => g.headers["webhook-id"])).size).toBe(1);
      }
      const rows = await t.db.all<{ status: string; attempts: number }>(
        sql`select status, attempts from channel_delivery`,
      );
      expect(rows.every((r) => r.status === "sent" && r.attempts === 2)).toBe(true);
    },
  );

  it(
    "gives up after N attempts, disables the target after M " +
      "failed events, tells its owner once through the outbox; re-enabled it receives " +
      "again",
    async () => {
      const made = await addChannelTarget(t.ctx, env, {
        kind: "slack",
        url: rx.url("/dead"),
        ownerEmail: "owner@example.com",
      });
      const healthy = await addChannelTarget(t.ctx, env, { kind: "discord", url: rx.url("/fine") });
      rx.behave = ({ path }) => (path === "/dead" ? "500" : "ok");
      // disableAfter = 3, maxAttempts = 4 (tests/email/helpers.ts).
      for (let i = 0; i < 4; i++) {
        await createIncident(t.ctx, { name: `Outage ${i}`, body: "Looking", notify: true });
        for (let a = 0; a < 4; a++) {
          await drainChannels();
          t.clock.advance(1000);
        }
      }
      expect(rx.received.filter((r) => r.path === "/dead")).toHaveLength(3 * 4); // 3 events × 4 attempts, then disabled
      expect(to("/fine")).toHaveLength(4);
      const [target] = await t.db.all<{ state: string; consecutive_failures: number }>(
        sql`select state, consecutive_failures from channel_target where id = ${made.target.id}`,
      );
      expect(target).toEqual({ state: "disabled", consecutive_failures: 3 });
      const statuses = await t.db.all<{ status: string; n: number }>(
        sql`select status, count(*) as n from channel_delivery where target_id = ${made.target.id}
          group by status order by status`,
      );
      // The fourth event found it disabled: not queued for it at all.
      expect(statuses).toEqual([{ status: "failed", n: 3 }]);
      // The owner's email is an outbox row written with the disabling, sent by its own step and retried like any
      // other: the provider fails once, the same idempotency key is sent again and accepted.
      expect(await t.db.all(sql`select status, to_address from channel_notice`)).toEqual([
        { status: "pending", to_address: "owner@example.com" },
      ]);
      const keys: string[] = [];
      const flaky: Mailer = {
        name: "outbox",
        sendBatch: async (emails, key) =>
          keys.push(key) === 1 ? { kind: "transient", error: "provider down" } : outbox.sendBatch(emails, key),
      };
      const outbox = outboxMailer(t.db);
      const noticeSteps = STEPS.filter((s) => s.name === "channel-notices");
      for (let a = 0; a < 3; a++) {
        await runDueWork({ db: t.db, now: t.clock.now }, deps(flaky), { budgetMs: 10_000, steps: noticeSteps });
        t.clock.advance(1000);
      }
      expect(keys).toHaveLength(2);
      expect(new Set(keys).size).toBe(1);
      expect(await t.db.all(sql`select status, attempts from channel_notice`)).toEqual([
        { status: "sent", attempts: 2 },
      ]);
      const mails = await t.db.all<{ to_address: string; subject: string }>(
        sql`select to_address, subject from outbox_email`,
      );
      expect(mails).toEqual([
        { to_address: "owner@example.com", subject: "[Acme Status] Notifications to your slack target were disabled" },
      ]);

      rx.behave = () => "ok";
      await reenableChannelTarget(t.ctx, made.target.id);
      await createIncident(t.ctx, { name: "After", body: "Looking", notify: true });
      await drainChannels();
      expect(to("/dead")).toHaveLength(1);
      expect(healthy.target.state).toBe("active");
    },
  );

  it("an update or incident deleted before its turn is never sent", async () => {
    await addChannelTarget(t.ctx, env, { kind: "webhook", url: rx.url("/hook") });
    const { incident } = await createIncident(t.ctx, { name: "Down", body: "Looking", notify: true });
    const { update } = await postIncidentUpdate(t.ctx, {
      incidentId: incident.id,
      status: "identified",
      body: "Posted by mistake",
      notify: true,
    });
    await deleteIncidentUpdate(t.ctx, { incidentId: incident.id, updateId: update.id });
    const other = await createIncident(t.ctx, { name: "Gone", body: "Looking", notify: true });
    await deleteIncident(t.ctx, { id: other.incident.id });
    await drainChannels();
    expect(to("/hook").map((r) => json(r.body).incident.name)).toEqual(["Down"]);
    expect(rx.received.map((r) => r.body).join()).not.toContain("Posted by mistake");
    const rows = await t.db.all<{ status: string }>(sql`select status from channel_delivery order by created_at`);
    expect(rows.map((r) => r.status).sort()).toEqual(["sent", "skipped", "skipped"]);
  });

  it("a private page takes no target from visitors, and sends nothing to one added while it was public", async () => {
    const visitor = { kind: "webhook" as const, url: rx.url("/visitor"), ip: "203.0.113.9" };
    const { db, now } = t.ctx;
    const made = await requestChannelTarget({ db, now }, env, DEFAULT_SUBSCRIBE_LIMITS, visitor);
    expect(made.kind).toBe("created");
    await t.db.run(sql`update channel_target set state = 'active'`);
    await addChannelTarget(t.ctx, env, { kind: "webhook", url: rx.url("/staff") });
    await updateViewerSettings(t.ctx, {
      visibility: "private",
      magicLinkEnabled: true,
      allowedDomains: "",
      ipAllowList: "",
      password: "page-password-123",
    });
    const before = await dbState(t.db);
    expect(
      await requestChannelTarget({ db, now }, env, DEFAULT_SUBSCRIBE_LIMITS, { ...visitor, url: rx.url("/later") }),
    ).toEqual({ kind: "private" });
    expect(await dbState(t.db)).toEqual(before);
    rx.received.length = 0;
    await createIncident(t.ctx, { name: "Internal outage", body: "Looking", notify: true });
    await drainChannels();
    expect(to("/staff")).toHaveLength(1);
    expect(rx.received.filter((r) => r.path !== "/staff")).toEqual([]);
  });

  it("says the impact anyone may read: a component restricted to an audience does not count", async () => {
    const enterprise = await createAudience(t.ctx, { name: "Enterprise" });
    const api = await createComponent(t.ctx, { name: "Public API" });
    const gateway = await createComponent(t.ctx, { name: "Enterprise gateway" });
    await setRestriction(t.ctx, { entityType: "component", entityId: gateway.id, audienceIds: [enterprise.id] });
    await addChannelTarget(t.ctx, env, { kind: "webhook", url: rx.url("/hook") });
    await addChannelTarget(t.ctx, env, { kind: "slack", url: rx.url("/slack") });
    const { incident } = await createIncident(t.ctx, {
      name: "Mixed",
      body: "Looking",
      notify: true,
      components: { [api.id]: "degraded_performance", [gateway.id]: "major_outage" },
    });
    expect((await loadIncident(t.db, incident.id))!.impact).toBe("minor");
    await drainChannels();
    const [hook] = to("/hook").map((r) => json(r.body));
    expect(hook.incident.impact).toBe("minor");
    expect(JSON.stringify(hook)).not.toContain("Enterprise gateway");
    const [slack] = to("/slack");
    expect(slack.body).toContain("Minor");
    expect(slack.body).not.toMatch(/critical/i);
  });

  it("a target refused by the address policy fails at once, without retries", async () => {
    const strict: ChannelEnv = { ...env, policy: { allowHttp: true, allowPrivate: true } };
    await addChannelTarget(t.ctx, strict, { kind: "webhook", url: rx.url("/private") });
    await createIncident(t.ctx, { name: "Down", body: "Looking", notify: true });
    await drainChannels({
      channels: { ...deps(outboxMailer(t.db)).channels, policy: { allowHttp: true, allowPrivate: false } },
    });
    expect(rx.received).toHaveLength(0);
    const [row] = await t.db.all<{ status: string; attempts: number; last_error: string }>(
      sql`select status, attempts, last_error from channel_delivery`,
    );
    expect(row.status).toBe("failed");
    expect(row.attempts).toBe(1);
    expect(row.last_error).toContain("not a public address");
    expect((await getPage(t.db)).id).toBeTruthy();
  });
});
