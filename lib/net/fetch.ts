// The ONE outbound fetch for URLs that users (staff, visitors, API callers) give
// Herald: webhook and chat targets, vendor status pages, mirrors. It refuses
// what could turn Herald into a proxy for reaching the inside of its network:
// - https only, unless the policy allows http (HERALD_WEBHOOK_ALLOW_HTTP=1);
// - the address actually connected to is checked at connect time, in the
//   socket's own DNS lookup, so a name that resolves to a public address for a
//   validator and to 127.0.0.1 a moment later (DNS rebinding) cannot slip
//   past; an address literal is checked before connecting; the peer address
//   is checked again once connected (kept-alive sockets included);
// - redirects are never followed (a 3xx is returned as it is);
// - one deadline (10 s by default) for connect, answer and body;
// - the response body is read up to a cap, then the connection is dropped.
import type { LookupAddress, LookupOneOptions } from "node:dns";
import { lookup as dnsLookup } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction, type Socket } from "node:net";
import { env } from "@/lib/env";
import { classifyAddress } from "./address";

export interface NetPolicy {
  /** http:// targets allowed (tests, local development). */
  allowHttp: boolean;
  /** Loopback/private/link-local/… addresses allowed (tests, trusted intranets). */
  allowPrivate: boolean;
}

export function netPolicyFromEnv(): NetPolicy {
  const e = env();
  return { allowHttp: e.HERALD_WEBHOOK_ALLOW_HTTP, allowPrivate: e.HERALD_WEBHOOK_ALLOW_PRIVATE };
}

export type NetErrorCode =
  /** Not a URL, not http(s), http without allowHttp, or credentials in the URL. */
  | "bad_url"
  /** The name resolved to (or the literal is) a forbidden address. */
  | "forbidden_address"
  | "timeout"
  /** DNS failure, refused, reset, TLS error: the target did not answer. */
  | "network";

export class NetError extends Error {
  constructor(
    readonly code: NetErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "NetError";
  }
}

export interface SafeFetchOptions {
  method?: "GET" | "POST" | "PUT" | "HEAD";
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Whole request deadline. Default 10 s. */
  timeoutMs?: number;
  /** Bytes of the response body kept; the connection is dropped past it. Default 64 KB. */
  maxResponseBytes?: number;
  /** Default: netPolicyFromEnv(). */
  policy?: NetPolicy;
  /** Name resolution, for tests (a resolver that "rebinds"). Default: the system's (dns.lookup). */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

export interface SafeResponse {
  status: number;
  /** Lower-case names, as Node gives them. */
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body was longer than maxResponseBytes and was cut there. */
  truncated: boolean;
  /** The address the request was sent to. */
  remoteAddress: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 64 * 1024;

// Kept-alive connections; each request re-checks its socket's peer address.
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 64, maxTotalSockets: 1024, timeout: 30_000 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 64, maxTotalSockets: 1024, timeout: 30_000 }),
};

/** Checks a URL before anything is sent; throws NetError("bad_url"). Also for form validation. */
export function checkTargetUrl(raw: string, policy: NetPolicy = netPolicyFromEnv()): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NetError("bad_url", "not a valid URL");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && policy.allowHttp))
    throw new NetError(
      "bad_url",
      policy.allowHttp ? "the URL must start with https:// or http://" : "the URL must start with https://",
    );
  if (url.username || url.password) throw new NetError("bad_url", "the URL must not contain a user name or password");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) && !policy.allowPrivate && classifyAddress(host) !== "allowed")
    throw new NetError("forbidden_address", `${host} is not a public address`);
  return url;
}

function systemResolve(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for net.connect that only ever hands out permitted addresses. */
function guardedLookup(policy: NetPolicy, resolve: (hostname: string) => Promise<LookupAddress[]>) {
  return (hostname: string, options: LookupOneOptions & { all?: boolean }, callback: LookupCallback) => {
    resolve(hostname).then(
      (found) => {
        const family = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = found.filter((a) => !family || a.family === family);
        // One forbidden answer refuses the name: a target mixing public and
        // private records is either misconfigured or probing.
        const bad = policy.allowPrivate ? undefined : usable.find((a) => classifyAddress(a.address) !== "allowed");
        if (bad) return callback(forbidden(hostname, bad.address), "");
        if (!usable.length)
          return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "");
        if (options.all) return callback(null, usable);
        callback(null, usable[0].address, usable[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ""),
    );
  };
}

/**
 * The same connect-time check for another client's sockets (the mirror's S3
 * agents): pass it as the agent's `lookup`. An address literal never reaches a
 * lookup, so check the URL with checkTargetUrl too.
 */
export function guardedAgentLookup(policy: NetPolicy = netPolicyFromEnv()): LookupFunction {
  return guardedLookup(policy, systemResolve) as unknown as LookupFunction;
}

function forbidden(host: string, address: string): NetError {
  return new NetError(
    "forbidden_address",
    `${host} resolves to ${address} (${classifyAddress(address)}), which is not a public address`,
  );
}

/**
 * Sends one request to a user-given URL under the policy. Resolves with the
 * answer (any status, 3xx included: redirects are not followed); rejects with
 * NetError for a refused URL or address, a timeout or a network failure.
 */
export function safeFetch(raw: string, opts: SafeFetchOptions = {}): Promise<SafeResponse> {
  const policy = opts.policy ?? netPolicyFromEnv();
  let url: URL;
  try {
    url = checkTargetUrl(raw, policy);
  } catch (err) {
    return Promise.reject(err);
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_BYTES;
  const lib = url.protocol === "https:" ? https : http;
  const headers: Record<string, string> = { "user-agent": "Herald", ...opts.headers };
  if (opts.body !== undefined) headers["content-length"] = String(Buffer.byteLength(opts.body));

  return new Promise<SafeResponse>((resolve, reject) => {
    let settled = false;
    const fail = (err: NetError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    const req = lib.request(url, {
      method: opts.method ?? (opts.body === undefined ? "GET" : "POST"),
      headers,
      agent: url.protocol === "https:" ? agents.https : agents.http,
      lookup: guardedLookup(policy, opts.resolve ?? systemResolve) as unknown as typeof dnsLookup,
    });
    const timer = setTimeout(
      () => fail(new NetError("timeout", `no complete answer within ${timeoutMs} ms`)),
      timeoutMs,
    );

    const checkPeer = (socket: Socket) => {
      const peer = socket.remoteAddress;
      if (!policy.allowPrivate && (!peer || classifyAddress(peer) !== "allowed")) {
        socket.destroy();
        fail(forbidden(url.hostname, peer ?? "an unknown address"));
      }
    };
    req.on("socket", (socket: Socket) => {
      if (socket.remoteAddress) checkPeer(socket);
      else socket.once("connect", () => checkPeer(socket));
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (err instanceof NetError) return fail(err);
      const cause = (err as { cause?: unknown }).cause;
      if (cause instanceof NetError) return fail(cause);
      fail(new NetError("network", err.code ? `${err.code}: ${err.message}` : err.message));
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const done = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          truncated,
          remoteAddress: res.socket?.remoteAddress ?? "",
        });
      };
      res.on("data", (chunk: Buffer) => {
        if (truncated) return;
        const room = maxBytes - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size = maxBytes;
          truncated = true;
          done();
          // Stop reading an endless answer; the socket is not reused.
          res.destroy();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on("end", done);
      res.on("error", (err) => fail(new NetError("network", err.message)));
      res.on("aborted", () => fail(new NetError("network", "the connection was closed mid-answer")));
    });
    req.end(opts.body);
  });
}
