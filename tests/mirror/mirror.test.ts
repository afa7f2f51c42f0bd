// The static mirror end to end (issue 16): a worker (`npm run worker`, its own
// process, so the test can kill it) pushes the real server's anonymous public
// site to a directory, a git branch (a local bare repository) and an S3 bucket
// (s3rver, through the real AWS SDK, behind a proxy that can hold uploads)
// after each change. The directory is served by a plain static file server
// and crawled.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  GetBucketCorsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  CreateBucketCommand,
} from "@aws-sdk/client-s3";
import { XMLParser } from "fast-xml-parser";
import Parser from "rss-parser";
import S3rver from "s3rver";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mirrorJob, mirrorTarget } from "../../db/schema";
import { createAudience } from "../../lib/audiences/audiences";
import { createIncident, deleteIncident, postIncidentUpdate } from "../../lib/incidents/incidents";
import { requestFullSync } from "../../lib/mirror/queue";
import { getContentVersion } from "../../lib/page/page";
import { cliCtx, seedStatusPage } from "../public/seed";
import { freePort, startServer, type RunningServer } from "../helpers/server";
import { scriptArgs } from "../helpers/scripts";

const tmp = mkdtempSync(path.join(tmpdir(), "herald-mirror-"));
const mirrorDir = path.join(tmp, "site");
const bare = path.join(tmp, "remote.git");
const SECRET = "s3-secret-key-never-shown-0123456789";
let server: RunningServer;
let s3rver: S3rver;
let s3: S3Client;
let seeded: Awaited<ReturnType<typeof seedStatusPage>>;
let audienceOnly = "";
let worker: ChildProcess | null = null;
let workerOutput = "";
let proxyUrl = "";
let proxy: Server;
/** While set, S3 uploads after the first `passUploads` are held (never forwarded): a push that hangs mid-way. */
const s3Gate = { hold: false, passUploads: 0, held: 0 };

function startWorker(): Promise<void> {
  const child = spawn(process.execPath, scriptArgs("scripts/worker.ts"), {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: server.databaseUrl,
      HERALD_DATA_DIR: server.dataDir,
      HERALD_URL: server.url,
      HERALD_WORKER_INTERVAL_MS: "200",
      HERALD_MIRROR_SOURCE_URL: server.url,
      HERALD_MIRROR_DEBOUNCE_MS: "300",
      HERALD_MIRROR_LEASE_MS: "1500",
      HERALD_MIRROR_BACKOFF_MS: "200",
      HERALD_MIRROR_DIR: mirrorDir,
      HERALD_MIRROR_GIT_URL: bare,
      HERALD_MIRROR_GIT_BRANCH: "pages",
      HERALD_MIRROR_S3_BUCKET: "status",
      HERALD_MIRROR_S3_ENDPOINT: proxyUrl,
      HERALD_MIRROR_S3_ACCESS_KEY_ID: "S3RVER",
      HERALD_MIRROR_S3_SECRET_ACCESS_KEY: SECRET,
      HERALD_WEBHOOK_ALLOW_PRIVATE: "1",
      HERALD_WEBHOOK_ALLOW_HTTP: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  worker = child;
  child.stdout!.on("data", (d) => (workerOutput += d));
  child.stderr!.on("data", (d) => (workerOutput += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${workerOutput}`)), 60_000);
    child.stdout!.on("data", () => {
      if (workerOutput.includes("worker running")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}:\n${workerOutput}`)));
  });
}

/** Waits (polling, no fixed sleep) until every target holds the current content version. */
async function converged(timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (true) {
    const v = await getContentVersion(server.db);
    const rows = await server.db.select().from(mirrorTarget);
    if (rows.length === 3 && rows.every((r) => r.pushedVersion === v && r.lastError === null)) return;
    if (Date.now() > until)
      throw new Error(
        `mirror did not converge on v${v}: ` +
          `${JSON.stringify(rows.map((r) => [r.id, r.pushedVersion, r.lastError]))}\n${workerOutput.slice(-3000)}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

const target = async (id: string) =>
  (await server.db.select().from(mirrorTarget).where(eq(mirrorTarget.id, id)).get())!;

async function s3Keys(): Promise<Map<string, string>> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: "status", MaxKeys: 1000 }));
  return new Map((out.Contents ?? []).map((o) => [o.Key!, o.ETag!]));
}

function get(
  url: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on("error", reject)
      .end();
  });
}

beforeAll(async () => {
  execFileSync("git", ["init", "--quiet", "--bare", bare]);
  const s3Port = await freePort();
  // s3rver checks signatures against its own key pair: the worker signs with SECRET, s3rver knows it.
  s3rver = new S3rver({
    port: s3Port,
    address: "127.0.0.1",
    silent: true,
    directory: path.join(tmp, "s3"),
    configureBuckets: [{ name: "status", configs: [] }],
    allowMismatchedSignatures: true,
  });
  await s3rver.run();
  s3 = new S3Client({
    region: "auto",
    endpoint: `http://127.0.0.1:${s3Port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  await s3.send(new CreateBucketCommand({ Bucket: "status" })).catch(() => {});
  proxy = createServer((req, res) => {
    if (s3Gate.hold && req.method === "PUT" && !req.url?.includes("cors")) {
      if (s3Gate.passUploads <= 0) {
        s3Gate.held++;
        req.resume();
        res.on("close", () => {});
        return;
      }
      s3Gate.passUploads--;
    }
    const up = request(
      { host: "127.0.0.1", port: s3Port, method: req.method, path: req.url, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  server = await startServer({ env: { HERALD_WORKER: "off" } });
  seeded = await seedStatusPage(server.db);
  // Visible to one audience only (issue 13): anonymous readers, so the mirror, never see it.
  const audience = await createAudience(cliCtx(server.db), { name: "Enterprise customers" });
  audienceOnly = (
    await createIncident(cliCtx(server.db), {
      name: "Dedicated cluster maintenance",
      status: "investigating",
      body: "Only for enterprise customers.",
      audienceIds: [audience.id],
    })
  ).incident.id;
  await startWorker();
  await converged();
}, 180_000);

afterAll(async () => {
  worker?.kill("SIGKILL");
  proxy?.closeAllConnections();
  proxy?.close();
  await server?.stop();
  await s3rver?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A plain static file server: index.html for directories (with the usual slash redirect), 404.html for the rest. */
async function staticServer(root: string): Promise<{ url: string; server: Server }> {
  const srv = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    let file = path.join(root, pathname);
    if (!file.startsWith(root)) return void res.writeHead(400).end();
    if (existsSync(file) && statSync(file).isDirectory()) {
      if (!pathname.endsWith("/")) return void res.writeHead(301, { location: `${pathname}/` }).end();
      file = path.join(file, "index.html");
    }
    if (!existsSync(file)) {
      res.writeHead(404, { "content-type": "text/html" });
      return void res.end(readFileSync(path.join(root, "404.html")));
    }
    res.writeHead(200);
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, server: srv };
}

function listFiles(root: string, skip = new Set<string>()): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (skip.has(e.name)) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

describe("static mirror", () => {
  it("is served by a plain static server: every link resolves, both feeds parse, JSON is byte-identical", async () => {
    const { url: mirrorUrl, server: srv } = await staticServer(mirrorDir);
    try {
      // Links are absolute to the public URL; the crawl reads them from the mirror instead.
      const toMirror = (href: string) =>
        href.startsWith(server.url) ? mirrorUrl + href.slice(server.url.length) : null;
      const seen = new Set<string>();
      const queue = [`${mirrorUrl}/`];
      const broken: string[] = [];
      while (queue.length) {
        const url = queue.shift()!;
        if (seen.has(url)) continue;
        seen.add(url);
        let res = await get(url);
        if (res.status === 301) res = await get(mirrorUrl + String(res.headers.location));
        if (res.status !== 200) {
          broken.push(`${url} → ${res.status}`);
          continue;
        }
        const body = res.body.toString("utf8");
        if (!/^\s*<!doctype html/i.test(body)) continue;
        expect(body).not.toMatch(/<script\b(?![^>]*data-keep)/i);
        for (const m of body.matchAll(/\s(?:href|src|action)="([^"]+)"/g)) {
          const href = m[1].replaceAll("&amp;", "&").split("#")[0];
          const local = toMirror(href);
          if (local) queue.push(local);
          else expect(href, `root-relative link left in ${url}`).not.toMatch(/^\/(?!\/)/);
        }
      }
      expect(broken).toEqual([]);
      // The pages reached: the status page, the incident, the history, the feeds,
      // the JSON API, badges, the embed, the subscribe target.
      const paths = [...seen].map((u) => u.slice(mirrorUrl.length));
      expect(paths).toEqual(
        expect.arrayContaining([
          "/",
          `/incidents/${seeded.resolvedIncident.id}`,
          "/history",
          "/history.rss",
          "/history.atom",
        ]),
      );
      expect(paths.some((p) => p.startsWith("/subscriptions/"))).toBe(true);
      const needsOrigin = await get(`${mirrorUrl}${paths.find((p) => p.startsWith("/subscriptions/"))}/`);
      expect(needsOrigin.body.toString()).toContain("need the live site");
      expect((await get(`${mirrorUrl}/`)).body.toString()).toContain("served from a static mirror");

      const rss = await new Parser().parseString(readFileSync(path.join(mirrorDir, "history.rss"), "utf8"));
      expect(rss.items.length).toBeGreaterThan(0);
      const atom = new XMLParser().parse(readFileSync(path.join(mirrorDir, "history.atom"), "utf8"));
      expect(atom.feed.entry).toBeTruthy();

      const jsonFiles = listFiles(mirrorDir).filter((f) => f.endsWith(".json"));
      expect(jsonFiles.length).toBeGreaterThanOrEqual(8);
      for (const f of jsonFiles) {
        const live = await get(`${server.url}/${f}`);
        expect(live.status).toBe(200);
        expect(
          createHash("sha256")
            .update(readFileSync(path.join(mirrorDir, f)))
            .digest("hex"),
          f,
        ).toBe(createHash("sha256").update(live.body).digest("hex"));
      }
      for (const f of [
        "badge.svg",
        "og.png",
        `incidents/${seeded.resolvedIncident.id}/og.png`,
        "embed/index.html",
        "embed.js",
        "404.html",
      ])
        expect(existsSync(path.join(mirrorDir, f)), f).toBe(true);
      // The hidden component is not public: no badge, no mention.
      expect(existsSync(path.join(mirrorDir, "components", seeded.secret.id))).toBe(false);
      expect(readFileSync(path.join(mirrorDir, "index.html"), "utf8")).not.toContain("Internal billing sync");
      // An audience's incident: no page, no card, no mention anywhere on the mirror.
      expect(listFiles(mirrorDir).filter((f) => f.includes(audienceOnly))).toEqual([]);
      for (const f of listFiles(mirrorDir).filter((f) => /\.(html|json|rss|atom)$/.test(f)))
        expect(readFileSync(path.join(mirrorDir, f), "utf8"), f).not.toContain("Dedicated cluster maintenance");
    } finally {
      srv.close();
    }
  });

  it("puts every file in the bucket with its content type, sets CORS, keeps credentials out", async () => {
    const keys = await s3Keys();
    const files = listFiles(mirrorDir);
    expect([...keys.keys()].sort()).toEqual(files);
    const type = async (key: string) =>
      (await s3.send(new GetObjectCommand({ Bucket: "status", Key: key }))).ContentType;
    expect(await type("index.html")).toMatch(/^text\/html/);
    expect(await type("api/v2/summary.json")).toMatch(/^application\/json/);
    expect(await type("history.rss")).toMatch(/xml/);
    expect(await type("badge.svg")).toMatch(/^image\/svg\+xml/);
    expect(await type("og.png")).toBe("image/png");
    const cors = await s3.send(new GetBucketCorsCommand({ Bucket: "status" }));
    expect(cors.CORSRules?.[0]?.AllowedOrigins).toEqual(["*"]);
    expect(server.output() + workerOutput).not.toContain(SECRET);
    for (const row of await server.db.select().from(mirrorTarget)) expect(JSON.stringify(row)).not.toContain(SECRET);
  });

  it("pushes an update incrementally (few files, one small commit), removes a deleted incident's files", async () => {
    const ctx = cliCtx(server.db);
    const before = await s3Keys();
    const commitsBefore = Number(execFileSync("git", ["--git-dir", bare, "rev-list", "--count", "pages"]).toString());
    const { incident } = await createIncident(ctx, {
      name: "Search is slow",
      status: "investigating",
      body: "Looking into it.",
      components: { [seeded.api.id]: "degraded_performance" },
    });
    await converged();
    expect(existsSync(path.join(mirrorDir, "incidents", incident.id, "index.html"))).toBe(true);
    expect(readFileSync(path.join(mirrorDir, "index.html"), "utf8")).toContain("Search is slow");

    await postIncidentUpdate(ctx, {
      incidentId: incident.id,
      status: "identified",
      body: "An index rebuild is running.",
    });
    await converged();
    const s3Row = await target("s3");
    // Only what the update changed went up: issue 16's bound for one update.
    expect(s3Row.lastUploaded).toBeGreaterThan(0);
    expect(s3Row.lastUploaded).toBeLessThanOrEqual(10);
    // The resolved incident's page did not change, so it was not uploaded again.
    expect((await s3Keys()).get(`incidents/${seeded.resolvedIncident.id}/index.html`)).toBe(
      before.get(`incidents/${seeded.resolvedIncident.id}/index.html`),
    );
    // Git: each push is one commit; the last one touched only a few files.
    const commits = Number(execFileSync("git", ["--git-dir", bare, "rev-list", "--count", "pages"]).toString());
    expect(commits).toBe(commitsBefore + 2);
    const changed = execFileSync("git", ["--git-dir", bare, "diff", "--name-only", "pages~1", "pages"])
      .toString()
      .trim()
      .split("\n");
    expect(changed).toContain(`incidents/${incident.id}/index.html`);
    // The card draws nothing an update changes (lib/og/cards.ts).
    expect(changed).not.toContain(`incidents/${incident.id}/og.png`);
    expect(changed.length).toBe((await target("git")).lastUploaded);
    expect(changed.length).toBeLessThanOrEqual(10);

    await deleteIncident(ctx, { id: incident.id });
    await converged();
    expect(existsSync(path.join(mirrorDir, "incidents", incident.id))).toBe(false);
    const keys = await s3Keys();
    expect(keys.has(`incidents/${incident.id}/index.html`)).toBe(false);
    expect(keys.has(`incidents/${incident.id}/og.png`)).toBe(false);
    // The branch's tree is the site, file for file.
    const tree = execFileSync("git", ["--git-dir", bare, "ls-tree", "-r", "--name-only", "pages"])
      .toString()
      .trim()
      .split("\n")
      .filter((f) => f !== ".nojekyll")
      .sort();
    expect(tree).toEqual(listFiles(mirrorDir));
  }, 90_000);
  it("converges after the worker is killed mid-push; a deleted incident's partial uploads go", async () => {
    const ctx = cliCtx(server.db);
    s3Gate.hold = true;
    s3Gate.passUploads = 2;
    s3Gate.held = 0;
    const { incident } = await createIncident(ctx, {
      name: "Login errors",
      status: "investigating",
      body: "Some sign-ins fail.",
      components: { [seeded.dashboard.id]: "partial_outage" },
    });
    const until = Date.now() + 30_000;
    while (s3Gate.held === 0) {
      if (Date.now() > until) throw new Error(`no upload was held:\n${workerOutput.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    worker!.kill("SIGKILL");
    await new Promise((r) => worker!.once("exit", r));
    // Killed mid-push: the bucket is behind and the row marks what may be half done.
    const row = await target("s3");
    expect(row.pushedVersion).toBeLessThan(await getContentVersion(server.db));
    expect(Object.values(row.manifest)).toContain("");
    // Meanwhile the incident goes away again: whatever of it reached the bucket must go too.
    await deleteIncident(ctx, { id: incident.id });
    s3Gate.hold = false;
    await startWorker();
    await converged();
    const keys = await s3Keys();
    const files = listFiles(mirrorDir);
    expect([...keys.keys()].sort()).toEqual(files);
    expect(files.some((f) => f.includes(incident.id))).toBe(false);
    // Every object is the directory's file, byte for byte (s3rver's ETag is the MD5).
    for (const f of files)
      expect(keys.get(f), f).toBe(
        `"${createHash("md5")
          .update(readFileSync(path.join(mirrorDir, f)))
          .digest("hex")}"`,
      );
  }, 120_000);

  it("re-syncs in full without sending what a target already holds (S3 compared by ETag)", async () => {
    await requestFullSync(cliCtx(server.db));
    const until = Date.now() + 60_000;
    while ((await server.db.select().from(mirrorJob)).length) {
      if (Date.now() > until) throw new Error(`the full sync did not finish:\n${workerOutput.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await converged();
    for (const id of ["directory", "s3", "git"]) expect((await target(id)).lastUploaded, id).toBe(0);
  }, 90_000);
});
