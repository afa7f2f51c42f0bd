// Statuspage management API v1 shapes: rows → JSON (snake_case, ISO-8601 UTC
// timestamps, ids unchanged) and the read queries behind the v1 endpoints.
// Reads only: nothing here writes.
import { and, asc, desc, eq, exists, inArray, isNull, or, sql } from "drizzle-orm";
import type { Tx } from "@/db/client";
import {
  component,
  componentGroup,
  incident,
  incidentUpdate,
  type Component,
  type ComponentGroup,
  type Incident,
  type IncidentUpdate,
  type Page,
} from "@/db/schema";
import { type ComponentChange, componentChangesOf } from "../incidents/queries";
import { NotFoundError } from "../errors";
import { maintenanceUnderway, openStatus } from "../status/conditions";
import { compareUpdatesNewestFirst } from "../status/rules";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function pageV1(p: Page) {
  return {
    id: p.id,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
    name: p.name,
    url: p.url,
    domain: p.url ? new URL(p.url).host : null,
    time_zone: p.timeZone,
    support_url: p.supportUrl,
  };
}

export function componentV1(c: Component) {
  return {
    id: c.id,
    page_id: c.pageId,
    group_id: c.groupId,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    group: false,
    name: c.name,
    description: c.description,
    position: c.position,
    status: c.status,
    showcase: c.showcase,
    only_show_if_degraded: c.onlyShowIfDegraded,
    start_date: c.startDate,
    // Herald's own: hidden components never reach the public page.
    hidden: c.hidden,
  };
}
export type ComponentV1 = ReturnType<typeof componentV1>;

export function componentGroupV1(g: ComponentGroup, memberIds: string[]) {
  return {
    id: g.id,
    page_id: g.pageId,
    name: g.name,
    description: g.description,
    components: memberIds,
    position: g.position,
    created_at: iso(g.createdAt),
    updated_at: iso(g.updatedAt),
    hidden: g.hidden,
  };
}
export type ComponentGroupV1 = ReturnType<typeof componentGroupV1>;

export function incidentUpdateV1(u: IncidentUpdate, affected: ComponentChange[]) {
  return {
    id: u.id,
    status: u.status,
    body: u.body,
    incident_id: u.incidentId,
    created_at: iso(u.createdAt),
    updated_at: iso(u.updatedAt),
    display_at: iso(u.displayAt),
    affected_components: affected.length
      ? affected.map((a) => ({ code: a.componentId, name: a.name, old_status: a.oldStatus, new_status: a.newStatus }))
      : null,
    deliver_notifications: u.deliverNotifications,
    custom_tweet: null,
    tweet_id: null,
    twitter_updated_at: null,
    wants_twitter_update: false,
  };
}
export type IncidentUpdateV1 = ReturnType<typeof incidentUpdateV1>;

/** The incident's public address, when the page's public URL is known. */
export function shortlink(p: Page, incidentId: string): string | null {
  return p.url ? `${p.url}/incidents/${incidentId}` : null;
}

export function incidentV1(p: Page, i: Incident, updates: IncidentUpdateV1[], components: ComponentV1[]) {
  return {
    id: i.id,
    name: i.name,
    status: i.status,
    // Statuspage reports a maintenance's impact as "maintenance".
    impact: i.kind === "maintenance" ? "maintenance" : i.impact,
    impact_override: i.impactOverride,
    created_at: iso(i.createdAt),
    updated_at: iso(i.updatedAt),
    started_at: iso(i.startedAt),
    monitoring_at: iso(i.monitoringAt),
    resolved_at: iso(i.resolvedAt),
    shortlink: shortlink(p, i.id),
    page_id: i.pageId,
    backfilled: i.backfilled,
    postmortem_body: i.postmortemBody,
    postmortem_published_at: iso(i.postmortemPublishedAt),
    scheduled_for: iso(i.scheduledFor),
    scheduled_until: iso(i.scheduledUntil),
    scheduled_remind_prior: i.scheduledRemindPrior,
    scheduled_reminded_at: iso(i.reminderSentAt),
    scheduled_auto_in_progress: i.scheduledAutoInProgress,
    scheduled_auto_completed: i.scheduledAutoCompleted,
    auto_transition_to_maintenance_state: i.autoTransitionToMaintenanceState,
    auto_transition_to_operational_state: i.autoTransitionToOperationalState,
    auto_transition_deliver_notifications_at_start: i.autoTransitionDeliverNotificationsAtStart,
    auto_transition_deliver_notifications_at_end: i.autoTransitionDeliverNotificationsAtEnd,
    incident_updates: updates,
    components,
  };
}
export type IncidentV1 = ReturnType<typeof incidentV1>;

// ---------------------------------------------------------------- loaders

const liveComponents = (pageId: string) => and(eq(component.pageId, pageId), isNull(component.deletedAt));

export async function listComponentsV1(db: Tx, pageId: string): Promise<ComponentV1[]> {
  const rows = await db
    .select()
    .from(component)
    .where(liveComponents(pageId))
    .orderBy(asc(component.position), asc(component.createdAt));
  return rows.map(componentV1);
}

async function groupMembers(db: Tx, pageId: string, groupIds: string[]): Promise<Map<string, string[]>> {
  const members = new Map<string, string[]>(groupIds.map((id) => [id, []]));
  if (!groupIds.length) return members;
  const rows = await db
    .select({ id: component.id, groupId: component.groupId })
    .from(component)
    .where(and(liveComponents(pageId), inArray(component.groupId, groupIds)))
    .orderBy(asc(component.position), asc(component.createdAt));
  for (const r of rows) members.get(r.groupId!)?.push(r.id);
  return members;
}

export async function listComponentGroupsV1(db: Tx, pageId: string): Promise<ComponentGroupV1[]> {
  const groups = await db
    .select()
    .from(componentGroup)
    .where(eq(componentGroup.pageId, pageId))
    .orderBy(asc(componentGroup.position), asc(componentGroup.createdAt));
  const members = await groupMembers(
    db,
    pageId,
    groups.map((g) => g.id),
  );
  return groups.map((g) => componentGroupV1(g, members.get(g.id) ?? []));
}

export async function getComponentGroupV1(db: Tx, pageId: string, id: string): Promise<ComponentGroupV1> {
  const g = await db.query.componentGroup.findFirst({
    where: and(eq(componentGroup.id, id), eq(componentGroup.pageId, pageId)),
  });
  if (!g) throw new NotFoundError("Component group");
  const members = await groupMembers(db, pageId, [id]);
  return componentGroupV1(g, members.get(id) ?? []);
}

/** Incidents with their timelines (newest update first) and affected components, in the order given. */
export async function incidentsV1(db: Tx, p: Page, rows: Incident[]): Promise<IncidentV1[]> {
  if (!rows.length) return [];
  const updates = await db
    .select()
    .from(incidentUpdate)
    .where(
      inArray(
        incidentUpdate.incidentId,
        rows.map((r) => r.id),
      ),
    );
  updates.sort(compareUpdatesNewestFirst);
  const affected = await componentChangesOf(
    db,
    updates.map((u) => u.id),
  );
  const affectedIds = [...new Set(affected.map((a) => a.componentId))];
  // Deleted components stay named in the timeline but are no longer listed as objects.
  const components = affectedIds.length
    ? await db
        .select()
        .from(component)
        .where(and(inArray(component.id, affectedIds), isNull(component.deletedAt)))
        .orderBy(asc(component.position), asc(component.name))
    : [];
  return rows.map((i) => {
    const own = updates.filter((u) => u.incidentId === i.id);
    const ownUpdateIds = new Set(own.map((u) => u.id));
    const ownAffected = affected.filter((a) => ownUpdateIds.has(a.updateId));
    const ownComponentIds = new Set(ownAffected.map((a) => a.componentId));
    return incidentV1(
      p,
      i,
      own.map((u) =>
        incidentUpdateV1(
          u,
          ownAffected.filter((a) => a.updateId === u.id),
        ),
      ),
      components.filter((c) => ownComponentIds.has(c.id)).map(componentV1),
    );
  });
}

/** An incident or a maintenance: Statuspage serves both under /incidents/{id}. */
export async function getIncidentV1(db: Tx, p: Page, id: string): Promise<IncidentV1> {
  const row = await db.query.incident.findFirst({ where: and(eq(incident.id, id), eq(incident.pageId, p.id)) });
  if (!row) throw new NotFoundError("Incident");
  const [out] = await incidentsV1(db, p, [row]);
  return out;
}

export async function getIncidentUpdateV1(
  db: Tx,
  p: Page,
  incidentId: string,
  updateId: string,
): Promise<IncidentUpdateV1> {
  const found = (await getIncidentV1(db, p, incidentId)).incident_updates.find((u) => u.id === updateId);
  if (!found) throw new NotFoundError("Incident update");
  return found;
}

export interface ListIncidentsQuery {
  /** Text searched in the name and the updates' bodies. */
  q?: string;
  limit: number;
  /** 1-based. */
  page: number;
  unresolvedOnly?: boolean;
}

/** Newest first (by start time); backfilled history sorts by when it happened. */
export async function listIncidentsV1(db: Tx, p: Page, query: ListIncidentsQuery): Promise<IncidentV1[]> {
  const conditions = [eq(incident.pageId, p.id), eq(incident.kind, "incident")];
  if (query.unresolvedOnly) conditions.push(openStatus);
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const matches = (col: typeof incident.name | typeof incidentUpdate.body) => sql`${col} like ${pattern} escape '\\'`;
    conditions.push(
      or(
        matches(incident.name),
        exists(
          db
            .select({ one: sql`1` })
            .from(incidentUpdate)
            .where(and(eq(incidentUpdate.incidentId, incident.id), matches(incidentUpdate.body))),
        ),
      )!,
    );
  }
  const rows = await db
    .select()
    .from(incident)
    .where(and(...conditions))
    .orderBy(desc(incident.startedAt), desc(incident.createdAt), desc(incident.id))
    .limit(query.limit)
    .offset((query.page - 1) * query.limit);
  return incidentsV1(db, p, rows);
}

/**
 * Statuspage's maintenance lists: `upcoming` (not started, soonest first),
 * `active_maintenance` (in progress or verifying, soonest first) and
 * `scheduled` (every maintenance, latest window first).
 */
export type MaintenanceListV1 = "upcoming" | "active" | "scheduled";

export async function listMaintenancesV1(
  db: Tx,
  p: Page,
  which: MaintenanceListV1,
  query: Pick<ListIncidentsQuery, "limit" | "page">,
): Promise<IncidentV1[]> {
  const where = { upcoming: eq(incident.status, "scheduled"), active: maintenanceUnderway, scheduled: undefined }[
    which
  ];
  const order =
    which === "scheduled"
      ? [desc(incident.scheduledFor), desc(incident.id)]
      : [asc(incident.scheduledFor), asc(incident.id)];
  const rows = await db
    .select()
    .from(incident)
    .where(and(eq(incident.pageId, p.id), eq(incident.kind, "maintenance"), where))
    .orderBy(...order)
    .limit(query.limit)
    .offset((query.page - 1) * query.limit);
  return incidentsV1(db, p, rows);
}
