import { and, asc, desc, eq, gte, isNull, lt, or } from "drizzle-orm";
import { z } from "zod";
import { auditLog, type AuditLogRow } from "@/db/schema";
import type { Tx } from "@/db/client";
import { parseInput, type Ctx } from "./context";
import { newId } from "./ids";
import { addDays, startOfLocalDay } from "./time/zone";

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

/** One query-string value: a repeated parameter is a mistake, not a list. */
const Param = (max: number) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v, c) => {
      if (Array.isArray(v)) {
        c.addIssue({ code: "custom", message: "Give it once" });
        return z.NEVER;
      }
      return v?.trim() || undefined;
    })
    .pipe(z.string().max(max, `At most ${max} characters`).optional());

const Day = Param(10).pipe(z.iso.date("Use a date like 2026-03-01").optional());

/**
 * The audit page's query string (`?actor=&action=&from=&to=&page=`). Dates are
 * whole days in the page's time zone, both ends included. Unknown parameters
 * are ignored (links may carry others); bad values are a ValidationError
 * whose field errors the page shows.
 */
export const AuditQueryInput = z
  .object({
    actor: Param(320),
    action: Param(100).pipe(
      z
        .string()
        .regex(/^[a-z0-9_.]+$/, "Pick an action from the list")
        .optional(),
    ),
    from: Day,
    to: Day,
    page: Param(9).pipe(
      z
        .string()
        .regex(/^[1-9]\d*$/, "Use a page number such as 2")
        .transform(Number)
        .optional(),
    ),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "The start date is after the end date", path: ["to"] });
export type AuditQuery = z.output<typeof AuditQueryInput>;

export function parseAuditQuery(raw: Record<string, string | string[] | undefined>): AuditQuery {
  return parseInput(AuditQueryInput, raw);
}

/** Distinct actors and actions in the page's log, for the filter's choices. */
export async function listAuditFacets(db: Tx, pageId: string): Promise<{ actors: string[]; actions: string[] }> {
  const where = or(eq(auditLog.pageId, pageId), isNull(auditLog.pageId));
  const actors = await db
    .selectDistinct({ v: auditLog.actorLabel })
    .from(auditLog)
    .where(where)
    .orderBy(asc(auditLog.actorLabel));
  const actions = await db
    .selectDistinct({ v: auditLog.action })
    .from(auditLog)
    .where(where)
    .orderBy(asc(auditLog.action));
  return { actors: actors.map((r) => r.v), actions: actions.map((r) => r.v) };
}

/**
 * The audit log newest first, one page at a time, optionally filtered by
 * actor (its label, exactly), action (exactly) and local days in `timeZone`.
 * Rows without a page (user management) belong to every page: Herald serves
 * one page today.
 */
export async function listAuditLog(
  db: Tx,
  pageId: string,
  opts: { page?: number; perPage?: number; filter?: Omit<AuditQuery, "page">; timeZone?: string } = {},
): Promise<AuditLogPage> {
  const perPage = Math.min(Math.max(Math.trunc(opts.perPage ?? AUDIT_PAGE_SIZE), 1), 200);
  const f = opts.filter ?? {};
  const tz = opts.timeZone ?? "UTC";
  const where = and(
    or(eq(auditLog.pageId, pageId), isNull(auditLog.pageId)),
    f.actor === undefined ? undefined : eq(auditLog.actorLabel, f.actor),
    f.action === undefined ? undefined : eq(auditLog.action, f.action),
    f.from === undefined ? undefined : gte(auditLog.at, startOfLocalDay(f.from, tz)),
    f.to === undefined ? undefined : lt(auditLog.at, startOfLocalDay(addDays(f.to, 1), tz)),
  );
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
