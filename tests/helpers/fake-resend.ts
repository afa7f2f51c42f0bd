import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A local stand-in for api.resend.com that the real Resend SDK talks to via
// `baseUrl` / RESEND_BASE_URL. It records every request, keeps idempotency
// keys like the provider (same key + same body → the first answer again, no
// new email; same key + other body → 409), and misbehaves on command.

export type Misbehaviour =
  | { kind: "429"; retryAfter: number }
  | { kind: "500" }
  /** Refuses the request as invalid (a definite 4xx: nothing accepted). */
  | { kind: "422" }
  /**
   * Accepts, but answers only after `ms` (past the client's timeout, the client gives up though the email was
   * accepted).
   */
  | { kind: "slow"; ms: number }
  /** Closes the connection without accepting anything. */
  | { kind: "drop" }
  /** Accepts, then closes the connection before answering. */
  | { kind: "accept-then-drop" };

export interface SentEmail {
  id: string;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  idempotencyKey: string | null;
}

export interface RecordedRequest {
  n: number;
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  count: number;
  at: number;
  outcome: string;
}

export interface FakeResend {
  url: string;
  requests: RecordedRequest[];
  /** Every email the fake accepted, once per acceptance (replays of an idempotency key add nothing). */
  accepted: SentEmail[];
  /** Decides per request (1-based count of batch requests) whether to misbehave. */
  misbehave(fn: ((n: number) => Misbehaviour | null) | null): void;
  /** Queue misbehaviours for the next requests, in order. */
  queue(...m: Misbehaviour[]): void;
  /** Token-bucket limit like the provider's: beyond it, 429 with retry-after: 1. */
  rateLimit(perSecond: number | null): void;
  close(): Promise<void>;
}

interface Stored {
  bodyHash: string;
  response: unknown;
}

export async function startFakeResend(): Promise<FakeResend> {
  const requests: RecordedRequest[] = [];
  const accepted: SentEmail[] = [];
  const keys = new Map<string, Stored>();
  const queued: Misbehaviour[] = [];
  let chooser: ((n: number) => Misbehaviour | null) | null = null;
  let limit: { rate: number; tokens: number; last: number } | null = null;
  let batchCount = 0;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  };

  const accept = (emails: Array<Record<string, unknown>>, key: string | null, bodyHash: string) => {
    const data = emails.map((e) => {
      const id = randomUUID();
      accepted.push({
        id,
        from: String(e.from),
        to: Array.isArray(e.to) ? String(e.to[0]) : String(e.to),
        subject: String(e.subject),
        html: String(e.html ?? ""),
        text: String(e.text ?? ""),
        headers: (e.headers as Record<string, string>) ?? {},
        idempotencyKey: key,
      });
      return { id };
    });
    const response = { data };
    if (key) keys.set(key, { bodyHash, response });
    return response;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const rec: RecordedRequest = {
      n: requests.length + 1,
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      count: 0,
      at: Date.now(),
      outcome: "",
    };
    requests.push(rec);
    if (req.method !== "POST" || req.url !== "/emails/batch") {
      rec.outcome = "404";
      return send(res, 404, { name: "not_found", message: "Only POST /emails/batch is faked", statusCode: 404 });
    }
    if (!/^Bearer re_/.test(String(req.headers.authorization))) {
      rec.outcome = "401";
      return send(res, 401, { name: "missing_api_key", message: "Missing API key", statusCode: 401 });
    }
    const emails = JSON.parse(raw) as Array<Record<string, unknown>>;
    rec.count = emails.length;
    if (!Array.isArray(emails) || emails.length > 100) {
      rec.outcome = "422";
      return send(res, 422, { name: "validation_error", message: "At most 100 emails per batch", statusCode: 422 });
    }
    if (limit) {
      const now = Date.now();
      limit.tokens = Math.min(limit.rate, limit.tokens + ((now - limit.last) / 1000) * limit.rate);
      limit.last = now;
      if (limit.tokens < 1) {
        rec.outcome = "429-limit";
        return send(
          res,
          429,
          { name: "rate_limit_exceeded", message: "Too many requests", statusCode: 429 },
          { "retry-after": "1" },
        );
      }
      limit.tokens -= 1;
    }
    batchCount++;
    const m = queued.shift() ?? chooser?.(batchCount) ?? null;
    const key = (req.headers["idempotency-key"] as string | undefined) ?? null;
    const bodyHash = createHash("sha256").update(raw).digest("hex");
    const respond = () => {
      if (key && keys.has(key)) {
        const prior = keys.get(key)!;
        if (prior.bodyHash !== bodyHash) {
          rec.outcome = "409";
          return {
            status: 409,
            body: {
              name: "invalid_idempotent_request",
              message: "Same idempotency key, different body",
              statusCode: 409,
            },
          };
        }
        rec.outcome = "replay";
        return { status: 200, body: prior.response };
      }
      rec.outcome = "accepted";
      return { status: 200, body: accept(emails, key, bodyHash) };
    };
    switch (m?.kind) {
      case "429":
        rec.outcome = "429";
        return send(
          res,
          429,
          { name: "rate_limit_exceeded", message: "Too many requests", statusCode: 429 },
          { "retry-after": String(m.retryAfter) },
        );
      case "500":
        rec.outcome = "500";
        return send(res, 500, { name: "internal_server_error", message: "Boom", statusCode: 500 });
      case "422":
        rec.outcome = "422";
        return send(res, 422, { name: "validation_error", message: "Invalid `to` field", statusCode: 422 });
      case "drop":
        rec.outcome = "drop";
        return req.socket.destroy();
      case "accept-then-drop":
        respond();
        rec.outcome += "+drop";
        return req.socket.destroy();
      case "slow": {
        const r = respond();
        rec.outcome += "+slow";
        await new Promise((resolve) => setTimeout(resolve, m.ms));
        return send(res, r.status, r.body);
      }
      default: {
        const r = respond();
        return send(res, r.status, r.body);
      }
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted,
    misbehave: (fn) => {
      chooser = fn;
    },
    queue: (...m) => {
      queued.push(...m);
    },
    rateLimit: (rate) => {
      limit = rate ? { rate, tokens: rate, last: Date.now() } : null;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
