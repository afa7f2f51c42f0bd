import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  auditLog,
  automationComponent,
  component,
  componentStatusChange,
  delivery,
  incident,
  integrationAlert,
  integrationEvent,
  integrationRule,
  notification,
  type Component,
} from "@/db/schema";
import { dbState, addSubscriber } from "@/tests/helpers/db-state";
import { createTestCtx } from "@/tests/helpers/test-db";
import {
  alertmanagerFiring,
  alertmanagerResolved,
  grafanaAllResolved,
  grafanaFiring,
  grafanaOneResolved,
} from "@/tests/integrations/payloads";
import { createComponent } from "../components/components";
import { UnauthorizedError, ValidationError } from "../errors";
import { publishDraftIncident } from "../incidents/drafts";
import { createIncident, resolveIncident } from "../incidents/incidents";
import { RateLimitedError } from "../limits/rate-limited";
import { getContentVersion, getPage } from "../page/page";
import { loadStatusPage } from "../public/status-page";
import { runDueWork, STEPS, type WorkDeps } from "../worker/run";
import {
  addIntegrationRule,
  createIntegration,
  deleteIntegration,
  deleteIntegrationRule,
  parseMatchText,
  updateIntegration,
} from "./integrations";
import { parsePayload, readPayload } from "./payload";
import { receiveAlerts, sendTestAlert } from "./receive";

let t: Awaited<ReturnType<typeof createTestCtx>>;
let pageId: string;

beforeAll(async () => {
  t = await createTestCtx("owner");
  pageId = (await getPage(t.db)).id;
  // A subscriber who would be mailed if anything here notified.
  await addSubscriber(t.db, pageId, "everything@example.com", "active");
});
afterAll(() => t.close());

const pub = () => ({ db: t.db, now: t.clock.now });
const send = (id: string, token: string, body: unknown) =>
  receiveAlerts(pub(), { id, token, body: typeof body === "string" ? body : JSON.stringify(body) });
const statusOf = async (c: Component) =>
  (await t.db.select().from(component).where(eq(component.id, c.id)).get())!.status;
const changes = (c: Component) =>
  t.db
    .select()
    .from(componentStatusChange)
    .where(eq(componentStatusChange.componentId, c.id))
    .orderBy(asc(componentStatusChange.at));
const automationSteps = STEPS.filter((s) => s.name === "automation");
const work = (db: Db = t.db) =>
  runDueWork({ db, now: t.clock.now }, { concurrency: 1 } as WorkDeps, { steps: automationSteps });
const outbox = async () => ({
  notifications: await t.db.$count(notification),
  deliveries: await t.db.$count(delivery),
});

async function setup(
  opts: {
    hold?: number;
    perMinute?: number;
    rule?: Record<string, string>;
    mode?: "none" | "draft" | "publish";
    notify?: boolean;
    status?: "major_outage" | "partial_outage" | "degraded_performance";
  } = {},
) {
  const c = await createComponent(t.ctx, { name: `API ${Math.random().toString(36).slice(2, 7)}` });
  const { integration, token } = await createIntegration(t.ctx, {
    name: "Prometheus",
    holdSeconds: opts.hold ?? 0,
    perMinute: opts.perMinute ?? 1000,
  });
  await addIntegrationRule(t.ctx, {
    integrationId: integration.id,
    match: opts.rule ?? { alertname: "ProbeFailure" },
    componentId: c.id,
    status: opts.status ?? "major_outage",
    incidentMode: opts.mode ?? "none",
    notify: opts.notify ?? false,
  });
  return { c, id: integration.id, token };
}

beforeEach(() => t.clock.advance(60_000));

describe("payloads", () => {
  it("reads Alertmanager's documented version 4 webhook", () => {
    const p = readPayload(alertmanagerFiring());
    expect(p.format).toBe("alertmanager");
    expect(p.alerts).toEqual([
      expect.objectContaining({
        key: "f:1a30ba71cca2921f",
        firing: true,
        summary: "BlackBox Probe Failure: https://server.example.org",
        labels: expect.objectContaining({ alertname: "ProbeFailure", severity: "critical" }),
      }),
    ]);
    expect(readPayload(alertmanagerResolved()).alerts[0].firing).toBe(false);
  });

  it("reads Grafana's documented webhook with its two grouped alerts", () => {
    const p = readPayload(grafanaFiring());
    expect(p.format).toBe("grafana");
    expect(p.alerts.map((a) => [a.key, a.firing, a.labels.zone, a.labels.team])).toEqual([
      ["f:c6eadffa33fcdf37", true, "us-1", "blue"],
      ["f:bc97ff14869b13e3", true, "eu-1", "blue"],
    ]);
  });

  it("reads the generic shape and refuses garbage with a clear error", () => {
    expect(readPayload({ component: "API", status: "partial_outage", summary: "Slow" }).alerts[0]).toMatchObject({
      firing: true,
      status: "partial_outage",
      labels: { component: "API" },
    });
    expect(readPayload({ component: "API", status: "resolved" }).alerts[0].firing).toBe(false);
    expect(() => parsePayload("{not json")).toThrow(/not valid JSON/);
    expect(() => parsePayload("[]")).toThrow(/JSON object/);
    expect(() => readPayload({ component: "API", status: "on_fire" })).toThrow(/status must be one of/);
    expect(() => readPayload({ alerts: [{ status: "burning", labels: {} }], status: "firing" })).toThrow(
      ValidationError,
    );
    expect(() => readPayload({ alerts: "x", status: "firing" })).toThrow(/Alertmanager or Grafana/);
  });

  it("parses console rule text", () => {
    expect(parseMatchText('alertname=ProbeFailure, job="http_checks"\nseverity = critical')).toEqual({
      alertname: "ProbeFailure",
      job: "http_checks",
      severity: "critical",
    });
    expect(() => parseMatchText("just words")).toThrow(/label=value/);
  });
});

describe("firing and resolved (no hold)", () => {
  it(
    "firing sets the component with source automation, audited, " + "public, notifying nobody; resolved returns it",
    async () => {
      const { c, id, token } = await setup();
      const before = await outbox();
      const v0 = await getContentVersion(t.db, pageId);
      const r = await send(id, token, alertmanagerFiring());
      expect(r.outcome).toEqual([`${c.name}: operational → major outage`]);
      expect(await statusOf(c)).toBe("major_outage");
      expect((await changes(c)).at(-1)).toMatchObject({
        oldStatus: "operational",
        newStatus: "major_outage",
        source: "automation",
      });
      expect(await getContentVersion(t.db, pageId)).toBe(v0 + 1);
      expect((await loadStatusPage(t.db)).ungrouped.find((x) => x.id === c.id)?.status).toBe("major_outage");
      const a = (
        await t.db.select().from(auditLog).where(eq(auditLog.entityId, c.id)).orderBy(asc(auditLog.at)).all()
      ).at(-1)!;
      expect(a).toMatchObject({
        action: "component.automation_status",
        actorType: "system",
        actorId: id,
        actorLabel: "integration: Prometheus",
      });

      await send(id, token, alertmanagerResolved());
      expect(await statusOf(c)).toBe("operational");
      expect((await changes(c)).map((x) => x.source)).toEqual(["manual", "automation", "automation"]);
      expect(await outbox()).toEqual(before);
      expect(await t.db.$count(incident)).toBe(0);
    },
  );

  it("grouped alerts: the component shows the worst firing one until all are resolved", async () => {
    const { c, id, token } = await setup({ rule: { team: "blue" }, status: "partial_outage" });
    await addIntegrationRule(t.ctx, {
      integrationId: id,
      match: { zone: "eu-1" },
      componentId: c.id,
      status: "major_outage",
    });
    await send(id, token, grafanaFiring());
    expect(await statusOf(c)).toBe("major_outage");
    // us-1 resolves; eu-1 (major) still fires.
    await send(id, token, grafanaOneResolved());
    expect(await statusOf(c)).toBe("major_outage");
    await send(id, token, grafanaAllResolved());
    expect(await statusOf(c)).toBe("operational");
  });

  it("a generic payload names a component by name; unmatched alerts are logged and change nothing", async () => {
    const { c, id, token } = await setup({ rule: { alertname: "Other" } });
    await send(id, token, {
      component: c.name.toUpperCase(),
      status: "degraded_performance",
      summary: "Slow responses",
    });
    expect(await statusOf(c)).toBe("degraded_performance");
    const before = await dbState(t.db);
    const r = await send(id, token, alertmanagerFiring());
    expect(r.outcome[0]).toMatch(/no rule matches/);
    const after = await dbState(t.db);
    expect({ ...after, integration_event: before.integration_event, subscribe_limit: before.subscribe_limit }).toEqual(
      before,
    );
    await send(id, token, { component: c.id, status: "resolved" });
    expect(await statusOf(c)).toBe("operational");
  });
});

describe("rules", () => {
  it("deleting a rule forgets its alerts, so they cannot hold the component forever", async () => {
    const { c, id, token } = await setup();
    await send(id, token, alertmanagerFiring());
    const rule = (await t.db.select().from(integrationRule).where(eq(integrationRule.integrationId, id)).get())!;
    await deleteIntegrationRule(t.ctx, { integrationId: id, ruleId: rule.id });
    expect(await t.db.$count(integrationAlert, eq(integrationAlert.integrationId, id))).toBe(0);
    // The alert's resolve now matches no rule; another signal on the component still settles it.
    await send(id, token, alertmanagerResolved());
    await send(id, token, { component: c.id, status: "degraded_performance" });
    await send(id, token, { component: c.id, status: "resolved" });
    expect(await statusOf(c)).toBe("operational");
  });
});

describe("the hold", () => {
  it("flapping inside the hold changes nothing", async () => {
    const { c, id, token } = await setup({ hold: 120 });
    const n = (await changes(c)).length;
    const r = await send(id, token, alertmanagerFiring());
    expect(r.outcome[0]).toMatch(/after the hold/);
    expect(await statusOf(c)).toBe("operational");
    t.clock.advance(60_000);
    await send(id, token, alertmanagerResolved());
    t.clock.advance(180_000);
    await work();
    expect(await statusOf(c)).toBe("operational");
    expect(await changes(c)).toHaveLength(n);
  });

  it("a change still wanted when the hold is over is applied by runDueWork, once", async () => {
    const { c, id, token } = await setup({ hold: 120 });
    await send(id, token, alertmanagerFiring());
    t.clock.advance(60_000);
    // Still firing: a repeat keeps the first due time.
    await send(id, token, alertmanagerFiring());
    t.clock.advance(59_000);
    expect((await work()).done.automation).toBe(0);
    t.clock.advance(2_000);
    expect((await work()).done.automation).toBe(1);
    expect(await statusOf(c)).toBe("major_outage");
    expect((await work()).done.automation).toBe(0);
    expect((await changes(c)).filter((x) => x.source === "automation")).toHaveLength(1);
    // And back, after the hold again.
    await send(id, token, alertmanagerResolved());
    expect(await statusOf(c)).toBe("major_outage");
    t.clock.advance(121_000);
    await work();
    expect(await statusOf(c)).toBe("operational");
  });
});

describe("incidents", () => {
  it("while an incident is open on the component, resolved alerts leave it alone", async () => {
    const { c, id, token } = await setup();
    await send(id, token, alertmanagerFiring());
    const { incident: inc } = await createIncident(t.ctx, {
      name: "API outage",
      body: "Looking",
      components: { [c.id]: "partial_outage" },
    });
    const r = await send(id, token, alertmanagerResolved());
    expect(r.outcome[0]).toMatch(/open incident or maintenance is in charge/);
    expect(await statusOf(c)).toBe("partial_outage");
    // Firing again changes nothing either, while the incident is open.
    await send(id, token, alertmanagerFiring());
    expect(await statusOf(c)).toBe("partial_outage");
    await resolveIncident(t.ctx, { incidentId: inc.id, body: "Fixed" });
    expect(await statusOf(c)).toBe("operational");
  });

  it("a draft rule opens one draft per episode, public only once a person publishes it", async () => {
    const { c, id, token } = await setup({ mode: "draft" });
    const before = await outbox();
    const r = await send(id, token, alertmanagerFiring());
    expect(r.outcome[0]).toMatch(/draft incident \w+ opened/);
    await send(id, token, alertmanagerFiring());
    const drafts = await t.db.select().from(incident).where(sql`${incident.name} like 'BlackBox%'`);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ publishedAt: null, publishAt: null, status: "investigating" });
    expect((await loadStatusPage(t.db)).active.map((i) => i.id)).not.toContain(drafts[0].id);
    expect(await outbox()).toEqual(before);
    // The draft, not yet public, does not hold the component: resolved returns it.
    await send(id, token, alertmanagerResolved());
    expect(await statusOf(c)).toBe("operational");
    await publishDraftIncident(t.as("editor"), { id: drafts[0].id, notify: false });
    expect((await loadStatusPage(t.db)).active.map((i) => i.id)).toContain(drafts[0].id);
    expect(await outbox()).toEqual(before);
    await expect(publishDraftIncident(t.ctx, { id: drafts[0].id })).rejects.toThrow(/not a draft/);
    await resolveIncident(t.ctx, { incidentId: drafts[0].id, body: "Fixed" });
  });

  it("a publish rule notifies only when it says so", async () => {
    const quiet = await setup({ mode: "publish", rule: { alertname: "Quiet" } });
    const before = await outbox();
    await send(quiet.id, quiet.token, {
      ...alertmanagerFiring(),
      alerts: [{ ...alertmanagerFiring().alerts[0], labels: { alertname: "Quiet" }, fingerprint: "q" }],
    });
    expect(await outbox()).toEqual(before);
    const loud = await setup({ mode: "publish", notify: true, rule: { alertname: "Loud" } });
    await send(loud.id, loud.token, {
      ...alertmanagerFiring(),
      alerts: [{ ...alertmanagerFiring().alerts[0], labels: { alertname: "Loud" }, fingerprint: "l" }],
    });
    expect((await outbox()).notifications).toBe(before.notifications + 1);
    expect((await t.db.select().from(notification).all()).at(-1)!.kind).toBe("incident_created");
  });
});

describe("refusals change nothing", () => {
  it("a bad token, an unknown or deleted integration are one 401", async () => {
    const { id, token } = await setup();
    const before = await dbState(t.db);
    await expect(send(id, `${token}x`, alertmanagerFiring())).rejects.toThrow(UnauthorizedError);
    await expect(send("nosuchid", token, alertmanagerFiring())).rejects.toThrow("Unknown integration or wrong token");
    await expect(send("../../x", token, alertmanagerFiring())).rejects.toThrow(UnauthorizedError);
    expect(await dbState(t.db)).toEqual(before);
    await deleteIntegration(t.ctx, { id });
    await expect(send(id, token, alertmanagerFiring())).rejects.toThrow(UnauthorizedError);
  });

  it("over the per-minute limit: 429 with the window's remaining time, nothing else written", async () => {
    const { c, id, token } = await setup({ perMinute: 2 });
    t.clock.set(new Date(Math.ceil(t.clock.now().getTime() / 60_000) * 60_000 + 15_000));
    await send(id, token, { component: c.id, status: "partial_outage" });
    await send(id, token, { component: c.id, status: "resolved" });
    const alerts = await t.db.$count(integrationAlert);
    const err = await send(id, token, { component: c.id, status: "major_outage" }).catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err.retryAfterSeconds).toBe(45);
    expect(await statusOf(c)).toBe("operational");
    expect(await t.db.$count(integrationAlert)).toBe(alerts);
    t.clock.advance(45_000);
    await send(id, token, { component: c.id, status: "major_outage" });
    expect(await statusOf(c)).toBe("major_outage");
    await updateIntegration(t.ctx, { id, perMinute: 100 });
    await send(id, token, { component: c.id, status: "resolved" });
  });

  it("invalid payloads are refused, logged as events, and change nothing else", async () => {
    const { id, token } = await setup();
    const events = await t.db.$count(integrationEvent, eq(integrationEvent.integrationId, id));
    await expect(send(id, token, "{oops")).rejects.toThrow(ValidationError);
    const last = await t.db
      .select()
      .from(integrationEvent)
      .where(and(eq(integrationEvent.integrationId, id)))
      .orderBy(asc(integrationEvent.at))
      .all();
    expect(last).toHaveLength(events + 1);
    expect(last.at(-1)!.outcome[0]).toMatch(/^Refused: The body is not valid JSON/);
  });

  it("the console's test alert shows what would happen and changes nothing", async () => {
    const { c, id } = await setup();
    const before = await dbState(t.db);
    const lines = await sendTestAlert(t.ctx, { id, labels: { alertname: "ProbeFailure" } });
    expect(lines).toEqual([`Would: ${c.name}: operational → major outage`]);
    expect(await dbState(t.db)).toEqual({ ...before, integration_event: before.integration_event + 1 });
    expect(await t.db.$count(automationComponent, eq(automationComponent.componentId, c.id))).toBe(0);
    await expect(sendTestAlert(t.as("editor"), { id, labels: { a: "b" } })).rejects.toThrow(/admin/);
  });
});
