// The syndication model behind API v2 (lib/statuspage/v2.ts renders it).
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { AnyIncidentStatus, ComponentStatus, Impact, IncidentKind } from "@/db/constants";
import { incident, incidentUpdate, incidentUpdateComponent, type Component, type Incident } from "@/db/schema";
import { maintenanceUnderway, openNewestFirst, openStatus } from "../status/conditions";
import { compareUpdatesNewestFirst, worstComponentStatus, type OverallStatus } from "../status/rules";
import { overallOf } from "./badges/overall";
import { publicIncidentFields } from "./incident";
import { loadPublicPageRow, publicPageOf, type PublicPage } from "./page";
import {
  ANONYMOUS,
  publicComponents,
  publishedUpdate,
  scopeFor,
  visibleIncidentOn,
  withScopedImpact,
  type Viewer,
} from "./visibility";

/** A component or group row as Statuspage's API v2 lists it. */
export interface SyndicatedComponent {
  id: string;
  name: string;
  description: string | null;
  status: ComponentStatus;
  /** 1-based, in display order: ungrouped components, then each group followed by its members. */
  position: number;
  showcase: boolean;
  startDate: string | null;
  groupId: string | null;
  onlyShowIfDegraded: boolean;
  createdAt: Date;
  updatedAt: Date;
  /** Member ids on a group row; null on a component row. */
  memberIds: string[] | null;
}

export interface SyndicatedAffected {
  id: string;
  name: string;
  oldStatus: ComponentStatus;
  newStatus: ComponentStatus;
}

export interface SyndicatedUpdate {
  id: string;
  status: AnyIncidentStatus;
  /** The markdown source as written (public text; API clients render it themselves). */
  body: string;
  displayAt: Date;
  createdAt: Date;
  updatedAt: Date;
  deliverNotifications: boolean;
  /** Public components this update changed or named. */
  affected: SyndicatedAffected[];
}

export interface SyndicatedIncident {
  id: string;
  kind: IncidentKind;
  name: string;
  status: AnyIncidentStatus;
  impact: Impact;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date;
  monitoringAt: Date | null;
  resolvedAt: Date | null;
  scheduledFor: Date | null;
  scheduledUntil: Date | null;
  /** Newest first. */
  updates: SyndicatedUpdate[];
  /** Public components named by any update, as full rows. */
  components: SyndicatedComponent[];
}

export type IncidentSelection = "none" | "recent" | "unresolved";
export type MaintenanceSelection = "none" | "recent" | "upcoming" | "active" | "open";

export interface SyndicationData {
  page: PublicPage & { updatedAt: Date };
  overall: OverallStatus;
  components: SyndicatedComponent[];
  incidents: SyndicatedIncident[];
  maintenances: SyndicatedIncident[];
}

/** Statuspage's limit on list endpoints. */
export const SYNDICATION_LIST_LIMIT = 50;

const MAINTENANCE_WHERE: Record<Exclude<MaintenanceSelection, "none" | "recent">, SQL | undefined> = {
  upcoming: eq(incident.status, "scheduled"),
  active: maintenanceUnderway,
  open: openStatus,
};

/**
 * Everything one API v2 endpoint needs, public data only: components of
 * visible groups that are not hidden or deleted, published incidents and
 * maintenances, and affected components filtered to the same visible set.
 */
export async function loadSyndication(
  db: Tx,
  select: { incidents: IncidentSelection; maintenances: MaintenanceSelection },
  viewer: Viewer = ANONYMOUS,
): Promise<SyndicationData> {
  const p = await loadPublicPageRow(db);
  const scope = await scopeFor(db, p.id, viewer);
  const { rows, groups } = await publicComponents(db, p.id, scope);

  const components: SyndicatedComponent[] = [];
  const row = (c: Component): SyndicatedComponent => ({
    id: c.id,
    name: c.name,
    description: c.description,
    status: c.status,
    position: components.length + 1,
    showcase: c.showcase,
    startDate: c.startDate,
    groupId: c.groupId,
    onlyShowIfDegraded: c.onlyShowIfDegraded,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    memberIds: null,
  });
  for (const c of rows.filter((c) => c.groupId === null)) components.push(row(c));
  for (const g of groups) {
    const members = rows.filter((c) => c.groupId === g.id);
    if (!members.length) continue;
    components.push({
      id: g.id,
      name: g.name,
      description: g.description,
      status: worstComponentStatus(members.map((c) => c.status)),
      position: components.length + 1,
      showcase: false,
      startDate: null,
      groupId: null,
      onlyShowIfDegraded: false,
      createdAt: g.createdAt,
      updatedAt: g.updatedAt,
      memberIds: members.map((c) => c.id),
    });
    for (const c of members) components.push(row(c));
  }
  const byId = new Map(components.filter((c) => c.memberIds === null).map((c) => [c.id, c]));

  const listed = (kind: IncidentKind, where: SQL | undefined, order: SQL[], recent: boolean) =>
    db
      .select()
      .from(incident)
      .where(and(visibleIncidentOn(scope), eq(incident.kind, kind), where))
      .orderBy(...order)
      .limit(recent ? SYNDICATION_LIST_LIMIT : -1);
  const unscopedIncidents =
    select.incidents === "none"
      ? []
      : await listed(
          "incident",
          select.incidents === "unresolved" ? openStatus : undefined,
          [select.incidents === "unresolved" ? openNewestFirst : desc(incident.startedAt), desc(incident.id)],
          select.incidents === "recent",
        );
  const unscopedMaintenances =
    select.maintenances === "none"
      ? []
      : await listed(
          "maintenance",
          select.maintenances === "recent" ? undefined : MAINTENANCE_WHERE[select.maintenances],
          select.maintenances === "recent"
            ? [desc(incident.scheduledFor), desc(incident.id)]
            : [asc(incident.scheduledFor), asc(incident.id)],
          select.maintenances === "recent",
        );

  const [incidents, maintenances] = await Promise.all([
    withScopedImpact(db, scope, unscopedIncidents),
    withScopedImpact(db, scope, unscopedMaintenances),
  ]);
  const all = [...incidents, ...maintenances];
  const ids = all.map((i) => i.id);
  const updates = ids.length
    ? await db
        .select()
        .from(incidentUpdate)
        .where(and(inArray(incidentUpdate.incidentId, ids), publishedUpdate))
    : [];
  const updateIds = updates.map((u) => u.id);
  const touched = updateIds.length
    ? await db
        .select()
        .from(incidentUpdateComponent)
        .where(inArray(incidentUpdateComponent.incidentUpdateId, updateIds))
    : [];
  const affectedByUpdate = new Map<string, SyndicatedAffected[]>();
  for (const t of touched) {
    const c = byId.get(t.componentId);
    if (!c) continue;
    let list = affectedByUpdate.get(t.incidentUpdateId);
    if (!list) affectedByUpdate.set(t.incidentUpdateId, (list = []));
    list.push({ id: c.id, name: c.name, oldStatus: t.oldStatus, newStatus: t.newStatus });
  }
  const updatesByIncident = new Map<string, (typeof updates)[number][]>();
  for (const u of updates) {
    let list = updatesByIncident.get(u.incidentId);
    if (!list) updatesByIncident.set(u.incidentId, (list = []));
    list.push(u);
  }
  const toSyndicated = (i: Incident): SyndicatedIncident => {
    const own = (updatesByIncident.get(i.id) ?? []).sort(compareUpdatesNewestFirst).map(
      (u): SyndicatedUpdate => ({
        id: u.id,
        status: u.status,
        body: u.body,
        displayAt: u.displayAt,
        createdAt: u.createdAt,
        updatedAt: u.updatedAt,
        deliverNotifications: u.deliverNotifications,
        affected: (affectedByUpdate.get(u.id) ?? []).sort(
          (a, b) => byId.get(a.id)!.position - byId.get(b.id)!.position,
        ),
      }),
    );
    const named = new Set(own.flatMap((u) => u.affected.map((a) => a.id)));
    return {
      ...publicIncidentFields(i),
      createdAt: i.createdAt,
      updatedAt: i.updatedAt,
      monitoringAt: i.monitoringAt,
      updates: own,
      components: components.filter((c) => named.has(c.id) && c.memberIds === null),
    };
  };

  return {
    page: { ...publicPageOf(p), updatedAt: p.updatedAt },
    overall: await overallOf(db, scope, rows),
    components,
    incidents: incidents.map(toSyndicated),
    maintenances: maintenances.map(toSyndicated),
  };
}
