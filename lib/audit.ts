import { auditLog } from "@/db/schema";
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
