// /history.json (JSON Feed 1.1) and /maintenance.ics (RFC 5545) against the
// real server: served from snapshots, public data only, linked from the page.
import ICAL from "ical.js";
import { eq } from "drizzle-orm";
import Parser from "rss-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incident } from "../../db/schema";
import { createComponent } from "../../lib/components/components";
import { createIncident, postIncidentUpdate } from "../../lib/incidents/incidents";
import { cancelMaintenance, updateMaintenance } from "../../lib/maintenance/edit";
import { createMaintenance } from "../../lib/maintenance/maintenance";
import { startServer, type RunningServer } from "../helpers/server";
import { cliCtx } from "../public/seed";
import { get, nudge } from "./helpers";
import { JsonFeed } from "./schemas";

const events = (ics: string) =>
  new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents("vevent").map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      sequence: e.sequence,
      status: String(v.getFirstPropertyValue("status")),
      summary: e.summary,
      url: String(v.getFirstPropertyValue("url")),
      start: e.startDate.toJSDate().toISOString(),
    };
  });
const renders = (server: RunningServer, key: string) =>
  server
    .output()
    .split("\n")
    .filter((l) => l.includes(`snapshot render ${key} v`)).length;

describe("JSON Feed and maintenance calendar", () => {
  let server: RunningServer;
  let ids: { open: string; planned: string; cancelled: string; draft: string };
  const hour = Math.ceil(Date.now() / 3_600_000) * 3_600_000;

  beforeAll(async () => {
    server = await startServer({ env: { HERALD_SNAPSHOT_POLL_MS: "60000" } });
    const ctx = cliCtx(server.db);
    const api = await createComponent(ctx, { name: "REST API" });
    const secret = await createComponent(ctx, { name: "Secret billing sync", hidden: true });
    const open = await createIncident(ctx, {
      name: "Errors on the API",
      body: "Looking <script>alert(1)</script>",
      components: { [api.id]: "partial_outage" },
    });
    await postIncidentUpdate(ctx, { incidentId: open.incident.id, status: "identified", body: "Found it" });
    const planned = await createMaintenance(ctx, {
      name: "Database upgrade",
      body: "Planned.",
      componentIds: [api.id, secret.id],
      scheduledFor: new Date(hour + 86_400_000),
      scheduledUntil: new Date(hour + 90_000_000),
    });
    const cancelled = await createMaintenance(ctx, {
      name: "Network work",
      body: "Planned.",
      scheduledFor: new Date(hour + 2 * 86_400_000),
      scheduledUntil: new Date(hour + 2 * 86_400_000 + 3_600_000),
    });
    await cancelMaintenance(ctx, { maintenanceId: cancelled.maintenance.id, body: "Not needed after all." });
    const draft = await createMaintenance(ctx, {
      name: "Draft window",
      body: "x",
      scheduledFor: new Date(hour + 3 * 86_400_000),
      scheduledUntil: new Date(hour + 3 * 86_400_000 + 3_600_000),
    });
    await server.db.update(incident).set({ publishedAt: null }).where(eq(incident.id, draft.maintenance.id));
    ids = {
      open: open.incident.id,
      planned: planned.maintenance.id,
      cancelled: cancelled.maintenance.id,
      draft: draft.maintenance.id,
    };
    await nudge(server);
  });
  afterAll(() => server.stop());

  it("/history.json: JSON Feed 1.1 with the same entries as RSS, from a snapshot", async () => {
    const r = await get(`${server.url}/history.json`);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("application/feed+json; charset=utf-8");
    expect(r.headers["access-control-allow-origin"]).toBe("*");
    const feed = JSON.parse(r.text);
    expect(JsonFeed.safeParse(feed).error).toBeUndefined();
    expect(feed.feed_url).toBe(`${server.url}/history.json`);
    const rss = await new Parser().parseString((await get(`${server.url}/history.rss`)).text);
    expect(feed.items.map((i: { id: string }) => i.id)).toEqual(rss.items.map((i) => i.guid));
    expect(feed.items.map((i: { url: string }) => i.url)).toEqual(rss.items.map((i) => i.link));
    // open: 2 updates; planned: 1; cancelled: 2 (announcement, cancellation); the draft none.
    expect(feed.items).toHaveLength(5);
    expect(r.text).not.toContain("Draft window");
    expect(r.text).not.toContain("<script>");
    const again = await get(`${server.url}/history.json`, { "if-none-match": String(r.headers.etag) });
    expect(again.status).toBe(304);
    expect(renders(server, "/history.json")).toBe(1);
  });

  it(
    "/maintenance.ics: VEVENTs with stable UIDs, SEQUENCE raised " +
      "on change, cancellations, links; drafts and hidden " +
      "components left out",
    async () => {
      const r = await get(`${server.url}/maintenance.ics`);
      expect(r.status).toBe(200);
      expect(r.headers["content-type"]).toBe("text/calendar; charset=utf-8");
      expect(r.headers.etag).toBeTruthy();
      const before = events(r.text);
      expect(before.map((e) => e.summary)).toEqual(["Cancelled: Network work", "Database upgrade"]);
      expect(before.map((e) => e.status)).toEqual(["CANCELLED", "CONFIRMED"]);
      expect(before[1].url).toBe(`${server.url}/incidents/${ids.planned}`);
      expect(r.text).toMatch(/^DTSTART:\d{8}T\d{6}Z\r$/m);
      expect(r.text).not.toContain("Draft window");
      expect(r.text).not.toContain("Secret billing sync");
      expect((await get(`${server.url}/maintenance.ics`, { "if-none-match": String(r.headers.etag) })).status).toBe(
        304,
      );

      await updateMaintenance(cliCtx(server.db), {
        maintenanceId: ids.planned,
        name: "Database upgrade (moved)",
        body: "Planned.",
        scheduledFor: new Date(hour + 87_000_000).toISOString(),
        scheduledUntil: new Date(hour + 91_000_000).toISOString(),
        autoStart: true,
        autoComplete: true,
        transitionComponents: true,
        remindMinutes: null,
        notifyAtStart: false,
        notifyAtEnd: false,
      });
      await nudge(server);
      const after = events((await get(`${server.url}/maintenance.ics`)).text);
      expect(after[1]).toMatchObject({
        uid: before[1].uid,
        summary: "Database upgrade (moved)",
        start: new Date(hour + 87_000_000).toISOString(),
      });
      expect(after[1].sequence).toBeGreaterThan(before[1].sequence);
      expect(after[0]).toEqual(before[0]);
    },
  );

  it("the public page links both, in <head> and in the footer", async () => {
    const html = (await get(`${server.url}/`)).text;
    expect(html).toMatch(/<link rel="alternate" type="application\/feed\+json" href="[^"]*\/history.json"/);
    expect(html).toMatch(/<link rel="alternate" type="text\/calendar" href="[^"]*\/maintenance.ics"/);
    expect(html).toContain('href="/history.json"');
    expect(html).toContain('href="/maintenance.ics"');
  });
});
