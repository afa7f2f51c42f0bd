// The request edge (DESIGN.md §8), in front of the snapshot server and Next:
// one client address, security headers, body caps while reading, the console
// and APIs answering 503 while the database is away, and signed-out console
// GETs redirected without a render. Plain node:http, in the process without Next; scripts/start.ts wires it.
import type { IncomingMessage, ServerResponse } from "node:http";
import { TokenBuckets } from "../limits/token-bucket";
import { rawHeader } from "../net/raw-header";
import { APP_PATHS, isAppPath, pathUnder as under } from "../snapshots/routes";
import type { SnapshotServer } from "../snapshots/server";
import { checkBody, readCapped, type BodyCap } from "./body";
import { CLIENT_IP_HEADER, clientAddress, type TrustedProxies } from "./client-ip";
import { hasSignedSessionCookie } from "./session-cookie";

export interface EdgeOptions {
  snapshots: Pick<SnapshotServer, "handle" | "databaseDown">;
  /**
   * The application (Next's handler in its own process, lib/edge/forward.ts), given the edge's decision of who the
   * client is.
   */
  app: (req: IncomingMessage, res: ServerResponse, client: string) => void;
  trust: TrustedProxies;
  /** HERALD_SECRET: session cookies are signed with it. */
  secret: string;
  /** HERALD_URL: https turns on Strict-Transport-Security. */
  publicUrl: string | undefined;
  /** False until the database has been reached and migrated once. */
  booted: () => boolean;
  /**
   * Requests per client address that reach the application without a signed session (console sign-in page, forms, API).
   */
  dynamicLimit: { ratePerSec: number; burst: number };
}

const UNAVAILABLE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Database unreachable · Herald</title>
<main style="font:16px system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem">
<h1>Herald cannot reach its database</h1>
<p>The public status page is being served from the last saved copy. The console and the management API are unavailable
until the database is reachable again; see the server log for the error. Herald reconnects by itself.</p>
</main></html>`;

const LINGER_MS = 2000;
const LINGER_BYTES = 4 * 1024 * 1024;

/** Console pages a signed-out visitor may open. */
const SIGNED_OUT_PAGES = new Set(["/admin/login", "/admin/setup", "/admin/reset", "/admin/invite"]);
/**
 * Exempt from the per-address limit: Next's static assets, and callers that
 * prove themselves with a secret the route checks with one cheap lookup
 * (provider webhooks, cron; API keys, which have their own per-key bucket).
 */
const CHEAP_PATHS = ["/_next", "/api/webhooks", "/api/cron"];
/** Served by the application and unusable without the database. */
const NEEDS_DATABASE = APP_PATHS.filter((p) => p !== "/_next");

/**
 * GET/HEAD outside the application's own paths: the snapshot server answers it (a page or the 404 page), never a render
 * per request.
 */
const isPublicSnapshot = (req: IncomingMessage, pathname: string) =>
  (req.method === "GET" || req.method === "HEAD") && !isAppPath(pathname);

/**
 * Sent with every response: by the edge itself, and by the snapshot server, which scripts/start.ts gives the same set.
 */
export function securityHeaders(publicUrl: string | undefined): Readonly<Record<string, string>> {
  return {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    ...(publicUrl?.startsWith("https://") ? { "strict-transport-security": "max-age=31536000" } : {}),
  };
}

export function createEdge(opts: EdgeOptions) {
  const security = Object.entries(securityHeaders(opts.publicUrl));

  function tooLarge(req: IncomingMessage, res: ServerResponse, pathname: string, cap: BodyCap): void {
    const message = `The request body is larger than ${cap.label}.`;
    const api = under(pathname, "/api/v1");
    // The body is never buffered or parsed. Like nginx's lingering close, what the client is
    // still sending is discarded for a moment (at most LINGER_BYTES, LINGER_MS) so it can read
    // the 413 instead of failing its write; past that the connection is cut. ("Connection:
    // close" would make Node close the socket the moment the answer is out, mid-upload.)
    res.writeHead(413, {
      "content-type": api ? "application/json" : "text/plain; charset=utf-8",
      "cache-control": "no-store",
    });
    res.end(api ? JSON.stringify({ error: message }) : message);
    let discarded = 0;
    const cut = () => req.socket.destroy();
    const timer = setTimeout(cut, LINGER_MS);
    timer.unref();
    req.once("end", () => clearTimeout(timer));
    req.socket.once("close", () => clearTimeout(timer));
    req.on("data", (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > LINGER_BYTES) cut();
    });
    req.resume();
  }

  // Everything that is not a snapshot costs the application real work; a
  // stranger's share of it is bounded per address. Signed-in staff are not counted.
  const dynamic = new TokenBuckets({ ...opts.dynamicLimit, now: Date.now });
  function overDynamicLimit(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
    if (isPublicSnapshot(req, pathname) || CHEAP_PATHS.some((p) => under(pathname, p))) return false;
    if (
      (under(pathname, "/api/v1") && req.headers.authorization) ||
      hasSignedSessionCookie(req.headers.cookie, opts.secret)
    )
      return false;
    const taken = dynamic.take(String(req.headers[CLIENT_IP_HEADER]));
    if (taken.ok) return false;
    res.writeHead(429, {
      "content-type": "text/plain; charset=utf-8",
      "retry-after": String(Math.max(1, Math.ceil(taken.retryAfterMs / 1000))),
      "cache-control": "no-store",
    });
    res.end("Too many requests from your address. Please wait a moment.");
    return true;
  }

  function route(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    const method = req.method ?? "GET";
    if (overDynamicLimit(req, res, pathname)) return;
    // Public pages still come from the snapshots; these can't be served without the database.
    if ((!opts.booted() || opts.snapshots.databaseDown) && NEEDS_DATABASE.some((p) => under(pathname, p))) {
      res.writeHead(503, {
        "content-type": "text/html; charset=utf-8",
        "retry-after": "10",
        "cache-control": "no-store",
      });
      res.end(UNAVAILABLE);
      return;
    }
    if (
      (method === "GET" || method === "HEAD") &&
      under(pathname, "/admin") &&
      !SIGNED_OUT_PAGES.has(pathname) &&
      !hasSignedSessionCookie(req.headers.cookie, opts.secret)
    ) {
      res.writeHead(303, { location: "/admin/login", "cache-control": "no-store" });
      res.end();
      return;
    }
    opts.snapshots.handle(req, res, () => opts.app(req, res, String(req.headers[CLIENT_IP_HEADER])));
  }

  const clientOf = (req: IncomingMessage) =>
    clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], req.headers["x-real-ip"], opts.trust);

  return function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q === -1 ? url : url.slice(0, q);
    // The hot path: a public GET/HEAD without a body belongs to the snapshot server
    // alone (its answers carry the security headers already), and nothing below matters to it.
    if (
      isPublicSnapshot(req, pathname) &&
      rawHeader(req, "content-length") === undefined &&
      rawHeader(req, "transfer-encoding") === undefined
    )
      return opts.snapshots.handle(req, res, () => opts.app(req, res, clientOf(req)));
    for (const [k, v] of security) res.setHeader(k, v);
    // One decision of who the client is; nothing downstream reads X-Forwarded-For.
    req.headers[CLIENT_IP_HEADER] = clientOf(req);
    const body = checkBody(req, pathname);
    if (body.kind === "too_large") return tooLarge(req, res, pathname, body.cap);
    if (body.kind === "pass") return route(req, res, pathname);
    readCapped(req, body.cap.bytes).then(
      (replay) => {
        if (!replay) return tooLarge(req, res, pathname, body.cap);
        // Responses go to the original; the replay only carries the counted bytes.
        route(replay, res, pathname);
      },
      () => res.destroy(),
    );
  };
}
