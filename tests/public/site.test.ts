import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../../db/client";
import { migrateDb } from "../../db/migrate";
import { updateComponent } from "../../lib/components/components";
import { createIncident, resolveIncident } from "../../lib/incidents/incidents";
import { quarterKey } from "../../lib/public/history";
import { shiftQuarter } from "../../lib/public/history-keys";
import { startServer, type RunningServer } from "../helpers/server";
import { cliCtx, seedStatusPage } from "./seed";

function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end();
    },
  );
}
const text = async (url: string) => (await get(url)).body.toString();
const renderLines = (server: RunningServer, key: string) =>
  server
    .output()
    .split("\n")
    .filter((l) => l.includes(`snapshot render ${key} v`)).length;

describe("public site served from snapshots (in-process writes)", () => {
  let server: RunningServer;
  let seeded: Awaited<ReturnType<typeof seedStatusPage>>;
  /** Any non-GET through Herald's server, as the console or the API would send after a publish. */
  const nonGet = () =>
    fetch(`${server.url}/api/v1/pages/nope`, { method: "PATCH", body: "{}" }).then((r) => r.arrayBuffer());

  beforeAll(async () => {
    // The poll is a minute away and the database file is not watched: only the "a non-GET finished" mark can make
    // these tests pass.
    server = await startServer({ env: { HERALD_SNAPSHOT_POLL_MS: "60000", HERALD_SNAPSHOT_WATCH: "0" } });
    seeded = await seedStatusPage(server.db);
    await nonGet();
  });
  afterAll(() => server.stop());

  it("shows the page, its components and groups, and never a hidden component", async () => {
    const html = await text(`${server.url}/`);
    expect(html).toContain("Acme Cloud");
    expect(html).toContain("All Systems Operational");
    expect(html).toContain("REST API");
    expect(html).toContain("Compute regions");
    expect(html).toContain("<details");
    expect(html).not.toContain("Internal billing sync");
    expect(html).toMatch(/<link rel="alternate" type="application\/rss\+xml" href="[^"]*\/history.rss"/);
    expect(html).toMatch(/<link rel="alternate" type="application\/atom\+xml" href="[^"]*\/history.atom"/);
    expect(html).toContain("Europe/Berlin");
    // A broken hidden component does not change the banner either.
    await updateComponent(cliCtx(server.db), { id: seeded.secret.id, status: "major_outage" });
    await nonGet();
    const after = await text(`${server.url}/`);
    expect(after).toContain("All Systems Operational");
    expect(after).not.toContain("Internal billing sync");
  });

  it(
    "shows a publish on the very next request, turns a cached " +
      "404 into the incident, and resolving restores the banner",
    async () => {
      const ctx = cliCtx(server.db);
      const { incident } = await createIncident(ctx, {
        name: "Checkout failing for some cards",
        body: "Payments with **some cards** fail. We are on it.",
        components: { [seeded.api.id]: "major_outage", [seeded.secret.id]: "major_outage" },
      });
      // Unpublish it (a draft) and make the public site see that version.
      await server.db.run(sql`update incident set published_at = null where id = ${incident.id}`);
      await server.db.run(sql`update page set content_version = content_version + 1`);
      await nonGet();
      expect((await get(`${server.url}/incidents/${incident.id}`)).status).toBe(404);
      // Not public yet: the shared 404 page, without a render of its own.
      expect((await get(`${server.url}/incidents/${incident.id}`)).headers["x-herald-snapshot"]).toBe("NOT-FOUND");
      expect(await text(`${server.url}/`)).not.toContain("Checkout failing");

      await server.db.run(sql`update incident set published_at = started_at where id = ${incident.id}`);
      await server.db.run(sql`update page set content_version = content_version + 1`);
      await nonGet();
      const home = await text(`${server.url}/`);
      expect(home).toContain("Major Service Outage");
      expect(home).toContain("Checkout failing for some cards");
      expect(home).toContain(`href="/incidents/${incident.id}"`);
      const page = await get(`${server.url}/incidents/${incident.id}`);
      expect(page.status).toBe(200);
      const detail = page.body.toString();
      expect(detail).toContain("<strong>some cards</strong>");
      expect(detail).toContain("Critical impact");
      expect(detail).toContain("REST API");
      // While it is open, the page shows the state now of the components it names.
      expect(detail.replaceAll("<!-- -->", "")).toContain("(Major outage now)");
      expect(detail).not.toContain("Internal billing sync");
      expect(detail).toMatch(/<time dateTime="\d{4}-\d\d-\d\dT[\d:.]+Z"/);

      await resolveIncident(ctx, { incidentId: incident.id, body: "Fixed: a certificate had expired." });
      await nonGet();
      const resolvedHome = await text(`${server.url}/`);
      expect(resolvedHome).toContain("All Systems Operational");
      // Off the list of active incidents; today's uptime bar still names it.
      expect(resolvedHome).not.toContain("Active incidents");
      expect(resolvedHome).toMatch(
        /<b>[^<]+<\/b>: major outage, [\d.]+% up[^<]*<i>Checkout failing for some cards<\/i>/,
      );
      const resolvedDetail = await text(`${server.url}/incidents/${incident.id}`);
      expect(resolvedDetail).toContain("a certificate had expired");
      expect(resolvedDetail.indexOf("a certificate had expired")).toBeLessThan(
        resolvedDetail.indexOf("some cards</strong>"),
      );
      expect(resolvedDetail.replaceAll("<!-- -->", "")).toMatch(/Lasted (under a minute|\d+ min)/);
      // Over: the components it affected are named, as they were; their state today is the front page's.
      expect(resolvedDetail).toContain("REST API");
      expect(resolvedDetail).not.toContain(" now)");
    },
  );

  it("answers with ETags, 304s and precompressed gzip/brotli, without scripts and within the size budget", async () => {
    const first = await get(`${server.url}/`, { "accept-encoding": "gzip" });
    expect(first.status).toBe(200);
    expect(first.headers["content-encoding"]).toBe("gzip");
    expect(first.headers["cache-control"]).toBe("public, max-age=0, s-maxage=5, stale-while-revalidate=30");
    const html = gunzipSync(first.body).toString();
    // Only the optional local-time script survives (components/status/time.tsx).
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script data-keep="true">']);
    expect(html).toContain("<style>");
    expect(first.body.length).toBeLessThan(15 * 1024);
    expect((await get(`${server.url}/`, { "accept-encoding": "br, gzip" })).headers["content-encoding"]).toBe("br");
    const again = await get(`${server.url}/`, { "if-none-match": String(first.headers.etag) });
    expect(again.status).toBe(304);
  });

  it("renders concurrent misses once", async () => {
    await server.db.run(sql`update page set content_version = content_version + 1`);
    await nonGet();
    const before = renderLines(server, "/history");
    const all = await Promise.all(Array.from({ length: 20 }, () => get(`${server.url}/history`)));
    expect(all.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(renderLines(server, "/history") - before).toBe(1);
  });

  it("handles bad history page numbers with a 404, never an error", async () => {
    expect((await get(`${server.url}/history?page=1`)).status).toBe(200);
    for (const p of ["abc", "-1", "0", "2", "1.5", "99999999999999999999", ""]) {
      expect((await get(`${server.url}/history?page=${encodeURIComponent(p)}`)).status, `page=${p}`).toBe(404);
    }
    const history = await text(`${server.url}/history`);
    expect(history).toContain("Elevated error rates on the dashboard");
    expect(history).toContain("Incident history");
  });

  it("pages history by quarter: /history is the newest, older quarters by a stable key, others a 404", async () => {
    const at = new Date(Date.now() - 400 * 86_400_000);
    await createIncident(cliCtx(server.db), {
      name: "Last year's outage",
      status: "resolved",
      body: "Long fixed.",
      backfilled: true,
      backfillDate: at,
    });
    await nonGet();
    const [oldest, newest] = [quarterKey(at, "Europe/Berlin"), quarterKey(new Date(), "Europe/Berlin")];
    const newer = shiftQuarter(oldest, 1);
    const first = await text(`${server.url}/history`);
    expect(first).not.toContain("Last year&#x27;s outage");
    // The link to the older quarter, by its key (the page's own bytes never change when newer incidents come).
    expect(first).toContain(`href="/history?quarter=${shiftQuarter(newest, -1)}"`);
    const old = await get(`${server.url}/history?quarter=${oldest}`);
    expect(old.status).toBe(200);
    expect(old.body.toString()).toContain("Last year&#x27;s outage");
    expect(old.body.toString()).toContain(`href="${newer === newest ? "/history" : `/history?quarter=${newer}`}"`);
    // An empty quarter between them exists and says so.
    const empty = await text(`${server.url}/history?quarter=${shiftQuarter(newest, -1)}`);
    expect(empty).toContain("No incidents reported this month.");
    for (const q of [shiftQuarter(oldest, -1), shiftQuarter(newest, 1), "2026-Q5", "2026-q1", "x"]) {
      const before = renderLines(server, `/history?quarter=${q}`);
      expect((await get(`${server.url}/history?quarter=${q}`)).status, q).toBe(404);
      expect(renderLines(server, `/history?quarter=${q}`), q).toBe(before);
    }
  });

  it("shows uptime bars with labels, the window's uptime and the published formula on /", async () => {
    const html = await text(`${server.url}/`);
    expect(html).toContain('aria-label="REST API: uptime per day, last 90 days"');
    expect(html).toContain('aria-label="Compute regions (all components): uptime per day, last 90 days"');
    expect(html.match(/<ol aria-label="[^"]*: uptime per day/g)).toHaveLength(7);
    // A run of quiet days is one item spanning its days, labelled with the range; days with trouble are links.
    const date = "[A-Z][a-z]{2} \\d{1,2}(, \\d{4})?";
    expect(html).toMatch(
      new RegExp(
        `<li class="[on]( s)?" style="--n:\\d+"><span><b>${date} – ${date}</b>: (no data|no downtime)</span></li>`,
      ),
    );
    expect(html).toMatch(
      new RegExp(
        `<li class="[dpmu]( s)?"><a href="/incidents/\\w+"><span><b>${date}</b>: [a-z ]+, [\\d.]+% ` +
          `up[^<]*<i>[^<]+</i></span></a></li>`,
      ),
    );
    // Every bar set covers the window's 90 days exactly, and marks where phones' last 30 begin.
    for (const [, body] of html.matchAll(/<ol aria-label="[^"]*: uptime per day, last 90 days">(.*?)<\/ol>/g)) {
      const items = [...body.matchAll(/<li class="[^"]*"(?: style="--n:(\d+)")?>/g)];
      expect(items.reduce((n, m) => n + Number(m[1] ?? 1), 0)).toBe(90);
      const s = items.findIndex((m) => / s"/.test(m[0]));
      expect(items.slice(s).reduce((n, m) => n + Number(m[1] ?? 1), 0)).toBe(30);
    }
    expect(html).toContain("How uptime is calculated");
    expect(html).toContain("a partial outage as 30 % down time");
    expect(html).toMatch(/100% uptime<span class="w"> over the last 90 days<\/span>/);
  });

  it("puts the subscribe form on every public page, working without JS", async () => {
    for (const path of ["/", "/history", `/incidents/${seeded.resolvedIncident.id}`, "/incidents/doesnotexist1"]) {
      const html = await text(`${server.url}${path}`);
      expect(html, path).toContain('action="/subscriptions/new" method="post"');
      expect(html, path).toContain('href="/subscriptions"');
    }
  });

  it(
    "gives unknown incidents a real 404 whose body works without " +
      "JS, and serves the same snapshot whatever session cookie " +
      "comes along",
    async () => {
      const missing = await get(`${server.url}/incidents/doesnotexist1`);
      expect(missing.status).toBe(404);
      const body = missing.body.toString();
      expect(body).toContain("Page not found");
      expect(body).toContain('href="/"');
      expect(body).not.toContain("__next_f");
      expect((await get(`${server.url}/history?page=99`)).body.toString()).toContain("Page not found");
      const withCookie = await get(`${server.url}/`, { cookie: "herald.session_token=whatever" });
      expect(withCookie.status).toBe(200);
      expect(withCookie.headers["x-herald-snapshot"]).toBe("HIT");
    },
  );
});

describe("public site across databases and restarts", () => {
  let dataDir: string;
  /** Publishes through the server's database, as the CLI does from its own process, and waits for `/` to show it. */
  async function publishFromCli(server: RunningServer, name: string): Promise<void> {
    const { incident } = await createIncident(cliCtx(server.db), { name, body: "Looking into it." });
    const started = Date.now();
    let html = "";
    // Deadlines far beyond the poll (500 ms) or the file watch, for the render on a busy machine.
    while (Date.now() - started < 20_000 && !html.includes(name)) {
      await new Promise((r) => setTimeout(r, 50));
      html = await text(`${server.url}/`);
    }
    expect(html).toContain(name);
    expect((await get(`${server.url}/incidents/${incident.id}`)).status).toBe(200);
  }
  beforeAll(async () => {
    // A database the build never saw.
    dataDir = mkdtempSync(path.join(tmpdir(), "herald-other-"));
    const { db, client } = openDb({ url: `file:${path.join(dataDir, "herald.db")}` });
    await migrateDb(db);
    const s = await seedStatusPage(db);
    await updateComponent(s.ctx, { id: s.website.id, name: "Zebra Storefront" });
    client.close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("shows the started database's content on the first request, and picks up CLI writes by polling", async () => {
    // Not watching the file: only the poll (every 500 ms) can see another process's write.
    const server = await startServer({ dataDir, env: { HERALD_SNAPSHOT_WATCH: "0" } });
    try {
      const first = await get(`${server.url}/`);
      // Rendered for this database at start (warming), never a snapshot of another one.
      expect(["MISS", "HIT"]).toContain(first.headers["x-herald-snapshot"]);
      expect(first.body.toString()).toContain("Zebra Storefront");
      // A CLI write from another process: nothing tells the server; its poll must.
      await publishFromCli(server, "Search is slow");
    } finally {
      await server.stop();
    }
  }, 60_000);

  it("sees another process's write to the database file at once, long before its poll", async () => {
    const server = await startServer({ dataDir, env: { HERALD_SNAPSHOT_POLL_MS: "60000" } });
    try {
      await get(`${server.url}/`);
      await publishFromCli(server, "Checkout errors");
    } finally {
      await server.stop();
    }
  }, 60_000);

  it("serves the last saved public site when the database is unreachable at restart", async () => {
    const server = await startServer({ dataDir, env: { DATABASE_URL: "http://127.0.0.1:9/unreachable" } });
    try {
      const home = await get(`${server.url}/`);
      expect(home.status).toBe(200);
      expect(home.body.toString()).toContain("Search is slow");
      const admin = await get(`${server.url}/admin`);
      expect(admin.status).toBe(503);
      expect(admin.body.toString()).toContain("cannot reach its database");
      expect(server.output()).toContain("ERROR the database is unreachable or cannot be migrated");
    } finally {
      await server.stop();
    }
  });
});
