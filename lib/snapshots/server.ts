// The snapshot server (DESIGN.md §4, §8): every public GET is answered from
// in-memory bytes keyed to page.content_version, whoever asks — public pages
// are the same for staff and strangers, so no cookie or header can turn a
// request into a render. A miss renders once through Next (concurrent misses
// share that render) and only for a path that can exist: unknown ids, pages
// and paths get the saved not-found page. Plain node:http, no Next imports:
// scripts/start.ts wires it in front of Next's handler.
import type { IncomingMessage, ServerResponse } from "node:http";
import { prepareHead, sendPrepared, type PreparedHead } from "../net/prepared-head";
import { rawHeader } from "../net/raw-header";
import { htmlCsp } from "./csp";
import {
  fixedPaths,
  isAppPath,
  PUBLIC_ROUTES,
  snapshotHeaders,
  snapshotKey,
  VIEW_PREFIX,
  viewerTokenOf,
  type PublicRoute,
} from "./routes";
import { finishSnapshot, makeSnapshot, type Snapshot, type SnapshotStore } from "./store";

export interface Rendered {
  status: number;
  contentType: string;
  body: Buffer;
  location?: string;
}

export interface SnapshotServerOptions {
  store: SnapshotStore;
  /** Renders a snapshot key (path + kept query) through the application. */
  render: (key: string) => Promise<Rendered>;
  readVersion: () => Promise<number>;
  /** Applied to HTML bodies before they are stored (e.g. strip scripts, inline CSS). */
  transformHtml?: (html: string, status: number) => string;
  /**
   * A page (200) whose body every HTML 404 is served with. Next 16 streams a
   * notFound() as an empty shell its client runtime fills in, blank without
   * JavaScript; this page is complete HTML. Rendered once per version.
   */
  notFoundKey?: string;
  routes?: readonly PublicRoute[];
  /**
   * Whether a key can exist at this version (a public incident id, a history
   * page within range): false serves the not-found page without a render,
   * null means it can't be told now (the database is away). Without it every
   * key may exist.
   */
  exists?: (key: string, version: number) => Promise<boolean | null>;
  /** Paths the application serves itself (default: routes.ts isAppPath); every other non-public GET is a 404. */
  appPath?: (pathname: string) => boolean;
  /**
   * Keys rendered as soon as a new version is seen, before anyone asks: the
   * first reader after a publish then waits for a render that is already under
   * way (or done) instead of starting one. Default: every fixed public path.
   */
  warmKeys?: readonly string[];
  /**
   * After the first warm set (and again at applicationRestarted()): renders of the warm set this many more times, made
   * into snapshots that are not stored. V8 optimizes a function only after it has run a while: a young process renders
   * the first publish after its start mostly with unoptimized code, and the first publish of a quiet day is often that
   * one. Default 0.
   */
  warmUpRounds?: number;
  /**
   * After the warm-up, whenever nothing has rendered for this long: the warm set rendered once more, made into
   * snapshots that are not stored. A process that has rendered nothing for a quarter of an hour renders the next page
   * (on a quiet day, the first publish's) about twice as slowly as one that rendered a minute before, warm-up or not;
   * this, with both processes' young generations held (scripts/v8-flags.ts), keeps it near a warm render (measured in
   * bench/public.ts). Default: never.
   */
  keepWarmMs?: number;
  /** Background version poll; other processes' writes show up within this. */
  pollMs?: number;
  /**
   * Who sent a request (lib/edge/client-ip.ts, the same decision as the limits):
   * the address that just wrote reads its own write. Default: the socket's address.
   */
  clientOf?: (req: IncomingMessage) => string;
  /** How long after its write an address waits for the new render instead of the previous snapshot. */
  readOwnWritesMs?: number;
  /**
   * How long anyone else waits for a running render of a newer version before getting the previous snapshot: a render
   * that finishes within it (started at the commit) gives the reader the new page. Default 100 ms.
   */
  freshWaitMs?: number;
  /** Called once per new content version, once its first render is under way (e.g. to load what exists at it). */
  onVersion?: (version: number) => void;
  /** Milliseconds since the epoch, for the read-your-writes window (tests drive it). */
  now?: () => number;
  /** A fresh snapshot gets its best compression this long after it is stored (renders of the same publish go first). */
  finishDelayMs?: number;
  cacheControl?: string;
  /** Sent with every response the snapshot server writes (the edge's security headers). */
  headers?: Readonly<Record<string, string>>;
  log?: (line: string) => void;
  /**
   * Who may read what (issue 13): maps a request and its public key to the
   * key of the reader's view (lib/snapshots/routes.ts viewSnapshotKey), or
   * answers the request itself (a private page refusing) and returns null.
   * Without it every reader gets the anonymous public site.
   */
  view?: (req: IncomingMessage, res: ServerResponse, key: string) => string | null;
}

/** Only complete pages are snapshots: a 404 is content too (it turns into the page once published). */
const STORABLE = new Set([200, 404]);
/** Bound on the read-your-writes table (a write costs a request through the limits, so this is generous). */
const MAX_WRITERS = 10_000;

/**
 * Whether other sites' scripts may read this answer (CORS). The anonymous site: yes. A view (an audience's, a
 * private page's) only when the request carried its viewer token, which whoever embeds it chose to share: a view
 * granted by the reader's address (a private page's IP allow-list) asks nothing of the request, so any site the reader
 * opens could read it; a cookie's view is never sent to another site's script anyway (no credentialed read of "*").
 */
function crossOriginReadable(key: string, req: IncomingMessage): boolean {
  return !key.startsWith(VIEW_PREFIX) || viewerTokenOf(req.url ?? "") !== null;
}

export const PUBLIC_CACHE_CONTROL = "public, max-age=0, s-maxage=5, stale-while-revalidate=30";
export const VIEW_CACHE_CONTROL = "private, no-cache";

export function createSnapshotServer(opts: SnapshotServerOptions) {
  const routes = opts.routes ?? PUBLIC_ROUTES;
  const appPath = opts.appPath ?? isAppPath;
  const warmKeys = opts.warmKeys ?? fixedPaths(routes);
  const cacheControl = opts.cacheControl ?? PUBLIC_CACHE_CONTROL;
  const view = opts.view;
  const log = opts.log ?? ((line: string) => console.log(line));
  const clientOf = opts.clientOf ?? ((req: IncomingMessage) => req.socket.remoteAddress ?? "unknown");
  const readOwnWritesMs = opts.readOwnWritesMs ?? 10_000;
  const freshWaitMs = opts.freshWaitMs ?? 100;
  const now = opts.now ?? Date.now;
  const finishDelayMs = opts.finishDelayMs ?? 1000;
  /** At most one render per path: the version it renders and its promise. */
  const inflight = new Map<string, { v: number | null; p: Promise<Snapshot | Rendered> }>();
  /** Addresses that finished a write recently → until when they read their own writes. */
  const writers = new Map<string, number>();

  // Version tracking. `changedGen` counts "something may have been written in
  // this process"; a read that started at or after the newest mark is fresh.
  let version: number | null = null;
  let changedGen = 1;
  let readGen = 0;
  let reading: { gen: number; done: Promise<void> } | null = null;
  let recheckQueued = false;
  let failing = false;
  let timer: NodeJS.Timeout | null = null;
  let renders = 0;
  let warmedUp = false;
  let warmingUp = false;
  let stopped = false;
  /** When the last render (stored or not) started, for opts.keepWarmMs. */
  let lastRender = performance.now();
  let keepWarmTimer: NodeJS.Timeout | null = null;
  /** Whether a keep-warm round has completed (the first is logged). */
  let keptWarm = false;

  function refresh(): Promise<void> {
    if (reading && reading.gen >= changedGen) return reading.done;
    const gen = changedGen;
    const done = opts
      .readVersion()
      .then((v) => {
        const changed = v !== version;
        version = v;
        readGen = Math.max(readGen, gen);
        if (changed) {
          void warm(v);
          // After the first render's request has gone out (it is written on the next tick): what onVersion loads
          // (the path index, a query over every incident) would otherwise hold it up by 10-20 ms on a large page.
          setImmediate(() => opts.onVersion?.(v));
        }
        if (failing) log("[herald] content version readable again");
        failing = false;
      })
      .catch((err: unknown) => {
        // Keep serving the last known version (or the persisted set) while the database is away.
        if (!failing) log(`[herald] ERROR cannot read the content version, serving the last snapshots: ${String(err)}`);
        failing = true;
      })
      .finally(() => {
        if (reading?.done === done) reading = null;
      });
    reading = { gen, done };
    return done;
  }

  /** Renders the warm set for version v, one key at a time, stopping when a newer version arrives. */
  async function warm(v: number): Promise<void> {
    for (const key of warmKeys) {
      if (version !== v) return;
      if (opts.store.get(key)?.version === v) continue;
      await renderOnce(key, v).catch((err: unknown) => log(`[herald] ERROR warming ${key}: ${String(err)}`));
    }
    if (warmedUp) return;
    warmedUp = true;
    await warmUp(v);
    keepWarm();
  }

  /** opts.warmUpRounds, logged; one at a time. */
  async function warmUp(v: number): Promise<void> {
    if (opts.warmUpRounds === undefined || warmingUp) return;
    warmingUp = true;
    const started = performance.now();
    const { done, ended } = await renderUnstored(v, opts.warmUpRounds);
    warmingUp = false;
    log(
      ended
        ? `[herald] warm-up ended ${ended} after ${done} renders`
        : `[herald] warmed up: ${done} renders in ${msSince(started)} ms`,
    );
  }

  /**
   * Renders of the warm set at version v, `rounds` times, made into snapshots that are not stored (opts.warmUpRounds,
   * opts.keepWarmMs). Each render waits for those readers and new versions asked for (one of theirs that starts
   * meanwhile shares the application with it); a new version, a failed render or stop() ends them.
   */
  async function renderUnstored(v: number, rounds: number): Promise<Unstored> {
    let done = 0;
    for (let round = 0; round < rounds; round++)
      for (const key of warmKeys) {
        while (inflight.size) await Promise.allSettled([...inflight.values()].map((r) => r.p));
        if (stopped) return { done, ended: "by stop()", failed: false };
        if (version !== v) return { done, ended: "by a new version", failed: false };
        try {
          lastRender = performance.now();
          const r = await opts.render(key);
          if (!STORABLE.has(r.status)) return { done, ended: `by ${key} answering ${r.status}`, failed: true };
          await snapshotOf(key, v, r);
          done++;
        } catch (err) {
          return { done, ended: `by ${key}: ${String(err)}`, failed: true };
        }
      }
    return { done };
  }

  /** opts.keepWarmMs: the next round is due that long after the last render. */
  function keepWarm(): void {
    const every = opts.keepWarmMs;
    if (!every || stopped) return;
    keepWarmTimer = setTimeout(
      async () => {
        if (performance.now() - lastRender >= every && version !== null && !failing && !warmingUp) {
          const started = performance.now();
          const { done, ended, failed } = await renderUnstored(version, 1);
          if (failed) log(`[herald] keep-warm round ended ${ended} after ${done} renders`);
          else if (!ended && !keptWarm) log(`[herald] kept warm: ${done} renders in ${msSince(started)} ms`);
          keptWarm ||= !ended;
        }
        keepWarm();
      },
      Math.max(lastRender + every - performance.now(), 0),
    );
    keepWarmTimer.unref();
  }

  async function currentVersion(): Promise<number | null> {
    if (readGen < changedGen) await refresh();
    return version;
  }

  /**
   * The render of `key` at version v, shared by everyone who asks. A path
   * renders once at a time: a newer version waits for the running render, then
   * renders the newest version known by then (intermediate ones are skipped).
   */
  function renderOnce(key: string, v: number | null): Promise<Snapshot | Rendered> {
    const running = inflight.get(key);
    if (running && running.v === v) return running.p;
    const p = (async () => {
      let target = v;
      if (running) {
        await running.p.catch(() => {});
        // A newer version arrived meanwhile: render that one (the skipped ones are already out of date).
        if (target !== null && version !== null && version > target) target = version;
        const done = opts.store.get(key);
        if (done && target !== null && done.version === target) return done;
      }
      return renderNow(key, target);
    })().finally(() => {
      if (inflight.get(key)?.p === p) inflight.delete(key);
    });
    inflight.set(key, { v, p });
    return p;
  }

  async function renderNow(key: string, v: number | null): Promise<Snapshot | Rendered> {
    const started = performance.now();
    renders++;
    lastRender = started;
    const r = await opts.render(key);
    const ms = (performance.now() - started).toFixed(0);
    if (v === null || !STORABLE.has(r.status)) {
      log(`[herald] snapshot render ${key} v${v} → ${r.status} in ${ms} ms (not stored)`);
      return r;
    }
    const snap = await snapshotOf(key, v, r);
    if (replaces(snap, opts.store.get(key))) opts.store.set(snap);
    log(`[herald] snapshot render ${key} v${v} → ${r.status} in ${ms} ms, stored after ${msSince(started)} ms`);
    setTimeout(() => void finish(snap), finishDelayMs).unref();
    return snap;
  }

  /** A render (200 or 404) as the snapshot to store: HTML transformed, a 404 with the not-found page's body. */
  async function snapshotOf(key: string, v: number, r: Rendered): Promise<Snapshot> {
    const notFound =
      r.status === 404 && key !== opts.notFoundKey && r.contentType.startsWith("text/html")
        ? await notFoundPage(v)
        : null;
    const body = notFound
      ? notFound.identity
      : opts.transformHtml && r.contentType.startsWith("text/html")
        ? Buffer.from(opts.transformHtml(r.body.toString("utf8"), r.status))
        : r.body;
    // Served at once with quick compression; the best follows when the CPU is not needed for this render.
    return makeSnapshot(key, v, r.status, r.contentType, body, "fast");
  }

  /** Swaps in the best-compressed variant, unless the snapshot has been replaced meanwhile. */
  async function finish(snap: Snapshot): Promise<void> {
    if (opts.store.get(snap.key) !== snap) return;
    try {
      const best = await finishSnapshot(snap);
      if (opts.store.get(snap.key) === snap) opts.store.set(best);
    } catch (err) {
      log(`[herald] ERROR compressing ${snap.key}: ${String(err)}`);
    }
  }

  /** Whether this request comes from an address that finished a write moments ago (it reads its own write). */
  function readsOwnWrite(req: IncomingMessage): boolean {
    if (!writers.size) return false;
    const until = writers.get(clientOf(req));
    return until !== undefined && until > now();
  }

  function noteWriter(req: IncomingMessage): void {
    const t = now();
    const who = clientOf(req);
    writers.delete(who);
    writers.set(who, t + readOwnWritesMs);
    // Oldest first: expired entries, and past a bound the oldest ones, go.
    for (const [addr, until] of writers) {
      if (until > t && writers.size <= MAX_WRITERS) break;
      writers.delete(addr);
    }
  }

  /** The current version's not-found page, or null when there is none (then Next's own 404 body is kept). */
  async function notFoundPage(v: number): Promise<Snapshot | null> {
    if (!opts.notFoundKey) return null;
    const cached = opts.store.get(opts.notFoundKey);
    const page = cached?.version === v ? cached : await renderOnce(opts.notFoundKey, v);
    return "etag" in page && page.status === 200 ? page : null;
  }

  // The not-found page as a 404 response, made once per version: random paths
  // and ids share it and never enter the store.
  let notFound: { version: number | null; snap: Snapshot } | null = null;
  async function sendNotFound(req: IncomingMessage, res: ServerResponse, v: number | null): Promise<void> {
    if (!notFound || notFound.version !== v) {
      let page: Snapshot | null = null;
      if (v !== null) page = await notFoundPage(v).catch(() => null);
      // Unknown version (or the page failed): the saved one from any version or build.
      page ??= opts.notFoundKey ? (opts.store.get(opts.notFoundKey) ?? null) : null;
      const body = page?.identity ?? Buffer.from(FALLBACK_404);
      const snap = await makeSnapshot(
        "404",
        page?.version ?? v ?? 0,
        404,
        page?.contentType ?? "text/html; charset=utf-8",
        body,
      );
      if (!notFound || notFound.version !== v) notFound = { version: v, snap };
    }
    send(req, res, notFound.snap, "NOT-FOUND");
  }

  async function serve(req: IncomingMessage, res: ServerResponse, key: string): Promise<void> {
    const v = await currentVersion();
    const cached = opts.store.get(key);
    if (cached && (v === null || cached.version === v)) return send(req, res, cached, "HIT");
    // The database is away: nothing can render, and the last saved 404 page beats an error.
    if (v === null) return sendNotFound(req, res, null);
    const exists = opts.exists ? await opts.exists(key, v).catch(() => null) : true;
    if (exists === false || (exists === null && !cached)) return sendNotFound(req, res, v);
    if (exists === null) return send(req, res, cached!, "STALE");
    // Stale-while-rerender: readers get the new page if its render (started at the commit) is done within
    // freshWaitMs, else the previous page while it finishes (once per path); the address that has just written
    // waits for it and sees its own write.
    if (cached && cached.status === 200 && cached.version >= 0 && !readsOwnWrite(req)) {
      const rendering = renderOnce(key, v);
      rendering.catch((err: unknown) =>
        log(`[herald] ERROR render of ${key} failed, serving the previous snapshot: ${String(err)}`),
      );
      const fresh = await within(rendering, freshWaitMs);
      if (fresh && "etag" in fresh && replaces(fresh, cached)) return send(req, res, fresh, "MISS");
      return send(req, res, cached, "STALE");
    }
    let result: Snapshot | Rendered;
    try {
      result = await renderOnce(key, v);
    } catch (err) {
      if (!cached) throw err;
      log(`[herald] ERROR render of ${key} failed, serving the previous snapshot: ${String(err)}`);
      return send(req, res, cached, "STALE");
    }
    if ("etag" in result) return send(req, res, result, "MISS");
    // Not storable (an error, a redirect) or the version is unknown: the last good snapshot beats an error page.
    if (cached && result.status >= 500) return send(req, res, cached, "STALE");
    res.writeHead(result.status, {
      ...opts.headers,
      ...snapshotHeaders(key, routes, crossOriginReadable(key, req)),
      "content-type": result.contentType,
      "cache-control": "no-store",
      ...(result.location ? { location: result.location } : {}),
    });
    res.end(req.method === "HEAD" ? undefined : result.body);
  }

  // Response heads per snapshot, cache state and encoding, built and validated once (lib/net/prepared-head.ts): a hit
  // costs two lookups. Every value is a string (Node checks each with a regular expression, slower for a number).
  type Variant = "br" | "gzip" | "identity" | "304";
  const headCache = new WeakMap<Snapshot, Record<string, Partial<Record<Variant, PreparedHead>>>>();
  function headFor(snap: Snapshot, variant: Variant, state: string, crossOrigin: boolean): PreparedHead {
    let perSnap = headCache.get(snap);
    if (!perSnap) headCache.set(snap, (perSnap = {}));
    const perState = (perSnap[crossOrigin ? state : `${state} same-origin`] ??= {});
    let head = perState[variant];
    if (!head) {
      // A view other than the anonymous site is for its reader only: no shared cache may keep it.
      const cc = snap.key.startsWith(VIEW_PREFIX) ? VIEW_CACHE_CONTROL : cacheControl;
      const h: Record<string, string> = {
        ...opts.headers,
        ...snapshotHeaders(snap.key, routes, crossOrigin),
        etag: snap.etag,
        "cache-control": cc,
        vary: "Accept-Encoding",
        "x-herald-snapshot": state,
        // The version the bytes were rendered at: the static mirror waits for the version it pushes.
        "x-herald-version": String(snap.version),
      };
      if (snap.contentType.startsWith("text/html"))
        h["content-security-policy"] = htmlCsp(snap.identity.toString("utf8"), h["content-security-policy"] ?? "");
      if (variant !== "304") {
        h["content-type"] = snap.contentType;
        h["content-length"] = String(snap[variant].length);
        if (variant !== "identity") h["content-encoding"] = variant;
      }
      head = prepareHead(variant === "304" ? 304 : snap.status, h);
      perState[variant] = head;
    }
    return head;
  }

  function send(req: IncomingMessage, res: ServerResponse, snap: Snapshot, state: string): void {
    const crossOrigin = crossOriginReadable(snap.key, req);
    if (snap.status === 200 && etagMatches(rawHeader(req, "if-none-match"), snap.etag))
      return sendPrepared(req, res, headFor(snap, "304", state, crossOrigin), NO_BODY);
    const encoding = negotiate(rawHeader(req, "accept-encoding"));
    sendPrepared(req, res, headFor(snap, encoding, state, crossOrigin), snap[encoding]);
  }

  return {
    /**
     * Answers public GET/HEADs; everything else goes to `next`. A non-GET
     * request may have written something public, so once it finishes the next
     * public request re-reads the version first (one cheap query): an
     * in-process publish is visible on the very next request.
     */
    handle(req: IncomingMessage, res: ServerResponse, next: () => void): void {
      const method = req.method ?? "GET";
      if (method !== "GET" && method !== "HEAD") {
        // Read the version as soon as the write is done: a publish starts its renders at once.
        res.once("close", () => {
          noteWriter(req);
          markChanged();
          void refresh();
        });
        return next();
      }
      const url = req.url ?? "/";
      const publicKey = snapshotKey(url, routes);
      const key = publicKey !== null && view ? view(req, res, publicKey) : publicKey;
      if (key === null) {
        if (publicKey !== null) return; // answered by the view gate
        const q = url.indexOf("?");
        if (appPath(q === -1 ? url : url.slice(0, q))) return next();
        return void sendNotFound(req, res, version).catch((err: unknown) => fail(res, `404 page: ${String(err)}`));
      }
      // Hot path, synchronous: the version is known fresh and the snapshot is current.
      const cached = readGen >= changedGen ? opts.store.get(key) : undefined;
      if (cached && (version === null || cached.version === version)) return send(req, res, cached, "HIT");
      serve(req, res, key).catch((err: unknown) => fail(res, `snapshot of ${key}: ${String(err)}`));
    },
    markChanged,
    /** The application process was started again (after a crash): its code is cold, and the warm-up runs again. */
    applicationRestarted(): void {
      if (warmedUp && version !== null && !stopped) void warmUp(version);
    },
    /**
     * Another process (the application process, after a commit) reports a new content version: it is read at once
     * and its renders start, `/` first, before anyone asks.
     */
    versionChanged(): void {
      markChanged();
      void refresh();
    },
    /**
     * Something may have written to the database (another process's commit seen on the file): the version is read
     * again at once, without making readers wait for that read as a write through this server does.
     */
    recheckVersion(): void {
      if (!reading) return void refresh();
      if (recheckQueued) return;
      // The running read may have started before that write committed: one more follows it.
      recheckQueued = true;
      void reading.done.then(() => {
        recheckQueued = false;
        void refresh();
      });
    },
    /** Reads the version once, then polls it. */
    async start(): Promise<void> {
      await refresh();
      timer = setInterval(() => void refresh(), opts.pollMs ?? 500);
      timer.unref();
    },
    stop(): void {
      stopped = true;
      if (timer) clearInterval(timer);
      if (keepWarmTimer) clearTimeout(keepWarmTimer);
      opts.store.trySave();
    },
    get version() {
      return version;
    },
    /** True while the content version cannot be read (the database is unreachable). */
    get databaseDown() {
      return failing || version === null;
    },
    get renders() {
      return renders;
    },
  };

  /**
   * Whether a render supersedes the snapshot held for its path. A slower render of an older version never replaces a
   * newer snapshot, except a render of the version the database holds now: a database put back to an older copy (a
   * restored backup) reads a lower version, and the snapshots of the lost, newer one must go, or every request would
   * render again behind them.
   */
  function replaces(snap: Snapshot, current: Snapshot | undefined): boolean {
    return !current || current.version <= snap.version || snap.version === version;
  }

  function markChanged(): void {
    changedGen++;
  }

  /** A public request that could not be answered: a plain 503, never the application (it would render). */
  function fail(res: ServerResponse, what: string): void {
    log(`[herald] ERROR ${what}`);
    if (res.headersSent) return void res.destroy();
    res.writeHead(503, {
      ...opts.headers,
      "content-type": "text/plain; charset=utf-8",
      "retry-after": "5",
      "cache-control": "no-store",
    });
    res.end("The status page is briefly unavailable. Please retry in a few seconds.");
  }
}

/** How renders that are not stored went: all done, or ended early (why, and whether by a failed render). */
type Unstored = { done: number; ended?: string; failed?: boolean };

const FALLBACK_404 =
  `<!doctype html><html lang="en"><meta charset="utf-8"><title>Not found</title><main ` +
  `style="font:16px system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem"><h1>Page not ` +
  `found</h1><p><a href="/">Go to the status page</a></p></main></html>`;

export type SnapshotServer = ReturnType<typeof createSnapshotServer>;

/** The promise's value if it settles successfully within `ms`, else null (a failure is reported elsewhere). */
function within<T>(p: Promise<T>, ms: number): Promise<T | null> {
  if (ms <= 0) return Promise.resolve(null);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(null);
      },
    );
  });
}

const NO_BODY = Buffer.alloc(0);

const msSince = (started: number) => (performance.now() - started).toFixed(0);

export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

const negotiated = new Map<string, "br" | "gzip" | "identity">();

/** br over gzip over identity, honouring q=0. Header values repeat, so results are memoised (bounded). */
export function negotiate(header: string | undefined): "br" | "gzip" | "identity" {
  if (!header) return "identity";
  const known = negotiated.get(header);
  if (known) return known;
  const q = new Map<string, number>();
  for (const part of header.toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const accepts = (name: string) => (q.get(name) ?? q.get("*") ?? 0) > 0;
  const result = accepts("br") ? "br" : accepts("gzip") ? "gzip" : "identity";
  if (negotiated.size < 100) negotiated.set(header, result);
  return result;
}
