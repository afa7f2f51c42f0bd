// Every URL served from snapshots. A public path is a pure function of the
// content version: adding a surface (JSON API, feeds, badges, OG images) is one
// line here. Only the listed query parameters are part of the key; any others
// are dropped before rendering, so random query strings cannot multiply
// renders or snapshots.

import { ID_SOURCE } from "../ids";
import { type HistoryRange, historyPageExists, historyWhich } from "../public/history-keys";

export interface PublicRoute {
  path: string | RegExp;
  query?: readonly string[];
  /** Sent with the snapshot, over FRAME_DENY (the same headers the route handler sets). */
  headers?: Readonly<Record<string, string>>;
  /** Other sites may frame it: FRAME_DENY is not sent. */
  frameable?: boolean;
}

/**
 * Every public response but the embed widget refuses framing (next.config.ts sends the same for Next's own responses).
 */
export const FRAME_DENY: Readonly<Record<string, string>> = {
  "x-frame-options": "DENY",
  "content-security-policy": "frame-ancestors 'none'",
};
export const V2_CORS_HEADERS: Readonly<Record<string, string>> = { "access-control-allow-origin": "*" };
const v2 = (path: string): PublicRoute => ({ path: `/api/v2/${path}.json`, headers: V2_CORS_HEADERS });

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  { path: "/" },
  { path: new RegExp(`^/incidents/${ID_SOURCE}$`) },
  { path: "/history", query: ["quarter", "page"] },
  v2("summary"),
  v2("status"),
  v2("components"),
  v2("incidents"),
  v2("incidents/unresolved"),
  v2("scheduled-maintenances"),
  v2("scheduled-maintenances/upcoming"),
  v2("scheduled-maintenances/active"),
  { path: "/history.rss" },
  { path: "/history.atom" },
  { path: "/history.json", headers: { "access-control-allow-origin": "*" } },
  { path: "/maintenance.ics" },
  { path: "/badge.svg" },
  { path: new RegExp(`^/components/${ID_SOURCE}/badge\\.svg$`) },
  { path: "/og.png" },
  { path: new RegExp(`^/incidents/${ID_SOURCE}/og\\.png$`) },
  // Framed by the iframe form, and read by the script form (/embed.js) from the host page.
  {
    path: "/embed",
    frameable: true,
    headers: { "content-security-policy": "frame-ancestors *", "access-control-allow-origin": "*" },
  },
  { path: "/embed.js", headers: { "access-control-allow-origin": "*" } },
];

/** The routes' fixed paths (the others are patterns: an incident's page, a component's badge). */
export function fixedPaths(routes: readonly PublicRoute[] = PUBLIC_ROUTES): string[] {
  return routes.flatMap((r) => (typeof r.path === "string" ? [r.path] : []));
}

/**
 * Paths the application serves itself: the console, the APIs that are not
 * snapshots, the subscription forms and Next's assets. Any other GET that is
 * not a public route is answered with the saved 404 page, never a render.
 */
export const APP_PATHS = [
  "/admin",
  "/api/v1",
  "/api/auth",
  "/api/cron",
  "/api/webhooks",
  "/api/integrations",
  "/subscriptions",
  "/viewer",
  "/_next",
];

/** `/admin` and `/admin/…`, but not `/administrator`. */
const SLASH = 47;
export const pathUnder = (pathname: string, prefix: string): boolean =>
  // Allocation-free: every request of the hot path asks this of each application prefix.
  pathname.startsWith(prefix) && (pathname.length === prefix.length || pathname.charCodeAt(prefix.length) === SLASH);

export function isAppPath(pathname: string): boolean {
  return APP_PATHS.some((p) => pathUnder(pathname, p));
}

/** What can exist at a content version (lib/public/index.ts loadPublicIndex). */
export interface PathIndex {
  incidents: ReadonlySet<string>;
  components: ReadonlySet<string>;
  /** The quarters history has pages for (null: nothing published yet). */
  history: HistoryRange | null;
}

const INCIDENT_KEY = new RegExp(`^/incidents/(${ID_SOURCE})(?:/og\\.png)?$`);
const COMPONENT_KEY = new RegExp(`^/components/(${ID_SOURCE})/badge\\.svg$`);

/** Whether existsIn needs the index for this key (an id or a history quarter); every other public key always exists. */
export function keyNeedsIndex(key: string): boolean {
  return INCIDENT_KEY.test(key) || COMPONENT_KEY.test(key) || key.startsWith("/history?");
}

/** Whether a snapshot key names something that exists: random ids and quarters must not cost a render. */
export function existsIn(index: PathIndex, key: string): boolean {
  const incidentId = INCIDENT_KEY.exec(key)?.[1];
  if (incidentId) return index.incidents.has(incidentId);
  const componentId = COMPONENT_KEY.exec(key)?.[1];
  if (componentId) return index.components.has(componentId);
  if (key.startsWith("/history?")) {
    const q = new URLSearchParams(key.slice("/history?".length));
    return historyPageExists(index.history, historyWhich(q.get("quarter"), q.get("page")));
  }
  return true;
}

/** The page every public 404 is served with (app/(public)/page-not-found); the server's `notFoundKey`. */
export const NOT_FOUND_PAGE = "/page-not-found";

// Fixed paths by a map lookup, then the few patterns: this runs on every public request.
const indexes = new WeakMap<readonly PublicRoute[], { exact: Map<string, PublicRoute>; patterns: PublicRoute[] }>();

function findRoute(pathname: string, routes: readonly PublicRoute[]): PublicRoute | undefined {
  let index = indexes.get(routes);
  if (!index) {
    index = { exact: new Map(), patterns: [] };
    for (const r of routes)
      if (typeof r.path === "string") index.exact.set(r.path, r);
      else index.patterns.push(r);
    indexes.set(routes, index);
  }
  return index.exact.get(pathname) ?? index.patterns.find((r) => (r.path as RegExp).test(pathname));
}

const resolvedHeaders = new WeakMap<PublicRoute, Readonly<Record<string, string>>>();

/**
 * Views (issue 13): the anonymous public site is keyed by path alone; any
 * other view (an audience set, or a private page's signed-in viewers) by
 * "~" + the audience key + the path, e.g. "~a1b2,c3d4/history?page=2".
 */
export const VIEW_PREFIX = "~";

export function viewSnapshotKey(audienceKey: string, path: string): string {
  return `${VIEW_PREFIX}${audienceKey}${path}`;
}

/** A snapshot key's view (null: the anonymous public site) and path. */
export function splitViewKey(key: string): { view: string | null; path: string } {
  if (!key.startsWith(VIEW_PREFIX)) return { view: null, path: key };
  const slash = key.indexOf("/");
  return slash === -1 ? { view: key.slice(1), path: "/" } : { view: key.slice(1, slash), path: key.slice(slash) };
}

/**
 * Extra response headers for a snapshot key (framing policy, CORS). `crossOrigin` false leaves CORS out: a view
 * granted without the viewer token (lib/snapshots/server.ts crossOriginReadable).
 */
export function snapshotHeaders(
  key: string,
  routes: readonly PublicRoute[] = PUBLIC_ROUTES,
  crossOrigin = true,
): Readonly<Record<string, string>> {
  key = splitViewKey(key).path;
  const q = key.indexOf("?");
  const route = findRoute(q === -1 ? key : key.slice(0, q), routes);
  if (!route) return FRAME_DENY;
  let headers = resolvedHeaders.get(route);
  if (!headers) resolvedHeaders.set(route, (headers = { ...(route.frameable ? {} : FRAME_DENY), ...route.headers }));
  if (crossOrigin || !("access-control-allow-origin" in headers)) return headers;
  const { "access-control-allow-origin": _cors, ...rest } = headers;
  return rest;
}

/** The viewer token a request URL carries (`?token=hv_…`), or null. */
export function viewerTokenOf(url: string): string | null {
  const q = url.indexOf("?");
  return q !== -1 && url.includes("token=", q) ? new URLSearchParams(url.slice(q + 1)).get("token") : null;
}

/** The snapshot key for a request URL (path plus kept query), or null when it is not public. */
export function snapshotKey(url: string, routes: readonly PublicRoute[] = PUBLIC_ROUTES): string | null {
  const q = url.indexOf("?");
  const pathname = q === -1 ? url : url.slice(0, q);
  const route = findRoute(pathname, routes);
  if (!route) return null;
  if (q === -1 || !route.query?.length) return pathname;
  const params = new URLSearchParams(url.slice(q + 1));
  const kept = new URLSearchParams();
  for (const name of route.query) {
    const value = params.get(name);
    if (value !== null) kept.set(name, value);
  }
  const search = kept.toString();
  return search ? `${pathname}?${search}` : pathname;
}
