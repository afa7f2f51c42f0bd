import { desc, eq, isNull, or } from "drizzle-orm";
import { auditLog, type AuditLogRow } from "@/db/schema";
import type { Tx } from "@/db/client";
import type { Ctx } from "./context";
import { newId } from "./ids";

export interface AuditEntry {
  pageId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

/** Appends one audit row inside the caller's transaction. */
export async function audit(tx: Tx, ctx: Ctx, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    id: newId(),
    pageId: entry.pageId,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    actorLabel: ctx.actor.label,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    at: ctx.now(),
  });
}

export const AUDIT_PAGE_SIZE = 50;

export interface AuditLogEntry {
  id: string;
  at: Date;
  actorType: AuditLogRow["actorType"];
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditLogPage {
  entries: AuditLogEntry[];
  /** 1-based, clamped to the last page. */
  page: number;
  pageCount: number;
  total: number;
}

/**
 * The audit log newest first, one page at a time. Rows without a page (user
 * management) belong to every page: Herald serves one page today.
 */
export async function listAuditLog(db: Tx, pageId: string, opts: { page?: number; perPage?: number } = {}): Promise<AuditLogPage> {
  const perPage = Math.min(Math.max(Math.trunc(opts.perPage ?? AUDIT_PAGE_SIZE), 1), 200);
  const where = or(eq(auditLog.pageId, pageId), isNull(auditLog.pageId));
  const total = await db.$count(auditLog, where);
  const pageCount = Math.max(1, Math.ceil(total / perPage));
  const wanted = Number.isFinite(opts.page) ? Math.trunc(opts.page!) : 1;
  const current = Math.min(Math.max(wanted, 1), pageCount);
  const rows = await db
    .select()
    .from(auditLog)
    .where(where)
    // Same-millisecond rows keep a stable order through the random id.
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(perPage)
    .offset((current - 1) * perPage);
  const entries = rows.map((r) => ({
    id: r.id,
    at: r.at,
    actorType: r.actorType,
    actorLabel: r.actorLabel,
    action: r.action,
    entityType: r.entityType,
    entityId: r.entityId,
    before: r.before,
    after: r.after,
  }));
  return { entries, page: current, pageCount, total };
}
