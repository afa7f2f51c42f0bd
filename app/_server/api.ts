import "server-only";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import { page as pageTable, type Page } from "@/db/schema";
import { authenticateApiKey } from "@/lib/api-keys/api-keys";
import { ApiKeyLimiter } from "@/lib/api-keys/rate-limit";
import { parseInput, requireRole, type Ctx } from "@/lib/context";
import { env } from "@/lib/env";
import { DomainError, isDomainError, NotFoundError, UnauthorizedError, ValidationError } from "@/lib/errors";
import { isId } from "@/lib/ids";
import { RateLimitedError } from "@/lib/limits/rate-limited";
import { getDb, systemClock } from "@/lib/runtime";
import { v1ValidationError } from "@/lib/statuspage/v1-input";
import { wakeWorker } from "@/lib/worker/wake";

// The management API's route-handler wrapper: API-key auth, the page check,
// JSON bodies with a size limit, and errors mapped to statuses. Handlers
// inside stay thin: parse, call one lib use case, serialize.

const MAX_BODY_BYTES = 1024 * 1024;
const PARAM_LABELS: Record<string, string> = {
  pageId: "Page",
  componentId: "Component",
  groupId: "Component group",
  incidentId: "Incident",
  updateId: "Incident update",
  subscriberId: "Subscriber",
};

class RequestError extends DomainError {
  constructor(
    override readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiCall<P> {
  request: Request;
  params: P;
  ctx: Ctx;
  /** The page the API key belongs to (and the path names, when it names one). */
  page: Page;
  query: URLSearchParams;
  /** Reads the JSON body (at most 1 MB) and validates it with a strict schema. */
  body: <S extends z.ZodType>(schema: S) => Promise<z.infer<S>>;
}

export interface ApiOptions {
  /** Status of a successful answer (201 for creates). */
  status?: number;
  /** The body's wrapper key (`incident`): use-case validation errors are re-keyed under it. */
  wrapper?: string;
  /** Use-case field names whose API name is not just their snake_case. */
  renames?: Record<string, string>;
}

type RouteArgs<P> = { params: Promise<P> };

// One limiter per process, on globalThis because Next may load this module
// once per route bundle; the buckets must be shared by every v1 route.
const g = globalThis as typeof globalThis & { __heraldApiLimiter?: ApiKeyLimiter };
function apiLimiter(): ApiKeyLimiter {
  const { HERALD_API_RATE_PER_SEC, HERALD_API_BURST } = env();
  return (g.__heraldApiLimiter ??= new ApiKeyLimiter({ ratePerSec: HERALD_API_RATE_PER_SEC, burst: HERALD_API_BURST }));
}

export function apiRoute<P extends Record<string, string> = Record<string, never>>(
  handler: (call: ApiCall<P>) => Promise<unknown>,
  opts: ApiOptions = {},
): (request: Request, route: RouteArgs<P>) => Promise<Response> {
  return async (request, route) => {
    try {
      // Next passes no params to a route without dynamic segments.
      const params = ((await route?.params) ?? {}) as P;
      const db = getDb();
      // Rate-limited per key before anything is written or the body is read.
      const { pageId, ...actor } = await authenticateApiKey(
        db,
        request.headers.get("authorization"),
        systemClock(),
        apiLimiter(),
      );
      // Use cases check finer roles themselves; a viewer never writes anything.
      if (request.method !== "GET" && request.method !== "HEAD") requireRole(actor, "editor");
      for (const [name, value] of Object.entries(params)) {
        if (!isId(value)) throw new NotFoundError(PARAM_LABELS[name] ?? "Resource");
      }
      if (params.pageId !== undefined && params.pageId !== pageId) throw new NotFoundError("Page");
      const page = await db.query.page.findFirst({ where: eq(pageTable.id, pageId) });
      if (!page) throw new NotFoundError("Page");
      const data = await handler({
        request,
        params,
        ctx: { db, now: systemClock, actor },
        page,
        query: new URL(request.url).searchParams,
        body: async (schema) => parseInput(schema, await readJson(request)),
      });
      // A committed write may have queued email: send it now, not on the worker's next tick.
      if (request.method !== "GET" && request.method !== "HEAD") wakeWorker();
      return json(data, opts.status ?? 200);
    } catch (err) {
      return errorResponse(err, opts);
    }
  };
}

function json(data: unknown, status: number, headers: Record<string, string> = {}): Response {
  return Response.json(data, { status, headers: { "cache-control": "no-store", ...headers } });
}

function errorResponse(err: unknown, opts: ApiOptions): Response {
  if (err instanceof ValidationError) {
    const e = opts.wrapper ? v1ValidationError(err, opts.wrapper, opts.renames) : err;
    return json({ error: e.message, errors: e.fieldErrors }, e.status);
  }
  if (err instanceof UnauthorizedError) {
    return json({ error: err.message }, err.status, {
      "www-authenticate": 'OAuth realm="Herald API", Bearer realm="Herald API"',
    });
  }
  if (err instanceof RateLimitedError)
    return json({ error: err.message }, err.status, { "retry-after": String(err.retryAfterSeconds) });
  if (isDomainError(err)) return json({ error: err.message }, err.status);
  console.error("[herald] API request failed", err);
  return json({ error: "Internal error" }, 500);
}

/** An empty body reads as `{}`, so a missing wrapper is reported by the schema (422). */
async function readJson(request: Request): Promise<unknown> {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body) return {};
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new RequestError(400, "The request body is not valid UTF-8");
  }
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestError(400, "The request body is not valid JSON");
  }
}

const tooLarge = () => new RequestError(413, "The request body is larger than 1 MB");
