// Read models for the admin console: plain DTOs with the columns its pages need.
import { and, asc, desc, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { AnyIncidentStatus, ComponentStatus, Impact, Urgency } from "@/db/constants";
import { component, incident, incidentUpdate, incidentUpdateComponent, user } from "@/db/schema";
import { type ConsoleNote, notesOfUpdates } from "../audiences/audiences";
import { publishedUpdate } from "../public/visibility";
import { postmortemDto, type PostmortemDto } from "./postmortem";
import { openNewestFirst, openStatus } from "../status/conditions";
import { compareUpdatesNewestFirst } from "../status/rules";

export interface ConsoleAffectedComponent {
  id: string;
  name: string;
  /** The component's status now (null once it was deleted). */
  currentStatus: ComponentStatus | null;
}

export interface ConsoleIncidentSummary {
  id: string;
  name: string;
  status: AnyIncidentStatus;
  impact: Impact;
  impactOverride: Impact | null;
  backfilled: boolean;
  startedAt: Date;
  resolvedAt: Date | null;
  lastUpdateAt: Date;
  components: ConsoleAffectedComponent[];
}

export interface ConsoleUpdateComponent {
  id: string;
  name: string;
  oldStatus: ComponentStatus;
  newStatus: ComponentStatus;
}

export interface ConsoleIncidentUpdate {
  id: string;
  status: AnyIncidentStatus;
  body: string;
  displayAt: Date;
  createdAt: Date;
  updatedAt: Date;
  deliverNotifications: boolean;
  /** Set while the update is scheduled and not yet public. */
  publishAt: Date | null;
  authorName: string | null;
  components: ConsoleUpdateComponent[];
  /** Internal notes shown only to their audiences (issue 13). */
  notes: ConsoleNote[];
}

export interface ConsoleIncidentDetail extends ConsoleIncidentSummary {
  identifiedAt: Date | null;
  monitoringAt: Date | null;
  /** When it went public (null while a scheduled incident waits for publishAt). */
  publishedAt: Date | null;
  publishAt: Date | null;
  /** Internal practice (lib/incidents/practice.ts): who owns it and how urgent it is. */
  ownerUserId: string | null;
  urgency: Urgency | null;
  postmortem: PostmortemDto;
  /** Newest first (display time, then posting order). */
  updates: ConsoleIncidentUpdate[];
}

type IncidentRow = typeof incident.$inferSelect;

async function summarize(db: Tx, rows: IncidentRow[]): Promise<ConsoleIncidentSummary[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const updates = await db
    .select({ incidentId: incidentUpdate.incidentId, displayAt: incidentUpdate.displayAt })
    .from(incidentUpdate)
    .where(and(inArray(incidentUpdate.incidentId, ids), publishedUpdate));
  // Scheduled updates don't count yet: not for the last update time, not for the affected components.
  const affected = await db
    .selectDistinct({
      incidentId: incidentUpdate.incidentId,
      id: component.id,
      name: component.name,
      status: component.status,
      deletedAt: component.deletedAt,
    })
    .from(incidentUpdateComponent)
    .innerJoin(incidentUpdate, eq(incidentUpdate.id, incidentUpdateComponent.incidentUpdateId))
    .innerJoin(component, eq(component.id, incidentUpdateComponent.componentId))
    .where(and(inArray(incidentUpdate.incidentId, ids), publishedUpdate))
    .orderBy(asc(component.position), asc(component.name));
  const lastUpdate = new Map<string, Date>();
  for (const u of updates) {
    const prev = lastUpdate.get(u.incidentId);
    if (!prev || u.displayAt > prev) lastUpdate.set(u.incidentId, u.displayAt);
  }
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    impact: r.impact,
    impactOverride: r.impactOverride,
    backfilled: r.backfilled,
    startedAt: r.startedAt,
    resolvedAt: r.resolvedAt,
    lastUpdateAt: lastUpdate.get(r.id) ?? r.startedAt,
    components: affected
      .filter((a) => a.incidentId === r.id)
      .map((a) => ({ id: a.id, name: a.name, currentStatus: a.deletedAt ? null : a.status })),
  }));
}

/** Open incidents (all of them, newest first) and the most recently resolved ones. */
export async function listConsoleIncidents(db: Tx, pageId: string, opts: { resolvedLimit?: number } = {}) {
  const base = and(eq(incident.pageId, pageId), eq(incident.kind, "incident"));
  const open = await db.select().from(incident).where(and(base, openStatus)).orderBy(openNewestFirst);
  const resolved = await db
    .select()
    .from(incident)
    .where(and(base, isNotNull(incident.resolvedAt)))
    .orderBy(desc(incident.resolvedAt))
    .limit(opts.resolvedLimit ?? 10);
  return { open: await summarize(db, open), resolved: await summarize(db, resolved) };
}

export async function getConsoleIncident(db: Tx, pageId: string, id: string): Promise<ConsoleIncidentDetail | null> {
  const row = await db.query.incident.findFirst({
    where: and(eq(incident.id, id), eq(incident.pageId, pageId), eq(incident.kind, "incident")),
  });
  if (!row) return null;
  const [summary] = await summarize(db, [row]);
  const updates = await db
    .select({
      id: incidentUpdate.id,
      status: incidentUpdate.status,
      body: incidentUpdate.body,
      displayAt: incidentUpdate.displayAt,
      seq: incidentUpdate.seq,
      createdAt: incidentUpdate.createdAt,
      updatedAt: incidentUpdate.updatedAt,
      deliverNotifications: incidentUpdate.deliverNotifications,
      publishAt: incidentUpdate.publishAt,
      authorName: user.name,
    })
    .from(incidentUpdate)
    .leftJoin(user, eq(user.id, incidentUpdate.authorUserId))
    .where(eq(incidentUpdate.incidentId, id));
  updates.sort(compareUpdatesNewestFirst);
  const changes = await componentChangesOf(
    db,
    updates.map((u) => u.id),
  );
  const notes = await notesOfUpdates(
    db,
    updates.map((u) => u.id),
  );
  return {
    ...summary,
    identifiedAt: row.identifiedAt,
    monitoringAt: row.monitoringAt,
    publishedAt: row.publishedAt,
    publishAt: row.publishAt,
    ownerUserId: row.ownerUserId,
    urgency: row.urgency,
    postmortem: postmortemDto(row),
    updates: updates.map(({ seq: _seq, ...u }) => ({
      ...u,
      components: changes
        .filter((c) => c.updateId === u.id)
        .map((c) => ({ id: c.componentId, name: c.name, oldStatus: c.oldStatus, newStatus: c.newStatus })),
      notes: notes.get(u.id) ?? [],
    })),
  };
}

/** Live components that are not operational, for the console's overview. */
export async function listDegradedComponents(db: Tx, pageId: string) {
  const rows = await db
    .select({ id: component.id, name: component.name, status: component.status, hidden: component.hidden })
    .from(component)
    .where(and(eq(component.pageId, pageId), isNull(component.deletedAt)))
    .orderBy(asc(component.position), asc(component.name));
  return rows.filter((r) => r.status !== "operational");
}

/** Per update, the components it changed (old → new status), in page order; deleted components keep their name. */
export interface ComponentChange {
  updateId: string;
  componentId: string;
  name: string;
  oldStatus: ComponentStatus;
  newStatus: ComponentStatus;
}

export async function componentChangesOf(db: Tx, updateIds: string[]): Promise<ComponentChange[]> {
  if (!updateIds.length) return [];
  return db
    .select({
      updateId: incidentUpdateComponent.incidentUpdateId,
      componentId: incidentUpdateComponent.componentId,
      name: component.name,
      oldStatus: incidentUpdateComponent.oldStatus,
      newStatus: incidentUpdateComponent.newStatus,
    })
    .from(incidentUpdateComponent)
    .innerJoin(component, eq(component.id, incidentUpdateComponent.componentId))
    .where(inArray(incidentUpdateComponent.incidentUpdateId, updateIds))
    .orderBy(asc(component.position), asc(component.name));
}
