// The mirrored site: every anonymous public URL as the snapshot server serves
// it (fetched from Herald itself, never rendered here), as static files. A
// local cache under the data directory keeps the last set, so a push after one
// change fetches only what can have changed: the fixed pages, feeds, JSON,
// badges and history pages each time, and an incident's page and card only
// when its fingerprint moved. A full sync fetches everything.
//
// A history page is a quarter (lib/public/history.ts): it is fetched again only
// when an incident it lists changed, or its links to the next quarters did.
//
// A build may `defer` what a change touches only indirectly: the older quarters'
// history pages and incident pages whose own content is unchanged but which
// show a component's current status ("Degraded now"). The deferring build keeps their previous copies, so
// the front page and the changed incident reach the mirror first; the next
// build (the same job) brings the rest.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { request as httpsRequest } from "node:https";
import path from "node:path";
import { and, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { incident, incidentUpdate, incidentUpdateComponent, type Page } from "@/db/schema";
import { getContentVersion } from "../page/page";
import { quarterStart } from "../public/history";
import { type HistoryRange, historyHref, shiftQuarter } from "../public/history-keys";
import { loadPublicIndex } from "../public/index";
import { loadPublicPageRow, publicBaseUrl, publicPageOf } from "../public/page";
import { showsComponentStateNow } from "../public/incident";
import { publicComponents, publishedIncidentOn, publishedUpdate } from "../public/visibility";
import { fixedPaths, NOT_FOUND_PAGE, PUBLIC_ROUTES, type PathIndex } from "../snapshots/routes";
import { readBuffered } from "../net/buffered";
import { classifyRef, fileForKey, mirrorHtml, needsOriginPage, rootRelativeRefs } from "./files";

/** Bumped when the file layout or the HTML rewrite changes: every cached file is fetched again. */
const FORMAT = "mirror-1";

export interface Fetched {
  status: number;
  contentType: string;
  body: Buffer;
  /** The content version the snapshot was rendered at (x-herald-version), when the server says. */
  version?: number;
}

/** Answers a public path the way Herald serves it to an anonymous reader. */
export type SiteSource = (pathAndQuery: string) => Promise<Fetched>;

/** Fetches from a running Herald (its snapshot server), identity encoding, no cookies. */
export function httpSource(origin: string, timeoutMs = 60_000): SiteSource {
  const base = new URL(origin);
  const get = base.protocol === "https:" ? httpsRequest : request;
  return (key) =>
    new Promise((resolve, reject) => {
      const req = get(
        new URL(key, base),
        { headers: { accept: "text/html,*/*", "user-agent": "herald-mirror" }, agent: false, timeout: timeoutMs },
        (res) =>
          readBuffered(res).then(({ status, contentType, body, headers }) => {
            const version = headers["x-herald-version"];
            resolve({ status, contentType, body, version: version === undefined ? undefined : Number(version) });
          }, reject),
      );
      req.on("timeout", () => req.destroy(new Error(`timed out fetching ${key} from ${base.origin}`)));
      req.on("error", (err) =>
        reject(new Error(`cannot fetch ${key} from ${base.origin} (is Herald running there?): ${err.message}`)),
      );
      req.end();
    });
}

export interface SiteFile {
  sha: string;
  contentType: string;
}

interface CachedFile extends SiteFile {
  /** The content version it was fetched at (a deferring build keeps older copies under a newer version). */
  v?: number;
  /** Incident files: the fingerprint they were fetched at. */
  fp?: string;
  /** Incident pages: the fingerprint of the incident's own content (its card's) at that time. */
  own?: string;
  /** HTML: the root-relative references it had besides public pages (assets, pages only the origin answers). */
  refs?: string[];
}

export interface Site {
  version: number;
  files: ReadonlyMap<string, SiteFile>;
  read(file: string): Buffer;
  /** How many files were fetched from Herald for this build. */
  fetched: number;
  /** Files kept at their previous copy by a deferring build (0: the site is complete at `version`). */
  deferred: number;
}

const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** Every key of the anonymous site at this index: the fixed routes, one per id, the history pages, the 404 page. */
export function siteKeys(
  index: PathIndex,
  routes = PUBLIC_ROUTES,
): { fixed: string[]; perIncident: Map<string, string[]> } {
  const fixed = fixedPaths(routes);
  for (const id of [...index.components].sort()) fixed.push(`/components/${id}/badge.svg`);
  // The newest quarter is `/history` (a fixed path): every older one between it and the oldest, empty ones too.
  const range = index.history;
  if (range)
    for (let q = shiftQuarter(range.newest, -1); q >= range.oldest; q = shiftQuarter(q, -1))
      fixed.push(`/history?quarter=${q}`);
  fixed.push(NOT_FOUND_PAGE);
  const perIncident = new Map<string, string[]>();
  for (const id of [...index.incidents].sort()) perIncident.set(id, [`/incidents/${id}`, `/incidents/${id}/og.png`]);
  return { fixed, perIncident };
}

export interface IncidentFingerprint {
  /**
   * The incident page: its own content and the public components it names (their current name, and their current
   * status while it is open: showsComponentStateNow).
   */
  page: string;
  /** Its own content only (the page's settings, the row, its public updates): all the social card shows. */
  own: string;
  /** When it was created (newest are mirrored first). */
  at: number;
  /** When it started (the history page that lists it). */
  started: number;
}

/** What an incident's own content hashes to, and the components it names; kept while its stamp stays. */
interface OwnPart {
  /** Its revision (refreshIncidentCaches counts every change of it and its updates) and row time. */
  stamp: string;
  own: string;
  named: string[];
  /** Whether its page shows the named components' state now. */
  stateNow: boolean;
  at: number;
  started: number;
}

/** Beyond this many changed incidents the reads walk all of them instead of an IN list. */
const CHANGED_LIST_MAX = 500;

/**
 * What an incident's page and social card are made of, as hashes. `global`
 * covers the build (the stylesheet it links) and the public URL. SQLite folds
 * each incident's rows into one; the heavy reads (every column, every update)
 * cover only the incidents whose revision or row time moved since the last
 * answer (ten years of history cost 2 s per version to read in full, in the
 * process that also renders the pages); a full sync reads everything. The last
 * answer is kept for the same content version (a job's two rounds ask twice).
 */
export async function incidentFingerprints(
  db: Tx,
  p: Page,
  global: string,
  opts: { full?: boolean } = {},
): Promise<Map<string, IncidentFingerprint>> {
  const version = await getContentVersion(db);
  const last = lastFingerprints.get(db);
  if (!opts.full && last?.version === version && last.global === global) return last.fps;
  // What the page's header and cards show of the page (the version and timestamps would change every time).
  const pageFp = sha256(JSON.stringify([global, publicPageOf(p)]));
  // Read first: a change committed after this read moves the stamp again and is read next time.
  const stamps = await db
    .select({ id: incident.id, stamp: sql<string>`${incident.revision} || ':' || ${incident.updatedAt}` })
    .from(incident)
    .where(publishedIncidentOn(p.id));
  const reuse = !opts.full && last?.pageFp === pageFp ? last.parts : new Map<string, OwnPart>();
  const parts = new Map<string, OwnPart>();
  const changed = new Map<string, string>();
  for (const { id, stamp } of stamps) {
    const kept = reuse.get(id);
    if (kept?.stamp === stamp) parts.set(id, kept);
    else changed.set(id, stamp);
  }
  if (changed.size) {
    const ids = [...changed.keys()];
    const only = (column: typeof incident.id | typeof incidentUpdate.incidentId) =>
      changed.size > CHANGED_LIST_MAX ? undefined : inArray(column, ids);
    // Every column of the row: whatever an incident's page shows of it, a change is seen.
    const incidents = await db
      .select({
        id: incident.id,
        createdAt: incident.createdAt,
        startedAt: incident.startedAt,
        resolvedAt: incident.resolvedAt,
        row: sql<string>`json_array(${sql.join(Object.values(getTableColumns(incident)), sql`, `)})`,
      })
      .from(incident)
      .where(and(publishedIncidentOn(p.id), only(incident.id)));
    const u = incidentUpdate;
    const updateEntry = sql`${u.id} || ':' || ${u.status} || ':' || ${u.displayAt} || ':' || ${u.updatedAt}`;
    const updates = await db
      .select({
        incidentId: u.incidentId,
        list: sql<string>`group_concat(${updateEntry})`,
      })
      .from(u)
      .where(and(publishedUpdate, only(u.incidentId)))
      .groupBy(u.incidentId);
    const named = await db
      .select({
        incidentId: u.incidentId,
        list: sql<string>`group_concat(distinct ${incidentUpdateComponent.componentId})`,
      })
      .from(incidentUpdateComponent)
      .innerJoin(u, eq(u.id, incidentUpdateComponent.incidentUpdateId))
      .where(and(publishedUpdate, only(u.incidentId)))
      .groupBy(u.incidentId);
    // group_concat's order is SQLite's: sorted here.
    const own = new Map(updates.map((r) => [r.incidentId, r.list.split(",").sort()]));
    const names = new Map(named.map((r) => [r.incidentId, r.list.split(",")]));
    for (const i of incidents) {
      const stamp = changed.get(i.id);
      // Published since the stamps were read: the next answer has it.
      if (stamp === undefined) continue;
      parts.set(i.id, {
        stamp,
        own: sha256(JSON.stringify([pageFp, i.row, own.get(i.id) ?? []])),
        named: names.get(i.id) ?? [],
        stateNow: showsComponentStateNow(i),
        at: +i.createdAt,
        started: +i.startedAt,
      });
    }
  }
  // The components an incident names, as shown now (their current name, and status): read every time, cheaply.
  const { rows } = await publicComponents(db, p.id);
  const named = new Map(rows.map((c) => [c.id, `${c.id}:${c.name}:${c.position}`]));
  const withState = new Map(rows.map((c) => [c.id, `${named.get(c.id)}:${c.status}`]));
  const out = new Map<string, IncidentFingerprint>();
  for (const [id, part] of parts) {
    const shown = part.stateNow ? withState : named;
    const comps = part.named.flatMap((c) => (shown.has(c) ? [shown.get(c)!] : [])).sort();
    out.set(id, { own: part.own, page: sha256(JSON.stringify([part.own, comps])), at: part.at, started: part.started });
  }
  lastFingerprints.set(db, { version, global, pageFp, parts, fps: out });
  return out;
}

const lastFingerprints = new WeakMap<
  Tx,
  {
    version: number;
    global: string;
    pageFp: string;
    parts: Map<string, OwnPart>;
    fps: Map<string, IncidentFingerprint>;
  }
>();

/**
 * Each quarter's history page as a hash: the incidents it lists (their own content: name, status, impact, times,
 * newest update; the list names no component) and its links to the quarters around it. An update to this quarter's
 * incident leaves every other quarter's page as it was.
 */
export function quarterFingerprints(
  range: HistoryRange,
  timeZone: string,
  fps: ReadonlyMap<string, IncidentFingerprint>,
  global: string,
): Map<string, { fp: string; ids: string[] }> {
  const starts: { key: string; at: number }[] = [];
  for (let q = range.oldest; q <= range.newest; q = shiftQuarter(q, 1))
    starts.push({ key: q, at: +quarterStart(q, timeZone) });
  const listed = new Map(starts.map((q) => [q.key, [] as [string, string][]]));
  for (const [id, fp] of fps) {
    // The last quarter starting at or before it (incidents the public history leaves out change no page's hash).
    let [lo, hi, at] = [0, starts.length - 1, -1];
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid].at <= fp.started) [at, lo] = [mid, mid + 1];
      else hi = mid - 1;
    }
    if (at >= 0) listed.get(starts[at].key)!.push([id, fp.own]);
  }
  return new Map(
    [...listed].map(([q, list]) => {
      list.sort((a, b) => (a[0] < b[0] ? -1 : 1));
      const links = [historyHref(shiftQuarter(q, 1), range), q > range.oldest];
      return [q, { fp: sha256(JSON.stringify([global, q, links, list])), ids: list.map(([id]) => id) }];
    }),
  );
}

export interface BuildOptions {
  source: SiteSource;
  /** The cache directory (under the data directory). */
  dir: string;
  /** HERALD_URL, used when the page has no public URL of its own. */
  fallbackUrl?: string;
  full: boolean;
  /** Keep the previous copies of what the change touches only indirectly (see the top of this file). */
  defer?: boolean;
  /**
   * At most this many incidents never mirrored before are fetched (newest
   * first); the others wait for the next build, with the history pages past
   * the first. A first push of years of history goes in slices, so a publish
   * meanwhile waits for one slice, not for the whole backfill.
   */
  newLimit?: number;
  /**
   * Stop starting incidents never mirrored once this long has passed (at least
   * one is fetched): a slice ends in about this time however slow the renders
   * are, so a publish during a backfill waits for one short slice.
   */
  sliceMs?: number;
  /**
   * Fired when a newer change waits (a publish during a backfill): from then on no incident never mirrored is
   * started, those still rendering are left to the next build, and fixed and history pages not yet started keep
   * their previous copies. The build ends between files, so the change goes out in the next one.
   */
  stop?: AbortSignal;
  concurrency?: number;
  /** How long a stale answer is asked again before the build fails. */
  freshWithinMs?: number;
}

/** Fetches the site into the cache and returns its file set. */
export async function buildSite(db: Tx, opts: BuildOptions): Promise<Site> {
  const filesDir = path.join(opts.dir, "files");
  const manifestFile = path.join(opts.dir, "site.json");
  let cached: Record<string, CachedFile> = {};
  if (!opts.full) {
    try {
      const parsed = JSON.parse(readFileSync(manifestFile, "utf8"));
      if (parsed.format === FORMAT) {
        cached = parsed.files;
      }
    } catch {
      // No cache yet (or a crash during the last build removed it): fetch everything.
    }
  }
  // Removed while this build writes: a crash half way leaves no manifest to trust.
  rmSync(manifestFile, { force: true });
  mkdirSync(filesDir, { recursive: true });

  const version = await getContentVersion(db);
  const p = await loadPublicPageRow(db);
  const baseUrl = publicBaseUrl(p, opts.fallbackUrl);
  const index = await loadPublicIndex(db);
  const { fixed, perIncident } = siteKeys(index);

  const next: Record<string, CachedFile> = {};
  let fetched = 0;
  const write = (
    file: string,
    body: Buffer,
    contentType: string,
    extra: Omit<CachedFile, "sha" | "contentType"> = {},
  ) => {
    const sha = sha256(body);
    if (cached[file]?.sha !== sha) {
      const abs = path.join(filesDir, file);
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(`${abs}.tmp`, body);
      renameSync(`${abs}.tmp`, abs);
    }
    next[file] = { sha, contentType, v: version, ...extra };
  };
  let deferred = 0;
  const fetchKey = async (
    key: string,
    extra: Omit<CachedFile, "sha" | "contentType" | "refs"> = {},
    /** False once the build has gone on without this answer (a slice's time is up). */
    live = () => true,
  ): Promise<void> => {
    const res = await fetchFresh(opts.source, key, version, opts.freshWithinMs ?? 30_000);
    fetched++;
    if (!live()) return;
    const notFoundPage = key === NOT_FOUND_PAGE;
    // Gone since the index was read (deleted or unpublished meanwhile): the next push has the new index.
    if (res.status === 404 && !notFoundPage) return;
    if (res.status !== 200 && !(notFoundPage && res.status === 404))
      throw new Error(`Herald answered ${res.status} for ${key}`);
    const file = fileForKey(key);
    if (res.contentType.startsWith("text/html")) {
      const html = res.body.toString("utf8");
      // Links to other public pages are not kept: the site's keys come from the index, and the cache's manifest
      // (ten years of pages) is read and written twice per push.
      const refs = rootRelativeRefs(html).filter((r) => classifyRef(r) !== "page");
      write(file, Buffer.from(mirrorHtml(html, baseUrl)), res.contentType, { ...extra, refs });
    } else write(file, res.body, res.contentType, extra);
  };

  // "/" first: the stylesheet and fonts it links name the build, so a new build refetches every incident.
  // Only those: its links to incidents change with every new one and say nothing about the other pages.
  // Fetched at this very content version by the job's first round: the same bytes (snapshots are per version).
  const current = (key: string) => {
    const old = cached[fileForKey(key)]?.v === version ? cached[fileForKey(key)] : undefined;
    if (old) next[fileForKey(key)] = old;
    return old !== undefined;
  };
  const globalOf = (root: CachedFile | undefined) =>
    sha256(JSON.stringify([FORMAT, baseUrl, (root?.refs ?? []).filter((r) => classifyRef(r) === "asset")]));
  // "/" renders while the changed incidents do (a publish waits for one render, not two): they are compared under
  // the cached "/"'s build, checked once "/" is in.
  const root = current("/") ? undefined : fetchKey("/");
  root?.catch(() => {});
  if (root && !cached["index.html"]) await root;
  const global = globalOf(next["index.html"] ?? cached["index.html"]);
  const fps = await incidentFingerprints(db, p, global, { full: opts.full });

  const keep = (file: string) => {
    if (!cached[file]) return false;
    next[file] = cached[file];
    deferred++;
    return true;
  };
  // Social cards are images (the slowest renders) and show nothing a reader needs first: a deferring build keeps
  // their previous copies (a new incident's card follows in the next build).
  const later = (file: string) => {
    if (!keep(file)) deferred++;
  };
  const first: (() => Promise<void>)[] = [];
  // Newest first: the front page and the first history pages link to them.
  const order = [...perIncident.keys()].sort((a, b) => (fps.get(b)?.at ?? 0) - (fps.get(a)?.at ?? 0));
  let newestMirrored = Number.NEGATIVE_INFINITY;
  for (const [id, [pageKey]] of perIncident)
    if (cached[fileForKey(pageKey)]) newestMirrored = Math.max(newestMirrored, fps.get(id)?.at ?? 0);
  const sliceEnds = opts.sliceMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + opts.sliceMs;
  let fresh = 0;
  let started = 0;
  let missing = 0;
  /**
   * An incident never mirrored, within the slice's time: none is started once it is up (but one at least), and
   * those still rendering then are left to the next build (Herald finishes and keeps them: it is quick then).
   */
  const stopped = () => opts.stop?.aborted === true;
  const backfill = async (both: (live: () => boolean) => Promise<void>) => {
    if (stopped() || (started > 0 && performance.now() > sliceEnds)) return void missing++;
    let live = true;
    const done = both(() => live);
    const racers: Promise<unknown>[] = [done];
    let timer: NodeJS.Timeout | undefined;
    // The slice's time never cuts the first one short (a slice always makes progress); a newer change does.
    if (started++ > 0 && sliceEnds !== Number.POSITIVE_INFINITY)
      racers.push(
        new Promise((r) => (timer = setTimeout(() => r("late"), Math.max(0, sliceEnds - performance.now())))),
      );
    let onStop: (() => void) | undefined;
    if (opts.stop)
      racers.push(
        new Promise((r) => {
          if (opts.stop!.aborted) return r("late");
          opts.stop!.addEventListener("abort", (onStop = () => r("late")), { once: true });
        }),
      );
    if (racers.length === 1) return done;
    try {
      if ((await Promise.race(racers)) === "late") {
        live = false;
        missing++;
        done.catch(() => {});
      }
    } finally {
      clearTimeout(timer);
      if (onStop) opts.stop!.removeEventListener("abort", onStop);
    }
  };
  for (const id of order) {
    const [pageKey, cardKey] = perIncident.get(id)!;
    const fp = fps.get(id) ?? { page: "", own: "", at: 0 };
    const pageFile = fileForKey(pageKey);
    const old = cached[pageFile];
    // A deferring build brings what was published since the last push, never a backfill's older incidents: a
    // publish during a first push of years of history does not wait for a slice of them.
    const backlog = opts.defer && (fps.get(id)?.at ?? 0) < newestMirrored;
    if (!old && (backlog || (opts.newLimit !== undefined && fresh >= opts.newLimit))) {
      missing++;
      continue;
    }
    if (!old) fresh++;
    const work: ((live?: () => boolean) => Promise<void>)[] = [];
    if (old?.fp === fp.page) next[pageFile] = old;
    // Its own content is unchanged, only a component's current status moved: after the rest.
    else if (opts.defer && old?.own === fp.own) keep(pageFile);
    else work.push((live) => fetchKey(pageKey, { fp: fp.page, own: fp.own }, live));
    const cardFile = fileForKey(cardKey);
    if (cached[cardFile]?.fp === fp.own) next[cardFile] = cached[cardFile];
    else if (opts.defer) later(cardFile);
    else work.push((live) => fetchKey(cardKey, { fp: fp.own }, live));
    if (!work.length) continue;
    const both = (live?: () => boolean) => Promise.all(work.map((w) => w(live))).then(() => {});
    first.push(old ? both : () => backfill(both));
  }
  // A badge shows its component's name and status: fetched again only when those (or the build) change.
  const badgeFps = new Map(
    (await publicComponents(db, p.id)).rows.map((c) => [
      `/components/${c.id}/badge.svg`,
      sha256(JSON.stringify([global, c.name, c.status])),
    ]),
  );
  const fixedTasks: (() => Promise<void>)[] = [];
  for (const key of fixed) {
    if (key === "/" || key.startsWith("/history?") || current(key)) continue;
    const file = fileForKey(key);
    const fp = badgeFps.get(key);
    if (fp !== undefined && cached[file]?.fp === fp) next[file] = cached[file];
    // A deferring build brings "/" and the changed incident pages only: the rest follows at once.
    else if (opts.defer) later(file);
    else fixedTasks.push(async () => (stopped() ? later(file) : fetchKey(key, fp === undefined ? {} : { fp })));
  }
  // The changed incidents and the fixed pages, then the history pages.
  await pool([...first, ...fixedTasks], opts.concurrency ?? 4);
  await root;
  // Herald was built anew since the cached "/": this build compared with the old build's hashes; the next one (the
  // same job) compares with the new build's and fetches every page again.
  if (globalOf(next["index.html"]) !== global) deferred++;
  deferred += missing;
  const historyTasks: (() => Promise<void>)[] = [];
  const quarters = index.history
    ? quarterFingerprints(index.history, p.timeZone, fps, global)
    : new Map<string, never>();
  for (const key of fixed) {
    if (!key.startsWith("/history?")) continue;
    const file = fileForKey(key);
    const quarter = quarters.get(new URLSearchParams(key.slice(key.indexOf("?"))).get("quarter") ?? "");
    if (quarter && cached[file]?.fp === quarter.fp) next[file] = cached[file];
    // Deferred, or waiting for incidents it lists (a backfill): the previous copy, if any.
    else if (opts.defer || (missing && !quarter?.ids.every((id) => next[fileForKey(`/incidents/${id}`)]))) keep(file);
    else historyTasks.push(async () => void (stopped() ? keep(file) : await fetchKey(key, { fp: quarter?.fp })));
  }
  await pool(historyTasks, opts.concurrency ?? 4);

  // What the pages reference besides each other: Next's assets and public/ files,
  // and the pages only the live site can answer.
  const refs = new Set<string>();
  for (const f of Object.values(next)) for (const r of f.refs ?? []) refs.add(r.split("#")[0]);
  const assetTasks: (() => Promise<void>)[] = [];
  for (const ref of refs) {
    const kind = classifyRef(ref);
    const file = fileForKey(ref.split("?")[0]);
    if (next[file]) continue;
    if (kind === "needsOrigin") write(file, Buffer.from(needsOriginPage(p.name, baseUrl)), "text/html; charset=utf-8");
    else if (kind === "asset") {
      // Next's static files are named by content: a cached one never changes.
      if (ref.startsWith("/_next/static/") && cached[file]) next[file] = cached[file];
      else
        assetTasks.push(async () => {
          const res = await opts.source(ref);
          fetched++;
          if (res.status === 200) write(file, res.body, res.contentType);
        });
    }
  }
  await pool(assetTasks, opts.concurrency ?? 4);

  for (const file of Object.keys(cached)) if (!next[file]) rmSync(path.join(filesDir, file), { force: true });
  writeFileSync(`${manifestFile}.tmp`, JSON.stringify({ format: FORMAT, version, files: next }));
  renameSync(`${manifestFile}.tmp`, manifestFile);

  const files = new Map(Object.entries(next).map(([f, c]) => [f, { sha: c.sha, contentType: c.contentType }]));
  return { version, files, fetched, deferred, read: (file) => readFileSync(path.join(filesDir, file)) };
}

/**
 * A snapshot at `version` or newer. Right after a change the server may still
 * answer from the previous version (its poll has not seen the change yet, or
 * it serves the old page while the new one renders): asked again until it
 * catches up, or the push fails and is retried.
 */
async function fetchFresh(source: SiteSource, key: string, version: number, withinMs: number): Promise<Fetched> {
  const until = Date.now() + withinMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 500)) {
    const res = await source(key);
    if (res.version === undefined || !Number.isFinite(res.version) || res.version >= version) return res;
    if (Date.now() > until) throw new Error(`Herald still serves ${key} at version ${res.version}, not ${version}`);
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** Runs tasks with at most `n` at once; the first failure fails the whole run (after the running ones settle). */
export async function pool(tasks: readonly (() => Promise<void>)[], n: number): Promise<void> {
  let i = 0;
  let failed: unknown = null;
  const lane = async () => {
    while (failed === null && i < tasks.length) {
      const task = tasks[i++];
      try {
        await task();
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, n) }, lane));
  if (failed !== null) throw failed;
}
