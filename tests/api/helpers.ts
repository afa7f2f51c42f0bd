import { eq } from "drizzle-orm";
import type { Role } from "../../db/constants";
import {
  auditLog,
  component,
  componentGroup,
  componentStatusChange,
  delivery,
  incident,
  incidentUpdate,
  incidentUpdateComponent,
  notification,
  page as pageTable,
} from "../../db/schema";
import { createApiKey } from "../../lib/api-keys/api-keys";
import { CLI_ACTOR, type Ctx } from "../../lib/context";
import { getPage } from "../../lib/page/page";
import { startServer, type RunningServer } from "../helpers/server";

export interface ApiResponse {
  status: number;
  headers: Headers;
  // Tests read the Statuspage JSON loosely and assert on the fields they care about.
  body: any;
}

export interface CallOptions {
  /** An API key, or null to send no Authorization header. Defaults to the admin key. */
  key?: string | null;
  scheme?: string;
  /** Serialized as JSON unless it is already a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

export type ApiClient = Awaited<ReturnType<typeof startApi>>;

/**
 * The real server with a fresh database and one API key per role. The per-key
 * rate limit is raised so route tests can fire requests back to back; tests of
 * the limit itself pass their own HERALD_API_* values.
 */
export async function startApi(opts: { env?: Record<string, string> } = {}) {
  const server: RunningServer = await startServer({
    env: { HERALD_API_RATE_PER_SEC: "1000", HERALD_API_BURST: "1000", ...opts.env },
  });
  const ctx: Ctx = { db: server.db, now: () => new Date(), actor: CLI_ACTOR };
  const page = await getPage(server.db);
  const makeKey = async (role: Exclude<Role, "owner">) => (await createApiKey(ctx, { name: `${role} key`, role })).key;
  const keys = { admin: await makeKey("admin"), editor: await makeKey("editor"), viewer: await makeKey("viewer") };

  async function call(method: string, path: string, opts: CallOptions = {}): Promise<ApiResponse> {
    const key = opts.key === undefined ? keys.admin : opts.key;
    const headers: Record<string, string> = { ...opts.headers };
    if (key !== null) headers.authorization = `${opts.scheme ?? "OAuth"} ${key}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(`${server.url}/api/v1${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Left as text: the assertion on it will say what came back.
    }
    return { status: res.status, headers: res.headers, body: parsed };
  }

  /** Row counts and the content version: a rejected request must leave all of them as they were. */
  async function snapshot() {
    const db = server.db;
    const row = await db.select({ v: pageTable.contentVersion }).from(pageTable).where(eq(pageTable.id, page.id)).get();
    return {
      contentVersion: row?.v,
      components: await db.$count(component),
      groups: await db.$count(componentGroup),
      statusChanges: await db.$count(componentStatusChange),
      incidents: await db.$count(incident),
      updates: await db.$count(incidentUpdate),
      updateComponents: await db.$count(incidentUpdateComponent),
      notifications: await db.$count(notification),
      deliveries: await db.$count(delivery),
      audit: await db.$count(auditLog),
      componentRows: await db.select().from(component).orderBy(component.id),
      incidentRows: await db.select().from(incident).orderBy(incident.id),
      updateRows: await db.select().from(incidentUpdate).orderBy(incidentUpdate.id),
      groupRows: await db.select().from(componentGroup).orderBy(componentGroup.id),
    };
  }

  const base = `/pages/${page.id}`;
  return {
    server,
    ctx,
    page,
    keys,
    base,
    call,
    snapshot,
    get: (path: string, opts?: CallOptions) => call("GET", path, opts),
    post: (path: string, body: unknown, opts?: CallOptions) => call("POST", path, { ...opts, body }),
    patch: (path: string, body: unknown, opts?: CallOptions) => call("PATCH", path, { ...opts, body }),
    put: (path: string, body: unknown, opts?: CallOptions) => call("PUT", path, { ...opts, body }),
    del: (path: string, opts?: CallOptions) => call("DELETE", path, opts),
    stop: () => server.stop(),
  };
}
