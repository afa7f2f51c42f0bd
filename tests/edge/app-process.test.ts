// The edge and the application in two processes (DESIGN.md §8, scripts/start.ts):
// the public listener never loads Next; Next runs in a supervised child on a
// loopback port that answers the edge only; the client address the edge
// decided is what the application's limits count; a write inside the child
// reaches the public page at once.
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outboxEmail } from "../../db/schema";
import { CLI_ACTOR } from "../../lib/context";
import { createIncident } from "../../lib/incidents/incidents";
import { scheduleIncident } from "../../lib/incidents/scheduled";
import { windowCounter } from "../../lib/limits/counters";
import { getPage } from "../../lib/page/page";
import { createSnapshotServer, type Rendered } from "../../lib/snapshots/server";
import { SnapshotStore } from "../../lib/snapshots/store";
import { addSubscriber } from "../helpers/db-state";
import { startServer, type RunningServer } from "../helpers/server";
import { until } from "../helpers/wait";

const root = path.resolve(import.meta.dirname, "../..");

/** Every package the module graph of `entry` imports at run time (type-only imports are erased). */
function packagesImportedBy(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const resolve = (from: string, spec: string) => {
    const base = spec.startsWith("@/") ? path.join(root, spec.slice(2)) : path.resolve(path.dirname(from), spec);
    return [`${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), base].find((f) => existsSync(f) && f !== base);
  };
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    const imports =
      /^\s*(?:import|export)\s+(?!type\b)(?:[^;]*?\sfrom\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']/gm;
    for (const m of source.matchAll(imports)) {
      const spec = m[1] ?? m[2];
      if (!spec.startsWith(".") && !spec.startsWith("@/")) packages.add(spec);
      else {
        const file2 = resolve(file, spec);
        if (!file2) throw new Error(`${path.relative(root, file)}: cannot resolve ${spec}`);
        walk(file2);
      }
    }
  };
  walk(path.join(root, entry));
  return packages;
}

const listening = (output: string) =>
  [...output.matchAll(/application process \(pid (\d+)\) listening on 127\.0\.0\.1:(\d+)/g)].map((m) => ({
    pid: Number(m[1]),
    port: Number(m[2]),
  }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("the edge in front of the application process", () => {
  let s: RunningServer;
  let stopped = false;
  beforeAll(async () => {
    // No version poll within the test and the database file not watched: only the application process's own report
    // can refresh the public page.
    s = await startServer({
      env: { HERALD_SNAPSHOT_POLL_MS: "60000", HERALD_SNAPSHOT_WATCH: "0", HERALD_WORKER_INTERVAL_MS: "100" },
    });
  });
  afterAll(async () => {
    if (!stopped) await s?.stop();
  });

  it("never loads Next (nor React) in the public listener's process", () => {
    const packages = [...packagesImportedBy("scripts/start.ts")];
    expect(packages.filter((p) => /^(next|react|react-dom|@react-email\/|better-auth)(\/|$)/.test(p))).toEqual([]);
    expect(packagesImportedBy("scripts/next-server.ts")).toContain("next");
  });

  it("runs Next in a child that refuses every request without this boot's edge token", async () => {
    const [app] = listening(s.output());
    expect(app.pid).not.toBe(undefined);
    for (const headers of <Record<string, string>[]>[
      { "x-herald-client-ip": "198.51.100.7" },
      { "x-herald-client-ip": "198.51.100.7", "x-herald-edge-token": "guessed" },
    ]) {
      const res = await fetch(`http://127.0.0.1:${app.port}/admin/login`, { headers });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("edge only");
    }
    expect((await fetch(`${s.url}/admin/login`)).status).toBe(200);
  });

  it("counts a subscriber's attempt under the address the edge decided, not the one the request claims", async () => {
    const res = await fetch(`${s.url}/subscriptions/new`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-herald-client-ip": "198.51.100.7" },
      body: new URLSearchParams({ email: "forged-ip@example.com" }),
    });
    expect(res.status).toBe(303);
    const keys = (await s.db.all<{ key: string }>(sql`select key from subscribe_limit`)).map((r) => r.key);
    const counted = (ip: string) => windowCounter("perIpHour", ip, 1, 3_600_000, Date.now()).key;
    expect(keys).toContain(counted("127.0.0.1"));
    expect(keys).not.toContain(counted("198.51.100.7"));
    expect(keys).not.toContain(counted("unknown"));
  });

  it("shows a write made inside the application process (the worker) at once, with no version poll", async () => {
    const ctx = { db: s.db, now: () => new Date(), actor: CLI_ACTOR };
    const publishAt = new Date(Date.now() + 1000);
    await scheduleIncident(ctx, { name: "Published by the worker", body: "Scheduled", publishAt });
    const seenAt = await until("the scheduled incident on /", async () => {
      const html = await (await fetch(`${s.url}/`)).text();
      return html.includes("Published by the worker") ? Date.now() : undefined;
    });
    // The worker runs every 100 ms; the version poll (60 s) cannot be what showed it.
    expect(seenAt - publishAt.getTime()).toBeLessThan(5000);
  });

  it("restarts a dead application process, serving the public page meanwhile, and stops it on exit", async () => {
    const [first] = listening(s.output());
    process.kill(first.pid, "SIGKILL");
    await until("the child to die", () => (alive(first.pid) ? undefined : true));
    expect((await fetch(`${s.url}/`)).status).toBe(200);
    const down = await fetch(`${s.url}/admin/login`);
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("5");
    const second = await until("a new child", () => listening(s.output())[1]);
    expect(second.pid).not.toBe(first.pid);
    expect((await fetch(`${s.url}/admin/login`)).status).toBe(200);
    stopped = true;
    await s.stop();
    expect(alive(second.pid)).toBe(false);
  });
});

describe("a publish from another process (the CLI)", () => {
  it("starts the application's worker at once: the email goes out long before the worker's next tick", async () => {
    // The worker's tick is a minute away: only the edge telling the application of the new version can start it.
    const s = await startServer({ env: { HERALD_WORKER_INTERVAL_MS: "60000" } });
    try {
      const ctx = { db: s.db, now: () => new Date(), actor: CLI_ACTOR };
      const pageId = (await getPage(s.db)).id;
      await addSubscriber(s.db, pageId, "ops@example.com", "active");
      await createIncident(ctx, { name: "Payments failing", body: "Looking into it.", notify: true });
      const sent = await until("the email in the outbox", async () => {
        const rows = await s.db.select().from(outboxEmail).where(eq(outboxEmail.toAddress, "ops@example.com"));
        return rows.length ? rows : undefined;
      });
      expect(sent.map((r) => r.subject).join()).toContain("Payments failing");
    } finally {
      await s.stop();
    }
  }, 60_000);
});

describe("a stranger's first request after a publish", () => {
  const page = (text: string): Rendered => ({
    status: 200,
    contentType: "text/html; charset=utf-8",
    body: Buffer.from(`<!doctype html><p>${text}</p>`),
  });

  /** A snapshot server whose renders of version 2 wait for `release`; answers come from 127.0.0.1, never a writer. */
  async function publishing(freshWaitMs: number) {
    let version = 1;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const snapshots = createSnapshotServer({
      store: new SnapshotStore(),
      render: async () => {
        const v = version;
        if (v === 2) await released;
        return page(`home v${v}`);
      },
      readVersion: async () => version,
      pollMs: 60_000,
      warmKeys: ["/"],
      freshWaitMs,
      log: () => {},
    });
    await snapshots.start();
    const server = createServer((req, res) => snapshots.handle(req, res, () => res.end()));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await until("v1 on /", async () => ((await (await fetch(url)).text()).includes("home v1") ? true : undefined));
    return {
      url,
      release,
      /** The application process reports a commit: the edge reads the version and starts rendering / at once. */
      publish: () => {
        version = 2;
        snapshots.versionChanged();
      },
      close: () => new Promise((r) => server.close(r)),
    };
  }

  it("gets the new page when its render, started at the commit, finishes within the wait", async () => {
    const p = await publishing(30_000);
    p.publish();
    const answer = fetch(p.url);
    setTimeout(p.release, 50);
    const res = await answer;
    expect(res.headers.get("x-herald-snapshot")).toBe("MISS");
    expect(await res.text()).toContain("home v2");
    await p.close();
  });

  it("gets the previous page when the render takes longer than the wait, and the new one once it is done", async () => {
    const p = await publishing(20);
    p.publish();
    const res = await fetch(p.url);
    expect(res.headers.get("x-herald-snapshot")).toBe("STALE");
    expect(await res.text()).toContain("home v1");
    p.release();
    await until("v2 on /", async () => ((await (await fetch(p.url)).text()).includes("home v2") ? true : undefined));
    await p.close();
  });
});
