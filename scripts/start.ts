// `npm start`: migrate, build if needed, then serve Herald on PORT: the edge and
// the public snapshot server (lib/edge, lib/snapshots) in this process, which
// never loads Next, in front of Next's request handler in a supervised child
// process (scripts/next-server.ts) on a loopback port.
import { fork, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { watchDatabaseFile } from "@/db/watch";
import { clientAddress, describeTrust, parseTrustedProxies } from "@/lib/edge/client-ip";
import { createEdge, securityHeaders } from "@/lib/edge/edge";
import { createForwarder, newEdgeToken, type FromEdge, type ToEdge } from "@/lib/edge/forward";
import { env } from "@/lib/env";
import { findPage, getContentVersion } from "@/lib/page/page";
import { loadPublicIndex } from "@/lib/public/index";
import { getDb } from "@/lib/runtime";
import { staticHtml } from "@/lib/snapshots/html";
import { existsIn, keyNeedsIndex, NOT_FOUND_PAGE, splitViewKey, type PathIndex } from "@/lib/snapshots/routes";
import { createSnapshotServer, type Rendered } from "@/lib/snapshots/server";
import { SnapshotStore } from "@/lib/snapshots/store";
import { loadViewerAccess, type ViewerAccess } from "@/lib/viewers/access";
import { createViewGate } from "@/lib/viewers/gate";
import { signView, VIEW_HEADER } from "@/lib/viewers/view-header";
import { bootstrap } from "./bootstrap";
import { V8_FLAGS } from "./v8-flags";

Object.assign(process.env, { NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: process.env.NODE_ENV ?? "production" });
const config = env();
const trust = parseTrustedProxies(config.HERALD_TRUSTED_PROXIES);
console.log(`[herald] ${describeTrust(trust)}`);
if (config.NODE_ENV === "production" && !config.HERALD_URL?.startsWith("https://"))
  console.warn(
    `[herald] WARNING ` +
      `${config.HERALD_URL ? `HERALD_URL (${config.HERALD_URL}) is not https` : "HERALD_URL is not set"}: session ` +
      `cookies are not marked Secure, no Strict-Transport-Security is sent, and emailed links use ` +
      `${config.HERALD_URL ?? "localhost"}. Set HERALD_URL=https://status.example.com in production.`,
  );

const distDir = process.env.HERALD_DIST_DIR || ".next";
if (!existsSync(`${distDir}/BUILD_ID`) || process.env.HERALD_REBUILD === "1") {
  console.log("[herald] building (first start)…");
  const result = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    stdio: "inherit",
    env: process.env,
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
const buildId = readFileSync(`${distDir}/BUILD_ID`, "utf8").trim();

let booted = false;
async function tryBootstrap(): Promise<void> {
  await bootstrap();
  if (!booted) console.log("[herald] database ready");
  booted = true;
}
/** Settles once the first attempt to reach and migrate the database is over, whatever its outcome. */
let firstAttemptDone!: () => void;
const databaseTried = new Promise<void>((resolve) => (firstAttemptDone = resolve));
// The application (Next, the console, APIs, server actions, the in-process worker) runs in a child process on a
// loopback port; this process never loads Next. It answers public requests from the snapshots and forwards the
// rest (lib/edge/forward.ts), restarts the child if it dies, and takes it along when it exits.
const token = newEdgeToken();
let appPort: number | null = null;
let stopping = false;
let child: ChildProcess | null = null;
let quickDeaths = 0;
/** The application process committed a new content version; a no-op until the snapshot server exists (it reads it). */
let onAppVersion = () => {};
/** A new application process after a crash (its code is cold); a no-op until the snapshot server exists. */
let onAppRestarted = () => {};
let appStarts = 0;
const forwarder = createForwarder({ port: () => appPort, token, stripped: [VIEW_HEADER] });

/**
 * The application process's script: beside this one when this runs from a bundle (tests/helpers/scripts.ts),
 * otherwise the TypeScript source through tsx (`npm start`).
 */
const appEntry = (() => {
  const running = process.argv[1] ?? "";
  const bundled = path.join(path.dirname(running), "next-server.mjs");
  if (running.endsWith(".mjs") && existsSync(bundled)) return { script: bundled, execArgv: [] };
  return { script: path.join(import.meta.dirname, "next-server.ts"), execArgv: ["--import", "tsx"] };
})();

function startApp(): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    appStarts++;
    const c = fork(appEntry.script, [], { env: process.env, execArgv: [...appEntry.execArgv, ...V8_FLAGS] });
    child = c;
    let ended = false;
    const end = (why: string) => {
      appPort = null;
      if (ended || stopping) return;
      ended = true;
      reject(new Error(`the application process ${why} while starting`));
      // Restarted at once; again and again within a minute, after a growing pause (no tight crash loop).
      quickDeaths = Date.now() - started > 60_000 ? 0 : quickDeaths + 1;
      const delay = quickDeaths <= 1 ? 0 : Math.min(30_000, 500 * 2 ** quickDeaths);
      console.error(`[herald] ERROR the application process ${why}; restarting in ${delay / 1000} s`);
      setTimeout(() => {
        if (!stopping) startApp().catch(() => {});
      }, delay).unref();
    };
    // 'error': the process could not be started (EAGAIN, EMFILE: no 'exit' follows then), or a message sent as it
    // dies failed (EPIPE, the channel closed: its 'exit' follows). Unlistened, either would end the edge too.
    c.on("error", (err) => {
      if (c.pid === undefined) end(`could not be started (${String(err)})`);
      else console.error(`[herald] ERROR talking to the application process: ${String(err)}`);
    });
    c.on("message", (m: ToEdge) => {
      // Next has loaded meanwhile; it prepares (and its worker starts) once the database is migrated, or found away.
      if (m.type === "waiting") void databaseTried.then(() => c.send({ type: "token", token } satisfies FromEdge));
      else if (m.type === "listening") {
        appPort = m.port;
        console.log(`[herald] application process (pid ${c.pid}) listening on 127.0.0.1:${m.port}`);
        if (appStarts > 1) onAppRestarted();
        resolve();
      } else if (m.type === "version") onAppVersion();
    });
    c.once("exit", (code, signal) => end(`exited (${signal ? `signal ${signal}` : `code ${code}`})`));
  });
}
// The application process starts loading while this one migrates the database.
const appStarted = startApp();
// With the database unreachable Herald still starts: the public site is served
// from the last persisted snapshots and the console explains what is wrong.
try {
  await tryBootstrap();
} catch (err) {
  console.error(
    `[herald] ERROR the database is unreachable or cannot be migrated (${String(err)}). Serving the last saved ` +
      `public pages; the console is unavailable until it is back.`,
  );
}
firstAttemptDone();
await appStarted;

function render(snapshotKey: string): Promise<Rendered> {
  // A view other than the anonymous site renders with its signed audience key (lib/viewers/view-header.ts).
  const { view, path: key } = splitViewKey(snapshotKey);
  return forwarder.render(key, view === null ? {} : { [VIEW_HEADER]: signView(view, config.HERALD_SECRET) });
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

// What public paths can exist, read once per content version and view: a random
// incident id, component id or history page is a 404 without a render.
const indexes = new Map<string, { version: number; paths: Promise<PathIndex> }>();
function pathIndex(version: number, view: string | null): Promise<PathIndex> {
  const id = view ?? "";
  let index = indexes.get(id);
  if (index?.version !== version) {
    if (indexes.size > 1000) indexes.clear();
    const paths = loadPublicIndex(getDb(), { audiences: view ? view.split(",") : [] });
    index = { version, paths };
    indexes.set(id, index);
    paths.catch(() => {
      if (indexes.get(id)?.paths === paths) indexes.delete(id);
    });
  }
  return index.paths;
}

// Who may read which view, read with each new content version (lib/viewers/access.ts).
let access: { version: number; model: ViewerAccess } | null = null;

const store = new SnapshotStore({ file: path.join(config.HERALD_DATA_DIR, "snapshots.json"), buildId });
const restored = store.load();
if (restored) console.log(`[herald] restored ${restored} saved public snapshots`);
const snapshots = createSnapshotServer({
  store,
  render,
  readVersion: async () => {
    if (!booted) await tryBootstrap();
    const version = await getContentVersion(getDb());
    if (access?.version !== version) {
      const p = await findPage(getDb());
      if (p) access = { version, model: await loadViewerAccess(getDb(), p.id) };
      // A private page has no anonymous site (issue 13): none may outlive the switch in memory or on disk.
      if (access?.model.visibility === "private") store.dropAnonymous(NOT_FOUND_PAGE);
    }
    return version;
  },
  // Next 16 sends a not-found page as a shell its client runtime fills in: 404s
  // are served with NOT_FOUND_PAGE's complete body, and a 404 shell that is
  // kept (that page failing) keeps its scripts.
  transformHtml: (html, status) => (status === 200 ? staticHtml(html, readAsset) : html),
  notFoundKey: NOT_FOUND_PAGE,
  // Fixed paths always exist; ids and page numbers are looked up in the index of that version and view.
  exists: async (key, version) => {
    const { view, path: p } = splitViewKey(key);
    return !keyNeedsIndex(p) || existsIn(await pathIndex(version, view), p);
  },
  // Loaded as soon as a version is seen, beside the warm renders, not by the first reader of an incident page.
  onVersion: (version) => {
    void pathIndex(version, null).catch(() => {});
    // The application's worker starts on a change it did not make (the CLI's publish: its emails, the mirror) now,
    // not at its next tick.
    if (child?.connected) child.send({ type: "version", version } satisfies FromEdge);
  },
  clientOf: (req) =>
    clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], req.headers["x-real-ip"], trust),
  view: createViewGate({ access: () => access?.model ?? null, secret: config.HERALD_SECRET, trust }),
  headers: securityHeaders(config.HERALD_URL),
  pollMs: config.HERALD_SNAPSHOT_POLL_MS,
  warmUpRounds: config.HERALD_WARMUP_ROUNDS,
  keepWarmMs: config.HERALD_KEEP_WARM_SECONDS * 1000,
});
onAppVersion = () => snapshots.versionChanged();
onAppRestarted = () => snapshots.applicationRestarted();
await snapshots.start();
// Another process's commit to a local database file (the CLI, a separate worker) is read at once, not at the next poll.
if (config.HERALD_SNAPSHOT_WATCH) watchDatabaseFile(config.DATABASE_URL, () => snapshots.recheckVersion());

const server = createServer(
  createEdge({
    snapshots,
    app: forwarder.forward,
    trust,
    secret: config.HERALD_SECRET,
    publicUrl: config.HERALD_URL,
    booted: () => booted,
    dynamicLimit: { ratePerSec: config.HERALD_EDGE_RATE_PER_SEC, burst: config.HERALD_EDGE_BURST },
  }),
);

server.listen(config.PORT, config.HOST, () => {
  console.log(`[herald] ready on http://localhost:${config.PORT}`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close();
    snapshots.stop();
    forwarder.close();
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) process.exit(0);
    // The application process stops with this one, before it: nothing of Herald's outlives `npm start`.
    c.once("exit", () => process.exit(0));
    c.kill("SIGTERM");
    setTimeout(() => c.kill("SIGKILL"), 5000).unref();
  });
}
