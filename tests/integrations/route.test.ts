import { eq } from "drizzle-orm";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { component, componentStatusChange, delivery, notification } from "../../db/schema";
import { createComponent } from "../../lib/components/components";
import { CLI_ACTOR, type Ctx } from "../../lib/context";
import { addIntegrationRule, createIntegration } from "../../lib/integrations/integrations";
import { startServer, type RunningServer } from "../helpers/server";
import { alertmanagerFiring, alertmanagerResolved, grafanaFiring } from "./payloads";

// The integration URL over HTTP against the real server: the edge's body cap,
// the route, the use case and the public JSON that follows.

let srv: RunningServer;
let ctx: Ctx;
let api: { id: string; name: string };
let hook: { id: string; path: string };

beforeAll(async () => {
  srv = await startServer();
  ctx = { db: srv.db, now: () => new Date(), actor: CLI_ACTOR };
  api = await createComponent(ctx, { name: "Public API" });
  const { integration, path } = await createIntegration(ctx, { name: "Prometheus", holdSeconds: 0 });
  hook = { id: integration.id, path };
  await addIntegrationRule(ctx, {
    integrationId: integration.id,
    match: { job: "http_checks" },
    componentId: api.id,
    status: "major_outage",
  });
  await addIntegrationRule(ctx, {
    integrationId: integration.id,
    match: { team: "blue" },
    componentId: api.id,
    status: "degraded_performance",
  });
});
afterAll(() => srv?.stop());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${srv.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const statusOf = async () => (await srv.db.select().from(component).where(eq(component.id, api.id)).get())!.status;

/** The public v2 JSON, once the snapshot has caught up with the content version (polled ≤ 1 s). */
async function publicStatus(expected: string): Promise<string | undefined> {
  let seen: string | undefined;
  for (let i = 0; i < 40; i++) {
    const body = await (await fetch(`${srv.url}/api/v2/components.json`)).json();
    seen = body.components.find((c: { id: string }) => c.id === api.id)?.status;
    if (seen === expected) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return seen;
}

describe("POST /api/integrations/<id>/<token>", () => {
  it(
    "Alertmanager firing sets the component and the public JSON " + "follows; resolved returns it; nobody is notified",
    async () => {
      const res = await post(hook.path, alertmanagerFiring());
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await res.json()).toEqual({
        ok: true,
        format: "alertmanager",
        outcome: ["Public API: operational → major outage"],
      });
      expect(await publicStatus("major_outage")).toBe("major_outage");
      expect((await post(hook.path, alertmanagerResolved())).status).toBe(200);
      expect(await publicStatus("operational")).toBe("operational");
      const sources = (
        await srv.db.select().from(componentStatusChange).where(eq(componentStatusChange.componentId, api.id))
      ).map((c) => c.source);
      expect(sources).toEqual(["manual", "automation", "automation"]);
      expect(await srv.db.$count(notification)).toBe(0);
      expect(await srv.db.$count(delivery)).toBe(0);
    },
  );

  it("Grafana's grouped alerts are read too", async () => {
    const res = await post(hook.path, grafanaFiring());
    expect(await res.json()).toMatchObject({
      format: "grafana",
      outcome: ["Public API: operational → degraded performance"],
    });
    await post(hook.path, {
      ...grafanaFiring(),
      status: "resolved",
      alerts: grafanaFiring().alerts.map((a) => ({ ...a, status: "resolved" })),
    });
    expect(await statusOf()).toBe("operational");
  });

  it("a bad token or unknown integration is 401 and changes nothing; GET is not served from snapshots", async () => {
    const wrong = await post(`/api/integrations/${hook.id}/not-the-token`, alertmanagerFiring());
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: "Unknown integration or wrong token" });
    expect((await post(`/api/integrations/zzzz/${hook.path.split("/").at(-1)}`, alertmanagerFiring())).status).toBe(
      401,
    );
    expect(await statusOf()).toBe("operational");
    // The application answers (405), not the snapshot server (its saved 404 page).
    expect((await fetch(`${srv.url}${hook.path}`)).status).toBe(405);
  });

  it("bad JSON is a clear 422", async () => {
    const res = await post(hook.path, "{oops");
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: "The body is not valid JSON" });
  });

  it("an oversized body is refused with 413 before it is read, declared or chunked", async () => {
    const big = JSON.stringify({ component: "Public API", status: "major_outage", summary: "x".repeat(600 * 1024) });
    const declared = await post(hook.path, big);
    expect(declared.status).toBe(413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${srv.url}${hook.path}`,
        { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on("error", reject);
      for (let i = 0; i < 12; i++) req.write(Buffer.alloc(64 * 1024, 0x20));
      req.end();
    });
    expect(chunked).toBe(413);
    expect(await statusOf()).toBe("operational");
  });

  it("over the integration's per-minute limit: 429 with Retry-After", async () => {
    const { path } = await createIntegration(ctx, { name: "Chatty", holdSeconds: 0, perMinute: 2 });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await post(path, { component: "Public API", status: "resolved" }));
    const statuses = answers.map((r) => r.status);
    // Two per minute window; a window boundary between the calls may let the third through.
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    if (statuses[2] === 429) {
      expect(Number(answers[2].headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(Number(answers[2].headers.get("retry-after"))).toBeLessThanOrEqual(60);
      expect(await answers[2].json()).toEqual({ error: "Too many requests for this integration" });
    } else {
      expect((await post(path, { component: "Public API", status: "resolved" })).status).toBe(429);
    }
  });
});
