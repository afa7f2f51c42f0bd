// The edge's one way into the application process (DESIGN.md §8): every request
// the snapshots do not answer (console, server actions, APIs, assets, sign-in,
// forms) and every snapshot render goes to Next's handler in a child process on
// a loopback port, over kept-alive connections, streaming both ways. The child
// answers only requests carrying this boot's token (scripts/next-server.ts), so
// the client address the edge decided (CLIENT_IP_HEADER) cannot be forged by
// talking to the child, and whatever a client sent under these names is replaced.
import { randomBytes, timingSafeEqual } from "node:crypto";
import {
  Agent,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from "node:http";
import { readBuffered } from "../net/buffered";
import type { Rendered } from "../snapshots/server";
import { CLIENT_IP_HEADER } from "./client-ip";

/** Carries the per-boot token from the edge to the application process. */
export const EDGE_TOKEN_HEADER = "x-herald-edge-token";

/** IPC between the edge and the application process. */
export type FromEdge =
  | { type: "token"; token: string }
  /** A new content version the edge read: any process's commit (seen by its poll, on the file, or reported). */
  | { type: "version"; version: number };
export type ToEdge = { type: "waiting" } | { type: "listening"; port: number } | { type: "version"; version: number };

/** A fresh token per boot of the edge: it never leaves the two processes (sent over IPC, never logged). */
export const newEdgeToken = (): string => randomBytes(32).toString("base64url");

/** Whether a request reaching the application process came from this boot's edge. */
export function fromEdge(headers: IncomingHttpHeaders, token: string): boolean {
  const given = headers[EDGE_TOKEN_HEADER];
  if (typeof given !== "string" || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}

/** Connection-level headers: they describe one hop and are never passed on. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  // The edge has already answered any "Expect: 100-continue" itself.
  "expect",
]);

const UNAVAILABLE = "Herald is starting or restarting its application process. Please retry in a few seconds.";

export interface ForwarderOptions {
  /** The application process's loopback port, or null while it is not listening (starting, restarting). */
  port: () => number | null;
  token: string;
  /** Headers only the edge may set: removed from what a client sent (the view header is signed, but never relayed). */
  stripped?: readonly string[];
  log?: (line: string) => void;
}

export function createForwarder(opts: ForwarderOptions) {
  const log = opts.log ?? ((line: string) => console.error(line));
  // The child keeps idle connections far longer than this (scripts/next-server.ts), so a reused socket is never
  // closed by the child just as a request goes out on it.
  const agent = new Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, timeout: 30_000 });
  const stripped = [CLIENT_IP_HEADER, EDGE_TOKEN_HEADER, ...(opts.stripped ?? [])];

  function unavailable(res: ServerResponse): void {
    if (res.headersSent) return void res.destroy();
    res.writeHead(503, {
      "content-type": "text/plain; charset=utf-8",
      "retry-after": "5",
      "cache-control": "no-store",
    });
    res.end(UNAVAILABLE);
  }

  /**
   * Passes a request to the application and its answer back, streaming. `client` is the edge's decision of who
   * sent it (lib/edge/client-ip.ts); the request body has passed the edge's caps (lib/edge/body.ts).
   */
  function forward(req: IncomingMessage, res: ServerResponse, client: string): void {
    const port = opts.port();
    if (port === null) {
      req.resume();
      return unavailable(res);
    }
    const headers: OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k)) headers[k] = v;
    for (const k of stripped) delete headers[k];
    headers[CLIENT_IP_HEADER] = client;
    headers[EDGE_TOKEN_HEADER] = opts.token;
    const upstream = request(
      { host: "127.0.0.1", port, method: req.method, path: req.url, headers, agent },
      (answer) => {
        const out: OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
        answer.pipe(res);
        answer.once("error", () => res.destroy());
      },
    );
    upstream.once("error", (err) => {
      log(`[herald] ERROR forwarding ${req.method} ${req.url?.split("?")[0]}: ${String(err)}`);
      unavailable(res);
    });
    // The client went away: so does the request to the application.
    res.once("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  /** Renders a public path through the application as an anonymous browser would (no cookie), buffered. */
  function render(path: string, extra: Record<string, string> = {}): Promise<Rendered> {
    const port = opts.port();
    if (port === null) return Promise.reject(new Error("the application process is not running"));
    const headers = { accept: "text/html,*/*", ...extra, [EDGE_TOKEN_HEADER]: opts.token };
    return new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path, headers, agent }, (res) =>
        readBuffered(res).then(
          (r) => resolve({ status: r.status, contentType: r.contentType, body: r.body, location: r.headers.location }),
          reject,
        ),
      );
      req.on("error", reject);
      req.end();
    });
  }

  return { forward, render, close: () => agent.destroy() };
}
