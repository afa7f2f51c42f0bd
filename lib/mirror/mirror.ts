// The mirror job (issue 16, DESIGN.md §7): a worker step that notices content
// changes, leases the queued job, builds the static site from what Herald
// serves and pushes the difference to every target.
import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { SQLiteUpdateSetSource } from "drizzle-orm/sqlite-core";
import { mirrorJob, mirrorTarget, mirrorTargetConfig, type MirrorJob, type MirrorTarget } from "@/db/schema";
import { audit } from "../audit";
import { requireRole, type Ctx, type PublicCtx } from "../context";
import { getContentVersion } from "../page/page";
import { loadPublicPageRow } from "../public/page";
import { isPrivatePage } from "../viewers/access";
import {
  completeJob,
  continueJob,
  failJob,
  leaseJob,
  noteContentVersion,
  renewLease,
  queueFullSync,
  requestFullSync,
  type QueueTiming,
} from "./queue";
import { buildSite, pool, type Site, type SiteSource } from "./site";
import { type ConsoleTargetEnv, driversOfConfigs } from "./targets/from-config";
import { redact, type TargetDriver } from "./targets/types";

export interface MirrorDeps extends QueueTiming {
  /** The environment's targets (the operator's: trusted as written). */
  targets: readonly TargetDriver[];
  /** For the targets added in the console (mirror_target_config); absent, those are not pushed. */
  console?: ConsoleTargetEnv;
  /** Where the public site is read from (Herald's own snapshot server). */
  source: SiteSource;
  /** The site cache (under the data directory). */
  cacheDir: string;
  /** HERALD_URL: the public URL when the page has none of its own. */
  fallbackUrl?: string;
  workerId: string;
  leaseMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Incidents never mirrored fetched per round (default 250); the rest follow in the next rounds. */
  backfillSlice?: number;
  /** A round starts no incident never mirrored after this long (default 3 s; one at least). */
  backfillSliceMs?: number;
  /** Asks the worker loop to run again in `ms` (the debounce ends between its ticks). */
  wakeIn?: (ms: number) => void;
  log: (line: string) => void;
}

export interface PushResult {
  target: string;
  uploaded: number;
  deleted: number;
  error: string | null;
  /** Cut short by a newer change: the rest goes in the next round. */
  cut?: boolean;
}

/** Every target to push: the environment's, then the console's. */
export async function configuredTargets(ctx: PublicCtx, deps: Pick<MirrorDeps, "targets" | "console">) {
  if (!deps.console) return deps.targets;
  const rows = await ctx.db.select().from(mirrorTargetConfig).orderBy(mirrorTargetConfig.createdAt);
  return rows.length ? [...deps.targets, ...driversOfConfigs(rows, deps.console)] : deps.targets;
}

/** Creates the rows of configured targets and updates their labels. */
export async function registerTargets(ctx: PublicCtx, targets: readonly TargetDriver[]): Promise<void> {
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    for (const t of targets)
      await tx
        .insert(mirrorTarget)
        .values({ id: t.id, kind: t.kind, label: t.label, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: mirrorTarget.id, set: { kind: t.kind, label: t.label, updatedAt: now } });
  });
}

/** Whether a target's file (its manifest or listing value) already has these bytes. */
function holds(value: string | undefined, sha: string, read: () => Buffer): boolean {
  if (!value) return false;
  if (value === sha) return true;
  return value.startsWith("md5:") && value === `md5:${createHash("md5").update(read()).digest("hex")}`;
}

/** The stored manifest with `patch` merged in, by SQLite (RFC 7396: a null removes the file). */
const patched = (patch: Record<string, string | null>) =>
  sql<Record<string, string>>`json_patch(${mirrorTarget.manifest}, ${JSON.stringify(patch)})`;

/** Pushes what differs between the site and what the target holds. Never throws: the error is the result's. */
export async function pushTo(
  ctx: PublicCtx,
  driver: TargetDriver,
  state: MirrorTarget,
  site: Site,
  full: boolean,
  /** What an earlier push of this job sent (a deferring build's): counted into this one's figures. */
  earlier: { uploaded: number; deleted: number } = { uploaded: 0, deleted: 0 },
  /** A newer change waits: the files not yet sent stay marked unsent, the target behind (the next round sends them). */
  stop?: AbortSignal,
): Promise<PushResult> {
  const started = ctx.now();
  const setState = (v: SQLiteUpdateSetSource<typeof mirrorTarget>) =>
    ctx.db.transaction((tx) =>
      tx
        .update(mirrorTarget)
        .set({ ...v, updatedAt: ctx.now() })
        .where(eq(mirrorTarget.id, driver.id)),
    );
  // "Push now" on this target: compared with what it really holds. Cleared now, so a request during the push stands.
  const requested = state.pushRequested;
  try {
    const { listed } = await driver.begin({ full: full || requested, remoteHead: state.remoteHead });
    const held = listed ?? new Map(Object.entries(state.manifest));
    const puts = [...site.files]
      .filter(([file, f]) => !holds(held.get(file), f.sha, () => site.read(file)))
      .map(([file]) => file);
    const removes = [...held.keys()].filter((file) => !site.files.has(file));
    // The stored manifest is changed by patches (SQLite's json_patch: null removes a key) unless a listing replaced
    // it: ten years of history make it 20 000 entries, written twice per push.
    const manifestAfter = (patch: Record<string, string | null>) =>
      listed
        ? (Object.fromEntries([...held, ...Object.entries(patch)].filter(([, v]) => v !== null)) as Record<
            string,
            string
          >)
        : patched(patch);
    // Marked before anything is sent: after a crash these are rewritten or removed, whatever got through.
    await setState({
      ...(puts.length || listed ? { manifest: manifestAfter(Object.fromEntries(puts.map((f) => [f, ""]))) } : {}),
      lastAttemptAt: started,
      pushRequested: false,
    });
    const skipped = new Set<string>();
    await pool(
      puts.map((file) => async () => {
        if (stop?.aborted) return void skipped.add(file);
        const f = site.files.get(file)!;
        await driver.put(file, site.read(file), f.contentType);
      }),
      driver.concurrency,
    );
    const cut = skipped.size > 0;
    const sent = cut ? puts.filter((file) => !skipped.has(file)) : puts;
    if (cut) removes.length = 0;
    if (removes.length) await driver.remove(removes);
    const { remoteHead } = await driver.finish(
      `Status page at content version ${site.version}: ${sent.length} changed, ${removes.length} removed`,
    );
    const manifest = listed
      ? {
          ...(cut ? Object.fromEntries(held) : {}),
          ...Object.fromEntries([...site.files].map(([file, f]) => [file, skipped.has(file) ? "" : f.sha])),
        }
      : sent.length || removes.length
        ? patched({
            ...Object.fromEntries(sent.map((file) => [file, site.files.get(file)!.sha])),
            ...Object.fromEntries(removes.map((file) => [file, null])),
          })
        : undefined;
    const uploaded = earlier.uploaded + sent.length;
    const deleted = earlier.deleted + removes.length;
    // A deferred build's push is not the version yet: the target stays behind until the rest is there.
    const complete = site.deferred === 0 && !cut;
    await setState({
      ...(manifest ? { manifest } : {}),
      ...(complete
        ? { pushedVersion: site.version, pushedAt: ctx.now(), lastUploaded: uploaded, lastDeleted: deleted }
        : {}),
      remoteHead,
      lastError: null,
      lastErrorAt: null,
    });
    return { target: driver.id, uploaded, deleted, error: null, cut };
  } catch (err) {
    const error = redact(err instanceof Error ? err.message : String(err), driver.secrets).slice(0, 2000);
    await setState({ lastError: error, lastErrorAt: ctx.now(), ...(requested ? { pushRequested: true } : {}) });
    return { target: driver.id, uploaded: 0, deleted: 0, error };
  }
}

/** Builds the site once and pushes it to every target. */
export async function runJob(
  ctx: PublicCtx,
  deps: MirrorDeps,
  job: Pick<MirrorJob, "full">,
  targets: readonly TargetDriver[] = deps.targets,
): Promise<{ site: Site; results: PushResult[] }> {
  // A private page is never mirrored: the static copy would be readable by anyone.
  const page = await loadPublicPageRow(ctx.db);
  if (await isPrivatePage(ctx.db, page.id)) {
    const error = "The status page is private: it is not mirrored.";
    await ctx.db.transaction((tx) => tx.update(mirrorTarget).set({ lastError: error, lastErrorAt: ctx.now() }));
    throw new Error(error);
  }
  /** Aborted once a change newer than `version` waits (asked every 100 ms) until `end()`. */
  const newerThan = (version: number) => {
    const newer = new AbortController();
    const watch = setInterval(
      () =>
        void getContentVersion(ctx.db)
          .then((v) => v > version && newer.abort())
          .catch(() => {}),
      PREEMPT_CHECK_MS,
    );
    return { signal: newer.signal, end: () => clearInterval(watch) };
  };
  const build = async (defer: boolean, newLimit: number) => {
    // A slice of a backfill ends as soon as a newer change waits: that change goes out in the next round's deferring
    // build, not after the slice.
    const newer = defer ? undefined : newerThan(await getContentVersion(ctx.db));
    try {
      return await buildSite(ctx.db, {
        source: deps.source,
        dir: deps.cacheDir,
        fallbackUrl: deps.fallbackUrl,
        full: job.full,
        defer,
        newLimit,
        sliceMs: deps.backfillSliceMs ?? BACKFILL_SLICE_MS,
        stop: newer?.signal,
      });
    } finally {
      newer?.end();
    }
  };
  const states = async () => new Map((await ctx.db.select().from(mirrorTarget)).map((r) => [r.id, r]));
  // The front page and the changed incidents first (a deferring build), to the targets that serve files as
  // they land; git takes the whole change as one commit (a Pages host builds once per commit).
  const early = job.full ? await build(false, deps.backfillSlice ?? BACKFILL_SLICE) : await build(true, EARLY_NEW);
  let held = await states();
  const earlyTargets = early.deferred ? targets.filter((t) => t.kind !== "git" && held.has(t.id)) : [];
  // A newer change cuts a push short between files (a backfill's slice of hundreds to a slow bucket takes seconds);
  // it goes out in the next round, whose deferring build brings it first.
  const newerThanEarly = newerThan(early.version);
  const firstResults = await Promise.all(
    earlyTargets.map((t) => pushTo(ctx, t, held.get(t.id)!, early, job.full, undefined, newerThanEarly.signal)),
  ).finally(newerThanEarly.end);
  // Cut: the round ends here, and the next one's deferring build brings the newer change before any backfill.
  if (firstResults.some((r) => r.cut))
    return { site: { ...early, deferred: early.deferred + 1 }, results: firstResults };
  const site = early.deferred && !job.full ? await build(false, deps.backfillSlice ?? BACKFILL_SLICE) : early;
  held = await states();
  // Not git's push: one commit. A target removed since the list was read has no row: nothing to push there.
  const newer = newerThan(site.version);
  const results = await Promise.all(
    targets
      .filter((t) => held.has(t.id))
      .map((t) => {
        const before = firstResults.find((r) => r.target === t.id);
        // Failed in the first round: that error stands; the job is retried.
        if (before?.error) return before;
        const stop = t.kind === "git" ? undefined : newer.signal;
        return pushTo(ctx, t, held.get(t.id)!, site, job.full && !before, before, stop);
      }),
  ).finally(newer.end);
  // A cut push leaves the job to go on at once, like a backfill's slice.
  const cut = results.some((r) => r.cut) ? 1 : 0;
  return {
    site: { ...site, deferred: site.deferred + cut, fetched: site.fetched + (site === early ? 0 : early.fetched) },
    results,
  };
}

/** How often a slice asks whether a newer change waits. */
const PREEMPT_CHECK_MS = 100;
/** New incidents fetched in a job's first round (a publish brings one or a few). */
const EARLY_NEW = 20;
/** Incidents never mirrored fetched per job round: a first push of years of history goes in slices. */
const BACKFILL_SLICE = 250;
/** …and no longer than this (a slice of 250 took minutes where cards render slowly). */
const BACKFILL_SLICE_MS = 3000;

let registered: readonly TargetDriver[] | null = null;

/**
 * The worker step (lib/worker/run.ts): true when it pushed (runDueWork calls
 * it again, which then finds nothing due). Several workers may run it: the
 * lease keeps one push at a time.
 */
export async function mirrorStep(ctx: PublicCtx, deps: MirrorDeps): Promise<boolean> {
  const targets = await configuredTargets(ctx, deps);
  if (!targets.length) return false;
  if (registered !== deps.targets) {
    await registerTargets(ctx, deps.targets);
    registered = deps.targets;
  }
  const pending = await noteContentVersion(
    ctx,
    targets.map((t) => t.id),
    deps,
  );
  if (!pending) return false;
  const job = await leaseJob(ctx, deps.workerId, deps.leaseMs);
  if (!job) {
    const wait = pending.dueAt.getTime() - ctx.now().getTime();
    if (wait > 0) deps.wakeIn?.(wait);
    return false;
  }
  const heartbeat = setInterval(
    () => void renewLease(ctx, job, deps.workerId, deps.leaseMs).catch(() => {}),
    Math.max(200, deps.leaseMs / 3),
  );
  heartbeat.unref();
  try {
    const started = performance.now();
    const { site, results } = await runJob(ctx, deps, job, targets);
    const failed = results.filter((r) => r.error);
    const summary = results
      .map((r) => (r.error ? `${r.target}: failed` : `${r.target}: ${r.uploaded} up, ${r.deleted} removed`))
      .join("; ");
    deps.log(
      `[herald] mirror v${site.version}${job.full ? " (full)" : ""}: fetched ${site.fetched} of ${site.files.size} ` +
        `files in ${(performance.now() - started).toFixed(0)} ms; ${summary}`,
    );
    if (failed.length) {
      const error = failed.map((r) => `${r.target}: ${r.error}`).join("\n");
      const retryAt = await failJob(ctx, job, deps.workerId, error, {
        baseMs: deps.backoffBaseMs,
        maxMs: deps.backoffMaxMs,
      });
      deps.log(`[herald] ERROR mirror push failed, retrying at ${retryAt.toISOString()}: ${error}`);
      deps.wakeIn?.(retryAt.getTime() - ctx.now().getTime());
    } else if (site.deferred) {
      // A slice of a backfill: the job goes on at once (after any change that came meanwhile).
      await continueJob(ctx, job, deps.workerId);
      deps.wakeIn?.(0);
    } else await completeJob(ctx, job, deps.workerId, site.version, deps);
  } catch (err) {
    // The site could not be built (Herald not answering, database error): retried like a failed push.
    const error = err instanceof Error ? err.message : String(err);
    const retryAt = await failJob(ctx, job, deps.workerId, error, {
      baseMs: deps.backoffBaseMs,
      maxMs: deps.backoffMaxMs,
    });
    deps.log(`[herald] ERROR mirror build failed, retrying at ${retryAt.toISOString()}: ${error}`);
    deps.wakeIn?.(retryAt.getTime() - ctx.now().getTime());
  } finally {
    clearInterval(heartbeat);
  }
  return true;
}

export interface TargetStatus {
  id: string;
  kind: string;
  label: string;
  pushedVersion: number | null;
  pushedAt: Date | null;
  /** Versions not yet on the target (0 = up to date). */
  behind: number;
  /** How long the target has been behind, ms (0 when up to date). */
  lagMs: number;
  lastUploaded: number;
  lastDeleted: number;
  lastError: string | null;
  lastErrorAt: Date | null;
}

export interface MirrorStatus {
  currentVersion: number;
  targets: TargetStatus[];
  job: { full: boolean; dueAt: Date; attempts: number; leased: boolean; lastError: string | null } | null;
}

/** What `herald mirror status` and the console show: per target, the last push, the lag and the last error. */
export async function mirrorStatus(
  ctx: PublicCtx,
  configured: readonly Pick<TargetDriver, "id">[],
): Promise<MirrorStatus> {
  const currentVersion = await getContentVersion(ctx.db);
  const job = (await ctx.db.select().from(mirrorJob).limit(1).get()) ?? null;
  const ids = new Set(configured.map((t) => t.id));
  const rows = (await ctx.db.select().from(mirrorTarget)).filter((r) => ids.has(r.id));
  const now = ctx.now().getTime();
  return {
    currentVersion,
    job: job && {
      full: job.full,
      dueAt: job.dueAt,
      attempts: job.attempts,
      leased: job.leaseUntil !== null && job.leaseUntil.getTime() > now,
      lastError: job.lastError,
    },
    targets: rows.map((r) => {
      const behind = r.pushedVersion === null ? currentVersion : Math.max(0, currentVersion - r.pushedVersion);
      const since = job?.firstSeenAt ?? r.pushedAt ?? r.createdAt;
      return {
        id: r.id,
        kind: r.kind,
        label: r.label,
        pushedVersion: r.pushedVersion,
        pushedAt: r.pushedAt,
        behind,
        lagMs: behind ? Math.max(0, now - since.getTime()) : 0,
        lastUploaded: r.lastUploaded,
        lastDeleted: r.lastDeleted,
        lastError: r.lastError,
        lastErrorAt: r.lastErrorAt,
      };
    }),
  };
}

/**
 * `herald mirror sync`: queues a full re-sync and runs it in this process
 * (waiting for a worker that holds the lease to finish first).
 */
export async function syncNow(
  ctx: PublicCtx,
  deps: MirrorDeps,
  waitMs = 120_000,
): Promise<{ version: number; fetched: number; results: PushResult[] }> {
  const targets = await configuredTargets(ctx, deps);
  if (!targets.length)
    throw new Error(
      "No mirror target is configured (HERALD_MIRROR_DIR, HERALD_MIRROR_GIT_URL or HERALD_MIRROR_S3_BUCKET, " +
        "or Settings → Static mirror).",
    );
  await registerTargets(ctx, deps.targets);
  await requestFullSync(ctx);
  const until = Date.now() + waitMs;
  let job = await leaseJob(ctx, deps.workerId, deps.leaseMs);
  while (!job) {
    if (Date.now() > until) throw new Error("A worker is still pushing the mirror; try again later.");
    await new Promise((r) => setTimeout(r, 250));
    job = await leaseJob(ctx, deps.workerId, deps.leaseMs);
  }
  const heartbeat = setInterval(
    () => void renewLease(ctx, job, deps.workerId, deps.leaseMs).catch(() => {}),
    Math.max(200, deps.leaseMs / 3),
  );
  try {
    let round = await runJob(ctx, deps, job, targets);
    let fetched = round.site.fetched;
    // A backfill in slices: this command runs them all.
    for (let n = 2; round.site.deferred && !round.results.some((r) => r.error); n++) {
      deps.log(`[herald] mirror: ${round.site.deferred} files still to fetch (round ${n})`);
      round = await runJob(ctx, deps, { full: false }, targets);
      fetched += round.site.fetched;
    }
    const { site, results } = round;
    const failed = results.filter((r) => r.error);
    if (failed.length)
      await failJob(ctx, job, deps.workerId, failed.map((r) => `${r.target}: ${r.error}`).join("\n"), {
        baseMs: deps.backoffBaseMs,
        maxMs: deps.backoffMaxMs,
      });
    else await completeJob(ctx, job, deps.workerId, site.version, deps);
    return { version: site.version, fetched, results };
  } catch (err) {
    await failJob(ctx, job, deps.workerId, err instanceof Error ? err.message : String(err), {
      baseMs: deps.backoffBaseMs,
      maxMs: deps.backoffMaxMs,
    });
    throw err;
  } finally {
    clearInterval(heartbeat);
  }
}

/** The console's "Push everything now": an admin's request, audited; the worker runs it at once. */
export async function requestMirrorSync(ctx: Ctx): Promise<void> {
  requireRole(ctx.actor, "admin");
  await ctx.db.transaction(async (tx) => {
    await queueFullSync(tx, ctx.now());
    await audit(tx, ctx, { pageId: null, action: "mirror.sync", entityType: "mirror", entityId: null });
  });
}
