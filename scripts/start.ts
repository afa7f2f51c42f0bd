// `npm start`: migrate, build if needed, then serve Herald on PORT: the public
// snapshot server (lib/snapshots) in front of Next's request handler.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import next from "next";
import { SESSION_COOKIE_MARKER } from "@/lib/auth/auth";
import { env } from "@/lib/env";
import { readContentVersion } from "@/lib/public/loaders";
import { getDb } from "@/lib/runtime";
import { staticHtml } from "@/lib/snapshots/html";
import { NOT_FOUND_PAGE } from "@/lib/snapshots/routes";
import { createSnapshotServer, type Rendered } from "@/lib/snapshots/server";
import { SnapshotStore } from "@/lib/snapshots/store";
import { bootstrap } from "./bootstrap";

Object.assign(process.env, { NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: process.env.NODE_ENV ?? "production" });
const config = env();

const distDir = process.env.HERALD_DIST_DIR || ".next";
if (!existsSync(`${distDir}/BUILD_ID`) || process.env.HERALD_REBUILD === "1") {
  console.log("[herald] building (first start)…");
  const result = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { stdio: "inherit", env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
const buildId = readFileSync(`${distDir}/BUILD_ID`, "utf8").trim();

// With the database unreachable Herald still starts: the public site is served
// from the last persisted snapshots and the console explains what is wrong.
let booted = false;
async function tryBootstrap(): Promise<void> {
  await bootstrap();
  if (!booted) console.log("[herald] database ready");
  booted = true;
}
try {
  await tryBootstrap();
} catch (err) {
  console.error(`[herald] ERROR the database is unreachable or cannot be migrated (${String(err)}). Serving the last saved public pages; the console is unavailable until it is back.`);
}

const app = next({ dev: false, dir: process.cwd() });
await app.prepare();
const handle = app.getRequestHandler();

function toNext(req: IncomingMessage, res: ServerResponse): void {
  handle(req, res).catch((err) => {
    console.error("[herald] request failed", err);
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end("Internal error");
  });
}

// Snapshot renders go through Next on a loopback-only listener, exactly like a
// browser request without cookies.
const renderServer = createServer(toNext);
await new Promise<void>((resolve) => renderServer.listen(0, "127.0.0.1", resolve));
const renderPort = (renderServer.address() as AddressInfo).port;

function render(key: string): Promise<Rendered> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: renderPort, path: key, headers: { accept: "text/html,*/*" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 500,
          contentType: String(res.headers["content-type"] ?? "application/octet-stream"),
          body: Buffer.concat(chunks),
          location: res.headers.location,
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const assets = new Map<string, string | null>();
function readAsset(href: string): string | null {
  if (!assets.has(href)) {
    const rel = decodeURIComponent(href.slice("/_next/static/".length).split("?")[0]);
    const file = path.resolve(distDir, "static", rel);
    const inside = file.startsWith(path.resolve(distDir, "static") + path.sep);
    assets.set(href, inside && existsSync(file) ? readFileSync(file, "utf8") : null);
  }
  return assets.get(href)!;
}

const store = new SnapshotStore({ file: path.join(config.HERALD_DATA_DIR, "snapshots.json"), buildId });
const restored = store.load();
if (restored) console.log(`[herald] restored ${restored} saved public snapshots`);
const snapshots = createSnapshotServer({
  store,
  render,
  readVersion: async () => {
    if (!booted) await tryBootstrap();
    return readContentVersion(getDb());
  },
  // Next 16 sends a not-found page as a shell its client runtime fills in: 404s
  // are served with NOT_FOUND_PAGE's complete body, and a 404 shell that is
  // kept (that page failing) keeps its scripts.
  transformHtml: (html, status) => (status === 200 ? staticHtml(html, readAsset) : html),
  notFoundKey: NOT_FOUND_PAGE,
  pollMs: config.HERALD_SNAPSHOT_POLL_MS,
  bypassCookie: SESSION_COOKIE_MARKER,
});
await snapshots.start();

const UNAVAILABLE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Database unreachable · Herald</title>
<main style="font:16px system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem">
<h1>Herald cannot reach its database</h1>
<p>The public status page is being served from the last saved copy. The console is unavailable until the database is reachable again; see the server log for the error.</p>
</main></html>`;

const server = createServer((req, res) => {
  if (!booted && !req.url?.startsWith("/_next/")) {
    const url = req.url ?? "/";
    if (url.startsWith("/admin") || url.startsWith("/api")) {
      res.writeHead(503, { "content-type": "text/html; charset=utf-8", "retry-after": "10" });
      res.end(UNAVAILABLE);
      return;
    }
  }
  snapshots.handle(req, res, () => toNext(req, res));
});

server.listen(config.PORT, config.HOST, () => {
  console.log(`[herald] ready on http://localhost:${config.PORT}`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    renderServer.close();
    snapshots.stop();
    process.exit(0);
  });
}
