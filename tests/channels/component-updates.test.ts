// Component status changes (issue 12, event choice "components"): a change made
// in the console, through the API or by an automation rule that says notify
// writes one component_updated notification in its own transaction; the real
// worker delivers it once to each subscriber who chose component changes —
// webhooks in Statuspage's `component_update` + `component` shape (signature
// checked with the `standardwebhooks` package), Slack, Teams, Discord and
// email — within their component scope and, for a restricted component, only
// to its audiences' email subscribers.
import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { subscriber } from "@/db/schema";
import { addMembers, createAudience, setRestriction } from "@/lib/audiences/audiences";
import { createComponent, createGroup, updateComponent } from "@/lib/components/components";
import { createIncident } from "@/lib/incidents/incidents";
import { addIntegrationRule, createIntegration } from "@/lib/integrations/integrations";
import { receiveAlerts } from "@/lib/integrations/receive";
import { getPage, updatePage } from "@/lib/page/page";
import { addChannelTarget, type ChannelEnv } from "@/lib/subscribers/channels";
import { runDueWork } from "@/lib/worker/run";
import { createTestCtx } from "@/tests/helpers/test-db";
import { addActive, deps, outboxMailer, SECRET } from "../email/helpers";
import { type Receiver, startReceiver } from "./receiver";

let rx: Receiver;
let t: Awaited<ReturnType<typeof createTestCtx>>;
beforeAll(async () => {
  rx = await startReceiver();
  t = await createTestCtx("owner");
  t.clock.set(new Date("2026-03-02T15:00:00Z"));
  await updatePage(t.ctx, { timeZone: "America/New_York" });
});
afterAll(async () => {
  await rx.close();
  t.close();
});

const env: ChannelEnv = {
  secret: SECRET,
  policy: { allowHttp: true, allowPrivate: true },
  baseUrl: "https://status.example.com",
  timeoutMs: 2000,
};
// Patient deadlines: on a busy machine a local answer can take seconds; a timed-out request is retried (the clock
// moves on between passes) and the receiver drops the replay by its webhook-id, as a real one would.
const drain = async () => {
  const d = deps(outboxMailer(t.db));
  const over = { leaseMs: 60_000, channels: { ...d.channels, timeoutMs: 10_000, leaseMs: 60_000 } };
  for (let pass = 0; pass < 3; pass++) {
    await runDueWork({ db: t.db, now: t.clock.now }, { ...d, ...over }, { budgetMs: 30_000 });
    t.clock.advance(60_000);
  }
};
const to = (path: string) => {
  const seen = new Set<unknown>();
  return rx.received.filter((r) => {
    if (r.path !== path || r.answered !== "ok" || seen.has(r.headers["webhook-id"])) return false;
    seen.add(r.headers["webhook-id"]);
    return true;
  });
};
const mails = async () =>
  t.db.all<{ to_address: string; subject: string; text: string }>(
    sql`select to_address, subject, text from outbox_email order by created_at, position`,
  );
const choose = (email: string, events: string[]) =>
  t.db.run(sql`update ${subscriber} set events = ${JSON.stringify(events)} where email = ${email}`);

describe("component status changes", () => {
  it("reach, once, exactly the subscribers and targets that chose them, in every channel's format", async () => {
    const pageId = (await getPage(t.db)).id;
    const api = await createComponent(t.ctx, { name: "API <b>" });
    const db = await createComponent(t.ctx, { name: "Database" });
    const hidden = await createComponent(t.ctx, { name: "Internal", hidden: true });
    const backstage = await createComponent(t.ctx, { name: "Backstage queue" });
    await createGroup(t.ctx, { name: "Backstage", hidden: true, componentIds: [backstage.id] });
    const vault = await createComponent(t.ctx, { name: "Vault" });
    const staff = await createAudience(t.ctx, { name: "Staff" });
    await addMembers(t.ctx, { audienceId: staff.id, emails: ["insider0@example.com"] });
    await setRestriction(t.ctx, { entityType: "component", entityId: vault.id, audienceIds: [staff.id] });

    const hook = await addChannelTarget(t.ctx, env, { kind: "webhook", url: rx.url("/hook") }); // default: all events
    await addChannelTarget(t.ctx, env, { kind: "slack", url: rx.url("/slack"), events: ["components"] });
    await addChannelTarget(t.ctx, env, { kind: "teams", url: rx.url("/teams"), events: ["components"] });
    await addChannelTarget(t.ctx, env, { kind: "discord", url: rx.url("/discord"), events: ["components"] });
    // Did not choose component changes, or chose another component: nothing.
    await addChannelTarget(t.ctx, env, { kind: "slack", url: rx.url("/incidents-only"), events: ["incidents"] });
    await addChannelTarget(t.ctx, env, {
      kind: "webhook",
      url: rx.url("/db-only"),
      events: ["components"],
      componentIds: [db.id],
    });
    await addActive(t.db, pageId, 1, { prefix: "chose" });
    await addActive(t.db, pageId, 1, { prefix: "default" }); // incidents and maintenance only
    await addActive(t.db, pageId, 1, { prefix: "dbscope", componentIds: [db.id] });
    await addActive(t.db, pageId, 1, { prefix: "insider" });
    for (const who of ["chose0", "dbscope0", "insider0"]) await choose(`${who}@example.com`, ["components"]);

    t.clock.advance(60_000);
    await updateComponent(t.ctx, { id: api.id, status: "major_outage" }); // console, notifies by default
    await updateComponent(t.ctx, { id: hidden.id, status: "major_outage" }); // not public: nobody
    await updateComponent(t.ctx, { id: backstage.id, status: "major_outage" }); // in a hidden group: nobody
    await updateComponent(t.ctx, { id: api.id, status: "major_outage" }); // no change: nothing
    await updateComponent(t.ctx, { id: db.id, status: "partial_outage", notify: false }); // staff said no
    await updateComponent(t.ctx, { id: vault.id, status: "degraded_performance" }); // restricted: audiences' email
    // An incident update that changes a component speaks for itself (incident_created), not as component_updated.
    await createIncident(t.ctx, {
      name: "Slow",
      body: "Slow.",
      components: { [db.id]: "degraded_performance" },
      notify: true,
    });
    const kinds = await t.db.all<{ kind: string; n: number }>(
      sql`select kind, count(*) as n from notification group by kind order by kind`,
    );
    expect(kinds).toEqual([
      { kind: "component_updated", n: 2 },
      { kind: "incident_created", n: 1 },
    ]);
    await drain(); // three passes: everything due is sent, once

    // Webhook: Statuspage's component_update + component, signed; retried deliveries keep the id.
    const [got] = to("/hook").filter((r) => r.body.includes("component_update"));
    expect(to("/hook").filter((r) => r.body.includes("component_update"))).toHaveLength(1);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Number(got.headers["webhook-timestamp"]) * 1000 + 1000);
    const body = new Webhook(hook.signingSecret!).verify(got.body, {
      "webhook-id": String(got.headers["webhook-id"]),
      "webhook-timestamp": String(got.headers["webhook-timestamp"]),
      "webhook-signature": String(got.headers["webhook-signature"]),
    }) as Record<string, any>;
    vi.useRealTimers();
    expect(Object.keys(body)).toEqual(["meta", "page", "herald_event", "component_update", "component"]);
    expect(body.meta).toMatchObject({ generated_at: "2026-03-02T15:01:00.000Z" });
    expect(body.meta.unsubscribe).toMatch(/^https:\/\/status\.example\.com\/subscriptions\/channel\?token=/);
    expect(body.page).toEqual({
      id: pageId,
      status_indicator: expect.stringMatching(/^(minor|major|critical)$/),
      status_description: expect.any(String),
    });
    expect(body.component_update).toEqual({
      id: expect.any(String),
      component_id: api.id,
      old_status: "operational",
      new_status: "major_outage",
      created_at: "2026-03-02T15:01:00.000Z",
      component_type: "Component",
    });
    expect(body.component).toEqual({
      id: api.id,
      name: "API <b>",
      status: "major_outage",
      created_at: expect.any(String),
      updated_at: "2026-03-02T15:01:00.000Z",
      position: 0,
      description: null,
      showcase: true,
      page_id: pageId,
      group_id: null,
    });

    // Chat: one message each, escaped.
    const [slack] = to("/slack").map((r) => JSON.parse(r.body));
    expect(to("/slack")).toHaveLength(1);
    expect(slack.text).toBe("[Acme Status] API &lt;b&gt;: Major outage (was operational)");
    expect(slack.blocks[0].text.text).toBe(
      "*<https://status.example.com|API &lt;b&gt;>*\n*Status:* Major outage (was operational)",
    );
    const [teams] = to("/teams").map((r) => JSON.parse(r.body));
    expect(to("/teams")).toHaveLength(1);
    expect(teams.attachments[0].content.body[2].facts).toEqual([
      { title: "Status", value: "Major outage" },
      { title: "Previously", value: "Operational" },
    ]);
    const [discord] = to("/discord").map((r) => JSON.parse(r.body));
    expect(to("/discord")).toHaveLength(1);
    expect(discord.embeds[0]).toMatchObject({
      title: "API <b>",
      description: "Major outage (was operational)",
      color: 0xe74c3c,
    });
    expect(to("/incidents-only").map((r) => JSON.parse(r.body).text)).toEqual(["[Acme Status] Investigating: Slow"]);
    expect(to("/db-only")).toHaveLength(0);

    // Email: only those who chose it, in scope; the restricted component only to its audience.
    expect((await mails()).map((m) => [m.to_address, m.subject]).sort()).toEqual([
      ["chose0@example.com", "[Acme Status] API <b>: Major outage (was operational)"],
      ["default0@example.com", "[Acme Status] Investigating: Slow"], // it chose incidents (and not the API change)
      ["insider0@example.com", "[Acme Status] API <b>: Major outage (was operational)"],
      ["insider0@example.com", "[Acme Status] Vault: Degraded performance (was operational)"],
    ]);
  });

  it("from automation only when the rule says notify", async () => {
    const pub = { db: t.db, now: t.clock.now };
    const before = (await mails()).length;
    const fire = async (notify: boolean, firing: boolean) => {
      const c = await createComponent(t.ctx, { name: notify ? "Loud" : "Quiet" });
      const { integration, token } = await createIntegration(t.ctx, { name: `Prom ${c.id}`, holdSeconds: 0 });
      await addIntegrationRule(t.ctx, {
        integrationId: integration.id,
        match: { alertname: "Down" },
        componentId: c.id,
        status: "major_outage",
        notify,
      });
      const alert = (status: string) =>
        JSON.stringify({
          status,
          alerts: [{ status, labels: { alertname: "Down" }, annotations: { summary: "down" } }],
        });
      t.clock.advance(60_000);
      await receiveAlerts(pub, { id: integration.id, token, body: alert("firing") });
      if (!firing) {
        t.clock.advance(60_000);
        await receiveAlerts(pub, { id: integration.id, token, body: alert("resolved") });
      }
    };
    await fire(false, false);
    await fire(true, false);
    await drain();
    const got = (await mails()).slice(before).filter((m) => m.to_address === "chose0@example.com");
    expect(got.map((m) => m.subject)).toEqual([
      "[Acme Status] Loud: Major outage (was operational)",
      "[Acme Status] Loud: Operational (was major outage)",
    ]);
  });
});
