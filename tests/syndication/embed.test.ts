// The embed widget's two forms against the real server: one model, one order,
// one look (dark mode and the status colour included), and an iframe that
// tells its parent how tall it is with a script its own CSP allows.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createComponent } from "../../lib/components/components";
import { createIncident } from "../../lib/incidents/incidents";
import { createMaintenance, postMaintenanceUpdate } from "../../lib/maintenance/maintenance";
import { ensurePage } from "../../lib/page/page";
import { startServer, type RunningServer } from "../helpers/server";
import { cliCtx } from "../public/seed";
import { get, nudge } from "./helpers";

describe("embed widget", () => {
  let server: RunningServer;
  let order: string[];

  beforeAll(async () => {
    server = await startServer({ env: { HERALD_SNAPSHOT_POLL_MS: "60000" } });
    const ctx = cliCtx(server.db);
    await ensurePage(server.db, new Date());
    const api = await createComponent(ctx, { name: "API" });
    const a = await createIncident(ctx, {
      name: "Older incident",
      body: "x",
      components: { [api.id]: "major_outage" },
    });
    const b = await createIncident(ctx, { name: "Newer incident", body: "x" });
    // The maintenance started last: the status page lists it first.
    const m = await createMaintenance(ctx, {
      name: "Upgrade",
      body: "Planned.",
      scheduledFor: new Date(Date.now() + 60_000),
      scheduledUntil: new Date(Date.now() + 3_600_000),
    });
    await postMaintenanceUpdate(ctx, { maintenanceId: m.maintenance.id, status: "in_progress", body: "Started." });
    order = [m.maintenance.id, b.incident.id, a.incident.id];
    await nudge(server);
  });
  afterAll(() => server.stop());

  const links = (text: string) => [...text.matchAll(/\/incidents\/([0-9a-z]+)/g)].map((x) => x[1]);

  it("lists the items in the status page's order in the iframe, which other sites may read", async () => {
    const html = await get(`${server.url}/embed`);
    expect(links(html.text)).toEqual(order);
    expect(html.headers["access-control-allow-origin"]).toBe("*");
  });

  it("gives the widget dark mode and a status dot in the status colour", async () => {
    const html = (await get(`${server.url}/embed`)).text;
    expect(html).toContain("prefers-color-scheme:dark");
    // Major outage: the critical red on the dot and the border.
    expect(html).toContain(".d{width:10px;height:10px;border-radius:50%;background:#c0392b");
    expect(html).toContain("border-left:6px solid #c0392b");
  });

  it("serves the script as the same file before and after a change: it reads the widget from /embed", async () => {
    const before = await get(`${server.url}/embed.js`);
    expect(before.headers["access-control-allow-origin"]).toBe("*");
    expect(before.headers["content-type"]).toMatch(/^text\/javascript/);
    await createIncident(cliCtx(server.db), { name: "Yet another incident", body: "x" });
    await nudge(server);
    expect(links((await get(`${server.url}/embed`)).text)).toHaveLength(order.length + 1);
    const after = await get(`${server.url}/embed.js`);
    expect(Number(after.headers["x-herald-version"])).toBeGreaterThan(Number(before.headers["x-herald-version"]));
    expect(after.text).toBe(before.text);
    expect(after.headers.etag).toBe(before.headers.etag);
  });

  it(
    "posts its height to the parent from an inline script that " + "the /embed CSP allows, and stays frameable",
    async () => {
      const r = await get(`${server.url}/embed`);
      const csp = String(r.headers["content-security-policy"]);
      expect(csp).toContain("frame-ancestors *");
      expect(r.headers["x-frame-options"]).toBeUndefined();
      const scripts = [...r.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts).toHaveLength(1);
      // Marked to survive the snapshot server's script stripping (lib/snapshots/html.ts).
      expect(scripts[0][1]).toContain("data-keep");
      expect(scripts[0][2]).toContain('parent.postMessage({type:"herald:embed-height"');
      const scriptSrc = csp.match(/script-src([^;]*)/)?.[1];
      if (scriptSrc !== undefined) {
        const hash = createHash("sha256").update(scripts[0][2], "utf8").digest("base64");
        expect(scriptSrc).toContain(`'sha256-${hash}'`);
      }
    },
  );
});
