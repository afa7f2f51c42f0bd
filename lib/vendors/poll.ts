// Polling vendor pages (a runDueWork step). One unit = one component: lease
// it (a conditional UPDATE, so processes and lanes never poll the same one
// twice), fetch outside any transaction through the SSRF-safe fetch with
// If-None-Match and a deadline, then record the result and mirror the status
// (source "vendor") in one transaction. Mirrored changes show on the page and
// in uptime but notify nobody (Statuspage's behaviour for vendor components).
import { and, asc, eq, isNull, lte, or } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { ComponentStatus } from "@/db/constants";
import { component, componentVendor, type ComponentVendor } from "@/db/schema";
import { audit } from "../audit";
import { applyComponentStatuses } from "../components/status-changes";
import type { Ctx, PublicCtx } from "../context";
import { NetError, type NetPolicy, netPolicyFromEnv, safeFetch } from "../net/fetch";
import { bumpContentVersion } from "../page/page";
import { readVendorStatus, UnreadableStatusError } from "./read";

export const POLL_EVERY_MS = 60_000;
/** Longer than a poll can take (the deadline plus recording). */
const LEASE_MS = 30_000;

export interface PollDeps {
  /** Default netPolicyFromEnv(): https to public addresses only. */
  policy?: NetPolicy;
  /** Default 10 s. */
  timeoutMs?: number;
}

/** Summaries are small; a vendor with hundreds of components stays well under this. */
const MAX_SUMMARY_BYTES = 2 * 1024 * 1024;

type Outcome =
  | { kind: "status"; status: ComponentStatus; etag: string | null }
  | { kind: "not_modified" }
  | { kind: "error"; message: string };

async function fetchStatus(v: ComponentVendor, deps: PollDeps): Promise<Outcome> {
  try {
    const res = await safeFetch(v.url, {
      headers: {
        accept: "application/json",
        "user-agent": "Herald status page (vendor component)",
        ...(v.etag ? { "if-none-match": v.etag } : {}),
      },
      timeoutMs: deps.timeoutMs ?? 10_000,
      maxResponseBytes: MAX_SUMMARY_BYTES,
      policy: deps.policy ?? netPolicyFromEnv(),
    });
    if (res.status === 304) return { kind: "not_modified" };
    if (res.status < 200 || res.status > 299) return { kind: "error", message: `HTTP ${res.status}` };
    if (res.truncated) return { kind: "error", message: "unreadable: the answer is over 2 MB" };
    let body: unknown;
    try {
      body = JSON.parse(res.body.toString("utf8"));
    } catch {
      return { kind: "error", message: "unreadable: the answer is not JSON" };
    }
    const etag = typeof res.headers.etag === "string" ? res.headers.etag.slice(0, 200) : null;
    return { kind: "status", status: readVendorStatus(v.kind, body, v.vendorComponentId), etag };
  } catch (err) {
    if (err instanceof UnreadableStatusError) return { kind: "error", message: `unreadable: ${err.message}` };
    if (err instanceof NetError) return { kind: "error", message: `${err.code}: ${err.message}` };
    throw err;
  }
}

/** Leases the component due soonest: "none" when none is due, "taken" when another lane won it. */
async function leaseNext(ctx: PublicCtx): Promise<ComponentVendor | "none" | "taken"> {
  const now = ctx.now();
  const free = or(isNull(componentVendor.leaseUntil), lte(componentVendor.leaseUntil, now));
  // A deleted component's settings stay for its history but are never polled.
  const next = await ctx.db
    .select({ row: componentVendor })
    .from(componentVendor)
    .innerJoin(component, eq(component.id, componentVendor.componentId))
    .where(and(lte(componentVendor.nextPollAt, now), free, isNull(component.deletedAt)))
    .orderBy(asc(componentVendor.nextPollAt))
    .limit(1)
    .get();
  if (!next) return "none";
  const claim = await ctx.db
    .update(componentVendor)
    .set({ leaseUntil: new Date(now.getTime() + LEASE_MS) })
    .where(and(eq(componentVendor.componentId, next.row.componentId), lte(componentVendor.nextPollAt, now), free));
  return claim.rowsAffected === 1 ? next.row : "taken";
}

/** runDueWork step: polls one due vendor component; false when none is due. */
export async function pollOneVendor(ctx: PublicCtx, deps: PollDeps = {}): Promise<boolean> {
  const v = await leaseNext(ctx);
  if (v === "none") return false;
  // Another lane took it: there may be more work, so the step runs again.
  if (v === "taken") return true;
  const outcome = await fetchStatus(v, deps);
  const now = ctx.now();
  await ctx.db.transaction(async (tx) => {
    const current = await tx.query.componentVendor.findFirst({ where: eq(componentVendor.componentId, v.componentId) });
    // Removed or re-pointed meanwhile: this answer is for a page it no longer follows.
    if (!current || current.url !== v.url || current.vendorComponentId !== v.vendorComponentId) return;
    const base = {
      lastPolledAt: now,
      leaseUntil: null,
      nextPollAt: new Date(now.getTime() + POLL_EVERY_MS),
      updatedAt: now,
    };
    if (outcome.kind === "error") {
      await tx
        .update(componentVendor)
        .set({ ...base, lastResult: outcome.message.slice(0, 300) })
        .where(eq(componentVendor.componentId, v.componentId));
      return;
    }
    const vendorStatus = outcome.kind === "status" ? outcome.status : current.vendorStatus;
    await tx
      .update(componentVendor)
      .set({
        ...base,
        lastResult: outcome.kind === "status" ? "ok" : "not_modified",
        lastOkAt: now,
        vendorStatus,
        ...(outcome.kind === "status" ? { etag: outcome.etag } : {}),
      })
      .where(eq(componentVendor.componentId, v.componentId));
    if (current.following && vendorStatus) await mirror(tx, ctx, current, vendorStatus, now);
  });
  return true;
}

async function mirror(tx: Tx, pctx: PublicCtx, v: ComponentVendor, status: ComponentStatus, now: Date): Promise<void> {
  const c = await tx.query.component.findFirst({
    where: and(eq(component.id, v.componentId), isNull(component.deletedAt)),
  });
  if (!c || c.status === status) return;
  const before = c.status;
  await applyComponentStatuses(tx, new Map([[c.id, c]]), new Map([[c.id, status]]), {
    pageId: c.pageId,
    at: now,
    source: "vendor",
  });
  if (!c.hidden) await bumpContentVersion(tx, c.pageId, now);
  const ctx: Ctx = {
    ...pctx,
    actor: { type: "system", id: null, label: `vendor: ${new URL(v.url).host}`, role: "editor" },
  };
  await audit(tx, ctx, {
    pageId: c.pageId,
    action: "component.vendor_status",
    entityType: "component",
    entityId: c.id,
    before: { status: before },
    after: { status },
  });
}
