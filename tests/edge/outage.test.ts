import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI_ACTOR } from "../../lib/context";
import { createIncident } from "../../lib/incidents/incidents";
import { startServer, type RunningServer } from "../helpers/server";
import { eventually, untilEdgeCurrent } from "../helpers/wait";

// Regression: restarted with the database unreachable, / was served from the
// saved snapshots but /api/v2/summary.json answered 503 and an unknown incident
// id 500. Widgets and aggregators read that JSON hardest during an outage.

const PUBLIC = [
  "/",
  "/history",
  "/api/v2/summary.json",
  "/api/v2/status.json",
  "/history.rss",
  "/history.atom",
  "/badge.svg",
];

describe("with the database unreachable", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "herald-outage-"));
  const dataDir = path.join(dir, "data");
  // A regular file where the database's directory should be: opening the database fails until it is replaced.
  const blocked = path.join(dir, "db");
  let servers: RunningServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves every public surface from its saved snapshot, a 404 " +
    "page for the rest, 503 for the console and APIs, and " +
    "recovers without a restart", async () => {
    mkdirSync(dataDir);
    const first = await startServer({ dataDir });
    servers.push(first);
    const { incident } = await createIncident(
      { db: first.db, now: () => new Date(), actor: CLI_ACTOR },
      { name: "Saved incident", body: "Looking", notify: false },
    );
    // Each page as rendered with the incident (the edge sees the write beside it through its watcher or its poll, and
    // serves the previous snapshot until the new render is done): what the restart must serve from the saved file.
    const pages = [...PUBLIC, `/incidents/${incident.id}`];
    await untilEdgeCurrent(first, pages);
    const saved = new Map<string, string>();
    for (const p of pages) {
      const res = await fetch(`${first.url}${p}`);
      expect(res.status, p).toBe(200);
      saved.set(p, await res.text());
    }
    const notFound = await (await fetch(`${first.url}/incidents/aaaaaaaaaaaa`)).text();
    await first.stop();
    servers = [];

    writeFileSync(blocked, "not a directory");
    const down = await startServer({ dataDir, env: { DATABASE_URL: `file:${path.join(blocked, "herald.db")}` } });
    servers.push(down);
    expect(down.output()).toMatch(/database is unreachable/);
    for (const [p, body] of saved) {
      const res = await fetch(`${down.url}${p}`);
      expect(res.status, p).toBe(200);
      expect(await res.text(), p).toBe(body);
    }
    for (const p of ["/incidents/bbbbbbbbbbbb", "/no/such/page", "/history?page=40"]) {
      const res = await fetch(`${down.url}${p}`);
      expect(res.status, p).toBe(404);
      expect(await res.text(), p).toBe(notFound);
    }
    for (const [method, p] of [
      ["GET", "/admin/login"],
      ["GET", "/api/v1/pages"],
      ["POST", "/subscriptions/new"],
      ["POST", "/api/auth/sign-in/email"],
    ]) {
      const res = await fetch(`${down.url}${p}`, { method, redirect: "manual" });
      expect(res.status, `${method} ${p}`).toBe(503);
      expect(await res.text()).toContain("cannot reach its database");
    }
    expect(down.output()).not.toMatch(/request failed/);

    // The database comes back: no restart needed.
    rmSync(blocked);
    mkdirSync(blocked);
    copyFileSync(path.join(dataDir, "herald.db"), path.join(blocked, "herald.db"));
    const status = await eventually("the application to reach the database again", async () => {
      const { status } = await fetch(`${down.url}/api/v1/pages`);
      expect(status, down.output().slice(-4000)).not.toBe(503);
      return status;
    });
    expect(status, down.output().slice(-4000)).toBe(401);
    expect((await fetch(`${down.url}/admin/login`)).status).toBe(200);
  }, 120_000);
});
