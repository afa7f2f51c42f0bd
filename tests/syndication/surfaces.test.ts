// Feeds, badges, OG images and the embed widget against the real server, all
// served from snapshots: public data only, valid output, framing policy.
import { eq } from "drizzle-orm";
import { XMLValidator } from "fast-xml-parser";
import Parser from "rss-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { incident } from "../../db/schema";
import { createComponent, updateComponent } from "../../lib/components/components";
import { createIncident, postIncidentUpdate } from "../../lib/incidents/incidents";
import { createMaintenance, postMaintenanceUpdate } from "../../lib/maintenance/maintenance";
import { startServer, type RunningServer } from "../helpers/server";
import { cliCtx } from "../public/seed";
import { get, nudge } from "./helpers";

const NASTY = "Tom & Jerry <b>x</b> ]]> \u0001\u0008 🔥 مرحبا \uD800 end";

describe("syndication surfaces", () => {
  let server: RunningServer;
  let ids: { api: string; secret: string; open: string; draft: string; maintenance: string };

  beforeAll(async () => {
    server = await startServer({ env: { HERALD_SNAPSHOT_POLL_MS: "60000" } });
    const ctx = cliCtx(server.db);
    const api = await createComponent(ctx, { name: "REST API" });
    const secret = await createComponent(ctx, { name: "Secret billing sync", hidden: true });
    const open = await createIncident(ctx, {
      name: `🔥 ${NASTY} ${"very long title ".repeat(10)}`,
      body: `First: ${NASTY} [x](javascript:alert(1))`,
      components: { [api.id]: "partial_outage" },
    });
    // A hidden component's outage must not reach the badge, the OG image or the widget.
    await updateComponent(ctx, { id: secret.id, status: "major_outage" });
    await postIncidentUpdate(ctx, { incidentId: open.incident.id, status: "identified", body: "Second update" });
    const draft = await createIncident(ctx, { name: "Draft never published", body: "draft body" });
    await server.db.update(incident).set({ publishedAt: null }).where(eq(incident.id, draft.incident.id));
    const m = await createMaintenance(ctx, {
      name: "Database upgrade",
      body: "Upgrade planned.",
      scheduledFor: new Date(Date.now() + 60_000),
      scheduledUntil: new Date(Date.now() + 3_600_000),
    });
    await postMaintenanceUpdate(ctx, { maintenanceId: m.maintenance.id, status: "in_progress", body: "Started." });
    ids = {
      api: api.id,
      secret: secret.id,
      open: open.incident.id,
      draft: draft.incident.id,
      maintenance: m.maintenance.id,
    };
    await nudge(server);
  });
  afterAll(() => server.stop());

  it.each(["/history.rss", "/history.atom"])(
    "%s: valid XML, one entry per published update, newest first, absolute links, no drafts",
    async (p) => {
      const r = await get(`${server.url}${p}`);
      expect(r.status).toBe(200);
      expect(r.headers["content-type"]).toMatch(
        p.endsWith("rss") ? /^application\/rss\+xml/ : /^application\/atom\+xml/,
      );
      expect(r.headers.etag).toBeTruthy();
      expect(XMLValidator.validate(r.text)).toBe(true);
      const feed = await new Parser().parseString(r.text);
      // open: 2 updates, maintenance: 2 updates; the draft's update is not public.
      expect(feed.items).toHaveLength(4);
      expect(feed.items.map((i) => i.link)).toEqual([
        `${server.url}/incidents/${ids.maintenance}`,
        `${server.url}/incidents/${ids.maintenance}`,
        `${server.url}/incidents/${ids.open}`,
        `${server.url}/incidents/${ids.open}`,
      ]);
      const dates = feed.items.map((i) => Date.parse(i.isoDate!));
      expect(dates).toEqual([...dates].sort((a, b) => b - a));
      expect(r.text).not.toContain("Draft never published");
      expect(r.text).not.toContain("javascript:");
      expect(new Set(feed.items.map((i) => i.guid ?? i.id)).size).toBe(4);
    },
  );

  it("serves the page badge and component badges; hidden and unknown components 404", async () => {
    const page = await get(`${server.url}/badge.svg`);
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^image\/svg\+xml/);
    expect(XMLValidator.validate(page.text)).toBe(true);
    expect(page.text).toMatch(/<title>Herald: Partial System Outage<\/title>/);
    const c = await get(`${server.url}/components/${ids.api}/badge.svg`);
    expect(c.status).toBe(200);
    expect(c.text).toContain("<title>REST API: Partial outage</title>");
    expect(c.text).toContain('role="img"');
    for (const id of [ids.secret, "nosuchcomponent"]) {
      const r = await get(`${server.url}/components/${id}/badge.svg`);
      expect(r.status).toBe(404);
      expect(r.text).not.toContain("Secret");
    }
  });

  it(
    "renders OG images for the page and incidents (emoji and odd " + "text included) and references them absolutely",
    async () => {
      for (const p of ["/og.png", `/incidents/${ids.open}/og.png`, `/incidents/${ids.maintenance}/og.png`]) {
        const r = await get(`${server.url}${p}`);
        expect(r.status, p).toBe(200);
        expect(r.headers["content-type"]).toBe("image/png");
        expect(r.body.subarray(1, 4).toString()).toBe("PNG");
        expect(r.body.readUInt32BE(16)).toBe(1200);
        expect(r.body.readUInt32BE(20)).toBe(630);
      }
      expect((await get(`${server.url}/incidents/${ids.draft}/og.png`)).status).toBe(404);
      const home = await get(`${server.url}/`);
      expect(home.text).toContain(`<meta property="og:image" content="${server.url}/og.png"/>`);
      const inc = await get(`${server.url}/incidents/${ids.open}`);
      expect(inc.text).toContain(`<meta property="og:image" content="${server.url}/incidents/${ids.open}/og.png"/>`);
      expect(inc.text).toContain('<meta name="twitter:card" content="summary_large_image"/>');
      // The status now is in the preview's text; the card draws none (lib/og/cards.ts).
      const description = /<meta property="og:description" content="([^"]*)"\/>/.exec(inc.text)?.[1];
      expect(description).toMatch(/^(Investigating|Identified|Monitoring) · [^·]+ · latest update \w{3} \d/);
    },
  );

  it("draws non-Latin titles with the bundled fonts, without reaching for a CDN", async () => {
    // One clock for all: the cards differ only in their titles.
    const at = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000);
    const ctx = cliCtx(server.db, () => at);
    const card = async (name: string) =>
      (await createIncident(ctx, { name, status: "resolved", body: "Resolved." })).incident.id;
    const titles = [
      "API の応答が遅延しています",
      "تأخر في إرسال رسائل البريد",
      "Сбой при входе в систему",
      "תקלה בשליחת הודעות",
      "Καθυστερήσεις στο API",
    ];
    // Same-length pairs in one script: drawn as missing-glyph boxes, each pair would be byte-identical images.
    const pairs = [
      ["障害発生", "服务中断"],
      ["شكرا", "سلام"],
      ["שלום", "תודה"],
      ["장애발생", "점검완료"],
    ];
    const ids = new Map<string, string>();
    for (const t of [...titles, ...pairs.flat()]) ids.set(t, await card(t));
    await nudge(server);
    // The first card of a process parses the fonts; the earlier test has drawn one, but this test stands alone.
    expect((await get(`${server.url}/og.png`)).status).toBe(200);
    const png = new Map<string, Buffer>();
    for (const [title, id] of ids) {
      // A font looked for on a CDN shows in the output below (no timing here: a busy machine is slow, not wrong).
      const r = await get(`${server.url}/incidents/${id}/og.png`);
      expect(r.status, title).toBe(200);
      expect(r.headers["content-type"]).toBe("image/png");
      expect(r.body.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      png.set(title, r.body);
    }
    for (const [a, b] of pairs) expect(png.get(a)!.equals(png.get(b)!), `${a} / ${b}`).toBe(false);
    // next/og logs each failed attempt to load a font from its CDN.
    expect(server.output()).not.toMatch(/dynamic font|fonts\.googleapis|fetch failed/i);
  });

  it("offers an embeddable widget that may be framed, while everything else refuses framing", async () => {
    const embed = await get(`${server.url}/embed`);
    expect(embed.status).toBe(200);
    expect(embed.headers["x-frame-options"]).toBeUndefined();
    expect(embed.headers["content-security-policy"]).toMatch(/(^|; )frame-ancestors \*$/);
    expect(embed.text).toContain("Partial System Outage");
    expect(embed.text).toContain(`href="${server.url}/incidents/${ids.open}"`);
    expect(embed.text).toContain(`href="${server.url}/incidents/${ids.maintenance}"`);
    expect(embed.text).toContain("Tom &amp; Jerry &lt;b&gt;");
    expect(embed.text).not.toContain("<b>x</b>");
    const script = await get(`${server.url}/embed.js`);
    expect(script.status).toBe(200);
    expect(script.headers["content-type"]).toMatch(/^text\/javascript/);
    // The script reads the widget from /embed in the reader's browser (lib/embed/widget.ts): it carries no status.
    expect(script.text).toContain('origin + "/embed"');
    expect(script.text).not.toContain("/incidents/");
    expect(embed.headers["access-control-allow-origin"]).toBe("*");
    for (const p of [
      "/",
      `/incidents/${ids.open}`,
      "/history",
      "/history.rss",
      "/badge.svg",
      "/api/v2/summary.json",
      "/admin/login",
    ]) {
      const r = await get(`${server.url}${p}`);
      expect(r.headers["x-frame-options"], p).toBe("DENY");
      expect(r.headers["content-security-policy"], p).toContain("frame-ancestors 'none'");
    }
  });
});
