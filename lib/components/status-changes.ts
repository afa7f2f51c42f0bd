import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { ComponentStatus, StatusChangeSource } from "@/db/constants";
import { component, componentGroup, componentStatusChange, type Component } from "@/db/schema";
import { ValidationError } from "../errors";
import { newId } from "../ids";
import { enqueueNotification } from "../notifications/enqueue";
import { publicOnly } from "../public/visibility";

/** Loads live components of the page by id; unknown, deleted or foreign ids are a validation error. */
export async function loadComponentsOrThrow(
  tx: Tx,
  pageId: string,
  ids: readonly string[],
  field = "components",
): Promise<Map<string, Component>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await tx
    .select()
    .from(component)
    .where(and(eq(component.pageId, pageId), inArray(component.id, unique), isNull(component.deletedAt)));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = unique.filter((id) => !byId.has(id));
  if (missing.length)
    throw new ValidationError(`Unknown component: ${missing.join(", ")}`, {
      [field]: [`Unknown component: ${missing.join(", ")}`],
    });
  return byId;
}

export interface AppliedChange {
  componentId: string;
  name: string;
  oldStatus: ComponentStatus;
  newStatus: ComponentStatus;
  /** The component_status_change row written; null when the component already had that status. */
  changeId: string | null;
}

export interface StatusChangeOrigin {
  pageId: string;
  at: Date;
  source: StatusChangeSource;
  incidentId?: string;
  incidentUpdateId?: string;
}

/**
 * Sets component statuses: appends to the append-only component_status_change
 * log (the source of truth for uptime) and refreshes the component.status
 * cache. Components already in the requested state get no log row.
 */
export async function applyComponentStatuses(
  tx: Tx,
  components: Map<string, Component>,
  wanted: ReadonlyMap<string, ComponentStatus>,
  origin: StatusChangeOrigin,
): Promise<AppliedChange[]> {
  const applied: AppliedChange[] = [];
  for (const [id, newStatus] of wanted) {
    const c = components.get(id);
    if (!c) throw new Error(`component ${id} was not loaded`);
    const changeId = c.status === newStatus ? null : newId();
    applied.push({ componentId: id, name: c.name, oldStatus: c.status, newStatus, changeId });
    if (!changeId) continue;
    await tx.insert(componentStatusChange).values({
      id: changeId,
      pageId: origin.pageId,
      componentId: id,
      oldStatus: c.status,
      newStatus,
      at: origin.at,
      source: origin.source,
      incidentId: origin.incidentId ?? null,
      incidentUpdateId: origin.incidentUpdateId ?? null,
      createdAt: origin.at,
    });
    await tx.update(component).set({ status: newStatus, updatedAt: origin.at }).where(eq(component.id, id));
    c.status = newStatus;
  }
  return applied;
}

/**
 * Announces status changes made outside an incident update (console, API, an
 * automation rule that notifies) to the subscribers who chose component status
 * changes: one component_updated notification per change, in the caller's
 * transaction. Hidden components are not public and notify nobody. Changes
 * made by an incident update or a maintenance are announced by that update's
 * own notification (it names the affected components), so they never come here.
 */
export async function notifyComponentChanges(
  tx: Tx,
  components: ReadonlyMap<string, Pick<Component, "id" | "hidden" | "groupId">>,
  applied: readonly AppliedChange[],
  origin: Pick<StatusChangeOrigin, "pageId" | "at">,
): Promise<void> {
  if (!applied.some((a) => a.changeId)) return;
  // Hidden, or in a hidden group (publicOnly); one restricted to an audience reaches its members (enqueue).
  const groups = await tx
    .select({ id: componentGroup.id, hidden: componentGroup.hidden })
    .from(componentGroup)
    .where(eq(componentGroup.pageId, origin.pageId));
  const shown = new Set(publicOnly([...components.values()], groups).components.map((c) => c.id));
  for (const a of applied) {
    if (!a.changeId || !shown.has(a.componentId)) continue;
    await enqueueNotification(tx, {
      pageId: origin.pageId,
      kind: "component_updated",
      incidentId: null,
      incidentUpdateId: null,
      componentStatusChangeId: a.changeId,
      componentIds: [a.componentId],
      now: origin.at,
    });
  }
}
