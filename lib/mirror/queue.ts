// The mirror's durable queue (one open mirror_job row at most). Content changes
// are noticed by comparing page.content_version with what each target last
// received, so a write from any process (console, API, CLI, scheduler) is
// seen, and a crash loses nothing: the row, or the version gap, is still there
// after a restart. Changes in quick succession fold into one job (debounce,
// bounded so a busy incident still reaches the mirror).
import { and, asc, eq, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import { mirrorJob, mirrorTarget, page, type MirrorJob } from "@/db/schema";
import type { PublicCtx } from "../context";
import { newId } from "../ids";
import { getContentVersion } from "../page/page";

export interface QueueTiming {
  /** Quiet time after a change before pushing. */
  debounceMs: number;
  /** A push never waits longer than this after the first change of a batch. */
  maxDelayMs: number;
}

async function openJob(db: Tx): Promise<MirrorJob | undefined> {
  return db.select().from(mirrorJob).limit(1).get();
}

/**
 * Queues a push when the content moved past what a target holds. Returns the
 * open job (if any) so the caller knows when it is due.
 */
export async function noteContentVersion(
  ctx: PublicCtx,
  targetIds: readonly string[],
  t: QueueTiming,
): Promise<MirrorJob | undefined> {
  // Most passes find nothing to do: decided by reads, without taking the write lock.
  const seen = await getContentVersion(ctx.db);
  const open = await openJob(ctx.db);
  if (open && !(open.version < seen && open.leaseOwner === null)) return open;
  if (!open) {
    if (!behind(await targetStates(ctx.db), targetIds, seen)) return undefined;
  }
  // Every write in a transaction: this process runs them one at a time (db/client.ts).
  return ctx.db.transaction(async (tx) => {
    const version = await getContentVersion(tx);
    const now = ctx.now();
    // The quiet spell counts from the change itself, not from when this worker noticed it (a write in another
    // process is seen at the next tick, which may already be past the debounce). Never later than now: the
    // writer's clock may be ahead of ours.
    const changedAt = Math.min(now.getTime(), (await lastChangeAt(tx)) ?? now.getTime());
    const job = await openJob(tx);
    if (job) {
      // A newer change while the job waits: push the newest, after a quiet spell (bounded).
      if (job.version < version && job.leaseOwner === null) {
        // Never earlier than already set (a retry's backoff stands).
        const debounced = Math.min(changedAt + t.debounceMs, job.firstSeenAt.getTime() + t.maxDelayMs);
        const dueAt = new Date(Math.max(debounced, job.dueAt.getTime()));
        await tx
          .update(mirrorJob)
          .set({ version, dueAt })
          .where(and(eq(mirrorJob.id, job.id), isNull(mirrorJob.leaseOwner)));
        return { ...job, version, dueAt };
      }
      return job;
    }
    if (!behind(await targetStates(tx), targetIds, version)) return undefined;
    return insertJob(tx, { full: false, version, firstSeenAt: now, dueAt: new Date(changedAt + t.debounceMs) });
  });
}

/** When the newest content change was committed (bumpContentVersion sets the page's updated_at). */
async function lastChangeAt(db: Tx): Promise<number | undefined> {
  const row = await db.select({ at: page.updatedAt }).from(page).orderBy(asc(page.createdAt)).limit(1).get();
  return row?.at.getTime();
}

const targetStates = (db: Tx) =>
  db
    .select({ id: mirrorTarget.id, pushed: mirrorTarget.pushedVersion, requested: mirrorTarget.pushRequested })
    .from(mirrorTarget);

/** A target lacks `version`, or someone asked to push it now. */
function behind(rows: { id: string; pushed: number | null; requested: boolean }[], ids: readonly string[], v: number) {
  return ids.some((id) => {
    const r = rows.find((row) => row.id === id);
    return !r || r.pushed !== v || r.requested;
  });
}

async function insertJob(db: Tx, v: Pick<MirrorJob, "full" | "version" | "firstSeenAt" | "dueAt">): Promise<MirrorJob> {
  const row: MirrorJob = {
    id: newId(),
    attempts: 0,
    leaseOwner: null,
    leaseUntil: null,
    lastError: null,
    createdAt: v.firstSeenAt,
    ...v,
  };
  // Two workers noticing the same change at once: the table keeps one job (the other insert finds it).
  const existing = await openJob(db);
  if (existing) return existing;
  await db.insert(mirrorJob).values(row);
  return row;
}

/** `herald mirror sync` and the console's button: everything fetched and re-pushed, now. */
export async function requestFullSync(ctx: PublicCtx): Promise<void> {
  await ctx.db.transaction((tx) => queueFullSync(tx, ctx.now()));
}

/** The same inside the caller's transaction (the console's use case audits it). */
export async function queueFullSync(tx: Tx, now: Date): Promise<void> {
  const version = await getContentVersion(tx);
  const job = await openJob(tx);
  if (job)
    await tx
      .update(mirrorJob)
      .set({ full: true, version: Math.max(version, job.version), dueAt: now })
      .where(eq(mirrorJob.id, job.id));
  else await insertJob(tx, { full: true, version, firstSeenAt: now, dueAt: now });
}

/** "Push now" on one target (the caller marked it): the open job is due now, or a job is queued for now. */
export async function queuePushNow(tx: Tx, now: Date): Promise<void> {
  const job = await openJob(tx);
  if (job) await tx.update(mirrorJob).set({ dueAt: now }).where(eq(mirrorJob.id, job.id));
  else await insertJob(tx, { full: false, version: await getContentVersion(tx), firstSeenAt: now, dueAt: now });
}

/** Takes the due job for `leaseMs`; null when none is due or another worker holds it. */
export async function leaseJob(ctx: PublicCtx, owner: string, leaseMs: number): Promise<MirrorJob | null> {
  // Every write in a transaction: this process runs them one at a time (db/client.ts).
  return ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const rows = await tx
      .update(mirrorJob)
      .set({ leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) })
      .where(and(lte(mirrorJob.dueAt, now), or(isNull(mirrorJob.leaseUntil), lt(mirrorJob.leaseUntil, now))))
      .returning();
    return rows[0] ?? null;
  });
}

/** Keeps the lease while a long push runs; false when it was lost (another worker took the job over). */
export async function renewLease(ctx: PublicCtx, job: MirrorJob, owner: string, leaseMs: number): Promise<boolean> {
  // Every write in a transaction: this process runs them one at a time (db/client.ts).
  return ctx.db.transaction(async (tx) => {
    const rows = await tx
      .update(mirrorJob)
      .set({ leaseUntil: new Date(ctx.now().getTime() + leaseMs) })
      .where(and(eq(mirrorJob.id, job.id), eq(mirrorJob.leaseOwner, owner)))
      .returning({ id: mirrorJob.id });
    return rows.length > 0;
  });
}

/**
 * Every target has `pushedVersion`: the job is done unless a newer change (or
 * a full sync) arrived meanwhile, which leaves it queued with a fresh debounce.
 */
export async function completeJob(
  ctx: PublicCtx,
  job: MirrorJob,
  owner: string,
  pushedVersion: number,
  t: QueueTiming,
): Promise<void> {
  // Every write in a transaction: this process runs them one at a time (db/client.ts).
  return ctx.db.transaction(async (tx) => {
    const current = await getContentVersion(tx);
    const done = await tx
      .delete(mirrorJob)
      .where(
        and(
          eq(mirrorJob.id, job.id),
          eq(mirrorJob.leaseOwner, owner),
          lte(mirrorJob.version, pushedVersion),
          sql`${current} <= ${pushedVersion}`,
          job.full ? undefined : eq(mirrorJob.full, false),
        ),
      )
      .returning({ id: mirrorJob.id });
    if (done.length) return;
    const now = ctx.now();
    await tx
      .update(mirrorJob)
      .set({
        leaseOwner: null,
        leaseUntil: null,
        attempts: 0,
        lastError: null,
        firstSeenAt: now,
        version: Math.max(current, job.version),
        dueAt: new Date(now.getTime() + t.debounceMs),
      })
      .where(and(eq(mirrorJob.id, job.id), eq(mirrorJob.leaseOwner, owner)));
  });
}

/** A slice of a backfill was pushed: the job is due again at once, now incremental (the full compare is done). */
export async function continueJob(ctx: PublicCtx, job: MirrorJob, owner: string): Promise<void> {
  // Every write in a transaction: this process runs them one at a time (db/client.ts).
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(mirrorJob)
      // The full compare was this round's; a full sync asked for meanwhile (on a job leased as incremental) stands.
      .set({
        leaseOwner: null,
        leaseUntil: null,
        attempts: 0,
        lastError: null,
        dueAt: ctx.now(),
        ...(job.full ? { full: false } : {}),
      })
      .where(and(eq(mirrorJob.id, job.id), eq(mirrorJob.leaseOwner, owner)));
  });
}

/** A failed push: retried after an exponential backoff. */
export async function failJob(
  ctx: PublicCtx,
  job: MirrorJob,
  owner: string,
  error: string,
  backoff: { baseMs: number; maxMs: number },
): Promise<Date> {
  // Every write in a transaction: this process runs them one at a time (db/client.ts).
  return ctx.db.transaction(async (tx) => {
    const attempts = job.attempts + 1;
    const dueAt = new Date(ctx.now().getTime() + Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempts - 1)));
    await tx
      .update(mirrorJob)
      .set({ leaseOwner: null, leaseUntil: null, attempts, lastError: error.slice(0, 2000), dueAt })
      .where(and(eq(mirrorJob.id, job.id), eq(mirrorJob.leaseOwner, owner)));
    return dueAt;
  });
}
